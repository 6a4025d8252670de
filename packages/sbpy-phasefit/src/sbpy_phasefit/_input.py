"""Checking and grouping of ragged phase-curve input (private helpers of ``fit.py``)."""

from __future__ import annotations

from dataclasses import dataclass

import astropy.units as u
import numpy as np
from numpy.typing import ArrayLike

from ._validate import as_numbers
from .models import _phase_degrees

__all__ = [
    "Grouped",
    "as_float_array",
    "band_codes",
    "group_points",
    "id_codes",
    "invalid_points",
]


def as_float_array(values: ArrayLike | u.Quantity, unit: u.UnitBase, name: str) -> np.ndarray:
    """A 1-D float64 array in ``unit``; plain numbers are taken to be in ``unit``.

    Magnitudes of any photometric system (``mag(AB)``, ``mag(ST)``, sbpy's ``VEGAmag``
    and ``JMmag``) are accepted where ``unit`` is ``mag``: a phase curve is fitted in
    the system it was measured in, and ``H`` is in that system.

    Examples
    --------
    >>> as_float_array([1, 2] * u.mag, u.mag, "mag")
    array([1., 2.])
    >>> as_float_array([18.5] * u.ABmag, u.mag, "mag")
    array([18.5])
    >>> as_float_array(["18.5", "bright"], u.mag, "mag")
    Traceback (most recent call last):
    ...
    ValueError: mag[1]: 'bright' is not a number; correct or remove it
    """
    if unit == u.deg:
        arr = _phase_degrees(values, name)
    elif unit == u.mag and isinstance(getattr(values, "unit", None), u.MagUnit):
        arr = values.value
    elif isinstance(values, u.Quantity):
        try:
            arr = values.to_value(unit)
        except u.UnitConversionError:
            raise u.UnitConversionError(
                f"{name} has unit {values.unit!s}; expected {unit!s}"
            ) from None
    else:
        arr = as_numbers(values, name)
    arr = np.asarray(arr, dtype=np.float64)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    return arr


def invalid_points(
    phase: np.ndarray, mag: np.ndarray, err: np.ndarray | None
) -> tuple[np.ndarray, list[str]]:
    """Mask of unusable points and a description of each kind of problem found.

    Examples
    --------
    >>> mask, why = invalid_points(np.array([1.0, 200.0]), np.array([5.0, 5.0]), None)
    >>> mask.tolist(), why
    ([False, True], ['1 phase angle(s) outside [0, 180] deg (first at index 1)'])
    """
    checks = [
        (~np.isfinite(phase), "phase angle(s) not finite"),
        (
            np.isfinite(phase) & ((phase < 0.0) | (phase > 180.0)),
            "phase angle(s) outside [0, 180] deg",
        ),
        (~np.isfinite(mag), "magnitude(s) not finite"),
    ]
    if err is not None:
        with np.errstate(over="ignore", under="ignore"):
            square = err * err
        checks += [
            (~np.isfinite(err), "magnitude error(s) not finite"),
            (
                np.isfinite(err) & ~((err > 0.0) & (square > 0.0) & np.isfinite(square)),
                "magnitude error(s) zero or negative (or too extreme to square)",
            ),
        ]
    mask = np.zeros(phase.shape, dtype=bool)
    reasons = []
    for bad, text in checks:
        if bad.any():
            reasons.append(f"{int(bad.sum())} {text} (first at index {int(np.argmax(bad))})")
            mask |= bad
    return mask, reasons


@dataclass(frozen=True)
class Grouped:
    """Points sorted by object.

    Attributes
    ----------
    ids : numpy.ndarray
        The distinct object ids, sorted.
    order : numpy.ndarray or None
        Indices into the input that sort the usable points by object (stable);
        None where the input is already in that order.
    offsets : numpy.ndarray
        int64, ``len(ids) + 1``: object ``k`` owns sorted points ``offsets[k]:offsets[k+1]``.
    n_dropped : numpy.ndarray
        Number of unusable points of each object.
    """

    ids: np.ndarray
    order: np.ndarray | None
    offsets: np.ndarray
    n_dropped: np.ndarray


def _labels(values: ArrayLike | None, n: int, name: str, what: str) -> np.ndarray:
    """One label (number or string) per point, checked; zeros where ``values`` is None."""
    if values is None:
        return np.zeros(n, dtype=np.int64)
    if isinstance(values, u.Quantity):
        raise TypeError(f"{what} must be plain values, not a Quantity")
    arr = np.asarray(values)
    if arr.dtype.kind in "US" and not isinstance(values, np.ndarray):
        # A list mixing strings with None or NaN would become strings like "nan".
        arr = np.asarray(values, dtype=object)
    if arr.shape != (n,):
        raise ValueError(f"{name} must have one entry per point ({n}), got shape {arr.shape}")
    if arr.dtype.kind == "O":
        if any(v is None or (isinstance(v, float) and not np.isfinite(v)) for v in arr):
            raise ValueError(f"{what} must not be None, NaN or infinite")
        arr = np.asarray(arr.tolist())
        if arr.dtype.kind == "O" or arr.shape != (n,):
            raise TypeError(f"{what} must be numbers or strings of one type")
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        raise ValueError(f"{what} must not be NaN or infinite")
    return arr


def id_codes(ids: ArrayLike | None, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct object ids (sorted) and each point's index into them.

    Examples
    --------
    >>> names, index = id_codes(["b", "a", "b"], 3)
    >>> names.tolist(), index.tolist()
    (['a', 'b'], [1, 0, 1])
    """
    unique, inverse = np.unique(_labels(ids, n, "ids", "object ids"), return_inverse=True)
    return unique, inverse.ravel().astype(np.int64)


def band_codes(bands: ArrayLike, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct band names (sorted) and each point's index into them.

    Band names are strings or numbers; NaN, None and empty strings are refused.

    Examples
    --------
    >>> names, index = band_codes(["r", "g", "r"], 3)
    >>> names.tolist(), index.tolist()
    (['g', 'r'], [1, 0, 1])
    >>> band_codes(["g", ""], 2)
    Traceback (most recent call last):
    ...
    ValueError: band names must not be empty (1 empty, first at index 1)
    """
    arr = _labels(bands, n, "bands", "band names")
    if arr.dtype.kind in "US":
        empty = np.char.str_len(arr) == 0 if arr.dtype.kind == "U" else arr == b""
        if empty.any():
            raise ValueError(
                f"band names must not be empty ({int(empty.sum())} empty, "
                f"first at index {int(np.argmax(empty))})"
            )
    few = _few_distinct(arr, 16)
    if few is not None:
        return few
    unique, inverse = np.unique(arr, return_inverse=True)
    return unique, inverse.ravel().astype(np.int64)


def _few_distinct(arr: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray] | None:
    """``np.unique(arr, return_inverse=True)`` by one comparison pass per distinct value:
    for the few bands of millions of points several times faster than sorting them.
    None where ``arr`` is empty or holds more than ``limit`` distinct values.

    Examples
    --------
    >>> names, index = _few_distinct(np.array(["r", "g", "r", "i"]), 4)
    >>> names.tolist(), index.tolist()
    (['g', 'i', 'r'], [2, 0, 2, 1])
    >>> _few_distinct(np.arange(5), 4) is None
    True
    """
    if arr.size == 0:
        return None
    codes = np.empty(arr.size, dtype=np.int64)
    todo = np.ones(arr.size, dtype=bool)
    values = []
    while True:
        first = int(np.argmax(todo))  # the first point not yet coded
        if not todo[first]:
            break
        if len(values) == limit:
            return None
        hit = arr == arr[first]
        if not hit[first]:  # a value unequal to itself (NaN)
            return None
        codes[hit] = len(values)
        todo &= ~hit
        values.append(arr[first])
    names = np.array(values, dtype=arr.dtype)
    order = np.argsort(names, kind="stable")
    rank = np.empty(order.size, dtype=np.int64)
    rank[order] = np.arange(order.size)
    return names[order], rank[codes]


def group_points(ids: ArrayLike | None, n: int, dropped: np.ndarray) -> Grouped:
    """Group ``n`` points by object id; ids may be unsorted and interleaved.

    Examples
    --------
    >>> g = group_points(["b", "a", "b"], 3, np.zeros(3, bool))
    >>> g.ids.tolist(), g.order.tolist(), g.offsets.tolist()
    (['a', 'b'], [1, 0, 2], [0, 1, 3])
    >>> group_points([4, 4, 7], 3, np.zeros(3, bool)).order is None
    True
    """
    ids_arr = _labels(ids, n, "ids", "object ids")
    if n and not dropped.any() and np.all(ids_arr[1:] >= ids_arr[:-1]):
        # Already grouped in increasing order (the usual case at scale): no sorting.
        starts = np.flatnonzero(np.concatenate(([True], ids_arr[1:] != ids_arr[:-1])))
        offsets = np.append(starts, n).astype(np.int64)
        return Grouped(ids_arr[starts], None, offsets, np.zeros(starts.size, dtype=np.int64))
    unique, inverse = np.unique(ids_arr, return_inverse=True)
    inverse = inverse.ravel()
    keep = ~dropped
    order = np.flatnonzero(keep)[np.argsort(inverse[keep], kind="stable")]
    counts = np.bincount(inverse[keep], minlength=unique.size)
    offsets = np.zeros(unique.size + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    n_dropped = np.bincount(inverse[dropped], minlength=unique.size)
    return Grouped(unique, order, offsets, n_dropped)
