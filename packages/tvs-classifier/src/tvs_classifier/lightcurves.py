"""The light-curve data model: a validated long table of many objects.

Every reader of this package ends here. The common form is a long table with one
row per measurement and the columns ``object_id, mjd, band, mag, mag_err``. On the
way in, `LightCurves.from_table` checks and cleans it:

* required columns must be present (``columns=`` renames others to these);
* ``mjd``, ``mag`` and ``mag_err`` must be numeric (the error names the column and
  the row, counted from 0, of the first value that is not); times that look like
  Julian Dates rather than MJD are refused;
* rows with a missing id or band, a non-finite time or magnitude, a placeholder
  magnitude or error (absolute value of `PLACEHOLDER_LIMIT` or more: the 99.99, -99
  or -9999 that catalogs write for a non-detection), or a NaN, infinite, zero or
  negative error are dropped **and counted**;
* exact duplicate rows are dropped; several different measurements of one object
  in one band at the same time are merged (inverse-variance weighted mean, smallest
  error), kept first, or refused, as ``duplicates=`` says;
* band names are normalized (see `tvs_classifier.bands`);
* rows are sorted by object (in order of first appearance) and time.

What was dropped or merged is in `LightCurves.report`.

Examples
--------
>>> import pandas as pd
>>> table = pd.DataFrame(
...     {
...         "object_id": ["a", "a", "a", "b", "b"],
...         "mjd": [60002.0, 60001.0, 60003.0, 60001.0, 60001.5],
...         "band": ["LSST_g", "g", "r", "r", "r"],
...         "mag": [18.1, 18.0, 17.5, 19.0, float("nan")],
...         "mag_err": [0.02, 0.02, 0.03, 0.05, 0.05],
...     }
... )
>>> lcs = LightCurves.from_table(table)
>>> len(lcs), lcs.bands
(2, ('g', 'r'))
>>> lcs["a"]["mjd"].tolist()
[60001.0, 60002.0, 60003.0]
>>> lcs.report.dropped["nonfinite_mag"]
1
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from .bands import LSST_BANDS, normalize_bands

__all__ = [
    "COLUMNS",
    "PLACEHOLDER_LIMIT",
    "LightCurveError",
    "LightCurves",
    "ValidationReport",
    "as_light_curves",
]

#: The columns of the long light-curve table, in order.
COLUMNS: tuple[str, ...] = ("object_id", "mjd", "band", "mag", "mag_err")

#: Times above this are Julian Dates, not MJD (MJD 2 400 000 falls in the year 8429).
_JD_THRESHOLD = 2_400_000.0

_DUPLICATE_POLICIES = ("mean", "first", "raise")

#: Magnitudes and errors of this absolute value or more are placeholders for a missing
#: measurement (SDSS writes 99.99 +- 99.999; others -99 or -9999), never real values.
PLACEHOLDER_LIMIT: float = 90.0


class LightCurveError(ValueError):
    """A light-curve table or file that cannot be used, with what to do about it."""


@dataclass(frozen=True)
class ValidationReport:
    """What validation did to a light-curve table.

    Attributes
    ----------
    n_input : int
        Rows given.
    n_output : int
        Rows kept (after dropping and merging).
    n_objects : int
        Objects kept.
    dropped : dict of str to int
        Rows dropped, by reason: ``missing_id_or_band``, ``nonfinite_mjd``,
        ``nonfinite_mag``, ``bad_mag_err`` (NaN, infinite, zero or negative),
        ``duplicate_rows`` (exact copies), plus any a reader adds (e.g.
        ``nonpositive_flux``).
    merged : int
        Rows removed by merging several measurements of one object and band at
        one time into one.
    resorted : bool
        Whether the rows had to be reordered to be sorted by object and time.
    band_names : dict of str to str
        Each band name as given and its normalized name.

    Examples
    --------
    >>> report = ValidationReport(3, 2, 1, {"nonfinite_mag": 1}, 0, False, {"g": "g"})
    >>> report.n_dropped
    1
    """

    n_input: int
    n_output: int
    n_objects: int
    dropped: dict[str, int] = field(default_factory=dict)
    merged: int = 0
    resorted: bool = False
    band_names: dict[str, str] = field(default_factory=dict)

    @property
    def n_dropped(self) -> int:
        """Rows dropped for any reason (merged rows not included)."""
        return int(sum(self.dropped.values()))

    def summary(self) -> str:
        """Return a one-line, human-readable account of the validation.

        Examples
        --------
        >>> ValidationReport(5, 4, 2, {"bad_mag_err": 1}, 0, True, {}).summary()
        '5 rows in, 4 kept for 2 objects; dropped 1 (bad_mag_err: 1); merged 0; resorted'
        """
        reasons = ", ".join(f"{key}: {value}" for key, value in self.dropped.items() if value)
        text = (
            f"{self.n_input} rows in, {self.n_output} kept for {self.n_objects} objects; "
            f"dropped {self.n_dropped}"
        )
        if reasons:
            text += f" ({reasons})"
        text += f"; merged {self.merged}"
        if self.resorted:
            text += "; resorted"
        return text


@dataclass(frozen=True, eq=False)
class LightCurves:
    """Validated light curves of many objects, stored as one long sorted table.

    Build it with `LightCurves.from_table` (or a reader in `tvs_classifier.io.readers`);
    the constructor itself does not validate.

    Attributes
    ----------
    table : pandas.DataFrame
        Columns ``object_id, mjd, band, mag, mag_err``, sorted by object (in order of
        first appearance) then time, with a default integer index.
    report : ValidationReport
        What validation dropped, merged and renamed.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame(
    ...     {
    ...         "object_id": [7, 7],
    ...         "mjd": [1.0, 2.0],
    ...         "band": ["r", "r"],
    ...         "mag": [15.0, 15.2],
    ...         "mag_err": [0.01, 0.01],
    ...     }
    ... )
    >>> lcs = LightCurves.from_table(table)
    >>> lcs.object_ids.tolist(), lcs.n_points.tolist()
    ([7], [2])
    """

    table: pd.DataFrame
    report: ValidationReport

    @classmethod
    def from_table(
        cls,
        table: pd.DataFrame,
        *,
        columns: Mapping[str, str] | None = None,
        band_map: Mapping[str, str] | None = None,
        duplicates: str = "mean",
        _dropped: Mapping[str, int] | None = None,
    ) -> LightCurves:
        """Validate a long table and return it as `LightCurves`.

        Parameters
        ----------
        table : pandas.DataFrame
            One row per measurement. Columns other than the five needed are ignored.
        columns : mapping of str to str, optional
            Renames from the table's names to ``object_id, mjd, band, mag, mag_err``,
            e.g. ``{"oid": "object_id", "magpsf": "mag"}``.
        band_map : mapping of str to str, optional
            Explicit band renames applied before normalization
            (see `tvs_classifier.bands.normalize_band`).
        duplicates : {"mean", "first", "raise"}
            What to do with several different measurements of one object in one band
            at one time: merge them into their inverse-variance weighted mean, keep the
            first, or raise `LightCurveError`. A merged error is the smallest of the
            errors merged, not the error of the mean: measurements at one time are
            usually of one exposure (e.g. re-processed alerts), so not independent.
            Exact duplicate rows are always dropped and counted.

        Returns
        -------
        LightCurves

        Raises
        ------
        LightCurveError
            If a column is missing or not numeric, a rename names an unknown column,
            the table is empty or every row is dropped, times look like JD, or
            ``duplicates="raise"`` meets a duplicate time.

        Examples
        --------
        >>> import pandas as pd
        >>> raw = pd.DataFrame(
        ...     {
        ...         "oid": ["x", "x", "x"],
        ...         "t": [3.0, 1.0, 1.0],
        ...         "filter": ["g"] * 3,
        ...         "m": [17.0, 17.2, 17.4],
        ...         "e": [0.1, 0.1, -0.1],
        ...     }
        ... )
        >>> lcs = LightCurves.from_table(
        ...     raw,
        ...     columns={
        ...         "oid": "object_id",
        ...         "t": "mjd",
        ...         "filter": "band",
        ...         "m": "mag",
        ...         "e": "mag_err",
        ...     },
        ... )
        >>> lcs.table["mjd"].tolist(), lcs.report.dropped["bad_mag_err"]
        ([1.0, 3.0], 1)
        """
        if duplicates not in _DUPLICATE_POLICIES:
            raise LightCurveError(
                f"duplicates={duplicates!r} is not known: use one of {_DUPLICATE_POLICIES}"
            )
        frame = _select_columns(table, columns)
        n_input = len(frame)
        if n_input == 0:
            raise LightCurveError("the light-curve table is empty: give at least one row")
        dropped: dict[str, int] = dict(_dropped or {})
        frame, counts = _drop_bad_rows(frame)
        dropped.update(counts)
        if len(frame) == 0:
            raise LightCurveError(
                f"all {n_input} rows were dropped ({_format_counts(dropped)}): "
                "check the magnitude and error columns"
            )
        given = frame["band"].astype(str).str.strip().to_numpy(dtype=object)
        normalized = normalize_bands(given, band_map)
        band_names = dict(zip(given.tolist(), normalized.tolist(), strict=True))
        frame = frame.assign(band=normalized)
        frame, resorted = _sort(frame)
        frame, dropped["duplicate_rows"] = _drop_duplicate_rows(frame)
        frame, merged = _merge_same_time(frame, duplicates)
        report = ValidationReport(
            n_input=n_input + sum((_dropped or {}).values()),
            n_output=len(frame),
            n_objects=int(frame["object_id"].nunique()),
            dropped=dropped,
            merged=merged,
            resorted=resorted,
            band_names=dict(sorted(band_names.items())),
        )
        return cls(table=frame, report=report)

    @property
    def object_ids(self) -> np.ndarray:
        """The object ids, in table order."""
        return self.table["object_id"].to_numpy()[self.offsets[:-1]]

    @cached_property
    def offsets(self) -> np.ndarray:
        """Row offsets of the objects: object ``k`` is rows ``offsets[k]:offsets[k+1]``."""
        codes = self.object_index
        starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
        return np.r_[starts, codes.size].astype(np.int64)

    @cached_property
    def object_index(self) -> np.ndarray:
        """For every row, the position (0, 1, ...) of its object in `object_ids`."""
        codes, _ = pd.factorize(self.table["object_id"], sort=False)
        return codes.astype(np.int64)

    @property
    def n_points(self) -> np.ndarray:
        """Number of measurements of each object."""
        return np.diff(self.offsets)

    @property
    def bands(self) -> tuple[str, ...]:
        """Bands present: LSST's in ``u g r i z y`` order first, then others sorted."""
        present = set(self.table["band"].unique().tolist())
        lsst = [band for band in LSST_BANDS if band in present]
        return (*lsst, *sorted(present.difference(LSST_BANDS)))

    def band_index(self, bands: tuple[str, ...] | None = None) -> np.ndarray:
        """Position of every row's band in ``bands`` (-1 where not listed).

        Parameters
        ----------
        bands : tuple of str, optional
            Band order; `bands` by default.

        Examples
        --------
        >>> import pandas as pd
        >>> table = pd.DataFrame(
        ...     {
        ...         "object_id": [1, 1],
        ...         "mjd": [1.0, 2.0],
        ...         "band": ["r", "g"],
        ...         "mag": [15.0, 15.2],
        ...         "mag_err": [0.01, 0.01],
        ...     }
        ... )
        >>> LightCurves.from_table(table).band_index(("g", "r")).tolist()
        [1, 0]
        """
        order = self.bands if bands is None else tuple(bands)
        lookup = pd.Index(order)
        return lookup.get_indexer(self.table["band"]).astype(np.int64)

    def __len__(self) -> int:
        return self.offsets.size - 1

    def __getitem__(self, object_id: object) -> pd.DataFrame:
        rows = self.table[self.table["object_id"] == object_id]
        if rows.empty:
            raise KeyError(f"no light curve with object_id {object_id!r}")
        return rows.reset_index(drop=True)

    def __iter__(self) -> Iterator[tuple[object, pd.DataFrame]]:
        offsets = self.offsets
        for k, object_id in enumerate(self.object_ids):
            rows = self.table.iloc[offsets[k] : offsets[k + 1]]
            yield object_id, rows.reset_index(drop=True)

    def select(self, object_ids: object) -> LightCurves:
        """Return the light curves of the given objects only (report kept).

        Examples
        --------
        >>> import pandas as pd
        >>> table = pd.DataFrame(
        ...     {
        ...         "object_id": [1, 2],
        ...         "mjd": [1.0, 2.0],
        ...         "band": ["r", "g"],
        ...         "mag": [15.0, 15.2],
        ...         "mag_err": [0.01, 0.01],
        ...     }
        ... )
        >>> len(LightCurves.from_table(table).select([2]))
        1
        """
        keep = self.table["object_id"].isin(np.atleast_1d(np.asarray(object_ids, dtype=object)))
        if not keep.any():
            raise KeyError(f"none of the objects {object_ids!r} is in these light curves")
        return LightCurves(self.table[keep].reset_index(drop=True), self.report)


def as_light_curves(
    data: LightCurves | pd.DataFrame, band_map: Mapping[str, str] | None = None
) -> LightCurves:
    """Validated light curves from a long table, or light curves with bands renamed.

    What every classifier takes: a `LightCurves` as it is, or a table validated by
    `LightCurves.from_table`; ``band_map`` renames bands (e.g. another survey's to the
    model's: ``{"ztf_g": "g"}``), names it does not mention staying as they are.

    Examples
    --------
    >>> table = pd.DataFrame(
    ...     {"object_id": [1], "mjd": [1.0], "band": ["ztf_g"], "mag": [15.0], "mag_err": [0.1]}
    ... )
    >>> as_light_curves(LightCurves.from_table(table), {"ztf_g": "g"}).bands
    ('g',)
    """
    if isinstance(data, pd.DataFrame):
        return LightCurves.from_table(data, band_map=band_map)
    if not band_map:
        return data
    table = data.table.assign(band=data.table["band"].map(lambda b: band_map.get(b, b)))
    return LightCurves(table, data.report)


def _select_columns(table: pd.DataFrame, columns: Mapping[str, str] | None) -> pd.DataFrame:
    """Rename and select the five columns, with clear errors for what is missing."""
    if not isinstance(table, pd.DataFrame):
        raise LightCurveError(
            f"expected a pandas DataFrame, got {type(table).__name__}: "
            "convert it with pandas.DataFrame(...) or astropy's Table.to_pandas()"
        )
    if columns:
        unknown = [name for name in columns if name not in table.columns]
        if unknown:
            raise LightCurveError(
                f"columns= renames unknown column(s) {unknown}; the table has {list(table.columns)}"
            )
        bad_targets = [name for name in columns.values() if name not in COLUMNS]
        if bad_targets:
            raise LightCurveError(
                f"columns= renames to {bad_targets}, which are not light-curve columns; "
                f"rename to {list(COLUMNS)}"
            )
        table = table.rename(columns=dict(columns))
    missing = [name for name in COLUMNS if name not in table.columns]
    if missing:
        raise LightCurveError(
            f"the table has no column(s) {missing} (it has {list(table.columns)}); "
            "rename yours with columns={'your_name': 'object_id', ...}"
        )
    frame = table.loc[:, list(COLUMNS)].reset_index(drop=True)
    for name in ("mjd", "mag", "mag_err"):
        frame[name] = _as_numbers(frame[name], name)
    return frame


def _as_numbers(column: pd.Series, name: str) -> pd.Series:
    """A column as float64, or a `LightCurveError` naming the row of a value that is not a number.

    Text that spells a number (``"18.5"``) is converted and missing values become NaN;
    rows count from 0, as in the table.

    Examples
    --------
    >>> _as_numbers(pd.Series(["18.5", 19.0, None]), "mag").tolist()
    [18.5, 19.0, nan]
    >>> _as_numbers(pd.Series(["18.5", "19.0", "abc"]), "mag")
    Traceback (most recent call last):
    ...
    tvs_classifier.lightcurves.LightCurveError: column 'mag' row 2: 'abc' is not a number; correct or remove it
    """
    try:
        return pd.to_numeric(column, errors="raise").astype(np.float64)
    except (TypeError, ValueError) as error:
        problem = f"column {name!r} is not numeric ({error})"
    for row, value in enumerate(column.to_numpy(dtype=object)):
        if isinstance(value, np.generic):
            value = value.item()  # 'abc', not np.str_('abc')
        try:
            if value is not None and value is not pd.NA:
                float(value)
        except (TypeError, ValueError):
            text = repr(value.decode(errors="replace") if isinstance(value, bytes) else value)
            text = text if len(text) <= 40 else f"{text[:37]}..."
            problem = f"column {name!r} row {row}: {text} is not a number"
            break
    raise LightCurveError(f"{problem}; correct or remove it")


def _drop_bad_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
    """Drop rows that cannot be used, counting each reason once (first reason wins)."""
    band_text = frame["band"].astype(str).str.strip()
    checks = {
        "missing_id_or_band": frame["object_id"].isna() | frame["band"].isna() | (band_text == ""),
        "nonfinite_mjd": ~np.isfinite(frame["mjd"]),
        "nonfinite_mag": ~np.isfinite(frame["mag"]),
        "bad_mag_err": ~(np.isfinite(frame["mag_err"]) & (frame["mag_err"] > 0)),
        "placeholder_value": (np.abs(frame["mag"]) >= PLACEHOLDER_LIMIT)
        | (frame["mag_err"] >= PLACEHOLDER_LIMIT),
    }
    bad = np.zeros(len(frame), dtype=bool)
    counts: dict[str, int] = {}
    for reason, mask in checks.items():
        mask = np.asarray(mask, dtype=bool)
        counts[reason] = int(np.count_nonzero(mask & ~bad))
        bad |= mask
    kept = frame[~bad].reset_index(drop=True)
    if len(kept) and kept["mjd"].max() > _JD_THRESHOLD:
        raise LightCurveError(
            f"times reach {kept['mjd'].max():.1f}, which is a Julian Date, not an MJD: "
            "subtract 2400000.5 from the time column"
        )
    return kept, counts


def _sort(frame: pd.DataFrame) -> tuple[pd.DataFrame, bool]:
    """Sort rows by object (first-appearance order) and time; say whether order changed.

    Rows of one object at one time are then ordered by band, magnitude and error, so that repeated measurements and exact duplicate rows lie
    next to each other (`_drop_duplicate_rows`, `_merge_same_time` need only compare
    neighbours); ties keep their input order. ``resorted`` says whether the input was
    out of object and time order. The frame keeps its index (the input positions).
    """
    codes, _ = pd.factorize(frame["object_id"], sort=False)
    mjd = frame["mjd"].to_numpy(np.float64)
    step = np.diff(codes)
    resorted = bool(np.any((step < 0) | ((step == 0) & (np.diff(mjd) < 0))))
    order = np.lexsort((mjd, codes)) if resorted else np.arange(codes.size)
    codes, mjd = codes[order], mjd[order]
    tie = np.r_[False, (codes[1:] == codes[:-1]) & (mjd[1:] == mjd[:-1])]
    if tie.any():  # few rows: order each run of one object and time by the other columns
        rows = np.flatnonzero(tie | np.r_[tie[1:], False])
        run = np.cumsum(~tie)[rows]
        within = order[rows]
        band_codes = pd.factorize(frame["band"].to_numpy()[within], sort=False)[0]
        mag, mag_err = frame["mag"].to_numpy()[within], frame["mag_err"].to_numpy()[within]
        order[rows] = within[np.lexsort((mag_err, mag, band_codes, run))]
    # The index (input positions) is kept until `_merge_same_time` has used it.
    return frame.iloc[order], resorted


def _same_as_previous(frame: pd.DataFrame, names: list[str]) -> np.ndarray:
    """For rows 1..n-1 of a sorted frame: whether each equals the row before in ``names``."""
    same = np.ones(max(len(frame) - 1, 0), dtype=bool)
    for name in names:
        values = frame[name].to_numpy()
        same &= values[1:] == values[:-1]
    return same


def _drop_duplicate_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Drop exact duplicate rows of a `_sort`-ed frame (they are neighbours); count them."""
    repeated = np.r_[False, _same_as_previous(frame, list(frame.columns))]
    n_repeated = int(np.count_nonzero(repeated))
    return (frame[~repeated] if n_repeated else frame), n_repeated


def _merge_same_time(frame: pd.DataFrame, policy: str) -> tuple[pd.DataFrame, int]:
    """Merge several measurements of one object and band at one time (a `_sort`-ed frame).

    The frame's index holds the input positions (for ``policy="first"``); the result
    has a default index.
    """
    later = np.r_[False, _same_as_previous(frame, ["object_id", "mjd", "band"])]
    n_extra = int(np.count_nonzero(later))
    if not n_extra:
        return frame.reset_index(drop=True), 0
    if policy == "raise":
        first = frame.iloc[int(np.argmax(later)) - 1]
        raise LightCurveError(
            f"{n_extra} measurement(s) repeat an object, band and time with different values "
            f"(first: object {first['object_id']!r}, band {first['band']!r}, mjd {first['mjd']}); "
            "use duplicates='mean' or 'first', or remove them"
        )
    starts = np.flatnonzero(~later)
    if policy == "first":
        # Rows at one time are sorted by magnitude: the first given is the lowest index.
        first_given = np.minimum.reduceat(frame.index.to_numpy(), starts)
        return frame.loc[first_given].reset_index(drop=True), n_extra
    mag = frame["mag"].to_numpy(np.float64)
    mag_err = frame["mag_err"].to_numpy(np.float64)
    weight = 1.0 / mag_err**2
    mean = np.add.reduceat(weight * mag, starts) / np.add.reduceat(weight, starts)
    smallest = np.minimum.reduceat(mag_err, starts)
    merged = frame.iloc[starts].reset_index(drop=True)
    return merged.assign(mag=mean, mag_err=smallest), n_extra


def _format_counts(counts: Mapping[str, int]) -> str:
    """``'a: 1, b: 2'`` for the non-zero counts."""
    return ", ".join(f"{key}: {value}" for key, value in counts.items() if value) or "none"
