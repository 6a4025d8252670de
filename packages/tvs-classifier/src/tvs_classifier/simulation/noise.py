"""The LSST single-visit photometric error model of Ivezić et al. (2019).

Eq. 4-5 of Ivezić et al. (2019, ApJ 873, 111):

.. math::

    \\sigma^2 = \\sigma_\\mathrm{sys}^2 + \\sigma_\\mathrm{rand}^2, \\quad
    \\sigma_\\mathrm{rand}^2 = (0.04 - \\gamma) x + \\gamma x^2, \\quad
    x = 10^{0.4 (m - m_5)}

with the per-band single-visit 5-sigma depth :math:`m_5` and :math:`\\gamma` of their
Table 2, and :math:`\\sigma_\\mathrm{sys} = 0.005` mag (their Section 3.3.1). At
:math:`m = m_5`, :math:`\\sigma_\\mathrm{rand} = 0.2` mag: a signal-to-noise ratio of 5.

Real survey photometry is worse than this model in two ways that a classifier must
survive, and that the simulation can add (both off by default):

* **shallower data**: `draw_depth_offset` makes the depth of a whole light curve
  brighter by up to `DEPTH_OFFSET_RANGE` (5 mag), so that errors of 0.1-0.2 mag at
  19 mag (photographic and early CCD surveys) occur next to LSST's 0.005 mag;
* **gross outliers**: `add_outliers` moves a few per cent of a light curve's points
  (fraction uniform over `OUTLIER_FRACTION_RANGE` per light curve) by a heavy-tailed
  offset of 0.3-5 mag (`OUTLIER_OFFSET_RANGE`, log-uniform) of random sign, leaving
  their error bars ordinary: cosmic rays, satellite trails, bad image subtraction,
  blends and cross-identification errors look like this in catalogue photometry;
* **other passbands**: `draw_passband_offsets` shifts a light curve's mean magnitude
  in each band by its own offset, uniform over `PASSBAND_OFFSET_RANGE`, as another
  survey's bands mapped onto LSST's (``band_map``) give the same star other colors:
  the broad blue and red bands of the 1990s microlensing surveys, for example, make
  RR Lyrae 0.3-0.4 mag redder in blue - red than in LSST g - r.

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

__all__ = [
    "DEPTH_OFFSET_RANGE",
    "LSST_GAMMA",
    "LSST_M5",
    "OUTLIER_FRACTION_RANGE",
    "OUTLIER_OFFSET_RANGE",
    "PASSBAND_OFFSET_RANGE",
    "SIGMA_SYS",
    "add_noise",
    "add_outliers",
    "draw_depth_offset",
    "draw_passband_offsets",
    "magnitude_error",
]

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


#: Range of the fraction of a light curve's points that `add_outliers` moves (drawn
#: uniformly per light curve): real survey photometry has a few per cent.
OUTLIER_FRACTION_RANGE: tuple[float, float] = (0.0, 0.05)

#: Range of the size of an outlier's offset (mag), drawn log-uniformly (most offsets
#: are small, a few are huge), with a random sign.
OUTLIER_OFFSET_RANGE: tuple[float, float] = (0.3, 5.0)

#: Range of how much brighter than LSST's (mag) the single-visit depth of a light
#: curve is made by `draw_depth_offset`: 5 mag gives errors of about 0.15 mag at r = 19.
DEPTH_OFFSET_RANGE: tuple[float, float] = (0.0, 5.0)


#: Range of the offset (mag) that `draw_passband_offsets` gives each band's mean
#: magnitude: colors between two bands move by up to twice as much.
PASSBAND_OFFSET_RANGE: tuple[float, float] = (-0.3, 0.3)


def _check_range(values: tuple[float, float], name: str, low: float, high: float) -> tuple:
    """``values`` as two floats with ``low <= values[0] <= values[1] <= high``, else raise."""
    try:
        first, second = (float(v) for v in values)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be two numbers (low, high), not {values!r}") from None
    if not (low <= first <= second <= high):
        raise ValueError(f"{name} must satisfy {low} <= low <= high <= {high}, not {values!r}")
    return first, second


def add_outliers(
    mag: ArrayLike,
    object_index: ArrayLike,
    rng: np.random.Generator | int | None = None,
    *,
    fraction_range: tuple[float, float] = OUTLIER_FRACTION_RANGE,
    offset_range: tuple[float, float] = OUTLIER_OFFSET_RANGE,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Move a random few per cent of every light curve's points by a large offset.

    Each light curve (all the points with one ``object_index``) gets an outlier
    fraction uniform over ``fraction_range``; each of its points is an outlier with
    that probability, and is moved by an offset whose size is log-uniform over
    ``offset_range`` and whose sign is random (brighter or fainter with equal odds).
    Errors are not touched: outliers in survey catalogues come with ordinary error
    bars.

    Parameters
    ----------
    mag : array_like
        Magnitudes of all points of all light curves.
    object_index : array_like of int
        Light curve of each point, ``0 .. n_objects - 1``.
    rng : numpy.random.Generator or int, optional
        Random generator or seed.
    fraction_range : tuple of float
        Range of the per-light-curve outlier fraction, ``0 <= low <= high <= 1``.
    offset_range : tuple of float
        Range of the absolute offset (mag), ``0 < low <= high``.

    Returns
    -------
    observed : numpy.ndarray
        The magnitudes with the outliers moved.
    is_outlier : numpy.ndarray of bool
        Which points were moved.
    fraction : numpy.ndarray
        The outlier fraction drawn for each light curve, shape ``(n_objects,)`` with
        ``n_objects = object_index.max() + 1``.

    Raises
    ------
    ValueError
        For ranges outside those limits, magnitudes and indices of different
        lengths, or a negative or non-integer ``object_index``.

    Examples
    --------
    >>> mag = np.full(1000, 18.0)
    >>> obj = np.repeat([0, 1], 500)
    >>> observed, is_outlier, fraction = add_outliers(
    ...     mag, obj, rng=1, fraction_range=(0.02, 0.02), offset_range=(1.0, 5.0)
    ... )
    >>> fraction.tolist(), int(is_outlier.sum())
    ([0.02, 0.02], 16)
    >>> offset = np.abs(observed - mag)[is_outlier]
    >>> (
    ...     bool(offset.min() >= 1.0 and offset.max() <= 5.0),
    ...     bool((observed == mag)[~is_outlier].all()),
    ... )
    (True, True)
    """
    mag = np.asarray(mag, dtype=np.float64)
    object_index = np.asarray(object_index)
    low_fraction, high_fraction = _check_range(fraction_range, "fraction_range", 0.0, 1.0)
    low_offset, high_offset = _check_range(offset_range, "offset_range", 0.0, np.inf)
    if low_offset <= 0:
        raise ValueError(f"offset_range must start above 0 mag, not {offset_range!r}")
    if mag.shape != object_index.shape or mag.ndim != 1:
        raise ValueError(
            f"mag and object_index must be 1-d arrays of one length, not {mag.shape} "
            f"and {object_index.shape}"
        )
    if object_index.size and (
        not np.issubdtype(object_index.dtype, np.integer) or object_index.min() < 0
    ):
        raise ValueError("object_index must be integers >= 0 (the light curve of each point)")
    rng = np.random.default_rng(rng)
    n_objects = int(object_index.max()) + 1 if object_index.size else 0
    fraction = rng.uniform(low_fraction, high_fraction, n_objects)
    is_outlier = rng.uniform(size=mag.size) < fraction[object_index]
    n_out = int(is_outlier.sum())
    size = np.exp(rng.uniform(np.log(low_offset), np.log(high_offset), n_out))
    sign = np.where(rng.uniform(size=n_out) < 0.5, -1.0, 1.0)
    observed = mag.copy()
    observed[is_outlier] += sign * size
    return observed, is_outlier, fraction


def draw_depth_offset(
    mean_r: ArrayLike,
    rng: np.random.Generator | int | None = None,
    depth_range: tuple[float, float] = DEPTH_OFFSET_RANGE,
) -> np.ndarray:
    """How much brighter than LSST's to make each light curve's single-visit depth.

    The offset is uniform over ``depth_range``, but never makes the r-band depth
    (`LSST_M5` minus the offset) brighter than the star's mean r magnitude: a survey
    does not catalogue light curves of stars below its detection limit. It is meant
    for ``add_noise(..., m5=LSST_M5[band] - offset)``, the same offset in every band.

    Parameters
    ----------
    mean_r : array_like
        Mean r magnitude of each star.
    rng : numpy.random.Generator or int, optional
        Random generator or seed.
    depth_range : tuple of float
        Range of the offset (mag), ``0 <= low <= high <= 10``.

    Returns
    -------
    numpy.ndarray
        Offset per star (mag, >= 0).

    Raises
    ------
    ValueError
        For a bad ``depth_range`` or a non-finite magnitude.

    Examples
    --------
    >>> offset = draw_depth_offset([17.0, 19.0, 24.0], rng=2, depth_range=(5.0, 5.0))
    >>> offset.round(2).tolist()
    [5.0, 5.0, 0.35]
    >>> float(magnitude_error(19.0, "r", m5=LSST_M5["r"] - offset[1]).round(3))
    0.146
    """
    mean_r = np.asarray(mean_r, dtype=np.float64)
    low, high = _check_range(depth_range, "depth_range", 0.0, 10.0)
    if not np.all(np.isfinite(mean_r)):
        raise ValueError("mean_r must be finite")
    upper = np.clip(LSST_M5["r"] - mean_r, 0.0, high)
    lower = np.minimum(low, upper)
    return np.random.default_rng(rng).uniform(lower, upper)


def draw_passband_offsets(
    n: int,
    n_bands: int,
    rng: np.random.Generator | int | None = None,
    offset_range: tuple[float, float] = PASSBAND_OFFSET_RANGE,
) -> np.ndarray:
    """Offsets of each light curve's mean magnitude per band, for other surveys' passbands.

    A survey whose bands differ from LSST's measures the same star with other mean
    magnitudes, by amounts that depend on the band and on the star's spectrum; mapped
    onto LSST's bands, its colors are off by a few tenths of a magnitude. Each light
    curve and band gets an offset uniform over ``offset_range``, independently, so that
    a network trained on them learns not to rely on a color to that precision.

    Parameters
    ----------
    n : int
        Number of light curves.
    n_bands : int
        Number of bands.
    rng : numpy.random.Generator or int, optional
        Random generator or seed.
    offset_range : tuple of float
        Range of the offsets (mag), ``-2 <= low <= high <= 2``.

    Returns
    -------
    numpy.ndarray
        Offsets of shape ``(n, n_bands)`` (mag), to add to the mean magnitudes.

    Raises
    ------
    ValueError
        For a bad ``offset_range``.

    Examples
    --------
    >>> offsets = draw_passband_offsets(1000, 6, rng=4)
    >>> offsets.shape, bool(np.abs(offsets).max() <= 0.3)
    ((1000, 6), True)
    >>> color = offsets[:, 1] - offsets[:, 2]  # g - r moves by up to 0.6 mag
    >>> bool(0.5 < np.abs(color).max() <= 0.6)
    True
    """
    low, high = _check_range(offset_range, "offset_range", -2.0, 2.0)
    return np.random.default_rng(rng).uniform(low, high, size=(n, n_bands))
