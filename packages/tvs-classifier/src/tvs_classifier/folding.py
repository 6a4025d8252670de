"""Phase folding: times to phases for a period, with the brightness maximum at phase 0.

Examples
--------
>>> import numpy as np
>>> fold(np.array([0.0, 0.25, 1.1]), 0.5).round(2).tolist()
[0.0, 0.5, 0.2]
"""

from __future__ import annotations

import numpy as np

from ._grouped import group_index, group_mean

__all__ = ["fold", "phase_of_maximum"]


def fold(
    mjd: np.ndarray, period: float | np.ndarray, epoch: float | np.ndarray = 0.0
) -> np.ndarray:
    """Phase in ``[0, 1)`` of each time for a period and an epoch of phase 0.

    Parameters
    ----------
    mjd : array_like
        Times (days).
    period : float or array_like
        Period (days), one value or one per time (positive).
    epoch : float or array_like
        Time of phase 0, one value or one per time.

    Returns
    -------
    ndarray
        Phases, same shape as ``mjd``.

    Raises
    ------
    ValueError
        If a period is not finite and positive.

    Examples
    --------
    >>> fold(np.array([10.0, 10.3]), 0.6, epoch=10.0).round(3).tolist()
    [0.0, 0.5]
    """
    period = np.asarray(period, dtype=np.float64)
    if not (np.isfinite(period).all() and (period > 0).all()):
        raise ValueError("periods must be finite and positive: find or give a period first")
    cycles = (np.asarray(mjd, dtype=np.float64) - epoch) / period
    phase = cycles - np.floor(cycles)
    return np.where(phase >= 1.0, 0.0, phase)


def phase_of_maximum(
    phase: np.ndarray,
    mag: np.ndarray,
    mag_err: np.ndarray,
    object_index: np.ndarray,
    band_index: np.ndarray,
    n_objects: int,
    n_bands: int,
) -> np.ndarray:
    """Phase of maximum brightness of each object, from a first-harmonic fit of all bands.

    Each band's weighted mean is removed; the weighted first Fourier coefficient of the
    residuals over all of an object's bands gives the phase of minimum magnitude
    (maximum brightness). Computed for all objects at once.

    Parameters
    ----------
    phase, mag, mag_err : ndarray
        Per row: phase in ``[0, 1)``, magnitude and its error.
    object_index, band_index : ndarray of int
        Per row: object position and band position (-1 for a band to ignore).
    n_objects, n_bands : int
        Numbers of objects and bands.

    Returns
    -------
    ndarray
        Phase of maximum brightness per object in ``[0, 1)`` (0 for an object with no
        usable rows).

    Examples
    --------
    >>> ph = np.linspace(0, 1, 50, endpoint=False)
    >>> mag = 15 - 0.4 * np.cos(2 * np.pi * (ph - 0.3))
    >>> zeros = np.zeros(50, dtype=int)
    >>> phase_of_maximum(ph, mag, np.full(50, 0.01), zeros, zeros, 1, 1).round(3).tolist()
    [0.3]
    """
    group = group_index(object_index, band_index, n_bands)
    weight = 1.0 / mag_err**2
    means = group_mean(mag, group, n_objects * n_bands, weight)
    keep = group >= 0
    residual = np.where(keep, mag - means[np.maximum(group, 0)], 0.0) * weight
    angle = 2.0 * np.pi * phase
    obj = object_index[keep]
    cos_sum = np.bincount(obj, (residual * np.cos(angle))[keep], minlength=n_objects)
    sin_sum = np.bincount(obj, (residual * np.sin(angle))[keep], minlength=n_objects)
    # Residual magnitudes peak (faintest) at angle(cos, sin); brightest half a cycle later.
    faintest = np.arctan2(sin_sum, cos_sum) / (2.0 * np.pi)
    return np.mod(faintest + 0.5, 1.0)
