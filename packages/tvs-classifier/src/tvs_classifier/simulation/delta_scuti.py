"""Synthetic delta Scuti stars, single-mode (``DSCT``) and multi-mode (``DSCT_MM``).

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
long-period end of delta Scuti stars (0.03-0.3 d, mostly 0.05-0.15 d).

Each ``DSCT_MM`` star copies a random star of the 92 multi-mode delta Scuti stars of
the same catalog (``multimode.dat``): every periodic term OGLE lists for it (2 to 8:
radial modes F, 1O, 2O, 3O, non-radial modes, harmonics and combination frequencies)
becomes a sinusoid of the listed period and amplitude with a random phase, so that the
light curve beats as the star's does. OGLE's amplitude column of this table is taken as
the semi-amplitude of each sinusoid (the peak-to-peak amplitude is twice it): a
reading, not a documented fact of our copy of the file; it is supported by the
amplitudes of the dominant terms (median 0.067 mag), a third of the peak-to-peak I
amplitudes of the single-mode stars of the same periods (median 0.20 mag). The smoothed
bootstrap perturbs the dominant period, its amplitude and V - I as for the other
subclasses; the other terms keep their period and amplitude ratios to the dominant one.
``period`` is the first listed period, that of the largest amplitude (in two stars the
second term is larger, by at most 0.002 mag); the band ratios and colors are those of
``DSCT``.

Examples
--------
>>> import numpy as np
>>> stars = MODELS["DSCT"].draw(3, np.random.default_rng(0))
>>> bool(np.all(stars.period < 0.3))
True
>>> bool(np.all(stars.amplitude[:, 1] > stars.amplitude[:, 3]))  # g varies more than i
True
>>> multi = MODELS["DSCT_MM"].draw(3, np.random.default_rng(0))
>>> bool(np.all(multi.period < 0.5)), sorted(multi.labels)
(True, ['n_terms', 'ogle_id'])
"""

from __future__ import annotations

import numpy as np

from ._pulsation import catalog_stars, ogle_mode, resample, scaled_mode
from .base import SimulatedStars, StarModel
from .ogle import load_ogle3
from .rrlyrae import sesar_amplitude_ratios

__all__ = ["MODELS"]

_FEH = -0.5
_COLUMNS = ["I", "V", "period", "amp_I", "R21", "phi21"]
#: Most periodic terms of one star of ``multimode.dat``.
_MAX_TERMS = 8


def _draw(n: int, rng: np.random.Generator) -> SimulatedStars:
    """``n`` delta Scuti stars copying random OGLE-III LMC single-mode stars."""
    rows = resample(load_ogle3("DSct"), n, rng, _COLUMNS, smooth=True)
    mode = ogle_mode(rows, sesar_amplitude_ratios("F"))
    return catalog_stars(rows, mode.period, [mode], _FEH, rng)


def _draw_multimode(n: int, rng: np.random.Generator) -> SimulatedStars:
    """``n`` delta Scuti stars copying random OGLE-III LMC multi-mode stars."""
    table = load_ogle3("DSct_multi")
    # The dominant term as period and peak-to-peak amplitude, for the smoothed bootstrap.
    table = table.assign(period=table["period_1"], amp_I=2.0 * table["A_1"])
    rows = resample(table, n, rng, ["I", "V", "period", "amp_I"], smooth=True)
    period_scale = (rows["period"] / rows["period_1"]).to_numpy()
    amp_scale = (rows["amp_I"] / (2.0 * rows["A_1"])).to_numpy()
    ratios = sesar_amplitude_ratios("F")
    sinusoid = np.ones((n, 1)), np.zeros((n, 1))
    modes = []
    for k in range(1, _MAX_TERMS + 1):
        present = rows[f"period_{k}"].notna().to_numpy()
        term_period = np.where(present, rows[f"period_{k}"].to_numpy() * period_scale, 1.0)
        term_amp = np.where(present, 2.0 * rows[f"A_{k}"].to_numpy() * amp_scale, 0.0)
        modes.append(scaled_mode(term_period, *sinusoid, term_amp, ratios))
    n_terms = rows.filter(like="period_").notna().sum(axis=1).to_numpy()
    return catalog_stars(rows, modes[0].period, modes, _FEH, rng, {"n_terms": n_terms})


#: delta Scuti subclasses of the simulator.
MODELS: dict[str, StarModel] = {
    "DSCT": StarModel(
        "DSCT",
        _draw,
        "OGLE-III LMC single-mode delta Scuti stars (Poleski et al. 2010), Sesar band ratios",
    ),
    "DSCT_MM": StarModel(
        "DSCT",
        _draw_multimode,
        "OGLE-III LMC multi-mode delta Scuti stars (Poleski et al. 2010): every listed "
        "term a sinusoid, Sesar band ratios",
    ),
}
