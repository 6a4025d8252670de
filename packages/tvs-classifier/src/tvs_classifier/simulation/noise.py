"""The LSST single-visit photometric error model of Ivezić et al. (2019).

Eq. 4-5 of Ivezić et al. (2019, ApJ 873, 111):

.. math::

    \\sigma^2 = \\sigma_\\mathrm{sys}^2 + \\sigma_\\mathrm{rand}^2, \\quad
    \\sigma_\\mathrm{rand}^2 = (0.04 - \\gamma) x + \\gamma x^2, \\quad
    x = 10^{0.4 (m - m_5)}

with the per-band single-visit 5-sigma depth :math:`m_5` and :math:`\\gamma` of their
Table 2, and :math:`\\sigma_\\mathrm{sys} = 0.005` mag (their Section 3.3.1). At
:math:`m = m_5`, :math:`\\sigma_\\mathrm{rand} = 0.2` mag: a signal-to-noise ratio of 5.

Examples
--------
>>> float(magnitude_error(24.35, "r").round(4))
0.2001
>>> float(magnitude_error(16.0, "r").round(4))
0.005
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["LSST_GAMMA", "LSST_M5", "SIGMA_SYS", "add_noise", "magnitude_error"]

#: Single-visit 5-sigma depth (AB mag, 30 s visit) per band, Ivezić et al. (2019) Table 2.
#: Checked by recomputing their eq. 6 from the Table's C_m, sky brightness and effective
#: seeing at airmass 1 (agrees to 0.01 mag in every band).
LSST_M5: dict[str, float] = {
    "u": 23.78,
    "g": 24.81,
    "r": 24.35,
    "i": 23.92,
    "z": 23.34,
    "y": 22.45,
}

#: gamma of eq. 5 per band (sky brightness and read noise), Ivezić et al. (2019) Table 2.
LSST_GAMMA: dict[str, float] = {
    "u": 0.038,
    "g": 0.039,
    "r": 0.039,
    "i": 0.039,
    "z": 0.039,
    "y": 0.039,
}

#: Systematic error floor per visit (mag), Ivezić et al. (2019).
SIGMA_SYS = 0.005


def _per_band(band: ArrayLike, values: Mapping[str, float], what: str) -> np.ndarray:
    """Look up ``values[band]`` for every element of ``band``; unknown bands raise."""
    names = np.asarray(band, dtype=object)
    unique, inverse = np.unique(names.astype(str), return_inverse=True)
    unknown = [name for name in unique if name not in values]
    if unknown:
        raise ValueError(
            f"no LSST {what} for band(s) {', '.join(map(repr, unknown))}; "
            f"known bands: {' '.join(values)} (normalize names with tvs_classifier.bands)"
        )
    table = np.array([values[name] for name in unique], dtype=float)
    return table[inverse].reshape(names.shape)


def magnitude_error(
    mag: ArrayLike,
    band: ArrayLike,
    *,
    m5: ArrayLike | None = None,
    sigma_sys: float = SIGMA_SYS,
) -> np.ndarray:
    """LSST single-visit magnitude error of eq. 4-5 of Ivezić et al. (2019).

    Parameters
    ----------
    mag : array_like
        True magnitudes (AB).
    band : str or array_like of str
        LSST band per magnitude (``u g r i z y``), broadcast against ``mag``.
    m5 : array_like, optional
        5-sigma depth of each visit; default `LSST_M5` of the band.
    sigma_sys : float
        Systematic floor (mag), default 0.005.

    Returns
    -------
    numpy.ndarray
        Errors in magnitudes, the shape of ``mag`` and ``band`` broadcast.

    Raises
    ------
    ValueError
        For a band without LSST values, a non-finite magnitude or depth, or a negative
        ``sigma_sys``.

    Examples
    --------
    >>> magnitude_error([20.0, 23.0, 25.0], ["g", "g", "y"]).round(4)
    array([0.0065, 0.04  , 2.0704])
    """
    mag = np.asarray(mag, dtype=float)
    band = np.asarray(band, dtype=object)
    mag, band = np.broadcast_arrays(mag, band)
    if not np.all(np.isfinite(mag)):
        raise ValueError("magnitudes must be finite (drop NaN or infinite values first)")
    if not (np.isfinite(sigma_sys) and sigma_sys >= 0):
        raise ValueError(f"sigma_sys must be a finite number >= 0, not {sigma_sys!r}")
    gamma = _per_band(band, LSST_GAMMA, "gamma")
    if m5 is None:
        depth = _per_band(band, LSST_M5, "m5")
    else:
        depth = np.broadcast_to(np.asarray(m5, dtype=float), mag.shape)
        if not np.all(np.isfinite(depth)):
            raise ValueError("m5 must be finite")
    x = 10.0 ** (0.4 * (mag - depth))
    random2 = (0.04 - gamma) * x + gamma * x**2
    return np.sqrt(sigma_sys**2 + random2)


def add_noise(
    mag: ArrayLike,
    band: ArrayLike,
    rng: np.random.Generator | int | None = None,
    *,
    m5: ArrayLike | None = None,
    sigma_sys: float = SIGMA_SYS,
) -> tuple[np.ndarray, np.ndarray]:
    """Observed magnitudes and their errors: true magnitudes plus Gaussian noise.

    Each magnitude gets a normal deviate with the standard deviation of
    `magnitude_error` (Gaussian in magnitude, which is a fair approximation above a
    signal-to-noise ratio of a few; fainter points are kept, as forced photometry
    keeps them).

    Parameters
    ----------
    mag, band, m5, sigma_sys
        As for `magnitude_error`.
    rng : numpy.random.Generator or int, optional
        Random generator or seed.

    Returns
    -------
    observed : numpy.ndarray
        Noisy magnitudes.
    error : numpy.ndarray
        Their errors (the model's, not the realised deviation).

    Examples
    --------
    >>> observed, error = add_noise([18.0, 18.0], ["r", "r"], rng=1)
    >>> error.round(4).tolist()
    [0.0053, 0.0053]
    >>> bool(abs(observed - 18.0).max() < 0.05)
    True
    """
    error = magnitude_error(mag, band, m5=m5, sigma_sys=sigma_sys)
    rng = np.random.default_rng(rng)
    observed = np.asarray(mag, dtype=float) + error * rng.standard_normal(error.shape)
    return observed, error
