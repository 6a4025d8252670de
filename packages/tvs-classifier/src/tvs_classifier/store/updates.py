"""Keep a store's classifications up to date as data arrive: classify only what changed.

`update` reads a light-curve table (CSV, Parquet, a DP1 table), gives every object a
digest of its rows and period (`tvs_classifier.store.digest`), and compares them with
the store (`tvs_classifier.store.store.ClassificationStore`). It classifies only the
objects that are new, whose light curve or period changed, or whose stored result is
of another model version, in batches, each stored in one transaction; the others are
counted as unchanged. So a second run on the same data classifies nothing, and a run
killed at any moment is finished by the next: the batches it stored are unchanged then.

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

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from ..classifier.catalog import NO_LIGHT_CURVE
from ..classifier.classify import classify
from ..classifier.priors import DEFAULT_PRIORS, fixed_priors_name
from ..classifier.trained import TrainedClassifier, load_classifier
from ..io.readers import read_table, table_id_column, table_periods, validate_table
from ..lightcurves import LightCurveError, LightCurves
from .digest import light_curve_digests
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
    """

    run_id: int
    model_version: str
    n_objects: int
    n_new: int
    n_changed: int
    n_new_model: int
    n_unchanged: int

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
        """
        return (
            f"run {self.run_id}: classified {self.n_classified} of {self.n_objects} objects "
            f"({self.n_new} new, {self.n_changed} changed, {self.n_new_model} for a new model), "
            f"{self.n_unchanged} unchanged; model {self.model_version}"
        )


def update(
    input: str | Path | pd.DataFrame,
    store: str | Path | ClassificationStore,
    *,
    period_column: str | None = None,
    periods: str | Path | pd.Series | Mapping | None = None,
    columns: Mapping[str, str] | None = None,
    classifier: TrainedClassifier | None = None,
    band_map: Mapping[str, str] | None = None,
    bands: Sequence[str] | None = None,
    priors: Mapping[str, float] | str | None = DEFAULT_PRIORS,
    ignore_colors: Sequence[str] | bool = (),
    batch_size: int = 2000,
    progress: bool = True,
) -> UpdateReport:
    """Classify the new and changed objects of a light-curve table into a store.

    Parameters
    ----------
    input : str, Path or pandas.DataFrame
        A long table of light curves (CSV or Parquet file, or a DataFrame): the
        columns of `tvs_classifier.io.readers.read_light_curves` (or DP1's).
    store : str, Path or ClassificationStore
        A ``.sqlite`` path (made if missing) or a database URL
        (`ClassificationStore.open`).
    period_column : str, optional
        A column of known periods (days): of ``input``, or of the table ``periods``.
        Objects without one get a searched period.
    periods : str, Path, pandas.Series or mapping, optional
        Another table with ``period_column`` (joined by object id), or periods by
        object id.
    columns : mapping of str to str, optional
        Renames of the input's columns (as in `read_light_curves`).
    classifier : TrainedClassifier, optional
        The model; the installed default model if omitted.
    band_map, bands, priors, ignore_colors
        As in `tvs_classifier.classify` (``priors="adapt"`` is refused: each batch
        would get its own class mix).
    batch_size : int
        Objects classified and stored per transaction.
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
        For ``priors="adapt"``, ``periods`` without ``period_column``, or a
        ``batch_size`` below 1.
    tvs_classifier.store.store.StoreError
        If the store cannot be opened or its ids are of another type.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    if isinstance(periods, str | Path) and period_column is None:
        raise ValueError("periods= names a table: give period_column=, its column of periods")
    if classifier is None:
        classifier = load_classifier()
    priors_name = fixed_priors_name(classifier, priors)
    if not isinstance(store, ClassificationStore):
        store = ClassificationStore.open(store)
    table, name = _read(input)
    id_column = table_id_column(table, columns=columns)
    known = _known_periods(table, input, period_column, periods, id_column)
    digests = light_curve_digests(table, id_column, known)

    stored = store.stored_state().set_index("object_id")
    keys = digests.index.astype(str)
    stored = stored.reindex(keys)
    is_new = stored["digest"].isna().to_numpy()
    changed = ~is_new & (stored["digest"].to_numpy() != digests.to_numpy())
    new_model = ~is_new & ~changed & (stored["model_version"].to_numpy() != classifier.version)
    todo = is_new | changed | new_model

    run_id = store.start_run(name, classifier.version)
    options = {"bands": bands, "priors": priors, "ignore_colors": ignore_colors}
    codes = pd.factorize(table[id_column], sort=False)[0]
    for rows, ids in tqdm(
        _batches(codes, np.flatnonzero(todo), batch_size),
        total=-(-int(todo.sum()) // batch_size),
        desc="update",
        unit="batch",
        disable=not progress,
    ):
        batch_ids = digests.index[ids]
        part = table.iloc[rows]
        batch_periods = None if known is None else known.reindex(batch_ids)
        results = _classify_batch(
            part, batch_ids, batch_periods, columns, band_map, classifier, options, priors_name
        )
        results["digest"] = digests.to_numpy()[ids]
        store.write(run_id, results)
    report = UpdateReport(
        run_id=run_id,
        model_version=classifier.version,
        n_objects=len(digests),
        n_new=int(is_new.sum()),
        n_changed=int(changed.sum()),
        n_new_model=int(new_model.sum()),
        n_unchanged=int((~todo).sum()),
    )
    store.finish_run(
        run_id,
        n_objects=report.n_objects,
        n_classified=report.n_classified,
        n_unchanged=report.n_unchanged,
    )
    return report


def _read(input: str | Path | pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The raw long table and a name for it (the path, or ``<DataFrame>``)."""
    if isinstance(input, pd.DataFrame):
        return input.reset_index(drop=True), "<DataFrame>"
    return read_table(input), str(Path(input).resolve())


def _known_periods(
    table: pd.DataFrame,
    input: object,
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
    found = table_periods(source, period_column, id_column=None if periods else id_column)
    return found


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


def _classify_batch(
    part: pd.DataFrame,
    ids: pd.Index,
    periods: pd.Series | None,
    columns: Mapping[str, str] | None,
    band_map: Mapping[str, str] | None,
    classifier: TrainedClassifier,
    options: dict,
    priors_name: str,
) -> pd.DataFrame:
    """`tvs_classifier.classify` of a batch, one row per id, with epochs per band.

    An object none of whose rows survive validation is stored with the flag
    ``no_light_curve`` (so that it is not tried again until its rows change).
    """
    try:
        light_curves = validate_table(part, columns=columns, band_map=band_map)
    except LightCurveError as error:
        if "dropped" not in str(error):
            raise
        light_curves = None
    if light_curves is not None:
        result = classify(
            light_curves, periods, classifier=classifier, progress=False, **options
        ).set_index("object_id")
        result = pd.concat([result, _epochs(light_curves)], axis=1)
    else:
        result = pd.DataFrame(columns=["model_version"])
    result = result.reindex(ids)
    missing = result["model_version"].isna().to_numpy()
    result.loc[missing, ["flags", "period_source", "priors", "model_version"]] = [
        NO_LIGHT_CURVE,
        "none",
        priors_name,
        classifier.version,
    ]
    result.loc[missing, ["n_points", "n_outliers"]] = 0
    result.loc[missing, "n_epochs"] = "{}"
    return result.rename_axis("object_id").reset_index()


def _epochs(light_curves: LightCurves) -> pd.DataFrame:
    """Epochs per band (JSON text) and the last epoch (MJD) of every object."""
    table = light_curves.table
    counts = table.groupby(["object_id", "band"], sort=False).size().unstack(fill_value=0)
    counts = counts.reindex(light_curves.object_ids)
    texts = [
        json.dumps({k: int(v) for k, v in row.items() if v}) for row in counts.to_dict("records")
    ]
    last = table.groupby("object_id", sort=False)["mjd"].max().reindex(light_curves.object_ids)
    return pd.DataFrame(
        {"n_epochs": texts, "last_epoch": last.to_numpy()}, index=light_curves.object_ids
    )
