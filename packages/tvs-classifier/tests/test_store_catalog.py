"""The update store fed by a HATS catalog: partition by partition, unchanged files skipped, Dask."""

import dataclasses
import os
import shutil

import numpy as np
import pandas as pd
import pytest

lsdb = pytest.importorskip("lsdb")
npd = pytest.importorskip("nested_pandas")

from tvs_classifier.classifier.catalog import NO_LIGHT_CURVE  # noqa: E402
from tvs_classifier.cli import main  # noqa: E402
from tvs_classifier.lightcurves import LightCurveError  # noqa: E402
from tvs_classifier.store import ClassificationStore, update  # noqa: E402
from tvs_classifier.store.partitions import catalog_partitions  # noqa: E402

#: Probabilities of two paths agree to this: the network runs on batches of other
#: sizes, and float32 sums depend on the batch.
PROBABILITY_TOLERANCE = 1e-3


@pytest.fixture(scope="module")
def stars(sky_stars):
    """Twelve simulated stars (one without a period, one with no light curve) as a long
    table and as the rows of a catalog."""
    light_curves, base, empty = sky_stars(simulation_seed=4, position_seed=2)
    table = light_curves.table[light_curves.table["object_id"] != empty]
    return table, base, empty


@pytest.fixture
def catalog(stars, write_hats, tmp_path):
    table, base, empty = stars
    return write_hats(table, base, empty, tmp_path / "stars", partition_rows=3)


def rewrite_partition(path: str, object_id: int, change: float) -> None:
    """Rewrite one partition file with one object's magnitudes changed (new data)."""
    frame = npd.read_parquet(path)
    flat = frame["lc"].nest.to_flat()
    owner = frame["object_id"].reindex(flat.index).to_numpy()
    flat.loc[owner == object_id, "mag"] += change
    frame = frame.drop(columns="lc").join_nested(flat, "lc")
    frame.to_parquet(path)


def partition_of(catalog: str, object_id: int):
    """The partition file holding an object."""
    for partition in catalog_partitions(catalog)[2]:
        if object_id in set(npd.read_parquet(partition.path)["object_id"]):
            return partition
    raise AssertionError(object_id)


def same_results(a: pd.DataFrame, b: pd.DataFrame) -> None:
    a, b = a.set_index("object_id").sort_index(), b.set_index("object_id").sort_index()
    assert a.index.tolist() == b.index.tolist()
    for column in ("class", "subclass", "flags", "period_source", "model_version", "digest"):
        assert a[column].fillna("").tolist() == b[column].fillna("").tolist(), column
    probabilities = [c for c in a.columns if c.startswith("prob_")]
    np.testing.assert_allclose(
        a[probabilities].to_numpy(float),
        b[probabilities].to_numpy(float),
        rtol=0,
        atol=PROBABILITY_TOLERANCE,
    )


def test_catalog_update_skips_unchanged_partitions_and_sees_new_data(
    stars, catalog, classifier, tmp_path
):
    table, base, empty = stars
    store = ClassificationStore.open(tmp_path / "tvs.sqlite")
    options = {"period_column": "period", "classifier": classifier, "progress": False}
    first = update(catalog, store, **options)
    n_partitions = first.n_partitions
    assert n_partitions > 2
    assert (first.n_new, first.n_objects, first.n_partitions_read) == (12, 12, n_partitions)
    latest = store.latest().set_index("object_id")
    assert latest.loc[empty, "flags"] == NO_LIGHT_CURVE
    assert latest.loc[base["object_id"].iloc[0], "period_source"] == "found"

    # The same stars from a long table: the same classifications.
    flat = table.merge(base[["object_id", "period"]], on="object_id")
    other = ClassificationStore("sqlite://")
    update(flat, other, **options)
    same = latest.drop(index=empty).reset_index()
    expected = other.latest()
    for column in ("class", "subclass", "period_source"):
        assert same.set_index("object_id")[column].sort_index().tolist() == (
            expected.set_index("object_id")[column].sort_index().tolist()
        )

    # Nothing changed: no partition is read.
    again = update(catalog, store, **options)
    assert (again.n_partitions_read, again.n_classified, again.n_unchanged) == (0, 0, 12)

    # A file touched, not changed: read, nothing classified; --recheck reads all.
    touched = partition_of(catalog, int(base["object_id"].iloc[5]))
    os.utime(touched.path, ns=(1, 1))
    report = update(catalog, store, **options)
    assert (report.n_partitions_read, report.n_classified) == (1, 0)
    report = update(catalog, store, recheck=True, **options)
    assert (report.n_partitions_read, report.n_classified) == (n_partitions, 0)

    # New data for one star: its partition is read and the star alone classified.
    star = int(base["object_id"].iloc[5])
    rewrite_partition(partition_of(catalog, star).path, star, 0.05)
    report = update(catalog, store, **options)
    assert (report.n_partitions_read, report.n_changed, report.n_unchanged) == (1, 1, 11)
    history = store.history(star)
    assert history["digest"].nunique() == len(history) == 2

    # A new model: every partition is read and every star classified again.
    newer = dataclasses.replace(classifier, card=classifier.card | {"model_version": "tvs-cnn-z"})
    report = update(catalog, store, **(options | {"classifier": newer}))
    assert (report.n_partitions_read, report.n_new_model) == (n_partitions, 12)
    assert set(store.latest()["model_version"]) == {"tvs-cnn-z"}


def test_catalog_update_on_a_two_worker_cluster_equals_the_serial_update(
    catalog, classifier, tmp_path
):
    serial = ClassificationStore("sqlite://")
    update(catalog, serial, period_column="period", classifier=classifier, progress=False)
    store = ClassificationStore.open(tmp_path / "dask.sqlite")
    report = update(catalog, store, period_column="period", workers=2, progress=False)
    assert (report.n_new, report.n_partitions_read) == (12, report.n_partitions)
    same_results(store.latest(), serial.latest())
    assert store.runs()["finished_at"].notna().all()


def test_cli_updates_a_catalog(catalog, tmp_path, capsys):
    store = tmp_path / "tvs.sqlite"
    argv = ["update", catalog, "--store", str(store), "--period-col", "period", "--no-progress"]
    assert main(argv) == 0
    first = capsys.readouterr().out
    assert "classified 12 of 12 objects" in first
    assert main(argv) == 0
    second = capsys.readouterr().out
    assert "classified 0 of 12 objects" in second
    assert "; read 0 of " in second


def test_bad_catalog_updates_are_named_and_keep_the_store(catalog, classifier, tmp_path):
    store = ClassificationStore.open(tmp_path / "tvs.sqlite")
    options = {"classifier": classifier, "progress": False}
    with pytest.raises(ValueError, match="periods= is for a table input"):
        update(catalog, store, period_column="period", periods={1: 0.5}, **options)
    with pytest.raises(ValueError, match="give classifier= as a folder"):
        update(catalog, store, workers=1, **options)
    with pytest.raises(ValueError, match="are for a HATS catalog input"):
        update(pd.DataFrame(), store, workers=2, **options)
    with pytest.raises(ValueError, match="are for a HATS catalog input"):
        update(pd.DataFrame(), store, recheck=True, **options)
    with pytest.raises(LightCurveError, match="has no column 'P'"):
        update(catalog, store, period_column="P", **options)
    with pytest.raises(LightCurveError, match="not a nested column"):
        update(catalog, store, nested_column="sources", **options)
    assert store.runs().empty  # refused before any run started

    update(catalog, store, period_column="period", **options)
    kept = store.latest()
    broken = catalog_partitions(catalog)[2][0]
    shutil.copyfile(broken.path, tmp_path / "backup.parquet")
    with open(broken.path, "wb") as handle:
        handle.write(b"not parquet")
    with pytest.raises(LightCurveError, match=f"{broken.path}: cannot be read"):
        update(catalog, store, period_column="period", **options)
    pd.testing.assert_frame_equal(store.latest(), kept)
    shutil.copyfile(tmp_path / "backup.parquet", broken.path)
    report = update(catalog, store, period_column="period", **options)
    assert report.n_classified == 0
