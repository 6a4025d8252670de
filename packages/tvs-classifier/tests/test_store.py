"""The update store: digests, update runs, history, export, bad input; SQLite and PostgreSQL."""

import dataclasses
import sqlite3

import numpy as np
import pandas as pd
import pytest
from astropy.table import Table

from tvs_classifier import classify, simulate
from tvs_classifier.cli import main
from tvs_classifier.store import ClassificationStore, StoreError, light_curve_digests, update
from tvs_classifier.store.schema import SCHEMA_VERSION

#: Probabilities of the store and of classify() agree to this: the network runs on
#: batches of other sizes, and float32 sums depend on the batch.
PROBABILITY_TOLERANCE = 1e-3


@pytest.fixture(scope="module")
def stars():
    """Twelve simulated stars of four kinds (two years), with their periods on every row."""
    light_curves, labels = simulate(12, ["RRab", "EC", "Mira", "DSCT"], seed=3, years=2)
    return light_curves.table.merge(labels[["object_id", "period"]], on="object_id")


def _changed(table: pd.DataFrame, object_id: object) -> pd.DataFrame:
    """The table with one object's magnitudes brightened by 0.01 mag."""
    table = table.copy()
    table.loc[table["object_id"] == object_id, "mag"] -= 0.01
    return table


# Digests ------------------------------------------------------------------------------


def test_digest_ignores_row_and_column_order_and_sees_every_change(stars):
    digests = light_curve_digests(stars, "object_id")
    shuffled = stars.sample(frac=1.0, random_state=1)[stars.columns[::-1]]
    assert light_curve_digests(shuffled, "object_id").reindex(digests.index).equals(digests)
    first = stars["object_id"].iloc[0]
    rows = stars.index[stars["object_id"] == first]
    variants = {
        "magnitude": _changed(stars, first),
        "new epoch": pd.concat([stars, stars.loc[rows[:1]].assign(mjd=70000.0)]),
        "removed epoch": stars.drop(index=rows[-1]),
        "band": stars.assign(band=np.where(stars.index == rows[0], "w", stars["band"])),
    }
    for name, table in variants.items():
        other = light_curve_digests(table, "object_id")
        assert (other != digests).tolist() == (digests.index == first).tolist(), name
    with_period = light_curve_digests(stars, "object_id", {first: 0.5})
    assert (with_period != digests).sum() == 1


def test_digest_errors_name_the_problem():
    with pytest.raises(KeyError, match="no column 'oid'"):
        light_curve_digests(pd.DataFrame({"id": [1]}), "oid")
    with pytest.raises(ValueError, match="missing object ids"):
        light_curve_digests(pd.DataFrame({"id": [1, None], "mag": [1.0, 2.0]}), "id")


# Update runs --------------------------------------------------------------------------


def test_update_classifies_only_new_changed_and_new_model_objects(stars, classifier, tmp_path):
    path = tmp_path / "stars.parquet"
    stars.to_parquet(path)
    store = tmp_path / "tvs.sqlite"
    options = {"period_column": "period", "classifier": classifier, "progress": False}
    first = update(path, store, batch_size=5, **options)
    assert (first.n_new, first.n_classified, first.n_unchanged) == (12, 12, 0)
    again = update(path, store, **options)
    assert (again.n_classified, again.n_unchanged) == (0, 12)

    ids = stars["object_id"].unique()
    _changed(stars, ids[3]).to_parquet(path)
    changed = update(path, store, **options)
    assert (changed.n_changed, changed.n_new, changed.n_unchanged) == (1, 0, 11)

    newer = dataclasses.replace(
        classifier, card=classifier.card | {"model_version": "tvs-cnn-new"}
    )
    renewed = update(path, store, **(options | {"classifier": newer}))
    assert (renewed.n_new_model, renewed.n_classified) == (12, 12)

    opened = ClassificationStore.open(store)
    latest = opened.latest()
    assert sorted(latest["object_id"]) == sorted(ids)
    assert set(latest["model_version"]) == {"tvs-cnn-new"}
    history = opened.history()
    # 12 + 0 + 1 + 12: an unchanged rerun adds no row; one row per object and run.
    assert len(history) == 25
    assert not history.duplicated(["object_id", "run_id"]).any()
    assert len(opened.history(ids[3])) == 3
    runs = opened.runs()
    assert runs["n_classified"].tolist() == [12, 0, 1, 12]
    assert runs["finished_at"].notna().all()


def test_store_holds_what_classify_gives(stars, classifier, tmp_path):
    store = ClassificationStore.open(tmp_path / "tvs.sqlite")
    update(stars, store, period_column="period", classifier=classifier, progress=False)
    periods = stars.groupby("object_id")["period"].first()
    expected = classify(
        stars.drop(columns="period"), periods, classifier=classifier, progress=False
    ).set_index("object_id")
    latest = store.latest().set_index("object_id").loc[expected.index]
    assert latest["class"].tolist() == expected["class"].tolist()
    assert latest["subclass"].tolist() == expected["subclass"].tolist()
    columns = [name for name in expected.columns if name.startswith("prob_")]
    np.testing.assert_allclose(
        latest[columns].to_numpy(float), expected[columns].to_numpy(float),
        atol=PROBABILITY_TOLERANCE,
    )  # fmt: skip
    assert latest["period_source"].eq("given").all()
    per_band = stars.groupby(["object_id", "band"]).size().unstack(fill_value=0)
    for band in per_band.columns:
        assert latest[f"n_epochs_{band}"].tolist() == per_band.loc[expected.index, band].tolist()
    last = stars.groupby("object_id")["mjd"].max().loc[expected.index]
    np.testing.assert_allclose(latest["last_epoch"], last)
    assert latest["digest"].str.fullmatch("[0-9a-f]{32}").all()
    assert latest["classified_at"].dt.tz is not None


def test_an_object_without_usable_points_is_stored_with_a_flag(stars, classifier, tmp_path):
    table = stars.copy()
    broken = table["object_id"].iloc[0]
    table.loc[table["object_id"] == broken, "mag_err"] = -1.0
    store = ClassificationStore.open(tmp_path / "tvs.sqlite")
    update(table, store, period_column="period", classifier=classifier, progress=False)
    row = store.latest().set_index("object_id").loc[broken]
    assert row["flags"] == "no_light_curve"
    assert pd.isna(row["class"])
    assert update(table, store, classifier=classifier, period_column="period",
                  progress=False).n_classified == 0  # fmt: skip


def test_periods_from_another_table(stars, classifier, tmp_path):
    periods = stars.groupby("object_id", as_index=False)["period"].first()
    periods.to_csv(tmp_path / "periods.csv", index=False)
    report = update(
        stars.drop(columns="period"),
        tmp_path / "tvs.sqlite",
        periods=tmp_path / "periods.csv",
        period_column="period",
        classifier=classifier,
        progress=False,
    )
    latest = ClassificationStore.open(tmp_path / "tvs.sqlite").latest()
    assert report.n_classified == 12
    assert latest["period_source"].eq("given").all()


# Export -------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".ecsv", ".vot"])
def test_export_writes_latest_and_history_in_every_format(stars, classifier, tmp_path, suffix):
    store = ClassificationStore.open(tmp_path / "tvs.sqlite")
    update(stars, store, period_column="period", classifier=classifier, progress=False)
    update(_changed(stars, stars["object_id"].iloc[0]), store, period_column="period",
           classifier=classifier, progress=False)  # fmt: skip
    for history, rows in ((False, 12), (True, 13)):
        path = store.export(tmp_path / f"out{suffix}", history=history)
        table = Table.read(path).to_pandas() if suffix in (".ecsv", ".vot") else (
            pd.read_csv(path) if suffix == ".csv" else pd.read_parquet(path)
        )  # fmt: skip
        assert len(table) == rows
        assert set(table["object_id"]) == set(stars["object_id"])
        assert {"class", "prob_RRab", "model_version", "digest", "classified_at"} <= set(table)


def test_cli_update_and_export(stars, tmp_path, capsys):
    path = tmp_path / "stars.csv"
    stars.to_csv(path, index=False)
    store = str(tmp_path / "tvs.sqlite")
    args = ["update", str(path), "--store", store, "--period-col", "period", "--no-progress"]
    assert main(args) == 0
    assert "classified 12 of 12 objects (12 new" in capsys.readouterr().out
    assert main(args) == 0
    assert "classified 0 of 12 objects" in capsys.readouterr().out
    assert main(["export", "--store", store, "-o", str(tmp_path / "h.ecsv"), "--history"]) == 0
    assert "wrote 12 classifications" in capsys.readouterr().out
    assert len(Table.read(tmp_path / "h.ecsv")) == 12


# Bad input ----------------------------------------------------------------------------


def test_bad_stores_are_refused_with_the_reason(tmp_path, capsys):
    with pytest.raises(StoreError, match=r"neither a path ending in \.sqlite"):
        ClassificationStore.open(tmp_path / "tvs.db")
    with pytest.raises(StoreError, match="folder of the store"):
        ClassificationStore.open(tmp_path / "missing" / "tvs.sqlite")
    corrupt = tmp_path / "corrupt.sqlite"
    corrupt.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="cannot use the store"):
        ClassificationStore.open(corrupt)
    old = tmp_path / "old.sqlite"
    ClassificationStore.open(old).close()
    with sqlite3.connect(old) as connection:
        connection.execute("UPDATE store_info SET value = '0' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match=f"schema version 0; .* reads version {SCHEMA_VERSION}"):
        ClassificationStore.open(old)
    assert main(["export", "--store", str(old), "-o", str(tmp_path / "x.csv")]) == 1
    assert "schema version 0" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


def test_bad_update_arguments_are_refused_before_any_work(stars, classifier, tmp_path):
    store = tmp_path / "tvs.sqlite"
    with pytest.raises(ValueError, match="priors='adapt'"):
        update(stars, store, priors="adapt", classifier=classifier)
    with pytest.raises(ValueError, match="give period_column="):
        update(stars, store, periods=tmp_path / "p.csv", classifier=classifier)
    with pytest.raises(ValueError, match="batch_size must be at least 1"):
        update(stars, store, batch_size=0, classifier=classifier)
    assert not store.exists()


def test_ids_of_another_type_are_refused_and_nothing_is_written(stars, classifier, tmp_path):
    store = ClassificationStore.open(tmp_path / "tvs.sqlite")
    update(stars, store, period_column="period", classifier=classifier, progress=False)
    text_ids = stars.assign(object_id="star" + stars["object_id"].astype(str))
    with pytest.raises(StoreError, match="integer ids; these are text"):
        update(text_ids, store, period_column="period", classifier=classifier, progress=False)
    assert len(store.latest()) == 12
    assert len(store.history()) == 12


def test_export_to_a_bad_path_writes_nothing(tmp_path):
    store = ClassificationStore.open(tmp_path / "tvs.sqlite")
    with pytest.raises(ValueError, match="must end in"):
        store.export(tmp_path / "out.txt")
    assert not (tmp_path / "out.txt").exists()


# PostgreSQL ---------------------------------------------------------------------------


def test_postgresql_store_behaves_as_sqlite(stars, classifier, postgres_server, tmp_path):
    url = postgres_server.create_database("tvs_update")
    options = {"period_column": "period", "classifier": classifier, "progress": False}
    assert update(stars, url, batch_size=5, **options).n_classified == 12
    assert update(stars, url, **options).n_classified == 0
    changed = update(_changed(stars, stars["object_id"].iloc[2]), url, **options)
    assert (changed.n_changed, changed.n_unchanged) == (1, 11)
    store = ClassificationStore.open(url)
    assert len(store.latest()) == 12
    assert len(store.history()) == 13
    local = ClassificationStore.open(tmp_path / "tvs.sqlite")
    update(_changed(stars, stars["object_id"].iloc[2]), local, **options)
    pg = store.latest().set_index("object_id").sort_index()
    lite = local.latest().set_index("object_id").sort_index()
    assert pg["class"].tolist() == lite["class"].tolist()
    assert pg["digest"].tolist() == lite["digest"].tolist()
    np.testing.assert_allclose(pg["class_prob"], lite["class_prob"], atol=PROBABILITY_TOLERANCE)
    path = store.export(tmp_path / "pg.parquet", history=True)
    assert len(pd.read_parquet(path)) == 13
    store.close()
