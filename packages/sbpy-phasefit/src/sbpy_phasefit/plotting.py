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
from .results import model_of

__all__ = ["fit_band", "plot_fits"]


def fit_band(
    table: QTable, row: int, phase: ArrayLike | u.Quantity, n_draws: int = 400, seed: int = 0
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
    if "H" not in table.colnames:
        raise ValueError(
            "this draws one-band fits; for a shared-shape fit select a band's rows and "
            "columns first, or fit the bands separately (shared_shape=False)"
        )
    alpha = as_float_array(np.atleast_1d(phase), u.deg, "phase")
    params = np.array([u.Quantity(table[name][row]).value for name in model.param_names])
    best = model.evaluate(alpha, *params).value
    cov = np.asarray(table["covariance"][row], dtype=float)
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


def plot_fits(
    table: QTable,
    phase: ArrayLike | u.Quantity,
    mag: ArrayLike | u.Quantity,
    ids: ArrayLike | None = None,
    mag_err: ArrayLike | u.Quantity | None = None,
    *,
    max_objects: int = 12,
    title: str | None = None,
):
    """Plot the data and the fitted phase curve with its one-sigma band, per object.

    Parameters
    ----------
    table : astropy.table.QTable
        Result of `~sbpy_phasefit.fit_phase_curves` for these data.
    phase, mag, ids, mag_err
        The points that were fitted (as given to ``fit_phase_curves``).
    max_objects : int, optional
        Draw at most this many objects (the first rows of ``table``).
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
    """
    try:
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover - exercised only without matplotlib
        raise ImportError("plotting needs matplotlib: pip install 'sbpy-phasefit[plot]'") from None
    alpha = as_float_array(phase, u.deg, "phase")
    mags = as_float_array(mag, u.mag, "mag")
    errs = None if mag_err is None else as_float_array(mag_err, u.mag, "mag_err")
    ids_arr = np.zeros(alpha.size, dtype=int) if ids is None else np.asarray(ids)
    rows = min(len(table), max_objects)
    ncols = min(rows, 4) or 1
    nrows = max(1, math.ceil(rows / ncols))
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(3.2 * ncols, 2.8 * nrows), squeeze=False, layout="constrained"
    )
    model = model_of(table)
    for k, ax in enumerate(axes.flat):
        if k >= rows:
            ax.set_visible(False)
            continue
        sel = ids_arr == table["id"][k]
        top = max(30.0, float(np.nanmax(alpha[sel], initial=0.0)) * 1.1)
        grid = np.linspace(0.0, min(top, 150.0), 200)
        best, low, high = fit_band(table, k, grid)
        ax.fill_between(grid, low, high, color="C0", alpha=0.25, lw=0, label="1-sigma band")
        ax.plot(grid, best, color="C0", label=f"{model.name} fit")
        ax.errorbar(alpha[sel], mags[sel], yerr=None if errs is None else errs[sel], fmt="o",
                    color="k", ms=3, label="data")  # fmt: skip
        label = ", ".join(f"{n}={u.Quantity(table[n][k]).value:.3f}" for n in model.param_names)
        ax.set_title(f"{table['id'][k]}: {label}", fontsize=8)
        ax.invert_yaxis()
        ax.set_xlabel("phase angle (deg)")
        ax.set_ylabel("reduced magnitude")
    axes.flat[0].legend(fontsize=7)
    fig.suptitle(title or f"{model.name} phase-curve fits")
    return fig
