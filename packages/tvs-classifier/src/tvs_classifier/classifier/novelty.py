"""Knowing when the classifier does not know: a novelty score for every object.

A softmax network gives some class to anything, also to pure noise, a transient or a
light curve folded with a wrong period. The novelty score measures how far an object's
representation in the network lies from those of the stars it was trained on: the
Mahalanobis distance of its penultimate-layer activations
(`tvs_classifier.classifier.network.EMBEDDING_LAYER`) from the nearest subclass mean,
with one covariance shared by all subclasses (Lee, Lee, Lee & Shin 2018, NeurIPS, "A
Simple Unified Framework for Detecting Out-of-Distribution Samples and Adversarial
Attacks").

`fit_novelty` takes the means and the covariance from the training stars and sets the
threshold at a high quantile (`NOVELTY_QUANTILE`) of the scores of other simulated stars
of the known subclasses (the validation split), so that about 1 % of ordinary stars
are flagged; `tvs_classifier.classify` reports the score (``novelty``) and flags
objects above the threshold ``out_of_distribution``. The score is only as good as the
simulator: real stars of a known class that look unlike any simulated one are flagged
too, which is what the flag is for.

Examples
--------
>>> rng = np.random.default_rng(0)
>>> known = np.concatenate([rng.normal(0, 1, (500, 3)), rng.normal(5, 1, (500, 3))])
>>> codes = np.repeat([0, 1], 500)
>>> stats = fit_novelty(known, codes, known[::2], codes[::2])
>>> scores = novelty_score(np.array([[0.0, 0, 0], [5, 5, 5], [20, -20, 0]]), stats)
>>> (scores > stats["threshold"]).tolist()
[False, False, True]
"""

from __future__ import annotations

import numpy as np

__all__ = ["NOVELTY_QUANTILE", "fit_novelty", "novelty_score"]

#: Quantile of the in-distribution scores used as the threshold of the flag.
NOVELTY_QUANTILE: float = 0.99

#: Added to the covariance's diagonal, relative to its mean variance (ReLU units that
#: never fire make the covariance singular).
_RIDGE = 1e-3


def fit_novelty(
    embeddings: np.ndarray,
    codes: np.ndarray,
    calibration: np.ndarray,
    calibration_codes: np.ndarray,
    *,
    quantile: float = NOVELTY_QUANTILE,
) -> dict:
    """Subclass means, shared precision matrix and threshold of the novelty score.

    Parameters
    ----------
    embeddings : ndarray, shape (n, d)
        Penultimate-layer activations of the training stars.
    codes : ndarray of int, shape (n,)
        Their subclass positions.
    calibration : ndarray, shape (m, d)
        Activations of other stars of the known subclasses (not used for the means).
    calibration_codes : ndarray of int, shape (m,)
        Their subclass positions (to weight every subclass alike in the quantile).
    quantile : float
        Quantile of the calibration scores taken as the threshold.

    Returns
    -------
    dict
        ``means`` (one list per subclass code; empty for a subclass without stars),
        ``precision``, ``threshold`` and ``quantile``: JSON-ready, for a model card.

    Raises
    ------
    ValueError
        For shapes that do not agree, no stars, or a quantile outside (0, 1).
    """
    x = np.asarray(embeddings, dtype=np.float64)
    codes = np.asarray(codes)
    if x.ndim != 2 or len(x) == 0 or codes.shape != (len(x),):
        raise ValueError("embeddings must be (n, d) with one subclass code per row")
    if not 0 < quantile < 1:
        raise ValueError(f"quantile={quantile}: give a fraction between 0 and 1")
    n_classes = int(codes.max()) + 1
    means = np.full((n_classes, x.shape[1]), np.nan)
    centred = np.empty_like(x)
    for code in range(n_classes):
        rows = codes == code
        if rows.any():
            means[code] = x[rows].mean(axis=0)
            centred[rows] = x[rows] - means[code]
    covariance = centred.T @ centred / len(x)
    covariance += (
        _RIDGE * max(np.trace(covariance) / len(covariance), 1e-12) * np.eye(len(covariance))
    )
    stats = {
        "means": [row.tolist() if np.isfinite(row).all() else [] for row in means],
        "precision": np.linalg.inv(covariance).tolist(),
        "quantile": quantile,
        "threshold": np.inf,
    }
    scores = novelty_score(calibration, stats)
    weights = 1.0 / np.bincount(calibration_codes, minlength=n_classes)[calibration_codes]
    order = np.argsort(scores)
    cumulative = np.cumsum(weights[order]) / weights.sum()
    stats["threshold"] = float(scores[order][np.searchsorted(cumulative, quantile)])
    return stats


def novelty_score(embeddings: np.ndarray, stats: dict) -> np.ndarray:
    """Squared Mahalanobis distance to the nearest subclass mean (NaN rows stay NaN).

    Parameters
    ----------
    embeddings : ndarray, shape (n, d)
        Penultimate-layer activations.
    stats : dict
        From `fit_novelty` (or a model card's ``novelty``).

    Returns
    -------
    ndarray, shape (n,)
    """
    x = np.asarray(embeddings, dtype=np.float64)
    precision = np.asarray(stats["precision"], dtype=np.float64)
    means = np.array([row for row in stats["means"] if len(row)], dtype=np.float64)
    if x.ndim != 2 or x.shape[1] != precision.shape[0]:
        raise ValueError(
            f"embeddings of width {x.shape[-1]} do not match the statistics' "
            f"{precision.shape[0]}: they belong to another network"
        )
    best = np.full(len(x), np.inf)
    for mean in means:
        d = x - mean
        best = np.minimum(best, np.einsum("ij,jk,ik->i", d, precision, d))
    best[~np.isfinite(x).all(axis=1)] = np.nan
    return best
