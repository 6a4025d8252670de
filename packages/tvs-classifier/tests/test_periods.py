"""Period search on synthetic sinusoids, eclipsing binaries and RR Lyrae, and on Stripe 82."""

import importlib.util

import numpy as np
import pandas as pd
import pytest

from tvs_classifier import LightCurves, simulate
from tvs_classifier.io.readers import read_light_curve_files
from tvs_classifier.periods import PeriodError, find_period, find_periods


def sinusoid(period=0.61, n=150, noise=0.02, seed=1):
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(0, 200, n))
    y = 15 + 0.3 * np.sin(2 * np.pi * t / period) + rng.normal(0, noise, n)
    return t, y, np.full(n, noise)


def eclipsing_binary(period=1.3, depths=(0.6, 0.3), bands=("r",), n=300, noise=0.02, seed=4):
    """Two Gaussian eclipses half an orbit apart; the secondary scales with each band."""
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(0, 300, n))
    band = np.asarray(bands)[rng.integers(0, len(bands), n)]
    scale = 1.0 - 0.1 * np.searchsorted(np.asarray(sorted(bands)), band)
    phase = (t / period) % 1.0
    shape = depths[0] * np.exp(-0.5 * ((phase - 0.25) / 0.04) ** 2)
    shape += depths[1] * np.exp(-0.5 * ((phase - 0.75) / 0.04) ** 2)
    return t, 15 + scale * shape + rng.normal(0, noise, n), np.full(n, noise), band


def rr_lyrae_like(period, seed, n=200, noise=0.03):
    """A saw-tooth (RRab-like) Fourier series: R21 = 0.5, R31 = 0.33 of Simon & Lee."""
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(0, 400, n))
    angle = 2 * np.pi * t / period + rng.uniform(0, 2 * np.pi)
    shape = np.sin(angle) + 0.5 * np.sin(2 * angle + 2.5) + 0.33 * np.sin(3 * angle + 5.0)
    return t, 15 + 0.4 * shape + rng.normal(0, noise, n), np.full(n, noise)


@pytest.mark.parametrize("bands", [("r",), ("g", "r", "i")])
def test_unequal_eclipses_double_the_period(bands):
    t, y, dy, band = eclipsing_binary(bands=bands)
    result = find_period(t, y, dy, band, min_period=0.2, max_period=5)
    assert result.doubled
    assert result.period == pytest.approx(1.3, rel=1e-3)
    assert result.double_p_value < 1e-6
    assert result.double_excess > 10
    single = find_period(t, y, dy, band, min_period=0.2, max_period=5, check_double=False)
    assert not single.doubled
    assert np.isnan(single.double_p_value)
    assert single.period == pytest.approx(0.65, rel=1e-3)
    assert result.period_err == pytest.approx(2 * single.period_err)


def test_equal_eclipses_keep_half_the_orbital_period():
    # Documented: equal minima cannot be told from one cycle of half the period.
    t, y, dy, band = eclipsing_binary(depths=(0.5, 0.5))
    result = find_period(t, y, dy, band, min_period=0.2, max_period=5)
    assert not result.doubled
    assert result.period == pytest.approx(0.65, rel=1e-3)
    assert result.double_p_value > 1e-6


def test_doubling_needs_twice_the_period_in_range():
    t, y, dy, band = eclipsing_binary()
    result = find_period(t, y, dy, band, min_period=0.2, max_period=1.0)
    assert not result.doubled
    assert np.isnan(result.double_p_value)
    assert result.period == pytest.approx(0.65, rel=1e-3)


@pytest.mark.parametrize("seed", range(6))
def test_rr_lyrae_like_curves_are_not_doubled(seed):
    period = [0.31, 0.45, 0.52, 0.58, 0.66, 0.79][seed]
    result = find_period(*rr_lyrae_like(period, seed), min_period=0.1, max_period=2.0)
    assert not result.doubled
    assert result.period == pytest.approx(period, rel=1e-3)


def test_simulated_rr_lyrae_are_not_doubled():
    lcs, labels = simulate(4, ["RRab", "RRc"], seed=8, years=2)
    found = find_periods(lcs, progress=False, min_period=0.1, max_period=2.0)
    assert not found["doubled"].any()
    assert np.allclose(found["period"], labels["period"], rtol=0.01)


def test_unknown_backend_raises():
    t, y, dy = sinusoid()
    with pytest.raises(ValueError, match="backend='numba' is not known"):
        find_period(t, y, dy, backend="numba")


@pytest.mark.skipif(importlib.util.find_spec("nifty_ls") is not None, reason="nifty-ls installed")
def test_nifty_backend_without_nifty_ls_says_how_to_install():
    t, y, dy = sinusoid()
    with pytest.raises(ValueError, match="pip install nifty-ls"):
        find_period(t, y, dy, backend="nifty-ls")


@pytest.mark.skipif(importlib.util.find_spec("nifty_ls") is None, reason="nifty-ls not installed")
def test_nifty_backend_finds_the_same_period(make_table):
    table, _ = make_table(n_objects=1, epochs=40, bands=("g", "r", "i"), periods=[0.45])
    columns = [table[name] for name in ("mjd", "mag", "mag_err", "band")]
    search = {"min_period": 0.1, "max_period": 10}
    ours = find_period(*columns, backend="nifty-ls", **search)
    reference = find_period(*columns, backend="astropy", **search)
    assert ours.period == pytest.approx(reference.period, rel=1e-6)


@pytest.mark.parametrize("period", [0.07, 0.61, 3.3, 27.0])
def test_single_band_sinusoid_is_recovered(period):
    t, y, dy = sinusoid(period)
    result = find_period(t, y, dy, min_period=0.05, max_period=60)
    assert result.period == pytest.approx(period, rel=1e-3)
    assert result.method == "lomb_scargle"
    assert result.false_alarm_probability < 1e-10
    # The half-width uncertainty is of order P**2 / baseline (200 d), and covers the error.
    assert 0 < result.period_err < period**2 / 200.0
    assert abs(result.period - period) < result.period_err


def test_multiband_sinusoid_with_offsets_is_recovered(make_table):
    table, _ = make_table(n_objects=1, epochs=40, bands=("g", "r", "i"), periods=[0.45])
    result = find_period(
        table["mjd"], table["mag"], table["mag_err"], table["band"], min_period=0.1, max_period=10
    )
    assert result.period == pytest.approx(0.45, rel=1e-3)
    assert result.method == "lomb_scargle_multiband"
    assert result.fap_method == "baluev_band_centered"
    assert result.n_bands == 3
    assert result.false_alarm_probability < 1e-10


def test_noise_has_a_large_false_alarm_probability():
    rng = np.random.default_rng(5)
    t = np.sort(rng.uniform(0, 100, 60))
    result = find_period(t, rng.normal(15, 0.1, 60), np.full(60, 0.1), min_period=0.1)
    assert result.false_alarm_probability > 0.01


def test_sparse_bands_are_left_out():
    t, y, dy = sinusoid()
    band = np.array(["r"] * (t.size - 2) + ["g", "g"])
    result = find_period(t, y, dy, band, min_period=0.1, max_period=10)
    assert result.n_bands == 1
    assert result.n_points == t.size - 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t, y, dy: (t[:5], y[:5], dy[:5]), "only 5 measurements"),
        (lambda t, y, dy: (t, y[:-1], dy), "lengths"),
        (lambda t, y, dy: (t, np.where(t > 100, np.nan, y), dy), "NaN or infinite"),
        (lambda t, y, dy: (t, y, -dy), "finite and positive"),
        (lambda t, y, dy: (np.full_like(t, 5.0), y, dy), "all times are equal"),
    ],
)
def test_bad_input_raises_a_clear_error(change, message):
    with pytest.raises(PeriodError, match=message):
        find_period(*change(*sinusoid()))


def test_empty_period_range_and_constant_data():
    t, y, dy = sinusoid()
    with pytest.raises(PeriodError, match="empty period range"):
        find_period(t, y, dy, min_period=5.0, max_period=1.0)
    with pytest.raises(PeriodError, match="no finite positive power"):
        find_period(t, np.full_like(y, 15.0), dy, min_period=0.1, max_period=10)


def test_find_periods_uses_given_periods_and_flags_failures(table):
    tiny = pd.DataFrame(
        {
            "object_id": "few",
            "mjd": [1.0, 2.0, 3.0],
            "band": "g",
            "mag": [1.0, 2.0, 1.5],
            "mag_err": 0.1,
        }
    )
    lcs = LightCurves.from_table(pd.concat([table, tiny], ignore_index=True))
    out = find_periods(
        lcs, {"obj1": 0.5, "obj2": np.nan}, progress=False, min_period=0.2, max_period=10
    )
    out = out.set_index("object_id")
    assert out.loc["obj1", "period_source"] == "given"
    assert out.loc["obj1", "period"] == 0.5
    assert out.loc["obj2", "period_source"] == "lomb_scargle_multiband"
    assert out.loc["few", "period_source"] == "none"
    assert np.isnan(out.loc["few", "period"])
    assert "only 3 measurements" in out.loc["few", "flag"]
    assert out.loc["obj0", "n_points"] == 120
    assert not out["doubled"].any()


#: Every 20th of the 241 Stripe 82 stars (13 stars: 12 RRab, 1 RRc) keeps the test fast;
#: the whole set is measured by benchmarks/period_recovery_s82.py (numbers in the README).
S82_EVERY = 20
#: Measured on this subset with the search below: 13 of 13 recovered within 1 % (all 241:
#: 209, 86.7 %, with the doubling test; 210 without). The threshold allows one miss on
#: another platform, no more.
S82_MIN_RATE = 12 / 13


def test_stripe82_rr_lyrae_period_recovery(shared_data):
    folder = shared_data / "lightcurves" / "sesar2010_s82_dev"
    published = pd.read_csv(folder / "periods.csv").iloc[::S82_EVERY]
    lcs = read_light_curve_files(
        [folder / "light-curves" / f"{num}.csv" for num in published["Num"]],
        object_ids=published["Num"].tolist(),
        columns={"time": "mjd", "magerr": "mag_err"},
    )
    assert lcs.bands == ("u", "g", "r", "i", "z")
    found = find_periods(lcs, progress=False, min_period=0.1, max_period=2.0)
    truth = published.set_index("Num").loc[found["object_id"], "Per"].to_numpy()
    recovered = np.abs(found["period"].to_numpy() / truth - 1) < 0.01
    assert recovered.mean() >= S82_MIN_RATE
