"""A HATS catalog as partitions for `tvs_classifier.store.updates.update`, on Dask workers.

A HATS catalog is a folder of Parquet files, one per HEALPix pixel of the sky. An
update of a catalog works partition by partition: a partition whose file has the same
size and modification time as when the store last took all its objects (with the
current model) is not read at all; the others are read, their objects digested
(`tvs_classifier.store.digest`) and compared with the store, and only the new and
changed objects classified. New data of a night touch the partitions of the fields
observed, so an update after it reads those and skips the rest.

`partition_digests` and `classify_partition` are what a Dask worker runs: they read
the partition file themselves (only the id, period and light-curve columns) and return
small results; the store is written by the process that started the update, alone.
The last partition read is kept in memory, so a partition digested and then classified
in the same process is read once. Without Dask, `partition_rows` gives the rows of a
partition's changed objects, so that those of many partitions are classified in one
batch.

Examples
--------
>>> spec = CatalogSpec(id_column="object_id", nested_column="lc", period_column="period")
>>> spec.read_columns
['object_id', 'period', 'lc']
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..classifier.catalog import load_partition_classifier
from ..classifier.trained import TrainedClassifier
from ..io.readers import nested_flat_table, nested_id_column
from ..lightcurves import LightCurveError
from .digest import light_curve_digests
from .results import store_results

__all__ = [
    "EMPTY_DIGEST",
    "CatalogSpec",
    "Partition",
    "catalog_partitions",
    "classify_partition",
    "partition_digests",
    "partition_rows",
]

#: The digest of an object whose light curve is empty (it has no rows to digest).
EMPTY_DIGEST = "0" * 32


@dataclass(frozen=True)
class Partition:
    """One Parquet file of a HATS catalog.

    Attributes
    ----------
    name : str
        Its path relative to the catalog's folder (``dataset/Norder=1/Dir=0/Npix=8.parquet``).
    path : str
        Its absolute path.
    fingerprint : str
        Its size and modification time (ns), ``"<bytes>:<mtime_ns>"``: a file rewritten
        with new data has another.
    """

    name: str
    path: str
    fingerprint: str

    @classmethod
    def of(cls, path: str | Path, folder: str | Path) -> Partition:
        """The partition of a file of the catalog in ``folder``.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "p.parquet").write_bytes(b"1234")
        >>> Partition.of(folder / "p.parquet", folder).fingerprint.startswith("4:")
        True
        """
        status = os.stat(path)
        return cls(
            name=Path(path).relative_to(folder).as_posix(),
            path=str(path),
            fingerprint=f"{status.st_size}:{status.st_mtime_ns}",
        )


@dataclass(frozen=True)
class CatalogSpec:
    """Which columns of a catalog's partitions hold what, and how to read them.

    Attributes
    ----------
    id_column : str
        The base column of object ids.
    nested_column : str
        The nested light-curve column.
    period_column : str, optional
        A base column of known periods (days).
    columns : tuple of (str, str) pairs
        Renames of the nested columns, as in `tvs_classifier.io.readers.from_nested`.
    band_map : tuple of (str, str) pairs
        Band renames, as in `tvs_classifier.classify`.
    """

    id_column: str
    nested_column: str
    period_column: str | None = None
    columns: tuple[tuple[str, str], ...] = ()
    band_map: tuple[tuple[str, str], ...] = ()

    @property
    def read_columns(self) -> list[str]:
        """The columns read from each partition file."""
        period = [self.period_column] if self.period_column else []
        return [self.id_column, *period, self.nested_column]


def catalog_partitions(
    path: str | Path,
    *,
    nested_column: str | None = None,
    id_column: str | None = None,
    period_column: str | None = None,
    columns: Mapping[str, str] | None = None,
    band_map: Mapping[str, str] | None = None,
) -> tuple[str, CatalogSpec, list[Partition]]:
    """The folder, column spec and partitions of the HATS catalog (or collection) at ``path``.

    Parameters
    ----------
    path : str or Path
        A HATS catalog folder, or a collection's (its main catalog is taken).
    nested_column, id_column, period_column, columns, band_map
        As in `tvs_classifier.classify_catalog`; the nested and id columns are found
        if there is one choice.

    Returns
    -------
    folder : str
        The catalog's own folder (the key of its partitions in the store).
    spec : CatalogSpec
    partitions : list of Partition

    Raises
    ------
    LightCurveError
        If the catalog cannot be opened or lacks a named column.

    Examples
    --------
    >>> catalog_partitions("no/such/catalog")
    Traceback (most recent call last):
    ...
    tvs_classifier.lightcurves.LightCurveError: no/such/catalog: cannot be opened as a HATS catalog (FileNotFoundError)
    """
    import lsdb
    from hats.io.paths import pixel_catalog_file

    try:
        catalog = lsdb.open_catalog(path)
    except Exception as error:  # hats and upath raise many kinds for a bad folder
        raise LightCurveError(
            f"{path}: cannot be opened as a HATS catalog ({type(error).__name__})"
        ) from None
    nested = list(catalog.nested_columns)
    if nested_column is None:
        if len(nested) != 1:
            raise LightCurveError(
                f"{path}: choose the light-curve column with nested_column= among {nested}"
            )
        nested_column = nested[0]
    elif nested_column not in nested:
        raise LightCurveError(
            f"nested_column={nested_column!r} is not a nested column of {path}; it has {nested}"
        )
    base = [str(name) for name in catalog.columns if name not in set(nested)]
    id_column = nested_id_column(base, id_column)
    if period_column is not None and period_column not in base:
        raise LightCurveError(f"{path} has no column {period_column!r}; it has {base}")
    structure = catalog.hc_structure
    folder = str(structure.catalog_base_dir)
    partitions = [
        Partition.of(str(pixel_catalog_file(folder, pixel)), folder)
        for pixel in structure.get_healpix_pixels()
    ]
    spec = CatalogSpec(
        id_column=id_column,
        nested_column=nested_column,
        period_column=period_column,
        columns=tuple(sorted((columns or {}).items())),
        band_map=tuple(sorted((band_map or {}).items())),
    )
    return str(Path(folder).resolve()), spec, partitions


def partition_digests(partition: Partition, spec: CatalogSpec) -> pd.Series:
    """Digests of every object of a partition, by object id (`EMPTY_DIGEST`: no light curve).

    Examples
    --------
    >>> partition_digests(Partition("p", "/no/such.parquet", "0:0"), CatalogSpec("id", "lc"))
    Traceback (most recent call last):
    ...
    tvs_classifier.lightcurves.LightCurveError: /no/such.parquet: cannot be read (FileNotFoundError); the catalog changed while it was updated, or is corrupt
    """
    table, periods, ids = _read_partition(partition, spec)
    digests = light_curve_digests(table, _flat_id(table), periods)
    return digests.reindex(ids).fillna(EMPTY_DIGEST).rename_axis("object_id")


def classify_partition(
    partition: Partition,
    spec: CatalogSpec,
    ids: pd.Index,
    *,
    classifier: TrainedClassifier | str,
    options: Mapping | None = None,
) -> pd.DataFrame:
    """`tvs_classifier.store.results.store_results` of some objects of a partition.

    ``classifier`` is a model or its folder (loaded once per process: a Dask worker).

    Examples
    --------
    >>> spec = CatalogSpec("id", "lc")
    >>> classify_partition(
    ...     Partition("p", "/no/such.parquet", "0:0"), spec, pd.Index([]), classifier="unused"
    ... ).empty
    True
    """
    if len(ids) == 0:
        return pd.DataFrame({"object_id": ids})
    if not isinstance(classifier, TrainedClassifier):
        classifier = load_partition_classifier(str(classifier))
    rows, periods = partition_rows(partition, spec, ids)
    return store_results(
        rows,
        ids,
        periods,
        classifier=classifier,
        columns=dict(spec.columns) or None,
        band_map=dict(spec.band_map) or None,
        options=options,
    )


def partition_rows(
    partition: Partition, spec: CatalogSpec, ids: pd.Index
) -> tuple[pd.DataFrame, pd.Series | None]:
    """The long-table rows and the periods of some objects of a partition.

    Examples
    --------
    >>> rows, periods = partition_rows(
    ...     Partition("p", "/no/such.parquet", "0:0"), CatalogSpec("id", "lc"), pd.Index([])
    ... )
    >>> rows.empty, periods
    (True, None)
    """
    if len(ids) == 0:
        return pd.DataFrame(), None
    table, periods, _ = _read_partition(partition, spec)
    rows = table[table[_flat_id(table)].isin(ids)]
    return rows, None if periods is None else periods.reindex(ids)


def _flat_id(table: pd.DataFrame) -> str:
    """The id column of a flat table of `nested_flat_table`."""
    return "diaObjectId" if "diaObjectId" in table.columns else "object_id"


@functools.lru_cache(maxsize=1)
def _read_partition(
    partition: Partition, spec: CatalogSpec
) -> tuple[pd.DataFrame, pd.Series | None, pd.Index]:
    """The flat table, the periods by id and every object id of a partition file."""
    import nested_pandas as npd

    try:
        frame = npd.read_parquet(partition.path, columns=spec.read_columns)
    except Exception as error:  # pyarrow raises many kinds for a bad file
        raise LightCurveError(
            f"{partition.path}: cannot be read ({type(error).__name__}); the catalog changed "
            "while it was updated, or is corrupt"
        ) from None
    table = nested_flat_table(
        frame,
        nested_column=spec.nested_column,
        id_column=spec.id_column,
        columns=dict(spec.columns) or None,
    )
    ids = pd.Index(frame[spec.id_column].to_numpy())
    if ids.has_duplicates:
        raise LightCurveError(f"{partition.path}: object {ids[ids.duplicated()][0]!r} repeats")
    periods = None
    if spec.period_column is not None:
        values = pd.to_numeric(frame[spec.period_column], errors="coerce")
        periods = pd.Series(values.to_numpy(np.float64, na_value=np.nan), index=ids)
    return table, periods, ids
