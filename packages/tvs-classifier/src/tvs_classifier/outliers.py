"""Gross outliers of folded light curves: single points far off the curve.

Survey photometry has a few per cent of points 1 to 5 mag off the light curve with
ordinary error bars (cosmic rays, satellite trails, bad image subtraction, blends,
cross-identification errors). One of them stretches an image's magnitude scale until
the real curve is a flat line, and inflates amplitudes and colours. They are told from
real structure by two tests on each band of each phase-folded light curve:

1. **Off the band's range.** The band's robust range is the range between its 5th and
   95th percentiles (`QUANTILES`; for fewer than 21 points, never beyond the second
   faintest and second brightest points, so that one outlier cannot set it). A point
   is a candidate when it is fainter than the top of that range by more than
   `RANGE_MARGIN` of the range plus `ERROR_MARGIN` times its own error, or brighter
   than the bottom by more than `BRIGHT_RANGE_MARGIN` of the range plus the same.
   The bright side is stricter because periodic variables have no narrow
   brightenings far beyond the rest of their curve, while eclipses are narrow
   fadings; points on a steep rise lie inside the range and are never candidates.
2. **Alone in phase.** A candidate is an outlier only when none of its nearest
   neighbours in phase supports it. A neighbour supports it when it lies beyond its
   own band's same edge of the range by at least `SUPPORT_FRACTION` of the
   candidate's excess over its edge; the candidate's two neighbours in its own band
   (cyclically, `SAME_BAND_STEPS`) also support it when within `NEIGHBOUR_SIGMA`
   combined errors of it. In multi-band light curves the object's nearest points of
   all bands (`CROSS_BAND_STEPS`) are looked at too: an eclipse, or a pulsator's
   sharp maximum, sampled by two or more points, in one band or in several, survives,
   because it is seen in every band at the same phase; an artefact of one exposure is
   a lone point 1 to 5 mag off in one band. (Support from other bands for bright
   candidates costs 1-2 % of the outliers found in simulated LSST data, where it
   rarely matters, and removes two thirds of the false flags on the Stripe 82 RR
   Lyrae, whose g and r are taken at the same time.)

How well this works was measured on the simulator's light curves of all periodic
classes with 3 % of points moved by 0.3-5 mag (log-uniform, random sign). With ten
years of LSST cadence: 0.01 % of clean points flagged, 0.1 % of the eclipse points of
detached and semi-detached binaries, and 91 % of the moved points with offsets of
1 mag or more found (94 % on RR Lyrae stars; what is missed is mostly an outlier that
stays within the amplitude of a large-amplitude star, e.g. a Mira, where it does
little harm, or one next to another outlier). With two years (about 20 points per
band): 0.3 % of clean points and 4 % of eclipse points flagged, 87 % of outliers of
1 mag or more found. The false flags of sparse light curves are mostly single points
at a pulsator's sharp maximum, or in the narrow eclipse of a binary, that no other
point of any band comes near in phase. The margins trade these against each other;
eclipse points were the constraint. On the SDSS Stripe 82 RR Lyrae (g and r, about
50 points per band) 0.08 % of the points are flagged, and 91 % of injected 1-5 mag
outliers (``benchmarks/robustness_s82.py``).

Bands with fewer than `MIN_POINTS` points, and objects without a finite positive
period, are never flagged: too little is known to tell.

What this means for the rest of the package: flagged points are still drawn in the
images (clipped to the edge, as imprecise points are) but do not set the magnitude
scale, the alignment phase, the mean magnitudes or the amplitudes
(`tvs_classifier.images.render_images`, `tvs_classifier.features.compute_features`),
and `tvs_classifier.classifier.classify.classify` reports how many each object has
(``n_outliers``). Light curves with no flagged point give exactly what they gave
before.

Everything is vectorised over all objects and bands: one sort of all magnitudes by
object and band, then two sorts by phase (by object and band, and by object) of only
the objects that have a candidate.

Examples
--------
>>> import pandas as pd
>>> from tvs_classifier import LightCurves
>>> t = np.arange(80) * 0.37
>>> mag = 17 + 0.3 * np.sin(2 * np.pi * t / 0.61)
>>> mag[10] += 3.0
>>> table = pd.DataFrame({"object_id": 1, "mjd": t, "band": "g", "mag": mag, "mag_err": 0.02})
>>> np.flatnonzero(flag_outliers(LightCurves.from_table(table), [0.61])).tolist()
[10]
"""

from __future__ import annotations

import numpy as np

from ._aligned import aligned_periods
from ._grouped import group_counts, group_index, group_sort
from .folding import fold
from .lightcurves import LightCurveError, LightCurves

__all__ = [
    "BRIGHT_RANGE_MARGIN",
    "CROSS_BAND_STEPS",
    "ERROR_MARGIN",
    "MIN_POINTS",
    "NEIGHBOUR_SIGMA",
    "QUANTILES",
    "RANGE_MARGIN",
    "SAME_BAND_STEPS",
    "SUPPORT_FRACTION",
    "flag_outliers",
    "outlier_mask",
]

#: Percentiles of a band's magnitudes that bound its robust range.
QUANTILES: tuple[float, float] = (0.05, 0.95)

#: A faint candidate lies beyond the top of the range by this fraction of the range ...
RANGE_MARGIN: float = 0.3

#: ... a bright candidate beyond the bottom by this fraction (no eclipses brighten) ...
BRIGHT_RANGE_MARGIN: float = 0.15

#: ... plus this many times its own error.
ERROR_MARGIN: float = 3.0

#: A neighbour in phase beyond the same edge by this fraction of the candidate's excess
#: over it supports the candidate (two points of an eclipse support each other).
SUPPORT_FRACTION: float = 0.5

#: A neighbour in phase within this many combined errors supports the candidate.
NEIGHBOUR_SIGMA: float = 3.0

#: Neighbours in phase looked at in the candidate's own band (the nearest on each side)
#: and, for multi-band light curves, among all of the object's points (the two nearest
#: on each side; those of other bands count).
SAME_BAND_STEPS: tuple[int, ...] = (-1, 1)
CROSS_BAND_STEPS: tuple[int, ...] = (-2, -1, 1, 2)

#: Fewest points of a band for its points to be tested at all.
MIN_POINTS: int = 7


def _robust_range(
    mag: np.ndarray, group: np.ndarray, counts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Bottom and top of each group's robust range (NaN for empty groups).

    The `QUANTILES` of the group's magnitudes, with linear interpolation between order
    statistics, but never beyond the second brightest and second faintest point.
    """
    order = group_sort(mag, group, counts.size)
    sorted_mag = mag[order]
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    has = counts >= 3
    last = (counts - 1)[has]
    edges = []
    for q in QUANTILES:
        position = np.clip(q * last, 1, last - 1)
        below = np.floor(position).astype(np.int64)
        frac = position - below
        at = starts[has] + below
        above = np.minimum(at + 1, starts[has] + last)
        edge = np.full(counts.size, np.nan)
        edge[has] = sorted_mag[at] + frac * (sorted_mag[above] - sorted_mag[at])
        edges.append(edge)
    return edges[0], edges[1]


def _run_neighbours(order: np.ndarray, code: np.ndarray, rows: np.ndarray, steps) -> list:
    """For each of ``rows``, the rows ``steps`` away along ``order``, cyclic within its run.

    ``order`` lists rows so that those of equal ``code`` form one run each (in phase
    order); a row's neighbour ``step`` away is taken within its own run, wrapping around.
    """
    sorted_code = code[order]
    new_run = np.ones(order.size, dtype=bool)
    new_run[1:] = sorted_code[1:] != sorted_code[:-1]
    run_start = np.flatnonzero(new_run)
    run_length = np.diff(np.append(run_start, order.size))
    run = np.cumsum(new_run) - 1
    position = np.empty(code.size, dtype=np.int64)
    position[order] = np.arange(order.size)
    at = position[rows]
    start = run_start[run[at]]
    length = run_length[run[at]]
    return [order[start + (at - start + step) % length] for step in steps]


def outlier_mask(
    phase: np.ndarray,
    mag: np.ndarray,
    mag_err: np.ndarray,
    object_index: np.ndarray,
    band_index: np.ndarray,
    n_objects: int,
    n_bands: int,
    *,
    min_points: int = MIN_POINTS,
) -> np.ndarray:
    """Which rows are gross outliers of their folded light curve.

    The array form of `flag_outliers`, for callers that have folded already (e.g.
    `tvs_classifier.images.render_images`); the criterion is in the module notes.

    Parameters
    ----------
    phase, mag, mag_err : ndarray of float
        Per row: phase in ``[0, 1)``, magnitude and its error.
    object_index, band_index : ndarray of int
        Per row: object position and band position (-1 for a row to ignore).
    n_objects, n_bands : int
        Numbers of objects and bands.
    min_points : int
        Fewest rows of a band of an object for them to be tested.

    Returns
    -------
    ndarray of bool
        True for the outliers.

    Examples
    --------
    >>> phase = np.linspace(0, 1, 40, endpoint=False)
    >>> mag = 15 + 0.5 * np.sin(2 * np.pi * phase)
    >>> mag[[5, 20, 21]] += [-2.0, 1.5, 1.4]  # one bright outlier, an "eclipse" of two
    >>> zeros = np.zeros(40, dtype=int)
    >>> rows = outlier_mask(phase, mag, np.full(40, 0.01), zeros, zeros, 1, 1)
    >>> np.flatnonzero(rows).tolist()
    [5]
    """
    flags = np.zeros(mag.shape, dtype=bool)
    n_groups = n_objects * n_bands
    group = group_index(object_index, band_index, n_bands)
    counts = group_counts(group, n_groups)
    enough = counts >= max(min_points, 3)
    tested = (group >= 0) & enough[np.maximum(group, 0)]
    group = np.where(tested, group, -1)
    low, high = _robust_range(mag, group, np.where(enough, counts, 0))
    at = np.maximum(group, 0)
    span = high[at] - low[at]
    noise = ERROR_MARGIN * mag_err
    with np.errstate(invalid="ignore"):
        faint = tested & (mag > high[at] + RANGE_MARGIN * span + noise)
        bright = tested & (mag < low[at] - BRIGHT_RANGE_MARGIN * span - noise)
    row = np.flatnonzero(faint | bright)
    if not row.size:
        return flags

    # Beyond its band's edge, in the direction of the candidate: > 0 off the range.
    sign = np.where(faint[row], 1.0, -1.0)
    edge = np.where(faint[row], high[group[row]], low[group[row]])
    excess = sign * (mag[row] - edge)
    # Only the objects with a candidate need their neighbours in phase.
    busy = np.zeros(n_objects, dtype=bool)
    busy[object_index[row]] = True
    mine = tested & busy[object_index]
    # Rows of those objects in phase order: one sort by (object, phase), then a stable
    # (radix) sort by band, which keeps each band's rows of an object in phase order.
    by_object = group_sort(phase, np.where(mine, object_index, -1), n_objects)
    by_group = by_object[np.argsort(band_index[by_object].astype(np.int16), kind="stable")]
    alone = np.ones(row.size, dtype=bool)
    # Neighbours in the same band: beyond the edge too, or within the errors.
    for other in _run_neighbours(by_group, group, row, SAME_BAND_STEPS):
        beyond = sign * (mag[other] - edge) >= SUPPORT_FRACTION * excess
        close = np.abs(mag[row] - mag[other]) <= NEIGHBOUR_SIGMA * np.hypot(
            mag_err[row], mag_err[other]
        )
        alone &= ~(beyond | close)
    # Neighbours in any band, beyond their own band's same edge (an eclipse or a sharp
    # maximum is seen in every band at the same phase; an artefact of one exposure is not).
    if n_bands > 1 and CROSS_BAND_STEPS:
        for other in _run_neighbours(by_object, object_index, row, CROSS_BAND_STEPS):
            their_edge = np.where(faint[row], high[at[other]], low[at[other]])
            beyond = sign * (mag[other] - their_edge) >= SUPPORT_FRACTION * excess
            alone &= ~(beyond & (group[other] != group[row]))
    flags[row] = alone
    return flags


def flag_outliers(
    light_curves: LightCurves,
    periods: object,
    *,
    bands: tuple[str, ...] | None = None,
    min_points: int = MIN_POINTS,
) -> np.ndarray:
    """Flag the gross outliers of every band of every phase-folded light curve.

    Parameters
    ----------
    light_curves : LightCurves
        Validated light curves.
    periods : DataFrame, Series, mapping or array_like
        Period per object (days), in any form `tvs_classifier.images.render_images`
        takes; objects without a finite positive period are not tested.
    bands : tuple of str, optional
        Test only these bands (default: all bands of the light curves); rows of other
        bands are never flagged, nor looked at as neighbours in phase.
    min_points : int
        Fewest points of a band for it to be tested (default `MIN_POINTS`).

    Returns
    -------
    ndarray of bool, shape (n_rows,)
        True for each row of ``light_curves.table`` that is an outlier.

    Raises
    ------
    LightCurveError
        If none of ``bands`` occurs in the light curves.
    ValueError
        For malformed periods.

    Examples
    --------
    An RR Lyrae star from the simulator, with one point moved 2 mag fainter:

    >>> from tvs_classifier.simulation import simulate
    >>> lcs, labels = simulate(1, ["RRab"], seed=4, years=3)
    >>> table = lcs.table.copy()
    >>> table.loc[7, "mag"] += 2.0
    >>> moved = LightCurves.from_table(table)
    >>> np.flatnonzero(flag_outliers(moved, labels["period"].to_numpy())).tolist()
    [7]
    >>> int(flag_outliers(lcs, labels["period"].to_numpy()).sum())
    0
    """
    band_index = light_curves.band_index(None if bands is None else tuple(bands))
    if bands is not None and not (band_index >= 0).any():
        raise LightCurveError(
            f"none of the bands {list(bands)} is in these light curves "
            f"(they have {list(light_curves.bands)})"
        )
    n_bands = len(light_curves.bands) if bands is None else len(tuple(bands))
    period = aligned_periods(light_curves, periods)
    usable = np.isfinite(period) & (period > 0)
    object_index = light_curves.object_index
    band_index = np.where(usable[object_index], band_index, -1)
    table = light_curves.table
    phase = fold(
        table["mjd"].to_numpy(dtype=np.float64), np.where(usable, period, 1.0)[object_index]
    )
    return outlier_mask(
        phase,
        table["mag"].to_numpy(dtype=np.float64),
        table["mag_err"].to_numpy(dtype=np.float64),
        object_index,
        band_index,
        len(light_curves),
        n_bands,
        min_points=min_points,
    )
