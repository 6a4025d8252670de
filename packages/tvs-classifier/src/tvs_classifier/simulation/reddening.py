"""The reddening of simulated stars: color excesses and reddened colors.

Every simulated star is seen through dust of a color excess E(B-V) drawn by
`draw_ebv`; `redden` adds the reddening to its colors with the ratios
:math:`A_b / E(B-V)` of `tvs_classifier.extinction.LSST_EXTINCTION` (the law of
Cardelli, Clayton & Mathis 1989).

Examples
--------
>>> ebv = draw_ebv(3, np.random.default_rng(0))
>>> redden(np.zeros((3, 6)), ebv)[:, 2].tolist()  # colors relative to r: r stays 0
[0.0, 0.0, 0.0]
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ..bands import LSST_BANDS
from ..extinction import LSST_EXTINCTION

__all__ = ["EBV_RANGE", "EBV_SCALE", "draw_ebv", "redden"]

#: Range (low, high) of the color excess E(B-V) drawn by `draw_ebv` by default.
EBV_RANGE: tuple[float, float] = (0.0, 1.0)

#: Scale (mean before truncation) of the exponential prior of `draw_ebv`.
EBV_SCALE: float = 0.1


def _check_ebv_range(ebv_range: tuple[float, float]) -> tuple[float, float]:
    """``ebv_range`` as two floats, 0 <= low <= high; anything else raises `ValueError`."""
    try:
        low, high = (float(value) for value in ebv_range)
    except (TypeError, ValueError):
        raise ValueError(f"ebv_range must be two numbers (low, high), not {ebv_range!r}") from None
    if not (np.isfinite(low) and np.isfinite(high) and 0.0 <= low <= high):
        raise ValueError(
            f"ebv_range must be two finite numbers with 0 <= low <= high, not {ebv_range!r}"
        )
    return low, high


def draw_ebv(
    n: int,
    rng: np.random.Generator,
    ebv_range: tuple[float, float] = EBV_RANGE,
    scale: float = EBV_SCALE,
) -> np.ndarray:
    """Color excesses E(B-V) of ``n`` stars, from a truncated exponential prior.

    ``E(B-V) - low`` is exponential with scale ``scale`` truncated at ``high - low``
    (one uniform number per star, through the inverse distribution function). The
    default, scale 0.1 over 0-1, puts 86 % of the stars below 0.2, as in most of
    LSST's wide-fast-deep footprint, which avoids the densest Galactic plane (Ivezić
    et al. 2019, ApJ 873, 111; E(B-V) from the maps of Schlegel, Finkbeiner & Davis
    1998), and keeps a tail up to 1 for the plane that LSST also covers. It is a prior
    for training a classifier on a range of reddenings, not a measured distribution.

    Parameters
    ----------
    n : int
        Number of stars (>= 0).
    rng : numpy.random.Generator
        Random numbers.
    ebv_range : tuple of float
        ``(low, high)`` with 0 <= low <= high; ``(0, 0)`` gives no reddening.
    scale : float
        Scale of the exponential in magnitudes (> 0).

    Returns
    -------
    numpy.ndarray
        ``n`` values of E(B-V) in ``[low, high]``.

    Raises
    ------
    ValueError
        For a negative, NaN or reversed ``ebv_range`` or a bad ``scale``.

    Examples
    --------
    >>> ebv = draw_ebv(10000, np.random.default_rng(1))
    >>> bool(ebv.min() >= 0.0 and ebv.max() <= 1.0), round(float(np.median(ebv)), 2)
    (True, 0.07)
    >>> draw_ebv(2, np.random.default_rng(1), ebv_range=(0.0, 0.0))
    array([0., 0.])
    """
    low, high = _check_ebv_range(ebv_range)
    if not (np.isfinite(scale) and scale > 0):
        raise ValueError(f"scale must be a positive number of magnitudes, not {scale}")
    kept = -np.expm1(-(high - low) / scale)  # probability of the untruncated part
    return low - scale * np.log1p(-kept * rng.uniform(size=n))


def redden(colors: ArrayLike, ebv: ArrayLike) -> np.ndarray:
    """Colors (magnitudes relative to r) of stars behind dust of excess ``ebv``.

    Band ``b`` becomes redder by ``(A_b - A_r) / E(B-V) * ebv``, with the ratios of
    `LSST_EXTINCTION`; the r column, 0 for colors relative to r, stays 0.

    Parameters
    ----------
    colors : array_like, shape (n, 6)
        Magnitude in u g r i z y minus the magnitude in r, per star.
    ebv : array_like, shape (n,)
        Color excess E(B-V) of each star (magnitudes).

    Returns
    -------
    numpy.ndarray, shape (n, 6)
        The reddened colors.

    Examples
    --------
    >>> redden(np.zeros((1, 6)), [0.1]).round(3)
    array([[ 0.208,  0.096,  0.   , -0.065, -0.114, -0.139]])
    """
    relative = LSST_EXTINCTION - LSST_EXTINCTION[LSST_BANDS.index("r")]
    return np.asarray(colors, dtype=float) + np.asarray(ebv, dtype=float)[:, None] * relative
