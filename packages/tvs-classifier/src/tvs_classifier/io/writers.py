"""Writing tables: results (CSV, Parquet, ECSV, VOTable) and labelled light curves, whole or not at all.

`write_table` writes any table (e.g. `tvs_classifier.classify`'s output) as CSV,
Parquet, ECSV or VOTable by the file's suffix; `write_labelled` writes labelled light curves (as
`tvs_classifier.simulate` makes them) as one long Parquet table with the labels on
every row, which `tvs_classifier.io.readers.read_labelled` reads back for training.
`check_output` refuses a bad output path before any work is done.

Examples
--------
>>> import tempfile, pathlib
>>> import pandas as pd
>>> path = pathlib.Path(tempfile.mkdtemp()) / "out.csv"
>>> write_table(pd.DataFrame({"object_id": [1], "class": ["RRL"]}), path).name
'out.csv'
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from .._output import write_atomic
from ..lightcurves import LightCurves

__all__ = [
    "LABEL_COLUMNS",
    "TABLE_SUFFIXES",
    "check_hats_output",
    "check_output",
    "write_hats",
    "write_labelled",
    "write_table",
]

#: Suffixes `write_table` knows.
TABLE_SUFFIXES: tuple[str, ...] = (".csv", ".parquet", ".ecsv", ".vot")

#: astropy's writer of each suffix that astropy writes.
_ASTROPY_FORMATS = {".ecsv": "ascii.ecsv", ".vot": "votable"}

#: Label columns of a labelled light-curve table (one value per object).
LABEL_COLUMNS: tuple[str, ...] = ("object_id", "class", "subclass", "period")

#: Parquet metadata key of a labelled table's provenance.
METADATA_KEY = b"tvs_classifier"


def check_output(path: str | Path, suffixes: Sequence[str] = TABLE_SUFFIXES) -> Path:
    """``path`` as a Path, if its suffix is one of ``suffixes`` and its folder exists.

    Raises
    ------
    ValueError
        Naming the suffixes allowed, or the missing folder.

    Examples
    --------
    >>> check_output("results.txt")
    Traceback (most recent call last):
    ...
    ValueError: output must end in .csv, .parquet, .ecsv or .vot, not 'results.txt'
    """
    path = Path(path)
    if path.suffix not in suffixes:
        names = (
            ", ".join(suffixes[:-1]) + " or " + suffixes[-1] if len(suffixes) > 1 else suffixes[0]
        )
        raise ValueError(f"output must end in {names}, not {str(path)!r}")
    if not path.parent.is_dir():
        raise ValueError(f"output folder {str(path.parent)!r} does not exist")
    return path


def write_table(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` as CSV, Parquet, ECSV or VOTable (by the suffix), whole or not at all.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table; its index is not written. For ECSV and VOTable, missing values
        are masked, times are written as ISO 8601 text in UTC, and ``frame.attrs``
        becomes the table's metadata.
    path : str or Path
        ``.csv``, ``.parquet``, ``.ecsv`` or ``.vot`` file in an existing folder; an
        existing file is replaced only once the new one is complete.

    Returns
    -------
    Path

    Raises
    ------
    ValueError
        For another suffix or a missing folder (`check_output`).
    """
    path = check_output(path)
    if path.suffix == ".csv":
        return write_atomic(path, lambda temporary: frame.to_csv(temporary, index=False))
    if path.suffix == ".parquet":
        return write_atomic(path, lambda temporary: frame.to_parquet(temporary, index=False))
    table = _astropy_table(frame)
    kind = _ASTROPY_FORMATS[path.suffix]
    return write_atomic(
        path, lambda temporary: table.write(temporary, format=kind, overwrite=True)
    )


def _astropy_table(frame: pd.DataFrame) -> Any:
    """``frame`` as an astropy Table: text columns masked where missing, times as ISO text."""
    from astropy.table import Table

    columns = {}
    for name in frame.columns:
        column = frame[name]
        if isinstance(column.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(
            column.dtype
        ):
            column = pd.to_datetime(column, utc=True).dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        if pd.api.types.is_string_dtype(column.dtype) or column.dtype == object:
            # Text, masked where missing; a column with no value at all is numeric NaN.
            column = column.astype(object) if column.notna().any() else column.astype(float)
        columns[str(name)] = column
    table = Table.from_pandas(pd.DataFrame(columns, index=frame.index))
    table.meta.update({str(k): v for k, v in frame.attrs.items() if _is_plain(v)})
    return table


def _is_plain(value: Any) -> bool:
    """Whether a metadata value is plain data (numbers, text, lists, dicts of them)."""
    if isinstance(value, str | int | float | bool) or value is None:
        return True
    if isinstance(value, list | tuple):
        return all(_is_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_plain(v) for k, v in value.items())
    return False


def check_hats_output(path: str | Path) -> Path:
    """``path`` as a Path, if it can become a new HATS catalog folder.

    Raises
    ------
    ValueError
        If ``path`` exists (nothing is overwritten) or its parent folder does not.

    Examples
    --------
    >>> check_hats_output(".")
    Traceback (most recent call last):
    ...
    ValueError: output '.' exists: give a new folder for the HATS catalog
    """
    path = Path(path)
    if path.exists():
        raise ValueError(f"output {str(path)!r} exists: give a new folder for the HATS catalog")
    if not path.parent.is_dir():
        raise ValueError(f"output folder {str(path.parent)!r} does not exist")
    return path


def write_hats(catalog: Any, path: str | Path) -> Path:
    """Write an LSDB catalog as a HATS catalog folder, whole or not at all.

    The catalog is computed (partition by partition, by the running Dask scheduler)
    and written into a temporary folder beside ``path``, which is renamed to ``path``
    once complete: a failure leaves nothing at ``path``.

    Parameters
    ----------
    catalog : lsdb.Catalog
        E.g. the lazy result of `tvs_classifier.classify_catalog`.
    path : str or Path
        A folder that does not exist yet, in an existing folder; its name is the
        catalog's name.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ValueError
        If ``path`` exists or its parent folder does not (`check_hats_output`).

    Examples
    --------
    >>> import lsdb, pandas as pd, tempfile, pathlib
    >>> frame = pd.DataFrame({"object_id": [1, 2], "ra": [10.0, 20.0], "dec": [0.0, 5.0]})
    >>> catalog = lsdb.from_dataframe(frame, ra_column="ra", dec_column="dec")
    >>> out = write_hats(catalog, pathlib.Path(tempfile.mkdtemp()) / "two")  # doctest: +SKIP
    >>> len(lsdb.open_catalog(out).compute())  # doctest: +SKIP
    2
    """
    path = check_hats_output(path)
    temporary = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        catalog.write_catalog(temporary, catalog_name=path.name, overwrite=True)
        temporary.rename(path)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
    return path


def write_labelled(
    light_curves: LightCurves,
    labels: pd.DataFrame,
    path: str | Path,
    *,
    metadata: dict | None = None,
) -> Path:
    """Write labelled light curves as one long Parquet table, whole or not at all.

    Parameters
    ----------
    light_curves : LightCurves
        The light curves.
    labels : pandas.DataFrame
        One row per object with at least `LABEL_COLUMNS` (as `tvs_classifier.simulate`
        returns); those columns are repeated on every row of the object.
    path : str or Path
        ``.parquet`` file in an existing folder.
    metadata : dict, optional
        Provenance (e.g. version, seed, survey length), stored as JSON under the
        Parquet metadata key ``tvs_classifier``.

    Returns
    -------
    Path

    Raises
    ------
    ValueError
        For another suffix, a missing folder, or labels without `LABEL_COLUMNS`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from tvs_classifier import simulate
    >>> lcs, labels = simulate(2, ["RRab"], seed=1, years=1)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "sim.parquet"
    >>> write_labelled(lcs, labels, path, metadata={"seed": 1}).name
    'sim.parquet'
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = check_output(path, (".parquet",))
    missing = [name for name in LABEL_COLUMNS if name not in labels.columns]
    if missing:
        raise ValueError(f"labels lack the column(s) {missing}: give {list(LABEL_COLUMNS)}")
    table = light_curves.table.merge(labels[list(LABEL_COLUMNS)], on="object_id", how="left")
    arrow = pa.Table.from_pandas(table, preserve_index=False)
    if metadata is not None:
        arrow = arrow.replace_schema_metadata(
            (arrow.schema.metadata or {}) | {METADATA_KEY: json.dumps(metadata).encode()}
        )
    return write_atomic(path, lambda temporary: pq.write_table(arrow, temporary))
