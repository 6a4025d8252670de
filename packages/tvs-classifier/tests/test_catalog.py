"""HATS catalogs classified with LSDB and Dask, against the in-memory path."""

import numpy as np
import pandas as pd
import pytest

lsdb = pytest.importorskip("lsdb")
npd = pytest.importorskip("nested_pandas")

from tvs_classifier import classify, classify_catalog, load_classifier  # noqa: E402
from tvs_classifier.classifier.catalog import NO_LIGHT_CURVE, dask_client, output_meta  # noqa: E402
from tvs_classifier.cli import main  # noqa: E402
from tvs_classifier.io.readers import is_hats_catalog  # noqa: E402
from tvs_classifier.lightcurves import LightCurveError  # noqa: E402

#: Probabilities of the two paths agree to this: the network runs on batches of other
#: sizes in the partitions, and float32 sums depend on the batch.
PROBABILITY_TOLERANCE = 1e-3


@pytest.fixture(scope="module")
def hats_catalog(tmp_path_factory, sky_stars, write_hats):
    """A HATS catalog of 12 simulated stars in several partitions, one with no light
    curve and one without a period, and the stars themselves."""
    light_curves, base, empty = sky_stars(simulation_seed=1, position_seed=0)
    folder = tmp_path_factory.mktemp("hats") / "stars"
    write_hats(light_curves.table, base, empty, folder, partition_rows=12)
    return folder, light_curves, base, empty


@pytest.fixture(scope="module")
def in_memory(hats_catalog):
    _, light_curves, base, _ = hats_catalog
    periods = base.set_index("object_id")["period"]
    return classify(light_curves, periods, progress=False).set_index("object_id")


def same_as_in_memory(result: pd.DataFrame, expected: pd.DataFrame, empty: int) -> None:
    result = result.set_index("object_id")
    for column in expected.columns:  # read back from Parquet, numbers may be pyarrow's
        if expected[column].dtype.kind in "fi":
            result[column] = result[column].to_numpy(np.float64, na_value=np.nan)
    assert result.loc[empty, "flags"] == NO_LIGHT_CURVE
    assert pd.isna(result.loc[empty, "class_prob"])
    result = result.drop(index=empty).loc[expected.drop(index=empty).index]
    expected = expected.drop(index=empty)
    for column in ("class", "subclass", "flags", "period_source", "priors", "model_version"):
        # a CSV reads no flags ('') back as missing
        got, want = (frame[column].astype(object).fillna("") for frame in (result, expected))
        assert got.tolist() == want.tolist(), column
    for column in ("n_points", "n_outliers"):
        np.testing.assert_array_equal(result[column], expected[column])
    np.testing.assert_allclose(result["period"], expected["period"], rtol=1e-12)
    probabilities = [c for c in expected.columns if c.startswith("prob_")]
    np.testing.assert_allclose(
        result[probabilities], expected[probabilities], rtol=0, atol=PROBABILITY_TOLERANCE
    )


def test_a_hats_catalog_on_a_two_worker_cluster_gives_the_in_memory_result(
    hats_catalog, in_memory
):
    folder, _, base, empty = hats_catalog
    assert is_hats_catalog(folder)
    catalog = lsdb.open_catalog(folder)
    assert catalog.npartitions > 1
    lazy = classify_catalog(catalog, period_column="period")
    assert isinstance(lazy, lsdb.Catalog)
    with dask_client(workers=2) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        result = lazy.compute()
    assert sorted(result["object_id"]) == sorted(base["object_id"])
    assert list(result.columns) == list(output_meta(load_classifier()).columns)
    np.testing.assert_allclose(
        result.set_index("object_id").loc[base["object_id"], "ra"], base["ra"], rtol=0
    )
    same_as_in_memory(result, in_memory, empty)


def test_the_command_line_writes_a_hats_catalog(hats_catalog, in_memory, tmp_path, capsys):
    folder, _, _, empty = hats_catalog
    output = tmp_path / "classes"
    argv = ["classify", str(folder), "-o", str(output), "--period-col", "period"]
    assert main([*argv, "--workers", "1", "--no-progress"]) == 0
    said = capsys.readouterr().out
    assert f"classified 11 of 12 objects (1 flagged) of the HATS catalog {folder}" in said
    assert is_hats_catalog(output)
    written = lsdb.open_catalog(output).compute()
    same_as_in_memory(written, in_memory, empty)
    assert [p.name for p in tmp_path.iterdir()] == ["classes"]  # no temporary left
    # An existing output is refused before any work, and left as it was.
    assert main([*argv, "--workers", "1"]) == 1
    assert "exists: give a new folder" in capsys.readouterr().err
    table = tmp_path / "classes.csv"
    assert main([*argv, "-o", str(table), "--no-progress"]) == 0  # Dask's default scheduler
    same_as_in_memory(pd.read_csv(table), in_memory, empty)


def test_bad_catalog_calls_are_named(hats_catalog):
    folder, _, _, _ = hats_catalog
    catalog = lsdb.open_catalog(folder)
    with pytest.raises(LightCurveError, match=r"needs an lsdb\.Catalog"):
        classify_catalog(pd.DataFrame())
    with pytest.raises(ValueError, match="priors='adapt'"):
        classify_catalog(catalog, priors="adapt")
    with pytest.raises(ValueError, match="not a preset"):
        classify_catalog(catalog, priors="nope")
    with pytest.raises(LightCurveError, match=r"no column\(s\) \['P'\]"):
        classify_catalog(catalog, period_column="P")
    with pytest.raises(ValueError, match="not all bands of the model"):
        classify_catalog(catalog, bands=["w"])
    with (
        pytest.raises(ValueError, match="not both"),
        dask_client(workers=1, scheduler="tcp://127.0.0.1:1"),
    ):
        pass
    with pytest.raises(ValueError, match="--workers and --scheduler are for a HATS"):
        raise_from_cli(["classify", "x.csv", "-o", "y.csv", "--workers", "2"])


def raise_from_cli(argv):
    from tvs_classifier.cli import _classify, build_parser

    _classify(build_parser().parse_args(argv))
