"""Synthetic long-period variables (Miras, semi-regulars) and stochastic non-periodic sources.

Miras and semi-regular variables (SR) form the main class ``"LPV"``; stochastic
variables join the constant stars in the main class ``"constant"`` (constant or
non-periodic sources). The numbers below are approximate ranges read from the
OGLE-III catalog of LMC long-period variables (Soszyński et al. 2009, AcA 59, 239:
1667 Miras, 11128 semi-regulars) and the GCVS definitions of the types (Samus et al.
2017, ARep 61, 80), not fits to a catalog table, which the package does not bundle.

* **Miras** (``"Mira"``): period log-normal, ``log10 P ~ N(2.45, 0.15)`` kept within
  100-1000 d; peak-to-peak I amplitude uniform 0.9-2.5 mag (OGLE's Mira criterion is
  ``A_I > 0.8`` mag). The light curve is asymmetric: a half-cosine decline from maximum
  and a faster half-cosine rise taking a fraction uniform 0.35-0.5 of the cycle. Each
  cycle has its own amplitude (factor ``1 + N(0, 0.1)``) and mean (``N(0, 0.05)`` times
  the amplitude), interpolated linearly between cycles and repeating after 128 cycles.
* **Semi-regulars** (``"SR"``): dominant period log-uniform 20-300 d, peak-to-peak I
  amplitude log-uniform 0.1-0.8 mag; one or two further modes with periods 0.45-0.75
  of the dominant one (overtones) and 0.2-0.6 of its amplitude, random phases; plus
  a damped random walk of time scale 1-3 dominant periods and standard deviation
  0.1-0.3 of the dominant I amplitude (irregularity). The ``period`` label is the
  dominant period; the amplitudes are those of the modes in phase (their sum).
* **Band amplitudes.** Red giants' visual amplitudes are far larger than their
  infrared ones (TiO absorption grows as the star cools): Miras' V amplitudes exceed
  2.5 mag (GCVS). The light curve in each band is the I-band one times `MIRA_RATIO` or
  `SR_RATIO` (u g r i z y, i = 1). With ``V ~ 0.42 g + 0.58 r`` (Lupton 2005) this
  gives ``A_V / A_I`` of about 2.8 for Miras, so ``A_V > 2.5`` mag for every Mira, and
  about 1.6 for semi-regulars; u and g amplitudes of Miras reach 3-10 mag. The ratios
  are approximate, chosen to match these published ranges.
* **Colors** of blackbodies (`tvs_classifier.simulation.colors.lsst_colors`) of temperatures
  uniform over 2500-3500 K (Miras) and 3000-3800 K (semi-regulars). Blackbodies match
  M giants poorly (molecular bands make real ones much redder in g - r and u - g),
  so these colors place LPVs among the reddest sources without reproducing them.
* **Stochastic variables** (``"stochastic"``): a damped random walk
  (Ornstein-Uhlenbeck process; Kelly et al. 2009, ApJ 698, 895), the model of quasar
  variability, with time scale ``tau`` log-uniform 100-1000 d and asymptotic structure
  function ``SF_inf`` in r log-uniform 0.1-0.3 mag (MacLeod et al. 2010, ApJ 721,
  1014); the same process in every band, scaled by ``SF_inf ∝ lambda^-0.48``
  (MacLeod et al. 2010), so bluer bands vary more. The structure function is
  ``SF(dt) = SF_inf sqrt(1 - exp(-|dt| / tau))``. Colors of a power law
  ``f_nu ∝ nu^alpha`` with ``alpha ~ N(-0.44, 0.3)`` (Vanden Berk et al. 2001, AJ 122,
  549). Period NaN; the amplitude given is ``2 SF_inf``.

A damped random walk is made at the sorted distinct times at which it is asked for,
with the exact update ``x' = x e^(-dt/tau) + sqrt(1 - e^(-2 dt/tau)) N(0, 1)`` started
from the stationary distribution, from a generator seeded per star when the stars are
drawn: the same times give the same values (in every band at once), and a different
set of times a different, equally likely realisation.

Examples
--------
>>> import numpy as np
>>> miras = MODELS["Mira"].draw(3, np.random.default_rng(0))
>>> bool(np.all((miras.period >= 100) & (miras.period <= 1000)))
True
>>> bool(np.all(miras.amplitude[:, 1] > miras.amplitude[:, 3]))  # g varies more than i
True
>>> MODELS["stochastic"].main_class
'constant'
"""

from __future__ import annotations

import numpy as np

from ..bands import LSST_BANDS, LSST_WAVELENGTH
from .base import SimulatedStars, StarModel
from .cadence import LSST_START_MJD
from .colors import lsst_colors

__all__ = [
    "DRW_WAVELENGTH_SLOPE",
    "MIRA_RATIO",
    "MODELS",
    "SR_RATIO",
    "damped_random_walk",
]

#: Amplitude in each band u g r i z y relative to i, Miras (approximate).
MIRA_RATIO: np.ndarray = np.array([4.0, 3.4, 2.4, 1.0, 0.75, 0.6])

#: Amplitude in each band u g r i z y relative to i, semi-regulars (approximate).
SR_RATIO: np.ndarray = np.array([2.2, 1.8, 1.4, 1.0, 0.8, 0.7])

#: Power of the wavelength in SF_inf of a damped random walk (MacLeod et al. 2010).
DRW_WAVELENGTH_SLOPE = -0.48

_I_BAND = LSST_BANDS.index("i")
_R_BAND = LSST_BANDS.index("r")
_N_CYCLES = 128  # Mira cycles with their own amplitude and mean, then repeating


def damped_random_walk(
    seed: np.ndarray, tau: np.ndarray, star: np.ndarray, time: np.ndarray
) -> np.ndarray:
    """Unit-variance damped random walks (Ornstein-Uhlenbeck processes) at given times.

    Parameters
    ----------
    seed : ndarray of int, shape (n,)
        Seed of each star's process.
    tau : ndarray, shape (n,)
        Damping time scale of each star, days.
    star : ndarray of int
        Star (index into ``seed`` and ``tau``) of each time.
    time : ndarray
        Times in days, any order; equal times of one star get equal values.

    Returns
    -------
    ndarray
        The process (mean 0, variance 1) at ``time``.

    Examples
    --------
    >>> x = damped_random_walk(
    ...     np.array([1]), np.array([100.0]), np.zeros(3, int), np.array([5.0, 0.0, 5.0])
    ... )
    >>> bool(x[0] == x[2]), x.shape
    (True, (3,))
    """
    shape = np.shape(time)
    star = np.asarray(star, dtype=np.int64).ravel()
    time = np.asarray(time, dtype=float).ravel()
    out = np.empty(time.shape)
    if time.size == 0:
        return out.reshape(shape)
    # One row per star with its distinct times, in order; padded with the last time.
    order = np.lexsort((time, star))
    sorted_star, sorted_time = star[order], time[order]
    new = np.ones(sorted_time.size, dtype=bool)
    new[1:] = (sorted_star[1:] != sorted_star[:-1]) | (sorted_time[1:] != sorted_time[:-1])
    distinct = np.cumsum(new) - 1  # index of each sorted point's distinct (star, time)
    d_star, d_time = sorted_star[new], sorted_time[new]
    stars, first, counts = np.unique(d_star, return_index=True, return_counts=True)
    column = np.arange(d_star.size) - np.repeat(first, counts)
    grid = np.full((stars.size, counts.max()), np.nan)
    row = np.repeat(np.arange(stars.size), counts)
    grid[row, column] = d_time
    grid = np.where(np.isnan(grid), np.nanmax(grid, axis=1, keepdims=True), grid)
    normal = np.zeros(grid.shape)
    for k, s in enumerate(stars):
        normal[k, : counts[k]] = np.random.default_rng(int(seed[s])).standard_normal(counts[k])
    decay = np.exp(-np.diff(grid, axis=1) / tau[stars, None])
    values = np.empty(grid.shape)
    values[:, 0] = normal[:, 0]
    for j in range(1, grid.shape[1]):
        step = decay[:, j - 1]
        values[:, j] = values[:, j - 1] * step + np.sqrt(1.0 - step**2) * normal[:, j]
    out[order] = values[row, column][distinct]
    return out.reshape(shape)


def _blackbody_colors(teff_range: tuple[float, float], n: int, rng) -> np.ndarray:
    """Colors of blackbodies with temperatures uniform over ``teff_range``."""
    return lsst_colors(rng.uniform(*teff_range, size=n))


def _draw_mira(n: int, rng: np.random.Generator) -> SimulatedStars:
    """``n`` Miras: asymmetric cycles of varying amplitude and mean."""
    period = 10 ** np.clip(rng.normal(2.45, 0.15, n), 2.0, 3.0)
    amp_i = rng.uniform(0.9, 2.5, n)
    rise = rng.uniform(0.35, 0.5, n)
    phase0 = rng.uniform(0.0, 1.0, n)
    cycle_amplitude = 1.0 + rng.normal(0.0, 0.1, (n, _N_CYCLES))
    cycle_mean = rng.normal(0.0, 0.05, (n, _N_CYCLES))
    colors = _blackbody_colors((2500.0, 3500.0), n, rng)

    def variation(star: np.ndarray, time: np.ndarray, band: np.ndarray) -> np.ndarray:
        cycles = time / period[star] + phase0[star]
        phase = cycles % 1.0
        decline = 1.0 - rise[star]
        shape = np.where(
            phase < decline,
            -0.5 * np.cos(np.pi * phase / decline),
            0.5 * np.cos(np.pi * (phase - decline) / rise[star]),
        )
        now = np.floor(cycles).astype(np.int64) % _N_CYCLES
        after = (now + 1) % _N_CYCLES
        w = phase  # linear interpolation between this cycle's values and the next's
        factor = (1 - w) * cycle_amplitude[star, now] + w * cycle_amplitude[star, after]
        offset = (1 - w) * cycle_mean[star, now] + w * cycle_mean[star, after]
        return MIRA_RATIO[band] * amp_i[star] * (factor * shape + offset)

    return SimulatedStars(
        period=period,
        colors=colors,
        amplitude=amp_i[:, None] * MIRA_RATIO[None, :],
        variation=variation,
        labels={"epoch_max": LSST_START_MJD + (1.0 - phase0) * period},
    )


def _draw_sr(n: int, rng: np.random.Generator) -> SimulatedStars:
    """``n`` semi-regulars: two or three modes and a damped random walk."""
    n_modes = 3
    period = np.empty((n, n_modes))
    period[:, 0] = np.exp(rng.uniform(np.log(20.0), np.log(300.0), n))
    period[:, 1:] = period[:, :1] * rng.uniform(0.45, 0.75, (n, n_modes - 1))
    amp = np.empty((n, n_modes))  # peak-to-peak, I band
    amp[:, 0] = np.exp(rng.uniform(np.log(0.1), np.log(0.8), n))
    amp[:, 1:] = amp[:, :1] * rng.uniform(0.2, 0.6, (n, n_modes - 1))
    amp[:, 2] *= rng.uniform(size=n) < 0.5  # a third mode in half of the stars
    phase = rng.uniform(0.0, 2 * np.pi, (n, n_modes))
    tau = period[:, 0] * rng.uniform(1.0, 3.0, n)
    sigma = amp[:, 0] * rng.uniform(0.1, 0.3, n)
    seed = rng.integers(0, 2**63, n)
    colors = _blackbody_colors((3000.0, 3800.0), n, rng)

    def variation(star: np.ndarray, time: np.ndarray, band: np.ndarray) -> np.ndarray:
        time = np.asarray(time, dtype=float)
        angle = 2 * np.pi * time[..., None] / period[star] + phase[star]
        modes = np.sum(0.5 * amp[star] * np.sin(angle), axis=-1)
        walk = sigma[star] * damped_random_walk(seed, tau, star, time)
        return SR_RATIO[band] * (modes + walk)

    return SimulatedStars(
        period=period[:, 0],
        colors=colors,
        amplitude=amp.sum(axis=1)[:, None] * SR_RATIO[None, :],
        variation=variation,
        labels={"second_period": period[:, 1]},
    )


def _draw_stochastic(n: int, rng: np.random.Generator) -> SimulatedStars:
    """``n`` damped-random-walk (quasar-like) variables."""
    tau = np.exp(rng.uniform(np.log(100.0), np.log(1000.0), n))
    sf_r = np.exp(rng.uniform(np.log(0.1), np.log(0.3), n))
    sf = (
        sf_r[:, None]
        * (LSST_WAVELENGTH / LSST_WAVELENGTH[_R_BAND])[None, :] ** DRW_WAVELENGTH_SLOPE
    )
    alpha = rng.normal(-0.44, 0.3, n)
    colors = 2.5 * alpha[:, None] * np.log10(LSST_WAVELENGTH / LSST_WAVELENGTH[_R_BAND])[None, :]
    seed = rng.integers(0, 2**63, n)

    def variation(star: np.ndarray, time: np.ndarray, band: np.ndarray) -> np.ndarray:
        return sf[star, band] / np.sqrt(2.0) * damped_random_walk(seed, tau, star, time)

    return SimulatedStars(
        period=np.full(n, np.nan),
        colors=colors,
        amplitude=2.0 * sf,
        variation=variation,
        labels={"tau": tau, "sf_inf_r": sf_r},
    )


#: Long-period and non-periodic subclasses of the simulator.
MODELS: dict[str, StarModel] = {
    "Mira": StarModel(
        "LPV",
        _draw_mira,
        "asymmetric cycles varying cycle to cycle; P and A_I after Soszynski et al. (2009)",
    ),
    "SR": StarModel(
        "LPV",
        _draw_sr,
        "two or three modes plus a damped random walk; after Soszynski et al. (2009)",
    ),
    "stochastic": StarModel(
        "constant",
        _draw_stochastic,
        "damped random walk (Kelly et al. 2009) with quasar parameters (MacLeod et al. 2010)",
    ),
}
