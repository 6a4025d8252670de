"""LSST-like visit times per band for sky positions of the Wide-Fast-Deep survey.

A simple statistical cadence, not an OpSim run:

* **Numbers of visits.** The ten-year per-band totals of the baseline WFD survey,
  Ivezić et al. (2019, ApJ 873, 111, Table 1): u 56, g 80, r 184, i 184, z 160,
  y 160 (`LSST_WFD_VISITS`). The first year is sparser: it gets `FIRST_YEAR_WEIGHT`
  (0.5) of the visits of a later year — our choice, standing for commissioning
  overlap and the templates still being built; later years are equal. A survey of
  ``years`` then has ``round(total * w(years) / w(10))`` visits per band, with
  ``w(Y) = 0.5 min(Y, 1) + max(Y - 1, 0)``, so that ten years give the Table 1 totals
  exactly.
* **Seasons.** A position is observable for `SEASON_LENGTH` (200 d, about 6.6
  months) a year, centered on a date drawn uniformly over the year for each position.
* **Nights.** Within a season each night is clear with probability `CLEAR_FRACTION`
  (0.7, independent nights); visits go to clear nights at random (several visits in
  one night are allowed, as LSST takes pairs), at a time drawn uniformly within ±3.6 h
  of local midnight at Cerro Pachón (04:43 UTC, MJD fraction 0.197).

Times start at `LSST_START_MJD`. Everything is drawn from one `numpy.random.Generator`,
so a seed gives the same visits.

Examples
--------
>>> visits = visit_times(2, years=10, seed=0)
>>> visits.groupby("position")["band"].value_counts().unstack()[list("ugrizy")].iloc[0].tolist()
[56, 80, 184, 184, 160, 160]
>>> n_visits(1)
{'u': 3, 'g': 4, 'r': 10, 'i': 10, 'z': 8, 'y': 8}
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

__all__ = [
    "CLEAR_FRACTION",
    "FIRST_YEAR_WEIGHT",
    "LSST_START_MJD",
    "LSST_WFD_VISITS",
    "SEASON_LENGTH",
    "n_visits",
    "visit_times",
]

#: Ten-year numbers of visits per band of the WFD baseline (Ivezić et al. 2019, Table 1).
LSST_WFD_VISITS: dict[str, int] = {"u": 56, "g": 80, "r": 184, "i": 184, "z": 160, "y": 160}

#: Visits in the first year relative to a later year (a documented choice).
FIRST_YEAR_WEIGHT = 0.5

#: Days a year a position is observable.
SEASON_LENGTH = 200.0

#: Probability that a night in season is clear.
CLEAR_FRACTION = 0.7

#: Start of the simulated survey (2025-11-01, around the start of LSST operations).
LSST_START_MJD = 60980.0

_YEAR = 365.25
_MIDNIGHT = 0.197  # local midnight at Cerro Pachon (70.74 W) as a fraction of a UTC day
_HALF_NIGHT = 0.15  # visits within +-0.15 d (3.6 h) of local midnight


def _survey_weight(years: float) -> float:
    """Visits of a ``years``-long survey in units of a full (not first) year."""
    return FIRST_YEAR_WEIGHT * min(years, 1.0) + max(years - 1.0, 0.0)


def _check_years(years: float) -> float:
    """``years`` as a float; bad values raise `ValueError`."""
    try:
        value = float(years)
    except (TypeError, ValueError):
        raise ValueError(f"years must be a number, not {years!r}") from None
    if not (np.isfinite(value) and 0 < value <= 20):
        raise ValueError(f"years must be > 0 and <= 20, not {years!r}")
    return value


def n_visits(years: float = 10, visits: Mapping[str, int] | None = None) -> dict[str, int]:
    """Numbers of visits per band of a survey of ``years`` years.

    Parameters
    ----------
    years : float
        Survey length (0 < years <= 20).
    visits : mapping of str to int, optional
        Ten-year totals per band; default `LSST_WFD_VISITS`.

    Returns
    -------
    dict of str to int
        Visits per band, ``round(total * w(years) / w(10))`` (see the module notes).

    Examples
    --------
    >>> n_visits(10) == LSST_WFD_VISITS
    True
    >>> n_visits(3)["r"]
    48
    """
    years = _check_years(years)
    totals = LSST_WFD_VISITS if visits is None else dict(visits)
    if any(int(count) < 0 for count in totals.values()):
        raise ValueError("numbers of visits must be >= 0")
    scale = _survey_weight(years) / _survey_weight(10.0)
    return {band: round(int(count) * scale) for band, count in totals.items()}


def visit_times(
    n_positions: int = 1,
    *,
    years: float = 10,
    seed: int | np.random.Generator | None = None,
    visits: Mapping[str, int] | None = None,
    start_mjd: float = LSST_START_MJD,
) -> pd.DataFrame:
    """Draw LSST-like visit times in each band for ``n_positions`` sky positions.

    Each position gets its own season dates, clear nights and visit times, and the
    numbers of visits per band of `n_visits`. Vectorised over positions and visits.

    Parameters
    ----------
    n_positions : int
        Number of sky positions (>= 1).
    years : float
        Survey length in years (0 < years <= 20).
    seed : int or numpy.random.Generator, optional
        Seed or generator; the same seed gives the same visits.
    visits : mapping of str to int, optional
        Ten-year visits per band; default `LSST_WFD_VISITS`.
    start_mjd : float
        MJD of the first night.

    Returns
    -------
    pandas.DataFrame
        Columns ``position`` (0 to n_positions - 1), ``mjd`` and ``band``, sorted by
        position then time.

    Raises
    ------
    ValueError
        For ``n_positions < 1`` or a bad ``years``.

    Examples
    --------
    >>> one = visit_times(1, years=1, seed=42)
    >>> len(one), sorted(one["band"].unique())
    (43, ['g', 'i', 'r', 'u', 'y', 'z'])
    >>> bool(one["mjd"].between(LSST_START_MJD, LSST_START_MJD + 366).all())
    True
    """
    if isinstance(n_positions, bool) or not isinstance(n_positions, (int, np.integer)):
        raise ValueError(f"n_positions must be an integer, not {n_positions!r}")
    if n_positions < 1:
        raise ValueError(f"n_positions must be >= 1, not {n_positions}")
    years = _check_years(years)
    counts = n_visits(years, visits)
    rng = np.random.default_rng(seed)

    nights = np.arange(int(np.ceil(years * _YEAR)), dtype=float)
    center = rng.uniform(0.0, _YEAR, size=(n_positions, 1))
    distance = np.abs((nights - center + _YEAR / 2) % _YEAR - _YEAR / 2)
    clear = rng.random((n_positions, nights.size)) < CLEAR_FRACTION
    weight = ((distance < SEASON_LENGTH / 2) & clear).astype(float)
    weight[:, nights < _YEAR] *= FIRST_YEAR_WEIGHT
    total = weight.sum(axis=1, keepdims=True)
    # A short survey may fall outside a position's season: observe it anyway on its
    # clear nights rather than return nothing (only for years < ~0.5).
    empty = total[:, 0] == 0
    weight[empty] = 1.0
    total[empty] = weight.shape[1]
    cumulative = np.cumsum(weight / total, axis=1)
    cumulative[:, -1] = 1.0

    bands = np.array([band for band, count in counts.items() for _ in range(count)], dtype=object)
    n_per = bands.size
    # Inverse-CDF sampling of nights for every position at once: offset each row's
    # cumulative distribution by its row number and search the flattened array.
    rows = np.arange(n_positions)[:, None]
    flat = (cumulative + rows).ravel()
    draws = rng.random((n_positions, n_per)) + rows
    index = np.searchsorted(flat, draws.ravel(), side="right") % nights.size
    index = np.minimum(index, nights.size - 1)
    night = nights[index].reshape(n_positions, n_per)
    offset = rng.uniform(-_HALF_NIGHT, _HALF_NIGHT, size=(n_positions, n_per))
    mjd = start_mjd + night + _MIDNIGHT + offset

    frame = pd.DataFrame(
        {
            "position": np.repeat(np.arange(n_positions), n_per),
            "mjd": mjd.ravel(),
            "band": np.tile(bands, n_positions),
        }
    )
    return frame.sort_values(["position", "mjd"], kind="stable", ignore_index=True)
