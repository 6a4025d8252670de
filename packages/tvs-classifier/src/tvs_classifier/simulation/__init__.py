"""Synthetic labelled LSST light curves of many classes of variable stars.

Each subclass of variable star is a `tvs_classifier.simulation.base.StarModel` in the
module of its family: `tvs_classifier.simulation.rrlyrae`, `tvs_classifier.simulation.cepheids`,
`tvs_classifier.simulation.delta_scuti`, `tvs_classifier.simulation.eclipsing_binaries`,
`tvs_classifier.simulation.long_period`, and constant stars here. `MODELS` joins them and
`CLASSES` maps every subclass to its main class.

How a light curve is made:

* **The star** from its subclass's model: period, colors (mean magnitude in each of
  u g r i z y relative to r), amplitudes and the noiseless variation in every band.
* **Times** from `tvs_classifier.simulation.cadence.visit_times`: LSST-like seasons, nights and
  numbers of visits per band for a survey of ``years`` years.
* **Mean r magnitude** uniform over `R_MAG_RANGE` (16.5-23.5: below LSST's saturation
  near 16 and about one magnitude above the single-visit r depth of 24.35); the other
  bands follow from the colors.
* **Noise** from `tvs_classifier.simulation.noise.add_noise` (Ivezić et al. 2019). All visits
  are kept, also those fainter than the depth (as forced photometry keeps them).
* **Constant stars** have no variability and the colors of either a random Stripe 82
  RR Lyrae (so that color alone does not tell them from RR Lyrae) or a blackbody of
  a temperature drawn log-uniformly over 3500-10000 K, with equal probability.
* **Reddening**: the models give a star's own (de-reddened) colors; every star,
  constant stars included, is then seen through dust of a color excess E(B-V) from
  `tvs_classifier.simulation.reddening.draw_ebv` (label ``ebv``), which reddens its colors by
  the Cardelli, Clayton & Mathis (1989) law (`tvs_classifier.simulation.reddening.redden`). The
  mean r magnitude stays as drawn (it is the observed one); the other bands' mean
  magnitudes (``mean_<band>``) are the observed, reddened ones.
* **Survey imperfections** (off by default, for training a network that must also
  work on older or noisier surveys): ``depth_offset_range`` makes each light curve's
  depth shallower (`tvs_classifier.simulation.noise.draw_depth_offset`; label
  ``depth_offset``), ``outlier_fraction_range`` moves a few per cent of its points by
  0.3-5 mag (`tvs_classifier.simulation.noise.add_outliers`; labels
  ``outlier_fraction``, the fraction drawn, and ``n_outliers``, the points moved),
  ``passband_offset_range`` shifts its mean magnitude in each band as another
  survey's passbands would (`tvs_classifier.simulation.noise.draw_passband_offsets`;
  labels ``passband_offset_<band>``).

Everything is drawn from one `numpy.random.Generator`, so a seed gives the same data.
The color excesses, depth offsets, outliers and passband offsets come from generators
spawned from it, which leaves its stream unchanged: with and without reddening,
shallower depths, outliers or passband offsets, a seed gives the same stars, times and
noise draws.

Examples
--------
>>> lcs, labels = simulate(3, ["RRab", "RRc", "constant"], seed=1, years=1)
>>> len(lcs), sorted(labels["subclass"])
(3, ['RRab', 'RRc', 'constant'])
>>> lcs.bands
('u', 'g', 'r', 'i', 'z', 'y')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..bands import LSST_BANDS
from ..lightcurves import LightCurves
from . import cepheids, delta_scuti, eclipsing_binaries, long_period, rrlyrae
from .base import SimulatedStars, StarModel
from .cadence import LSST_START_MJD, n_visits, visit_times
from .colors import lsst_colors
from .noise import (
    LSST_M5,
    OUTLIER_OFFSET_RANGE,
    add_noise,
    add_outliers,
    draw_depth_offset,
    draw_passband_offsets,
)
from .reddening import EBV_RANGE, draw_ebv, redden

__all__ = ["CLASSES", "MODELS", "R_MAG_RANGE", "simulate"]

#: Range of the mean r magnitude (uniform).
R_MAG_RANGE: tuple[float, float] = (16.5, 23.5)


_CHUNK = 2000  # positions per call of visit_times (bounds its memory)
_CONSTANT_TEFF = (3500.0, 10000.0)


def _draw_constant(n: int, rng: np.random.Generator) -> SimulatedStars:
    """``n`` constant stars with RR Lyrae or blackbody colors (half and half)."""
    like_rrlyrae = rng.uniform(size=n) < 0.5
    teff = np.exp(rng.uniform(*np.log(_CONSTANT_TEFF), size=n))
    colors = np.where(like_rrlyrae[:, None], rrlyrae.sesar_colors(n, rng), lsst_colors(teff))
    return SimulatedStars(
        period=np.full(n, np.nan),
        colors=colors,
        amplitude=np.zeros((n, len(LSST_BANDS))),
        variation=lambda star, time, band: np.zeros(np.shape(time)),
    )


#: Every subclass `simulate` can make, family by family.
MODELS: dict[str, StarModel] = {
    **rrlyrae.MODELS,
    **cepheids.MODELS,
    **delta_scuti.MODELS,
    **eclipsing_binaries.MODELS,
    **long_period.MODELS,
    "constant": StarModel(
        "constant", _draw_constant, "no variability; RR Lyrae or blackbody colors"
    ),
}

#: Main class of every subclass.
CLASSES: dict[str, str] = {name: model.main_class for name, model in MODELS.items()}


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
            f"unknown or no classes {unknown or list(classes)}; choose from {', '.join(CLASSES)}"
        )
    if len(set(classes)) != len(classes):
        raise ValueError(f"classes repeated: {list(classes)}")
    return classes


def _draw_reddening(
    n: int, rng: np.random.Generator, ebv_range: tuple[float, float] | None
) -> np.ndarray:
    """E(B-V) of ``n`` stars from a generator spawned from ``rng`` (zeros for ``None``).

    Spawning leaves ``rng``'s own stream as it was, so that switching the reddening
    off changes no other draw.
    """
    if ebv_range is None:
        return np.zeros(n)
    return draw_ebv(n, rng.spawn(1)[0], ebv_range)


def simulate(
    n: int,
    classes: Sequence[str] = tuple(CLASSES),
    *,
    seed: int | np.random.Generator | None = None,
    years: float = 10,
    r_mag_range: tuple[float, float] = R_MAG_RANGE,
    ebv_range: tuple[float, float] | None = EBV_RANGE,
    depth_offset_range: tuple[float, float] | None = None,
    outlier_fraction_range: tuple[float, float] | None = None,
    outlier_offset_range: tuple[float, float] = OUTLIER_OFFSET_RANGE,
    passband_offset_range: tuple[float, float] | None = None,
    visits: Mapping[str, int] | None = None,
) -> tuple[LightCurves, pd.DataFrame]:
    """Simulate ``n`` labelled LSST light curves.

    Parameters
    ----------
    n : int
        Number of light curves (>= 1), shared as evenly as possible between the classes
        (in a random order).
    classes : sequence of str
        Subclasses to simulate, from `CLASSES` (default: all of them).
    seed : int or numpy.random.Generator, optional
        Seed or generator; the same seed gives the same light curves and labels.
    years : float
        Survey length in years (0 < years <= 20); see `tvs_classifier.simulation.cadence`.
    r_mag_range : tuple of float
        Range of the observed mean r magnitude (uniform).
    ebv_range : tuple of float or None
        Range of the color excess E(B-V) of the interstellar reddening, drawn by
        `tvs_classifier.simulation.reddening.draw_ebv`; ``None`` or ``(0, 0)`` for no reddening
        (the stars' own colors).
    depth_offset_range : tuple of float, optional
        Make each light curve's single-visit depth brighter than LSST's by an offset
        uniform over this range (mag; e.g.
        `tvs_classifier.simulation.noise.DEPTH_OFFSET_RANGE`, 0-5), never beyond the
        star's mean r magnitude. None (default): LSST's depths.
    outlier_fraction_range : tuple of float, optional
        Move a fraction of each light curve's points, uniform over this range (e.g.
        `tvs_classifier.simulation.noise.OUTLIER_FRACTION_RANGE`, 0-5 %), by
        ``outlier_offset_range``. None (default): no outliers.
    outlier_offset_range : tuple of float
        Range of the outliers' absolute offsets (mag, log-uniform, random sign).
    passband_offset_range : tuple of float, optional
        Shift each light curve's mean magnitude in every band by its own offset,
        uniform over this range (mag; e.g.
        `tvs_classifier.simulation.noise.PASSBAND_OFFSET_RANGE`, -0.3 to 0.3), as
        another survey's passbands mapped onto LSST's would. None (default): LSST's
        passbands.
    visits : mapping of str to int, optional
        Ten-year numbers of visits per band (`tvs_classifier.simulation.cadence.n_visits`
        scales them to ``years``); default LSST's
        (`tvs_classifier.simulation.cadence.LSST_WFD_VISITS`). Other numbers stand for
        other surveys' cadences (e.g. 120 points per band in 2.5 years).

    Returns
    -------
    light_curves : LightCurves
        Object ids ``0 .. n - 1``; bands u g r i z y.
    labels : pandas.DataFrame
        One row per object: ``object_id, class, subclass, period`` (days; NaN for
        non-periodic stars), ``mean_<band>`` (observed, reddened mean magnitude over
        time) and ``amp_<band>`` (peak-to-peak amplitude without noise) for every band,
        ``ebv`` (color excess E(B-V) of the reddening), ``depth_offset`` (mag) if
        ``depth_offset_range`` is given, ``outlier_fraction`` and ``n_outliers`` if
        ``outlier_fraction_range`` is given, ``passband_offset_<band>`` (mag, included
        in ``mean_<band>``) if ``passband_offset_range`` is given, then the further columns of the
        subclasses' models (e.g. ``epoch_max`` and ``sesar_id`` of RRab stars; empty for
        the other subclasses).

    Raises
    ------
    ValueError
        For a bad ``n``, ``years``, ``r_mag_range``, ``ebv_range``, depth or outlier
        range, ``visits`` of other bands than LSST's or negative, or an unknown class.

    Examples
    --------
    >>> lcs, labels = simulate(4, ["RRab"], seed=3, years=3)
    >>> labels[["class", "subclass"]].drop_duplicates().values.tolist()
    [['RRL', 'RRab']]
    >>> bool((labels["amp_g"] > labels["amp_i"]).all())
    True
    >>> bool(labels["ebv"].between(0.0, 1.0).all())
    True
    >>> lcs, labels = simulate(
    ...     4,
    ...     ["RRab"],
    ...     seed=3,
    ...     years=3,
    ...     depth_offset_range=(0, 5),
    ...     outlier_fraction_range=(0.05, 0.05),
    ... )
    >>> bool(labels["depth_offset"].between(0, 5).all()), int(labels["n_outliers"].sum()) > 0
    (True, True)
    """
    n = _check_n(n)
    classes = _check_classes(classes)
    low, high = (float(value) for value in r_mag_range)
    if not (np.isfinite(low) and np.isfinite(high) and low <= high):
        raise ValueError(f"r_mag_range must be two finite numbers, low <= high: {r_mag_range}")
    if visits is not None and set(visits) - set(LSST_BANDS):
        raise ValueError(
            f"visits names bands {sorted(set(visits) - set(LSST_BANDS))}, not LSST bands "
            f"{', '.join(LSST_BANDS)}"
        )
    if sum(n_visits(years, visits).values()) == 0:
        raise ValueError(f"a survey of {years} years has no visits; use years >= 0.1")
    rng = np.random.default_rng(seed)
    ebv = _draw_reddening(n, rng, ebv_range)
    # Spawned after the reddening's generator, and only when used, so that none of
    # them changes the draws of a simulation without them.
    imperfections = (depth_offset_range, outlier_fraction_range, passband_offset_range)
    if any(option is not None for option in imperfections):
        depth_rng, outlier_rng, passband_rng = rng.spawn(3)
    subclass = rng.permutation(np.resize(np.array(classes, dtype=object), n))
    n_bands = len(LSST_BANDS)
    period = np.full(n, np.nan)
    colors = np.zeros((n, n_bands))
    amplitude = np.zeros((n, n_bands))
    drawn: dict[str, tuple[np.ndarray, SimulatedStars]] = {}
    extra_labels = []
    for name in classes:
        members = np.flatnonzero(subclass == name)
        stars = MODELS[name].draw(len(members), rng)
        drawn[name] = (members, stars)
        period[members] = stars.period
        colors[members] = stars.colors
        amplitude[members] = stars.amplitude
        extra_labels.append(pd.DataFrame(dict(stars.labels), index=members))
    colors = redden(colors - colors[:, [LSST_BANDS.index("r")]], ebv)
    mean = colors + rng.uniform(low, high, size=(n, 1))
    if passband_offset_range is not None:
        passband_offset = draw_passband_offsets(
            n, n_bands, passband_rng, offset_range=passband_offset_range
        )
        mean = mean + passband_offset

    schedule = pd.concat(
        [
            visit_times(min(_CHUNK, n - first), years=years, seed=rng, visits=visits).assign(
                position=lambda frame, first=first: frame["position"] + first
            )
            for first in range(0, n, _CHUNK)
        ],
        ignore_index=True,
    )
    obj = schedule["position"].to_numpy()
    band_index = pd.Categorical(schedule["band"], categories=LSST_BANDS).codes.astype(np.int64)
    time = schedule["mjd"].to_numpy() - LSST_START_MJD
    true_mag = mean[obj, band_index]
    # Each subclass's variation, with the star's index within its own draw.
    rank = np.empty(n, dtype=np.int64)
    is_name = pd.Series(subclass)
    for name, (members, stars) in drawn.items():
        rank[members] = np.arange(len(members))
        rows = np.flatnonzero((is_name.to_numpy() == name)[obj])
        true_mag[rows] += stars.variation(rank[obj[rows]], time[rows], band_index[rows])
    band = np.asarray(LSST_BANDS, dtype=object)[band_index]
    m5 = None
    if depth_offset_range is not None:
        depth_offset = draw_depth_offset(
            mean[:, LSST_BANDS.index("r")], depth_rng, depth_range=depth_offset_range
        )
        m5 = np.array([LSST_M5[b] for b in LSST_BANDS])[band_index] - depth_offset[obj]
    observed, error = add_noise(true_mag, band, rng, m5=m5)
    if outlier_fraction_range is not None:
        observed, is_outlier, outlier_fraction = add_outliers(
            observed,
            obj,
            outlier_rng,
            fraction_range=outlier_fraction_range,
            offset_range=outlier_offset_range,
        )
    table = pd.DataFrame(
        {
            "object_id": obj,
            "mjd": schedule["mjd"].to_numpy(),
            "band": band,
            "mag": observed,
            "mag_err": error,
        }
    )
    light_curves = LightCurves.from_table(table)

    labels = pd.DataFrame(
        {
            "object_id": np.arange(n),
            "class": [CLASSES[name] for name in subclass],
            "subclass": subclass.astype(str),
            "period": period,
        }
    )
    for b, band_name in enumerate(LSST_BANDS):
        labels[f"mean_{band_name}"] = mean[:, b]
    for b, band_name in enumerate(LSST_BANDS):
        labels[f"amp_{band_name}"] = amplitude[:, b]
    labels["ebv"] = ebv
    if depth_offset_range is not None:
        labels["depth_offset"] = depth_offset
    if outlier_fraction_range is not None:
        labels["outlier_fraction"] = outlier_fraction
        labels["n_outliers"] = np.bincount(obj[is_outlier], minlength=n)
    if passband_offset_range is not None:
        for b, band_name in enumerate(LSST_BANDS):
            labels[f"passband_offset_{band_name}"] = passband_offset[:, b]
    extra = (
        pd.concat(extra_labels).sort_index() if extra_labels else pd.DataFrame(index=labels.index)
    )
    return light_curves, pd.concat([labels, extra.reindex(labels.index)], axis=1)
