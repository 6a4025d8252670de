"""Numeric features of light curves, the second input of the classifier.

Per object: the decimal logarithm of the period; per band, the number of points,
the weighted mean magnitude and the amplitude (the range between the 5th and 95th
percentiles of the magnitudes, less sensitive to single outliers than max - min);
and the colors between consecutive bands of ``bands`` (difference of mean
magnitudes). Gross outliers (`tvs_classifier.outliers`) are counted in the number of
points but left out of the mean and the amplitude. Quantities of a band with too few points are NaN, never invented;
`feature_matrix` turns them into model input with an explicit mask.

Examples
--------
>>> import numpy as np
>>> import pandas as pd
>>> from tvs_classifier import LightCurves
>>> t = np.arange(60) * 0.37
>>> table = pd.DataFrame(
...     {
...         "object_id": "v1",
...         "mjd": t,
...         "band": np.where(np.arange(60) % 2, "g", "r"),
...         "mag": np.where(np.arange(60) % 2, 16.5, 16.2),
...         "mag_err": 0.01,
...     }
... )
>>> feats = compute_features(LightCurves.from_table(table), {"v1": 0.55}, bands=("g", "r"))
>>> round(float(feats.loc["v1", "color_g_r"]), 2), int(feats.loc["v1", "n_g"])
(0.3, 30)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from ._aligned import aligned_periods
from ._grouped import group_counts, group_index, group_mean, group_quantile
from .bands import LSST_BANDS
from .lightcurves import LightCurves
from .outliers import flag_outliers

__all__ = ["compute_features", "feature_matrix", "without_colors"]


def compute_features(
    light_curves: LightCurves,
    periods: object,
    *,
    bands: tuple[str, ...] = LSST_BANDS,
    min_points: int = 3,
    outliers: bool | np.ndarray = True,
) -> pd.DataFrame:
    """Numeric features of every object, NaN where a band is missing.

    Parameters
    ----------
    light_curves : LightCurves
        Validated light curves.
    periods : DataFrame, Series, mapping or array_like
        Period per object, in any form `tvs_classifier.images.render_images` accepts.
    bands : tuple of str
        Bands to describe, in order; colors are between consecutive ones.
    min_points : int
        Fewest points for a band's mean and amplitude to be computed.
    outliers : bool or ndarray of bool
        True: find gross outliers (`tvs_classifier.outliers.flag_outliers` over
        ``bands``) and leave them out of means and amplitudes. An array: these rows of
        ``light_curves.table`` are the outliers. False: none.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``object_id``; columns ``log10_period``, then ``n_<band>``,
        ``mean_<band>``, ``amp_<band>`` for each band, then ``color_<a>_<b>``.

    Raises
    ------
    ValueError
        For malformed periods or an ``outliers`` array of another length.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame(
    ...     {
    ...         "object_id": 3,
    ...         "mjd": np.arange(10.0),
    ...         "band": "i",
    ...         "mag": np.linspace(15, 16, 10),
    ...         "mag_err": 0.1,
    ...     }
    ... )
    >>> f = compute_features(LightCurves.from_table(table), [2.0], bands=("i", "z"))
    >>> f.columns.tolist()
    ['log10_period', 'n_i', 'mean_i', 'amp_i', 'n_z', 'mean_z', 'amp_z', 'color_i_z']
    >>> round(float(f.loc[3, "amp_i"]), 2), bool(np.isnan(f.loc[3, "color_i_z"]))
    (0.9, True)
    """
    bands = tuple(bands)
    n_objects, n_bands = len(light_curves), len(bands)
    n_groups = n_objects * n_bands
    group = group_index(light_curves.object_index, light_curves.band_index(bands), n_bands)
    mag = light_curves.table["mag"].to_numpy(dtype=np.float64)
    weight = 1.0 / light_curves.table["mag_err"].to_numpy(dtype=np.float64) ** 2
    counts = group_counts(group, n_groups)
    enough = counts >= min_points
    if outliers is True:
        outliers = (
            flag_outliers(light_curves, periods, bands=bands) if (group >= 0).any() else False
        )
    if outliers is not False:
        outliers = np.asarray(outliers, dtype=bool)
        if outliers.shape != mag.shape:
            raise ValueError(
                f"outliers has shape {outliers.shape}, the light curves {mag.size} rows: "
                "give one flag per row of light_curves.table"
            )
        group = np.where(outliers, -1, group)
    mean = np.where(enough, group_mean(mag, group, n_groups, weight), np.nan)
    amplitude = group_quantile(mag, group, n_groups, 0.95) - group_quantile(
        mag, group, n_groups, 0.05
    )
    amplitude = np.where(enough, amplitude, np.nan)
    shape = (n_objects, n_bands)
    counts, mean, amplitude = counts.reshape(shape), mean.reshape(shape), amplitude.reshape(shape)
    period = aligned_periods(light_curves, periods)
    with np.errstate(invalid="ignore", divide="ignore"):
        columns: dict[str, np.ndarray] = {
            "log10_period": np.log10(np.where(period > 0, period, np.nan))
        }
    for k, band in enumerate(bands):
        columns[f"n_{band}"] = counts[:, k]
        columns[f"mean_{band}"] = mean[:, k]
        columns[f"amp_{band}"] = amplitude[:, k]
    for k in range(n_bands - 1):
        columns[f"color_{bands[k]}_{bands[k + 1]}"] = mean[:, k] - mean[:, k + 1]
    frame = pd.DataFrame(columns, index=pd.Index(light_curves.object_ids, name="object_id"))
    return frame


def feature_matrix(
    features: pd.DataFrame, columns: Sequence[str] | None = None
) -> tuple[np.ndarray, list[str]]:
    """Model input from `compute_features`: values with NaN set to 0, plus their masks.

    Mean magnitudes are left out (they depend on distance, not on class), and so are
    the numbers of points (they describe the survey, not the star: a network given
    them learns LSST's numbers of visits, exactly 80 in g and 184 in r over ten
    years, and fails on a survey with 120 or 600 points per band). Each other column
    is followed by a ``has_<column>`` column that is 1 where the value was known, so
    the network can tell "0" from "missing".

    Parameters
    ----------
    features : pandas.DataFrame
        Output of `compute_features`.
    columns : sequence of str, optional
        The columns of ``features`` to use, in order (e.g. those a trained model was
        given: models trained before the numbers of points were left out used them);
        default: all but the mean magnitudes and the numbers of points.

    Returns
    -------
    matrix : ndarray of float32, shape (n_objects, n_columns)
    names : list of str

    Raises
    ------
    KeyError
        For a name of ``columns`` that ``features`` lacks.

    Examples
    --------
    >>> frame = pd.DataFrame({"log10_period": [np.log10(0.5)], "color_g_r": [np.nan]})
    >>> matrix, names = feature_matrix(frame)
    >>> names
    ['log10_period', 'has_log10_period', 'color_g_r', 'has_color_g_r']
    >>> matrix.astype(float).round(3).tolist()
    [[-0.301, 1.0, 0.0, 0.0]]
    """
    if columns is None:
        columns = [name for name in features.columns if not name.startswith(("mean_", "n_"))]
    used = list(columns)
    values = features[used].to_numpy(dtype=np.float64)
    known = np.isfinite(values)
    matrix = np.empty((values.shape[0], 2 * len(used)), dtype=np.float32)
    matrix[:, 0::2] = np.where(known, values, 0.0)
    matrix[:, 1::2] = known
    names = [label for name in used for label in (name, f"has_{name}")]
    return matrix, names


def without_colors(features: pd.DataFrame, bands: Iterable[str]) -> pd.DataFrame:
    """`compute_features`' table with every color involving one of ``bands`` made unknown.

    For light curves whose bands are not the model's (another survey's, renamed with a
    band map): their shapes, periods and amplitudes carry over, but their colors may
    not (broad bands make RR Lyrae 0.3-0.4 mag redder in "g - r" than LSST's filters).
    Made unknown (NaN), a color reaches the network as missing, which it learned to
    handle when trained with ``color_dropout``.

    Parameters
    ----------
    features : pandas.DataFrame
        Output of `compute_features`.
    bands : iterable of str
        Bands whose colors are not to be used.

    Returns
    -------
    pandas.DataFrame
        A copy.

    Examples
    --------
    >>> frame = pd.DataFrame({"color_g_r": [0.3], "color_r_i": [0.1], "amp_g": [0.5]})
    >>> without_colors(frame, ["g"]).iloc[0].tolist()
    [nan, 0.1, 0.5]
    """
    bands = set(bands)
    out = features.copy()
    for name in out.columns:
        if name.startswith("color_") and bands & set(name.removeprefix("color_").split("_")):
            out[name] = np.nan
    return out
