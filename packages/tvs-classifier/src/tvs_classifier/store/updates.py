"""Keep a store's classifications up to date as data arrive: classify only what changed.

`update` reads a light-curve table (CSV, Parquet, a DP1 table) or a HATS catalog,
gives every object a digest of its rows and period (`tvs_classifier.store.digest`),
and compares them with the store (`tvs_classifier.store.store.ClassificationStore`).
It classifies only the objects that are new, whose light curve or period changed, or
whose stored result is of another model version, in batches, each stored in one
transaction; the others are counted as unchanged. So a second run on the same data
classifies nothing, and a run killed at any moment is finished by the next: the
batches it stored are unchanged then.

A HATS catalog is updated partition by partition (`tvs_classifier.store.partitions`):
a partition file unchanged since the store took all its objects with the current
model is not even read, and the partitions that are read can be digested and
classified on Dask workers (``workers=`` or ``scheduler=``) while this process alone
writes the store.

Examples
--------
>>> import tempfile, pathlib
>>> from tvs_classifier import simulate
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> lcs, labels = simulate(3, ["RRab"], seed=2, years=2)
>>> lcs.table.merge(labels[["object_id", "period"]]).to_parquet(folder / "lc.parquet")
>>> first = update(
...     folder / "lc.parquet", folder / "tvs.sqlite", period_column="period", progress=False
... )
>>> second = update(
...     folder / "lc.parquet", folder / "tvs.sqlite", period_column="period", progress=False
... )
>>> first.n_classified, second.n_classified, second.n_unchanged
(3, 0, 3)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from ..classifier.catalog import dask_client
from ..classifier.priors import DEFAULT_PRIORS, fixed_priors_name
from ..classifier.trained import DEFAULT_MODEL_DIR, TrainedClassifier, load_classifier
from ..io.readers import (
    is_hats_catalog,
    read_table,
    table_id_column,
    table_periods,
)
from .digest import light_curve_digests
from .partitions import (
    CatalogSpec,
    Partition,
    catalog_partitions,
    classify_partition,
    partition_digests,
    partition_rows,
)
from .results import store_results
from .store import ClassificationStore

__all__ = ["UpdateReport", "update"]


@dataclass(frozen=True)
class UpdateReport:
    """What an `update` run did.

    Attributes
    ----------
    run_id : int
        The run's id in the store.
    model_version : str
        The model that classified.
    n_objects : int
        Objects in the input.
    n_new, n_changed, n_new_model : int
        Of those classified: objects not in the store, whose light curve or period
        changed, and whose stored result was of another model.
    n_unchanged : int
        Objects left as stored.
    n_partitions, n_partitions_read : int, optional
        For a HATS catalog: its partitions, and those read (the others were
        unchanged since the store took all their objects).
    """

    run_id: int
    model_version: str
    n_objects: int
    n_new: int
    n_changed: int
    n_new_model: int
    n_unchanged: int
    n_partitions: int | None = None
    n_partitions_read: int | None = None

    @property
    def n_classified(self) -> int:
        """Objects classified by this run."""
        return self.n_new + self.n_changed + self.n_new_model

    def summary(self) -> str:
        """One line for people.

        Examples
        --------
        >>> UpdateReport(3, "tvs-cnn-x", 10, 2, 1, 0, 7).summary()
        'run 3: classified 3 of 10 objects (2 new, 1 changed, 0 for a new model), 7 unchanged; model tvs-cnn-x'
        >>> UpdateReport(4, "tvs-cnn-x", 10, 0, 0, 0, 10, 5, 1).summary().split("; ")[-1]
        'read 1 of 5 partitions'
        """
        text = (
            f"run {self.run_id}: classified {self.n_classified} of {self.n_objects} objects "
            f"({self.n_new} new, {self.n_changed} changed, {self.n_new_model} for a new model), "
            f"{self.n_unchanged} unchanged; model {self.model_version}"
        )
        if self.n_partitions is not None:
            text += f"; read {self.n_partitions_read} of {self.n_partitions} partitions"
        return text


def update(
    input: str | Path | pd.DataFrame,
    store: str | Path | ClassificationStore,
    *,
    period_column: str | None = None,
    periods: str | Path | pd.Series | Mapping | None = None,
    columns: Mapping[str, str] | None = None,
    classifier: TrainedClassifier | str | Path | None = None,
    band_map: Mapping[str, str] | None = None,
    bands: Sequence[str] | None = None,
    priors: Mapping[str, float] | str | None = DEFAULT_PRIORS,
    ignore_colors: Sequence[str] | bool = (),
    batch_size: int = 2000,
    nested_column: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    recheck: bool = False,
    progress: bool = True,
) -> UpdateReport:
    """Classify the new and changed objects of a light-curve table or catalog into a store.

    Parameters
    ----------
    input : str, Path or pandas.DataFrame
        A long table of light curves (CSV or Parquet file, or a DataFrame: the
        columns of `tvs_classifier.io.readers.read_light_curves`, or DP1's), or the
        folder of a HATS catalog with nested light curves (one row per object, as for
        `tvs_classifier.classify_catalog`).
    store : str, Path or ClassificationStore
        A ``.sqlite`` path (made if missing) or a database URL
        (`ClassificationStore.open`).
    period_column : str, optional
        A column of known periods (days): of ``input`` (a base column of a catalog),
        or of the table ``periods``. Objects without one get a searched period.
    periods : str, Path, pandas.Series or mapping, optional
        Another table with ``period_column`` (joined by object id), or periods by
        object id. Tables only: a catalog's periods are one of its columns.
    columns : mapping of str to str, optional
        Renames of the input's (a catalog's nested) columns, as in
        `read_light_curves`.
    classifier : TrainedClassifier, str or Path, optional
        The model, or its folder; the installed default model if omitted. Dask
        workers load it from its folder, so with ``workers`` or ``scheduler`` give a
        folder (or nothing).
    band_map, bands, priors, ignore_colors
        As in `tvs_classifier.classify` (``priors="adapt"`` is refused: each batch
        would get its own class mix).
    batch_size : int
        Objects stored per transaction (and, for a table, classified per batch).
    nested_column : str, optional
        A catalog's nested light-curve column, if it has several.
    workers : int, optional
        A catalog's partitions are digested and classified on a local Dask cluster
        of this many processes (`tvs_classifier.classifier.catalog.dask_client`).
    scheduler : str, optional
        The address of a running Dask scheduler to use instead.
    recheck : bool
        Read every partition of a catalog, even those whose file is unchanged.
    progress : bool
        Show a progress bar.

    Returns
    -------
    UpdateReport

    Raises
    ------
    LightCurveError
        For an unreadable or invalid input.
    ValueError
        For ``priors="adapt"``, ``periods`` without ``period_column`` (or with a
        catalog), ``workers`` or ``scheduler`` with a table, a loaded model with
        Dask, or a ``batch_size`` below 1.
    tvs_classifier.store.store.StoreError
        If the store cannot be opened or its ids are of another type.

    Examples
    --------
    >>> update("x.parquet", "tvs.sqlite", batch_size=0)
    Traceback (most recent call last):
    ...
    ValueError: batch_size must be at least 1, got 0
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    if isinstance(periods, str | Path) and period_column is None:
        raise ValueError("periods= names a table: give period_column=, its column of periods")
    catalog = not isinstance(input, pd.DataFrame) and is_hats_catalog(input)
    if not catalog and (workers is not None or scheduler is not None or nested_column or recheck):
        raise ValueError(
            "workers=, scheduler=, nested_column= and recheck= are for a HATS catalog input "
            "(a folder)"
        )
    if catalog and periods is not None:
        raise ValueError(
            "periods= is for a table input: a HATS catalog's periods are one of its "
            "columns (period_column=)"
        )
    dask = workers is not None or scheduler is not None
    if dask and isinstance(classifier, TrainedClassifier):
        raise ValueError(
            "Dask workers load the model from its folder: give classifier= as a folder "
            "(or nothing, for the installed model), not a loaded model"
        )
    model = classifier if classifier is not None else DEFAULT_MODEL_DIR
    if not isinstance(model, TrainedClassifier):
        classifier = load_classifier(model)
    fixed_priors_name(classifier, priors)  # refuse priors="adapt" before any work
    if not isinstance(store, ClassificationStore):
        store = ClassificationStore.open(store)
    options = {"bands": bands, "priors": priors, "ignore_colors": ignore_colors}
    if catalog:
        spec_options = {
            "nested_column": nested_column,
            "period_column": period_column,
            "columns": columns,
            "band_map": band_map,
        }
        folder, spec, partitions = catalog_partitions(input, **spec_options)
        with dask_client(workers, scheduler) as client:
            return _update_catalog(
                folder,
                spec,
                partitions,
                store,
                classifier,
                model=str(model) if dask else classifier,
                client=client,
                options=options,
                batch_size=batch_size,
                recheck=recheck,
                progress=progress,
            )
    return _update_table(
        input,
        store,
        classifier,
        period_column=period_column,
        periods=periods,
        columns=columns,
        band_map=band_map,
        options=options,
        batch_size=batch_size,
        progress=progress,
    )


class _Counts:
    """Objects seen so far by kind: new, changed, new model, unchanged."""

    def __init__(self, model_version: str) -> None:
        self.model_version = model_version
        self.new = self.changed = self.new_model = self.unchanged = 0

    def to_classify(self, digests: pd.Series, stored: pd.DataFrame) -> np.ndarray:
        """Which of the objects of ``digests`` to classify, counted; ``stored`` by text id."""
        stored = stored.set_index("object_id").reindex(digests.index.astype(str))
        is_new = stored["digest"].isna().to_numpy()
        changed = ~is_new & (stored["digest"].to_numpy() != digests.to_numpy())
        new_model = ~is_new & ~changed & (stored["model_version"].to_numpy() != self.model_version)
        todo = is_new | changed | new_model
        self.new += int(is_new.sum())
        self.changed += int(changed.sum())
        self.new_model += int(new_model.sum())
        self.unchanged += int((~todo).sum())
        return todo

    def report(self, run_id: int, **partitions: int) -> UpdateReport:
        """The report of a run with these counts."""
        n_objects = self.new + self.changed + self.new_model + self.unchanged
        return UpdateReport(
            run_id=run_id,
            model_version=self.model_version,
            n_objects=n_objects,
            n_new=self.new,
            n_changed=self.changed,
            n_new_model=self.new_model,
            n_unchanged=self.unchanged,
            **partitions,
        )


def _finish(store: ClassificationStore, report: UpdateReport) -> UpdateReport:
    """Record the end of the report's run; return the report."""
    store.finish_run(
        report.run_id,
        n_objects=report.n_objects,
        n_classified=report.n_classified,
        n_unchanged=report.n_unchanged,
    )
    return report


def _update_table(
    input: str | Path | pd.DataFrame,
    store: ClassificationStore,
    classifier: TrainedClassifier,
    *,
    period_column: str | None,
    periods: Any,
    columns: Mapping[str, str] | None,
    band_map: Mapping[str, str] | None,
    options: dict,
    batch_size: int,
    progress: bool,
) -> UpdateReport:
    """`update` of a long table, read whole."""
    table, name = _read(input)
    id_column = table_id_column(table, columns=columns)
    known = _known_periods(table, period_column, periods, id_column)
    digests = light_curve_digests(table, id_column, known)
    counts = _Counts(classifier.version)
    todo = counts.to_classify(digests, store.stored_state())

    run_id = store.start_run(name, classifier.version)
    codes = pd.factorize(table[id_column], sort=False)[0]
    for rows, ids in tqdm(
        _batches(codes, np.flatnonzero(todo), batch_size),
        total=-(-int(todo.sum()) // batch_size),
        desc="update",
        unit="batch",
        disable=not progress,
    ):
        batch_ids = digests.index[ids]
        batch_periods = None if known is None else known.reindex(batch_ids)
        results = store_results(
            table.iloc[rows],
            batch_ids,
            batch_periods,
            classifier=classifier,
            columns=columns,
            band_map=band_map,
            options=options,
        )
        results["digest"] = digests.to_numpy()[ids]
        store.write(run_id, results)
    return _finish(store, counts.report(run_id))


def _update_catalog(
    folder: str,
    spec: CatalogSpec,
    partitions: list[Partition],
    store: ClassificationStore,
    classifier: TrainedClassifier,
    *,
    model: TrainedClassifier | str,
    client: Any,
    options: dict,
    batch_size: int,
    recheck: bool,
    progress: bool,
) -> UpdateReport:
    """`update` of a HATS catalog, partition by partition, skipping unchanged files."""
    recorded = store.partition_state(folder)
    version = classifier.version
    current = {
        name: n_objects
        for name, fingerprint, model_version, n_objects in recorded.itertuples()
        if model_version == version and not recheck
    }
    fingerprints = dict(zip(recorded.index, recorded["fingerprint"], strict=True))
    to_read, counts = [], _Counts(version)
    for partition in partitions:
        if partition.name in current and fingerprints[partition.name] == partition.fingerprint:
            counts.unchanged += int(current[partition.name])
        else:
            to_read.append(partition)
    run_id = store.start_run(folder, version)

    def to_classify(digests: pd.Series) -> pd.Index:
        todo = counts.to_classify(digests, store.stored_state(digests.index))
        return digests.index[todo]

    work = _partition_work(to_read, spec, to_classify, model, options, client, batch_size)
    with tqdm(total=len(to_read), desc="update", unit="partition", disable=not progress) as bar:
        for group, results in work:
            digests = pd.concat([digests for _, digests in group])
            for start in range(0, len(results), batch_size):
                batch = results.iloc[start : start + batch_size].copy()
                batch["digest"] = digests.reindex(batch["object_id"]).to_numpy()
                store.write(run_id, batch)
            store.record_partitions(
                run_id,
                folder,
                {part.name: (part.fingerprint, len(found)) for part, found in group},
                model_version=version,
            )
            bar.update(len(group))
    report = counts.report(run_id, n_partitions=len(partitions), n_partitions_read=len(to_read))
    return _finish(store, report)


#: Partitions with their digests, and the results of their objects classified.
_Group = tuple[list[tuple[Partition, pd.Series]], pd.DataFrame]


def _partition_work(
    partitions: list[Partition],
    spec: CatalogSpec,
    to_classify: Callable[[pd.Series], pd.Index],
    model: TrainedClassifier | str,
    options: dict,
    client: Any,
    batch_size: int,
) -> Iterator[_Group]:
    """Groups of partitions with their digests, and the results of the objects to classify.

    Digests are compared with the store here (``to_classify``), as each partition's
    arrive. In this process, the objects to classify of consecutive partitions are
    classified (and then stored) together, about ``batch_size`` at a time; with a Dask
    client, partitions are digested and classified on its workers, one group each, and
    come back in the order they finish.
    """
    if client is None:
        waiting: list[tuple[Partition, pd.Series, pd.Index, pd.DataFrame, Any]] = []
        for partition in partitions:
            digests = partition_digests(partition, spec)
            ids = to_classify(digests)
            waiting.append((partition, digests, ids, *partition_rows(partition, spec, ids)))
            if sum(len(item[2]) for item in waiting) >= batch_size:
                yield _classified_together(waiting, spec, model, options)
                waiting = []
        if waiting:
            yield _classified_together(waiting, spec, model, options)
        return
    from dask.distributed import as_completed

    pending: dict[str, tuple[Partition, pd.Series | None]] = {}
    futures = []
    for partition in partitions:
        future = client.submit(partition_digests, partition, spec, pure=False)
        pending[future.key] = (partition, None)
        futures.append(future)
    queue = as_completed(futures)
    for future in queue:
        partition, digests = pending.pop(future.key)
        if digests is not None:  # a classification came back
            yield [(partition, digests)], future.result()
            continue
        digests = future.result()
        ids = to_classify(digests)
        if len(ids) == 0:
            yield [(partition, digests)], pd.DataFrame({"object_id": ids})
            continue
        future = client.submit(
            classify_partition, partition, spec, ids, classifier=model, options=options, pure=False
        )
        pending[future.key] = (partition, digests)
        queue.add(future)


def _classified_together(
    waiting: list[tuple[Partition, pd.Series, pd.Index, pd.DataFrame, Any]],
    spec: CatalogSpec,
    model: TrainedClassifier,
    options: dict,
) -> _Group:
    """The objects to classify of several partitions, classified in one batch."""
    group = [(partition, digests) for partition, digests, *_ in waiting]
    ids = [item[2] for item in waiting if len(item[2])]
    if not ids:
        return group, pd.DataFrame({"object_id": pd.Index([])})
    periods = [item[4] for item in waiting if item[4] is not None]
    results = store_results(
        pd.concat([item[3] for item in waiting if len(item[2])], ignore_index=True),
        ids[0].append(ids[1:]) if len(ids) > 1 else ids[0],
        pd.concat(periods) if periods else None,
        classifier=model,
        columns=dict(spec.columns) or None,
        band_map=dict(spec.band_map) or None,
        options=options,
    )
    return group, results


def _read(input: str | Path | pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The raw long table and a name for it (the path, or ``<DataFrame>``)."""
    if isinstance(input, pd.DataFrame):
        return input.reset_index(drop=True), "<DataFrame>"
    return read_table(input), str(Path(input).resolve())


def _known_periods(
    table: pd.DataFrame,
    period_column: str | None,
    periods: object,
    id_column: str,
) -> pd.Series | None:
    """Known periods by object id (from the input, another table or a mapping), or None."""
    if periods is not None and not isinstance(periods, str | Path):
        return pd.Series(periods, dtype=np.float64)
    if period_column is None:
        return None
    source = table if periods is None else read_table(periods)
    return table_periods(source, period_column, id_column=None if periods else id_column)


def _batches(codes: np.ndarray, objects: np.ndarray, size: int):
    """Row positions and object positions of batches of ``size`` of the given objects."""
    if objects.size == 0:
        return
    wanted = np.zeros(int(codes.max()) + 1, dtype=bool)
    wanted[objects] = True
    rows = np.flatnonzero(wanted[codes])
    rows = rows[np.argsort(codes[rows], kind="stable")]
    row_codes = codes[rows]
    for start in range(0, objects.size, size):
        chunk = objects[start : start + size]
        lo, hi = np.searchsorted(row_codes, [chunk[0], chunk[-1] + 1])
        yield rows[lo:hi], chunk
