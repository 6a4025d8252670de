"""Synthetic RR Lyrae stars: fundamental-mode (RRab) and first-overtone (RRc) pulsators.

Each simulated star copies one real Stripe 82 RR Lyrae of Sesar et al. (2010, ApJ 708,
717) of the same subtype, drawn at random: its period, and in each of u g r i z its
amplitude, template and mean magnitude relative to r, so that periods, amplitudes,
shapes and colours are those of real stars and consistent across bands. The templates
give ``mag = m_mean + A * (T(phase) - <T>)`` with the star's amplitude ``A`` and
template ``T`` per band (``<T>`` the template's mean over phase); the phase at the
start of the survey is drawn uniformly.

LSST y, which SDSS does not have, copies z: same template, amplitude and mean magnitude
(z - y = 0). RR Lyrae amplitudes shrink slowly towards the red, so this overestimates
the y amplitude a little. SDSS ugriz magnitudes are taken as LSST ugriz without a
transformation (differences of a few hundredths of a magnitude for RR Lyrae colours).

Examples
--------
>>> import numpy as np
>>> stars = MODELS["RRab"].draw(3, np.random.default_rng(0))
>>> bool(np.all((stars.period > 0.4) & (stars.period < 1.0)))
True
>>> bool(np.all(stars.amplitude[:, 1] > stars.amplitude[:, 3]))  # g varies more than i
True
"""

from __future__ import annotations

from functools import cache

import numpy as np

from .cadence import LSST_START_MJD
from .datasets import load_sesar2010_rrlyrae
from .variability import BANDS, SimulatedStars, StarModel

__all__ = ["MODELS", "sesar_colours"]

_SDSS_BAND = {"u": "u", "g": "g", "r": "r", "i": "i", "z": "z", "y": "z"}  # y copies z
_SESAR_TYPE = {"RRab": "ab", "RRc": "c"}


@cache
def _sesar() -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Templates (n_templates, 500), their means, per-star columns, template rows, means."""
    templates, stars = load_sesar2010_rrlyrae()
    curves = templates.drop(columns="phase").to_numpy(dtype=float).T
    column = {name: k for k, name in enumerate(templates.columns[1:])}
    template_mean = curves.mean(axis=1)
    n_stars = len(stars)
    rows = np.empty((n_stars, len(BANDS)), dtype=np.int64)
    mean = np.empty((n_stars, len(BANDS)))
    amplitude = np.empty((n_stars, len(BANDS)))
    for b, band in enumerate(BANDS):
        sdss = _SDSS_BAND[band]
        rows[:, b] = [column[f"{i}{sdss}"] for i in stars[f"{sdss}T"]]
        amplitude[:, b] = stars[f"{sdss}A"].to_numpy()
        mean[:, b] = stars[f"{sdss}0"].to_numpy() + amplitude[:, b] * template_mean[rows[:, b]]
    columns = {
        "id": stars["id"].to_numpy(),
        "type": stars["type"].to_numpy(),
        "P": stars["P"].to_numpy(dtype=float),
        "amplitude": amplitude,
        "colours": mean - mean[:, [BANDS.index("r")]],
    }
    return curves, template_mean, columns, rows, mean


def sesar_colours(n: int, rng: np.random.Generator) -> np.ndarray:
    """Colours (mean magnitude minus mean r, u g r i z y) of ``n`` random Stripe 82 RR Lyrae.

    Examples
    --------
    >>> sesar_colours(2, np.random.default_rng(1)).shape
    (2, 6)
    """
    _, _, columns, _, _ = _sesar()
    return columns["colours"][rng.integers(0, len(columns["P"]), size=n)]


def _draw(subclass: str, n: int, rng: np.random.Generator) -> SimulatedStars:
    """``n`` stars copying random Sesar et al. stars of the subtype of ``subclass``."""
    curves, template_mean, columns, rows, _ = _sesar()
    pool = np.flatnonzero(columns["type"] == _SESAR_TYPE[subclass])
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
        colours=columns["colours"][star],
        amplitude=amplitude,
        variation=variation,
        labels={
            "epoch_max": LSST_START_MJD + (1.0 - phase0) * period,
            "sesar_id": columns["id"][star],
        },
    )


#: RR Lyrae subclasses of the simulator.
MODELS: dict[str, StarModel] = {
    name: StarModel(
        "RRL",
        lambda n, rng, name=name: _draw(name, n, rng),
        f"copies of Sesar et al. (2010) Stripe 82 RR{_SESAR_TYPE[name]} stars (ugriz templates)",
    )
    for name in _SESAR_TYPE
}
