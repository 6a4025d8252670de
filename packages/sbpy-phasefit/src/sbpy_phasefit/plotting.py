"""Figures of phase-curve fits: data, best fit and its one-sigma band, one panel per object.

Needs matplotlib (``pip install sbpy-phasefit[plot]``).

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from sbpy_phasefit import fit_phase_curves
>>> from sbpy_phasefit.datasets import load_carbognani2019
>>> data = load_carbognani2019()
>>> fits = fit_phase_curves(data["alpha"], data["v"], data["id"], model="HG12")
>>> fig = plot_fits(fits, data["alpha"], data["v"], data["id"])
>>> sum(ax.get_visible() for ax in fig.axes)
7
"""

from __future__ import annotations

import math

import astropy.units as u
import numpy as np
from astropy.table import QTable
from numpy.typing import ArrayLike

from ._input import as_float_array
from .results import _shared_bands, model_of, param_names

__all__ = ["fit_band", "plot_fits"]


def _band_curve(table: QTable, row: int, band: str | None, model) -> tuple[np.ndarray, np.ndarray]:
    """Parameters (``H`` first) and their covariance for one band of one row.

    A one-band row gives its own parameters; a shared-shape row gives that band's
    ``H_<band>`` with the shared shape parameters, and the matching block of the joint
    covariance.
    """
    names = param_names(table)
    n_shape = model.n_params - 1
    bands = _shared_bands(names, n_shape)
    if bands is None:
        h_index = names.index("H")
    elif band is None or str(band) not in bands:
        raise ValueError(
            f"the table holds one H per band ({', '.join(bands)}): pass band= one of them"
        )
    else:
        h_index = names.index(f"H_{band}")
    index = [h_index, *range(len(names) - n_shape, len(names))]
    params = np.array([u.Quantity(table[names[i]][row]).value for i in index])
    cov = np.asarray(table["covariance"][row], dtype=float)[np.ix_(index, index)]
    return params, cov


def fit_band(
    table: QTable,
    row: int,
    phase: ArrayLike | u.Quantity,
    band: str | None = None,
    n_draws: int = 400,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Best-fit magnitudes and a one-sigma band of one object's fit.

    The band holds the 16th and 84th percentiles of the model over parameters drawn
    from the fit's covariance (a normal approximation); it collapses onto the best fit
    where the covariance is not available.

    Parameters
    ----------
    table : astropy.table.QTable
        Result of `~sbpy_phasefit.fit_phase_curves`.
    row : int
        Row of the object.
    phase : array_like or astropy.units.Quantity
        Phase angles to evaluate at (plain numbers are degrees).
    band : str, optional
        For a shared-shape fit (one ``H_<band>`` per band), the band to draw: its
        ``H`` with the shared shape, and their joint uncertainty.
    n_draws : int, optional
        Parameter draws for the band.
    seed : int, optional
        Seed of the draws.

    Returns
    -------
    best, low, high : numpy.ndarray
        Magnitudes (mag) at ``phase``.

    Examples
    --------
    >>> from sbpy_phasefit import fit_phase_curves
    >>> t = fit_phase_curves([1, 5, 10, 20], [7.0, 7.3, 7.5, 7.9], mag_err=[0.05] * 4, model="HG")
    >>> best, low, high = fit_band(t, 0, [0.0, 10.0])
    >>> bool(np.all(low <= best) and np.all(best <= high))
    True
    """
    model = model_of(table)
    params, cov = _band_curve(table, row, band, model)
    alpha = as_float_array(np.atleast_1d(phase), u.deg, "phase")
    best = model.evaluate(alpha, *params).value
    if not (np.all(np.isfinite(cov)) and np.all(np.isfinite(params))):
        return best, best.copy(), best.copy()
    draws = np.random.default_rng(seed).multivariate_normal(
        params, cov, size=n_draws, method="eigh"
    )
    curves = model.evaluate(
        alpha[None, :], *(draws[:, j : j + 1] for j in range(model.n_params))
    ).value
    low, high = np.nanpercentile(curves, [16, 84], axis=0)
    return best, np.minimum(low, best), np.maximum(high, best)


def _curves_of(table: QTable, object_id, model) -> list[tuple[int, str | None]]:
    """The (row, band) pairs drawn in one object's panel."""
    rows = np.flatnonzero(np.asarray(table["id"]) == object_id)
    bands = _shared_bands(param_names(table), model.n_params - 1)
    if bands is not None:
        row = int(rows[0])
        return [(row, b) for b in bands if np.isfinite(u.Quantity(table[f"H_{b}"][row]).value)]
    if "band" in table.colnames:
        return [(int(r), str(table["band"][r])) for r in rows]
    return [(int(rows[0]), None)]


def plot_fits(
    table: QTable,
    phase: ArrayLike | u.Quantity,
    mag: ArrayLike | u.Quantity,
    ids: ArrayLike | None = None,
    mag_err: ArrayLike | u.Quantity | None = None,
    bands: ArrayLike | None = None,
    *,
    max_objects: int = 12,
    title: str | None = None,
):
    """Plot the data and the fitted phase curve with its one-sigma band, per object and band.

    One panel per object; in it, each band's points, fitted curve and one-sigma band in
    a color of its own (the same band has the same color in every panel). Works for
    one-band fits, bands fitted separately (a ``band`` column) and shared-shape fits
    (one ``H_<band>`` per band).

    Parameters
    ----------
    table : astropy.table.QTable
        Result of `~sbpy_phasefit.fit_phase_curves` for these data.
    phase, mag, ids, mag_err, bands
        The points that were fitted (as given to ``fit_phase_curves``); ``bands`` is
        needed where the fit had bands.
    max_objects : int, optional
        Draw at most this many objects (the first of ``table``).
    title : str, optional
        Figure title (default: the model name).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sbpy_phasefit import fit_phase_curves
    >>> t = fit_phase_curves([1, 5, 10, 20], [7.0, 7.3, 7.5, 7.9], model="HG")
    >>> plot_fits(t, [1, 5, 10, 20], [7.0, 7.3, 7.5, 7.9]).axes[0].get_xlabel()
    'phase angle (deg)'

    Two bands sharing one G12:

    >>> alpha = [1, 5, 10, 20, 2, 8, 15, 25]
    >>> mags = [7.0, 7.3, 7.5, 7.9, 6.6, 6.9, 7.2, 7.6]
    >>> band = ["g"] * 4 + ["r"] * 4
    >>> t = fit_phase_curves(alpha, mags, bands=band, shared_shape=True, model="HG12")
    >>> fig = plot_fits(t, alpha, mags, bands=band)
    >>> [text.get_text() for text in fig.axes[0].get_legend().get_texts()]
    ['g: H=6.94', 'r: H=6.44']
    """
    try:
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover - exercised only without matplotlib
        raise ImportError("plotting needs matplotlib: pip install 'sbpy-phasefit[plot]'") from None
    model = model_of(table)
    alpha = as_float_array(phase, u.deg, "phase")
    mags = as_float_array(mag, u.mag, "mag")
    errs = None if mag_err is None else as_float_array(mag_err, u.mag, "mag_err")
    ids_arr = np.zeros(alpha.size, dtype=int) if ids is None else np.asarray(ids)
    has_bands = "band" in table.colnames or _shared_bands(param_names(table), model.n_params - 1)
    if has_bands and bands is None:
        raise ValueError("the fit has bands: pass bands= the band of each point, as fitted")
    band_arr = None if bands is None else np.asarray(bands).astype(str)
    objects = list(dict.fromkeys(np.asarray(table["id"]).tolist()))[:max_objects]
    ncols = min(len(objects), 4) or 1
    nrows = max(1, math.ceil(len(objects) / ncols))
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(3.2 * ncols, 2.8 * nrows), squeeze=False, layout="constrained"
    )
    colors: dict[str | None, str] = {}
    for k, ax in enumerate(axes.flat):
        if k >= len(objects):
            ax.set_visible(False)
            continue
        object_id = objects[k]
        curves = _curves_of(table, object_id, model)
        for row, band in curves:
            color = colors.setdefault(band, f"C{len(colors)}")
            sel = ids_arr == object_id
            if band is not None:
                sel &= band_arr == band
            top = max(30.0, float(np.nanmax(alpha[sel], initial=0.0)) * 1.1)
            grid = np.linspace(0.0, min(top, 150.0), 200)
            best, low, high = fit_band(table, row, grid, band=band)
            h = best[0] if band is None else _band_curve(table, row, band, model)[0][0]
            label = f"{model.name} fit" if band is None else f"{band}: H={h:.2f}"
            ax.fill_between(grid, low, high, color=color, alpha=0.25, lw=0)
            ax.plot(grid, best, color=color, label=label)
            ax.errorbar(alpha[sel], mags[sel], yerr=None if errs is None else errs[sel],
                        fmt="o", color=color if band is not None else "k", ms=3)  # fmt: skip
        row = curves[0][0]
        shape = model.param_names[1:] if curves[0][1] is not None else model.param_names
        text = ", ".join(f"{n}={u.Quantity(table[n][row]).value:.3f}" for n in shape)
        ax.set_title(f"{object_id}: {text}", fontsize=8)
        ax.invert_yaxis()
        ax.set_xlabel("phase angle (deg)")
        ax.set_ylabel("reduced magnitude")
        ax.legend(fontsize=7)
    fig.suptitle(title or f"{model.name} phase-curve fits (shaded: one-sigma band)")
    return fig
