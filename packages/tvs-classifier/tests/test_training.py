"""The training pipeline: splits, fit, calibration, metrics, saving and loading."""

import hashlib
import json

import numpy as np
import pandas as pd
import pytest

from tvs_classifier import simulate
from tvs_classifier.classifier import trained as trained_module
from tvs_classifier.classifier.trained import CARD_FILE, MODEL_FILE, ModelError, load_classifier
from tvs_classifier.classifier.training import (
    color_dropout_rows,
    stratified_split,
    train,
    training_periods,
)

SUBCLASSES = ["RRab", "RRc", "constant"]
TINY = {"image_size": (16, 32), "filters": (2, 2, 2), "batch_size": 32, "progress": False}


@pytest.fixture(scope="module")
def data():
    """150 labelled light curves; constant stars get random periods (no search)."""
    light_curves, labels = simulate(150, SUBCLASSES, seed=1, years=2)
    period = labels["period"].to_numpy().copy()
    missing = ~np.isfinite(period)
    period[missing] = 10 ** np.random.default_rng(0).uniform(-1, 0, missing.sum())
    return light_curves, labels, dict(zip(labels["object_id"], period, strict=True))


@pytest.fixture(scope="module")
def trained(data):
    light_curves, labels, periods = data
    return train(light_curves, labels, periods=periods, epochs=3, seed=0, **TINY)


@pytest.fixture(scope="module")
def folder(trained, tmp_path_factory):
    return trained.save(tmp_path_factory.mktemp("model") / "clf")


def test_stratified_split_is_disjoint_complete_and_stratified():
    labels = np.array(["a"] * 40 + ["b"] * 20 + ["c"] * 3)
    train_at, val_at, test_at = stratified_split(labels, validation=0.2, test=0.25, seed=1)
    together = np.concatenate([train_at, val_at, test_at])
    assert np.array_equal(np.sort(together), np.arange(labels.size))
    assert (labels[val_at] == "a").sum() == 8
    assert (labels[test_at] == "a").sum() == 10
    assert (labels[train_at] == "c").sum() >= 1
    again = stratified_split(labels, validation=0.2, test=0.25, seed=1)
    assert all(
        np.array_equal(x, y) for x, y in zip(again, (train_at, val_at, test_at), strict=True)
    )


def test_bad_split_fractions():
    with pytest.raises(ValueError, match="fractions"):
        stratified_split(["a", "b"], validation=0.6, test=0.5)


def test_card_records_splits_metrics_and_versions(trained, data):
    card = trained.card
    assert trained.subclasses == tuple(SUBCLASSES)
    assert trained.class_of == {"RRab": "RRL", "RRc": "RRL", "constant": "constant"}
    assert trained.classes == ("RRL", "constant")
    assert sum(card["splits"].values()) == 150
    assert card["splits"]["test"] == 24  # 15 % of each of three subclasses of 50
    matrix = np.array(card["confusion_matrix"]["subclass"]["matrix"])
    assert matrix.shape == (3, 3)
    assert matrix.sum() == card["splits"]["test"]
    assert matrix.sum(axis=1).tolist() == [8, 8, 8]
    class_matrix = np.array(card["confusion_matrix"]["class"]["matrix"])
    assert class_matrix.sum(axis=1).tolist() == [16, 8]
    per_class = card["metrics"]["subclass"]["per_class"]
    assert set(per_class) == {*SUBCLASSES, "macro"}
    assert 0 <= per_class["macro"]["f1"] <= 1
    assert trained.temperature > 0
    assert card["metrics"]["ece_validation_calibrated"] <= (
        card["metrics"]["ece_validation_uncalibrated"] + 0.05
    )
    assert {"tvs_classifier", "keras", "backend", "numpy"} <= set(card["versions"])
    assert len(trained.feature_mean) == len(trained.feature_names)
    assert card["training"]["epochs_run"] <= 3
    assert card["architecture"]["image_dropout"] == 0.25


def test_training_is_reproducible_by_seed(data, trained):
    light_curves, labels, periods = data
    again = train(light_curves, labels, periods=periods, epochs=3, seed=0, **TINY)
    for layer in ("conv7x7", "probabilities"):
        for w1, w2 in zip(
            trained.model.get_layer(layer).get_weights(),
            again.model.get_layer(layer).get_weights(),
            strict=True,
        ):
            np.testing.assert_array_equal(w1, w2)
    assert again.card["splits"] == trained.card["splits"]
    assert again.temperature == trained.temperature


def test_saved_card_is_the_trained_card_with_version_and_checksum(trained, folder):
    assert trained.version == "unsaved"  # no placeholder version before it is saved
    assert "model_version" not in trained.card
    saved = json.loads((folder / CARD_FILE).read_text())
    expected = json.loads(json.dumps(trained.model_card()))  # as JSON stores it
    assert set(saved) == set(expected) | {"model_sha256"}
    for key in expected:
        if key != "model_version":
            assert saved[key] == expected[key], key
    digest = hashlib.sha256((folder / MODEL_FILE).read_bytes()).hexdigest()
    assert saved["model_sha256"] == digest
    assert saved["model_version"] == f"tvs-cnn-{digest[:12]}"
    assert load_classifier(folder).model_card() == saved


def test_save_and_load_give_the_same_predictions(trained, folder, data):
    light_curves, _, periods = data
    assert {p.name for p in folder.iterdir()} == {
        "model.keras",
        "model_card.json",
        "MODEL_CARD.md",
    }
    loaded = load_classifier(folder)
    assert loaded.version.startswith("tvs-cnn-")
    assert loaded.version == loaded.card["model_version"]
    assert loaded.subclasses == trained.subclasses
    assert loaded.bands == trained.bands
    assert loaded.temperature == pytest.approx(trained.temperature)
    images, features = trained.inputs(light_curves, periods)
    np.testing.assert_allclose(
        loaded.predict_proba(images, features), trained.predict_proba(images, features), atol=1e-6
    )
    markdown = (folder / "MODEL_CARD.md").read_text()
    assert loaded.version in markdown
    assert "Confusion matrix" in markdown


@pytest.fixture
def copy_of(folder, tmp_path):
    target = tmp_path / "copy"
    target.mkdir()
    for path in folder.iterdir():
        (target / path.name).write_bytes(path.read_bytes())
    return target


def test_truncated_model_file_is_refused(copy_of):
    data = (copy_of / MODEL_FILE).read_bytes()
    (copy_of / MODEL_FILE).write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelError, match="truncated, corrupt"):
        load_classifier(copy_of)


def test_truncated_model_with_matching_checksum_is_refused_by_keras(copy_of):
    data = (copy_of / MODEL_FILE).read_bytes()[:1000]
    (copy_of / MODEL_FILE).write_bytes(data)
    card = json.loads((copy_of / CARD_FILE).read_text())
    card["model_sha256"] = hashlib.sha256(data).hexdigest()
    (copy_of / CARD_FILE).write_text(json.dumps(card))
    with pytest.raises(ModelError, match="cannot be loaded by Keras"):
        load_classifier(copy_of)


def test_broken_json_is_refused(copy_of):
    text = (copy_of / CARD_FILE).read_text()
    (copy_of / CARD_FILE).write_text(text[: len(text) // 2])
    with pytest.raises(ModelError, match="not valid JSON"):
        load_classifier(copy_of)


def test_card_without_a_key_is_refused(copy_of):
    card = json.loads((copy_of / CARD_FILE).read_text())
    del card["bands"]
    (copy_of / CARD_FILE).write_text(json.dumps(card))
    with pytest.raises(ModelError, match=r"lacks \['bands'\]"):
        load_classifier(copy_of)


def test_missing_file_or_folder(copy_of, tmp_path):
    (copy_of / MODEL_FILE).unlink()
    with pytest.raises(ModelError, match=r"model\.keras is missing"):
        load_classifier(copy_of)
    with pytest.raises(ModelError, match="does not exist"):
        load_classifier(tmp_path / "nowhere")


def test_no_default_model_installed(monkeypatch, tmp_path):
    monkeypatch.setattr(trained_module, "DEFAULT_MODEL_DIR", tmp_path / "model")
    with pytest.raises(ModelError, match="default model is missing from this installation"):
        load_classifier()


def test_default_model_is_loaded_when_installed(monkeypatch, folder):
    monkeypatch.setattr(trained_module, "DEFAULT_MODEL_DIR", folder)
    assert load_classifier().version.startswith("tvs-cnn-")


def test_labels_missing_objects(data):
    light_curves, labels, periods = data
    with pytest.raises(ValueError, match="3 objects have no class or subclass"):
        train(light_curves, labels.iloc[3:], periods=periods, epochs=1, **TINY)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.drop(columns="subclass"), r"lack the column\(s\) \['subclass'\]"),
        (lambda t: pd.concat([t, t.iloc[:1]]), "twice"),
        (lambda t: t.assign(subclass="RRab", **{"class": "RRL"}), "at least two"),
        (lambda t: t.assign(**{"class": np.where(t.index % 2, "A", "B")}), "more than one class"),
    ],
)
def test_bad_labels(data, change, message):
    light_curves, labels, periods = data
    with pytest.raises(ValueError, match=message):
        train(light_curves, change(labels), periods=periods, epochs=1, **TINY)


def test_bad_class_weight(data):
    light_curves, labels, periods = data
    with pytest.raises(ValueError, match="class_weight"):
        train(light_curves, labels, periods=periods, class_weight="square", **TINY)


def test_training_periods_searches_only_where_the_label_has_none():
    light_curves, labels = simulate(2, ["RRab", "constant"], seed=4, years=1)
    out = training_periods(light_curves, labels, progress=False).set_index("object_id")
    given = labels.set_index("object_id")["period"]
    periodic = given.notna()
    assert (out.loc[periodic, "period_source"] == "given").all()
    assert (out.loc[~periodic, "period_source"] != "given").all()
    assert np.allclose(out.loc[periodic, "period"], given[periodic])


def test_color_dropout_hides_the_colors_of_a_fraction_and_is_recorded(data):
    light_curves, labels, periods = data
    trained = train(
        light_curves, labels, periods=periods, epochs=1, seed=0, color_dropout=0.5, **TINY
    )
    assert trained.card["architecture"]["color_dropout"] == 0.5
    assert sum(trained.card["training_priors"].values()) == pytest.approx(1.0)
    rows = color_dropout_rows(np.arange(100), 0.5, seed=0)
    assert rows.size == 50
    assert np.array_equal(rows, color_dropout_rows(np.arange(100), 0.5, seed=0))
    with pytest.raises(ValueError, match="between 0 and 1"):
        train(light_curves, labels, periods=periods, epochs=1, color_dropout=1.5, **TINY)


def test_ignored_colors_reach_the_network_as_unknown(trained, data):
    light_curves, _, periods = data
    _, plain = trained.inputs(light_curves, periods)
    _, ignored = trained.inputs(light_curves, periods, ignore_colors=("g",))
    names = trained.feature_names
    color = [k for k, name in enumerate(names) if name.endswith(("color_u_g", "color_g_r"))]
    other = [k for k in range(len(names)) if k not in color]
    assert (ignored[:, color] == 0).all()
    assert plain[:, color].any()
    np.testing.assert_array_equal(ignored[:, other], plain[:, other])
