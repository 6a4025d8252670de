"""The rows a store keeps for a batch of objects: classifications, epochs, flags.

`store_results` classifies a batch of objects of a long table (as read, before
validation) with `tvs_classifier.classify` and adds what the store keeps beside the
classification: the epochs per band and the last epoch. Every object of the batch
gets a row: one none of whose measurements survives validation (or that has none) is
stored with the flag ``no_light_curve``, so that it is not tried again until its
light curve changes. Both `tvs_classifier.store.updates` (tables) and
`tvs_classifier.store.partitions` (HATS catalogs, on Dask workers) use it.

Examples
--------
>>> from tvs_classifier import load_classifier, simulate
>>> lcs, labels = simulate(2, ["RRab"], seed=2, years=2)
>>> ids = pd.Index([*lcs.object_ids, 99])
>>> rows = store_results(lcs.table, ids, None, classifier=load_classifier())
>>> rows["flags"].iloc[-1], rows["n_epochs"].iloc[-1]
('no_light_curve', '{}')
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..classifier.catalog import NO_LIGHT_CURVE, output_meta
from ..classifier.classify import classify
from ..classifier.priors import DEFAULT_PRIORS, fixed_priors_name
from ..classifier.trained import TrainedClassifier
from ..io.readers import validate_table
from ..lightcurves import LightCurveError, LightCurves

__all__ = ["store_results"]


def store_results(
    table: pd.DataFrame,
    ids: pd.Index,
    periods: pd.Series | None,
    *,
    classifier: TrainedClassifier,
    columns: Mapping[str, str] | None = None,
    band_map: Mapping[str, str] | None = None,
    options: Mapping | None = None,
) -> pd.DataFrame:
    """`tvs_classifier.classify` of a batch, one row per id, with epochs per band.

    Parameters
    ----------
    table : pandas.DataFrame
        The batch's rows of a long table, as read (CSV, Parquet, DP1 columns).
    ids : pandas.Index
        The batch's objects, in the order of the output.
    periods : pandas.Series, optional
        Known periods by object id (missing or NaN: searched).
    classifier : TrainedClassifier
        The model.
    columns, band_map : mapping, optional
        As in `tvs_classifier.io.readers.validate_table`.
    options : mapping, optional
        Further keywords of `tvs_classifier.classify` (``bands``, ``priors``,
        ``ignore_colors``).

    Returns
    -------
    pandas.DataFrame
        ``object_id``, `tvs_classifier.classify`'s columns, ``n_epochs`` (JSON text of
        epochs per band) and ``last_epoch`` (MJD).

    Raises
    ------
    LightCurveError
        If the table is invalid for another reason than objects without usable points.

    Examples
    --------
    >>> from tvs_classifier import load_classifier, simulate
    >>> lcs, _ = simulate(1, ["Mira"], seed=1, years=3)
    >>> row = store_results(lcs.table, lcs.object_ids, None, classifier=load_classifier())
    >>> sorted(json.loads(row["n_epochs"].iloc[0]))
    ['g', 'i', 'r', 'u', 'y', 'z']
    """
    options = dict(options or {})
    priors_name = fixed_priors_name(classifier, options.get("priors", DEFAULT_PRIORS))
    try:
        light_curves = validate_table(table, columns=columns, band_map=band_map)
    except LightCurveError as error:
        if "dropped" not in str(error) and not table.empty:
            raise
        light_curves = None
    if light_curves is not None:
        result = classify(
            light_curves, periods, classifier=classifier, progress=False, **options
        ).set_index("object_id")
        result = pd.concat([result, _epochs(light_curves)], axis=1)
    else:  # every column, so that a batch of such objects alone is stored too
        empty = output_meta(classifier, coordinates=()).set_index("object_id")
        result = empty.assign(n_epochs=pd.Series(dtype=object), last_epoch=np.nan)
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
