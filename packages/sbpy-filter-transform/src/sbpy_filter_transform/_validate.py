"""Checks of user input shared by every public module (private).

Each helper raises a `ValueError` or `astropy.units.UnitsError` whose message names the
problem and the fix.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import numpy as np
from astropy import units as u

__all__ = ["as_wavelength", "finite_array", "unknown_name_error"]


def finite_array(values, name: str, *, allow_empty: bool = False) -> np.ndarray:
    """Return ``values`` as a 1-d float64 array after checking it is non-empty and finite."""
    array = np.atleast_1d(np.asarray(values, dtype=float))
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}; flatten it")
    if array.size == 0 and not allow_empty:
        raise ValueError(f"{name} is empty; give at least one value")
    bad = ~np.isfinite(array)
    if bad.any():
        raise ValueError(
            f"{name} has {bad.sum()} NaN or infinite value(s) (first at index "
            f"{int(np.argmax(bad))}); remove or replace them"
        )
    return array


def as_wavelength(values, name: str = "wavelength", unit=None) -> u.Quantity:
    """Return ``values`` as a strictly increasing, finite wavelength Quantity in Angstrom.

    ``values`` must carry a length unit, or ``unit`` must state one.
    """
    if isinstance(values, u.Quantity):
        if unit is not None:
            values = values.to(unit)
    elif unit is None:
        raise u.UnitsError(
            f"{name} has no unit; pass an astropy Quantity (e.g. values * u.nm) or state "
            "the wavelength unit"
        )
    else:
        values = np.asarray(values, dtype=float) * u.Unit(unit)
    if values.unit.physical_type != "length":
        raise u.UnitsError(
            f"{name} has unit {values.unit!s}, which is not a length; give wavelengths "
            "in nm, um or Angstrom"
        )
    array = finite_array(values.to_value(u.AA), name)
    if array.size < 2:
        raise ValueError(f"{name} needs at least two values to define a curve")
    steps = np.diff(array)
    if np.any(steps <= 0):
        first = int(np.argmax(steps <= 0))
        raise ValueError(
            f"{name} is not strictly increasing (at index {first + 1}: {array[first + 1]:g} "
            f"Angstrom after {array[first]:g}); sort it and remove duplicates"
        )
    return array * u.AA


def unknown_name_error(kind: str, name: str, known: Iterable[str]) -> ValueError:
    """Return the error for an unknown ``name`` of a ``kind``, suggesting close known names."""
    known = list(known)
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
    if not close:
        lowered = {k.lower(): k for k in known}
        close = [lowered[k] for k in difflib.get_close_matches(name.lower(), lowered, n=3)]
    hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return ValueError(f"unknown {kind} {name!r}.{hint} Known names: {', '.join(known)}")
