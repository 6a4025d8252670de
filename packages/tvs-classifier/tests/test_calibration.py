"""Temperature scaling, expected calibration error and reliability bins."""

import numpy as np
import pytest

from tvs_classifier.classifier.calibration import (
    apply_temperature,
    expected_calibration_error,
    fit_temperature,
    negative_log_likelihood,
    reliability,
)


def _softmax(logits):
    z = np.exp(logits - logits.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("true_temperature", [0.5, 2.0])
def test_fit_recovers_a_known_distortion(true_temperature):
    rng = np.random.default_rng(1)
    labels = rng.integers(0, 4, 5000)
    logits = 3.0 * np.eye(4)[labels] + rng.normal(0, 1.5, (5000, 4))
    calibrated = _softmax(logits)  # the labels are drawn from these? no: close to calibrated
    sampled = np.array([rng.choice(4, p=p) for p in calibrated])
    distorted = apply_temperature(calibrated, 1.0 / true_temperature)
    fitted = fit_temperature(distorted, sampled)
    assert fitted == pytest.approx(true_temperature, rel=0.1)
    nll_before = negative_log_likelihood(distorted, sampled)
    nll_after = negative_log_likelihood(apply_temperature(distorted, fitted), sampled)
    assert nll_after <= nll_before
    ece_after = expected_calibration_error(apply_temperature(distorted, fitted), sampled)
    assert ece_after < expected_calibration_error(distorted, sampled)
    assert ece_after < 0.03


def test_temperature_keeps_the_ranking():
    p = _softmax(np.random.default_rng(2).normal(size=(50, 5)))
    for t in (0.3, 1.0, 4.0):
        q = apply_temperature(p, t)
        assert np.allclose(q.sum(axis=1), 1.0)
        assert (q.argmax(axis=1) == p.argmax(axis=1)).all()


def test_reliability_bins_sum_to_all_objects():
    rng = np.random.default_rng(3)
    p = _softmax(rng.normal(size=(200, 3)))
    labels = rng.integers(0, 3, 200)
    table = reliability(p, labels, bins=8)
    assert len(table) == 8
    assert table["count"].sum() == 200
    used = table["count"] > 0
    inside = (table["confidence"] >= table["lower"]) & (table["confidence"] <= table["upper"])
    assert inside[used].all()


@pytest.mark.parametrize(
    ("probs", "labels", "message"),
    [
        ([[0.5, np.nan]], [0], "finite"),
        ([[0.5, 0.5]], [2], "class positions"),
        ([[0.5, 0.5]], [0, 1], "2 labels for 1 objects"),
        (np.zeros((0, 2)), [], "shape"),
    ],
)
def test_bad_input(probs, labels, message):
    with pytest.raises(ValueError, match=message):
        fit_temperature(np.asarray(probs, dtype=float), np.asarray(labels, dtype=int))


def test_bad_temperature():
    with pytest.raises(ValueError, match="positive"):
        apply_temperature([[0.5, 0.5]], 0.0)
