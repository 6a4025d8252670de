"""Checks of user input shared by the public modules (private).

`as_numbers` turns arrays and table columns into float64 and, when a value is not a
number, raises a `ValueError` naming where it is and what it is. sbpy-filter-transform
has the same helper (the packages share no code, so each keeps its copy).

Examples
--------
>>> as_numbers(np.array(["5.0", "10"]), "phase")
array([ 5., 10.])
>>> as_numbers(["5.0", "x"], "phase")
Traceback (most recent call last):
...
ValueError: phase[1]: 'x' is not a number; correct or remove it
"""

from __future__ import annotations

import numpy as np

__all__ = ["as_numbers"]


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
