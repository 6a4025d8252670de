"""The period-luminosity (P-L) diagram of classified pulsating stars.

Pulsating stars of one kind and one distance lie on a line in mean magnitude against
log period: the P-L relation. A star far from the line of its subclass is a star whose
class, period or photometry is suspect, which makes the diagram a physical check of a
classification that the classifier itself does not use (it sees no distance). The
check works for stars at one distance (a star cluster, the Magellanic Clouds, a dwarf
galaxy); stars of the Galactic field lie at many distances, and their diagram is
spread along the magnitude axis.

* The **magnitude** of a star is its weighted mean magnitude in one band (outliers
  left out; `tvs_classifier.features.compute_features`) or, for two bands, the
  Wesenheit index ``W = m_red - R (m_blue - m_red)`` with ``R = A_red / (A_blue -
  A_red)`` from the extinction law (`tvs_classifier.extinction.LSST_EXTINCTION`), which
  does not change with the reddening of a star (Madore 1982, ApJ 253, 575).
* The **relation** of each subclass of RR Lyrae stars and Cepheids (classes
  `PL_CLASSES`) with at least ``min_stars`` stars is a straight line in log10 P fitted
  to the stars themselves, with iterative clipping at ``clip`` robust standard
  deviations (`fit_relation`); a star beyond ``clip`` of them is ``off_relation``.

The published theoretical relations in LSST's bands (Marconi et al. 2022, ApJ 934, 29,
for RR Lyrae; De Somma et al. 2024 for classical Cepheids) are not drawn: their
coefficient tables could not be read where this package was written, and none is
typed in from memory.

Examples
--------
>>> import numpy as np
>>> log_p = np.linspace(0.0, 1.5, 40)
>>> magnitude = 17.0 - 2.8 * log_p
>>> magnitude[5] += 1.5  # a star far below the line
>>> relation = fit_relation(log_p, magnitude)
>>> round(relation.slope, 3), round(relation.intercept, 3), relation.n_used
(-2.8, 17.0, 39)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from .bands import LSST_BANDS
from .extinction import LSST_EXTINCTION
from .features import compute_features
from .lightcurves import LightCurves

__all__ = [
    "CLIP",
    "MIN_STARS",
    "PL_CLASSES",
    "Relation",
    "fit_relation",
    "fit_relations",
    "period_luminosity",
    "pulsator_magnitudes",
    "wesenheit_factor",
]

#: Classes whose subclasses get a P-L relation: RR Lyrae and the three kinds of Cepheids.
PL_CLASSES: tuple[str, ...] = ("RRL", "CEP", "T2CEP", "ACEP")
#: Fewest stars of a subclass to fit its relation.
MIN_STARS = 5
#: Robust standard deviations from the relation beyond which a star is off it.
CLIP = 3.0
_MAD_TO_SIGMA = 1.482602218505602  # 1 / Phi^-1(3/4): MAD of a normal distribution -> sigma
_MAX_ITERATIONS = 20


@dataclass(frozen=True)
class Relation:
    """A straight-line P-L relation ``magnitude = intercept + slope * log10(P / 1 d)``.

    ``scatter`` is the robust standard deviation (1.4826 times the median absolute
    residual) of the stars kept, ``n`` the stars fitted and ``n_used`` those kept.
    """

    intercept: float
    slope: float
    scatter: float
    n: int
    n_used: int

    def __call__(self, log_period: ArrayLike) -> np.ndarray:
        """The relation's magnitude at ``log_period`` (log10 of days)."""
        return self.intercept + self.slope * np.asarray(log_period, dtype=float)


def fit_relation(log_period: ArrayLike, magnitude: ArrayLike, *, clip: float = CLIP) -> Relation:
    """Fit a straight line to magnitude against log10 period, clipping outlying stars.

    Least squares on the stars kept, then keep those within ``clip`` robust standard
    deviations of the line (the deviation from the median absolute residual of the
    stars kept), until the kept set does not change.

    Parameters
    ----------
    log_period : array_like
        log10 of the periods in days.
    magnitude : array_like
        Mean magnitude or Wesenheit index of each star.
    clip : float
        Clipping threshold in robust standard deviations (> 0).

    Returns
    -------
    Relation
        The line, its scatter and the numbers of stars fitted and kept.

    Raises
    ------
    ValueError
        For arrays of different lengths, values that are not finite, fewer than three
        stars, a single period, or a bad ``clip``.

    Examples
    --------
    >>> relation = fit_relation([-0.3, -0.25, -0.2, -0.1], [1.9, 1.75, 1.6, 1.3])
    >>> round(relation.slope, 6), round(float(relation(0.0)), 6), relation.n_used
    (-3.0, 1.0, 4)
    """
    x = np.asarray(log_period, dtype=float)
    y = np.asarray(magnitude, dtype=float)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError(
            f"log_period and magnitude must be 1-d of one length, not {x.shape} and {y.shape}"
        )
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise ValueError("log_period and magnitude must be finite (drop stars without them)")
    if len(x) < 3:
        raise ValueError(f"a relation needs at least 3 stars, not {len(x)}")
    if np.ptp(x) == 0:
        raise ValueError("all stars have one period: no slope can be fitted")
    if not (np.isfinite(clip) and clip > 0):
        raise ValueError(f"clip must be a positive number of standard deviations, not {clip}")
    kept = np.ones(len(x), dtype=bool)
    for _ in range(_MAX_ITERATIONS):
        slope, intercept = np.polyfit(x[kept], y[kept], 1)
        residual = y - (intercept + slope * x)
        scatter = _MAD_TO_SIGMA * float(np.median(np.abs(residual[kept])))
        now = np.abs(residual) <= clip * scatter if scatter > 0 else np.abs(residual) <= 1e-12
        if now.sum() < 3 or np.ptp(x[now]) == 0 or np.array_equal(now, kept):
            break
        kept = now
    return Relation(float(intercept), float(slope), scatter, len(x), int(kept.sum()))


def wesenheit_factor(blue: str, red: str) -> float:
    """``R = A_red / (A_blue - A_red)`` of the Wesenheit index ``m_red - R (m_blue - m_red)``.

    Parameters
    ----------
    blue, red : str
        LSST bands, ``blue`` of the shorter wavelength.

    Returns
    -------
    float
        The factor, from `tvs_classifier.extinction.LSST_EXTINCTION`.

    Raises
    ------
    ValueError
        For bands that are not LSST's or not in order of wavelength.

    Examples
    --------
    >>> round(wesenheit_factor("g", "r"), 3)
    2.825
    """
    for band in (blue, red):
        if band not in LSST_BANDS:
            raise ValueError(f"unknown band {band!r}; LSST bands are {', '.join(LSST_BANDS)}")
    a_blue, a_red = (LSST_EXTINCTION[LSST_BANDS.index(band)] for band in (blue, red))
    if not a_blue > a_red:
        raise ValueError(f"the Wesenheit index needs a bluer first band, not {blue!r}, {red!r}")
    return float(a_red / (a_blue - a_red))


def _magnitudes(
    light_curves: LightCurves,
    periods: Mapping | pd.Series,
    bands: Sequence[str],
) -> pd.Series:
    """Mean magnitude in one band, or the Wesenheit index of two, per object."""
    features = compute_features(light_curves, periods, bands=tuple(bands))
    if len(bands) == 1:
        return features[f"mean_{bands[0]}"]
    blue, red = bands
    factor = wesenheit_factor(blue, red)
    return features[f"mean_{red}"] - factor * (features[f"mean_{blue}"] - features[f"mean_{red}"])


def pulsator_magnitudes(
    results: pd.DataFrame, light_curves: LightCurves, bands: str | Sequence[str] = "r"
) -> pd.DataFrame:
    """The RR Lyrae stars and Cepheids of ``results`` with their periods and magnitudes.

    Parameters
    ----------
    results : pandas.DataFrame
        Classifications (`tvs_classifier.classify`'s output or a store's): columns
        ``object_id``, ``class``, ``subclass`` and ``period``.
    light_curves : LightCurves
        The objects' light curves, for their mean magnitudes.
    bands : str or sequence of str
        One band (its mean magnitude) or two, bluer first (their Wesenheit index).

    Returns
    -------
    pandas.DataFrame
        One row per star of `PL_CLASSES` with a positive period, light curves and a
        finite magnitude: ``object_id, class, subclass, period, log_period, magnitude``.

    Raises
    ------
    ValueError
        For missing columns or bad bands.

    Examples
    --------
    >>> from tvs_classifier.simulation import simulate
    >>> lcs, labels = simulate(4, ["RRab", "ED"], seed=2, years=2)
    >>> results = labels[["object_id", "class", "subclass", "period"]]
    >>> pulsator_magnitudes(results, lcs, "g")["subclass"].tolist()  # the binaries left out
    ['RRab', 'RRab']
    """
    bands = (bands,) if isinstance(bands, str) else tuple(bands)
    if len(bands) not in (1, 2):
        raise ValueError(f"give one band or two (a Wesenheit index), not {bands}")
    for band in bands:
        if band not in LSST_BANDS:
            raise ValueError(f"unknown band {band!r}; LSST bands are {', '.join(LSST_BANDS)}")
    if len(bands) == 2:
        wesenheit_factor(*bands)
    missing = [c for c in ("object_id", "class", "subclass", "period") if c not in results]
    if missing:
        raise ValueError(f"results lack the columns {missing}")
    period = pd.to_numeric(results["period"], errors="coerce")
    keep = (
        results["class"].isin(PL_CLASSES)
        & (period > 0)
        & np.isfinite(period)
        & results["object_id"].isin(light_curves.object_ids)
    )
    stars = results.loc[keep, ["object_id", "class", "subclass"]].reset_index(drop=True)
    stars["period"] = period[keep].to_numpy(dtype=float)
    stars["log_period"] = np.log10(stars["period"])
    stars["magnitude"] = np.nan
    if len(stars):
        periods = stars.set_index("object_id")["period"]
        magnitude = _magnitudes(light_curves.select(stars["object_id"]), periods, bands)
        stars["magnitude"] = magnitude.reindex(stars["object_id"]).to_numpy()
    return stars[np.isfinite(stars["magnitude"])].reset_index(drop=True)


def fit_relations(
    stars: pd.DataFrame, *, clip: float = CLIP, min_stars: int = MIN_STARS
) -> tuple[pd.DataFrame, dict[str, Relation]]:
    """Fit each subclass's relation and mark the stars off it.

    Parameters
    ----------
    stars : pandas.DataFrame
        `pulsator_magnitudes`' table (or any rows of it).
    clip : float
        Robust standard deviations from the relation beyond which a star is off it.
    min_stars : int
        Fewest stars of a subclass to fit its relation (>= 3).

    Returns
    -------
    table : pandas.DataFrame
        ``stars`` with ``relation`` (the magnitude its subclass's relation gives; NaN
        for a subclass of too few stars), ``residual`` and ``off_relation``.
    relations : dict of str to Relation
        The relation of each subclass fitted.

    Raises
    ------
    ValueError
        For a bad ``clip`` or ``min_stars``.

    Examples
    --------
    >>> stars = pd.DataFrame(
    ...     {
    ...         "subclass": ["RRab"] * 6,
    ...         "log_period": [-0.35, -0.3, -0.25, -0.2, -0.15, -0.1],
    ...         "magnitude": [19.55, 19.4, 19.25, 20.6, 18.95, 18.8],
    ...     }
    ... )
    >>> table, relations = fit_relations(stars)
    >>> table["off_relation"].tolist(), round(relations["RRab"].slope, 2)
    ([False, False, False, True, False, False], -3.0)
    """
    if not (isinstance(min_stars, int | np.integer) and min_stars >= 3):
        raise ValueError(f"min_stars must be an integer >= 3, not {min_stars!r}")
    if not (np.isfinite(clip) and clip > 0):
        raise ValueError(f"clip must be a positive number of standard deviations, not {clip}")
    table = stars.copy()
    table["relation"] = np.nan
    relations: dict[str, Relation] = {}
    for subclass, rows in table.groupby("subclass", sort=True).groups.items():
        members = table.loc[rows]
        if len(members) < min_stars or np.ptp(members["log_period"]) == 0:
            continue
        relation = fit_relation(members["log_period"], members["magnitude"], clip=clip)
        relations[str(subclass)] = relation
        table.loc[rows, "relation"] = relation(members["log_period"])
    table["residual"] = table["magnitude"] - table["relation"]
    scatter = {name: relation.scatter for name, relation in relations.items()}
    scatter = table["subclass"].map(scatter).to_numpy(dtype=float, na_value=np.nan)
    table["off_relation"] = table["residual"].abs().to_numpy() > clip * scatter
    return table, relations


def period_luminosity(
    results: pd.DataFrame,
    light_curves: LightCurves,
    bands: str | Sequence[str] = "r",
    *,
    clip: float = CLIP,
    min_stars: int = MIN_STARS,
) -> tuple[pd.DataFrame, dict[str, Relation]]:
    """The P-L diagram of the classified RR Lyrae stars and Cepheids of ``results``.

    `pulsator_magnitudes`, then `fit_relations`.

    Parameters
    ----------
    results : pandas.DataFrame
        Classifications (`tvs_classifier.classify`'s output or a store's): columns
        ``object_id``, ``class``, ``subclass`` and ``period``.
    light_curves : LightCurves
        The objects' light curves, for their mean magnitudes.
    bands : str or sequence of str
        One band (its mean magnitude) or two, bluer first (their Wesenheit index).
    clip : float
        Robust standard deviations from the relation beyond which a star is off it.
    min_stars : int
        Fewest stars of a subclass to fit its relation (>= 3).

    Returns
    -------
    table : pandas.DataFrame
        One row per star of `PL_CLASSES` with a period and a magnitude: ``object_id,
        class, subclass, period, log_period, magnitude`` (mean or Wesenheit),
        ``relation``, ``residual`` and ``off_relation``.
    relations : dict of str to Relation
        The relation of each subclass fitted.

    Raises
    ------
    ValueError
        For missing columns, bad bands, ``clip`` or ``min_stars``.

    Examples
    --------
    >>> from tvs_classifier.simulation import simulate
    >>> lcs, labels = simulate(12, ["RRab"], seed=2, years=2)
    >>> results = labels[["object_id", "class", "subclass", "period"]]
    >>> table, relations = period_luminosity(results, lcs, ("g", "r"))
    >>> len(table), sorted(relations)
    (12, ['RRab'])
    """
    stars = pulsator_magnitudes(results, light_curves, bands)
    return fit_relations(stars, clip=clip, min_stars=min_stars)
