"""Periods: use the period given, or find it with a Lomb-Scargle periodogram.

`find_period` searches one light curve: astropy's `~astropy.timeseries.LombScargle`
for one band, `~astropy.timeseries.LombScargleMultiband` (VanderPlas & Ivezic 2015)
when there are several. The few highest peaks are refined on a fine grid and the
light curve folded on each is fitted with a short Fourier series per band; the best
fit wins, which prefers the true period over aliases that the one-term periodogram
ranks higher. It returns that period, a simple uncertainty (the half width at half
maximum of its peak, converted to period), and a false-alarm probability (Baluev
2008). astropy defines no false-alarm probability for the multiband periodogram; for
several bands the value given is that of the single-band periodogram of the data with
each band's weighted mean removed, evaluated at the periodogram peak (``fap_method =
"baluev_band_centered"``).

**Alias handling (period doubling).** An eclipsing binary has two minima per orbit, so
its strongest Lomb-Scargle peak is at half the orbital period. By default
(``check_double=True``) the light curve is also fitted at twice the period found,
comparing two nested Fourier models with an F-test: a model periodic in ``P``
(harmonics 2, 4, ... of the frequency ``1 / 2P``, per band) against the same plus the
odd harmonics 1, 3, ... of ``1 / 2P`` (shared by all bands, in magnitudes), which
describe any difference between alternate cycles, such as unequal eclipse depths or
maxima. Real light curves are not white noise (nightly calibration offsets, Blazhko
modulation, a shape the short series misses), and such residuals alone make the F-test
significant for about one real RR Lyrae star in four. So the improvement is also
compared with that of the same odd terms at control frequencies shifted by 5 to 20
peak widths: the period is doubled (``PeriodResult.doubled``) when the F-test p-value
is below ``double_p_value`` (default 1e-6) *and* the improvement exceeds the median
control improvement `DOUBLE_EXCESS` (10) times. On the 241 Stripe 82 RR Lyrae stars
at their published periods the largest excess is 14.6 and the next 5.8; simulated
LSST RR Lyrae stay below 8; an eclipsing binary with minima of 0.6 and 0.3 mag and
0.02 mag noise reaches 35-55, one with 0.5 and 0.4 mag 10-14. Sinusoid-like
pulsators (RR Lyrae, Cepheids, delta Scuti stars) repeat every cycle, so they stay at
``P``. Two equal minima (contact binaries of equal components) cannot be told from
one cycle of half the period: such curves keep ``P``, the photometric period, which is
half the orbital one. The doubled period is only taken when it does not exceed the
longest period searched.

**Backend.** The periodogram on the coarse grid is astropy's; with the optional package
`nifty-ls <https://github.com/flatironinstitute/nifty-ls>`_ installed,
``backend="auto"`` evaluates it with nifty-ls's non-uniform FFT instead, which gives the
same peaks faster. astropy's fast multiband periodogram is a weighted sum of
single-band periodograms; nifty-ls computes all of a light curve's bands in one batch
(each band a row over all the times, with zero weight at the other bands' times), equal
to astropy's per-band result to 1e-6. The refinement of the peaks (the exact
periodogram, all peaks and bands in one vectorised evaluation), the Fourier fits and
the false-alarm probability do not depend on the backend.

`find_periods` does this for every object of a `~tvs_classifier.lightcurves.LightCurves`
and keeps any period given (from a broker or a catalog) instead. It searches ``workers``
light curves at once (by default one per core), each in its own thread with
one-threaded numerics: about 11-12 ten-year six-band LSST light curves per second on 2
cores with nifty-ls (``benchmarks/bench_periods.py``).

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(1)
>>> t = np.sort(rng.uniform(0, 200, 150))
>>> y = 15 + 0.3 * np.sin(2 * np.pi * t / 0.61) + rng.normal(0, 0.02, t.size)
>>> result = find_period(t, y, np.full(t.size, 0.02), min_period=0.2, max_period=2)
>>> round(result.period, 3), result.false_alarm_probability < 1e-10
(0.61, True)
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits
from tqdm.auto import tqdm

from .lightcurves import LightCurves

__all__ = ["PeriodError", "PeriodResult", "find_period", "find_periods"]

#: Fewest measurements a period search accepts.
MIN_POINTS = 8
#: Frequencies of the fine grid on which the highest coarse peak is refined.
_REFINE_STEPS = 41
#: Fewest measurements of a band for it to take part in a search (sparser bands are left out).
MIN_BAND_POINTS = 5
#: How many times the odd harmonics' improvement must exceed that at control frequencies.
DOUBLE_EXCESS = 10.0
#: Control frequency shifts of the doubling test, in peak widths (1 / baseline).
_CONTROL_SHIFTS = np.array([-20, -15, -10, -5, 5, 10, 15, 20])
#: Periodogram backends of `find_period`.
BACKENDS: tuple[str, ...] = ("auto", "astropy", "nifty-ls")
_CHI2_SUFFIX = {"fast": "chi2", "fastnifty": "_chi2"}  # astropy method names for nterms > 1


class PeriodError(ValueError):
    """A period search that cannot be done on the data given, with what to do."""


@dataclass(frozen=True)
class PeriodResult:
    """The outcome of one period search.

    Attributes
    ----------
    period : float
        Period chosen among the highest periodogram peaks, in days.
    period_err : float
        Half width at half maximum of that peak, converted to period: a simple,
        conservative uncertainty (the true error of a well-sampled, high
        signal-to-noise peak is smaller).
    power : float
        Periodogram power at the peak (astropy's "standard" normalization).
    false_alarm_probability : float
        Baluev (2008) false-alarm probability of the peak (see module notes for
        several bands).
    method : str
        ``"lomb_scargle"`` or ``"lomb_scargle_multiband"``.
    fap_method : str
        ``"baluev"`` or ``"baluev_band_centered"``.
    n_points, n_bands : int
        Measurements and bands used (bands with fewer than `MIN_BAND_POINTS`
        points are left out of the search).
    doubled : bool
        Whether `period` is twice the periodogram's period, because alternate cycles
        differ (see the module notes); `period_err` is then doubled too, while
        `power` and `false_alarm_probability` stay those of the periodogram peak.
    double_p_value : float
        F-test p-value of alternate cycles being equal (NaN when not tested:
        ``check_double=False``, too few points, or twice the period out of range).
    double_excess : float
        Improvement of the fit by the odd harmonics over the median improvement at
        control frequencies (NaN when not tested).

    Examples
    --------
    >>> PeriodResult(0.5, 0.001, 0.8, 1e-9, "lomb_scargle", "baluev", 60, 1).doubled
    False
    """

    period: float
    period_err: float
    power: float
    false_alarm_probability: float
    method: str
    fap_method: str
    n_points: int
    n_bands: int
    doubled: bool = False
    double_p_value: float = float("nan")
    double_excess: float = float("nan")


def find_period(
    mjd: np.ndarray,
    mag: np.ndarray,
    mag_err: np.ndarray,
    band: np.ndarray | None = None,
    *,
    min_period: float = 0.05,
    max_period: float | None = None,
    samples_per_peak: float = 5.0,
    nterms: int = 1,
    multiband_method: str = "fast",
    candidates: int = 5,
    harmonics: int = 2,
    check_double: bool = True,
    double_p_value: float = 1e-6,
    backend: str = "auto",
    threads: int | None = None,
) -> PeriodResult:
    """Find the period of one light curve with a (multiband) Lomb-Scargle periodogram.

    Parameters
    ----------
    mjd, mag, mag_err : array_like
        Times (days), magnitudes and their errors; any order.
    band : array_like, optional
        Band of each measurement. With more than one distinct band the multiband
        periodogram is used.
    min_period : float
        Shortest period searched (days).
    max_period : float, optional
        Longest period searched; the time baseline by default.
    samples_per_peak : float
        Frequency grid density: grid steps per typical peak width (1 / baseline).
    nterms : int
        Fourier terms of the model: ``nterms`` for one band; the base terms
        (``nterms_base``) for several, with one term per band on top.
    multiband_method : {"fast", "flexible"}
        astropy's multiband implementation: ``"fast"`` combines single-band
        periodograms, ``"flexible"`` fits the full shared model (much slower).
    candidates : int
        Number of highest periodogram peaks considered. With more than one, each is
        refined and the light curve folded on it is fitted with a Fourier series of
        ``harmonics`` terms per band; the peak with the smallest chi-square wins.
        This picks the true period over aliases that a one-term periodogram ranks
        higher for non-sinusoidal shapes (RRab saw-tooths). ``1`` keeps the highest.
    harmonics : int
        Fourier terms per band of that comparison, and of the doubling test.
    check_double : bool
        Test whether alternate cycles differ and if so return twice the period
        (eclipsing binaries with unequal minima; see the module notes).
    double_p_value : float
        Largest F-test p-value at which the period is doubled (the improvement must
        also exceed `DOUBLE_EXCESS` times that at control frequencies).
    backend : {"auto", "astropy", "nifty-ls"}
        Periodogram on the coarse grid: astropy's fast method, or nifty-ls (an
        optional package, faster on long light curves); ``"auto"`` takes nifty-ls
        when it is installed. With nifty-ls, ``nterms=1`` and the ``"fast"``
        multiband method, the periodograms of all bands are one batched nifty-ls
        transform (see the module notes).
    threads : int, optional
        Threads of nifty-ls's transform; nifty-ls chooses by default.
        `find_periods` sets 1 and searches several light curves at once instead.

    Returns
    -------
    PeriodResult

    Raises
    ------
    PeriodError
        For mismatched lengths, too few points, non-finite values, non-positive
        errors, a zero time baseline or an empty period range.
    ValueError
        For an unknown ``backend``, ``"nifty-ls"`` when it is not installed, or
        ``threads`` below 1.

    Examples
    --------
    Two bands sharing one period:

    >>> rng = np.random.default_rng(2)
    >>> t = np.sort(rng.uniform(0, 100, 120))
    >>> b = np.where(np.arange(t.size) % 2 == 0, "g", "r")
    >>> amp = np.where(b == "g", 0.5, 0.3)
    >>> y = 17 + amp * np.sin(2 * np.pi * t / 0.37) + rng.normal(0, 0.03, t.size)
    >>> res = find_period(t, y, np.full(t.size, 0.03), b, min_period=0.1, max_period=5)
    >>> round(res.period, 3), res.method, res.n_bands
    (0.37, 'lomb_scargle_multiband', 2)

    An eclipsing binary with a primary minimum deeper than its secondary: the
    periodogram peaks at half the orbital period, the fold at twice that shows that
    alternate minima differ, and the orbital period is returned:

    >>> t = np.sort(rng.uniform(0, 300, 300))
    >>> phase = (t / 1.3) % 1.0
    >>> dip = 0.6 * np.exp(-0.5 * ((phase - 0.25) / 0.04) ** 2)
    >>> dip += 0.3 * np.exp(-0.5 * ((phase - 0.75) / 0.04) ** 2)
    >>> y = 15 + dip + rng.normal(0, 0.02, t.size)
    >>> res = find_period(t, y, np.full(t.size, 0.02), min_period=0.2, max_period=5)
    >>> round(res.period, 3), res.doubled
    (1.3, True)
    """
    from astropy.timeseries import LombScargle, LombScargleMultiband

    fast = _fast_method(backend)
    _check_threads(threads, "threads")
    t, y, dy, bands = _check_series(mjd, mag, mag_err, band)
    baseline = float(t.max() - t.min())
    if not baseline > 0:
        raise PeriodError("all times are equal: a period needs measurements at different times")
    longest = baseline if max_period is None else float(max_period)
    if not (0 < min_period < longest):
        raise PeriodError(
            f"empty period range [{min_period}, {longest}] days: "
            "min_period must be positive and below max_period (default: the baseline)"
        )
    f_min, f_max = 1.0 / longest, 1.0 / min_period
    t, y, dy, bands = _drop_sparse_bands(t, y, dy, bands)
    unique_bands = np.unique(bands)
    multiband = unique_bands.size > 1
    if multiband:
        periodogram = LombScargleMultiband(t, y, bands, dy, nterms_base=nterms, nterms_band=1)
        method = "lomb_scargle_multiband"
    else:
        periodogram = LombScargle(t, y, dy, nterms=nterms)
        method = "lomb_scargle"
    frequency = periodogram.autofrequency(
        samples_per_peak=samples_per_peak, minimum_frequency=f_min, maximum_frequency=f_max
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        if fast == "fastnifty" and nterms == 1 and (not multiband or multiband_method == "fast"):
            power = _combine_bands(_band_periodograms(t, y, dy, bands, frequency, threads))
        elif multiband:
            power = periodogram.power(frequency, method=multiband_method, sb_method=fast)
        else:
            power = periodogram.power(
                frequency, method=fast if nterms == 1 else f"{fast}{_CHI2_SUFFIX[fast]}"
            )
    power = np.asarray(power, dtype=np.float64)
    if not np.isfinite(power).any() or np.nanmax(power) <= 0:
        raise PeriodError(
            "the periodogram has no finite positive power (constant or degenerate data): "
            "no period can be found"
        )
    power = np.nan_to_num(power, nan=0.0)
    refined = _refine_peaks(
        periodogram, t, y, dy, bands, frequency, power, _highest_peaks(power, max(1, candidates))
    )
    choice = 0
    if len(refined) > 1:
        chi2 = [_fourier_chi2(t, y, dy, bands, frequency, harmonics) for frequency, _ in refined]
        choice = int(np.argmin(chi2))
    best, peak_power = refined[choice]
    peak = int(np.argmin(np.abs(frequency - best)))
    half_width = _half_width_at_half_maximum(frequency, power, peak)
    fap, fap_method = _false_alarm_probability(
        t, y, dy, bands, best, f_min, f_max, samples_per_peak, nterms
    )
    p_value = excess = float("nan")
    if check_double and 0.5 * best >= f_min:
        p_value, excess = _alternate_cycles_test(t, y, dy, bands, best, harmonics)
    factor = 2.0 if (p_value < double_p_value and excess > DOUBLE_EXCESS) else 1.0
    return PeriodResult(
        period=factor / best,
        period_err=factor * half_width / best**2,
        power=peak_power,
        false_alarm_probability=fap,
        method=method,
        fap_method=fap_method,
        n_points=int(t.size),
        n_bands=int(unique_bands.size),
        doubled=factor == 2.0,
        double_p_value=p_value,
        double_excess=excess,
    )


def find_periods(
    light_curves: LightCurves,
    periods: Mapping[object, float] | pd.Series | None = None,
    *,
    progress: bool = True,
    workers: int | None = None,
    **search: object,
) -> pd.DataFrame:
    """Period of every object: the one given, or one found with `find_period`.

    The searches run ``workers`` at a time in threads, each one-threaded (nifty-ls's
    transform with ``threads=1``, and BLAS and OpenMP limited to one thread for the
    duration of the call, with threadpoolctl): every core is kept busy with whole
    light curves, which for survey light curves is faster than sharing one light
    curve's work between threads. Each search is `find_period` on its own, so the
    results do not depend on ``workers``.

    Parameters
    ----------
    light_curves : LightCurves
        Validated light curves.
    periods : mapping or pandas.Series, optional
        Known periods by object id (days); NaN or absent ids are searched.
    progress : bool
        Show a progress bar (tqdm).
    workers : int, optional
        Light curves searched at once; by default the number of CPU cores this
        process may use. ``1`` searches them one after the other.
    **search
        Passed to `find_period` (e.g. ``min_period``, ``max_period``,
        ``check_double``, ``backend``; ``threads`` is 1 unless given).

    Returns
    -------
    pandas.DataFrame
        One row per object: ``object_id, period, period_err, period_source``
        (``"given"``, ``"lomb_scargle"``, ``"lomb_scargle_multiband"`` or ``"none"``),
        ``false_alarm_probability, power, n_points, n_bands, doubled`` (True where the
        period found was doubled, see `find_period`'s ``check_double``), ``flag``
        (empty, or why no period could be found; such objects get a NaN period, never
        an exception).

    Raises
    ------
    ValueError
        For ``workers`` below 1, and for a bad ``backend`` or ``threads`` (before
        any search).

    Examples
    --------
    >>> rng = np.random.default_rng(3)
    >>> t = np.sort(rng.uniform(60000, 60100, 80))
    >>> table = pd.DataFrame(
    ...     {
    ...         "object_id": "star",
    ...         "mjd": t,
    ...         "band": "r",
    ...         "mag": 16 + 0.2 * np.sin(2 * np.pi * t / 0.8),
    ...         "mag_err": 0.01,
    ...     }
    ... )
    >>> lcs = LightCurves.from_table(table)
    >>> out = find_periods(lcs, progress=False, min_period=0.2, max_period=5)
    >>> round(float(out["period"][0]), 2), out["period_source"][0]
    (0.8, 'lomb_scargle')
    >>> serial = find_periods(lcs, progress=False, workers=1, min_period=0.2, max_period=5)
    >>> bool(serial["period"][0] == out["period"][0])
    True
    >>> find_periods(lcs, {"star": 0.8}, progress=False)["period_source"][0]
    'given'
    """
    _check_threads(workers, "workers")
    _fast_method(str(search.get("backend", "auto")))
    _check_threads(search.get("threads"), "threads")
    workers = workers or _usable_cores()
    search = {"threads": 1, **search}
    known = pd.Series(dict(periods) if isinstance(periods, Mapping) else periods, dtype=float)
    table = light_curves.table
    offsets = light_curves.offsets
    columns = [table[name].to_numpy() for name in ("mjd", "mag", "mag_err", "band")]
    ids = light_curves.object_ids
    rows = []
    searched = []
    for k, object_id in enumerate(ids):
        part = slice(offsets[k], offsets[k + 1])
        given = known.get(object_id, np.nan) if known.size else np.nan
        row = {
            "object_id": object_id,
            "period": np.nan,
            "period_err": np.nan,
            "period_source": "none",
            "false_alarm_probability": np.nan,
            "power": np.nan,
            "n_points": int(offsets[k + 1] - offsets[k]),
            "n_bands": int(np.unique(columns[3][part]).size),
            "doubled": False,
            "flag": "",
        }
        if np.isfinite(given) and given > 0:
            row.update(period=float(given), period_source="given")
        else:
            searched.append(k)
        rows.append(row)

    def search_one(k: int) -> PeriodResult | PeriodError:
        part = slice(offsets[k], offsets[k + 1])
        try:
            return find_period(*(column[part] for column in columns), **search)
        except PeriodError as error:
            return error

    # One thread per search: BLAS and OpenMP pools of their own would oversubscribe the cores.
    with threadpool_limits(limits=1), ThreadPoolExecutor(max_workers=workers) as pool:
        results = pool.map(search_one, searched) if workers > 1 else map(search_one, searched)
        bar = tqdm(results, total=len(searched), desc="periods", disable=not progress)
        for k, result in zip(searched, bar, strict=True):
            if isinstance(result, PeriodError):
                rows[k]["flag"] = str(result)
            else:
                rows[k].update(
                    period=result.period,
                    period_err=result.period_err,
                    period_source=result.method,
                    false_alarm_probability=result.false_alarm_probability,
                    power=result.power,
                    doubled=result.doubled,
                )
    return pd.DataFrame(rows)


def _check_series(
    mjd: np.ndarray, mag: np.ndarray, mag_err: np.ndarray, band: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Float arrays of equal length with finite values and positive errors."""
    t = np.asarray(mjd, dtype=np.float64).ravel()
    y = np.asarray(mag, dtype=np.float64).ravel()
    dy = np.asarray(mag_err, dtype=np.float64).ravel()
    bands = np.zeros(t.size, dtype=object) if band is None else np.asarray(band).ravel()
    if not (t.size == y.size == dy.size == bands.size):
        raise PeriodError(
            f"mjd, mag, mag_err and band have lengths {t.size}, {y.size}, {dy.size}, "
            f"{bands.size}: give one value of each per measurement"
        )
    if t.size < MIN_POINTS:
        raise PeriodError(
            f"only {t.size} measurements: a period search needs at least {MIN_POINTS}"
        )
    if not (np.isfinite(t).all() and np.isfinite(y).all()):
        raise PeriodError(
            "mjd or mag has NaN or infinite values: validate with LightCurves.from_table"
        )
    if not (np.isfinite(dy).all() and (dy > 0).all()):
        raise PeriodError("mag_err must be finite and positive: drop or fix those measurements")
    return t, y, dy, bands.astype(str)


def _drop_sparse_bands(
    t: np.ndarray, y: np.ndarray, dy: np.ndarray, bands: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Leave out bands with fewer than `MIN_BAND_POINTS` points (they break the fit)."""
    _, index, counts = np.unique(bands, return_inverse=True, return_counts=True)
    keep = counts[index] >= MIN_BAND_POINTS
    if keep.sum() < MIN_POINTS:
        raise PeriodError(
            f"only {int(keep.sum())} measurements in bands with at least {MIN_BAND_POINTS} "
            f"points each: a period search needs at least {MIN_POINTS}"
        )
    return t[keep], y[keep], dy[keep], bands[keep]


def _highest_peaks(power: np.ndarray, count: int) -> np.ndarray:
    """Indices of the ``count`` highest local maxima of ``power``, highest first."""
    inner = np.flatnonzero((power[1:-1] > power[:-2]) & (power[1:-1] >= power[2:])) + 1
    edges = []
    if power.size > 1 and power[0] > power[1]:
        edges.append(0)
    if power.size > 1 and power[-1] > power[-2]:
        edges.append(power.size - 1)
    local = np.concatenate([inner, np.asarray(edges, dtype=np.int64)])
    if local.size == 0:
        return np.array([int(np.argmax(power))])
    return local[np.argsort(power[local])[::-1][:count]]


def _fourier_columns(angle: np.ndarray, orders: np.ndarray) -> np.ndarray:
    """Columns ``sin(k angle), cos(k angle)`` for every order ``k``."""
    return np.concatenate(
        [np.sin(np.outer(angle, orders)), np.cos(np.outer(angle, orders))], axis=1
    )


def _per_band(columns: np.ndarray, bands: np.ndarray) -> np.ndarray:
    """Block design: a constant and ``columns`` fitted separately in each band."""
    unique, index = np.unique(bands, return_inverse=True)
    block = np.concatenate([np.ones((columns.shape[0], 1)), columns], axis=1)
    width = block.shape[1]
    design = np.zeros((columns.shape[0], unique.size * width))
    for b in range(unique.size):
        rows = index == b
        design[rows, b * width : (b + 1) * width] = block[rows]
    return design


def _chi2(design: np.ndarray, y: np.ndarray, dy: np.ndarray) -> float:
    """Chi-square of the weighted linear least-squares fit of ``design`` to ``y``."""
    from scipy.linalg import lstsq

    weighted = design / dy[:, None]
    target = y / dy
    # LAPACK's gelsy (pivoted QR) is many times faster than numpy's gelsd (SVD) here.
    coef, *_ = lstsq(weighted, target, lapack_driver="gelsy", check_finite=False)
    return float(np.sum((target - weighted @ coef) ** 2))


def _fourier_chi2(
    t: np.ndarray,
    y: np.ndarray,
    dy: np.ndarray,
    bands: np.ndarray,
    frequency: float,
    harmonics: int,
) -> float:
    """Chi-square of a weighted least-squares Fourier fit of each band at ``frequency``."""
    orders = np.arange(1, harmonics + 1)
    return _chi2(_per_band(_fourier_columns(2.0 * np.pi * frequency * t, orders), bands), y, dy)


def _alternate_cycles_test(
    t: np.ndarray,
    y: np.ndarray,
    dy: np.ndarray,
    bands: np.ndarray,
    frequency: float,
    harmonics: int,
) -> tuple[float, float]:
    """F-test p-value that alternate cycles at ``frequency`` are alike, and the excess.

    The null model has ``harmonics`` harmonics of ``frequency`` per band; the
    alternative adds the odd harmonics ``1, 3, ..., 2 harmonics - 1`` of
    ``frequency / 2``, shared by the bands. The excess is the chi-square improvement
    over the median improvement by the same terms at control frequencies (see the
    module notes). Both NaN when the fit has no degrees of freedom.
    """
    from scipy.special import fdtrc

    null = _per_band(
        _fourier_columns(2.0 * np.pi * frequency * t, np.arange(1, harmonics + 1)), bands
    )
    odd_orders = 2 * np.arange(1, harmonics + 1) - 1
    dof = t.size - null.shape[1] - odd_orders.size * 2
    if dof < 1:
        return float("nan"), float("nan")
    chi2_null = _chi2(null, y, dy)
    half = 0.5 * frequency + np.r_[0.0, _CONTROL_SHIFTS / np.ptp(t)]
    gain = np.array(
        [
            chi2_null
            - _chi2(
                np.concatenate([null, _fourier_columns(2.0 * np.pi * f * t, odd_orders)], axis=1),
                y,
                dy,
            )
            for f in half
        ]
    )
    chi2_full = chi2_null - gain[0]
    if not chi2_full > 0:
        return (0.0, float("inf")) if gain[0] > 0 else (1.0, 0.0)
    statistic = gain[0] / (2 * odd_orders.size) / (chi2_full / dof)
    p_value = float(fdtrc(2 * odd_orders.size, dof, max(statistic, 0.0)))
    control = float(np.median(gain[1:]))
    excess = float(gain[0] / control) if control > 0 else float("inf")
    return p_value, excess


def _fast_method(backend: str) -> str:
    """astropy method name of the coarse periodogram for ``backend``."""
    if backend not in BACKENDS:
        raise ValueError(f"backend={backend!r} is not known: use one of {BACKENDS}")
    has_nifty = importlib.util.find_spec("nifty_ls") is not None
    if backend == "nifty-ls" and not has_nifty:
        raise ValueError(
            "backend='nifty-ls' needs the nifty-ls package: pip install nifty-ls, "
            "or use backend='astropy'"
        )
    if backend == "astropy" or not has_nifty:
        return "fast"
    import nifty_ls  # noqa: F401  (registers the "fastnifty" methods with astropy)

    return "fastnifty"


def _band_periodograms(
    t: np.ndarray,
    y: np.ndarray,
    dy: np.ndarray,
    bands: np.ndarray,
    frequency: np.ndarray,
    threads: int | None,
) -> np.ndarray:
    """Single-band Lomb-Scargle power of every band on the regular grid ``frequency``.

    One nifty-ls call in batch mode: band ``b`` is row ``b`` of a batch over all the
    light curve's times, with infinite errors (zero weight) at the other bands' times,
    which gives the periodogram of that band alone. Rows follow ``np.unique(bands)``;
    shape ``(n_bands, frequency.size)``, astropy's "standard" normalization.
    """
    import nifty_ls

    mask = bands[None, :] == np.unique(bands)[:, None]
    values = np.ascontiguousarray(np.broadcast_to(y, mask.shape))
    errors = np.where(mask, dy[None, :], np.inf)
    return nifty_ls.lombscargle(
        t,
        values,
        errors,
        fmin=frequency[0],
        fmax=frequency[-1],
        Nf=frequency.size,
        nthreads=threads,
    ).power


def _combine_bands(power: np.ndarray) -> np.ndarray:
    """astropy's "fast" multiband power: band powers weighted by their sums of squares."""
    weight = np.sum(power**2, axis=1)
    return np.dot(weight / weight.sum(), power)


def _usable_cores() -> int:
    """CPU cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _check_threads(value: int | None, name: str) -> None:
    """A thread or worker count: None, or an integer of at least 1."""
    if value is not None and (
        isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1
    ):
        raise ValueError(f"{name}={value!r}: give a whole number of at least 1, or None")


def _refine_peaks(
    periodogram: object,
    t: np.ndarray,
    y: np.ndarray,
    dy: np.ndarray,
    bands: np.ndarray,
    frequency: np.ndarray,
    power: np.ndarray,
    peaks: np.ndarray,
) -> list[tuple[float, float]]:
    """Frequency and power of each peak on a fine grid spanning its neighbouring grid steps.

    The coarse grid (``samples_per_peak`` steps per peak width) places a peak to within
    half a step; evaluating the exact (not the approximate fast) periodogram on
    `_REFINE_STEPS` frequencies around it removes most of that error. For one Fourier
    term the band powers of all peaks come from one `_exact_band_powers` call and are
    combined peak by peak (astropy's "fast" multiband weights over that peak's fine
    grid); for more, astropy's periodogram evaluates each peak's grid.
    """
    from astropy.timeseries import LombScargleMultiband

    multiband = isinstance(periodogram, LombScargleMultiband)
    nterms = periodogram.nterms_base if multiband else periodogram.nterms
    low = frequency[np.maximum(peaks - 1, 0)]
    high = frequency[np.minimum(peaks + 1, frequency.size - 1)]
    fine = np.linspace(low, high, _REFINE_STEPS, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        if nterms == 1:
            band_power = _exact_band_powers(t, y, dy, bands, fine.ravel())
            band_power = band_power.reshape(-1, *fine.shape)
            fine_power = [_combine_bands(band_power[:, k]) for k in range(len(peaks))]
        elif multiband:
            fine_power = [periodogram.power(f, method="fast", sb_method="cython") for f in fine]
        else:
            fine_power = [periodogram.power(f, method="chi2") for f in fine]
    refined = []
    for peak, grid, values in zip(peaks, fine, fine_power, strict=True):
        values = np.nan_to_num(np.asarray(values, dtype=np.float64), nan=0.0)
        best = int(np.argmax(values))
        if values[best] <= 0:
            refined.append((float(frequency[peak]), float(power[peak])))
        else:
            refined.append((float(grid[best]), float(values[best])))
    return refined


def _exact_band_powers(
    t: np.ndarray, y: np.ndarray, dy: np.ndarray, bands: np.ndarray, frequency: np.ndarray
) -> np.ndarray:
    """Exact single-band Lomb-Scargle power of every band at any ``frequency``.

    The floating-mean periodogram (Zechmeister & Kuerster 2009) in astropy's
    "standard" normalization from direct trigonometric sums, all bands at once; it
    equals astropy's ``method="cython"`` to rounding. Rows follow
    ``np.unique(bands)``; shape ``(n_bands, frequency.size)``.
    """
    mask = bands[None, :] == np.unique(bands)[:, None]
    weight = np.where(mask, dy[None, :] ** -2.0, 0.0)
    weight /= weight.sum(axis=1, keepdims=True)
    centered = y[None, :] - (weight @ y)[:, None]
    weighted_y = weight * centered
    angle = (2.0 * np.pi) * np.outer(frequency, t - t.min())
    sin, cos = np.sin(angle), np.cos(angle)
    s, c = sin @ weight.T, cos @ weight.T
    s2, c2 = (2.0 * sin * cos) @ weight.T, (cos * cos - sin * sin) @ weight.T
    ys, yc = sin @ weighted_y.T, cos @ weighted_y.T
    # The phase tau that decouples sine and cosine, as in nifty-ls and astropy.
    tan_2wt = (s2 - 2.0 * s * c) / (c2 - (c * c - s * s))
    c2w = 1.0 / np.sqrt(1.0 + tan_2wt**2)
    s2w = tan_2wt * c2w
    cw = np.sqrt(0.5 * (1.0 + c2w))
    sw = np.sqrt(0.5) * np.sign(s2w) * np.sqrt(1.0 - c2w)
    yc_tau = yc * cw + ys * sw
    ys_tau = ys * cw - yc * sw
    cc = 0.5 * (1.0 + c2 * c2w + s2 * s2w) - (c * cw + s * sw) ** 2
    ss = 0.5 * (1.0 - c2 * c2w - s2 * s2w) - (s * cw - c * sw) ** 2
    norm = np.sum(weighted_y * centered, axis=1)
    return ((yc_tau**2 / cc + ys_tau**2 / ss) / norm).T


def _half_width_at_half_maximum(frequency: np.ndarray, power: np.ndarray, peak: int) -> float:
    """Half width of the peak at half its height, interpolated between grid points."""
    half = 0.5 * power[peak]
    below_left = np.flatnonzero(power[:peak] < half)
    below_right = np.flatnonzero(power[peak:] < half)
    edges = []
    if below_left.size:
        i = below_left[-1]
        edges.append(np.interp(half, power[i : i + 2], frequency[i : i + 2]))
    if below_right.size:
        j = peak + below_right[0]
        edges.append(np.interp(half, power[j - 1 : j + 1][::-1], frequency[j - 1 : j + 1][::-1]))
    if not edges:
        return float(frequency[-1] - frequency[0])
    return float(np.mean([abs(edge - frequency[peak]) for edge in edges]))


def _false_alarm_probability(
    t: np.ndarray,
    y: np.ndarray,
    dy: np.ndarray,
    bands: np.ndarray,
    frequency: float,
    f_min: float,
    f_max: float,
    samples_per_peak: float,
    nterms: int,
) -> tuple[float, str]:
    """Baluev false-alarm probability at ``frequency`` (band means removed for several)."""
    from astropy.timeseries import LombScargle

    unique, index = np.unique(bands, return_inverse=True)
    centered = y
    if unique.size > 1:
        weight = 1.0 / dy**2
        means = np.bincount(index, weight * y) / np.bincount(index, weight)
        centered = y - means[index]
    if nterms != 1:
        return float("nan"), "undefined_for_nterms>1"
    periodogram = LombScargle(t, centered, dy)
    power = periodogram.power(frequency)
    fap = periodogram.false_alarm_probability(
        power,
        method="baluev",
        minimum_frequency=f_min,
        maximum_frequency=f_max,
        samples_per_peak=samples_per_peak,
    )
    return float(fap), "baluev" if unique.size == 1 else "baluev_band_centered"
