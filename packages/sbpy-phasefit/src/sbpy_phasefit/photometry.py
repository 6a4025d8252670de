"""Drop-in replacements for `sbpy.photometry`'s phase-function models, for many objects.

``HG``, ``HG12``, ``HG12_Pen16`` and ``HG1G2`` here are subclasses of sbpy's classes of
the same names: construction, units, `~sbpy.photometry.DiskIntegratedPhaseFunc.to_mag`,
``from_obs`` and the rest are sbpy's own. Two things change:

- the basis functions are evaluated by this package's compiled kernel instead of
  sbpy's per-call spline objects, and combined with sbpy's own arithmetic, so the
  values are sbpy's to rounding (the tests demand 1e-10 mag; the difference is about
  4e-15);
- every parameter may be an array, one value per row. sbpy 0.6's ``HG12.evaluate`` and
  ``HG12.fit_deriv`` branch on ``G12 < 0.2`` with a Python ``if``, so a different G12
  per object (or an HG12 model set) raises ``ValueError`` there, and the only way to
  evaluate 10^5 objects is a Python loop at about 0.3 ms per row. Here the branch is
  taken per element.

Phase angles follow sbpy's convention (plain numbers are radians), unlike
`sbpy_phasefit.models`, whose plain numbers are degrees.

Examples
--------
>>> import numpy as np
>>> from sbpy_phasefit.photometry import HG12
>>> HG12.evaluate(np.deg2rad([10.0, 20.0]), [15.0, 16.0], [0.1, 0.5]).round(6)
array([15.562769, 16.931812])
"""

from __future__ import annotations

import astropy.units as u
import numpy as np
from sbpy import photometry as _sbpy

from . import models

__all__ = ["HG", "HG1G2", "HG12", "HG12_Pen16"]

_HG_BASIS = models.HG()
_SPLINE_BASIS = models.HG1G2()


def _basis(model: models.PhaseFunction, ph) -> np.ndarray:
    """Basis functions at sbpy-style phase angles (radians unless a Quantity), ``(..., k)``."""
    rad = u.Quantity(ph, u.rad).to_value(u.rad)
    shape = np.shape(rad)
    phi = model.basis(np.rad2deg(np.asarray(rad, dtype=np.float64)).ravel())
    return phi.reshape(*shape, phi.shape[1])


def _magnitude(h, func):
    """sbpy's last step of every model: ``h - 2.5 log10(func)`` in the unit of ``h``."""
    if isinstance(func, u.Quantity):
        func = func.value
    func = -2.5 * np.log10(func)
    if isinstance(h, u.Quantity):
        func = func * h.unit
    return h + func


def _hg12_branch(g12, low, high):
    """sbpy's piecewise-linear G12 relation (``low`` below 0.2, ``high`` above), per element."""
    g12 = np.asarray(g12)
    value = np.where(g12 < 0.2, low[0] * g12 + low[1], high[0] * g12 + high[1])
    return value if value.ndim else float(value)


class HG(_sbpy.HG):
    """`sbpy.photometry.HG` with a compiled basis and array parameters.

    Examples
    --------
    >>> import astropy.units as u
    >>> from sbpy_phasefit.photometry import HG
    >>> HG(3.34 * u.mag, 0.12)(30 * u.deg).round(4)
    <Quantity 4.6893 mag>
    """

    @staticmethod
    def evaluate(pha, hh, gg):
        phi = _basis(_HG_BASIS, pha)
        return _magnitude(hh, (1 - gg) * phi[..., 0] + gg * phi[..., 1])


class HG1G2(_sbpy.HG1G2):
    """`sbpy.photometry.HG1G2` with a compiled basis and array parameters.

    Examples
    --------
    >>> import numpy as np
    >>> from sbpy_phasefit.photometry import HG1G2
    >>> round(float(HG1G2.evaluate(np.deg2rad(20.0), 7.063, 0.62, 0.14)), 6)
    8.074362
    """

    @staticmethod
    def evaluate(ph, h, g1, g2):
        phi = _basis(_SPLINE_BASIS, ph)
        func = g1 * phi[..., 0] + g2 * phi[..., 1] + (1 - g1 - g2) * phi[..., 2]
        return _magnitude(h, func)

    @staticmethod
    def fit_deriv(ph, h, g1, g2):
        phi = _basis(_SPLINE_BASIS, ph)
        phi1, phi2, phi3 = phi[..., 0], phi[..., 1], phi[..., 2]
        dom = g1 * phi1 + g2 * phi2 + (1 - g1 - g2) * phi3
        ddh = np.ones_like(phi1) if np.ndim(ph) else 1.0
        ddg1 = 1.085736205 * (phi3 - phi1) / dom
        ddg2 = 1.085736205 * (phi3 - phi2) / dom
        return [ddh, ddg1, ddg2]


class HG12(_sbpy.HG12):
    """`sbpy.photometry.HG12` that accepts a different G12 per row (or an HG12 model set).

    Examples
    --------
    >>> import numpy as np
    >>> from sbpy_phasefit.photometry import HG12
    >>> HG12._G12_to_G1(np.array([0.1, 0.5]))
    array([0.13691, 0.49807])
    """

    _G1_SLOPES = ((0.7527, 0.06164), (0.9529, 0.02162))
    _G2_SLOPES = ((-0.9612, 0.6270), (-0.6125, 0.5572))

    @classmethod
    def _G12_to_G1(cls, g12):
        return _hg12_branch(g12, *cls._G1_SLOPES)

    @classmethod
    def _G12_to_G2(cls, g12):
        return _hg12_branch(g12, *cls._G2_SLOPES)

    @classmethod
    def _g12_derivatives(cls, g12):
        """dG1/dG12 and dG2/dG12 per element."""
        below = np.asarray(g12) < 0.2
        d1 = np.where(below, cls._G1_SLOPES[0][0], cls._G1_SLOPES[1][0])
        d2 = np.where(below, cls._G2_SLOPES[0][0], cls._G2_SLOPES[1][0])
        return d1, d2

    @classmethod
    def evaluate(cls, ph, h, g12):
        return HG1G2.evaluate(ph, h, cls._G12_to_G1(g12), cls._G12_to_G2(g12))

    @classmethod
    def fit_deriv(cls, ph, h, g12):
        # The chain rule through HG1G2's derivatives in G1 and G2.
        ddh, ddg1, ddg2 = HG1G2.fit_deriv(ph, h, cls._G12_to_G1(g12), cls._G12_to_G2(g12))
        p1, p2 = cls._g12_derivatives(g12)
        return [ddh, ddg1 * p1 + ddg2 * p2]


class HG12_Pen16(HG12, _sbpy.HG12_Pen16):
    """`sbpy.photometry.HG12_Pen16` (Penttilä et al. 2016) with a compiled basis.

    Examples
    --------
    >>> import numpy as np
    >>> from sbpy_phasefit.photometry import HG12_Pen16
    >>> round(float(HG12_Pen16.evaluate(np.deg2rad(20.0), 7.121, 0.68)), 6)
    8.124251
    """

    @classmethod
    def _G12_to_G1(cls, g12):
        return 0.84293649 * g12

    @classmethod
    def _G12_to_G2(cls, g12):
        return 0.53513350 * (1 - g12)

    @classmethod
    def _g12_derivatives(cls, g12):
        return 0.84293649, -0.53513350
