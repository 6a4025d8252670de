"""Synthetic RR Lyrae stars: fundamental-mode (RRab), first-overtone (RRc), double-mode (RRd).

**RRab** stars each copy one real Stripe 82 RRab star of Sesar et al. (2010, ApJ 708,
717), drawn at random: its period, and in each of u g r i z its amplitude, template and
mean magnitude relative to r, so that periods, amplitudes, shapes and colors are those
of real stars and consistent across bands. The templates give
``mag = m_mean + A * (T(phase) - <T>)`` with the star's amplitude ``A`` and template
``T`` per band (``<T>`` the template's mean over phase); the phase at the start of the
survey is drawn uniformly. LSST y, which SDSS does not have, copies z: same template,
amplitude and mean magnitude (z - y = 0). RR Lyrae amplitudes shrink slowly towards the
red, so this overestimates the y amplitude a little. SDSS ugriz magnitudes are taken as
LSST ugriz without a transformation (differences of a few hundredths of a magnitude for
RR Lyrae colors).

**RRc** (first-overtone) and **RRd** (double-mode, first overtone and fundamental mode)
stars are drawn from the OGLE-III LMC RRc table (4958 stars) and RRd table (986 stars)
of Soszyński et al. (2009, AcA 59, 1; `tvs_classifier.simulation.ogle`) with the smoothed bootstrap
of `tvs_classifier.simulation._pulsation.resample`: a random row, with kernel noise, gives the
period(s), I amplitude(s), Fourier parameters (R21, phi21, R31, phi31, OGLE's cosine
series) and mean V and I of one star. The Stripe 82 RRc stars of Sesar et al. give only
two RRc templates, too few for a classifier to learn the class rather than two shapes
(it classified real Stripe 82 RRc stars as delta Scuti stars); the OGLE stars give
thousands. Each mode is its Fourier series scaled to its peak-to-peak I amplitude; an
RRd light curve is the sum of its two modes with independent random phases. RRd
``period`` is the first-overtone period: OGLE lists it first and it is the dominant mode
(larger I amplitude) in 92% of the catalog's stars; the fundamental period is the
label column ``period_F`` (P1O/PF ~ 0.745, kept by the smoothing). In the other bands
each mode keeps its I-band shape and is scaled by the median Stripe 82 amplitude ratio
of its kind of star (`sesar_amplitude_ratios`: RRc for the overtone, RRab for the
fundamental mode), interpolated in inverse wavelength to LSST u g r i z y and to
Cousins I. The colors come from OGLE's V - I (de-reddened, converted to a temperature
at [Fe/H] = -1.5, the mean of LMC RR Lyrae of Gratton et al. 2004, A&A 421, 937; see
`tvs_classifier.simulation._pulsation`). Harmonics OGLE has no phase for are left out
(`tvs_classifier.simulation._pulsation.fill_undetected`: a quarter of the RRc stars, of smaller
amplitudes on average, become pure sinusoids); rows without V are skipped. The label
``ogle_id`` is the catalog star drawn.

Examples
--------
>>> import numpy as np
>>> stars = MODELS["RRab"].draw(3, np.random.default_rng(0))
>>> bool(np.all((stars.period > 0.4) & (stars.period < 1.0)))
True
>>> bool(np.all(stars.amplitude[:, 1] > stars.amplitude[:, 3]))  # g varies more than i
True
>>> rrc = MODELS["RRc"].draw(3, np.random.default_rng(0))
>>> bool(np.all((rrc.period > 0.2) & (rrc.period < 0.5))), sorted(rrc.labels)
(True, ['ogle_id'])
"""

from __future__ import annotations

from functools import cache

import numpy as np

from ..bands import LSST_BANDS
from ..datasets import load_sesar2010_rrlyrae
from ._pulsation import (
    JOHNSON_COUSINS_WAVELENGTH,
    at_wavelengths,
    catalog_stars,
    fill_undetected,
    ogle_mode,
    resample,
)
from .base import SimulatedStars, StarModel
from .cadence import LSST_START_MJD
from .ogle import load_ogle3

__all__ = ["MODELS", "sesar_amplitude_ratios", "sesar_colors"]

_SDSS_BAND = {"u": "u", "g": "g", "r": "r", "i": "i", "z": "z", "y": "z"}  # y copies z
#: Effective wavelengths (nm) of SDSS u g r i z (Fukugita et al. 1996, AJ 111, 1748).
_SDSS_WAVELENGTH = np.array([355.1, 468.6, 616.5, 748.1, 893.1])
_SESAR_MODE = {"F": "ab", "1O": "c"}
_OGLE_FEH = -1.5
_MODE_COLUMNS = ("period", "amp_I", "R21", "phi21", "R31", "phi31")
#: Modes of the OGLE-based subclasses: column suffix -> `sesar_amplitude_ratios` mode.
_OGLE_MODES = {"RRc": {"": "1O"}, "RRd": {"": "1O", "_F": "F"}}


@cache
def _sesar() -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Templates (n_templates, 500), their means, per-star columns, template rows, means."""
    templates, stars = load_sesar2010_rrlyrae()
    curves = templates.drop(columns="phase").to_numpy(dtype=float).T
    column = {name: k for k, name in enumerate(templates.columns[1:])}
    template_mean = curves.mean(axis=1)
    n_stars = len(stars)
    rows = np.empty((n_stars, len(LSST_BANDS)), dtype=np.int64)
    mean = np.empty((n_stars, len(LSST_BANDS)))
    amplitude = np.empty((n_stars, len(LSST_BANDS)))
    for b, band in enumerate(LSST_BANDS):
        sdss = _SDSS_BAND[band]
        rows[:, b] = [column[f"{i}{sdss}"] for i in stars[f"{sdss}T"]]
        amplitude[:, b] = stars[f"{sdss}A"].to_numpy()
        mean[:, b] = stars[f"{sdss}0"].to_numpy() + amplitude[:, b] * template_mean[rows[:, b]]
    columns = {
        "id": stars["id"].to_numpy(),
        "type": stars["type"].to_numpy(),
        "P": stars["P"].to_numpy(dtype=float),
        "amplitude": amplitude,
        "colors": mean - mean[:, [LSST_BANDS.index("r")]],
    }
    return curves, template_mean, columns, rows, mean


def sesar_colors(n: int, rng: np.random.Generator) -> np.ndarray:
    """Colors (mean magnitude minus mean r, u g r i z y) of ``n`` random Stripe 82 RR Lyrae.

    Examples
    --------
    >>> sesar_colors(2, np.random.default_rng(1)).shape
    (2, 6)
    """
    _, _, columns, _, _ = _sesar()
    return columns["colors"][rng.integers(0, len(columns["P"]), size=n)]


def _draw_rrab(n: int, rng: np.random.Generator) -> SimulatedStars:
    """``n`` RRab stars copying random Sesar et al. RRab stars."""
    curves, template_mean, columns, rows, _ = _sesar()
    pool = np.flatnonzero(columns["type"] == "ab")
    star = rng.choice(pool, size=n)
    period = columns["P"][star]
    phase0 = rng.uniform(0.0, 1.0, size=n)
    amplitude = columns["amplitude"][star]
    template = rows[star]
    n_phase = curves.shape[1]

    def variation(index: np.ndarray, time: np.ndarray, band: np.ndarray) -> np.ndarray:
        position = ((time / period[index] + phase0[index]) % 1.0) * n_phase
        left = np.floor(position).astype(np.int64) % n_phase
        fraction = position - np.floor(position)
        curve = template[index, band]
        shape = (1.0 - fraction) * curves[curve, left] + fraction * curves[
            curve, (left + 1) % n_phase
        ]
        return amplitude[index, band] * (shape - template_mean[curve])

    return SimulatedStars(
        period=period,
        colors=columns["colors"][star],
        amplitude=amplitude,
        variation=variation,
        labels={
            "epoch_max": LSST_START_MJD + (1.0 - phase0) * period,
            "sesar_id": columns["id"][star],
        },
    )


@cache
def sesar_amplitude_ratios(mode: str) -> np.ndarray:
    """Median amplitude ratios of Stripe 82 RR Lyrae, ``A_band / A_I``, for u g r i z y.

    The median over the Sesar et al. (2010) stars of one kind of ``A_band / A_r`` in
    SDSS u g r i z, interpolated linearly in inverse wavelength (and extrapolated from
    i and z to y) to the LSST bands and to Cousins I, then divided by the value at I.

    Parameters
    ----------
    mode : {"F", "1O"}
        Fundamental mode (RRab stars) or first overtone (RRc stars).

    Returns
    -------
    ndarray, shape (6,)
        Peak-to-peak amplitude in u g r i z y over that in Cousins I.

    Raises
    ------
    ValueError
        For another ``mode``.

    Examples
    --------
    >>> sesar_amplitude_ratios("F").round(2)
    array([1.73, 1.76, 1.3 , 1.03, 0.95, 0.89])
    """
    if mode not in _SESAR_MODE:
        raise ValueError(f"mode must be 'F' or '1O', not {mode!r}")
    _, stars = load_sesar2010_rrlyrae()
    stars = stars[stars["type"] == _SESAR_MODE[mode]]
    amplitude = stars[[f"{band}A" for band in "ugriz"]].to_numpy(dtype=float)
    ratio = np.median(amplitude / stars[["rA"]].to_numpy(dtype=float), axis=0)
    at_i = at_wavelengths(_SDSS_WAVELENGTH, ratio, [JOHNSON_COUSINS_WAVELENGTH["I"]])
    ratios = at_wavelengths(_SDSS_WAVELENGTH, ratio) / at_i
    ratios.flags.writeable = False
    return ratios


def _draw_ogle(subclass: str, n: int, rng: np.random.Generator) -> SimulatedStars:
    """``n`` RRc or RRd stars from the OGLE-III LMC table (smoothed bootstrap)."""
    suffixes = _OGLE_MODES[subclass]
    columns = ["I", "V", *(name + suffix for suffix in suffixes for name in _MODE_COLUMNS)]
    rows = resample(fill_undetected(load_ogle3(subclass)), n, rng, columns, smooth=True)
    modes = [
        ogle_mode(rows, sesar_amplitude_ratios(mode), suffix=suffix)
        for suffix, mode in suffixes.items()
    ]
    labels = {"period_F": modes[1].period} if "_F" in suffixes else None
    return catalog_stars(rows, modes[0].period, modes, _OGLE_FEH, rng, labels)


#: RR Lyrae subclasses of the simulator.
MODELS: dict[str, StarModel] = {
    "RRab": StarModel(
        "RRL",
        _draw_rrab,
        "copies of Sesar et al. (2010) Stripe 82 RRab stars (ugriz templates)",
    ),
    "RRc": StarModel(
        "RRL",
        lambda n, rng: _draw_ogle("RRc", n, rng),
        "OGLE-III LMC RRc stars (Soszynski et al. 2009), smoothed bootstrap: Fourier "
        "shapes, Sesar band ratios",
    ),
    "RRd": StarModel(
        "RRL",
        lambda n, rng: _draw_ogle("RRd", n, rng),
        "OGLE-III LMC RRd stars (Soszynski et al. 2009), smoothed bootstrap: two Fourier "
        "modes, Sesar band ratios",
    ),
}
