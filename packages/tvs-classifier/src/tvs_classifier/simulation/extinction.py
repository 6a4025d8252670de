"""Interstellar extinction in the LSST bands, and the reddening of simulated stars.

Dust between a star and the observer dims it by :math:`A_\\lambda` magnitudes, more in
blue light than in red, so that its colors are redder than the star's own colors by
the color excess :math:`E(B-V) = A_B - A_V` times a factor per color. The wavelength
dependence is the extinction law of Cardelli, Clayton & Mathis (1989, ApJ 345, 245;
CCM89), :math:`A_\\lambda / A_V = a(x) + b(x) / R_V` with :math:`x = 1 / \\lambda` in
inverse microns, in its infrared (0.3 <= x < 1.1) and optical/near-infrared
(1.1 <= x <= 3.3) forms, which cover the LSST bands (303-3333 nm). The diffuse
interstellar medium has :math:`R_V = A_V / E(B-V) = 3.1`.

* `ccm89` gives :math:`A_\\lambda / A_V` at any wavelength of that range.
* `LSST_EXTINCTION` gives :math:`A_b / E(B-V)` in u g r i z y, and `redden` adds the
  reddening of given color excesses to colors (magnitudes relative to r).
* `draw_ebv` draws color excesses for simulated stars (`tvs_classifier.simulation`).

Examples
--------
>>> LSST_EXTINCTION.round(2)
array([4.79, 3.67, 2.71, 2.06, 1.57, 1.32])
>>> round(float(R_V * ccm89(549.45)), 3)  # A_V / E(B-V) at V's wavelength
3.1
"""

from __future__ import annotations

import numpy as np
from numpy.polynomial import polynomial
from numpy.typing import ArrayLike

from ..bands import LSST_BANDS, LSST_WAVELENGTH

__all__ = [
    "EBV_RANGE",
    "EBV_SCALE",
    "LSST_EXTINCTION",
    "R_V",
    "ccm89",
    "draw_ebv",
    "redden",
]

#: Ratio of total to selective extinction A_V / E(B-V) of the diffuse interstellar
#: medium (Cardelli, Clayton & Mathis 1989).
R_V: float = 3.1

#: Inverse wavelengths (1/micron) covered by `ccm89`: its infrared and optical forms.
_X_RANGE = (0.3, 3.3)
_X_OPTICAL = 1.1  # where the optical form takes over from the infrared one

# CCM89 equations 2a, 2b (infrared): a = 0.574 x^1.61, b = -0.527 x^1.61.
_IR_A, _IR_B, _IR_POWER = 0.574, -0.527, 1.61

# CCM89 equations 3a, 3b (optical/near-infrared): polynomials in y = x - 1.82,
# coefficients of y^0 .. y^7.
_Y_ZERO = 1.82
_OPTICAL_A = (1.0, 0.17699, -0.50447, -0.02427, 0.72085, 0.01979, -0.77530, 0.32999)
_OPTICAL_B = (0.0, 1.41338, 2.28305, 1.07233, -5.38434, -0.62251, 5.30260, -2.09002)

#: Range (low, high) of the color excess E(B-V) drawn by `draw_ebv` by default.
EBV_RANGE: tuple[float, float] = (0.0, 1.0)

#: Scale (mean before truncation) of the exponential prior of `draw_ebv`.
EBV_SCALE: float = 0.1


def ccm89(wavelength: ArrayLike, r_v: float = R_V) -> np.ndarray:
    """Extinction ``A(lambda) / A(V)`` of Cardelli, Clayton & Mathis (1989).

    ``a(x) + b(x) / r_v`` with ``x = 1000 / wavelength`` in inverse microns: the
    infrared form (their equations 2a, 2b) for 0.3 <= x < 1.1 and the optical and
    near-infrared polynomials in ``y = x - 1.82`` (equations 3a, 3b) for
    1.1 <= x <= 3.3. The ultraviolet forms are not implemented.

    Parameters
    ----------
    wavelength : array_like or astropy.units.Quantity
        Wavelengths in nm (or a Quantity of length), 303.03-3333.3 nm.
    r_v : float
        Ratio of total to selective extinction A_V / E(B-V) (> 0).

    Returns
    -------
    numpy.ndarray
        ``A(lambda) / A(V)``, of the shape of ``wavelength``.

    Raises
    ------
    ValueError
        For a wavelength that is not finite or outside 303.03-3333.3 nm, or a bad
        ``r_v``.

    Examples
    --------
    >>> ccm89([440.0, 549.45, 2190.0]).round(3)  # B, V, K
    array([1.325, 1.   , 0.114])
    >>> (3.1 * ccm89(616.5)).round(3)  # A / E(B-V) at SDSS r's effective wavelength
    np.float64(2.728)
    """
    if hasattr(wavelength, "to_value"):  # an astropy Quantity
        wavelength = wavelength.to_value("nm")
    wavelength = np.asarray(wavelength, dtype=float)
    if not (np.isfinite(r_v) and r_v > 0):
        raise ValueError(f"r_v must be a positive number (3.1 for the diffuse ISM), not {r_v}")
    with np.errstate(divide="ignore"):
        x = 1000.0 / wavelength
    covered = np.isfinite(x) & (x >= _X_RANGE[0]) & (x <= _X_RANGE[1])
    if not covered.all():
        bad = wavelength[~covered] if wavelength.ndim else wavelength
        raise ValueError(
            f"wavelengths {bad} nm are outside the range of the CCM89 infrared and "
            f"optical forms, {1000 / _X_RANGE[1]:.2f}-{1000 / _X_RANGE[0]:.1f} nm"
        )
    infrared = x < _X_OPTICAL
    y = x - _Y_ZERO
    a = np.where(infrared, _IR_A * x**_IR_POWER, polynomial.polyval(y, _OPTICAL_A))
    b = np.where(infrared, _IR_B * x**_IR_POWER, polynomial.polyval(y, _OPTICAL_B))
    return a + b / r_v


#: A_b / E(B-V) in the LSST bands u g r i z y: `ccm89` at ``R_V = 3.1`` times R_V,
#: at the bands' mean wavelengths (`tvs_classifier.bands.LSST_WAVELENGTH`). This
#: effective-wavelength approximation differs by a few percent from the integral of
#: the extinction over a bandpass and a star's spectrum (which also makes it depend
#: slightly on the star's color and on E(B-V)); at the SDSS effective wavelengths it
#: is within 1 % of the values of Schlegel, Finkbeiner & Davis (1998, ApJ 500, 525,
#: Table 6) for r, i and g.
LSST_EXTINCTION: np.ndarray = R_V * ccm89(LSST_WAVELENGTH)


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
