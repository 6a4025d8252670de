"""Calibrated probabilities: temperature scaling, expected calibration error, reliability.

A network's softmax outputs are often over-confident. Temperature scaling (Guo et al.
2017, ICML, "On Calibration of Modern Neural Networks") divides the log-probabilities
by one number ``T`` fitted on held-out data (the validation split) to minimise the
negative log-likelihood of the true classes; ``T > 1`` softens, ``T < 1`` sharpens.
It does not change which class is most probable. The expected calibration error
(ECE) is the mean gap between confidence and accuracy over confidence bins, weighted
by the number of objects in each bin; `reliability` gives the bins for a diagram
(see `tvs_classifier.plotting.plot_reliability`).

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> labels = rng.integers(0, 3, 2000)
>>> logits = 4.0 * np.eye(3)[labels] + rng.normal(0, 2.0, (2000, 3))
>>> calibrated = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
>>> overconfident = apply_temperature(calibrated, 0.4)  # sharpened 2.5 times
>>> t = fit_temperature(overconfident, labels)
>>> round(t, 1)
2.6
>>> ece_before = expected_calibration_error(overconfident, labels)
>>> ece_after = expected_calibration_error(apply_temperature(overconfident, t), labels)
>>> round(ece_before, 3), round(ece_after, 3)
(0.091, 0.01)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "apply_temperature",
    "expected_calibration_error",
    "fit_temperature",
    "negative_log_likelihood",
    "reliability",
]

#: Floor of probabilities before taking logarithms.
_TINY = 1e-12
#: Range searched for log(T).
_LOG_T_RANGE = (-4.0, 4.0)


def _check(probabilities: np.ndarray, labels: np.ndarray | None = None) -> np.ndarray:
    """Probabilities as a 2-D float64 array; labels (if given) as valid int codes."""
    p = np.asarray(probabilities, dtype=np.float64)
    if p.ndim != 2 or p.shape[0] == 0 or p.shape[1] < 2:
        raise ValueError(
            f"probabilities must have shape (n_objects >= 1, n_classes >= 2), not {p.shape}"
        )
    if not np.isfinite(p).all() or (p < 0).any():
        raise ValueError("probabilities must be finite and non-negative: drop flagged rows")
    if labels is not None:
        y = np.asarray(labels)
        if y.shape != (p.shape[0],):
            raise ValueError(f"{y.size} labels for {p.shape[0]} objects: give one per object")
        if not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= p.shape[1]:
            raise ValueError(f"labels must be class positions 0..{p.shape[1] - 1}")
    return p


def apply_temperature(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    """Return ``softmax(log(p) / T)`` row by row.

    Parameters
    ----------
    probabilities : array_like, shape (n_objects, n_classes)
        Class probabilities (rows summing to 1).
    temperature : float
        ``T > 0``.

    Returns
    -------
    ndarray of float64, same shape

    Examples
    --------
    >>> apply_temperature([[0.8, 0.2]], 1e9).round(3).tolist()
    [[0.5, 0.5]]
    """
    if not (np.isfinite(temperature) and temperature > 0):
        raise ValueError(f"temperature must be finite and positive, not {temperature}")
    p = np.asarray(probabilities, dtype=np.float64)
    z = np.log(np.maximum(p, _TINY)) / temperature
    z -= z.max(axis=-1, keepdims=True)
    out = np.exp(z)
    return out / out.sum(axis=-1, keepdims=True)


def negative_log_likelihood(probabilities: np.ndarray, labels: np.ndarray) -> float:
    """Mean negative log-probability of the true classes.

    Examples
    --------
    >>> round(negative_log_likelihood([[0.5, 0.5]], [0]), 4)
    0.6931
    """
    p = _check(probabilities, np.asarray(labels))
    y = np.asarray(labels)
    return float(-np.mean(np.log(np.maximum(p[np.arange(y.size), y], _TINY))))


def fit_temperature(probabilities: np.ndarray, labels: np.ndarray) -> float:
    """The temperature ``T`` minimising the NLL of ``softmax(log p / T)`` on these data.

    Parameters
    ----------
    probabilities : array_like, shape (n_objects, n_classes)
        Uncalibrated probabilities of held-out objects (not those trained on).
    labels : array_like of int, shape (n_objects,)
        True class positions.

    Returns
    -------
    float
        ``T`` in ``[exp(-4), exp(4)]`` (bounded search on ``log T``).

    Raises
    ------
    ValueError
        For probabilities with NaN or a bad shape, or labels out of range.

    Examples
    --------
    >>> p = np.array([[0.99, 0.01], [0.99, 0.01], [0.01, 0.99], [0.99, 0.01]])
    >>> bool(fit_temperature(p, np.array([0, 0, 1, 1])) > 1)
    True
    """
    from scipy.optimize import minimize_scalar

    p = _check(probabilities, np.asarray(labels))
    y = np.asarray(labels)
    result = minimize_scalar(
        lambda log_t: negative_log_likelihood(apply_temperature(p, np.exp(log_t)), y),
        bounds=_LOG_T_RANGE,
        method="bounded",
        options={"xatol": 1e-4},
    )
    return float(np.exp(result.x))


def reliability(probabilities: np.ndarray, labels: np.ndarray, *, bins: int = 10) -> pd.DataFrame:
    """Confidence and accuracy in equal-width bins of the top probability.

    Parameters
    ----------
    probabilities : array_like, shape (n_objects, n_classes)
    labels : array_like of int, shape (n_objects,)
        True class positions.
    bins : int
        Number of confidence bins over ``[0, 1]``.

    Returns
    -------
    pandas.DataFrame
        One row per bin: ``lower, upper, count, confidence`` (mean top probability)
        and ``accuracy`` (fraction whose top class is true); NaN for empty bins.

    Examples
    --------
    >>> table = reliability([[0.9, 0.1], [0.6, 0.4]], [0, 1], bins=2)
    >>> table[["count", "accuracy"]].values.tolist()
    [[0.0, nan], [2.0, 0.5]]
    """
    if bins < 1:
        raise ValueError(f"bins={bins}: use at least 1")
    p = _check(probabilities, np.asarray(labels))
    y = np.asarray(labels)
    confidence = p.max(axis=1)
    correct = (p.argmax(axis=1) == y).astype(np.float64)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.searchsorted(edges, confidence, side="right") - 1, 0, bins - 1)
    count = np.bincount(which, minlength=bins).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_confidence = np.bincount(which, confidence, bins) / count
        accuracy = np.bincount(which, correct, bins) / count
    return pd.DataFrame(
        {
            "lower": edges[:-1],
            "upper": edges[1:],
            "count": count,
            "confidence": mean_confidence,
            "accuracy": accuracy,
        }
    )


def expected_calibration_error(
    probabilities: np.ndarray, labels: np.ndarray, *, bins: int = 10
) -> float:
    """Expected calibration error: count-weighted mean of ``|accuracy - confidence|`` over bins.

    Examples
    --------
    >>> round(expected_calibration_error([[0.9, 0.1], [0.6, 0.4]], [0, 1], bins=2), 3)
    0.25
    """
    table = reliability(probabilities, labels, bins=bins)
    used = table["count"] > 0
    gap = (table["accuracy"] - table["confidence"]).abs()[used]
    return float((gap * table["count"][used]).sum() / table["count"].sum())
