"""Augmentation: new light curves of real stars, from a Gaussian process of the folded curve.

A training set of real, labelled light curves is small and observed at one cadence. For
each real star `augment` learns the shape of its folded light curve in every band and
draws new light curves of the same star: observed at another cadence (LSST-like visits
from `tvs_classifier.simulation.cadence.visit_times`, or the star's own times), at a random phase,
made brighter or fainter, and with new noise.

**The shape.** Each band's light curve is folded with the star's period
(`tvs_classifier.folding.fold`) and fitted, in phase, with a Gaussian process (GP) of
`celerite2` (Foreman-Mackey et al. 2017): the magnitude minus the band's weighted mean,
a stochastically driven damped oscillator kernel
(``celerite2.terms.SHOTerm`` with ``Q = 1 / sqrt(2)``, a smooth process of amplitude
``sigma`` and length scale ``rho`` in phase) and a jitter added to the errors in
quadrature. celerite2 has no strictly periodic kernel, so periodicity is imposed by the
data: the folded curve is repeated three times (phases ``-1`` to ``2``) and the GP is
evaluated on the middle cycle only, where it sees the same data on either side. Its
three parameters maximise the GP likelihood (L-BFGS-B, in logarithms, within bounds:
``0.01 <= rho <= 2``). Bands with fewer than `MIN_BAND_POINTS` points are not fitted,
and their visits are left out of the new light curves.

**A new light curve.** A shape is drawn from the GP conditioned on the data, on
`PHASE_GRID` phases of one cycle (``shape="sample"``; ``"mean"`` takes the GP mean
instead, the same shape every time; bands are drawn independently), and interpolated periodically to the phases of
the new times, shifted by a phase drawn uniformly. Each band's magnitude is its mean
plus the shape plus one shift drawn uniformly from ``mag_shift`` (the same for all
bands, so the colors are kept). The noise is either LSST's
(``noise="lsst"``: `tvs_classifier.simulation.noise.add_noise` at the new magnitudes, for LSST
bands) or the star's own (``noise="scaled"``: the band's median error, times
``10 ** (0.4 * shift)`` as for background-limited photometry).

Everything random is drawn from one `numpy.random.Generator`, so a seed gives the same
light curves.

Examples
--------
>>> import numpy as np
>>> import pandas as pd
>>> from tvs_classifier import LightCurves
>>> rng = np.random.default_rng(0)
>>> t = np.sort(rng.uniform(61000, 61300, 120))
>>> table = pd.DataFrame(
...     {
...         "object_id": "star",
...         "mjd": t,
...         "band": np.where(np.arange(120) % 2, "g", "r"),
...         "mag": 18 + 0.3 * np.sin(2 * np.pi * t / 0.6) + rng.normal(0, 0.02, 120),
...         "mag_err": 0.02,
...     }
... )
>>> lcs = LightCurves.from_table(table)
>>> labels = pd.DataFrame({"object_id": ["star"], "class": ["RRL"], "period": [0.6]})
>>> new, new_labels = augment(lcs, labels, 2, years=1, seed=1)
>>> new_labels[["object_id", "source_id", "class", "period"]].values.tolist()
[['star_aug0', 'star', 'RRL', 0.6], ['star_aug1', 'star', 'RRL', 0.6]]
>>> new.bands
('g', 'r')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from ..bands import LSST_BANDS
from ..folding import fold
from ..lightcurves import LightCurves
from .cadence import visit_times
from .noise import add_noise

__all__ = [
    "BAND_SUBSETS",
    "MIN_BAND_POINTS",
    "PHASE_GRID",
    "AugmentError",
    "FoldedGP",
    "augment",
    "drop_bands",
    "fit_folded_gp",
]

#: Fewest points of a band for its folded light curve to be fitted.
MIN_BAND_POINTS = 10
#: Phases of one cycle on which shapes are drawn (then interpolated periodically).
PHASE_GRID = 100

_Q = 1.0 / np.sqrt(2.0)
# Bounds of log(sigma), log(rho), log(jitter), magnitudes and phase.
_BOUNDS = [(np.log(1e-4), np.log(10.0)), (np.log(0.01), np.log(2.0)), (np.log(1e-5), np.log(1.0))]


class AugmentError(ValueError):
    """Light curves or labels that cannot be augmented, with what to do."""


@dataclass(frozen=True, eq=False)
class FoldedGP:
    """A Gaussian process fitted to one band of a folded light curve.

    Attributes
    ----------
    mean_mag : float
        Weighted mean magnitude of the band.
    sigma, rho, jitter : float
        Kernel amplitude (mag), length scale (phase) and jitter (mag) found.
    grid : ndarray
        `PHASE_GRID` phases of one cycle, ``[0, 1)``.
    shape_mean : ndarray
        GP mean on ``grid`` (magnitude minus ``mean_mag``).
    shape_cov : ndarray
        GP covariance on ``grid``.

    Examples
    --------
    >>> ph = np.linspace(0, 1, 60, endpoint=False)
    >>> gp = fit_folded_gp(ph, 15 + 0.2 * np.cos(2 * np.pi * ph), np.full(60, 0.01))
    >>> round(float(gp.mean(np.array([0.0]))[0]), 2)
    15.2
    """

    mean_mag: float
    sigma: float
    rho: float
    jitter: float
    grid: np.ndarray
    shape_mean: np.ndarray
    shape_cov: np.ndarray

    def mean(self, phase: np.ndarray) -> np.ndarray:
        """GP mean magnitude at ``phase`` (any real numbers; periodic in 1)."""
        return self.mean_mag + _periodic_interp(phase, self.grid, self.shape_mean)

    def sample(self, phase: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """One magnitude curve drawn from the conditioned GP, at ``phase``."""
        values = rng.multivariate_normal(self.shape_mean, self.shape_cov, method="cholesky")
        return self.mean_mag + _periodic_interp(phase, self.grid, values)


#: Band subsets of `drop_bands`: all six LSST bands, SDSS-like (no y), ZTF-like (g, r),
#: g r i, and the red bands.
BAND_SUBSETS: tuple[tuple[str, ...], ...] = (
    LSST_BANDS,
    ("u", "g", "r", "i", "z"),
    ("g", "r"),
    ("g", "r", "i"),
    ("r", "i", "z", "y"),
)


def drop_bands(
    light_curves: LightCurves,
    subsets: Sequence[Sequence[str]] = BAND_SUBSETS,
    *,
    seed: int | np.random.Generator | None = None,
) -> tuple[LightCurves, np.ndarray]:
    """Keep a random subset of bands in every light curve.

    A classifier trained on six-band light curves only has never seen a light curve
    with a band missing; one trained on these copies learns to use whatever bands an
    object has (the missing ones are masked in its images and features, never
    invented).

    Parameters
    ----------
    light_curves : LightCurves
        Light curves to thin.
    subsets : sequence of sequences of str
        Band subsets; each object keeps the bands of one subset drawn uniformly.
    seed : int or numpy.random.Generator, optional
        Seed or generator.

    Returns
    -------
    light_curves : LightCurves
        The light curves with only their subset's bands (an object left with no
        points is dropped).
    subset : ndarray of int
        Index into ``subsets`` of the subset each input object drew.

    Raises
    ------
    ValueError
        If ``subsets`` is empty or a subset has no band.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame(
    ...     {
    ...         "object_id": 1,
    ...         "mjd": [1.0, 2.0, 3.0],
    ...         "band": ["g", "r", "y"],
    ...         "mag": 18.0,
    ...         "mag_err": 0.01,
    ...     }
    ... )
    >>> thinned, chosen = drop_bands(LightCurves.from_table(table), [("g", "r")], seed=0)
    >>> thinned.bands, chosen.tolist()
    (('g', 'r'), [0])
    """
    subsets = [tuple(subset) for subset in subsets]
    if not subsets or not all(subsets):
        raise ValueError(f"subsets must be non-empty band lists, not {subsets!r}")
    rng = np.random.default_rng(seed)
    chosen = rng.integers(0, len(subsets), size=len(light_curves))
    table = light_curves.table
    row_subset = chosen[light_curves.object_index]
    keep = np.zeros(len(table), dtype=bool)
    for k, subset in enumerate(subsets):
        keep |= (row_subset == k) & table["band"].isin(subset).to_numpy()
    return LightCurves.from_table(table[keep]), chosen


def fit_folded_gp(phase: np.ndarray, mag: np.ndarray, mag_err: np.ndarray) -> FoldedGP:
    """Fit a celerite2 Gaussian process to one band of a folded light curve.

    Parameters
    ----------
    phase : array_like
        Phases in ``[0, 1)``.
    mag, mag_err : array_like
        Magnitudes and their errors (positive).

    Returns
    -------
    FoldedGP

    Raises
    ------
    AugmentError
        For fewer than `MIN_BAND_POINTS` points, NaN or infinite values, or errors
        that are not positive.

    Examples
    --------
    >>> ph = np.random.default_rng(2).uniform(0, 1, 80)
    >>> gp = fit_folded_gp(ph, 17 - 0.3 * np.sin(2 * np.pi * ph), np.full(80, 0.02))
    >>> bool(abs(gp.mean(np.array([0.25]))[0] - 16.7) < 0.02)
    True
    """
    import celerite2
    from scipy.optimize import minimize

    phase, mag, mag_err = (np.asarray(a, dtype=np.float64).ravel() for a in (phase, mag, mag_err))
    if not (phase.size == mag.size == mag_err.size):
        raise AugmentError("phase, mag and mag_err must have the same length")
    if phase.size < MIN_BAND_POINTS:
        raise AugmentError(
            f"only {phase.size} points: a folded light curve needs at least {MIN_BAND_POINTS} "
            "to be fitted (leave this band or object out)"
        )
    if not (np.isfinite(phase).all() and np.isfinite(mag).all() and np.isfinite(mag_err).all()):
        raise AugmentError(
            "phase, mag or mag_err has NaN or infinite values: "
            "validate the light curves with LightCurves.from_table"
        )
    if not (mag_err > 0).all():
        raise AugmentError("mag_err must be positive: drop or fix those measurements")
    weight = 1.0 / mag_err**2
    mean_mag = float(np.sum(weight * mag) / np.sum(weight))
    # Three cycles, sorted (celerite2 needs increasing coordinates).
    x = np.concatenate([phase - 1.0, phase, phase + 1.0])
    order = np.argsort(x, kind="stable")
    x = x[order]
    y = np.tile(mag - mean_mag, 3)[order]
    err2 = np.tile(mag_err**2, 3)[order]

    def process(params: np.ndarray) -> celerite2.GaussianProcess:
        sigma, rho, jitter = np.exp(params)
        gp = celerite2.GaussianProcess(celerite2.terms.SHOTerm(sigma=sigma, rho=rho, Q=_Q))
        gp.compute(x, diag=err2 + jitter**2, quiet=True)
        return gp

    def negative_log_likelihood(params: np.ndarray) -> float:
        value = process(params).log_likelihood(y)
        return -value if np.isfinite(value) else 1e25

    start = np.array([np.log(max(float(np.std(mag)), 1e-3)), np.log(0.1), np.log(1e-3)])
    best = minimize(negative_log_likelihood, start, method="L-BFGS-B", bounds=_BOUNDS).x
    grid = np.arange(PHASE_GRID) / PHASE_GRID
    conditional = process(best).condition(y, grid)
    cov = np.asarray(conditional.covariance)
    cov = 0.5 * (cov + cov.T) + 1e-10 * np.eye(grid.size)
    sigma, rho, jitter = (float(value) for value in np.exp(best))
    return FoldedGP(mean_mag, sigma, rho, jitter, grid, np.asarray(conditional.mean), cov)


def augment(
    light_curves: LightCurves,
    labels: pd.DataFrame,
    n_per_object: int = 1,
    *,
    cadence: str = "lsst",
    years: float = 10.0,
    mag_shift: tuple[float, float] = (0.0, 0.0),
    noise: str = "lsst",
    shape: str = "sample",
    seed: int | np.random.Generator | None = None,
    progress: bool = False,
) -> tuple[LightCurves, pd.DataFrame]:
    """Draw new light curves of each labelled star from GP fits of its folded curve.

    Parameters
    ----------
    light_curves : LightCurves
        The real light curves.
    labels : pandas.DataFrame
        One row per object with at least ``object_id`` and ``period`` (days, finite and
        positive); every other column (e.g. ``class``) is copied to the new objects.
    n_per_object : int
        New light curves per object (>= 1).
    cadence : {"lsst", "original"}
        New times: LSST-like visits of a ``years``-long survey
        (`tvs_classifier.simulation.cadence.visit_times`, bands the star lacks left out), or the
        star's own times and bands.
    years : float
        Survey length for ``cadence="lsst"``.
    mag_shift : tuple of float
        Range of the magnitude shift drawn uniformly per new light curve (all bands).
    noise : {"lsst", "scaled"}
        LSST's error model at the new magnitudes (LSST bands only), or the band's
        median original error scaled by ``10 ** (0.4 * shift)`` (see module notes).
    shape : {"sample", "mean"}
        Draw each shape from the conditioned GP, or use the GP mean.
    seed : int or numpy.random.Generator, optional
        Seed or generator; the same seed gives the same light curves.
    progress : bool
        Show a progress bar (tqdm).

    Returns
    -------
    light_curves : LightCurves
        The new light curves; object ids ``<id>_aug<k>``.
    labels : pandas.DataFrame
        One row per new object: the original's labels, its id as ``source_id`` and
        the ``mag_shift`` drawn (added to any ``mean_<band>`` columns).

    Raises
    ------
    AugmentError
        For labels without ``object_id`` or ``period``, objects without a label or
        without a finite positive period, an object with no band of at least
        `MIN_BAND_POINTS` points, NaN values, or bad options.

    Examples
    --------
    >>> from tvs_classifier import simulate
    >>> lcs, labels = simulate(1, ["RRab"], seed=4, years=3)
    >>> new, new_labels = augment(lcs, labels, 2, years=1, mag_shift=(0.5, 1.0), seed=0)
    >>> len(new), bool(new_labels["mag_shift"].between(0.5, 1.0).all())
    (2, True)
    """
    rng = np.random.default_rng(seed)
    n_new = _check_options(n_per_object, cadence, noise, shape, mag_shift)
    periods = _periods(light_curves, labels)
    table = light_curves.table
    if not np.isfinite(table[["mjd", "mag", "mag_err"]].to_numpy()).all():
        raise AugmentError(
            "the light curves have NaN or infinite values: build them with "
            "LightCurves.from_table, which drops such rows"
        )
    low, high = (float(value) for value in mag_shift)
    parts = []
    rows = []
    ids = light_curves.object_ids
    offsets = light_curves.offsets
    for k, object_id in enumerate(tqdm(ids, desc="augment", disable=not progress)):
        rows_k = table.iloc[offsets[k] : offsets[k + 1]]
        period = periods[k]
        fits = _fit_bands(object_id, rows_k, period)
        for j in range(n_new):
            new_id = f"{object_id}_aug{j}"
            shift = float(rng.uniform(low, high))
            if cadence == "lsst":
                visits = visit_times(1, years=years, seed=rng)
                mjd, band = visits["mjd"].to_numpy(), visits["band"].to_numpy(dtype=object)
            else:
                mjd, band = rows_k["mjd"].to_numpy(), rows_k["band"].to_numpy(dtype=object)
            keep = np.isin(band, list(fits))
            mjd, band = mjd[keep], band[keep]
            phase = fold(mjd, period) + rng.uniform()
            true_mag = np.empty(mjd.size)
            for name, gp in fits.items():
                in_band = band == name
                draw = gp.sample(phase[in_band], rng) if shape == "sample" else None
                true_mag[in_band] = (gp.mean(phase[in_band]) if draw is None else draw) + shift
            observed, error = _noisy(true_mag, band, rows_k, shift, noise, rng)
            parts.append(
                pd.DataFrame(
                    {
                        "object_id": new_id,
                        "mjd": mjd,
                        "band": band,
                        "mag": observed,
                        "mag_err": error,
                    }
                )
            )
            rows.append({"object_id": new_id, "source_id": object_id, "mag_shift": shift})
    new_labels = _new_labels(labels, rows)
    return LightCurves.from_table(pd.concat(parts, ignore_index=True)), new_labels


def _check_options(
    n_per_object: object, cadence: str, noise: str, shape: str, mag_shift: tuple[float, float]
) -> int:
    """``n_per_object`` as an int; bad options raise `AugmentError`."""
    if isinstance(n_per_object, bool) or not isinstance(n_per_object, (int, np.integer)):
        raise AugmentError(f"n_per_object must be a positive integer, not {n_per_object!r}")
    if n_per_object < 1:
        raise AugmentError(f"n_per_object must be a positive integer, not {n_per_object!r}")
    for name, value, allowed in (
        ("cadence", cadence, ("lsst", "original")),
        ("noise", noise, ("lsst", "scaled")),
        ("shape", shape, ("sample", "mean")),
    ):
        if value not in allowed:
            raise AugmentError(f"{name}={value!r} is not known: use one of {allowed}")
    low, high = (float(value) for value in mag_shift)
    if not (np.isfinite(low) and np.isfinite(high) and low <= high):
        raise AugmentError(f"mag_shift must be two finite numbers, low <= high: {mag_shift}")
    return int(n_per_object)


def _periods(light_curves: LightCurves, labels: pd.DataFrame) -> np.ndarray:
    """Period of every object of ``light_curves`` from ``labels``; checked."""
    missing = [name for name in ("object_id", "period") if name not in labels.columns]
    if missing:
        raise AugmentError(
            f"labels have no column(s) {missing}: give object_id and period (days) per object "
            "(find periods with tvs_classifier.periods.find_periods)"
        )
    by_id = labels.drop_duplicates("object_id").set_index("object_id")["period"]
    ids = light_curves.object_ids
    period = pd.to_numeric(by_id.reindex(ids), errors="coerce").to_numpy(dtype=np.float64)
    bad = ~(np.isfinite(period) & (period > 0))
    if bad.any():
        raise AugmentError(
            f"{int(bad.sum())} object(s) have no label or no finite positive period "
            f"(first: {ids[bad][:3].tolist()}): find their periods first or leave them out"
        )
    return period


def _fit_bands(object_id: object, rows: pd.DataFrame, period: float) -> dict[str, FoldedGP]:
    """A `FoldedGP` per band with enough points; none raises `AugmentError`."""
    phase = fold(rows["mjd"].to_numpy(), period)
    fits = {}
    for name, index in rows.groupby("band", sort=True).indices.items():
        if index.size >= MIN_BAND_POINTS:
            fits[str(name)] = fit_folded_gp(
                phase[index], rows["mag"].to_numpy()[index], rows["mag_err"].to_numpy()[index]
            )
    if not fits:
        raise AugmentError(
            f"object {object_id!r} has no band with at least {MIN_BAND_POINTS} points: "
            "too few to fit its folded light curve; leave it out"
        )
    return fits


def _noisy(
    true_mag: np.ndarray,
    band: np.ndarray,
    rows: pd.DataFrame,
    shift: float,
    noise: str,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Observed magnitudes and errors of a new light curve (see module notes)."""
    if noise == "lsst":
        try:
            return add_noise(true_mag, band, rng)
        except ValueError as error:
            raise AugmentError(f"{error}; or use noise='scaled'") from None
    median = rows.groupby("band")["mag_err"].median()
    error = median.reindex(band).to_numpy(dtype=np.float64) * 10.0 ** (0.4 * shift)
    return true_mag + error * rng.standard_normal(error.size), error


def _new_labels(labels: pd.DataFrame, rows: list[Mapping[str, object]]) -> pd.DataFrame:
    """The originals' labels for the new objects, with ``source_id`` and ``mag_shift``."""
    new = pd.DataFrame(rows)
    source = labels.drop_duplicates("object_id").set_index("object_id")
    copied = source.reindex(new["source_id"]).reset_index(drop=True)
    for column in copied.columns:
        if column.startswith("mean_"):
            copied[column] = copied[column] + new["mag_shift"].to_numpy()
    out = pd.concat([new[["object_id", "source_id"]], copied, new[["mag_shift"]]], axis=1)
    return out


def _periodic_interp(phase: np.ndarray, grid: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Linear interpolation of ``values`` on ``grid`` (one cycle) at any phase, periodically."""
    return np.interp(np.mod(phase, 1.0), grid, values, period=1.0)
