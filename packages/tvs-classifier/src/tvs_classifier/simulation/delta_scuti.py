"""Synthetic delta Scuti stars.

Each simulated ``DSCT`` star copies a random row of the OGLE-III LMC catalog of
single-mode delta Scuti stars (Poleski et al. 2010, AcA 60, 1; `tvs_classifier.simulation.ogle`):
period, peak-to-peak I amplitude, Fourier parameters R21 and phi21 (OGLE's cosine
series; the catalog gives no third harmonic) and mean V and I, all of one star, with
the kernel noise of the smoothed bootstrap (`tvs_classifier.simulation._pulsation.resample`). The
I-band light curve is the two-harmonic series scaled to the I amplitude; the other
bands keep its shape, scaled by the median amplitude ratios of Stripe 82 RRab stars
(`tvs_classifier.simulation.rrlyrae.sesar_amplitude_ratios`): delta Scuti stars are radial
pulsators of similar temperatures, mostly in the fundamental mode, whose amplitudes
likewise shrink towards the red. Colors come from OGLE's V - I (de-reddened,
converted to a temperature at [Fe/H] = -0.5, about the mean of the LMC's intermediate-age
field stars, e.g. Carrera et al. 2008, AJ 135, 836; see `tvs_classifier.simulation._pulsation`);
the 47 stars without V are skipped.

The LMC sample is limited by OGLE's depth (I < ~20.5): it holds the high-amplitude,
long-period end of delta Scuti stars (0.03-0.3 d, mostly 0.05-0.15 d). Multi-mode stars
(92 in the catalog) are not simulated.

Examples
--------
>>> import numpy as np
>>> stars = MODELS["DSCT"].draw(3, np.random.default_rng(0))
>>> bool(np.all(stars.period < 0.3))
True
>>> bool(np.all(stars.amplitude[:, 1] > stars.amplitude[:, 3]))  # g varies more than i
True
"""

from __future__ import annotations

import numpy as np

from ._pulsation import catalog_stars, ogle_mode, resample
from .base import SimulatedStars, StarModel
from .ogle import load_ogle3
from .rrlyrae import sesar_amplitude_ratios

__all__ = ["MODELS"]

_FEH = -0.5
_COLUMNS = ["I", "V", "period", "amp_I", "R21", "phi21"]


def _draw(n: int, rng: np.random.Generator) -> SimulatedStars:
    """``n`` delta Scuti stars copying random OGLE-III LMC single-mode stars."""
    rows = resample(load_ogle3("DSct"), n, rng, _COLUMNS, smooth=True)
    mode = ogle_mode(rows, sesar_amplitude_ratios("F"))
    return catalog_stars(rows, mode.period, [mode], _FEH, rng)


#: delta Scuti subclasses of the simulator.
MODELS: dict[str, StarModel] = {
    "DSCT": StarModel(
        "DSCT",
        _draw,
        "OGLE-III LMC single-mode delta Scuti stars (Poleski et al. 2010), Sesar band ratios",
    ),
}
