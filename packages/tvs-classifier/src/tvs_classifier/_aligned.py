"""Per-object inputs given in several forms, aligned with a `LightCurves`' objects.

Examples
--------
>>> import pandas as pd
>>> table = pd.DataFrame(
...     {"object_id": ["a", "b"], "mjd": 1.0, "band": "g", "mag": 15.0, "mag_err": 0.1}
... )
>>> aligned_periods(LightCurves.from_table(table), {"b": 0.5}).tolist()
[nan, 0.5]
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .lightcurves import LightCurves

__all__ = ["aligned_periods"]


def aligned_periods(light_curves: LightCurves, periods: object) -> np.ndarray:
    """Period of each object of ``light_curves`` (NaN where unknown), as float64.

    ``periods`` is a DataFrame with ``object_id`` and ``period`` columns (as
    `tvs_classifier.periods.find_periods` returns), a Series or mapping by object id,
    or an array with one value per object in `LightCurves.object_ids` order.
    """
    ids = light_curves.object_ids
    if isinstance(periods, pd.DataFrame):
        if not {"object_id", "period"}.issubset(periods.columns):
            raise ValueError(
                "a periods table needs the columns 'object_id' and 'period' "
                f"(it has {list(periods.columns)})"
            )
        periods = periods.set_index("object_id")["period"]
    if isinstance(periods, Mapping):
        periods = pd.Series(dict(periods), dtype=float)
    if isinstance(periods, pd.Series):
        if periods.index.has_duplicates:
            raise ValueError("periods are given twice for some objects: give one per object")
        return periods.reindex(ids).to_numpy(dtype=np.float64)
    values = np.asarray(periods, dtype=np.float64).ravel()
    if values.size == 1:
        return np.full(ids.size, values[0])
    if values.size != ids.size:
        raise ValueError(
            f"{values.size} periods for {ids.size} objects: give one per object, "
            "or a Series/mapping by object_id"
        )
    return values
