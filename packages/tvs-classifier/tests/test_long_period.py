"""Tests of the synthetic long-period variables (Mira, SR) and stochastic variables."""

import numpy as np
import pytest

from tvs_classifier import simulate
from tvs_classifier.bands import LSST_BANDS
from tvs_classifier.simulation._pulsation import LSST_WAVELENGTH
from tvs_classifier.simulation.cadence import LSST_START_MJD
from tvs_classifier.simulation.long_period import (
    DRW_WAVELENGTH_SLOPE,
    MODELS,
    damped_random_walk,
)

N = 200
G, R, I_BAND = (LSST_BANDS.index(b) for b in "gri")


@pytest.fixture(scope="module")
def drawn():
    return {name: MODELS[name].draw(N, np.random.default_rng(5)) for name in MODELS}


def _curve(stars, band, time):
    """Variation of every star at the same times in one band, (n, times)."""
    n = len(stars.period)
    star = np.repeat(np.arange(n), time.size)
    return stars.variation(star, np.tile(time, n), np.full(star.size, band)).reshape(n, -1)


@pytest.mark.parametrize(
    ("name", "main_class"), [("Mira", "LPV"), ("SR", "LPV"), ("stochastic", "constant")]
)
def test_shapes_and_main_class(drawn, name, main_class):
    stars = drawn[name]
    assert MODELS[name].main_class == main_class
    assert stars.colors.shape == stars.amplitude.shape == (N, 6)
    assert np.all(np.isfinite(stars.colors))
    assert np.all(stars.amplitude > 0)
    assert np.all(stars.colors[:, R] == 0)
    values = _curve(stars, R, np.linspace(0.0, 3650.0, 30))
    assert values.shape == (N, 30)
    assert np.all(np.isfinite(values))


def test_mira_periods_and_amplitudes(drawn):
    stars = drawn["Mira"]
    assert np.all((stars.period >= 100) & (stars.period <= 1000))
    assert np.all(stars.amplitude[:, I_BAND] > 0.8)
    v_amplitude = 0.42 * stars.amplitude[:, G] + 0.58 * stars.amplitude[:, R]  # Lupton 2005
    assert np.all(v_amplitude > 2.5)
    assert np.all(stars.amplitude[:, G] > stars.amplitude[:, I_BAND])
    # The light curves themselves: larger in g than in i, peak-to-peak near the label.
    time = np.linspace(0.0, 3650.0, 4000)
    g, i = _curve(stars, G, time), _curve(stars, I_BAND, time)
    assert np.all(np.ptp(g, axis=1) > 2 * np.ptp(i, axis=1))
    ratio = np.ptp(i, axis=1) / stars.amplitude[:, I_BAND]
    assert np.all((ratio > 0.8) & (ratio < 1.5))
    # Maximum light at the labelled epoch.
    at_max = stars.labels["epoch_max"] - LSST_START_MJD
    phase = np.array([0.0, 0.5])
    star = np.repeat(np.arange(N), 2)
    t = (at_max[:, None] + phase[None, :] * stars.period[:, None]).ravel()
    values = stars.variation(star, t, np.full(star.size, I_BAND)).reshape(N, 2)
    assert np.all(values[:, 0] < values[:, 1])


def test_mira_cycles_differ(drawn):
    stars = drawn["Mira"]
    period = stars.period[0]
    time = np.linspace(0.0, 6 * period, 6000)
    curve = _curve(stars, I_BAND, time)[0]
    cycle = (time // period).astype(int)
    depths = [np.ptp(curve[cycle == c]) for c in range(1, 5)]
    assert np.std(depths) > 0.01


def test_semiregular_periods_and_amplitudes(drawn):
    stars = drawn["SR"]
    assert np.all((stars.period >= 20) & (stars.period <= 300))
    assert np.all(stars.labels["second_period"] < stars.period)
    time = np.linspace(0.0, 3650.0, 3000)
    i = _curve(stars, I_BAND, time)
    assert np.median(np.ptp(i, axis=1)) < 0.8
    # Not strictly periodic: the curve one period later differs by much more than zero.
    shifted = _curve(stars, I_BAND, time + stars.period[0])[0]
    assert np.std(shifted - i[0]) > 0.05 * np.ptp(i[0])
    assert np.all(stars.amplitude[:, G] > stars.amplitude[:, I_BAND])


def test_damped_random_walk_structure_function():
    """SF(dt) = SF_inf sqrt(1 - exp(-dt / tau)) within 10 % (about 8 sigma of the estimate)."""
    n, m, tau = 300, 400, 50.0
    rng = np.random.default_rng(0)
    time = rng.uniform(0.0, 3650.0, (n, m))
    star = np.repeat(np.arange(n), m)
    x = damped_random_walk(np.arange(n), np.full(n, tau), star, time.ravel()).reshape(n, m)
    assert np.var(x) == pytest.approx(1.0, rel=0.05)
    a, b = rng.integers(0, m, (2, n, 4000))
    lag = np.abs(np.take_along_axis(time, a, 1) - np.take_along_axis(time, b, 1))
    diff = np.take_along_axis(x, a, 1) - np.take_along_axis(x, b, 1)
    sf_inf = np.sqrt(2.0)  # unit variance
    long = lag > 10 * tau
    assert np.sqrt(np.mean(diff[long] ** 2)) == pytest.approx(sf_inf, rel=0.1)
    short = (lag > 0) & (lag < 0.02 * tau)
    assert np.sqrt(np.mean(diff[short] ** 2)) < 0.25 * sf_inf
    middle = (lag > 0.9 * tau) & (lag < 1.1 * tau)
    expected = sf_inf * np.sqrt(1 - np.exp(-1.0))
    assert np.sqrt(np.mean(diff[middle] ** 2)) == pytest.approx(expected, rel=0.1)


def test_stochastic_structure_function_and_bands(drawn):
    stars = drawn["stochastic"]
    assert np.all(np.isnan(stars.period))
    sf = stars.amplitude / 2
    expected = (LSST_WAVELENGTH / LSST_WAVELENGTH[R]) ** DRW_WAVELENGTH_SLOPE
    np.testing.assert_allclose(sf / sf[:, [R]], np.broadcast_to(expected, sf.shape))
    assert np.all(np.diff(sf, axis=1) < 0)  # bluer bands vary more
    # Pairs 20 years apart (over 7 tau) and 1 minute apart, in r.
    n = len(stars.period)
    start = np.random.default_rng(1).uniform(0, 100, (n, 50))
    time = np.concatenate([start, start + 7305.0, start + 0.0007], axis=1)
    x = _curve_per_star(stars, R, time)
    normalized = x / sf[:, [R]]
    long = np.sqrt(np.mean((normalized[:, 50:100] - normalized[:, :50]) ** 2))
    short = np.sqrt(np.mean((normalized[:, 100:] - normalized[:, :50]) ** 2))
    assert long == pytest.approx(1.0, rel=0.1)
    assert short < 0.05


def _curve_per_star(stars, band, time):
    """Variation at per-star times, (n, times)."""
    n = time.shape[0]
    star = np.repeat(np.arange(n), time.shape[1])
    return stars.variation(star, time.ravel(), np.full(star.size, band)).reshape(time.shape)


def test_same_times_same_values_in_any_order_and_every_band(drawn):
    stars = drawn["stochastic"]
    time = np.array([10.0, 3.0, 500.0, 10.0, 3.0])
    star = np.array([0, 0, 0, 1, 1])
    band = np.array([0, 1, 2, 3, 4])
    first = stars.variation(star, time, band)
    order = np.array([4, 2, 0, 3, 1])
    again = stars.variation(star[order], time[order], band[order])
    np.testing.assert_array_equal(first[order], again)
    both = stars.variation(np.zeros(2, int), np.array([7.0, 7.0]), np.array([G, I_BAND]))
    sf = stars.amplitude[0]
    assert both[0] / sf[G] == pytest.approx(both[1] / sf[I_BAND])


@pytest.mark.parametrize("name", list(MODELS))
def test_reproducible_by_seed(name):
    a = MODELS[name].draw(5, np.random.default_rng(8))
    b = MODELS[name].draw(5, np.random.default_rng(8))
    c = MODELS[name].draw(5, np.random.default_rng(9))
    time = np.linspace(0.0, 1000.0, 40)
    star, band = np.arange(40) % 5, np.arange(40) % 6
    np.testing.assert_array_equal(a.variation(star, time, band), b.variation(star, time, band))
    assert not np.array_equal(a.variation(star, time, band), c.variation(star, time, band))


def test_simulate_end_to_end():
    lcs, labels = simulate(12, ["Mira", "SR", "stochastic"], seed=2, years=2)
    assert labels.groupby("subclass")["class"].first().to_dict() == {
        "Mira": "LPV",
        "SR": "LPV",
        "stochastic": "constant",
    }
    assert labels.loc[labels["subclass"] == "stochastic", "period"].isna().all()
    assert labels.loc[labels["subclass"] != "stochastic", "period"].gt(19).all()
    assert np.all(np.isfinite(lcs.table["mag"]))
