"""Classification: output table, periods given or found, flags, bands, batches, errors."""

import importlib.util
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from tvs_classifier import periods as periods_module
from tvs_classifier.classifier import trained as trained_module
from tvs_classifier.classifier.classify import MIN_POINTS, classify, object_slices
from tvs_classifier.classifier.trained import ModelError, TrainedClassifier
from tvs_classifier.lightcurves import LightCurveError, LightCurves

CLASS_OF = {"RRab": "RRL", "RRc": "RRL", "constant": "constant"}


@pytest.fixture(scope="module")
def classifier():
    return TrainedClassifier.untrained(
        CLASS_OF, bands=("g", "r"), image_size=(16, 32), filters=(2, 2, 2), seed=0
    )


def test_output_table(classifier, make_table):
    table, periods = make_table(n_objects=4)
    out = classify(
        table,
        dict(zip([f"obj{k}" for k in range(4)], periods, strict=True)),
        classifier=classifier,
        progress=False,
    )
    assert out["object_id"].tolist() == ["obj0", "obj1", "obj2", "obj3"]
    subs = out[["prob_RRab", "prob_RRc", "prob_constant"]].to_numpy()
    np.testing.assert_allclose(subs.sum(axis=1), 1.0, atol=1e-6)
    np.testing.assert_allclose(out["prob_RRL"], out["prob_RRab"] + out["prob_RRc"])
    assert (out["subclass"] == np.array(classifier.subclasses)[subs.argmax(axis=1)]).all()
    assert (out["class"] == out["subclass"].map(CLASS_OF)).all() or (
        out["class_prob"] >= 0.5
    ).all()
    assert (out["class_prob"] >= out["subclass_prob"] - 1e-12).all()
    assert (out["period_source"] == "given").all()
    assert out["false_alarm_probability"].isna().all()
    np.testing.assert_allclose(out["period"], periods)
    assert (out["n_points"] == 120).all()
    assert (out["flags"] == "").all()
    assert (out["model_version"] == "untrained").all()


def test_period_forms_agree(classifier, make_table):
    table, periods = make_table(n_objects=3)
    ids = [f"obj{k}" for k in range(3)]
    lcs = LightCurves.from_table(table)
    results = [
        classify(lcs, form, classifier=classifier, progress=False)
        for form in (dict(zip(ids, periods, strict=True)), pd.Series(periods, index=ids), periods)
    ]
    for other in results[1:]:
        pd.testing.assert_frame_equal(results[0], other)


def test_missing_periods_are_found_with_their_fap(classifier, make_table):
    table, periods = make_table(n_objects=2, epochs=40)
    out = classify(
        table, {"obj0": periods[0], "obj1": np.nan}, classifier=classifier, progress=False
    )
    assert out["period_source"].tolist() == ["given", "found"]
    assert out["period"][1] == pytest.approx(periods[1], rel=1e-2)
    assert out["false_alarm_probability"][1] < 1e-6
    assert np.isnan(out["false_alarm_probability"][0])


def test_failed_period_search_is_flagged_not_raised(classifier, make_table, monkeypatch):
    def failing(light_curves, *args, **kwargs):
        return pd.DataFrame(
            {
                "object_id": light_curves.object_ids,
                "period": np.nan,
                "false_alarm_probability": np.nan,
                "flag": "no peak",
            }
        )

    monkeypatch.setattr(periods_module, "find_periods", failing)
    table, periods = make_table(n_objects=2)
    out = classify(table, {"obj0": periods[0]}, classifier=classifier, progress=False)
    assert out["flags"].tolist() == ["", "no_period"]
    assert out.loc[1, "period_source"] == "none"
    assert out.filter(regex="^prob_").iloc[1].isna().all()
    assert out["class"].isna()[1]
    assert out.filter(regex="^prob_").iloc[0].notna().all()


def test_too_few_points_gives_a_flagged_row(classifier, make_table):
    table, periods = make_table(n_objects=2)
    sparse = table[(table["object_id"] == "obj0") | (table.index % 40 == 0)]
    out = classify(sparse, periods, classifier=classifier, progress=False)
    assert out["n_points"][1] < MIN_POINTS
    assert out["flags"][1].startswith("too_few_points")
    assert np.isnan(out.loc[1, "prob_RRab"])
    assert pd.isna(out.loc[1, "subclass"])
    assert np.isfinite(out.loc[0, "prob_RRab"])


def test_missing_and_extra_bands_are_flagged(classifier, make_table):
    table, periods = make_table(n_objects=2, bands=("g", "i"))
    out = classify(table, periods, classifier=classifier, progress=False)
    assert out["flags"].tolist() == ["bands_missing:r;extra_bands:i"] * 2
    assert out["n_points"].tolist() == [60, 60]
    assert np.isfinite(out["prob_RRab"]).all()


def test_restricting_bands_masks_the_others(classifier, make_table):
    table, periods = make_table(n_objects=2)
    only_g = classify(table[table["band"] == "g"], periods, classifier=classifier, progress=False)
    restricted = classify(table, periods, classifier=classifier, bands=["g"], progress=False)
    np.testing.assert_allclose(only_g["prob_RRab"], restricted["prob_RRab"])
    with pytest.raises(ValueError, match=r"bands \['x'\] are not bands of the model"):
        classify(table, periods, classifier=classifier, bands=["x"], progress=False)


def test_unknown_bands_need_a_band_map(classifier, make_table):
    table, periods = make_table(n_objects=2, bands=("ztf_g", "ztf_r"))
    with pytest.raises(LightCurveError, match="band_map"):
        classify(table, periods, classifier=classifier, progress=False)
    mapped = classify(
        table,
        periods,
        classifier=classifier,
        progress=False,
        band_map={"ztf_g": "g", "ztf_r": "r"},
    )
    lcs = LightCurves.from_table(table)
    again = classify(
        lcs, periods, classifier=classifier, progress=False, band_map={"ztf_g": "g", "ztf_r": "r"}
    )
    assert (mapped["flags"] == "").all()
    pd.testing.assert_frame_equal(mapped, again)


def test_batches_give_the_same_result(classifier, make_table):
    table, periods = make_table(n_objects=5)
    whole = classify(table, periods, classifier=classifier, progress=False)
    batched = classify(table, periods, classifier=classifier, batch_size=2, progress=False)
    pd.testing.assert_frame_equal(whole, batched, atol=1e-6)
    assert [len(part) for part in object_slices(LightCurves.from_table(table), 2)] == [2, 2, 1]


def test_bad_inputs(classifier, make_table):
    table, periods = make_table(n_objects=2)
    with pytest.raises(LightCurveError, match="empty"):
        classify(table.iloc[:0], classifier=classifier, progress=False)
    with pytest.raises(ValueError, match="3 periods for 2 objects"):
        classify(table, [1.0, 2.0, 3.0], classifier=classifier, progress=False)
    with pytest.raises(ValueError, match="batch_size"):
        classify(table, periods, classifier=classifier, batch_size=0, progress=False)


def test_without_a_default_model(monkeypatch, tmp_path, make_table):
    monkeypatch.setattr(trained_module, "DEFAULT_MODEL_DIR", tmp_path / "model")
    with pytest.raises(ModelError, match="default model is missing from this installation"):
        classify(make_table(n_objects=1)[0], [1.0], progress=False)


def test_class_named_like_a_subclass_gets_its_own_column(make_table):
    classifier = TrainedClassifier.untrained(
        {"RRab": "RRL", "stochastic": "constant", "constant": "constant"},
        bands=("g", "r"),
        image_size=(16, 32),
        filters=(2, 2, 2),
        seed=0,
    )
    table, periods = make_table(n_objects=2)
    out = classify(table, periods, classifier=classifier, progress=False)
    assert [c for c in out if c.startswith("prob_")] == [
        "prob_RRab",
        "prob_stochastic",
        "prob_constant",
        "prob_RRL",
        "prob_class_constant",
    ]
    np.testing.assert_allclose(
        out["prob_class_constant"], out["prob_stochastic"] + out["prob_constant"]
    )


@pytest.mark.skipif(
    importlib.util.find_spec("jax") is None or importlib.util.find_spec("tensorflow") is None,
    reason="needs both JAX and TensorFlow",
)
def test_default_model_gives_the_same_probabilities_on_jax(tmp_path):
    # The Rubin Science Platform has JAX and no TensorFlow: the shipped model must load
    # and classify there as here (the same network; float32 arithmetic of two backends).
    code = (
        "import sys, numpy as np;"
        "from tvs_classifier.classifier.classify import classify;"
        "from tvs_classifier.datasets import load_alerce_ztf_sample;"
        "lcs, labels = load_alerce_ztf_sample();"
        "labels = labels.set_index('object_id');"
        "out = classify(lcs, labels['catalog_period'], progress=False,"
        " band_map={'ztf_g': 'g', 'ztf_r': 'r'});"
        "out.to_csv(sys.argv[1], index=False)"
    )
    results = {}
    for backend in ("jax", "tensorflow"):
        path = tmp_path / f"{backend}.csv"
        env = {**os.environ, "KERAS_BACKEND": backend}
        done = subprocess.run(
            [sys.executable, "-c", code, str(path)], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        results[backend] = pd.read_csv(path)
    jax, tensorflow = results["jax"], results["tensorflow"]
    assert jax["model_version"].iloc[0] == tensorflow["model_version"].iloc[0]
    columns = [name for name in jax.columns if name.startswith("prob_")]
    np.testing.assert_allclose(jax[columns], tensorflow[columns], atol=1e-4)
    assert (jax["subclass"] == tensorflow["subclass"]).all()


def test_ignore_colors_names_model_bands_only(classifier, make_table):
    table, periods = make_table(n_objects=2)
    with pytest.raises(ValueError, match="not bands of the model"):
        classify(table, periods, classifier=classifier, ignore_colors=("x",), progress=False)
    every = classify(table, periods, classifier=classifier, ignore_colors=True, progress=False)
    some = classify(table, periods, classifier=classifier, ignore_colors=("g",), progress=False)
    assert len(every) == len(some) == 2
