"""Light curves as images: each band's phase-folded curve drawn as dots, bands as channels.

Following Szklenar et al. (2020, ApJL 897, L12; 2022, ApJ 938, 37), a light curve
folded with its period is drawn as an image: two cycles from left to right, the
magnitude scaled to the band's own range from top (brightest) to bottom (faintest).
The range is that of the band's precise points: one with an error over
`IMPRECISE_ERROR_RATIO` times the band's median error is drawn, clipped to the edge,
but does not set the scale. So is a gross outlier (`tvs_classifier.outliers`: a lone
point far off the folded curve), which also does not set the alignment phase. Here
every band is one channel of the image, and a band with too few points is
masked (its channel left empty and its mask entry False), never invented.

The drawing is plain vectorised numpy: all objects are folded and their pixels set
at once, with no plotting library involved.

Examples
--------
>>> import numpy as np
>>> import pandas as pd
>>> from tvs_classifier import LightCurves
>>> t = np.linspace(60000, 60050, 60)
>>> table = pd.DataFrame(
...     {
...         "object_id": 1,
...         "mjd": t,
...         "band": "g",
...         "mag": 17 + 0.3 * np.sin(2 * np.pi * t / 0.5),
...         "mag_err": 0.02,
...     }
... )
>>> rendered = render_images(LightCurves.from_table(table), [0.5], height=16, width=32)
>>> rendered.images.shape, rendered.mask[0].tolist()
((1, 16, 32, 6), [False, True, False, False, False, False])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._aligned import aligned_periods
from ._grouped import group_counts, group_extrema, group_index, group_quantile
from .bands import LSST_BANDS
from .folding import fold, phase_of_maximum
from .lightcurves import LightCurveError, LightCurves
from .outliers import outlier_mask

__all__ = ["IMPRECISE_ERROR_RATIO", "LightCurveImages", "rasterize", "render_images"]


@dataclass(frozen=True, eq=False)
class LightCurveImages:
    """Images of many light curves, with the bands present.

    Attributes
    ----------
    images : ndarray of float32, shape (n_objects, height, width, n_bands)
        1 where at least one measurement falls in the pixel, else 0.
    mask : ndarray of bool, shape (n_objects, n_bands)
        True where the band has enough points to be drawn.
    object_ids : ndarray
        Object of each image.
    bands : tuple of str
        Band of each channel.
    phase_offset : ndarray of float64, shape (n_objects,)
        Phase of maximum brightness subtracted before drawing (0 if not aligned).

    Examples
    --------
    >>> images = LightCurveImages(
    ...     np.zeros((1, 4, 8, 2), np.float32),
    ...     np.ones((1, 2), bool),
    ...     np.array([1]),
    ...     ("g", "r"),
    ...     np.zeros(1),
    ... )
    >>> images.images.shape[-1] == len(images.bands)
    True
    """

    images: np.ndarray
    mask: np.ndarray
    object_ids: np.ndarray
    bands: tuple[str, ...]
    phase_offset: np.ndarray


def rasterize(
    phase: np.ndarray,
    scaled: np.ndarray,
    object_index: np.ndarray,
    band_index: np.ndarray,
    n_objects: int,
    n_bands: int,
    height: int,
    width: int,
) -> np.ndarray:
    """Set the pixels of all points of all objects, two cycles wide, in one pass.

    Parameters
    ----------
    phase : ndarray
        Phase in ``[0, 1)`` per point.
    scaled : ndarray
        Magnitude scaled to ``[0, 1]`` per point (0 = brightest, drawn at the top).
    object_index, band_index : ndarray of int
        Image and channel of each point; points with ``band_index < 0`` are skipped.
    n_objects, n_bands, height, width : int
        Output shape; ``width`` must be even (each cycle is ``width // 2`` columns).

    Returns
    -------
    ndarray of float32, shape (n_objects, height, width, n_bands)

    Examples
    --------
    >>> img = rasterize(np.array([0.0]), np.array([1.0]), np.array([0]), np.array([0]), 1, 1, 4, 8)
    >>> np.argwhere(img[0, :, :, 0]).tolist()
    [[3, 0], [3, 4]]
    """
    if width % 2:
        raise ValueError(f"width={width} must be even: each of the two cycles gets width // 2")
    half = width // 2
    keep = band_index >= 0
    column = np.minimum((phase[keep] * half).astype(np.int64), half - 1)
    row = np.clip(np.rint(scaled[keep] * (height - 1)).astype(np.int64), 0, height - 1)
    base = (object_index[keep] * height + row) * width
    channel = band_index[keep]
    images = np.zeros(n_objects * height * width * n_bands, dtype=np.float32)
    images[(base + column) * n_bands + channel] = 1.0
    images[(base + column + half) * n_bands + channel] = 1.0
    return images.reshape(n_objects, height, width, n_bands)


#: A point whose error exceeds this multiple of its band's median error is drawn
#: (clipped to the image's edge) but does not stretch the band's magnitude scale.
IMPRECISE_ERROR_RATIO: float = 5.0


def _scale_range(
    mag: np.ndarray, err: np.ndarray, group: np.ndarray, n_groups: int
) -> tuple[np.ndarray, np.ndarray]:
    """Brightest and faintest magnitude of each band, over its precise points.

    Points with errors above `IMPRECISE_ERROR_RATIO` times the band's median error
    (a measurement near the detection limit, through cloud, or a blended one) are left
    out of the range, so that one of them does not squeeze the whole light curve into
    a few rows of the image.
    """
    median_err = group_quantile(err, group, n_groups, 0.5)
    precise = err <= IMPRECISE_ERROR_RATIO * median_err[np.maximum(group, 0)]
    return group_extrema(mag, np.where(precise, group, -1), n_groups)


def render_images(
    light_curves: LightCurves,
    periods: object,
    *,
    bands: tuple[str, ...] = LSST_BANDS,
    height: int = 32,
    width: int = 64,
    min_points: int = 3,
    align: bool = True,
    outliers: bool | np.ndarray = True,
) -> LightCurveImages:
    """Fold every light curve with its period and draw it as a multi-band image.

    Parameters
    ----------
    light_curves : LightCurves
        Validated light curves.
    periods : DataFrame, Series, mapping or array_like
        Period per object (days): the table of `tvs_classifier.periods.find_periods`,
        a Series or mapping by object id, or one value per object. Objects with no
        finite positive period get an empty image and an all-False mask.
    bands : tuple of str
        Band of each channel, in order (LSST's six by default; e.g. ``("ztf_g",
        "ztf_r")`` for ZTF). Measurements in other bands are not drawn.
    height, width : int
        Image size in pixels; ``width`` covers two cycles and must be even.
    min_points : int
        Fewest points for a band to be drawn; sparser bands are masked.
    align : bool
        Shift phases so that maximum brightness (first-harmonic fit over all bands)
        is at phase 0, as a common reference for all objects.
    outliers : bool or ndarray of bool
        True: find gross outliers (`tvs_classifier.outliers.outlier_mask`); they are
        drawn, clipped to the edge, but set neither the magnitude scale nor the
        alignment. An array: these rows of ``light_curves.table`` are the outliers
        (e.g. from `tvs_classifier.outliers.flag_outliers`). False: none.

    Returns
    -------
    LightCurveImages

    Raises
    ------
    LightCurveError
        If none of ``bands`` occurs in the light curves.
    ValueError
        For a bad image size or period array, or an ``outliers`` array of another length.

    Examples
    --------
    >>> import pandas as pd
    >>> t = np.arange(40) * 0.7
    >>> table = pd.DataFrame(
    ...     {
    ...         "object_id": "a",
    ...         "mjd": t,
    ...         "band": np.where(np.arange(40) % 2, "g", "r"),
    ...         "mag": 16 + 0.2 * np.sin(2 * np.pi * t / 1.3),
    ...         "mag_err": 0.01,
    ...     }
    ... )
    >>> out = render_images(LightCurves.from_table(table), {"a": 1.3}, bands=("g", "r"))
    >>> out.images.shape, out.mask.tolist()
    ((1, 32, 64, 2), [[True, True]])
    """
    if height < 2 or width < 2:
        raise ValueError(f"image size {height}x{width} is too small: use at least 2x2")
    bands = tuple(bands)
    band_index = light_curves.band_index(bands)
    if not (band_index >= 0).any():
        raise LightCurveError(
            f"none of the bands {list(bands)} is in these light curves "
            f"(they have {list(light_curves.bands)}): pass bands="
        )
    n_objects, n_bands = len(light_curves), len(bands)
    object_index = light_curves.object_index
    period = aligned_periods(light_curves, periods)
    usable = np.isfinite(period) & (period > 0)
    band_index = np.where(usable[object_index], band_index, -1)

    n_groups = n_objects * n_bands
    group = group_index(object_index, band_index, n_bands)
    counts = group_counts(group, n_groups)
    enough = counts >= min_points
    band_index = np.where(enough[np.maximum(group, 0)], band_index, -1)
    group = group_index(object_index, band_index, n_bands)

    table = light_curves.table
    mag = table["mag"].to_numpy(dtype=np.float64)
    row_period = np.where(usable, period, 1.0)[object_index]
    phase = fold(table["mjd"].to_numpy(dtype=np.float64), row_period)
    err = table["mag_err"].to_numpy(dtype=np.float64)
    if outliers is True:
        outliers = outlier_mask(phase, mag, err, object_index, band_index, n_objects, n_bands)
    elif outliers is False:
        outliers = np.zeros(mag.size, dtype=bool)
    outliers = np.asarray(outliers, dtype=bool)
    if outliers.shape != mag.shape:
        raise ValueError(
            f"outliers has shape {outliers.shape}, the light curves {mag.size} rows: "
            "give one flag per row of light_curves.table"
        )
    offset = np.zeros(n_objects)
    if align:
        offset = phase_of_maximum(
            phase, mag, err, object_index, np.where(outliers, -1, band_index), n_objects, n_bands
        )
        phase = np.mod(phase - offset[object_index], 1.0)
    low, high = _scale_range(mag, err, np.where(outliers, -1, group), n_groups)
    span = high - low
    safe = np.where(span > 0, span, 1.0)
    at = np.maximum(group, 0)
    scaled = np.where(span[at] > 0, (mag - low[at]) / safe[at], 0.5)
    images = rasterize(phase, scaled, object_index, band_index, n_objects, n_bands, height, width)
    return LightCurveImages(
        images=images,
        mask=enough.reshape(n_objects, n_bands),
        object_ids=light_curves.object_ids,
        bands=bands,
        phase_offset=offset,
    )
