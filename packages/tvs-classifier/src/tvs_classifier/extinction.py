"""Interstellar extinction in the LSST bands.

Dust between a star and the observer dims it by :math:`A_\\lambda` magnitudes, more in
blue light than in red, so that its colors are redder than the star's own colors by
the color excess :math:`E(B-V) = A_B - A_V` times a factor per color. The wavelength
dependence is the extinction law of Cardelli, Clayton & Mathis (1989, ApJ 345, 245;
CCM89), :math:`A_\\lambda / A_V = a(x) + b(x) / R_V` with :math:`x = 1 / \\lambda` in
inverse microns, in its infrared (0.3 <= x < 1.1) and optical/near-infrared
(1.1 <= x <= 3.3) forms, which cover the LSST bands (303-3333 nm). The diffuse
interstellar medium has :math:`R_V = A_V / E(B-V) = 3.1`.

* `ccm89` gives :math:`A_\\lambda / A_V` at any wavelength of that range.
* `LSST_EXTINCTION` gives :math:`A_b / E(B-V)` in u g r i z y: the reddening of
  simulated stars (`tvs_classifier.simulation.reddening`) and the Wesenheit indices of
  the period-luminosity diagram (`tvs_classifier.period_luminosity`) use it.

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

from .bands import LSST_WAVELENGTH

__all__ = ["LSST_EXTINCTION", "R_V", "ccm89"]

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
