"""Checks of user input shared by every public module (private).

Each helper raises a `ValueError` or `astropy.units.UnitsError` whose message names the
problem and the fix.

Examples
--------
>>> finite_array([1, "2.5"], "slopes")
array([1. , 2.5])
>>> finite_array([1.0, float("nan")], "slopes")
Traceback (most recent call last):
...
ValueError: slopes has 1 NaN or infinite value(s) (first at index 1); remove or replace them
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import numpy as np
from astropy import units as u

__all__ = ["as_numbers", "as_wavelength", "finite_array", "unknown_name_error"]


def as_numbers(values, name: str, *, column: bool = False) -> np.ndarray:
    """Return ``values`` as a float64 array, or raise naming the first value that is not one.

    Text that spells a number (``"18.5"``, ``"nan"``) is converted; masked entries
    become NaN. The `ValueError` gives the place of the bad value as ``name[3]`` or,
    with ``column=True``, as ``column 'name' row 3`` (rows count from 0, as in the
    table), and the value as plain Python text.

    Examples
    --------
    >>> as_numbers(["18.5", 19], "mags")
    array([18.5, 19. ])
    >>> as_numbers(np.array(["18.5", "19.0", "abc"]), "mag", column=True)
    Traceback (most recent call last):
    ...
    ValueError: column 'mag' row 2: 'abc' is not a number; correct or remove it
    """
    mask = np.ma.getmaskarray(values) if np.ma.isMaskedArray(values) else None
    data = np.ma.getdata(values) if mask is not None else values
    try:
        array = np.asarray(data, dtype=np.float64)
    except (TypeError, ValueError):
        items = np.asarray(data, dtype=object)
        array = np.full(items.shape, np.nan)
        for index in np.ndindex(items.shape):
            if mask is not None and mask[index]:
                continue
            try:
                array[index] = float(items[index])
            except (TypeError, ValueError):
                raise ValueError(
                    f"{_place(name, index, column)}: {_plain_repr(items[index])} is not a "
                    "number; correct or remove it"
                ) from None
    if mask is not None and mask.any():
        array = np.where(mask, np.nan, array)
    return array


def _place(name: str, index: tuple[int, ...], column: bool) -> str:
    """``name[3]`` or ``column 'name' row 3`` (just the name for a single value)."""
    where = ", ".join(str(i) for i in index)
    if column:
        return f"column {name!r} row {where}" if where else f"column {name!r}"
    return f"{name}[{where}]" if where else name


def _plain_repr(value: object, limit: int = 40) -> str:
    """``repr`` of ``value`` as a Python value (``'abc'``, not ``np.str_('abc')``), shortened."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bytes):
        value = value.decode(errors="replace")
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


def finite_array(values, name: str, *, allow_empty: bool = False) -> np.ndarray:
    """Return ``values`` as a 1-d float64 array after checking it is non-empty and finite."""
    array = np.atleast_1d(as_numbers(values, name))
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
        values = as_numbers(values, name) * u.Unit(unit)
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
