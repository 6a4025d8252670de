"""Figures: folded multiband light curves and the images the classifier sees.

matplotlib is imported when a figure is made, not when the package is imported.

Examples
--------
>>> import numpy as np
>>> import pandas as pd
>>> t = np.linspace(0, 30, 80)
>>> lc = pd.DataFrame({"mjd": t, "band": "g", "mag": 15 + 0.2 * np.sin(t / 0.3), "mag_err": 0.02})
>>> ax = plot_folded(lc, period=2 * np.pi * 0.3)
>>> ax.get_xlabel()
'phase'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .folding import fold

if TYPE_CHECKING:  # pragma: no cover - typing only
    import matplotlib.axes
    import matplotlib.figure

    from .images import LightCurveImages
    from .lightcurves import LightCurves

__all__ = ["BAND_COLORS", "band_color", "image_rgb", "plot_folded", "plot_gallery"]

#: Plot colours of LSST's bands (blue to red) and of ZTF's.
BAND_COLORS: dict[str, str] = {
    "u": "#56b4e9",
    "g": "#008060",
    "r": "#ff4000",
    "i": "#850000",
    "z": "#6600cc",
    "y": "#000000",
    "ztf_g": "#008060",
    "ztf_r": "#ff4000",
    "ztf_i": "#850000",
}

_FALLBACK = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b")


def band_color(band: str, position: int = 0) -> str:
    """Colour of a band: its own in `BAND_COLORS`, else one by position.

    Examples
    --------
    >>> band_color("g"), band_color("R_E", 1)
    ('#008060', '#ff7f0e')
    """
    return BAND_COLORS.get(band, _FALLBACK[position % len(_FALLBACK)])


def plot_folded(
    light_curve: pd.DataFrame,
    period: float,
    *,
    phase_offset: float = 0.0,
    ax: matplotlib.axes.Axes | None = None,
    title: str | None = None,
) -> matplotlib.axes.Axes:
    """Plot one phase-folded multiband light curve over two cycles.

    Parameters
    ----------
    light_curve : pandas.DataFrame
        Columns ``mjd, band, mag, mag_err`` of one object (e.g. ``light_curves[id]``).
    period : float
        Folding period (days).
    phase_offset : float
        Phase subtracted before plotting (e.g. `LightCurveImages.phase_offset`).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure otherwise.
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> lc = pd.DataFrame(
    ...     {
    ...         "mjd": [0.0, 0.1, 0.2],
    ...         "band": ["r"] * 3,
    ...         "mag": [15.0, 15.2, 15.1],
    ...         "mag_err": [0.01] * 3,
    ...     }
    ... )
    >>> ax = plot_folded(lc, 0.3, title="demo")
    >>> ax.get_title(), bool(ax.yaxis_inverted())
    ('demo', True)
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3))
    phase = np.mod(fold(light_curve["mjd"].to_numpy(), period) - phase_offset, 1.0)
    bands = light_curve["band"].to_numpy()
    for position, band in enumerate(pd.unique(bands)):
        rows = bands == band
        x = np.concatenate([phase[rows], phase[rows] + 1.0])
        y = np.tile(light_curve["mag"].to_numpy()[rows], 2)
        err = np.tile(light_curve["mag_err"].to_numpy()[rows], 2)
        ax.errorbar(
            x,
            y,
            yerr=err,
            fmt="o",
            ms=2.5,
            lw=0.6,
            color=band_color(str(band), position),
            label=str(band),
        )
    ax.set_xlim(0.0, 2.0)
    if not ax.yaxis_inverted():
        ax.invert_yaxis()
    ax.set_xlabel("phase")
    ax.set_ylabel("magnitude")
    ax.legend(fontsize="x-small", loc="best", markerscale=1.5)
    if title:
        ax.set_title(title, fontsize="small")
    return ax


def image_rgb(image: np.ndarray, bands: Sequence[str]) -> np.ndarray:
    """Colour picture of a multi-channel light-curve image: each band in its colour.

    Parameters
    ----------
    image : ndarray, shape (height, width, n_bands)
        One image of `LightCurveImages.images`.
    bands : sequence of str
        Band of each channel.

    Returns
    -------
    ndarray of float, shape (height, width, 3)
        RGB values in ``[0, 1]`` on a white background.

    Examples
    --------
    >>> rgb = image_rgb(np.ones((2, 2, 1)), ["g"])
    >>> rgb.shape, rgb[0, 0].round(2).tolist()
    ((2, 2, 3), [0.0, 0.5, 0.38])
    """
    from matplotlib.colors import to_rgb

    colours = np.array([to_rgb(band_color(band, k)) for k, band in enumerate(bands)])
    ink = np.clip(image, 0.0, 1.0)
    total = ink.sum(axis=-1, keepdims=True)
    mixed = (ink @ colours) / np.where(total > 0, total, 1.0)
    return np.where(total > 0, mixed, 1.0)


def plot_gallery(
    light_curves: LightCurves,
    periods: pd.DataFrame,
    images: LightCurveImages,
    *,
    labels: dict[object, str] | None = None,
    columns: int = 2,
) -> matplotlib.figure.Figure:
    """Figure of many objects: each folded light curve next to its image.

    Parameters
    ----------
    light_curves : LightCurves
        The light curves drawn.
    periods : pandas.DataFrame
        ``object_id`` and ``period`` columns (as from
        `tvs_classifier.periods.find_periods`); objects without a period are skipped.
    images : LightCurveImages
        Their images (from `tvs_classifier.images.render_images`).
    labels : dict, optional
        Text (e.g. a catalogue class) per object id, added to the titles.
    columns : int
        Objects per row of the figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from tvs_classifier.images import render_images
    >>> from tvs_classifier.lightcurves import LightCurves
    >>> t = np.arange(30) * 0.77
    >>> table = pd.DataFrame(
    ...     {
    ...         "object_id": "s",
    ...         "mjd": t,
    ...         "band": "g",
    ...         "mag": 15 + 0.1 * np.sin(2 * np.pi * t / 0.6),
    ...         "mag_err": 0.01,
    ...     }
    ... )
    >>> lcs = LightCurves.from_table(table)
    >>> periods = pd.DataFrame({"object_id": ["s"], "period": [0.6]})
    >>> fig = plot_gallery(lcs, periods, render_images(lcs, periods, bands=("g",)))
    >>> len(fig.axes)
    2
    """
    import matplotlib.pyplot as plt

    period_of = periods.set_index("object_id")["period"]
    position = {object_id: k for k, object_id in enumerate(images.object_ids)}
    shown = [
        object_id
        for object_id in light_curves.object_ids
        if np.isfinite(period_of.get(object_id, np.nan)) and object_id in position
    ]
    columns = max(1, min(columns, len(shown)))
    rows = max(1, -(-len(shown) // columns))
    fig, axes = plt.subplots(
        rows,
        2 * columns,
        figsize=(4.2 * columns * 1.6, 2.3 * rows),
        squeeze=False,
        gridspec_kw={"width_ratios": [1.6, 1.0] * columns},
    )
    for ax in axes.ravel():
        ax.set_visible(False)
    for k, object_id in enumerate(shown):
        ax_curve, ax_image = axes[k // columns, 2 * (k % columns) : 2 * (k % columns) + 2]
        ax_curve.set_visible(True)
        ax_image.set_visible(True)
        index = position[object_id]
        period = float(period_of[object_id])
        label = f" {labels[object_id]}" if labels and object_id in labels else ""
        plot_folded(
            light_curves[object_id],
            period,
            phase_offset=float(images.phase_offset[index]),
            ax=ax_curve,
            title=f"{object_id}{label}  P={period:.5g} d",
        )
        ax_image.imshow(
            image_rgb(images.images[index], images.bands), aspect="auto", interpolation="nearest"
        )
        ax_image.set_xticks([])
        ax_image.set_yticks([])
        ax_image.set_title("image", fontsize="small")
    fig.tight_layout()
    return fig
