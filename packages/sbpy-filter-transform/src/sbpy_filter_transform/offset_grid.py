"""Offsets tabulated over a spectrum parameter and interpolated, for per-object spectra.

For a family of spectra with one parameter (a blackbody temperature, a slope, or any
callable that makes a spectrum), `OffsetGrid` computes m_to - m_from at grid nodes with
the `~sbpy_filter_transform.engine.Engine` and interpolates with a cubic spline. It
measures its own interpolation error at every interval midpoint against the engine and
stores the largest value in `OffsetGrid.interpolation_error`; the default grids keep it
below 1e-5 mag (tested against synphot), well under the engine's own 1e-4 mag bound.

Examples
--------
>>> from sbpy_filter_transform.offset_grid import OffsetGrid
>>> grid = OffsetGrid("ATLAS o", "LSST r", "blackbody")
>>> grid([5772.0]).round(3)
array([0.08])
>>> bool(grid.interpolation_error < 1e-5)
True
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from astropy import constants as const
from astropy import units as u
from scipy.interpolate import CubicSpline
from synphot.units import FLAM, convert_flux

from ._validate import finite_array, unknown_name_error
from .engine import Engine
from .spectra import sun
from .systems import magnitude_system

__all__ = ["FAMILIES", "OffsetGrid"]


def _planck(wave: np.ndarray, temperatures: np.ndarray) -> np.ndarray:
    """Blackbody F_lambda at ``wave`` (Angstrom) for each temperature (K), arbitrary scale."""
    hc_over_k = (const.h * const.c / const.k_B).to_value(u.AA * u.K)
    x = hc_over_k / (wave[None, :] * temperatures[:, None])
    return (wave[None, :] / 1e4) ** -5 / np.expm1(x)


def _sun_slope(wave: np.ndarray, slopes: np.ndarray) -> np.ndarray:
    """The Sun (FLAM) times 1 + S (lambda - 550 nm), S in %/100 nm, for each slope."""
    reflectance = 1 + slopes[:, None] / 100 * (wave[None, :] - 5500.0) / 1000.0
    if np.any(reflectance <= 0):
        raise ValueError(
            f"a slope in [{slopes.min():g}, {slopes.max():g}] %/100 nm makes the reflectance "
            f"negative within {wave[0] / 10:g}-{wave[-1] / 10:g} nm; use narrower nodes"
        )
    solar = sun()
    flux = convert_flux(wave * u.AA, solar(wave * u.AA), FLAM).value
    return flux[None, :] * reflectance


#: Built-in families: name -> (flux maker ``(wave_AA, values) -> FLAM rows``, default
#: nodes, interpolate in log(parameter)?). "blackbody": temperature in K; "slope": the
#: Sun times a linear reflectance, slope in %/100 nm normalized at 550 nm.
FAMILIES: dict[str, tuple[Callable, np.ndarray, bool]] = {
    "blackbody": (_planck, np.geomspace(2000.0, 50000.0, 257), True),
    "slope": (_sun_slope, np.linspace(-15.0, 40.0, 111), False),
}


class OffsetGrid:
    """m_to - m_from over a one-parameter spectrum family, by cubic-spline interpolation.

    Parameters
    ----------
    from_band, to_band
        Anything `~sbpy_filter_transform.bandpasses.get_bandpass` accepts.
    family : str or callable
        A name in `FAMILIES` or a callable ``value -> spectrum``.
    nodes : array-like, optional
        Strictly increasing parameter values (default: the family's).
    system, to_system : str or unit
        Magnitude systems of ``from_band`` and ``to_band`` (default: the same).
    log : bool, optional
        Interpolate in log(parameter) (default: the family's; False for callables).

    Attributes
    ----------
    nodes : numpy.ndarray
        Grid parameter values.
    offsets : numpy.ndarray
        m_to - m_from at ``nodes``.
    interpolation_error : float
        Largest absolute difference between spline and engine at the midpoints of the grid intervals (mag).

    Examples
    --------
    >>> grid = OffsetGrid("LSST g", "LSST r", "slope")
    >>> grid([0.0, 10.0]).round(3)
    array([-0.438, -0.586])
    """

    def __init__(
        self,
        from_band,
        to_band,
        family="blackbody",
        nodes=None,
        *,
        system="AB",
        to_system=None,
        log: bool | None = None,
    ) -> None:
        if isinstance(family, str):
            if family not in FAMILIES:
                raise unknown_name_error("spectrum family", family, FAMILIES)
            maker, default_nodes, default_log = FAMILIES[family]
        elif callable(family):
            maker, default_nodes, default_log = None, None, False
        else:
            raise TypeError("family must be a name in FAMILIES or a callable value -> spectrum")
        if nodes is None and default_nodes is None:
            raise ValueError("a callable family needs nodes: the parameter values to tabulate")
        nodes = finite_array(default_nodes if nodes is None else nodes, "nodes")
        if nodes.size < 4 or np.any(np.diff(nodes) <= 0):
            raise ValueError("nodes must be at least 4 strictly increasing values; sort them")
        self.log = default_log if log is None else log
        if self.log and nodes[0] <= 0:
            raise ValueError("log interpolation needs positive nodes")
        self.family = family if isinstance(family, str) else getattr(family, "__name__", "custom")
        self.nodes = nodes
        system = magnitude_system(system)
        to_system = magnitude_system(to_system or system)
        # Nodes and interval midpoints (in the interpolation variable) in one engine pass.
        x = self._x(nodes)
        mid_x = (x[:-1] + x[1:]) / 2
        values = np.concatenate([nodes, np.exp(mid_x) if self.log else mid_x])
        mags = []
        for band, band_system in ((from_band, system), (to_band, to_system)):
            engine = Engine([band], band_system)
            if maker is None:
                mags.append(engine.observe([family(v) for v in values])[:, 0])
            else:
                mags.append(engine.magnitudes(maker(engine.wavelength.value, values))[:, 0])
        m_from, m_to = mags
        exact = m_to - m_from
        self.offsets = exact[: nodes.size]
        self._spline = CubicSpline(x, self.offsets)
        self.interpolation_error = float(np.abs(self._spline(mid_x) - exact[nodes.size :]).max())

    def _x(self, values: np.ndarray) -> np.ndarray:
        """Interpolation variable of parameter ``values``."""
        return np.log(values) if self.log else values

    def _checked(self, values) -> np.ndarray:
        """Parameter values as float64 after checking they are finite and inside the grid."""
        values = np.asarray(values, dtype=np.float64)
        flat = finite_array(values.ravel(), f"{self.family} parameter")
        outside = (flat < self.nodes[0]) | (flat > self.nodes[-1])
        if outside.any():
            raise ValueError(
                f"{self.family} parameter {flat[outside][0]:g} is outside the grid "
                f"[{self.nodes[0]:g}, {self.nodes[-1]:g}]; build an OffsetGrid with wider nodes"
            )
        return values

    def __call__(self, values) -> np.ndarray:
        """Return interpolated offsets (mag) at parameter ``values`` (any shape).

        Examples
        --------
        >>> OffsetGrid("LSST g", "LSST r", "slope")(np.zeros((2, 2))).shape
        (2, 2)
        """
        values = self._checked(values)
        return self._spline(self._x(values))

    def derivative(self, values) -> np.ndarray:
        """Return d(offset)/d(parameter) at ``values`` (mag per parameter unit).

        Examples
        --------
        >>> grid = OffsetGrid("LSST g", "LSST r", "slope")
        >>> grid.derivative([10.0]).round(4)
        array([-0.0147])
        """
        values = self._checked(values)
        slope = self._spline(self._x(values), 1)
        return slope / values if self.log else slope
