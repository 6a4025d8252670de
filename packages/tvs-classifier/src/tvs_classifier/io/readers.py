"""Read light-curve files: CSV and Parquet long tables, in the package's or DP1's names.

`read_light_curves` is the entry point for files and `from_nested` for nested-pandas
frames and LSDB catalogs (as LSDB/HATS deliver Rubin data, one row per object with
its light curve in a nested column). `read_light_curves` reads a table with the columns
``object_id, mjd, band, mag, mag_err`` (or others renamed with ``columns=``), or a
Rubin DP1 table (``diaObjectId, midpointMjdTai, band, psfFlux, psfFluxErr``, which
are recognised and converted from nJy to AB magnitudes), and validates it into
`tvs_classifier.lightcurves.LightCurves`.

Examples
--------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "lc.csv"
>>> _ = path.write_text("object_id,mjd,band,mag,mag_err\\nA,60000.1,g,18.2,0.02\\n")
>>> read_light_curves(path).object_ids.tolist()
['A']
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..lightcurves import LightCurveError, LightCurves
from .rubin import from_dp1, is_dp1_table
from .writers import LABEL_COLUMNS

__all__ = [
    "FORMATS",
    "NESTED_ID_COLUMNS",
    "from_nested",
    "is_hats_catalog",
    "is_lsdb_catalog",
    "nested_flat_table",
    "nested_id_column",
    "read_labelled",
    "read_light_curve_files",
    "read_light_curves",
    "read_periods",
    "read_table",
    "table_id_column",
    "table_periods",
    "validate_table",
]

#: Base columns taken as the object id of a nested frame, in order, when none is named.
NESTED_ID_COLUMNS: tuple[str, ...] = ("diaObjectId", "object_id", "objectId")

#: Nested columns that mark DP1 fluxes (converted from nJy by `from_nested`).
_DP1_FLUX_COLUMNS = frozenset({"psfFlux", "psfFluxErr", "band"})

#: File formats and the name endings that select them.
FORMATS: dict[str, tuple[str, ...]] = {
    "csv": (".csv", ".csv.gz", ".csv.bz2", ".csv.xz", ".txt"),
    "parquet": (".parquet", ".pq", ".parq"),
}


def read_table(path: str | Path, format: str | None = None) -> pd.DataFrame:
    """Read a CSV or Parquet file into a DataFrame, with readable errors.

    Parameters
    ----------
    path : str or Path
        The file.
    format : {"csv", "parquet"}, optional
        Overrides the format guessed from the name ending (see `FORMATS`).

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    LightCurveError
        If the file is missing, its format unknown, or it cannot be parsed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = path.write_text("a,b\\n1,2\\n")
    >>> read_table(path).columns.tolist()
    ['a', 'b']
    """
    path = Path(path)
    if not path.is_file():
        raise LightCurveError(f"{path}: no such file; check the path")
    kind = format or _guess_format(path)
    if kind not in FORMATS:
        raise LightCurveError(f"format={kind!r} is not known: use one of {list(FORMATS)}")
    try:
        if kind == "csv":
            return pd.read_csv(path, comment="#")
        return pd.read_parquet(path)
    except Exception as error:  # pandas and pyarrow raise many types for bad files
        raise LightCurveError(
            f"{path}: cannot be read as {kind} ({type(error).__name__}: {error}); "
            "the file may be corrupt or in another format (set format=)"
        ) from error


def read_light_curves(
    path: str | Path,
    *,
    format: str | None = None,
    columns: Mapping[str, str] | None = None,
    band_map: Mapping[str, str] | None = None,
    duplicates: str = "mean",
) -> LightCurves:
    """Read and validate a file of light curves.

    Parameters
    ----------
    path : str or Path
        CSV or Parquet long table, one row per measurement. The column units that
        astropy writes into Parquet files are read too, so that DP1 fluxes in another
        unit than nJy are converted, and magnitudes where fluxes belong refused.
    format : {"csv", "parquet"}, optional
        Overrides the format guessed from the name.
    columns : mapping of str to str, optional
        Renames to ``object_id, mjd, band, mag, mag_err``. Without it, a table with
        DP1's names is recognised and its nJy fluxes converted to AB magnitudes.
    band_map, duplicates
        As in `tvs_classifier.lightcurves.LightCurves.from_table`.

    Returns
    -------
    LightCurves

    Raises
    ------
    LightCurveError
        For an unreadable file or an invalid table (see `LightCurves.from_table`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import pandas as pd
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "dp1.parquet"
    >>> pd.DataFrame(
    ...     {
    ...         "diaObjectId": [9],
    ...         "midpointMjdTai": [60610.0],
    ...         "band": ["r"],
    ...         "psfFlux": [1000.0],
    ...         "psfFluxErr": [20.0],
    ...     }
    ... ).to_parquet(path)
    >>> round(float(read_light_curves(path).table["mag"][0]), 2)
    23.9
    """
    path = Path(path)
    table = read_table(path, format)
    if (format or _guess_format(path)) == "parquet" and columns is None and is_dp1_table(table):
        table = _with_parquet_units(table, path)
    try:
        return validate_table(table, columns=columns, band_map=band_map, duplicates=duplicates)
    except LightCurveError as error:
        raise LightCurveError(f"{path}: {error}") from None


def from_nested(
    frame: Any,
    *,
    nested_column: str | None = None,
    id_column: str | None = None,
    columns: Mapping[str, str] | None = None,
    visits: pd.DataFrame | None = None,
    band_map: Mapping[str, str] | None = None,
    duplicates: str = "mean",
) -> LightCurves:
    """Light curves from a nested-pandas frame or an LSDB catalog of nested light curves.

    Parameters
    ----------
    frame : nested_pandas.NestedFrame or lsdb.Catalog
        One row per object, with the object's id as a base column and its
        measurements in a nested column. An LSDB catalog is computed first (load
        only the columns and region you need: ``lsdb.open_catalog(..., columns=...)``).
    nested_column : str, optional
        The nested column with the light curves, e.g. ``"diaSource"`` or ``"lc"``;
        needed only if there are several.
    id_column : str, optional
        The base column with the object id; by default the first present of
        `NESTED_ID_COLUMNS`.
    columns : mapping of str to str, optional
        Renames of the nested columns to ``mjd, band, mag, mag_err``. Without it,
        nested DP1 columns (``midpointMjdTai, band, psfFlux, psfFluxErr``) are
        recognised and converted from nJy with `tvs_classifier.io.rubin.from_dp1`.
    visits : pandas.DataFrame, optional
        DP1's Visit table, for nested forced photometry without ``midpointMjdTai``
        (see `tvs_classifier.io.rubin.from_dp1`).
    band_map, duplicates
        As in `tvs_classifier.lightcurves.LightCurves.from_table`.

    Returns
    -------
    LightCurves
        Objects with an empty nested light curve are left out.

    Raises
    ------
    LightCurveError
        If ``frame`` is not a nested frame, the nested or id column is missing or
        ambiguous, or the flattened table is invalid.

    Examples
    --------
    >>> from nested_pandas import NestedFrame
    >>> objects = pd.DataFrame({"diaObjectId": [1, 2], "ra": [10.0, 11.0]}, index=[0, 1])
    >>> sources = pd.DataFrame(
    ...     {
    ...         "midpointMjdTai": [60600.2, 60600.1, 60601.0],
    ...         "band": ["g", "g", "r"],
    ...         "psfFlux": [1000.0, 1100.0, 900.0],
    ...         "psfFluxErr": [10.0, 10.0, 10.0],
    ...     },
    ...     index=[0, 0, 1],
    ... )
    >>> frame = NestedFrame(objects).join_nested(sources, "diaSource")
    >>> lcs = from_nested(frame)
    >>> lcs.object_ids.tolist(), lcs.n_points.tolist()
    ([1, 2], [2, 1])
    """
    flat = nested_flat_table(
        frame, nested_column=nested_column, id_column=id_column, columns=columns
    )
    if columns is None and _DP1_FLUX_COLUMNS.issubset(flat.columns):
        return from_dp1(flat, visits, band_map=band_map, duplicates=duplicates)
    return validate_table(flat, columns=columns, band_map=band_map, duplicates=duplicates)


def nested_flat_table(
    frame: Any,
    *,
    nested_column: str | None = None,
    id_column: str | None = None,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The long table of a frame of nested light curves, as read, before validation.

    One row per measurement: the nested columns and the object's id, named
    ``diaObjectId`` where the light curves are DP1 fluxes (``psfFlux, psfFluxErr,
    band``, and no ``columns`` renames given: `tvs_classifier.io.rubin.from_dp1`
    takes it), else ``object_id``. Objects with an empty light curve have no row.
    `from_nested` validates this table.

    Parameters
    ----------
    frame : nested_pandas.NestedFrame or lsdb.Catalog
        As in `from_nested` (a catalog is computed first).
    nested_column, id_column, columns
        As in `from_nested`.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    LightCurveError
        If ``frame`` is not a nested frame, or the nested or id column is missing or
        ambiguous.

    Examples
    --------
    >>> from nested_pandas import NestedFrame
    >>> objects = pd.DataFrame({"object_id": [7, 8]}, index=[0, 1])
    >>> sources = pd.DataFrame({"mjd": [1.0, 2.0], "mag": [18.0, 17.5]}, index=[0, 1])
    >>> frame = NestedFrame(objects).join_nested(sources, "lc")
    >>> nested_flat_table(frame).to_dict("list")
    {'mjd': [1.0, 2.0], 'mag': [18.0, 17.5], 'object_id': [7, 8]}
    """
    frame = _computed(frame)
    nested = list(getattr(frame, "nested_columns", []))
    if not nested:
        raise LightCurveError(
            f"expected a nested-pandas NestedFrame with a nested light-curve column, got "
            f"{type(frame).__name__}; for a flat table use LightCurves.from_table"
        )
    if nested_column is None:
        if len(nested) > 1:
            raise LightCurveError(
                f"the frame has several nested columns {nested}: choose one with nested_column="
            )
        nested_column = nested[0]
    elif nested_column not in nested:
        raise LightCurveError(
            f"nested_column={nested_column!r} is not a nested column; the frame has {nested}"
        )
    id_column = nested_id_column(list(frame.base_columns), id_column)
    series = frame[nested_column]
    flat = series.nest.to_flat().reset_index(drop=True)
    lengths = np.asarray(series.nest.len(), dtype=np.int64)
    ids = np.repeat(frame[id_column].to_numpy(), lengths)
    flux = columns is None and _DP1_FLUX_COLUMNS.issubset(flat.columns)
    target = "diaObjectId" if flux else "object_id"
    return flat.drop(columns=[id_column, target], errors="ignore").assign(**{target: ids})


def read_light_curve_files(
    paths: Iterable[str | Path],
    *,
    object_ids: Iterable[object] | None = None,
    format: str | None = None,
    columns: Mapping[str, str] | None = None,
    band_map: Mapping[str, str] | None = None,
    duplicates: str = "mean",
) -> LightCurves:
    """Read one file per object (as many archives ship them) into one `LightCurves`.

    Parameters
    ----------
    paths : iterable of str or Path
        One CSV or Parquet file per object, each with the columns ``mjd, band, mag,
        mag_err`` (or others renamed with ``columns=``).
    object_ids : iterable, optional
        Id of each file's object; the file name without its ending by default.
    format, columns, band_map, duplicates
        As in `read_light_curves`.

    Returns
    -------
    LightCurves

    Raises
    ------
    LightCurveError
        If no path is given, the numbers of paths and ids differ, or a file is
        unreadable or invalid (the message names the file).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> for name in ("s1", "s2"):
    ...     _ = (folder / f"{name}.csv").write_text("time,mag,magerr,band\\n1.0,15.0,0.01,g\\n")
    >>> lcs = read_light_curve_files(
    ...     sorted(folder.glob("*.csv")), columns={"time": "mjd", "magerr": "mag_err"}
    ... )
    >>> lcs.object_ids.tolist()
    ['s1', 's2']
    """
    paths = [Path(path) for path in paths]
    if not paths:
        raise LightCurveError("no files given: pass at least one light-curve file")
    ids = [path.name.split(".")[0] for path in paths] if object_ids is None else list(object_ids)
    if len(ids) != len(paths):
        raise LightCurveError(
            f"{len(paths)} files but {len(ids)} object ids: give one id per file"
        )
    frames = []
    for path, object_id in zip(paths, ids, strict=True):
        frame = read_table(path, format)
        if columns:
            frame = frame.rename(columns=dict(columns))
        if "object_id" in frame.columns:
            raise LightCurveError(
                f"{path}: already has an object_id column; use read_light_curves instead"
            )
        frames.append(frame.assign(object_id=object_id))
    return LightCurves.from_table(
        pd.concat(frames, ignore_index=True), band_map=band_map, duplicates=duplicates
    )


def read_periods(
    path: str | Path,
    column: str,
    *,
    format: str | None = None,
    id_column: str | None = None,
) -> pd.Series:
    """Known periods from a column of a light-curve file, one per object.

    Parameters
    ----------
    path : str or Path
        The CSV or Parquet long table `read_light_curves` reads.
    column : str
        Column of periods (days), given on every row of an object or on some; rows
        without a value are ignored.
    format : {"csv", "parquet"}, optional
        Overrides the format guessed from the name.
    id_column : str, optional
        Column of object ids; ``object_id``, else DP1's ``diaObjectId`` or
        ``objectId``, by default.

    Returns
    -------
    pandas.Series
        Period (float) by object id.

    Raises
    ------
    LightCurveError
        If the file cannot be read, the column or an id column is missing, a period is
        not a number, or an object has several periods.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "lc.csv"
    >>> _ = path.write_text(
    ...     "object_id,mjd,band,mag,mag_err,P\\nA,1.0,g,18.2,0.02,0.5\\nA,2.0,g,18.3,0.02,0.5\\n"
    ... )
    >>> read_periods(path, "P").to_dict()
    {'A': 0.5}
    """
    path = Path(path)
    try:
        return table_periods(read_table(path, format), column, id_column=id_column)
    except LightCurveError as error:
        raise LightCurveError(f"{path}: {error}") from None


def table_periods(table: pd.DataFrame, column: str, *, id_column: str | None = None) -> pd.Series:
    """Known periods from a column of a long table, one per object (see `read_periods`).

    Examples
    --------
    >>> table = pd.DataFrame({"object_id": ["A", "A", "B"], "P": [0.5, 0.5, None]})
    >>> table_periods(table, "P").to_dict()
    {'A': 0.5}
    """
    if column not in table.columns:
        raise LightCurveError(f"no period column {column!r}; the table has {list(table.columns)}")
    id_column = table_id_column(table, id_column=id_column)
    values = pd.to_numeric(table[column], errors="coerce")
    bad = values.isna() & table[column].notna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise LightCurveError(
            f"column {column!r} row {row}: {str(table[column].iloc[row])!r} is not a number"
        )
    rows = pd.DataFrame({"id": table[id_column], "period": values}).dropna()
    per_object = rows.groupby("id", sort=False)["period"].agg(["min", "max"])
    several = per_object["min"].to_numpy() != per_object["max"].to_numpy()
    if several.any():
        twice = per_object.index[several][0]
        raise LightCurveError(f"column {column!r} gives several periods for object {twice!r}")
    return per_object["min"].rename("period").rename_axis("object_id").astype(float)


def read_labelled(
    path: str | Path, *, format: str | None = None
) -> tuple[LightCurves, pd.DataFrame]:
    """Labelled light curves from a long table with the labels on every row.

    The format `tvs_classifier.io.writers.write_labelled` (and ``tvs-classifier
    simulate``) writes, and `tvs_classifier.train` (``tvs-classifier train``) takes.

    Parameters
    ----------
    path : str or Path
        CSV or Parquet long table ``object_id, mjd, band, mag, mag_err, class,
        subclass, period``.
    format : {"csv", "parquet"}, optional
        Overrides the format guessed from the name.

    Returns
    -------
    light_curves : LightCurves
    labels : pandas.DataFrame
        One row per object: ``object_id, class, subclass, period``.

    Raises
    ------
    LightCurveError
        If the file cannot be read, has no label columns, or is invalid.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from tvs_classifier import simulate
    >>> from tvs_classifier.io.writers import write_labelled
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "sim.parquet"
    >>> _ = write_labelled(*simulate(2, ["RRab", "RRc"], seed=1, years=1), path)
    >>> light_curves, labels = read_labelled(path)
    >>> len(light_curves), labels["subclass"].tolist()
    (2, ['RRab', 'RRc'])
    """
    path = Path(path)
    table = read_table(path, format)
    missing = [name for name in LABEL_COLUMNS if name not in table.columns]
    if missing:
        raise LightCurveError(
            f"{path}: no label column(s) {missing}; give a table written by "
            "'tvs-classifier simulate' (tvs_classifier.io.writers.write_labelled)"
        )
    labels = table[list(LABEL_COLUMNS)].drop_duplicates("object_id").reset_index(drop=True)
    try:
        light_curves = LightCurves.from_table(table.drop(columns=list(LABEL_COLUMNS[1:])))
    except LightCurveError as error:
        raise LightCurveError(f"{path}: {error}") from None
    return light_curves, labels


def table_id_column(
    table: pd.DataFrame,
    *,
    columns: Mapping[str, str] | None = None,
    id_column: str | None = None,
) -> str:
    """The column of object ids of a long table, as `validate_table` will find it.

    ``id_column`` if given; else the column that ``columns`` renames to ``object_id``;
    else ``object_id``, or DP1's ``diaObjectId`` / ``objectId``.

    Raises
    ------
    LightCurveError
        If there is no such column.

    Examples
    --------
    >>> table_id_column(pd.DataFrame(columns=["diaObjectId", "band"]))
    'diaObjectId'
    """
    if id_column is None and columns:
        id_column = next((name for name, to in columns.items() if to == "object_id"), None)
    if id_column is not None:
        if id_column not in table.columns:
            raise LightCurveError(
                f"no id column {id_column!r}; the table has {list(table.columns)}"
            )
        return id_column
    found = [name for name in ("object_id", *NESTED_ID_COLUMNS) if name in table.columns]
    if not found:
        raise LightCurveError(
            f"no object id column (object_id, {', '.join(NESTED_ID_COLUMNS)}) in "
            f"{list(table.columns)}: name yours with columns={{'your_id': 'object_id'}}"
        )
    return found[0]


def validate_table(
    table: pd.DataFrame | Any,
    *,
    columns: Mapping[str, str] | None = None,
    band_map: Mapping[str, str] | None = None,
    duplicates: str = "mean",
) -> LightCurves:
    """Validate a long table, converting it from nJy first if it has DP1's columns.

    `read_light_curves` without the reading: `LightCurves.from_table` for a table of
    magnitudes, `tvs_classifier.io.rubin.from_dp1` for one with DP1's names (an
    astropy Table with units is accepted for DP1's columns only).

    Examples
    --------
    >>> table = pd.DataFrame(
    ...     {"object_id": [1], "mjd": [1.0], "band": ["g"], "mag": [18.0], "mag_err": [0.1]}
    ... )
    >>> len(validate_table(table))
    1
    """
    if columns is None and is_dp1_table(table):
        return from_dp1(table, band_map=band_map, duplicates=duplicates)
    return LightCurves.from_table(table, columns=columns, band_map=band_map, duplicates=duplicates)


def _with_parquet_units(table: pd.DataFrame, path: Path) -> pd.DataFrame | Any:
    """The table as an astropy Table with the column units astropy stored in the file.

    Files written without astropy carry no units; the table is returned as it is.
    """
    from astropy.table import Table

    try:
        schema = Table.read(path, format="parquet", schema_only=True)
    except Exception:  # not written by astropy, or metadata astropy cannot parse
        return table
    units = {name: schema[name].unit for name in schema.colnames if schema[name].unit}
    return Table.from_pandas(table, units=units) if units else table


def _computed(frame: Any) -> Any:
    """An LSDB catalog computed into its NestedFrame; anything else as it is."""
    return frame.compute() if is_lsdb_catalog(frame) else frame


def nested_id_column(base: list[str], id_column: str | None = None) -> str:
    """The object id column among a nested frame's (or catalog's) base columns.

    ``id_column`` if given and present; else the first of `NESTED_ID_COLUMNS` present.

    Raises
    ------
    LightCurveError
        If the named column is not a base column, or none of `NESTED_ID_COLUMNS` is.

    Examples
    --------
    >>> nested_id_column(["ra", "objectId", "lc_count"])
    'objectId'
    """
    if id_column is None:
        found = [name for name in NESTED_ID_COLUMNS if name in base]
        if not found:
            raise LightCurveError(
                f"no object id column among the base columns {base}: name it with id_column="
            )
        return found[0]
    if id_column not in base:
        raise LightCurveError(
            f"id_column={id_column!r} is not a base column; the frame has {base}"
        )
    return id_column


def is_hats_catalog(path: str | Path) -> bool:
    """Whether ``path`` is the folder of a HATS catalog or collection.

    A HATS catalog folder holds ``hats.properties`` (older ones ``properties``); a
    collection of a catalog with its margins and indexes, ``collection.properties``.

    Examples
    --------
    >>> is_hats_catalog("light_curves.parquet")
    False
    """
    path = Path(path)
    names = ("collection.properties", "hats.properties", "properties")
    return path.is_dir() and any((path / name).is_file() for name in names)


def is_lsdb_catalog(value: Any) -> bool:
    """Whether ``value`` is an lsdb Catalog.

    lsdb is looked up among the loaded modules only: an lsdb Catalog cannot exist
    unless lsdb was imported, so this never imports it.

    Examples
    --------
    >>> is_lsdb_catalog(pd.DataFrame())
    False
    """
    lsdb = sys.modules.get("lsdb")
    return lsdb is not None and isinstance(value, lsdb.Catalog)


def _guess_format(path: Path) -> str:
    """The format whose name ending matches ``path``."""
    name = path.name.lower()
    for kind, endings in FORMATS.items():
        if name.endswith(endings):
            return kind
    raise LightCurveError(
        f"{path}: cannot tell the format from the name; use a name ending in "
        f"{[end for ends in FORMATS.values() for end in ends]} or set format="
    )
