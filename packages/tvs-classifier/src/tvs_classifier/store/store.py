"""A database of classifications that stays up to date: SQLite by default, PostgreSQL shared.

`ClassificationStore` keeps one row per object (its latest classification) and the
history of every classification made (`tvs_classifier.store.schema`). It is opened
from a file path ending in ``.sqlite`` (an embedded SQLite database, made on first
use) or an SQLAlchemy URL (``postgresql+psycopg://user@host/db`` for a server shared
by a team). Every write is one transaction: the results of a batch of objects are
all stored or none are, so a process killed at any moment leaves the store as it was
after its last complete batch.

Examples
--------
>>> import tempfile, pathlib
>>> store = ClassificationStore.open(pathlib.Path(tempfile.mkdtemp()) / "tvs.sqlite")
>>> len(store.latest()), store.url.startswith("sqlite:///")
(0, True)
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from ..io.writers import write_table
from .schema import (
    CLASSIFICATIONS,
    METADATA,
    OBJECTS,
    PARTITIONS,
    RESULT_COLUMNS,
    RUNS,
    SCHEMA_VERSION,
    STORE_INFO,
)

__all__ = ["SQLITE_SUFFIX", "ClassificationStore", "StoreError"]

#: A store given as a file path must end in this (an SQLite database).
SQLITE_SUFFIX = ".sqlite"

#: Object ids per ``IN (...)`` clause (SQLite's limit on bound parameters is 32766).
_ID_CHUNK = 1000


class StoreError(OSError):
    """The store cannot be opened, is of another schema, or cannot take these results."""


class ClassificationStore:
    """The latest classification of every object, and the history of all of them.

    Parameters
    ----------
    url : str
        An SQLAlchemy database URL. Use `ClassificationStore.open` to give a path.

    Raises
    ------
    StoreError
        If the database cannot be reached, or holds a store of another schema version.

    Examples
    --------
    >>> store = ClassificationStore("sqlite://")  # in memory
    >>> store.runs().columns.tolist()[:3]
    ['run_id', 'started_at', 'finished_at']
    """

    def __init__(self, url: str) -> None:
        self.url = url
        try:
            self.engine = sa.create_engine(url)
        except (sa.exc.ArgumentError, ImportError) as error:
            raise StoreError(f"cannot open the store {url!r}: {error}") from None
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_settings)
        try:
            METADATA.create_all(self.engine)
            with self.engine.begin() as connection:
                info = dict(connection.execute(sa.select(STORE_INFO)).all())
                if not info:
                    connection.execute(
                        sa.insert(STORE_INFO),
                        [
                            {"key": "schema_version", "value": SCHEMA_VERSION},
                            {"key": "created_at", "value": _now().isoformat()},
                        ],
                    )
        except sa.exc.SQLAlchemyError as error:
            raise StoreError(
                f"cannot use the store {self.engine.url!r}: {error.__class__.__name__}: "
                f"{str(error).splitlines()[0]}"
            ) from None
        version = info.get("schema_version", SCHEMA_VERSION)
        if version != SCHEMA_VERSION:
            raise StoreError(
                f"the store {self.engine.url!r} has schema version {version}; this "
                f"tvs-classifier reads version {SCHEMA_VERSION}: export it with the "
                "version that made it"
            )

    @classmethod
    def open(cls, location: str | Path) -> ClassificationStore:
        """Open (or make) the store at a ``.sqlite`` path or an SQLAlchemy URL.

        Raises
        ------
        StoreError
            For a path with another ending, or a missing folder.

        Examples
        --------
        >>> ClassificationStore.open("results.csv")
        Traceback (most recent call last):
        ...
        tvs_classifier.store.store.StoreError: store 'results.csv' is neither a path ending in .sqlite nor a database URL (postgresql+psycopg://user@host/db)
        """
        text = str(location)
        if "://" in text:
            return cls(text)
        path = Path(text)
        if path.suffix != SQLITE_SUFFIX:
            raise StoreError(
                f"store {text!r} is neither a path ending in {SQLITE_SUFFIX} nor a database "
                "URL (postgresql+psycopg://user@host/db)"
            )
        if not path.parent.is_dir():
            raise StoreError(f"the folder of the store {text!r} does not exist")
        return cls(f"sqlite:///{path.resolve()}")

    def __repr__(self) -> str:
        return f"ClassificationStore({self.engine.url!r})"

    def close(self) -> None:
        """Close the store's connections."""
        self.engine.dispose()

    # Runs -----------------------------------------------------------------------------

    def start_run(self, input: str, model_version: str) -> int:
        """Record the start of an update run; return its id."""
        with self.engine.begin() as connection:
            result = connection.execute(
                sa.insert(RUNS).values(
                    started_at=_now(), input=str(input), model_version=model_version
                )
            )
            return int(result.inserted_primary_key[0])

    def finish_run(self, run_id: int, *, n_objects: int, n_classified: int, n_unchanged: int):
        """Record the end of a run and its counts."""
        with self.engine.begin() as connection:
            connection.execute(
                sa.update(RUNS)
                .where(RUNS.c.run_id == run_id)
                .values(
                    finished_at=_now(),
                    n_objects=n_objects,
                    n_classified=n_classified,
                    n_unchanged=n_unchanged,
                )
            )

    def runs(self) -> pd.DataFrame:
        """Every run, oldest first (a run without ``finished_at`` was interrupted)."""
        with self.engine.connect() as connection:
            frame = pd.read_sql(sa.select(RUNS).order_by(RUNS.c.run_id), connection)
        for name in ("started_at", "finished_at"):
            frame[name] = _utc(frame[name])
        return frame

    # Results --------------------------------------------------------------------------

    def stored_state(self, object_ids: Sequence | None = None) -> pd.DataFrame:
        """Object id (as text), digest and model version of the stored objects.

        Parameters
        ----------
        object_ids : sequence, optional
            Only these objects (those stored); every object if omitted.
        """
        columns = [OBJECTS.c.object_id, OBJECTS.c.digest, OBJECTS.c.model_version]
        with self.engine.connect() as connection:
            if object_ids is None:
                rows = connection.execute(sa.select(*columns)).all()
            else:
                keys = [str(key) for key in object_ids]
                rows = [
                    row
                    for chunk in _chunks(keys, _ID_CHUNK)
                    for row in connection.execute(
                        sa.select(*columns).where(OBJECTS.c.object_id.in_(chunk))
                    ).all()
                ]
        return pd.DataFrame(
            [tuple(row) for row in rows], columns=["object_id", "digest", "model_version"]
        )

    def partition_state(self, input: str) -> pd.DataFrame:
        """The recorded partitions of a catalog folder: fingerprint, model, objects.

        Indexed by the partition's name (its path in the catalog's folder).
        """
        query = sa.select(
            PARTITIONS.c.partition,
            PARTITIONS.c.fingerprint,
            PARTITIONS.c.model_version,
            PARTITIONS.c.n_objects,
        ).where(PARTITIONS.c.input == str(input))
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        frame = pd.DataFrame(
            [tuple(row) for row in rows],
            columns=["partition", "fingerprint", "model_version", "n_objects"],
        )
        return frame.set_index("partition")

    def record_partitions(
        self,
        run_id: int,
        input: str,
        partitions: Mapping[str, tuple[str, int]],
        *,
        model_version: str,
    ) -> None:
        """Record, in one transaction, that every object of these partition files is stored.

        Call it after their objects' writes. ``partitions`` maps each partition's name
        to its fingerprint and number of objects.
        """
        if not partitions:
            return
        names = list(partitions)
        rows = [
            {
                "input": str(input),
                "partition": name,
                "fingerprint": fingerprint,
                "model_version": model_version,
                "n_objects": int(n_objects),
                "run_id": run_id,
            }
            for name, (fingerprint, n_objects) in partitions.items()
        ]
        with self.engine.begin() as connection:
            for chunk in _chunks(names, _ID_CHUNK):
                connection.execute(
                    sa.delete(PARTITIONS).where(
                        (PARTITIONS.c.input == str(input)) & PARTITIONS.c.partition.in_(chunk)
                    )
                )
            connection.execute(sa.insert(PARTITIONS), rows)

    def write(self, run_id: int, results: pd.DataFrame) -> int:
        """Store the results of one batch in one transaction; return the rows written.

        Parameters
        ----------
        run_id : int
            The run (`start_run`).
        results : pandas.DataFrame
            `tvs_classifier.classify`'s output with three more columns: ``n_epochs``
            (JSON text of epochs per band), ``last_epoch`` (MJD) and ``digest``.

        Raises
        ------
        StoreError
            If the ids are of another type (integer or text) than those stored, or
            an id repeats.
        """
        if results.empty:
            return 0
        ids = results["object_id"]
        if ids.duplicated().any():
            raise StoreError(f"object ids repeat in one batch: {ids[ids.duplicated()].iloc[0]!r}")
        kind = "int" if pd.api.types.is_integer_dtype(ids.dtype) else "str"
        rows = _rows(results, run_id, _now())
        keys = [row["object_id"] for row in rows]
        with self.engine.begin() as connection:
            stored = connection.execute(
                sa.select(STORE_INFO.c.value).where(STORE_INFO.c.key == "object_id_type")
            ).scalar()
            if stored is None:
                connection.execute(sa.insert(STORE_INFO).values(key="object_id_type", value=kind))
            elif stored != kind:
                raise StoreError(
                    f"this store holds objects with {_KIND_NAMES[stored]} ids; these are "
                    f"{_KIND_NAMES[kind]}: use another store or convert the ids"
                )
            for chunk in _chunks(keys, _ID_CHUNK):
                connection.execute(sa.delete(OBJECTS).where(OBJECTS.c.object_id.in_(chunk)))
            connection.execute(sa.insert(OBJECTS), rows)
            connection.execute(sa.insert(CLASSIFICATIONS), rows)
        return len(rows)

    def latest(self) -> pd.DataFrame:
        """The latest classification of every object, one row each, by object id.

        The probabilities are columns again (``prob_<name>``), and the epochs per band
        are ``n_epochs_<band>``; ids have their original type.
        """
        return self._read(OBJECTS)

    def history(self, object_id: object = None) -> pd.DataFrame:
        """Every classification made (of one object, if given), oldest run first."""
        return self._read(CLASSIFICATIONS, object_id)

    def export(self, path: str | Path, *, history: bool = False) -> Path:
        """Write `latest` (or, with ``history=True``, `history`) as CSV, Parquet, ECSV or VOTable.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> store = ClassificationStore("sqlite://")
        >>> store.export(pathlib.Path(tempfile.mkdtemp()) / "latest.ecsv").suffix
        '.ecsv'
        """
        frame = self.history() if history else self.latest()
        frame.attrs["store"] = str(self.engine.url.render_as_string(hide_password=True))
        return write_table(frame, path)

    def _read(self, table: sa.Table, object_id: object = None) -> pd.DataFrame:
        """A results table as a DataFrame with probabilities and epochs as columns."""
        query = sa.select(table)
        if object_id is not None:
            query = query.where(table.c.object_id == str(object_id))
        order = [table.c.run_id, table.c.object_id] if table is CLASSIFICATIONS else []
        with self.engine.connect() as connection:
            frame = pd.read_sql(query.order_by(*order, table.c.object_id), connection)
            kind = connection.execute(
                sa.select(STORE_INFO.c.value).where(STORE_INFO.c.key == "object_id_type")
            ).scalar()
        if kind == "int":
            frame["object_id"] = frame["object_id"].astype(np.int64)
        numbers = [c.name for c in table.columns if isinstance(c.type, sa.Float)]
        frame[numbers] = frame[numbers].astype(np.float64)  # a column of NULLs too
        probabilities = _json_columns(frame.pop("probabilities"), float)
        epochs = _json_columns(frame.pop("n_epochs"), int).add_prefix("n_epochs_")
        frame["classified_at"] = _utc(frame["classified_at"])
        head = ["object_id", "class", "class_prob", "subclass", "subclass_prob"]
        rest = [name for name in frame.columns if name not in head]
        return pd.concat([frame[head], probabilities, frame[rest], epochs], axis=1)


_KIND_NAMES = {"int": "integer", "str": "text"}


def _sqlite_settings(connection: Any, _record: Any) -> None:
    """SQLite: write-ahead log (readers never block the writer), foreign keys, patience."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=60000")
    cursor.close()


def _now() -> dt.datetime:
    """The time now, in UTC."""
    return dt.datetime.now(dt.timezone.utc)


def _utc(column: pd.Series) -> pd.Series:
    """Times as UTC (SQLite returns them without a zone; they were written in UTC)."""
    return pd.to_datetime(column, utc=True, format="ISO8601")


def _chunks(values: Sequence, size: int) -> Iterator[Sequence]:
    """Consecutive slices of at most ``size`` values."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _rows(results: pd.DataFrame, run_id: int, when: dt.datetime) -> list[dict[str, Any]]:
    """Database rows of a batch of results: probabilities as JSON, missing values as NULL."""
    probability_names = [name for name in results.columns if name.startswith("prob_")]
    probabilities = results[probability_names].to_numpy(np.float64)
    texts = [
        json.dumps(
            {k: (None if np.isnan(v) else v) for k, v in zip(probability_names, row, strict=True)}
        )
        for row in probabilities.tolist()
    ]
    frame = results.assign(
        object_id=results["object_id"].astype(str),
        probabilities=texts,
        run_id=run_id,
        classified_at=when,
    )
    frame = frame[["object_id", *RESULT_COLUMNS]].astype(object)
    return frame.where(frame.notna(), None).to_dict("records")


def _json_columns(texts: pd.Series, kind: type) -> pd.DataFrame:
    """Columns of a column of JSON objects (names in order of first appearance)."""
    records = [json.loads(text) for text in texts]
    frame = pd.DataFrame.from_records(records, index=texts.index)
    if kind is int:
        frame = frame.fillna(0).astype(np.int64)
    return frame.astype(np.float64) if kind is float else frame
