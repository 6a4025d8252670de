"""Figures: band offsets against spectral slope.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from sbpy_filter_transform.plotting import plot_offsets_vs_slope
>>> fig = plot_offsets_vs_slope("ATLAS o")
>>> len(fig.axes[0].lines)  # six bands and the zero line
7
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .bandpasses import LSST_BANDS
from .transform import transform

__all__ = ["plot_offsets_vs_slope"]


def plot_offsets_vs_slope(
    from_band,
    to_bands: Sequence = LSST_BANDS,
    slopes=None,
    *,
    system="AB",
    points=None,
    ax=None,
):
    """Plot m_to - m_from against the spectral slope of the Sun times a linear reflectance.

    Parameters
    ----------
    from_band
        Input band (anything `~sbpy_filter_transform.bandpasses.get_bandpass` accepts).
    to_bands : sequence
        Output bands, one line each (default: the six LSST bands).
    slopes : array-like, optional
        Slopes in %/100 nm (normalized at 550 nm); default -5 to 25 in steps of 0.5.
    system : str
        Magnitude system of both bands.
    points : tuple of arrays, optional
        ``(slopes, offsets_by_band)`` of objects to overplot, ``offsets_by_band`` a
        dict band name -> offsets.
    ax : matplotlib.axes.Axes, optional
        Axes to draw in (default: a new figure).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_offsets_vs_slope("ATLAS o", ["LSST r"], [0.0, 10.0])
    >>> fig.axes[0].get_xlabel()
    'spectral slope (%/100 nm at 550 nm)'
    """
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
    else:
        fig = ax.figure
    slopes = np.linspace(-5, 25, 61) if slopes is None else np.asarray(slopes, dtype=float)
    zero = np.zeros_like(slopes)
    for band in to_bands:
        offsets = transform(zero, from_band, band, slope=slopes, system=system).value
        (line,) = ax.plot(slopes, offsets, label=str(band))
        if points is not None and band in points[1]:
            ax.plot(points[0], points[1][band], "o", ms=4, color=line.get_color())
    ax.set_xlabel("spectral slope (%/100 nm at 550 nm)")
    ax.set_ylabel(f"m(band) - m({from_band}) [{system} mag]")
    ax.set_title(f"Sun x linear reflectance: offsets from {from_band}")
    ax.axhline(0, color="0.7", lw=0.8)
    ax.legend(ncols=3, fontsize="small")
    ax.yaxis.set_major_formatter(plt.FormatStrFormatter("%.2f"))
    ax.set_xlim(slopes.min(), slopes.max())
    return fig
