"""Mean colors of stars in the LSST bands, from their effective temperature.

The colors are those of blackbodies: synthetic AB magnitudes through the LSST 1.9
total throughputs (the curves bundled with sbpy-filter-transform), tabulated from 2000
to 30000 K in ``data/lsst_blackbody_colors.csv`` by ``tools/tvs_blackbody_colors.py``
and interpolated in log temperature. Real stars differ from blackbodies most in u
(the Balmer jump of A-F stars, line blanketing of cool stars) and for cool giants
(molecular bands of M stars), by up to a few tenths of a magnitude; the simulator uses
these colors to make classes differ the way their temperatures do, not to predict a
given star's color to a hundredth of a magnitude.

Examples
--------
>>> lsst_colors([5800.0]).round(2)
array([[ 1.25,  0.46,  0.  , -0.16, -0.2 , -0.18]])
"""

from __future__ import annotations

from functools import cache
from importlib.resources import as_file, files

import numpy as np
from numpy.typing import ArrayLike

from ..bands import LSST_BANDS

__all__ = ["TEFF_RANGE", "lsst_colors"]

#: Temperatures covered by the table, in K.
TEFF_RANGE: tuple[float, float] = (2000.0, 30000.0)


@cache
def _table() -> tuple[np.ndarray, np.ndarray]:
    """log10 temperature and the (n, 6) colors of the bundled table."""
    with as_file(files("tvs_classifier") / "data" / "lsst_blackbody_colors.csv") as path:
        table = np.loadtxt(path, delimiter=",", comments="#", skiprows=5)
    return np.log10(table[:, 0]), table[:, 1:]


def lsst_colors(teff: ArrayLike) -> np.ndarray:
    """Blackbody magnitudes in u g r i z y minus r, for effective temperatures.

    Parameters
    ----------
    teff : array_like
        Effective temperatures in K, within `TEFF_RANGE`.

    Returns
    -------
    ndarray, shape (n, 6)
        ``m_band - m_r`` for the bands u g r i z y (the r column is 0).

    Raises
    ------
    ValueError
        For a temperature that is not finite or outside `TEFF_RANGE`.

    Examples
    --------
    >>> colors = lsst_colors([3500.0, 10000.0])
    >>> bool(colors[0, 1] > colors[1, 1])  # a cool star is redder in g - r
    True
    """
    teff = np.atleast_1d(np.asarray(teff, dtype=float))
    low, high = TEFF_RANGE
    bad = ~np.isfinite(teff) | (teff < low) | (teff > high)
    if bad.any():
        raise ValueError(
            f"temperatures must lie within {low:g}-{high:g} K; got {teff[bad][:3].tolist()}"
        )
    log_teff, colors = _table()
    x = np.log10(teff)
    return np.stack([np.interp(x, log_teff, colors[:, b]) for b in range(len(LSST_BANDS))], axis=1)
