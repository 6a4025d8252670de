"""Classification of a HATS catalog with LSDB and Dask, partition by partition.

A catalog of LSST's size does not fit in one process. `classify_catalog` takes an LSDB
catalog with one row per object and its light curve in a nested column (DP1's
``object_collection`` with ``objectForcedSource``, ``dia_object_collection`` with
``diaObjectForcedSource``, or any catalog with a nested light-curve column and,
optionally, a period column) and returns a lazy catalog of `tvs_classifier.classify`'s
columns (with the object's id, ra and dec): every partition is classified where it
lies, by whichever Dask scheduler is running (a `dask.distributed.LocalCluster` of a
few processes, or the Rubin Science Platform's Dask deployment). Nothing is computed
until the result is (``.compute()``, ``.write_catalog(path)``).

Each Dask worker loads the model once (from its folder, `load_partition_classifier`)
and classifies its partitions with `tvs_classifier.classify`, so the probabilities are
those of the in-memory path. The class priors must be the same for every partition:
``priors="adapt"``, which estimates the mix of one batch, is refused here.

Examples
--------
>>> import lsdb, nested_pandas as npd, pandas as pd
>>> from tvs_classifier import simulate
>>> lcs, labels = simulate(4, ["RRab", "EC"], seed=1, years=1)
>>> base = labels[["object_id", "period"]].assign(ra=[10.0, 10.1, 10.2, 10.3], dec=-5.0)
>>> sources = lcs.table.set_index("object_id")
>>> frame = npd.NestedFrame(base.set_index(base["object_id"].to_numpy()))
>>> catalog = lsdb.from_dataframe(
...     frame.join_nested(sources, "lc"), ra_column="ra", dec_column="dec"
... )
>>> result = classify_catalog(catalog, period_column="period").compute()  # doctest: +SKIP
>>> sorted(result["class"])  # doctest: +SKIP
['ECL', 'ECL', 'RRL', 'RRL']
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..io.readers import from_nested, is_lsdb_catalog, nested_id_column
from ..lightcurves import LightCurveError
from .classify import classify
from .priors import DEFAULT_PRIORS, fixed_priors_name
from .trained import DEFAULT_MODEL_DIR, TrainedClassifier, load_classifier

__all__ = ["classify_catalog", "dask_client", "load_partition_classifier", "output_meta"]

#: Flag of an object whose nested light curve is empty (it cannot be classified).
NO_LIGHT_CURVE = "no_light_curve"


def classify_catalog(
    catalog: Any,
    *,
    nested_column: str | None = None,
    id_column: str | None = None,
    period_column: str | None = None,
    columns: Mapping[str, str] | None = None,
    model: str | Path | None = None,
    band_map: Mapping[str, str] | None = None,
    bands: Sequence[str] | None = None,
    priors: Mapping[str, float] | str | None = DEFAULT_PRIORS,
    ignore_colors: Sequence[str] | bool = (),
    batch_size: int = 4096,
) -> Any:
    """Classify every object of an LSDB catalog of nested light curves, lazily.

    Parameters
    ----------
    catalog : lsdb.Catalog
        One row per object: an id, ra and dec, the light curve in a nested column and
        optionally a period. Open only the columns needed
        (``lsdb.open_catalog(path, columns=[...])``).
    nested_column, id_column, columns
        As in `tvs_classifier.io.readers.from_nested` (which column holds the light
        curves, which the id, and renames of the nested columns; nested DP1 fluxes are
        converted from nJy and their flags honoured).
    period_column : str, optional
        A base column of periods (days); objects without a finite positive one get a
        searched period. Without it, every period is searched.
    model : str or Path, optional
        The model folder; the installed default model if omitted.
    band_map, bands, priors, ignore_colors, batch_size
        As in `tvs_classifier.classify` (``priors="adapt"`` is refused: it would
        estimate a different mix for each partition).

    Returns
    -------
    lsdb.Catalog
        Lazy, one row per object with the catalog's id, ra and dec, then
        `tvs_classifier.classify`'s columns (`output_meta`). An object whose light
        curve is empty has NaN probabilities and the flag ``no_light_curve``.

    Raises
    ------
    LightCurveError
        If ``catalog`` is not an LSDB catalog, or names a column it does not have.
    ValueError
        For ``priors="adapt"`` or priors the model cannot take.
    tvs_classifier.classifier.trained.ModelError
        If the model cannot be loaded.

    Examples
    --------
    >>> classify_catalog(pd.DataFrame())
    Traceback (most recent call last):
    ...
    tvs_classifier.lightcurves.LightCurveError: classify_catalog needs an lsdb.Catalog (lsdb.open_catalog(path)), not a DataFrame; for a table in memory use tvs_classifier.classify
    """
    if not is_lsdb_catalog(catalog):
        raise LightCurveError(
            "classify_catalog needs an lsdb.Catalog (lsdb.open_catalog(path)), not a "
            f"{type(catalog).__name__}; for a table in memory use tvs_classifier.classify"
        )
    model_dir = str(Path(model) if model is not None else DEFAULT_MODEL_DIR)
    classifier = load_partition_classifier(model_dir)
    info = catalog.hc_structure.catalog_info
    ra, dec = info.ra_column, info.dec_column
    nested = set(catalog.nested_columns)
    base = [str(name) for name in catalog.columns if name not in nested]
    id_column = nested_id_column(base, id_column)
    missing = [name for name in (period_column, ra, dec) if name and name not in base]
    if missing:
        raise LightCurveError(f"the catalog has no column(s) {missing}; it has {base}")
    if bands is not None and not set(bands) <= set(classifier.bands):
        raise ValueError(f"bands {list(bands)} are not all bands of the model {classifier.bands}")
    # The priors are checked here, once, rather than in every partition.
    priors_name = fixed_priors_name(classifier, priors)
    classify_options = {
        "bands": bands,
        "priors": priors,
        "ignore_colors": ignore_colors,
        "batch_size": batch_size,
    }
    id_dtype = _numpy_dtype(catalog.dtypes[id_column])
    meta = output_meta(classifier, id_dtype=id_dtype, coordinates=(ra, dec))
    meta = meta.set_axis(catalog.meta.index[:0])  # the spatial index, as each partition's
    return catalog.map_partitions(
        _classify_partition,
        meta=meta,
        id_column=id_column,
        nested_column=nested_column,
        columns=columns,
        period_column=period_column,
        coordinates=(ra, dec),
        band_map=band_map,
        model_dir=model_dir,
        options=classify_options,
        priors_name=priors_name,
    )


@contextlib.contextmanager
def dask_client(workers: int | None = None, scheduler: str | None = None) -> Iterator[Any]:
    """A Dask client for the duration of a ``with`` block, or None for Dask's default.

    Parameters
    ----------
    workers : int, optional
        Start a `dask.distributed.LocalCluster` of this many worker processes, one
        thread each, listening on 127.0.0.1 only, closed at the end of the block.
    scheduler : str, optional
        The address of a running Dask scheduler to connect to instead (e.g. the Rubin
        Science Platform's Dask deployment, ``tcp://...:8786``).

    Yields
    ------
    dask.distributed.Client or None
        None when neither is given: Dask's default scheduler (threads in this process).

    Raises
    ------
    ValueError
        If both are given, or ``workers`` is below 1.

    Examples
    --------
    >>> with dask_client() as client:
    ...     print(client)
    None
    """
    if workers is not None and scheduler is not None:
        raise ValueError("give workers (a local cluster) or scheduler (a running one), not both")
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    if workers is None and scheduler is None:
        yield None
        return
    from dask.distributed import Client, LocalCluster

    if scheduler is not None:
        with Client(scheduler) as client:
            yield client
        return
    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


@functools.lru_cache(maxsize=4)
def load_partition_classifier(model_dir: str) -> TrainedClassifier:
    """The model of a folder, loaded once per process (each Dask worker keeps its own).

    Examples
    --------
    >>> from tvs_classifier.classifier.trained import DEFAULT_MODEL_DIR
    >>> load_partition_classifier(str(DEFAULT_MODEL_DIR)) is load_partition_classifier(
    ...     str(DEFAULT_MODEL_DIR)
    ... )
    True
    """
    return load_classifier(model_dir)


def output_meta(
    classifier: TrainedClassifier,
    *,
    id_dtype: Any = np.int64,
    coordinates: tuple[str, str] = ("ra", "dec"),
) -> pd.DataFrame:
    """The empty frame of `classify_catalog`'s output: its columns and their dtypes.

    The object id, the two coordinate columns, then `tvs_classifier.classify`'s
    columns for this classifier's subclasses and classes; text columns are pandas
    strings, so that every partition writes the same Parquet schema.

    Examples
    --------
    >>> from tvs_classifier import load_classifier
    >>> meta = output_meta(load_classifier())
    >>> meta.columns[:4].tolist(), str(meta["flags"].dtype)
    (['object_id', 'ra', 'dec', 'prob_ACEP_1O'], 'string')
    """
    columns: dict[str, Any] = {"object_id": id_dtype}
    columns |= dict.fromkeys(coordinates, np.float64)
    subclass_columns, class_columns = classifier.probability_columns()
    columns |= dict.fromkeys(dict.fromkeys(subclass_columns + class_columns), np.float64)
    text = pd.StringDtype()  # typed even where a partition has only missing values
    columns |= {
        "subclass": text,
        "subclass_prob": np.float64,
        "class": text,
        "class_prob": np.float64,
        "period": np.float64,
        "period_source": text,
        "false_alarm_probability": np.float64,
        "n_points": np.int64,
        "n_outliers": np.int64,
        "novelty": np.float64,
        "flags": text,
        "priors": text,
        "model_version": text,
    }
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in columns.items()})


def _classify_partition(
    partition: Any,
    *,
    id_column: str,
    nested_column: str | None,
    columns: Mapping[str, str] | None,
    period_column: str | None,
    coordinates: tuple[str, str],
    band_map: Mapping[str, str] | None,
    model_dir: str,
    options: dict,
    priors_name: str,
) -> pd.DataFrame:
    """`tvs_classifier.classify` of one partition, in the partition's row order and index."""
    classifier = load_partition_classifier(model_dir)
    meta = output_meta(
        classifier, id_dtype=_numpy_dtype(partition[id_column].dtype), coordinates=coordinates
    )
    ids = partition[id_column].to_numpy()
    out = meta.reindex(range(len(ids))).set_axis(partition.index)
    out["object_id"] = ids
    for name in coordinates:
        out[name] = partition[name].to_numpy(np.float64)
    if _n_points(partition, nested_column):
        light_curves = from_nested(
            partition,
            nested_column=nested_column,
            id_column=id_column,
            columns=columns,
            band_map=band_map,
        )
        periods = None
        if period_column is not None:
            values = partition[period_column].to_numpy(np.float64, na_value=np.nan)
            periods = pd.Series(values, ids).reindex(light_curves.object_ids)
        result = classify(
            light_curves, periods, classifier=classifier, progress=False, **options
        ).set_index("object_id")
        result = result.reindex(ids)
        for name in meta.columns[3:]:
            out[name] = result[name].to_numpy()
    empty = out["model_version"].isna().to_numpy()
    out.loc[empty, ["flags", "period_source"]] = [NO_LIGHT_CURVE, "none"]
    out.loc[empty, ["priors", "model_version"]] = [priors_name, classifier.version]
    out.loc[empty, ["n_points", "n_outliers"]] = 0
    return out.astype(meta.dtypes.to_dict())


def _n_points(partition: Any, nested_column: str | None) -> int:
    """Measurements in the partition's nested light-curve column (0 if it has none)."""
    nested = list(getattr(partition, "nested_columns", []))
    name = nested_column if nested_column is not None else (nested[0] if nested else None)
    if name is None or name not in nested:
        return 0 if len(partition) == 0 else 1  # let from_nested name the problem
    return int(np.asarray(partition[name].nest.len()).sum())


def _numpy_dtype(dtype: Any) -> Any:
    """The numpy dtype of a (possibly pyarrow-backed) pandas dtype."""
    return getattr(dtype, "numpy_dtype", dtype)
