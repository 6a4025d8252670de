"""Fourier parameters of folded light curves: the shape of a light curve in a few numbers.

Each band of each object is folded with its period and fitted, by weighted least
squares (weights ``1 / mag_err**2``), with a cosine series of ``harmonics`` terms

``m(phi) = A_0 + sum_k A_k cos(2 pi k phi + phi_k)``

with ``phi`` the phase in cycles (`tvs_classifier.folding.fold`). Its shape is
described as catalogs such as OGLE-III describe it (Simon & Lee 1981, ApJ 248, 291;
Soszyński et al. 2008, AcA 58, 163): amplitude ratios ``R_k1 = A_k / A_1`` and phase
differences ``phi_k1 = phi_k - k phi_1`` (radians, in ``[0, 2 pi)``), which do not
depend on the epoch of phase 0. A sine series would give the same ``R_k1`` and
``phi_k1`` shifted by ``(k - 1) pi / 2``.

All objects and bands are fitted at once: products of the harmonics are harmonics, so
the normal equations of every band need only the weighted sums of ``cos(n x)`` and
``sin(n x)`` for ``n <= 2 * harmonics`` (one `numpy.bincount` each), and are solved as
one stack of small systems. A band with fewer than ``min_points`` points, or whose
phases leave the series undetermined (cover too little of the cycle), gets NaN.

Examples
--------
>>> import pandas as pd
>>> from tvs_classifier import LightCurves
>>> t = np.arange(80) * 0.731
>>> phase = 2 * np.pi * t / 0.6
>>> mag = 15 + 0.4 * np.cos(phase + 1.0) + 0.1 * np.cos(2 * phase + 3.0)
>>> table = pd.DataFrame({"object_id": "v", "mjd": t, "band": "g", "mag": mag, "mag_err": 0.01})
>>> params = fourier_parameters(LightCurves.from_table(table), [0.6], bands=("g", "r"))
>>> params.loc["v", ["r21_g", "phi21_g"]].round(6).tolist()  # 0.1 / 0.4, 3 - 2 * 1
[0.25, 1.0]
>>> bool(np.isnan(params.loc["v", "r21_r"]))  # no r band
True
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from ._aligned import aligned_periods
from ._grouped import group_counts, group_index, group_mean
from .bands import LSST_BANDS
from .folding import fold
from .lightcurves import LightCurves

__all__ = ["FOURIER_COLUMNS", "fourier_parameters"]

#: Columns of `fourier_parameters` per band (``<name>_<band>``), for 3 harmonics.
FOURIER_COLUMNS: tuple[str, ...] = ("r21", "phi21", "r31", "phi31", "fit_amp", "fit_scatter")

#: Smallest eigenvalue of a band's normal matrix scaled to unit diagonal for its fit to
#: count as determined (below it, the phases leave some harmonic free).
_MIN_EIGENVALUE = 1e-6
#: Phases at which the fitted series is evaluated for its peak-to-peak amplitude (each
#: extremum then refined by a parabola through its grid point and their neighbours).
_GRID = 256
#: Bands whose fitted series are evaluated on the grid at once (bounds the memory).
_CHUNK = 8192


def fourier_parameters(
    light_curves: LightCurves,
    periods: object,
    *,
    bands: tuple[str, ...] = LSST_BANDS,
    harmonics: int = 3,
    min_points: int = 10,
) -> pd.DataFrame:
    """Fourier parameters of every object's folded light curve in every band.

    Parameters
    ----------
    light_curves : LightCurves
        Validated light curves.
    periods : DataFrame, Series, mapping or array_like
        Period per object (days), in any form `tvs_classifier.features.compute_features`
        accepts; objects without a finite positive period get NaN.
    bands : tuple of str
        Bands to fit, in order.
    harmonics : int
        Terms of the cosine series (at least 3, for ``R31`` and ``phi31``).
    min_points : int
        Fewest points of a band for it to be fitted (at least ``2 * harmonics + 2``).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``object_id``; for each band, in order, the columns ``r21_<band>``,
        ``phi21_<band>``, ``r31_<band>``, ``phi31_<band>`` (see the module notes),
        ``fit_amp_<band>`` (peak-to-peak amplitude of the fitted series, mag) and
        ``fit_scatter_<band>`` (root mean square of the residuals over ``fit_amp``).
        NaN where the band has too few points, the fit is undetermined or there is no
        period.

    Raises
    ------
    ValueError
        If ``harmonics`` or ``min_points`` is too small, or the periods are malformed.

    Examples
    --------
    A pure sinusoid has no higher harmonics, and its residuals are the noise:

    >>> import pandas as pd
    >>> t = np.arange(200) * 0.37
    >>> noise = np.random.default_rng(1).normal(0.0, 0.01, 200)
    >>> table = pd.DataFrame(
    ...     {
    ...         "object_id": 1,
    ...         "mjd": t,
    ...         "band": "r",
    ...         "mag": 17 + 0.5 * np.sin(2 * np.pi * t / 0.45) + noise,
    ...         "mag_err": 0.01,
    ...     }
    ... )
    >>> p = fourier_parameters(LightCurves.from_table(table), [0.45], bands=("r",))
    >>> p.round(2).iloc[0].tolist()[0::2], p.round(2).iloc[0].tolist()[-2:]
    ([0.0, 0.0, 1.0], [1.0, 0.01])
    """
    harmonics = int(harmonics)
    if harmonics < 3:
        raise ValueError(f"harmonics={harmonics}: use at least 3 (R31 and phi31 need them)")
    if min_points < 2 * harmonics + 2:
        raise ValueError(
            f"min_points={min_points}: a fit of {harmonics} harmonics needs at least "
            f"{2 * harmonics + 2} points"
        )
    bands = tuple(bands)
    n_objects, n_bands = len(light_curves), len(bands)
    n_groups = n_objects * n_bands
    period = aligned_periods(light_curves, periods)
    has_period = np.isfinite(period) & (period > 0)
    table = light_curves.table
    band_index = light_curves.band_index(bands)
    object_index = light_curves.object_index
    band_index = np.where(has_period[object_index], band_index, -1)
    group = group_index(object_index, band_index, n_bands)
    keep = group >= 0
    group = group[keep]
    mjd = table["mjd"].to_numpy(dtype=np.float64)[keep]
    mag = table["mag"].to_numpy(dtype=np.float64)[keep]
    weight = 1.0 / table["mag_err"].to_numpy(dtype=np.float64)[keep] ** 2
    angle = 2.0 * np.pi * fold(mjd, period[object_index[keep]])
    # Magnitudes less their band's weighted mean: better conditioned normal equations.
    centred = mag - group_mean(mag, group, n_groups, weight)[group]

    coefficients = _fit(angle, centred, weight, group, n_groups, harmonics)
    counts = group_counts(group, n_groups)
    coefficients[counts < min_points] = np.nan
    cos_k, sin_k = coefficients[:, 1::2], coefficients[:, 2::2]
    amplitude = np.hypot(cos_k, sin_k)
    phase = np.arctan2(-sin_k, cos_k)  # c cos x + s sin x = A cos(x + phi)
    k = np.arange(1, harmonics + 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = amplitude / amplitude[:, :1]
    phase_difference = np.mod(phase - k * phase[:, :1], 2.0 * np.pi)

    residual = centred - _series(coefficients, angle, harmonics, group)
    rms = np.sqrt(group_mean(residual**2, group, n_groups))
    fit_amp = _peak_to_peak(coefficients, harmonics)
    with np.errstate(invalid="ignore", divide="ignore"):
        scatter = rms / fit_amp

    shape = (n_objects, n_bands)
    columns: dict[str, np.ndarray] = {}
    for b, band in enumerate(bands):
        at = np.arange(n_objects) * n_bands + b
        columns[f"r21_{band}"] = ratio[at, 1]
        columns[f"phi21_{band}"] = phase_difference[at, 1]
        columns[f"r31_{band}"] = ratio[at, 2]
        columns[f"phi31_{band}"] = phase_difference[at, 2]
        columns[f"fit_amp_{band}"] = fit_amp.reshape(shape)[:, b]
        columns[f"fit_scatter_{band}"] = scatter.reshape(shape)[:, b]
    return pd.DataFrame(columns, index=pd.Index(light_curves.object_ids, name="object_id"))


def _fit(
    angle: np.ndarray,
    values: np.ndarray,
    weight: np.ndarray,
    group: np.ndarray,
    n_groups: int,
    harmonics: int,
) -> np.ndarray:
    """Weighted least-squares coefficients ``[a0, c1, s1, c2, s2, ...]`` of every group.

    The basis is ``1, cos(x), sin(x), cos(2x), ...``; a product of two of its terms is a
    sum of two terms ``cos(n x)`` or ``sin(n x)`` with ``n <= 2 * harmonics``, so the
    normal matrix comes from the weighted sums ``C[n]`` and ``S[n]`` of those. Groups
    whose scaled normal matrix is (near) singular get NaN.
    """
    top = 2 * harmonics
    size = 2 * harmonics + 1
    c_sum = np.empty((top + 1, n_groups))
    s_sum = np.zeros((top + 1, n_groups))
    right = np.empty((n_groups, size))
    c_sum[0] = np.bincount(group, weight, minlength=n_groups)
    right[:, 0] = np.bincount(group, weight * values, minlength=n_groups)
    weighted_values = weight * values
    for n, (cos_n, sin_n) in enumerate(_harmonics(angle, top), start=1):
        c_sum[n] = np.bincount(group, weight * cos_n, minlength=n_groups)
        s_sum[n] = np.bincount(group, weight * sin_n, minlength=n_groups)
        if n <= harmonics:
            right[:, 2 * n - 1] = np.bincount(group, weighted_values * cos_n, minlength=n_groups)
            right[:, 2 * n] = np.bincount(group, weighted_values * sin_n, minlength=n_groups)

    def c(n: int) -> np.ndarray:
        return c_sum[abs(n)]

    def s(n: int) -> np.ndarray:
        return np.sign(n) * s_sum[abs(n)]

    normal = np.empty((n_groups, size, size))
    # Term j of the basis: (kind, order); kind 0 = cos, 1 = sin; the constant is cos(0 x).
    terms = [(0, 0)] + [(kind, k) for k in range(1, harmonics + 1) for kind in (0, 1)]
    for i, (kind_i, a) in enumerate(terms):
        for j, (kind_j, b) in enumerate(terms[: i + 1]):
            if kind_i == 0 and kind_j == 0:  # cos a cos b
                value = 0.5 * (c(a - b) + c(a + b))
            elif kind_i == 1 and kind_j == 1:  # sin a sin b
                value = 0.5 * (c(a - b) - c(a + b))
            elif kind_i == 1:  # sin a cos b
                value = 0.5 * (s(a + b) + s(a - b))
            else:  # cos a sin b
                value = 0.5 * (s(a + b) - s(a - b))
            normal[:, i, j] = normal[:, j, i] = value

    coefficients = np.full((n_groups, size), np.nan)
    diagonal = np.einsum("gii->gi", normal)
    usable = np.flatnonzero((diagonal > 0).all(axis=1))
    scale = 1.0 / np.sqrt(diagonal[usable])
    scaled = normal[usable] * scale[:, :, None] * scale[:, None, :]
    determined = np.linalg.eigvalsh(scaled)[:, 0] > _MIN_EIGENVALUE
    at = usable[determined]
    solution = np.linalg.solve(scaled[determined], (right[at] * scale[determined])[:, :, None])[
        :, :, 0
    ]
    coefficients[at] = solution * scale[determined]
    return coefficients


def _series(
    coefficients: np.ndarray, angle: np.ndarray, harmonics: int, rows: np.ndarray | None = None
) -> np.ndarray:
    """Series of ``coefficients`` (as `_fit` gives them; of ``coefficients[rows]``) at ``angle``.

    With ``rows``, one coefficient column is gathered at a time (no copy of the
    coefficients per point).
    """
    take = (lambda j: coefficients[..., j]) if rows is None else (lambda j: coefficients[rows, j])
    value = take(0)
    for k, (cos_k, sin_k) in enumerate(_harmonics(angle, harmonics), start=1):
        value = value + take(2 * k - 1) * cos_k + take(2 * k) * sin_k
    return value


def _harmonics(angle: np.ndarray, top: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """``cos(n angle), sin(n angle)`` for ``n = 1 .. top``, by the angle-addition formulas.

    Two trigonometric calls in all; the rest are products (rounding grows by about one
    unit in the last place per step, far below what a fit resolves).
    """
    cos_1, sin_1 = np.cos(angle), np.sin(angle)
    cos_n, sin_n = cos_1, sin_1
    for n in range(1, top + 1):
        if n > 1:
            cos_n, sin_n = cos_n * cos_1 - sin_n * sin_1, sin_n * cos_1 + cos_n * sin_1
        yield cos_n, sin_n


def _peak_to_peak(coefficients: np.ndarray, harmonics: int) -> np.ndarray:
    """Peak-to-peak amplitude of every group's fitted series (NaN where not fitted)."""
    grid = 2.0 * np.pi * np.arange(_GRID) / _GRID
    out = np.full(len(coefficients), np.nan)
    fitted = np.flatnonzero(np.isfinite(coefficients).all(axis=1))
    for start in range(0, fitted.size, _CHUNK):
        at = fitted[start : start + _CHUNK]
        curves = _series(coefficients[at, None, :], grid, harmonics)
        out[at] = _extremum(curves, curves.argmax(axis=1)) - _extremum(
            curves, curves.argmin(axis=1)
        )
    return out


def _extremum(curves: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Extreme value of each periodic curve near grid point ``at``, by a parabola
    through it and its two neighbours (error of order ``step**4`` instead of ``step**2``)."""
    rows = np.arange(len(curves))
    size = curves.shape[1]
    before, here, after = (curves[rows, (at + shift) % size] for shift in (-1, 0, 1))
    curvature = before - 2.0 * here + after
    with np.errstate(invalid="ignore", divide="ignore"):
        shift = np.where(curvature != 0, (after - before) ** 2 / (8.0 * curvature), 0.0)
    return here - shift
