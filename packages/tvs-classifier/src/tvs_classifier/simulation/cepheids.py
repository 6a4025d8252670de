"""Synthetic Cepheids: classical (F, 1O, F/1O, 1O/2O), type II (BL Her, W Vir, RV Tau), anomalous.

**Type II and anomalous Cepheids** copy random rows of the OGLE-III LMC catalog
(Soszyński et al. 2008, AcA 58, 293; `tvs_classifier.simulation.ogle`): period, peak-to-peak I
amplitude, Fourier parameters R21, phi21, R31, phi31 (OGLE's cosine series) and mean V
and I, all of one star, with the kernel noise of the smoothed bootstrap
(`tvs_classifier.simulation._pulsation.resample`), so that the small tables (21 to 80 stars of a
subclass) do not repeat shapes exactly. The I-band light curve is the Fourier series scaled to the I
amplitude; the other bands keep its shape, scaled by the amplitude ratios of the
Yoachim et al. (2009) classical Cepheid templates at the star's period (clipped to
2-85 d, the templates' range; `yoachim_amplitude_ratios`). Type II subtypes come from
OGLE's ``ident.dat``: ``T2CEP_BLHer``, ``T2CEP_WVir`` (without the 17 peculiar W Vir
stars, likely binaries) and ``T2CEP_RVTau``; anomalous Cepheids from ``acepF.dat``
(``ACEP_F``) and ``acep1O.dat`` (``ACEP_1O``). Colors come from OGLE's V - I
(de-reddened, converted to a temperature at [Fe/H] = -1.5; see
`tvs_classifier.simulation._pulsation`).

**RV Tau stars** alternate deep and shallow minima. OGLE-III lists for them periods of
20-68 d, continuing the W Vir periods (which end at 18.5 d), with Fourier parameters
like those of W Vir stars (median R21 0.15; a fit at the double period would make the
pulsation its second harmonic, R21 > 1): the listed period is the pulsation period, from
one minimum to the next. The formal period (GCVS), deep minimum to deep minimum, is
twice that. The model is a Fourier series at the formal period
``2P``: OGLE's harmonics 1, 2, 3 become its harmonics 2, 4, 6, and a half-frequency
term (harmonic 1 of ``2P``) of amplitude ``a A_1`` with ``a`` uniform in 0.1-0.4 and a
random phase makes successive minima alternate in depth (an assumption: the catalog
gives no measure of the alternation). The whole curve is scaled to OGLE's I amplitude.
``period`` is OGLE's period; the label ``period_formal`` is ``2P``.

**Classical fundamental-mode Cepheids** (``CEP_F``) follow the Yoachim et al. (2009,
AJ 137, 4697) B V I PCA templates: for a period, the first four PCA coefficients are
their polynomials in log P plus Gaussian scatter of the published spread, giving 8
Fourier harmonics in B, V and I (`yoachim_coefficients`). For g, r, i the coefficients
are interpolated linearly in inverse wavelength between B, V and I; u takes the B shape
and z, y the I shape. Each band is then scaled to its amplitude: the B, V, I amplitudes
interpolated in inverse wavelength, extrapolated linearly to u (from B and V) and to z,
y (from V and I), so that u varies more than B and z, y less than I, as in real
Cepheids. No OGLE-III table of classical Cepheids is bundled. Half of the periods are
drawn log-normally, log10 P ~ N(0.52, 0.22) truncated to 1.5-40 d, an approximation of
the distribution of the 1848 LMC fundamental-mode Cepheids of Soszyński et al. (2008,
AcA 58, 163; peak near 3.3 d); the other half log-uniformly over 1.5-85 d (to the end
of the templates' range). The LMC's distribution alone holds almost no stars above
20 d, while the Milky Way's Cepheids, those ZTF or LSST see in the disk, reach 50 d
and more.

**Classical first-overtone Cepheids** (``CEP_1O``) have near-sinusoidal light curves: a
two-harmonic cosine series with R21 uniform in 0.1-0.2 and phi21 uniform in 4.2-5.0 rad,
an I amplitude uniform in 0.1-0.35 mag and log10 P ~ N(0.25, 0.17) truncated to
0.25-6 d (approximations of the LMC first-overtone Cepheids of Soszyński et al. 2008;
rough values, not resampled from a table); the other bands scale as the Yoachim
templates at the fundamental-mode period ``P / 0.72``.

**Classical double-mode Cepheids** pulsate in two radial modes at once: ``CEP_F1O`` in
the fundamental mode and first overtone, ``CEP_1O2O`` in the first and second overtones
(61 and 203 of the 3361 OGLE-III LMC classical Cepheids; Soszyński et al. 2008). No
table of their parameters is bundled, so the model is built from published summary
facts, with rough ranges where none was found:

* periods: ``CEP_F1O`` has P0 log-uniform over 0.7-2.5 d and a period ratio P1/P0
  uniform over 0.71-0.73 (Alcock et al. 1995, AJ 109, 1653: LMC double-mode Cepheids
  have P0 < 2.5 d, F/1O ratios "in the neighborhood of 0.72"; 0.694-0.746 over the
  Local Group); ``CEP_1O2O`` has P1 log-uniform over 0.55-0.95 d and P2/P1 uniform over
  0.800-0.807 (the seven LMC stars of Moskalik, Kołaczkowski & Mizerski 2005 have P1
  0.69-0.95 d and ratios 0.8046-0.8068; Alcock et al. 1995: the LMC's 1O/2O stars are
  those of P0 < 1.25 d);
* shapes: the fundamental mode that of the Yoachim templates at the period (clipped to
  2 d, their shortest), the first overtone that of ``CEP_1O``, the second overtone a
  sinusoid (second-overtone light curves are "nearly or purely sinusoidal", Alcock et al.
  1997 for the SMC);
* amplitudes: each mode's peak-to-peak I amplitude uniform over 0.05-0.2 mag (an
  assumption: no amplitude ratios of the modes could be read here), scaled to the other
  bands as the Yoachim templates at the fundamental period.

``period`` is the longer period, the first one OGLE's files list (P0 of F/1O, P1 of
1O/2O); the label ``period_short`` is the other mode's. Folded at ``period``, the
second mode blurs the curve, which is how a period search with one period sees these
stars.

Colors of classical Cepheids: the period-color relation
``(V-I)_0 = 0.256 log P + 0.497`` (Tammann, Sandage & Reindl 2003, A&A 404, 423) with
Gaussian scatter of 0.05 mag (the instability strip's width), at [Fe/H] = -0.3 (first
overtones at their fundamental-mode period ``P / 0.72``).

Examples
--------
>>> import numpy as np
>>> stars = MODELS["T2CEP_BLHer"].draw(3, np.random.default_rng(0))
>>> bool(np.all((stars.period > 1.0) & (stars.period < 4.0)))
True
>>> bool(np.all(stars.amplitude[:, 1] > stars.amplitude[:, 3]))  # g varies more than i
True
"""

from __future__ import annotations

from functools import cache
from importlib.resources import as_file, files

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ..bands import LSST_WAVELENGTH
from ._fourier import ogle_coefficients, peak_to_peak
from ._pulsation import (
    JOHNSON_COUSINS_WAVELENGTH,
    Mode,
    at_wavelengths,
    catalog_stars,
    fill_undetected,
    ogle_mode,
    pulsating_stars,
    resample,
    scaled_mode,
    teff_from_vi,
)
from .base import SimulatedStars, StarModel
from .colors import lsst_colors
from .ogle import load_ogle3

__all__ = ["MODELS", "yoachim_amplitude_ratios", "yoachim_coefficients"]

_OGLE_COLUMNS = ["I", "V", "period", "amp_I", "R21", "phi21", "R31", "phi31"]
_OLD_FEH = -1.5  # type II and anomalous Cepheids: old, metal-poor
_YOUNG_FEH = -0.3  # classical Cepheids of the LMC
_YOACHIM_PERIOD = (2.0, 85.0)  # range of periods the templates are evaluated at
_YOACHIM_SPLIT = 10.0  # short templates below, long templates above (days)
_BVI_WAVELENGTH = [JOHNSON_COUSINS_WAVELENGTH[band] for band in "BVI"]
_RVTAU_ALTERNATION = (0.1, 0.4)
_CEP_F_LOGP = (0.52, 0.22, 1.5, 40.0)  # mean, sd, min P, max P
_CEP_F_LONG = (0.5, 1.5, 85.0)  # share drawn log-uniformly, over min P to max P
_CEP_1O_LOGP = (0.25, 0.17, 0.25, 6.0)
_CEP_1O_SHAPE = {"R21": (0.1, 0.2), "phi21": (4.2, 5.0), "amp_I": (0.1, 0.35)}
_PERIOD_RATIO_1O_F = 0.72
#: Double-mode Cepheids (module notes): longer period range (d), log-uniform; ratio of
#: the shorter to the longer period, uniform; the longer period's mode.
_CEP_F1O = {"period": (0.7, 2.5), "ratio": (0.71, 0.73)}
_CEP_1O2O = {"period": (0.55, 0.95), "ratio": (0.800, 0.807)}
_DOUBLE_MODE_AMP_I = (0.05, 0.2)
_CEP_VI = (0.256, 0.497, 0.05)  # slope, intercept, scatter of (V-I)_0 vs log P


@cache
def _yoachim() -> dict[str, np.ndarray]:
    """The arrays of ``data/yoachim2009_cepheid_pca.npz``."""
    path = files("tvs_classifier") / "data" / "yoachim2009_cepheid_pca.npz"
    with as_file(path) as local, np.load(local) as npz:
        return {name: npz[name] for name in npz.files}


def yoachim_coefficients(
    period: ArrayLike, rng: np.random.Generator | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Fourier coefficients of Yoachim et al. (2009) Cepheid templates in B, V, I.

    Parameters
    ----------
    period : array_like, shape (n,)
        Periods in days, clipped to 2-85 d; the short-period templates serve periods
        below 10 d, the long-period ones the others.
    rng : numpy.random.Generator, optional
        With a generator, each of the first four PCA coefficients gets Gaussian scatter
        of its published spread about the polynomial in log P; without, the mean
        template of the period.

    Returns
    -------
    cos, sin : ndarray, shape (n, 3, 8)
        Coefficients of harmonics 1-8 in B, V, I (in that order), in magnitudes:
        ``m - <m> = sum_k cos_k cos(2 pi k phase) + sin_k sin(2 pi k phase)``.

    Examples
    --------
    >>> from tvs_classifier.simulation._fourier import peak_to_peak
    >>> cos, sin = yoachim_coefficients([5.0])
    >>> peak_to_peak(cos, sin).round(2)  # B, V, I amplitudes
    array([[0.99, 0.66, 0.41]])
    """
    period = np.clip(np.atleast_1d(np.asarray(period, dtype=float)), *_YOACHIM_PERIOD)
    data = _yoachim()
    coefficients = np.empty((len(period), 48))
    for part, members in (("short", period < _YOACHIM_SPLIT), ("long", period >= _YOACHIM_SPLIT)):
        log_p = np.log10(period[members])
        fits = data[f"{part}_poly_fits"]
        pca = np.stack([np.polyval(fits[::-1, k], log_p) for k in range(4)], axis=1)
        if rng is not None:
            pca += rng.normal(0.0, data[f"{part}_poly_spread"], size=pca.shape)
        coefficients[members] = data[f"{part}_ave_vals"] + pca @ data[f"{part}_eigenvectors"][:4]
    # Blocks of 8: sin I, cos I, sin V, cos V, sin B, cos B.
    blocks = coefficients.reshape(len(period), 3, 2, 8)[:, ::-1]  # bands B, V, I
    return blocks[:, :, 1, :], blocks[:, :, 0, :]


def yoachim_amplitude_ratios(period: ArrayLike) -> np.ndarray:
    """Peak-to-peak amplitude in u g r i z y over that in I, from the Yoachim templates.

    The mean template's B, V and I amplitudes at each period (clipped to 2-85 d),
    interpolated linearly in inverse wavelength (u extrapolated from B and V; z, y
    from V and I).

    Parameters
    ----------
    period : array_like, shape (n,)
        Periods in days.

    Returns
    -------
    ndarray, shape (n, 6)

    Examples
    --------
    >>> yoachim_amplitude_ratios([5.0]).round(2)
    array([[3.19, 2.06, 1.38, 1.07, 0.89, 0.77]])
    """
    cos, sin = yoachim_coefficients(period)
    amplitude = peak_to_peak(cos, sin)  # (n, 3): B, V, I
    return at_wavelengths(_BVI_WAVELENGTH, amplitude / amplitude[:, 2:3])


def _ogle_rows(kind: str, n: int, rng: np.random.Generator, subtype: str | None) -> pd.DataFrame:
    """``n`` random complete rows of an OGLE-III table (of one subtype), smoothed."""
    table = fill_undetected(load_ogle3(kind))
    if subtype is not None:
        table = table[table["subtype"] == subtype]
    return resample(table, n, rng, _OGLE_COLUMNS, smooth=True)


def _draw_ogle(kind: str, subtype: str | None, n: int, rng: np.random.Generator) -> SimulatedStars:
    """``n`` type II or anomalous Cepheids copying OGLE-III LMC stars (not RV Tau)."""
    rows = _ogle_rows(kind, n, rng, subtype)
    mode = ogle_mode(rows, yoachim_amplitude_ratios(rows["period"]))
    return catalog_stars(rows, mode.period, [mode], _OLD_FEH, rng)


def _draw_rv_tau(n: int, rng: np.random.Generator) -> SimulatedStars:
    """``n`` RV Tau stars: OGLE shapes at harmonics 2, 4, 6 of the formal period 2P."""
    rows = _ogle_rows("T2Cep", n, rng, "RVTau")
    period = rows["period"].to_numpy(dtype=float)
    cos, sin = ogle_coefficients(rows["R21"], rows["phi21"], rows["R31"], rows["phi31"])
    alternation = rng.uniform(*_RVTAU_ALTERNATION, size=n)
    angle = rng.uniform(0.0, 2.0 * np.pi, size=n)
    formal_cos = np.zeros((n, 6))
    formal_sin = np.zeros((n, 6))
    formal_cos[:, 0], formal_sin[:, 0] = alternation * np.cos(angle), -alternation * np.sin(angle)
    formal_cos[:, 1::2], formal_sin[:, 1::2] = cos, sin
    mode = scaled_mode(
        2.0 * period,
        formal_cos,
        formal_sin,
        rows["amp_I"].to_numpy(dtype=float),
        yoachim_amplitude_ratios(period),
    )
    return catalog_stars(rows, period, [mode], _OLD_FEH, rng, {"period_formal": 2.0 * period})


def _log_normal_periods(
    n: int, rng: np.random.Generator, parameters: tuple[float, float, float, float]
) -> np.ndarray:
    """``n`` periods with log10 P normal (mean, sd) truncated to (min, max) days."""
    mean, sd, low, high = parameters
    out = np.empty(0)
    while len(out) < n:  # rejection: the truncation keeps most of the distribution
        log_p = rng.normal(mean, sd, size=2 * n)
        keep = (log_p >= np.log10(low)) & (log_p <= np.log10(high))
        out = np.concatenate([out, 10.0 ** log_p[keep]])
    return out[:n]


def _classical_colors(fundamental_period: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """LSST colors from the period-color relation with scatter (see the module notes)."""
    slope, intercept, scatter = _CEP_VI
    vi0 = intercept + slope * np.log10(fundamental_period)
    vi0 = vi0 + rng.normal(0.0, scatter, size=len(vi0))
    return lsst_colors(teff_from_vi(vi0, _YOUNG_FEH))


def _draw_cep_f(n: int, rng: np.random.Generator) -> SimulatedStars:
    """``n`` classical fundamental-mode Cepheids from the Yoachim et al. templates."""
    share, low, high = _CEP_F_LONG
    n_long = int(rng.binomial(n, share))
    long_periods = 10.0 ** rng.uniform(np.log10(low), np.log10(high), size=n_long)
    period = rng.permutation(
        np.concatenate([_log_normal_periods(n - n_long, rng, _CEP_F_LOGP), long_periods])
    )
    cos, sin = _lsst_from_bvi(*yoachim_coefficients(period, rng))
    mode = Mode(period=period, cos=cos, sin=sin)
    return pulsating_stars(period, _classical_colors(period, rng), [mode], rng)


def _lsst_from_bvi(cos: np.ndarray, sin: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fourier coefficients (n, 3, K) in B, V, I made (n, 6, K) in u g r i z y.

    Shapes: coefficients interpolated in inverse wavelength between B, V and I; u takes
    the B shape, z and y the I shape. Each band is then scaled to its amplitude, the B V I
    amplitudes interpolated (u extrapolated from B and V, z and y from V and I).
    """
    inside = np.clip(LSST_WAVELENGTH, _BVI_WAVELENGTH[0], _BVI_WAVELENGTH[-1])
    shape_cos, shape_sin = (
        at_wavelengths(_BVI_WAVELENGTH, values.transpose(0, 2, 1), inside).transpose(0, 2, 1)
        for values in (cos, sin)
    )
    amplitude = at_wavelengths(_BVI_WAVELENGTH, peak_to_peak(cos, sin))
    scale = (amplitude / peak_to_peak(shape_cos, shape_sin))[:, :, None]
    return shape_cos * scale, shape_sin * scale


def _first_overtone_shape(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Fourier shapes (n, 2) of ``n`` first-overtone modes (those of ``CEP_1O``)."""
    shape = {name: rng.uniform(*_CEP_1O_SHAPE[name], size=n) for name in ("R21", "phi21")}
    return ogle_coefficients(shape["R21"], shape["phi21"])


def _draw_cep_1o(n: int, rng: np.random.Generator) -> SimulatedStars:
    """``n`` classical first-overtone Cepheids: near-sinusoidal two-harmonic curves."""
    period = _log_normal_periods(n, rng, _CEP_1O_LOGP)
    cos, sin = _first_overtone_shape(n, rng)
    amp_i = rng.uniform(*_CEP_1O_SHAPE["amp_I"], size=n)
    fundamental = period / _PERIOD_RATIO_1O_F
    mode = scaled_mode(period, cos, sin, amp_i, yoachim_amplitude_ratios(fundamental))
    return pulsating_stars(period, _classical_colors(fundamental, rng), [mode], rng)


def _draw_double_mode(n: int, rng: np.random.Generator, kind: str) -> SimulatedStars:
    """``n`` classical double-mode Cepheids, ``kind`` "F1O" or "1O2O" (module notes)."""
    ranges = _CEP_F1O if kind == "F1O" else _CEP_1O2O
    longer = 10.0 ** rng.uniform(*np.log10(ranges["period"]), size=n)
    shorter = longer * rng.uniform(*ranges["ratio"], size=n)
    amp_i = rng.uniform(*_DOUBLE_MODE_AMP_I, size=(2, n))
    if kind == "F1O":
        fundamental = longer
        yoachim_cos, yoachim_sin = yoachim_coefficients(longer, rng)
        shapes = [(yoachim_cos[:, 2], yoachim_sin[:, 2]), _first_overtone_shape(n, rng)]
    else:
        fundamental = longer / _PERIOD_RATIO_1O_F
        sinusoid = (np.ones((n, 1)), np.zeros((n, 1)))
        shapes = [_first_overtone_shape(n, rng), sinusoid]
    band_ratio = yoachim_amplitude_ratios(fundamental)
    modes = [
        scaled_mode(period, cos, sin, amp, band_ratio)
        for period, (cos, sin), amp in zip((longer, shorter), shapes, amp_i, strict=True)
    ]
    colors = _classical_colors(fundamental, rng)
    return pulsating_stars(longer, colors, modes, rng, labels={"period_short": shorter})


def _ogle_model(main: str, kind: str, subtype: str | None, what: str) -> StarModel:
    """A StarModel drawing from an OGLE-III table."""
    return StarModel(
        main,
        lambda n, rng: _draw_ogle(kind, subtype, n, rng),
        f"OGLE-III LMC {what} (Soszynski et al. 2008): Fourier shapes, Yoachim band ratios",
    )


#: Cepheid subclasses of the simulator.
MODELS: dict[str, StarModel] = {
    "CEP_F": StarModel(
        "CEP",
        _draw_cep_f,
        "Yoachim et al. (2009) BVI PCA templates; periods half LMC-like (log-normal, "
        "1.5-40 d), half log-uniform over 1.5-85 d",
    ),
    "CEP_1O": StarModel(
        "CEP",
        _draw_cep_1o,
        "near-sinusoidal (R21 0.1-0.2) first overtones, log-normal periods 0.25-6 d",
    ),
    "CEP_F1O": StarModel(
        "CEP",
        lambda n, rng: _draw_double_mode(n, rng, "F1O"),
        "fundamental mode (Yoachim shape) and first overtone, P0 0.7-2.5 d, P1/P0 0.71-0.73",
    ),
    "CEP_1O2O": StarModel(
        "CEP",
        lambda n, rng: _draw_double_mode(n, rng, "1O2O"),
        "first overtone and sinusoidal second overtone, P1 0.55-0.95 d, P2/P1 0.800-0.807",
    ),
    "T2CEP_BLHer": _ogle_model("T2CEP", "T2Cep", "BLHer", "BL Her stars"),
    "T2CEP_WVir": _ogle_model("T2CEP", "T2Cep", "WVir", "W Vir stars"),
    "T2CEP_RVTau": StarModel(
        "T2CEP",
        _draw_rv_tau,
        "OGLE-III LMC RV Tau stars (Soszynski et al. 2008) with alternating minima",
    ),
    "ACEP_F": _ogle_model("ACEP", "ACep_F", None, "fundamental-mode anomalous Cepheids"),
    "ACEP_1O": _ogle_model("ACEP", "ACep_1O", None, "first-overtone anomalous Cepheids"),
}
