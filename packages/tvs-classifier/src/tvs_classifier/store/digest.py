"""Digests of light curves: has an object's light curve changed since it was classified?

`light_curve_digests` gives every object of a long table (one row per measurement, as
read, before validation) a 128-bit digest of its rows: of every column's value in
every row, and of the period the object is classified with. The rows' order does not
matter (the digest of an object combines its rows' hashes by a sum, like a multiset),
so a table written in another order, or a catalog partitioned differently, gives the
same digests; any changed, added or removed measurement, any changed period, gives a
different one. It is a checksum for change detection (two splitmix64 lanes, Steele
et al. 2014), not a cryptographic hash: it does not resist deliberate collisions.

It works on the raw rows, so that deciding which objects to re-classify costs a read
and a few vectorised passes over the table, not a validation of every light curve.

Examples
--------
>>> import pandas as pd
>>> table = pd.DataFrame(
...     {
...         "object_id": [1, 1, 2],
...         "mjd": [1.0, 2.0, 1.0],
...         "band": ["g", "r", "g"],
...         "mag": [18.0, 18.1, 17.0],
...         "mag_err": [0.02, 0.02, 0.03],
...     }
... )
>>> digests = light_curve_digests(table, "object_id")
>>> digests.index.tolist(), len(digests.iloc[0])
([1, 2], 32)
>>> reversed_rows = light_curve_digests(table.iloc[::-1], "object_id")
>>> bool((reversed_rows.reindex(digests.index) == digests).all())
True
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import numpy as np
import pandas as pd

__all__ = ["light_curve_digests"]

#: Seeds of the two 64-bit lanes of a digest.
_LANE_SEEDS = (0x9E3779B97F4A7C15, 0xD1B54A32D192ED03)


def light_curve_digests(
    table: pd.DataFrame,
    id_column: str,
    periods: Mapping | pd.Series | None = None,
) -> pd.Series:
    """A 128-bit digest (32 hex digits) of every object's rows and period.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per measurement; every column but ``id_column`` enters the digest
        (in name order, so the columns' order does not matter).
    id_column : str
        The column of object ids.
    periods : mapping or pandas.Series, optional
        The period each object is classified with, by object id (missing: none).

    Returns
    -------
    pandas.Series
        Digests by object id, in order of first appearance.

    Raises
    ------
    KeyError
        If ``table`` has no column ``id_column``.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"id": ["a", "a"], "mjd": [1.0, 2.0], "mag": [18.0, 18.1]})
    >>> a = light_curve_digests(table, "id")
    >>> b = light_curve_digests(table, "id", periods={"a": 0.55})
    >>> bool(a["a"] != b["a"])
    True
    """
    if id_column not in table.columns:
        raise KeyError(
            f"no column {id_column!r} of object ids; the table has {list(table.columns)}"
        )
    codes, ids = pd.factorize(table[id_column], sort=False)
    if codes.size and codes.min() < 0:
        raise ValueError(f"column {id_column!r} has missing object ids")
    names = sorted(str(c) for c in table.columns if c != id_column)
    words = [_column_words(table[name]) ^ _text_word(name) for name in names]
    count = np.bincount(codes, minlength=ids.size).astype(np.uint64)
    period_words, has_period = None, None
    if periods is not None:
        given = pd.Series(periods, dtype=np.float64).reindex(ids).to_numpy(np.float64)
        period_words, has_period = _float_words(given), np.isfinite(given)
    lanes = []
    for seed in _LANE_SEEDS:
        # A polynomial in an odd multiplier over the columns, then one mix per row:
        # any one changed value changes the row's hash.
        row = np.full(codes.size, seed, dtype=np.uint64)
        for column in words:
            row = row * np.uint64(seed | 1) + column
        total = _sum_by_group(_mix(row), codes, ids.size)
        combined = _mix(total ^ _mix(count + np.uint64(seed)))
        if period_words is not None:  # an object without a period: as if none were given
            combined = np.where(has_period, _mix(combined ^ period_words), combined)
        lanes.append(combined)
    digests = [
        f"{a:016x}{b:016x}" for a, b in zip(lanes[0].tolist(), lanes[1].tolist(), strict=True)
    ]
    return pd.Series(digests, index=pd.Index(ids, name=id_column), name="digest")


def _mix(z: np.ndarray) -> np.ndarray:
    """splitmix64's finalizer: every input bit moves about half of the output bits."""
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def _float_words(values: np.ndarray) -> np.ndarray:
    """64-bit words of float64 values: their bits."""
    return np.ascontiguousarray(values, dtype=np.float64).view(np.uint64)


def _text_word(text: str) -> np.uint64:
    """A 64-bit word of a text."""
    digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
    return np.uint64(int.from_bytes(digest, "little"))


def _column_words(column: pd.Series) -> np.ndarray:
    """One 64-bit word per value of a column: numbers by their bits, text by its hash."""
    if pd.api.types.is_float_dtype(column.dtype):
        return _float_words(column.to_numpy(np.float64, na_value=np.nan))
    exact = pd.api.types.is_bool_dtype(column.dtype) or pd.api.types.is_integer_dtype(column.dtype)
    if exact and not column.hasnans:
        return column.to_numpy(np.int64).view(np.uint64)
    codes, uniques = pd.factorize(column, sort=False)
    words = np.array([_text_word(repr(value)) for value in uniques], dtype=np.uint64)
    missing = _text_word("<missing>")
    return np.where(codes < 0, missing, words[np.maximum(codes, 0)] if words.size else missing)


def _sum_by_group(values: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Sum (modulo 2**64) of ``values`` by group code, fastest where groups are contiguous."""
    total = np.zeros(n_groups, dtype=np.uint64)
    if codes.size == 0:
        return total
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    np.add.at(total, codes[starts], np.add.reduceat(values, starts))
    return total
