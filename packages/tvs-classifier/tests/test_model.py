"""The Keras 3 CNN + MLP builder: shapes, a forward pass, and bad arguments."""

import importlib.util
import os
import subprocess
import sys

import numpy as np
import pytest

from tvs_classifier.classifier.network import FEATURE_INPUT, IMAGE_INPUT, build_model


def test_forward_pass_on_random_input():
    model = build_model(5, image_shape=(16, 32, 2), n_features=6, filters=(4, 8, 8))
    layer_names = [layer.name for layer in model.layers]
    for name in ("conv7x7", "conv5x5", "conv3x3", "spatial_dropout1", "concatenate"):
        assert name in layer_names
    rng = np.random.default_rng(0)
    inputs = {
        IMAGE_INPUT: rng.uniform(0, 1, (3, 16, 32, 2)).astype("float32"),
        FEATURE_INPUT: rng.normal(size=(3, 6)).astype("float32"),
    }
    probabilities = np.asarray(model(inputs, training=False))
    assert probabilities.shape == (3, 5)
    assert np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    assert (probabilities >= 0).all()


def test_image_dropout_drops_whole_image_summaries_in_training_only():
    model = build_model(3, image_shape=(8, 16, 1), n_features=2, filters=(2, 2, 2))
    layer = model.get_layer("image_dropout")
    summaries = np.ones((2000, 64), dtype="float32")
    dropped = np.asarray(layer(summaries, training=True))
    # Each object keeps its whole summary (scaled by 1 / (1 - rate)) or loses all of it.
    kept = dropped[:, 0] > 0
    assert np.allclose(dropped[kept], 1.0 / (1.0 - 0.25))
    assert np.all(dropped[~kept] == 0.0)
    assert 0.2 < 1.0 - kept.mean() < 0.3
    assert np.all(np.asarray(layer(summaries, training=False)) == 1.0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_classes": 1}, "at least 2 classes"),
        ({"n_classes": 3, "image_shape": (4, 4, 1)}, "too small"),
        ({"n_classes": 3, "n_features": 0}, "must all be positive"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        build_model(**kwargs)


@pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="JAX is not installed")
def test_same_model_builds_and_runs_on_jax():
    code = (
        "import numpy as np; from tvs_classifier.classifier.network import build_model;"
        "m = build_model(3, image_shape=(8, 16, 1), n_features=2, filters=(2, 2, 2));"
        "p = np.asarray(m({'images': np.zeros((2, 8, 16, 1), 'float32'),"
        " 'features': np.zeros((2, 2), 'float32')}));"
        "assert p.shape == (2, 3), p.shape;"
        "p = np.asarray(m({'images': np.ones((4, 8, 16, 1), 'float32'),"
        " 'features': np.ones((4, 2), 'float32')}, training=True));"
        "assert p.shape == (4, 3), p.shape; import keras; print(keras.backend.backend())"
    )
    env = {**os.environ, "KERAS_BACKEND": "jax"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith("jax")


def test_default_inputs_match_six_band_features_and_images():
    """build_model's defaults take what images and features give for the LSST bands."""
    import pandas as pd

    from tvs_classifier import LightCurves, render_images
    from tvs_classifier.features import compute_features, feature_matrix

    rng = np.random.default_rng(3)
    parts = []
    for band in "ugrizy":
        t = np.sort(rng.uniform(0.0, 100.0, 30))
        parts.append(
            pd.DataFrame(
                {
                    "object_id": "star",
                    "mjd": 60000.0 + t,
                    "band": band,
                    "mag": 15.0 + 0.3 * np.sin(2 * np.pi * t / 0.5),
                    "mag_err": 0.01,
                }
            )
        )
    light_curves = LightCurves.from_table(pd.concat(parts))
    matrix, _ = feature_matrix(compute_features(light_curves, [0.5]))
    images = render_images(light_curves, [0.5])
    model = build_model(3)
    probs = model.predict({"images": images.images, "features": matrix}, verbose=0)
    assert probs.shape == (1, 3)


def test_model_inputs_mask_missing_bands(make_table):
    from tvs_classifier import LightCurves
    from tvs_classifier.classifier.inputs import model_inputs

    table, periods = make_table(n_objects=2, bands=("g",))
    images, features, names = model_inputs(
        LightCurves.from_table(table), periods, bands=("g", "r"), height=8, width=16
    )
    assert images.shape == (2, 8, 16, 2)
    assert images[..., 0].any()
    assert not images[..., 1].any()
    known = dict(zip(names, features[0], strict=True))
    assert known["has_amp_g"] == 1
    assert known["has_amp_r"] == 0
    assert known["amp_r"] == 0
    assert known["has_color_g_r"] == 0


def test_thinning_keeps_at_most_the_cap_evenly_in_time(make_table):
    from tvs_classifier import LightCurves
    from tvs_classifier.classifier.inputs import thinned_rows

    table, _ = make_table(n_objects=2, bands=("g", "r"))
    lcs = LightCurves.from_table(table)
    counts = lcs.table.groupby(["object_id", "band"]).size()
    cap = int(counts.min()) - 3
    keep = thinned_rows(lcs, cap)
    kept = lcs.table[keep]
    assert (kept.groupby(["object_id", "band"]).size() == cap).all()
    for _, group in lcs.table.groupby(["object_id", "band"]):
        chosen = keep[group.index]
        # evenly spread: gaps between kept ranks differ by at most one
        gaps = np.diff(np.flatnonzero(chosen))
        assert gaps.max() - gaps.min() <= 1
        assert chosen[-1]  # the last point stays, the span is covered
    assert thinned_rows(lcs, int(counts.max())).all()  # nothing to thin
    with pytest.raises(ValueError, match="max_points"):
        thinned_rows(lcs, 0)


def test_model_inputs_of_a_dense_light_curve_are_those_of_its_thinned_points(make_table):
    from tvs_classifier import LightCurves
    from tvs_classifier.classifier.inputs import model_inputs, thinned_rows

    table, periods = make_table(n_objects=1, bands=("g",))
    lcs = LightCurves.from_table(table)
    cap = len(table) // 2
    thin = LightCurves(lcs.table[thinned_rows(lcs, cap)].reset_index(drop=True), lcs.report)
    dense = model_inputs(lcs, periods, bands=("g",), height=8, width=16, max_points=cap)
    sparse = model_inputs(thin, periods, bands=("g",), height=8, width=16)
    np.testing.assert_array_equal(dense[0], sparse[0])
    np.testing.assert_array_equal(dense[1], sparse[1])


def test_standardization_ignores_unknown_values():
    from tvs_classifier.classifier.inputs import fit_standardization, standardize

    names = ["x", "has_x", "y", "has_y"]
    matrix = np.array([[1.0, 1, 5.0, 1], [3.0, 1, 0.0, 0], [0.0, 0, 7.0, 1]], np.float32)
    mean, std = fit_standardization(matrix, names)
    assert mean.tolist() == [2.0, 0.0, 6.0, 0.0]
    assert std.tolist() == [1.0, 1.0, 1.0, 1.0]
    out = standardize(matrix, names, mean, std)
    assert out.tolist() == [[-1.0, 1, -1.0, 1], [1.0, 1, 0.0, 0], [0.0, 0, 1.0, 1]]


def test_untrained_classifier_sums_subclasses_into_classes():
    from tvs_classifier.classifier.trained import TrainedClassifier

    clf = TrainedClassifier.untrained(
        {"RRab": "RRL", "RRc": "RRL", "EC": "ECL"},
        bands=("g", "r"),
        image_size=(8, 16),
        filters=(2, 2, 2),
        seed=0,
    )
    assert clf.classes == ("RRL", "ECL")
    assert clf.version == "untrained"
    probs = clf.predict_proba(np.zeros((3, 8, 16, 2), "float32"), np.zeros((3, 8), "float32"))
    assert probs.shape == (3, 3)
    np.testing.assert_allclose(clf.class_probabilities(probs).sum(axis=1), 1.0, atol=1e-6)
    np.testing.assert_allclose(clf.class_probabilities(probs)[:, 0], probs[:, :2].sum(axis=1))
