"""The dashboard's parts without a browser: results, filters, export, uploads."""

import io

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("panel")

from tvs_classifier import simulate
from tvs_classifier.lightcurves import LightCurveError
from tvs_classifier.store import ClassificationStore, update
from tvs_classifier.ui import Dashboard, Results, dashboard
from tvs_classifier.ui.uploads import (
    MAX_UPLOAD_BYTES,
    UploadError,
    classify_upload,
    parse_upload,
)


@pytest.fixture(scope="module")
def stars():
    light_curves, labels = simulate(8, ["RRab", "EC", "Mira", "DSCT"], seed=5, years=2)
    return light_curves, labels


@pytest.fixture(scope="module")
def store(stars, classifier, tmp_path_factory):
    light_curves, labels = stars
    path = tmp_path_factory.mktemp("ui") / "tvs.sqlite"
    table = light_curves.table.merge(labels[["object_id", "period"]], on="object_id")
    update(table, path, period_column="period", classifier=classifier, progress=False)
    return path


def test_results_of_a_store_and_of_a_file_filter_alike(store, tmp_path):
    results = Results.open(store)
    assert len(results) == 8
    assert results.store is not None
    path = tmp_path / "latest.csv"
    ClassificationStore.open(store).export(path)
    from_file = Results.open(path)
    assert from_file.store is None
    for name in ("classes", "model_versions", "flag_names"):
        assert getattr(results, name) == getattr(from_file, name)
    some = results.classes[:1]
    chosen = results.select(classes=some, min_probability=0.5)
    expected = results.frame[
        results.frame["class"].isin(some) & (results.frame["class_prob"] >= 0.5)
    ]
    assert sorted(chosen["object_id"]) == sorted(expected["object_id"])
    assert len(results.history(results.frame["object_id"].iloc[0])) == 1
    assert from_file.history(1).empty


def test_flag_filter_keeps_objects_with_any_chosen_flag():
    frame = pd.DataFrame({"object_id": [1, 2, 3], "class": ["RRL"] * 3, "flags": ["", "a;b", "b"]})
    results = Results(frame)
    assert results.flag_names == ["a", "b"]
    assert results.select(flags=["a"])["object_id"].tolist() == [2]
    assert results.select(flags=["none", "b"])["object_id"].tolist() == [1, 2, 3]
    assert results.select(flags=["none"])["object_id"].tolist() == [1]


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".vot"])
def test_export_of_a_selection_reads_back(store, suffix, tmp_path):
    results = Results.open(store)
    chosen = results.select(classes=results.classes[:1])
    path = tmp_path / f"out{suffix}"
    path.write_bytes(results.export(chosen, suffix))
    if suffix == ".vot":
        from astropy.table import Table

        back = Table.read(path).to_pandas()
    else:
        back = pd.read_csv(path) if suffix == ".csv" else pd.read_parquet(path)
    assert sorted(back["object_id"]) == sorted(chosen["object_id"])
    with pytest.raises(ValueError, match="export as one of"):
        results.export(chosen, ".xlsx")


def test_bad_sources_are_named(tmp_path):
    with pytest.raises(LightCurveError, match="no such store"):
        Results.open(tmp_path / "none.sqlite")
    (tmp_path / "x.csv").write_text("a,b\n1,2\n")
    with pytest.raises(LightCurveError, match="has no object_id column"):
        Results.open(tmp_path / "x.csv")
    with pytest.raises(LightCurveError, match="give a store"):
        Results.open(tmp_path / "x.txt")


def test_dashboard_filters_and_opens_an_object(store, stars, classifier):
    light_curves, _ = stars
    board = Dashboard(Results.open(store), light_curves=light_curves, classifier=classifier)
    n = len(board.table.value)
    assert n == 8
    board.classes.value = board.classes.value[:1]
    assert len(board.table.value) == len(board.selection()) < n
    board.min_probability.value = 1.0
    assert len(board.table.value) == len(board.selection())
    first = board.results.frame["object_id"].iloc[0]
    board.show_object(first)
    assert board.curve.object is not None
    # The images the network sees: a panel per band of the model, and all in color.
    assert len(board.images.object.axes) == len(classifier.bands) + 1
    shown = board.images.object.axes[0].images[0].get_array()
    assert shown.shape == tuple(classifier.image_size)
    assert board.period.value == pytest.approx(board.results.row(first)["period"])
    assert len(board.history.value) == 1
    assert board.history.value["classified_at"].iloc[0].endswith(" UTC")
    (chart,) = board.history_chart.object.axes
    assert chart.get_ylabel() == "class probability"
    assert board.tabs.active == 1
    before = np.array(board.images.object.axes[-1].images[0].get_array())
    board.period.value = 2 * board.period.value  # refolds
    assert board.curve.object is not None
    assert not np.array_equal(np.array(board.images.object.axes[-1].images[0].get_array()), before)
    page = dashboard(store, light_curves=light_curves)
    assert type(page).__name__ == "Row"


def upload_csv(light_curves) -> bytes:
    return light_curves.table.to_csv(index=False).encode()


def test_an_upload_is_classified_in_memory(stars, classifier):
    light_curves, _ = stars
    curves, results = classify_upload(upload_csv(light_curves), "mine.csv", classifier)
    assert sorted(results["object_id"]) == sorted(curves.object_ids)
    assert sorted(curves.object_ids) == sorted(light_curves.object_ids)
    buffer = io.BytesIO()
    light_curves.table.to_parquet(buffer)
    _, again = classify_upload(buffer.getvalue(), "mine.parquet", classifier)
    assert again["class"].tolist() == results["class"].tolist()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.csv", "empty.csv is empty"),
        (b"\x00\xff" * 100, "junk.parquet", "cannot be read as Parquet"),
        (b"object_id,mjd\n1,2\n", "../../etc/passwd.csv", "passwd.csv: "),
        (b"x", "tool.exe", "upload a .csv, .parquet, .ecsv file"),
        (b"x" * (MAX_UPLOAD_BYTES + 1), "big.csv", "the dashboard takes files up to 20 MB"),
    ],
)
def test_bad_uploads_say_what_is_wrong(content, name, message, classifier):
    with pytest.raises(UploadError, match=message.replace(".", r"\.").replace("(", r"\(")):
        classify_upload(content, name, classifier)
    if name.startswith("../"):
        with pytest.raises(UploadError) as error:
            classify_upload(content, name, classifier)
        assert "etc" not in str(error.value)


def test_upload_of_ecsv_parses(stars):
    from astropy.table import Table

    light_curves, _ = stars
    buffer = io.StringIO()
    Table.from_pandas(light_curves.table.head(5)).write(buffer, format="ascii.ecsv")
    table = parse_upload(buffer.getvalue().encode(), "x.ecsv")
    np.testing.assert_allclose(table["mag"], light_curves.table["mag"].head(5))
