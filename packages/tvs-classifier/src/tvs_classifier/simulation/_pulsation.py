"""What the simulated pulsating stars share: catalog rows, colors, bands, Fourier modes.

Every pulsating subclass but RRab (RRc and RRd in `tvs_classifier.simulation.rrlyrae`, Cepheids in
`tvs_classifier.simulation.cepheids`, delta Scuti stars in `tvs_classifier.simulation.delta_scuti`) is made
the same way, with the helpers here:

* **Catalog rows** (`resample`): real OGLE-III LMC stars drawn at random with
  replacement, all their parameters together (period, I amplitude, Fourier parameters,
  mean V and I), skipping rows with a missing value. `fill_undetected` first turns
  OGLE's "harmonic not detected" (``R_k1 = 0``, ``phi_k1`` missing) into a zero term.
* **Smoothed bootstrap** (``resample(..., smooth=True)``, used by every catalog-based
  subclass): each drawn row gets Gaussian kernel noise, so that stars drawn from one
  catalog row are alike but not identical, and a small catalog (21 first-overtone
  anomalous Cepheids) does not repeat the same light curves exactly. This samples a
  kernel density estimate of the catalog instead of the catalog itself (the smoothed
  bootstrap: Silverman & Young 1987, Biometrika 74, 469; Efron & Tibshirani 1993, An
  Introduction to the Bootstrap). The kernel is a product of one Gaussian per
  column, of bandwidth `silverman_bandwidth` (Silverman 1986, eq. 3.31) over the
  catalog rows the draw chooses from: ``h = 0.9 min(sd, IQR / 1.34) m**(-1/5)`` for
  ``m`` rows, in the coordinates where the column is most nearly Gaussian. A row keeps
  its correlations (period-amplitude, period-shape, period-color) up to the bandwidth.
  The rules:

  - ``period``, ``amp_I`` (and ``amp_I_F``): in log10, so they stay positive; the
    period is reflected at the shortest and longest period of the catalog rows (the
    reflection method for a density with bounded support, Silverman 1986), so that the
    period range of a class stays that of its catalog (type II Cepheid subtypes are
    defined by period); further periods (``period_F`` of RRd stars) are scaled with
    ``period``, keeping the star's period ratio, tightly fixed by pulsation physics;
  - ``R_k1``: additive, clipped at 0; ``phi_k1``: additive, wrapped into [0, 2 pi),
    its bandwidth from the deviations from the circular mean; a harmonic OGLE did not
    detect (``R_k1 = 0``) stays absent, and both bandwidths come from the stars with
    the harmonic;
  - ``V``: the color ``V - I`` gets noise of its own bandwidth (``I`` is kept), the
    magnitudes only matter through the color;
  - identifiers, subtypes and any other column are kept.

  The spread of a column grows by the factor ``sqrt(1 + (h / sd)**2)``, at most 1.4%
  for the 4877 RRc stars with V and 12% for the 20 ``ACep_1O`` stars with V (less for
  periods, which the reflection keeps inside the catalog's range).
* **Colors** (`colors_from_vi`): OGLE's mean ``V - I``, de-reddened with the mean
  LMC reddening ``E(V-I) = 0.09`` mag of Haschke, Grebel & Duffau (2011, AJ 141, 158,
  from red clump stars), gives an effective temperature through the (V-I)_C relation
  of Casagrande et al. (2010, A&A 512, A54, Table 4) at the family's metallicity, and
  the temperature gives blackbody LSST colors (`tvs_classifier.simulation.colors.lsst_colors`).
  The relation is calibrated for 0.46 <= (V-I)_0 <= 1.47; bluer stars (delta Scuti
  stars, some RR Lyrae) use its extrapolation down to (V-I)_0 = 0.1 (about 9000 K).
* **Bands** (`at_wavelengths`): a quantity known at some wavelengths (amplitude ratios,
  Fourier coefficients) is interpolated linearly in inverse wavelength to the LSST
  bands, and extrapolated linearly from the two nearest known wavelengths outside them.
* **Modes** (`Mode`, `ogle_mode`, `pulsating_stars`): each pulsation mode is a Fourier
  series per band with its own period; a star's light curve is the sum of its modes,
  with a uniformly random phase per mode at the start of the survey.

Examples
--------
>>> import numpy as np
>>> table = pd.DataFrame({"period": [1.0, 2.0, np.nan], "amp_I": [0.5, 0.4, 0.3]})
>>> resample(table, 4, np.random.default_rng(0), ["period", "amp_I"])["period"].tolist()
[2.0, 2.0, 2.0, 1.0]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ..bands import LSST_BANDS, LSST_WAVELENGTH
from ._fourier import fourier_curve, ogle_coefficients, peak_to_peak
from .base import SimulatedStars
from .colors import lsst_colors

__all__ = [
    "E_VI_LMC",
    "JOHNSON_COUSINS_WAVELENGTH",
    "Mode",
    "at_wavelengths",
    "catalog_stars",
    "colors_from_vi",
    "fill_undetected",
    "ogle_mode",
    "pulsating_stars",
    "resample",
    "scaled_mode",
    "silverman_bandwidth",
    "teff_from_vi",
]

#: Effective wavelengths (nm) of Johnson-Cousins B, V, I (Bessell, Castelli & Plez
#: 1998, A&A 333, 231, Table A2, for Vega).
JOHNSON_COUSINS_WAVELENGTH: dict[str, float] = {"B": 438.0, "V": 545.0, "I": 798.0}

#: Mean reddening E(V-I) of the LMC (Haschke, Grebel & Duffau 2011, AJ 141, 158).
E_VI_LMC: float = 0.09


# Casagrande et al. (2010) Table 4, (V-I)_C: theta = 5040 / Teff = a0 + a1 X + a2 X^2
# + a3 X [Fe/H] + a4 [Fe/H] + a5 [Fe/H]^2.
_CASAGRANDE_VI = (0.4033, 0.8171, -0.1987, -0.0409, 0.0319, 0.0012)
_VI_RANGE = (0.1, 1.47)


def resample(
    table: pd.DataFrame,
    n: int,
    rng: np.random.Generator,
    columns: Sequence[str],
    *,
    smooth: bool = False,
) -> pd.DataFrame:
    """``n`` rows drawn uniformly with replacement among those complete in ``columns``.

    Parameters
    ----------
    table : pandas.DataFrame
        Catalog, one row per star.
    n : int
        Number of rows to draw.
    rng : numpy.random.Generator
        Random numbers.
    columns : sequence of str
        Columns a row must have (not NaN) to be drawn; with ``smooth``, the columns
        perturbed (those with a rule in the module notes; the others are kept).
    smooth : bool
        Perturb each drawn row with Gaussian kernel noise (a smoothed bootstrap, see
        the module notes), so that a small catalog does not repeat exactly.

    Returns
    -------
    pandas.DataFrame
        ``n`` rows, index ``0 .. n - 1``; the identifiers (e.g. ``object``) are those
        of the catalog rows drawn.

    Raises
    ------
    ValueError
        When no row is complete in ``columns``.

    Examples
    --------
    >>> table = pd.DataFrame({"x": [1.0, np.nan]})
    >>> resample(table, 2, np.random.default_rng(1), ["x"])["x"].tolist()
    [1.0, 1.0]
    >>> table = pd.DataFrame({"period": [0.30, 0.35, 0.40]})
    >>> rows = resample(table, 1000, np.random.default_rng(1), ["period"], smooth=True)
    >>> rows["period"].nunique(), bool(rows["period"].between(0.30, 0.40).all())
    (1000, True)
    """
    pool = table.dropna(subset=list(columns)).reset_index(drop=True)
    if pool.empty:
        raise ValueError(f"no catalog row has all of {list(columns)}")
    rows = pool.iloc[rng.integers(0, len(pool), size=n)].reset_index(drop=True)
    return _smoothed(rows, pool, columns, rng) if smooth else rows


def silverman_bandwidth(values: ArrayLike) -> float:
    """Bandwidth of a Gaussian kernel density estimate of ``values`` (Silverman's rule).

    ``h = 0.9 A m**(-1/5)`` over the ``m`` values, with the robust spread ``A`` the
    smaller of the standard deviation and the interquartile range over 1.34 (Silverman
    1986, Density Estimation for Statistics and Data Analysis, eq. 3.31).

    Parameters
    ----------
    values : array_like, shape (m,)
        Finite values.

    Returns
    -------
    float
        The bandwidth; 0 for fewer than two values.

    Examples
    --------
    >>> values = np.random.default_rng(0).normal(0.0, 1.0, 1000)
    >>> round(silverman_bandwidth(values), 3)  # 0.9 * 1000**(-1/5) = 0.226 for unit spread
    0.22
    """
    values = np.asarray(values, dtype=float)
    if len(values) < 2:
        return 0.0
    upper, lower = np.percentile(values, [75.0, 25.0])
    spread = min(np.std(values, ddof=1), (upper - lower) / 1.34)
    return float(0.9 * spread * len(values) ** -0.2)


def _smoothed(
    rows: pd.DataFrame, pool: pd.DataFrame, columns: Sequence[str], rng: np.random.Generator
) -> pd.DataFrame:
    """``rows`` (drawn from ``pool``) with kernel noise in ``columns`` (module notes)."""
    out = rows.copy()

    def noise(values: ArrayLike) -> np.ndarray:
        """Gaussian noise per row, of the bandwidth of the pool's ``values``."""
        return rng.normal(0.0, silverman_bandwidth(values), size=len(rows))

    for name in columns:
        if name == "V":  # the color V - I; I kept
            out[name] = rows[name] + noise(pool["V"] - pool["I"])
        elif name == "period":  # in log10, reflected into the pool's range
            log_p = np.log10(pool[name])
            shifted = np.log10(rows[name]) + noise(log_p)
            out[name] = 10.0 ** _reflect(shifted.to_numpy(), log_p.min(), log_p.max())
        elif name.startswith("amp_I"):
            out[name] = 10.0 ** (np.log10(rows[name]) + noise(np.log10(pool[name])))
        elif name.startswith("R") and "1" in name:  # R_k1 and its phase phi_k1
            detected = rows[name].to_numpy() > 0.0  # undetected harmonics stay so
            known = pool[pool[name] > 0.0]
            ratio = np.maximum(rows[name] + noise(known[name]), 0.0)
            out[name] = np.where(detected, ratio, 0.0)
            phase = "phi" + name[1:]
            if phase in columns:
                angle = known[phase].to_numpy()
                center = np.angle(np.mean(np.exp(1j * angle)))
                shifted = rows[phase] + noise(np.angle(np.exp(1j * (angle - center))))
                wrapped = np.mod(np.where(detected, shifted, rows[phase]), 2.0 * np.pi)
                out[phase] = np.where(wrapped < 2.0 * np.pi, wrapped, 0.0)  # rounding
    for name in columns:  # further periods (RRd's fundamental mode) keep the period ratio
        if name.startswith("period") and name != "period" and "period" in columns:
            out[name] = rows[name] * out["period"] / rows["period"]
    return out


def _reflect(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """``values`` mirrored at ``low`` and ``high`` (repeatedly) until inside them."""
    width = high - low
    if width <= 0.0:
        return np.full_like(values, low)
    folded = np.mod(values - low, 2.0 * width)
    return low + np.where(folded > width, 2.0 * width - folded, folded)


def fill_undetected(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with every harmonic whose phase OGLE did not measure set to zero.

    OGLE writes ``R_k1 = 0`` and no ``phi_k1`` for a harmonic it did not detect, and
    for some stars an ``R_k1`` without ``phi_k1`` (a harmonic too weak for its phase to
    be measured: up to 0.04 for RRd first overtones, T2Cep and ACep, but up to 0.2 for
    the weaker fundamental mode of RRd stars): both become ``R_k1 = phi_k1 = 0``, a
    light curve without that harmonic (for RRd fundamental modes a known
    simplification: slightly too sinusoidal shapes). Applies to every pair of columns
    ``R<k>1<suffix>``, ``phi<k>1<suffix>``; a missing ``R_k1`` stays missing.

    Examples
    --------
    >>> table = pd.DataFrame({"R31": [0.0, 0.02, 0.1], "phi31": [np.nan, np.nan, 2.0]})
    >>> fill_undetected(table)
       R31  phi31
    0  0.0    0.0
    1  0.0    0.0
    2  0.1    2.0
    """
    table = table.copy()
    for ratio in [name for name in table.columns if name.startswith("R") and "1" in name]:
        phase = "phi" + ratio[1:]
        if phase in table:
            undetected = table[ratio].notna() & table[phase].isna()
            table.loc[undetected, [ratio, phase]] = 0.0
    return table


def teff_from_vi(vi0: ArrayLike, feh: float) -> np.ndarray:
    """Effective temperature (K) from (V-I)_0 and [Fe/H] (Casagrande et al. 2010).

    (V-I)_0 is clipped to 0.1-1.47 (the relation's calibrated range is 0.46-1.47).

    Examples
    --------
    >>> teff_from_vi([0.70], 0.0).round(-1).tolist()  # about the Sun
    [5740.0]
    """
    x = np.clip(np.asarray(vi0, dtype=float), *_VI_RANGE)
    a0, a1, a2, a3, a4, a5 = _CASAGRANDE_VI
    theta = a0 + a1 * x + a2 * x**2 + a3 * x * feh + a4 * feh + a5 * feh**2
    return 5040.0 / theta


def colors_from_vi(v: ArrayLike, i: ArrayLike, feh: float) -> np.ndarray:
    """LSST colors (n, 6) of LMC stars of mean magnitudes ``v`` and ``i`` (see above).

    Examples
    --------
    >>> colors = colors_from_vi([19.4, 17.9], [18.9, 16.9], -1.5)
    >>> bool(colors[0, 1] < colors[1, 1])  # the bluer star has the smaller g - r
    True
    """
    vi0 = np.asarray(v, dtype=float) - np.asarray(i, dtype=float) - E_VI_LMC
    return lsst_colors(teff_from_vi(vi0, feh))


def at_wavelengths(
    known: ArrayLike, values: ArrayLike, target: ArrayLike = LSST_WAVELENGTH
) -> np.ndarray:
    """``values`` known at wavelengths ``known`` (nm), at wavelengths ``target``.

    Linear in inverse wavelength between the known wavelengths, linear extrapolation
    of the nearest segment outside them.

    Parameters
    ----------
    known : array_like, shape (m,)
        Wavelengths in nm (m >= 2), increasing.
    values : array_like, shape (..., m)
        Values at those wavelengths.
    target : array_like, shape (t,)
        Wavelengths in nm wanted (default: `LSST_WAVELENGTH`, the bands u g r i z y).

    Returns
    -------
    ndarray, shape (..., t)
        Values at ``target``.

    Examples
    --------
    >>> at_wavelengths([500.0, 1000.0], [2.0, 1.0]).round(3).tolist()
    [2.703, 2.083, 1.613, 1.325, 1.149, 1.031]
    """
    x = 1.0 / np.asarray(known, dtype=float)  # decreasing
    values = np.asarray(values, dtype=float)
    target = 1.0 / np.asarray(target, dtype=float)
    segment = np.clip(np.searchsorted(-x, -target) - 1, 0, len(x) - 2)
    left, right = x[segment], x[segment + 1]
    weight = (target - left) / (right - left)
    return values[..., segment] * (1.0 - weight) + values[..., segment + 1] * weight


@dataclass(frozen=True)
class Mode:
    """One pulsation mode of ``n`` stars: a Fourier series per band.

    Attributes
    ----------
    period : ndarray, shape (n,)
        Period in days.
    cos, sin : ndarray, shape (n, 6, K)
        Coefficients (magnitudes) of harmonics ``1 .. K`` in each band
        (see `tvs_classifier.simulation._fourier.fourier_curve`).
    """

    period: np.ndarray
    cos: np.ndarray
    sin: np.ndarray


def ogle_mode(rows: pd.DataFrame, band_ratio: np.ndarray, suffix: str = "") -> Mode:
    """A mode with OGLE's I-band shape and amplitude, scaled to each band by ``band_ratio``.

    Parameters
    ----------
    rows : pandas.DataFrame
        ``period, amp_I, R21, phi21`` and, if present, ``R31, phi31``, each with
        ``suffix`` (e.g. ``"_F"``).
    band_ratio : ndarray, shape (n, 6) or (6,)
        Peak-to-peak amplitude in each band over that in I.
    suffix : str
        Suffix of the column names.

    Examples
    --------
    >>> rows = pd.DataFrame({"period": [0.5], "amp_I": [0.4], "R21": [0.4], "phi21": [4.0]})
    >>> mode = ogle_mode(rows, np.full(6, 2.0))
    >>> peak_to_peak(mode.cos, mode.sin).round(3).tolist()
    [[0.8, 0.8, 0.8, 0.8, 0.8, 0.8]]
    """
    third = f"R31{suffix}" in rows
    cos, sin = ogle_coefficients(
        rows[f"R21{suffix}"],
        rows[f"phi21{suffix}"],
        rows[f"R31{suffix}"] if third else None,
        rows[f"phi31{suffix}"] if third else None,
    )
    return scaled_mode(
        rows[f"period{suffix}"].to_numpy(dtype=float),
        cos,
        sin,
        rows[f"amp_I{suffix}"].to_numpy(dtype=float),
        band_ratio,
    )


def scaled_mode(
    period: np.ndarray,
    cos: np.ndarray,
    sin: np.ndarray,
    amp_i: np.ndarray,
    band_ratio: np.ndarray,
) -> Mode:
    """A mode of the I-band shape ``cos, sin`` (n, K) scaled to ``amp_i``, then per band.

    Parameters
    ----------
    period : ndarray, shape (n,)
        Period in days.
    cos, sin : ndarray, shape (n, K)
        Shape of the I-band light curve (any scale).
    amp_i : ndarray, shape (n,)
        Peak-to-peak I amplitude.
    band_ratio : ndarray, shape (n, 6) or (6,)
        Peak-to-peak amplitude in each band over that in I.

    Examples
    --------
    >>> mode = scaled_mode(
    ...     np.ones(1), np.array([[1.0]]), np.zeros((1, 1)), np.array([0.3]), np.ones(6)
    ... )
    >>> peak_to_peak(mode.cos, mode.sin).round(3)[0, 0]
    np.float64(0.3)
    """
    scale = amp_i / peak_to_peak(cos, sin)
    per_band = scale[:, None] * np.broadcast_to(band_ratio, (len(period), len(LSST_BANDS)))
    return Mode(
        period=np.asarray(period, dtype=float),
        cos=per_band[:, :, None] * cos[:, None, :],
        sin=per_band[:, :, None] * sin[:, None, :],
    )


def pulsating_stars(
    period: np.ndarray,
    colors: np.ndarray,
    modes: Sequence[Mode],
    rng: np.random.Generator,
    labels: Mapping[str, np.ndarray] | None = None,
) -> SimulatedStars:
    """Stars whose light curves are the sums of ``modes``, with random phases.

    The amplitude of a star in a band is the sum of its modes' peak-to-peak amplitudes:
    exact for one mode, and the range reached over a long time for modes of
    incommensurate periods (all their relative phases occur).

    Examples
    --------
    >>> rows = pd.DataFrame({"period": [0.5], "amp_I": [0.4], "R21": [0.4], "phi21": [4.0]})
    >>> stars = pulsating_stars(
    ...     np.array([0.5]),
    ...     np.zeros((1, 6)),
    ...     [ogle_mode(rows, np.ones(6))],
    ...     np.random.default_rng(0),
    ... )
    >>> stars.amplitude.round(3).tolist()
    [[0.4, 0.4, 0.4, 0.4, 0.4, 0.4]]
    """
    phase0 = [rng.uniform(0.0, 1.0, size=len(period)) for _ in modes]
    amplitude = sum(peak_to_peak(mode.cos, mode.sin) for mode in modes)

    def variation(star: np.ndarray, time: np.ndarray, band: np.ndarray) -> np.ndarray:
        total = np.zeros(np.shape(time))
        for mode, start in zip(modes, phase0, strict=True):
            phase = time / mode.period[star] + start[star]
            total += fourier_curve(phase, mode.cos[star, band], mode.sin[star, band])
        return total

    return SimulatedStars(
        period=np.asarray(period, dtype=float),
        colors=colors,
        amplitude=np.asarray(amplitude),
        variation=variation,
        labels=dict(labels or {}),
    )


def catalog_stars(
    rows: pd.DataFrame,
    period: np.ndarray,
    modes: Sequence[Mode],
    feh: float,
    rng: np.random.Generator,
    labels: Mapping[str, np.ndarray] | None = None,
) -> SimulatedStars:
    """`pulsating_stars` of OGLE catalog ``rows``: colors from their V - I at ``feh``.

    The label ``ogle_id`` names the catalog star of each row; ``labels`` adds more.

    Examples
    --------
    >>> rows = pd.DataFrame(
    ...     {
    ...         "object": ["OGLE-1"],
    ...         "V": [19.4],
    ...         "I": [18.9],
    ...         "period": [0.3],
    ...         "amp_I": [0.3],
    ...         "R21": [0.1],
    ...         "phi21": [4.0],
    ...     }
    ... )
    >>> mode = ogle_mode(rows, np.ones(6))
    >>> stars = catalog_stars(rows, mode.period, [mode], -1.5, np.random.default_rng(0))
    >>> stars.labels["ogle_id"].tolist()
    ['OGLE-1']
    """
    return pulsating_stars(
        period,
        colors_from_vi(rows["V"], rows["I"], feh),
        modes,
        rng,
        labels={"ogle_id": rows["object"].to_numpy(), **(labels or {})},
    )
