"""Numeric features, checked against per-object numpy computations."""

import numpy as np
import pandas as pd
import pytest

from tvs_classifier import LightCurves
from tvs_classifier.features import compute_features, feature_matrix


def test_features_match_per_object_numpy(table):
    lcs = LightCurves.from_table(table)
    periods = pd.DataFrame({"object_id": ["obj0", "obj1", "obj2"], "period": [0.5, 2.0, np.nan]})
    feats = compute_features(lcs, periods, bands=("g", "r", "i"))
    assert feats.index.tolist() == ["obj0", "obj1", "obj2"]
    assert feats["log10_period"].tolist()[:2] == pytest.approx([np.log10(0.5), np.log10(2.0)])
    assert np.isnan(feats.loc["obj2", "log10_period"])
    for object_id, lc in lcs:
        means = {}
        for band in ("g", "r"):
            rows = lc[lc["band"] == band]
            w = 1 / rows["mag_err"] ** 2
            means[band] = np.sum(w * rows["mag"]) / w.sum()
            amp = np.percentile(rows["mag"], 95) - np.percentile(rows["mag"], 5)
            assert feats.loc[object_id, f"n_{band}"] == len(rows)
            assert feats.loc[object_id, f"mean_{band}"] == pytest.approx(means[band])
            assert feats.loc[object_id, f"amp_{band}"] == pytest.approx(amp)
        assert feats.loc[object_id, "color_g_r"] == pytest.approx(means["g"] - means["r"])
        assert feats.loc[object_id, "n_i"] == 0
        assert np.isnan(feats.loc[object_id, "amp_i"])
        assert np.isnan(feats.loc[object_id, "color_r_i"])


def test_feature_matrix_masks_missing_values(table):
    feats = compute_features(LightCurves.from_table(table), [0.5, 1.0, 2.0], bands=("g", "i"))
    matrix, names = feature_matrix(feats)
    assert matrix.dtype == np.float32
    assert not any(name.startswith(("mean_", "n_")) for name in names)  # survey, not star
    assert names[:2] == ["log10_period", "has_log10_period"]
    column = names.index("amp_i")
    assert (matrix[:, column] == 0).all()
    assert (matrix[:, column + 1] == 0).all()
    assert np.isfinite(matrix).all()


def test_feature_matrix_takes_the_columns_a_model_was_given(table):
    feats = compute_features(LightCurves.from_table(table), [0.5, 1.0, 2.0], bands=("g", "i"))
    matrix, names = feature_matrix(feats, ["n_g", "amp_g"])  # e.g. an older model's
    assert names == ["n_g", "has_n_g", "amp_g", "has_amp_g"]
    np.testing.assert_array_equal(matrix[:, 0], feats["n_g"].to_numpy(np.float32))
    with pytest.raises(KeyError):
        feature_matrix(feats, ["n_y"])
