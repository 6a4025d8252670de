"""What the network is fed: an image per object and its standardized numeric features.

`model_inputs` draws the phase-folded images (`tvs_classifier.images.render_images`)
and computes the numeric features (`tvs_classifier.features.feature_matrix`) of every
object, both with the same gross outliers (`tvs_classifier.outliers.flag_outliers`)
left out of their scales, and both from at most `MAX_POINTS_PER_BAND` points per band
(`thinned_rows`: a denser band, of a survey such as OGLE, EROS or ZTF, would fill an
image more than any light curve the network learned from); `fit_standardization` and `standardize` scale the features by the training
split's mean and standard deviation, keeping unknown values (a band without points)
at zero with their "has value" flag.

Examples
--------
>>> m = np.array([[1.0, 1.0], [3.0, 1.0], [0.0, 0.0]], np.float32)
>>> mean, std = fit_standardization(m, ["x", "has_x"])
>>> standardize(m, ["x", "has_x"], mean, std).tolist()
[[-1.0, 1.0], [1.0, 1.0], [0.0, 0.0]]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .._aligned import aligned_periods
from ..bands import LSST_BANDS
from ..features import compute_features, feature_matrix, without_colors
from ..images import render_images
from ..lightcurves import LightCurves
from ..outliers import flag_outliers

__all__ = [
    "MAX_POINTS_PER_BAND",
    "fit_standardization",
    "model_inputs",
    "standardize",
    "thinned_rows",
]

#: Most points per band the network is shown: LSST's ten years give at most 184.
MAX_POINTS_PER_BAND = 200


def thinned_rows(light_curves: LightCurves, max_points: int = MAX_POINTS_PER_BAND) -> np.ndarray:
    """Which rows to keep so that no band of an object has more than ``max_points``.

    A denser band keeps ``max_points`` of its points, evenly spread over them in time
    order (each point stands for the same share of the band's points), so that the
    whole time span and every part of the phase stay covered; sparser bands keep all.

    Parameters
    ----------
    light_curves : LightCurves
        Validated light curves (sorted by object and time).
    max_points : int
        Most points per object and band (>= 1).

    Returns
    -------
    ndarray of bool, shape (n_rows,)
        True for the rows kept.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame(
    ...     {"object_id": 1, "mjd": np.arange(10.0), "band": "g", "mag": 17.0, "mag_err": 0.1}
    ... )
    >>> np.flatnonzero(thinned_rows(LightCurves.from_table(table), 4)).tolist()
    [2, 4, 7, 9]
    """
    if max_points < 1:
        raise ValueError(f"max_points must be >= 1, not {max_points}")
    table = light_curves.table
    grouped = table.groupby([light_curves.object_index, table["band"].to_numpy()], sort=False)
    rank = grouped.cumcount().to_numpy()
    count = grouped["mjd"].transform("size").to_numpy()
    # Row r of c is kept when floor((r + 1) m / c) steps up: exactly m of c, evenly.
    step = (rank + 1) * max_points // count - rank * max_points // count
    return (count <= max_points) | (step > 0)


def model_inputs(
    light_curves: LightCurves,
    periods: object,
    *,
    bands: Sequence[str] = LSST_BANDS,
    height: int = 32,
    width: int = 64,
    ignore_colors: Sequence[str] = (),
    outliers: np.ndarray | None = None,
    columns: Sequence[str] | None = None,
    max_points: int = MAX_POINTS_PER_BAND,
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Images and the raw numeric-feature matrix of every object.

    Parameters
    ----------
    light_curves : LightCurves
        Validated light curves.
    periods : DataFrame, Series, mapping or array_like
        Period per object, as `tvs_classifier.images.render_images` takes it.
    bands : sequence of str
        Bands, in channel order; missing ones are masked (empty channel, NaN features
        with their "has value" flag 0), never invented.
    height, width : int
        Image size.
    ignore_colors : sequence of str
        Bands whose colors are given as unknown
        (`tvs_classifier.features.without_colors`).
    outliers : ndarray of bool, optional
        The gross outliers of every row (`tvs_classifier.outliers.flag_outliers` for
        these light curves, periods and bands), where the caller has them already;
        found here otherwise.
    columns : sequence of str, optional
        Feature columns to use (`tvs_classifier.features.feature_matrix`); default its
        own choice.
    max_points : int
        Most points per band drawn and measured (`thinned_rows`).

    Returns
    -------
    images : ndarray of float32, shape (n_objects, height, width, n_bands)
    features : ndarray of float32, shape (n_objects, n_features)
        `tvs_classifier.features.feature_matrix` (not standardized).
    names : list of str
        Feature names.

    Examples
    --------
    >>> import pandas as pd
    >>> t = np.arange(30.0)
    >>> table = pd.DataFrame(
    ...     {"object_id": 1, "mjd": t, "band": "g", "mag": np.sin(t), "mag_err": 0.1}
    ... )
    >>> images, features, names = model_inputs(
    ...     LightCurves.from_table(table), [0.7], bands=("g", "r"), height=8, width=16
    ... )
    >>> images.shape, features.shape, names[:2]
    ((1, 8, 16, 2), (1, 8), ['log10_period', 'has_log10_period'])
    """
    bands = tuple(bands)
    period = aligned_periods(light_curves, periods)
    # The same gross outliers left out of the images' scales and of the features.
    if outliers is None:
        in_bands = light_curves.table["band"].isin(bands).to_numpy()
        outliers = flag_outliers(light_curves, period, bands=bands) if in_bands.any() else False
    keep = thinned_rows(light_curves, max_points)
    if not keep.all():
        table = light_curves.table[keep].reset_index(drop=True)
        light_curves = LightCurves(table, light_curves.report)
        outliers = outliers[keep] if isinstance(outliers, np.ndarray) else outliers
    images = render_images(
        light_curves, period, bands=bands, height=height, width=width, outliers=outliers
    )
    features = compute_features(light_curves, period, bands=bands, outliers=outliers)
    if ignore_colors:
        features = without_colors(features, ignore_colors)
    matrix, names = feature_matrix(features, columns)
    return images.images, matrix, names


def _value_columns(names: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the value columns and of their ``has_`` flag columns."""
    names = list(names)
    values = [k for k, name in enumerate(names) if not name.startswith("has_")]
    flags = [names.index(f"has_{names[k]}") for k in values]
    return np.asarray(values, dtype=np.int64), np.asarray(flags, dtype=np.int64)


def fit_standardization(matrix: np.ndarray, names: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation of each feature over the objects where it is known.

    Flag columns (``has_...``) get mean 0 and std 1 (left as they are); a feature
    never known or constant gets std 1.

    Examples
    --------
    >>> m = np.array([[1.0, 1.0], [3.0, 1.0], [0.0, 0.0]], np.float32)
    >>> mean, std = fit_standardization(m, ["x", "has_x"])
    >>> mean.tolist(), std.tolist()
    ([2.0, 0.0], [1.0, 1.0])
    """
    matrix = np.asarray(matrix, dtype=np.float64)
    mean = np.zeros(matrix.shape[1])
    std = np.ones(matrix.shape[1])
    values, flags = _value_columns(names)
    for value, flag in zip(values, flags, strict=True):
        known = matrix[:, flag] > 0
        if known.any():
            mean[value] = matrix[known, value].mean()
            spread = matrix[known, value].std()
            std[value] = spread if spread > 0 else 1.0
    return mean, std


def standardize(
    matrix: np.ndarray, names: Sequence[str], mean: np.ndarray, std: np.ndarray
) -> np.ndarray:
    """``(matrix - mean) / std``, with unknown values (flag 0) kept at 0.

    Examples
    --------
    >>> m = np.array([[1.0, 1.0], [0.0, 0.0]], np.float32)
    >>> standardize(m, ["x", "has_x"], np.array([2.0, 0.0]), np.array([1.0, 1.0])).tolist()
    [[-1.0, 1.0], [0.0, 0.0]]
    """
    out = (np.asarray(matrix, dtype=np.float64) - mean) / std
    values, flags = _value_columns(names)
    out[:, values] = np.where(np.asarray(matrix)[:, flags] > 0, out[:, values], 0.0)
    return out.astype(np.float32)
