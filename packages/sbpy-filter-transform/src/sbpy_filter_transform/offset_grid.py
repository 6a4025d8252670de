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
array([0.052])
>>> bool(grid.interpolation_error < 1e-5)
True
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from astropy import units as u
from scipy.interpolate import CubicSpline

from ._validate import finite_array, unknown_name_error
from .engine import Engine
from .spectra import blackbody, reddened_sun
from .systems import magnitude_system

__all__ = ["FAMILIES", "OffsetGrid"]

#: Built-in families: name -> (spectrum maker, default nodes, parameter unit, log spacing).
FAMILIES: dict[str, tuple[Callable, np.ndarray, u.UnitBase, bool]] = {
    "blackbody": (blackbody, np.geomspace(2000.0, 50000.0, 257), u.K, True),
    "slope": (reddened_sun, np.linspace(-15.0, 40.0, 111), u.percent / (100 * u.nm), False),
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
        Largest |spline - engine| at the midpoints of the grid intervals (mag).

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
            make, default_nodes, _, default_log = FAMILIES[family]
        elif callable(family):
            make, default_nodes, default_log = family, None, False
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
        spectra = [make(v) for v in values]
        m_from = Engine([from_band], system).observe(spectra)[:, 0]
        m_to = Engine([to_band], to_system).observe(spectra)[:, 0]
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
        array([-0.0145])
        """
        values = self._checked(values)
        slope = self._spline(self._x(values), 1)
        return slope / values if self.log else slope
