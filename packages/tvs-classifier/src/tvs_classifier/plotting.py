"""Figures: folded light curves, the images the classifier sees, and its scores.

`plot_folded`, `plot_gallery` and `image_rgb` show the inputs; `plot_confusion_matrix`,
`plot_reliability` and `plot_probabilities` show what a trained classifier does;
`plot_probability_bars` and `plot_class_history` show one object's result and how it
changed from run to run; `plot_period_luminosity` shows the period-luminosity diagram
of the classified pulsating stars (`tvs_classifier.period_luminosity`).

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
    from .period_luminosity import Relation

__all__ = [
    "BAND_COLORS",
    "band_color",
    "image_rgb",
    "plot_class_history",
    "plot_confusion_matrix",
    "plot_folded",
    "plot_gallery",
    "plot_period_luminosity",
    "plot_probabilities",
    "plot_probability_bars",
    "plot_reliability",
]

#: Plot colors of LSST's bands (blue to red) and of ZTF's.
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
    """Color of a band: its own in `BAND_COLORS`, else one by position.

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
    """Color picture of a multi-channel light-curve image: each band in its color.

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

    colors = np.array([to_rgb(band_color(band, k)) for k, band in enumerate(bands)])
    ink = np.clip(image, 0.0, 1.0)
    total = ink.sum(axis=-1, keepdims=True)
    mixed = (ink @ colors) / np.where(total > 0, total, 1.0)
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
        Text (e.g. a catalog class) per object id, added to the titles.
    columns : int
        Objects per row of the figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from tvs_classifier import render_images
    >>> from tvs_classifier import LightCurves
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


def plot_confusion_matrix(
    matrix: np.ndarray,
    labels: Sequence[str],
    *,
    normalize: bool = True,
    ax: matplotlib.axes.Axes | None = None,
    title: str | None = None,
) -> matplotlib.axes.Axes:
    """Draw a confusion matrix (rows true, columns predicted) with the counts written in.

    Parameters
    ----------
    matrix : array_like, shape (n, n)
        Counts (`tvs_classifier.classifier.evaluation.confusion_matrix`, or a model card's
        ``confusion_matrix``).
    labels : sequence of str
        Class of each row and column.
    normalize : bool
        Color by the fraction of each true class (row) rather than by count.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure otherwise.
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = plot_confusion_matrix([[5, 1], [0, 4]], ["RRab", "RRc"])
    >>> ax.get_xlabel(), len(ax.texts)
    ('predicted', 4)
    """
    import matplotlib.pyplot as plt

    counts = np.asarray(matrix)
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1] or counts.shape[0] != len(labels):
        raise ValueError(f"a {counts.shape} matrix for {len(labels)} labels: give n x n for n")
    if ax is None:
        size = 1.2 + 0.55 * len(labels)
        _, ax = plt.subplots(figsize=(size + 1.0, size))
    rows = counts.sum(axis=1, keepdims=True)
    shade = counts / np.where(rows > 0, rows, 1) if normalize else counts
    image = ax.imshow(shade, cmap="Blues", vmin=0, vmax=1 if normalize else None)
    ax.figure.colorbar(
        image, ax=ax, fraction=0.046, label="fraction of true class" if normalize else "count"
    )
    for (i, j), value in np.ndenumerate(counts):
        dark = shade[i, j] > 0.6 * (shade.max() or 1)
        ax.text(
            j,
            i,
            str(value),
            ha="center",
            va="center",
            fontsize="small",
            color="white" if dark else "black",
        )
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    if title:
        ax.set_title(title, fontsize="small")
    return ax


def plot_reliability(
    table: pd.DataFrame,
    *,
    ax: matplotlib.axes.Axes | None = None,
    label: str | None = None,
) -> matplotlib.axes.Axes:
    """Reliability diagram: accuracy against confidence per bin, with the diagonal.

    Parameters
    ----------
    table : pandas.DataFrame
        From `tvs_classifier.classifier.calibration.reliability` (``lower, upper, count,
        confidence, accuracy``).
    ax : matplotlib.axes.Axes, optional
        Where to draw (draw several calibrations on one axes to compare).
    label : str, optional
        Legend label of this curve.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from tvs_classifier.classifier.calibration import reliability
    >>> ax = plot_reliability(reliability([[0.9, 0.1], [0.3, 0.7]], [0, 1], bins=5))
    >>> ax.get_xlabel()
    'confidence'
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(4, 4))
    used = table["count"] > 0
    ax.plot([0, 1], [0, 1], ls=":", color="grey", lw=1)
    ax.plot(table.loc[used, "confidence"], table.loc[used, "accuracy"], "o-", ms=4, label=label)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("confidence")
    ax.set_ylabel("accuracy")
    if label:
        ax.legend(fontsize="small")
    return ax


def plot_probabilities(
    light_curve: pd.DataFrame,
    result: pd.Series,
    *,
    fig: matplotlib.figure.Figure | None = None,
) -> matplotlib.figure.Figure:
    """One object's folded light curve next to a bar chart of its class probabilities.

    Parameters
    ----------
    light_curve : pandas.DataFrame
        Columns ``mjd, band, mag, mag_err`` of the object (``light_curves[id]``).
    result : pandas.Series
        The object's row of `tvs_classifier.classifier.classify.classify` (``period`` and the
        ``prob_<name>`` columns, all of which are drawn; the predicted subclass and
        class in red).
    fig : matplotlib.figure.Figure, optional
        Figure to draw in; a new one otherwise.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> lc = pd.DataFrame(
    ...     {"mjd": np.arange(20.0), "band": "g", "mag": np.sin(np.arange(20.0)), "mag_err": 0.1}
    ... )
    >>> row = pd.Series(
    ...     {
    ...         "object_id": 1,
    ...         "period": 0.7,
    ...         "prob_RRab": 0.8,
    ...         "prob_RRc": 0.2,
    ...         "subclass": "RRab",
    ...         "class": "RRL",
    ...     }
    ... )
    >>> len(plot_probabilities(lc, row).axes)
    2
    """
    import matplotlib.pyplot as plt

    names = [key for key in result.index if str(key).startswith("prob_")]
    if fig is None:  # a bar needs about a sixth of an inch to keep its label legible
        fig = plt.figure(figsize=(8, max(3.0, 0.8 + 0.17 * len(names))))
    ax_curve, ax_bars = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.6, 1.0]})
    period = float(result.get("period", np.nan))
    title = f"{result.get('object_id', '')}  P={period:.5g} d"
    if np.isfinite(period):
        plot_folded(light_curve, period, ax=ax_curve, title=title)
    else:
        ax_curve.set_title(f"{title} (no period)", fontsize="small")
    plot_probability_bars(result, ax=ax_bars)
    fig.tight_layout()
    return fig


def plot_probability_bars(
    result: pd.Series, *, ax: matplotlib.axes.Axes | None = None
) -> matplotlib.axes.Axes:
    """Bars of one object's probabilities, the predicted subclass and class in red.

    Parameters
    ----------
    result : pandas.Series
        The object's row of `tvs_classifier.classify` (its ``prob_<name>`` columns,
        ``subclass`` and ``class``).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure otherwise.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> row = pd.Series({"prob_RRab": 0.8, "prob_RRc": 0.2, "subclass": "RRab"})
    >>> [t.get_text() for t in plot_probability_bars(row).get_yticklabels()]
    ['RRab', 'RRc']
    """
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.figure(figsize=(4, 4)).add_subplot()
    names = [key for key in result.index if str(key).startswith("prob_")]
    values = np.array([float(result[key]) for key in names])
    labels = [str(key)[len("prob_") :] for key in names]
    best = {str(result.get("subclass")), str(result.get("class"))}
    colors = ["#d62728" if label in best else "#1f77b4" for label in labels]
    ax.barh(range(len(labels)), np.nan_to_num(values), color=colors)
    ax.set_yticks(range(len(labels)), labels, fontsize="small")
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("probability")
    return ax


def plot_class_history(
    history: pd.DataFrame, *, ax: matplotlib.axes.Axes | None = None
) -> matplotlib.axes.Axes:
    """One object's classifications over time: each run's class and its probability.

    Parameters
    ----------
    history : pandas.DataFrame
        The object's rows of `tvs_classifier.store.ClassificationStore.history`:
        ``classified_at`` (or, without it, ``run_id``), ``class``, ``class_prob`` and
        ``model_version``, one row per run that classified it.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure otherwise.

    Returns
    -------
    matplotlib.axes.Axes
        A point per run at its class probability, one marker and color per class
        (labelled), joined in time order; a dotted line where the model version
        changes.

    Examples
    --------
    >>> history = pd.DataFrame(
    ...     {
    ...         "run_id": [1, 2, 3],
    ...         "class": ["ECL", "RRL", "RRL"],
    ...         "class_prob": [0.55, 0.8, 0.97],
    ...         "model_version": ["tvs-cnn-a", "tvs-cnn-a", "tvs-cnn-b"],
    ...     }
    ... )
    >>> ax = plot_class_history(history)
    >>> sorted(t.get_text() for t in ax.get_legend().get_texts())
    ['ECL', 'RRL']
    """
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.figure(figsize=(5, 2.6)).add_subplot()
    time_column = "classified_at" if "classified_at" in history.columns else "run_id"
    rows = history.sort_values(time_column)
    when = rows[time_column]
    if time_column == "classified_at":
        when = pd.to_datetime(when, utc=True).dt.tz_localize(None)
    ax.plot(when, rows["class_prob"], color="0.7", lw=1, zorder=1)
    markers = "osD^v<>ph*"
    for k, (name, group) in enumerate(rows.groupby("class", sort=True)):
        ax.scatter(
            when[group.index], group["class_prob"], marker=markers[k % len(markers)],
            color=_FALLBACK[k % len(_FALLBACK)], label=str(name), zorder=2,
        )  # fmt: skip
    if "model_version" in rows.columns:
        versions = rows["model_version"].to_numpy()
        for position in np.flatnonzero(versions[1:] != versions[:-1]) + 1:
            ax.axvline(when.iloc[position], color="0.4", ls=":", lw=1)
    if len(rows) == 1 and time_column == "classified_at":
        ax.set_xlim(when.iloc[0] - pd.Timedelta(days=1), when.iloc[0] + pd.Timedelta(days=1))
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("class probability")
    ax.set_xlabel("classified at (UTC)" if time_column == "classified_at" else "run")
    ax.legend(fontsize="small", loc="lower right")
    return ax


def plot_period_luminosity(
    table: pd.DataFrame,
    relations: dict[str, Relation],
    *,
    label: str = "mean magnitude",
    ax: matplotlib.axes.Axes | None = None,
) -> matplotlib.axes.Axes:
    """The period-luminosity diagram: stars, their subclasses' relations, stars off them.

    Parameters
    ----------
    table, relations
        What `tvs_classifier.period_luminosity.period_luminosity` returns.
    label : str
        What the magnitude axis shows (e.g. ``"r"`` or ``"W(g, r)"``).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure otherwise.

    Returns
    -------
    matplotlib.axes.Axes
        One color per subclass (labelled with its number of stars), each fitted relation
        as a line over its stars' periods, the stars off their relation circled in red;
        brighter up.

    Examples
    --------
    >>> from tvs_classifier.period_luminosity import Relation
    >>> table = pd.DataFrame(
    ...     {
    ...         "subclass": ["RRab"] * 3 + ["CEP_F"],
    ...         "log_period": [-0.3, -0.25, -0.2, 0.5],
    ...         "magnitude": [19.4, 19.2, 19.1, 16.0],
    ...         "off_relation": [False, False, True, False],
    ...     }
    ... )
    >>> ax = plot_period_luminosity(table, {"RRab": Relation(18.5, -3.0, 0.05, 3, 2)})
    >>> bool(ax.yaxis_inverted()), len(ax.get_legend().get_texts())
    (True, 3)
    """
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.figure(figsize=(6, 4.2)).add_subplot()
    for k, (name, stars) in enumerate(table.groupby("subclass", sort=True)):
        color = _FALLBACK[k % len(_FALLBACK)]
        ax.scatter(
            stars["log_period"], stars["magnitude"], s=12, color=color,
            label=f"{name} ({len(stars)})", zorder=2,
        )  # fmt: skip
        if name in relations:
            x = np.linspace(stars["log_period"].min(), stars["log_period"].max(), 2)
            ax.plot(x, relations[name](x), color=color, lw=1.5, zorder=3)
    off = table[table["off_relation"].astype(bool)]
    if len(off):
        ax.scatter(
            off["log_period"], off["magnitude"], s=70, facecolors="none",
            edgecolors="red", lw=1.2, label=f"off relation ({len(off)})", zorder=4,
        )  # fmt: skip
    if not ax.yaxis_inverted():
        ax.invert_yaxis()
    ax.set_xlabel("log10 period (d)")
    ax.set_ylabel(label)
    if len(table):
        ax.legend(fontsize="small", loc="best")
    return ax
