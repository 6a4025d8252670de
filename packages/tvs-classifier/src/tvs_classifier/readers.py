"""Read light-curve files: CSV and Parquet long tables, in the package's or DP1's names.

`read_light_curves` is the one entry point. It reads a table with the columns
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

from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from .lightcurves import LightCurveError, LightCurves
from .rubin import from_dp1, is_dp1_table

__all__ = ["FORMATS", "read_light_curve_files", "read_light_curves", "read_table"]

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
        CSV or Parquet long table, one row per measurement.
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
    table = read_table(path, format)
    try:
        if columns is None and is_dp1_table(table):
            return from_dp1(table, band_map=band_map, duplicates=duplicates)
        return LightCurves.from_table(
            table, columns=columns, band_map=band_map, duplicates=duplicates
        )
    except LightCurveError as error:
        raise LightCurveError(f"{path}: {error}") from None


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
