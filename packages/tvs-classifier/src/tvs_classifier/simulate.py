"""Synthetic labelled LSST light curves: RR Lyrae (ab, c) and constant stars.

The first classes of the generator (issue 5, item 3). Other classes (RRd, Cepheids,
delta Scuti, eclipsing binaries, long-period variables) are **not simulated yet**.

How a light curve is made:

* **Times** from `tvs_classifier.cadence.visit_times`: LSST-like seasons, nights and
  numbers of visits per band for a survey of ``years`` years.
* **RR Lyrae** copy one real Stripe 82 RR Lyrae of Sesar et al. (2010) of the same
  subtype, drawn at random: its period, its amplitude and template in each of
  u g r i z, and its colours (mean magnitudes relative to r), so that periods,
  amplitudes, shapes and colours are those of real stars and consistent across bands.
  The templates give ``mag = m_mean + A * (T(phase) - <T>)`` with the star's
  amplitude ``A`` and template ``T`` per band (``<T>`` the template's mean over phase).
  The phase at the first night is drawn uniformly.
* **LSST y**, which SDSS does not have, copies z: same template, amplitude and mean
  magnitude (z - y = 0). RR Lyrae amplitudes shrink slowly towards the red, so this
  overestimates the y amplitude a little; a better colour is future work. SDSS ugriz
  magnitudes are taken as LSST ugriz without a transformation (differences of a few
  hundredths of a magnitude for RR Lyrae colours).
* **Constant stars** take the colours of a random Sesar et al. star (either subtype),
  so that colour alone does not tell them from RR Lyrae, and no variability.
* **Mean r magnitude** uniform over `R_MAG_RANGE` (16.5-23.5: below LSST's saturation
  near 16 and about one magnitude above the single-visit r depth of 24.35); the other
  bands follow from the colours.
* **Noise** from `tvs_classifier.noise.add_noise` (Ivezić et al. 2019). All visits
  are kept, also those fainter than the depth (as forced photometry keeps them).

Examples
--------
>>> lcs, labels = simulate(3, seed=1, years=1)
>>> len(lcs), labels["subclass"].tolist()
(3, ['RRab', 'RRc', 'constant'])
>>> lcs.bands
('u', 'g', 'r', 'i', 'z', 'y')
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .cadence import LSST_START_MJD, n_visits, visit_times
from .datasets import load_sesar2010_rrlyrae
from .lightcurves import LightCurves
from .noise import add_noise

__all__ = ["CLASSES", "R_MAG_RANGE", "SIMULATED_BANDS", "simulate"]

#: Subclasses that `simulate` can make, with their class.
CLASSES: dict[str, str] = {"RRab": "RRL", "RRc": "RRL", "constant": "constant"}

#: Range of the mean r magnitude (uniform).
R_MAG_RANGE: tuple[float, float] = (16.5, 23.5)

#: Bands of the simulated light curves.
SIMULATED_BANDS: tuple[str, ...] = ("u", "g", "r", "i", "z", "y")

_SDSS_BAND = {"u": "u", "g": "g", "r": "r", "i": "i", "z": "z", "y": "z"}  # y copies z
_SESAR_TYPE = {"RRab": "ab", "RRc": "c"}
_CHUNK = 2000  # positions per call of visit_times (bounds its memory)


def _check_n(n: object) -> int:
    """``n`` as a positive int; anything else raises `ValueError`."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer, not {n!r}")
    return int(n)


def _check_classes(classes: Sequence[str]) -> tuple[str, ...]:
    """Known, distinct subclass names; anything else raises `ValueError`."""
    if isinstance(classes, str):
        classes = (classes,)
    classes = tuple(classes)
    unknown = [name for name in classes if name not in CLASSES]
    if not classes or unknown:
        raise ValueError(
            f"unknown or no classes {unknown or list(classes)}; choose from "
            f"{', '.join(CLASSES)} (other classes are not simulated yet)"
        )
    if len(set(classes)) != len(classes):
        raise ValueError(f"classes repeated: {list(classes)}")
    return classes


def simulate(
    n: int,
    classes: Sequence[str] = tuple(CLASSES),
    *,
    seed: int | np.random.Generator | None = None,
    years: float = 10,
    r_mag_range: tuple[float, float] = R_MAG_RANGE,
) -> tuple[LightCurves, pd.DataFrame]:
    """Simulate ``n`` labelled LSST light curves.

    Parameters
    ----------
    n : int
        Number of light curves (>= 1), shared as evenly as possible between the classes
        (in a random order).
    classes : sequence of str
        Subclasses to simulate, from `CLASSES`: ``"RRab"``, ``"RRc"``, ``"constant"``.
    seed : int or numpy.random.Generator, optional
        Seed or generator; the same seed gives the same light curves and labels.
    years : float
        Survey length in years (0 < years <= 20); see `tvs_classifier.cadence`.
    r_mag_range : tuple of float
        Range of the mean r magnitude (uniform).

    Returns
    -------
    light_curves : LightCurves
        Object ids ``0 .. n - 1``; bands u g r i z y.
    labels : pandas.DataFrame
        One row per object: ``object_id, class, subclass, period`` (days; NaN for
        constant stars), ``epoch_max`` (MJD of a maximum), ``sesar_id`` (the Stripe 82
        star copied), ``mean_<band>`` (mean magnitude over phase) and ``amp_<band>``
        (peak-to-peak amplitude without noise) for every band.

    Raises
    ------
    ValueError
        For a bad ``n``, ``years``, ``r_mag_range`` or an unknown class.

    Examples
    --------
    >>> lcs, labels = simulate(4, ["RRab"], seed=3, years=3)
    >>> labels[["class", "subclass"]].drop_duplicates().values.tolist()
    [['RRL', 'RRab']]
    >>> bool((labels["amp_g"] > labels["amp_i"]).all())
    True
    """
    n = _check_n(n)
    classes = _check_classes(classes)
    low, high = (float(value) for value in r_mag_range)
    if not (np.isfinite(low) and np.isfinite(high) and low <= high):
        raise ValueError(f"r_mag_range must be two finite numbers, low <= high: {r_mag_range}")
    if sum(n_visits(years).values()) == 0:
        raise ValueError(f"a survey of {years} years has no visits; use years >= 0.1")
    rng = np.random.default_rng(seed)
    templates, stars = load_sesar2010_rrlyrae()
    curves = templates.drop(columns="phase").to_numpy(dtype=float).T  # (n_templates, 500)
    column = {name: k for k, name in enumerate(templates.columns[1:])}
    n_phase = curves.shape[1]
    template_mean = curves.mean(axis=1)

    subclass = rng.permutation(np.resize(np.array(classes, dtype=object), n))
    # The Stripe 82 star each object copies: same subtype for RR Lyrae, any for colours.
    star = np.empty(n, dtype=np.int64)
    for name in classes:
        chosen = subclass == name
        if name in _SESAR_TYPE:
            pool = np.flatnonzero(stars["type"].to_numpy() == _SESAR_TYPE[name])
        else:
            pool = np.arange(len(stars))
        star[chosen] = rng.choice(pool, size=int(chosen.sum()))
    variable = np.isin(subclass, list(_SESAR_TYPE))

    n_bands = len(SIMULATED_BANDS)
    amplitude = np.empty((n, n_bands))
    template = np.empty((n, n_bands), dtype=np.int64)
    star_mean = np.empty((n, n_bands))
    for b, band in enumerate(SIMULATED_BANDS):
        sdss = _SDSS_BAND[band]
        ids = stars[f"{sdss}T"].to_numpy()[star]
        template[:, b] = [column[f"{i}{sdss}"] for i in ids]
        amplitude[:, b] = stars[f"{sdss}A"].to_numpy()[star]
        star_mean[:, b] = (
            stars[f"{sdss}0"].to_numpy()[star] + amplitude[:, b] * template_mean[template[:, b]]
        )
    amplitude[~variable] = 0.0
    r = SIMULATED_BANDS.index("r")
    mean = star_mean - star_mean[:, [r]] + rng.uniform(low, high, size=(n, 1))
    period = np.where(variable, stars["P"].to_numpy()[star], np.nan)
    phase0 = rng.uniform(0.0, 1.0, size=n)

    visits = pd.concat(
        [
            visit_times(min(_CHUNK, n - first), years=years, seed=rng).assign(
                position=lambda frame, first=first: frame["position"] + first
            )
            for first in range(0, n, _CHUNK)
        ],
        ignore_index=True,
    )
    obj = visits["position"].to_numpy()
    band_index = pd.Categorical(visits["band"], categories=SIMULATED_BANDS).codes
    mjd = visits["mjd"].to_numpy()
    with np.errstate(invalid="ignore"):
        phase = ((mjd - LSST_START_MJD) / period[obj] + phase0[obj]) % 1.0
    phase = np.where(variable[obj], phase, 0.0)
    position = phase * n_phase
    left = np.floor(position).astype(np.int64) % n_phase
    fraction = position - np.floor(position)
    rows = template[obj, band_index]
    shape = (1.0 - fraction) * curves[rows, left] + fraction * curves[rows, (left + 1) % n_phase]
    true_mag = mean[obj, band_index] + amplitude[obj, band_index] * (shape - template_mean[rows])
    band = np.asarray(SIMULATED_BANDS, dtype=object)[band_index]
    observed, error = add_noise(true_mag, band, rng)
    table = pd.DataFrame(
        {"object_id": obj, "mjd": mjd, "band": band, "mag": observed, "mag_err": error}
    )
    light_curves = LightCurves.from_table(table)

    labels = pd.DataFrame(
        {
            "object_id": np.arange(n),
            "class": [CLASSES[name] for name in subclass],
            "subclass": subclass.astype(str),
            "period": period,
            "epoch_max": LSST_START_MJD + (1.0 - phase0) * period,
            "sesar_id": stars["id"].to_numpy()[star],
        }
    )
    for b, band_name in enumerate(SIMULATED_BANDS):
        labels[f"mean_{band_name}"] = mean[:, b]
    for b, band_name in enumerate(SIMULATED_BANDS):
        labels[f"amp_{band_name}"] = amplitude[:, b]
    return light_curves, labels
