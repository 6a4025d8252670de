"""Period search on synthetic sinusoids and on real Stripe 82 RR Lyrae."""

import numpy as np
import pandas as pd
import pytest

from tvs_classifier.lightcurves import LightCurves
from tvs_classifier.periods import PeriodError, find_period, find_periods
from tvs_classifier.readers import read_light_curve_files


def sinusoid(period=0.61, n=150, noise=0.02, seed=1):
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(0, 200, n))
    y = 15 + 0.3 * np.sin(2 * np.pi * t / period) + rng.normal(0, noise, n)
    return t, y, np.full(n, noise)


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
    assert result.fap_method == "baluev_band_centred"
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


#: Every 20th of the 241 Stripe 82 stars (13 stars: 12 RRab, 1 RRc) keeps the test fast;
#: the whole set is measured by benchmarks/period_recovery_s82.py (numbers in the README).
S82_EVERY = 20
#: Measured on this subset with the search below: 13 of 13 recovered within 1 % (all 241:
#: 210, 87 %). The threshold allows one miss on another platform, no more.
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
