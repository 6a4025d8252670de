"""The feature baseline (`tvs_classifier.classifier.baseline`) and the Fourier parameters
it classifies on (`tvs_classifier.fourier`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tvs_classifier import LightCurves, simulate
from tvs_classifier.classifier.baseline import (
    BASELINE_VERSION,
    baseline_features,
    train_baseline,
)
from tvs_classifier.classifier.evaluation import classification_report
from tvs_classifier.classifier.training import stratified_split, training_periods
from tvs_classifier.fourier import fourier_parameters
from tvs_classifier.lightcurves import LightCurveError
from tvs_classifier.simulation import CLASSES

BANDS = ("g", "r", "i")


def _table(object_id, t, band, mag, err=0.01):
    return pd.DataFrame(
        {"object_id": object_id, "mjd": t, "band": band, "mag": mag, "mag_err": err}
    )


def _cosine_series(t, period, amplitudes, phases):
    x = 2 * np.pi * t / period
    return 15.0 + sum(
        a * np.cos(k * x + p) for k, (a, p) in enumerate(zip(amplitudes, phases, strict=True), 1)
    )


@pytest.fixture(scope="module")
def simulated():
    light_curves, labels = simulate(600, seed=21, years=3)
    periods = training_periods(light_curves, labels, progress=False)
    return light_curves, labels, periods


@pytest.fixture(scope="module")
def baseline(simulated):
    light_curves, labels, periods = simulated
    return train_baseline(
        light_curves, labels, periods=periods, bands=BANDS, max_iter=60, seed=5, progress=False
    )


# --- Fourier parameters ---------------------------------------------------------------


def test_three_harmonics_are_recovered_exactly():
    rng = np.random.default_rng(0)
    t = np.sort(rng.uniform(0, 400, 150))
    amplitudes, phases = (0.4, 0.18, 0.09), (0.7, 2.9, -1.2)
    mag = _cosine_series(t, 0.57, amplitudes, phases)
    params = fourier_parameters(
        LightCurves.from_table(_table("a", t, "r", mag)), [0.57], bands=("r",)
    ).loc["a"]
    assert params["r21_r"] == pytest.approx(0.18 / 0.4, abs=1e-6)
    assert params["r31_r"] == pytest.approx(0.09 / 0.4, abs=1e-6)
    assert params["phi21_r"] == pytest.approx(np.mod(2.9 - 2 * 0.7, 2 * np.pi), abs=1e-6)
    assert params["phi31_r"] == pytest.approx(np.mod(-1.2 - 3 * 0.7, 2 * np.pi), abs=1e-6)
    assert params["fit_scatter_r"] == pytest.approx(0.0, abs=1e-9)
    grid = np.linspace(0, 0.57, 20001)
    curve = _cosine_series(grid, 0.57, amplitudes, phases)
    assert params["fit_amp_r"] == pytest.approx(np.ptp(curve), abs=1e-6)


def test_pure_sinusoid_has_no_harmonics_and_its_scatter_is_the_noise():
    rng = np.random.default_rng(1)
    t = np.sort(rng.uniform(0, 300, 4000))
    exact = _cosine_series(t, 0.8, (0.5,), (0.3,))
    noisy = exact + rng.normal(0.0, 0.02, t.size)
    table = pd.concat([_table("exact", t, "g", exact), _table("noisy", t, "g", noisy, 0.02)])
    params = fourier_parameters(LightCurves.from_table(table), [0.8, 0.8], bands=("g",))
    assert params.loc["exact", "r21_g"] == pytest.approx(0.0, abs=1e-6)
    assert params.loc["exact", "r31_g"] == pytest.approx(0.0, abs=1e-6)
    assert params.loc["exact", "fit_amp_g"] == pytest.approx(1.0, abs=1e-6)
    assert params.loc["noisy", "fit_scatter_g"] == pytest.approx(0.02, rel=0.05)


def test_the_epoch_does_not_change_the_shape():
    t = np.arange(200) * 0.913
    mag = _cosine_series(t, 0.61, (0.3, 0.1, 0.05), (0.0, 1.0, 2.0))
    shifted = _cosine_series(t + 0.17, 0.61, (0.3, 0.1, 0.05), (0.0, 1.0, 2.0))
    table = pd.concat([_table(1, t, "r", mag), _table(2, t, "r", shifted)])
    params = fourier_parameters(LightCurves.from_table(table), [0.61, 0.61], bands=("r",))
    np.testing.assert_allclose(params.loc[1], params.loc[2], atol=1e-6)


def test_missing_bands_sparse_bands_and_missing_periods_give_nan():
    t = np.arange(60) * 0.77
    mag = _cosine_series(t, 0.5, (0.3, 0.1, 0.05), (0.0, 1.0, 2.0))
    table = pd.concat(
        [
            _table("full", t, "g", mag),
            _table("sparse", t[:9], "g", mag[:9]),
            _table("x", t, "g", mag),
        ]
    )
    params = fourier_parameters(
        LightCurves.from_table(table), {"full": 0.5, "sparse": 0.5}, bands=("g", "r")
    )
    assert params.loc["full", ["r21_g", "phi31_g", "fit_amp_g"]].notna().all()
    assert params.loc["full", [c for c in params.columns if c.endswith("_r")]].isna().all()
    assert params.loc["sparse"].isna().all()  # 9 points < min_points
    assert params.loc["x"].isna().all()  # no period


def test_phases_that_leave_a_harmonic_free_give_nan():
    # Period 1 d sampled once a day at the same time: every point has the same phase.
    t = np.arange(40.0) + 0.3
    table = _table("alias", t, "r", 15 + 0.01 * np.arange(40))
    params = fourier_parameters(LightCurves.from_table(table), [1.0], bands=("r",))
    assert params.loc["alias"].isna().all()


def test_fourier_parameters_refuse_too_few_harmonics_or_points():
    lcs = LightCurves.from_table(_table(1, np.arange(20.0), "r", np.zeros(20)))
    with pytest.raises(ValueError, match="harmonics=2: use at least 3"):
        fourier_parameters(lcs, [1.3], harmonics=2)
    with pytest.raises(ValueError, match="min_points=5: a fit of 3 harmonics needs at least 8"):
        fourier_parameters(lcs, [1.3], min_points=5)


# --- baseline features --------------------------------------------------------------------


def test_baseline_features_join_the_network_features_and_the_shape():
    lcs, labels = simulate(6, ["RRab", "EC"], seed=3, years=2)
    periods = labels.set_index("object_id")["period"]
    features = baseline_features(lcs, periods, bands=("g", "r"))
    assert features.columns.tolist()[:5] == ["log10_period", "n_g", "mean_g", "amp_g", "n_r"]
    assert {"r21_g", "phi21_r", "r31_r", "phi31_g", "fit_scatter_r", "color_g_r"} <= set(
        features.columns
    )
    np.testing.assert_allclose(features["log10_period"], np.log10(periods.to_numpy()))
    no_r = lcs.select(lcs.object_ids)  # same curves, r removed below
    no_r = LightCurves.from_table(no_r.table[no_r.table["band"] != "r"])
    without = baseline_features(no_r, periods, bands=("g", "r"))
    r_columns = [c for c in without.columns if c.endswith("_r") and not c.startswith("n_")]
    assert without[[*r_columns, "color_g_r"]].isna().all().all()
    assert (without["n_r"] == 0).all()
    pd.testing.assert_series_equal(without["r21_g"], features["r21_g"])


# --- training and classifying -----------------------------------------------------------


def test_the_baseline_beats_chance_clearly_on_its_test_split(simulated, baseline):
    light_curves, labels, periods = simulated
    card = baseline.card
    macro = card["metrics"]["class"]["per_class"]["macro"]["recall"]
    n_classes = len(baseline.classes)
    assert n_classes == 8
    assert macro > 0.75 > 3 / n_classes  # chance is 1/8
    # The test split is train()'s: same seed, same stratified split.
    _, _, test_at = stratified_split(labels["subclass"], seed=5)
    assert card["splits"]["test"] == len(test_at)
    # The split is balanced, as the training mix: the card's figure is under those priors.
    out = baseline.classify(
        light_curves.select(test_at), periods, priors="training", progress=False
    )
    truth = labels["class"].to_numpy()[test_at]
    report = classification_report(truth, out["class"], baseline.classes)
    assert report.loc["macro", "recall"] == pytest.approx(macro)
    assert card["training_priors"]["RRab"] == pytest.approx(1 / len(CLASSES))
    assert 1 <= card["model"]["iterations_kept"] <= 60


def test_classify_gives_the_columns_of_classify(baseline, simulated):
    light_curves, _, periods = simulated
    some = light_curves.select(light_curves.object_ids[:20])
    out = baseline.classify(some, periods, progress=False)
    assert out.columns[0] == "object_id"
    for column in ("prob_RRab", "prob_DSCT", "prob_RRL", "prob_class_constant", "prob_constant"):
        assert column in out.columns
    assert out.columns.tolist()[-9:] == [
        "subclass",
        "subclass_prob",
        "class",
        "class_prob",
        "period",
        "period_source",
        "n_points",
        "priors",
        "model_version",
    ]
    assert (out["priors"] == "default").all()
    subclass_probs = out[[f"prob_{s}" for s in baseline.subclasses]].to_numpy()
    np.testing.assert_allclose(subclass_probs.sum(axis=1), 1.0)
    np.testing.assert_allclose(
        out["prob_RRL"], out[["prob_RRab", "prob_RRc", "prob_RRd"]].sum(axis=1)
    )
    assert (out["model_version"] == BASELINE_VERSION).all()
    assert (out["period_source"] == "given").all()
    np.testing.assert_array_equal(out["object_id"], some.object_ids)


def test_the_same_seed_gives_the_same_predictions(simulated, baseline):
    light_curves, labels, periods = simulated
    again = train_baseline(
        light_curves, labels, periods=periods, bands=BANDS, max_iter=60, seed=5, progress=False
    )
    first = baseline.classify(light_curves, periods, progress=False)
    second = again.classify(light_curves, periods, progress=False)
    pd.testing.assert_frame_equal(first, second)


def test_band_map_too_few_points_and_no_period(baseline):
    t = np.arange(80) * 0.731
    mag = _cosine_series(t, 0.55, (0.4, 0.18, 0.1), (0.0, 4.3, 2.5))
    table = pd.concat(
        [
            _table("rr", t, np.where(np.arange(80) % 2, "ztf_g", "ztf_r"), mag),
            _table("few", t[:6], "ztf_g", mag[:6]),
            _table("noperiod", t, "ztf_r", mag),
        ]
    )
    out = baseline.classify(
        table,
        {"rr": 0.55, "few": 0.55, "noperiod": np.nan},
        band_map={"ztf_g": "g", "ztf_r": "r"},
        progress=False,
    ).set_index("object_id")
    assert out.loc["rr", "n_points"] == 80
    assert out.loc["rr", "class"] is not None
    assert pd.isna(out.loc["few", "class"])
    assert np.isnan(out.loc["few", "prob_RRL"])
    assert out.loc["noperiod", "period_source"] in {"found", "none"}


def test_bad_inputs_raise_clear_errors(simulated, baseline):
    light_curves, labels, periods = simulated
    with pytest.raises(ValueError, match="labels lack the column"):
        train_baseline(light_curves, labels.drop(columns="class"), periods=periods)
    rr = labels["subclass"] == "RRab"
    with pytest.raises(ValueError, match="only the subclass"):
        train_baseline(light_curves.select(labels["object_id"][rr]), labels[rr], periods=periods)
    with pytest.raises(ValueError, match="class_weight='even'"):
        train_baseline(light_curves, labels, class_weight="even")
    with pytest.raises(ValueError, match="max_iter=0"):
        train_baseline(light_curves, labels, max_iter=0)
    with pytest.raises(ValueError, match="splits of"):
        train_baseline(light_curves, labels, periods=periods, validation=0.0)
    with pytest.raises(ValueError, match="periods for"):
        baseline_features(light_curves, [0.5, 0.6])
    with pytest.raises(LightCurveError, match="band_map"):
        baseline.classify(_table(1, np.arange(20.0), "ztf_g", np.zeros(20)), [0.5], progress=False)
    with pytest.raises(ValueError, match="the features lack the columns"):
        baseline.predict_proba(pd.DataFrame({"log10_period": [0.1]}))
