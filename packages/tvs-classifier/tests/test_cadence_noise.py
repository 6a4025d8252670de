"""Tests of the LSST cadence and photometric error model."""

import numpy as np
import pytest

from tvs_classifier.simulation.cadence import (
    LSST_START_MJD,
    LSST_WFD_VISITS,
    SEASON_LENGTH,
    n_visits,
    visit_times,
)
from tvs_classifier.simulation.noise import (
    LSST_GAMMA,
    LSST_M5,
    SIGMA_SYS,
    add_noise,
    magnitude_error,
)

LSST_BANDS = list("ugrizy")


def test_ten_years_give_the_baseline_totals():
    counts = visit_times(3, years=10, seed=0).groupby(["position", "band"]).size().unstack()
    for band in LSST_BANDS:
        assert (counts[band] == LSST_WFD_VISITS[band]).all()


@pytest.mark.parametrize("years", [1, 3, 10])
def test_visit_counts_scale_with_years(years):
    weight = 0.5 * min(years, 1) + max(years - 1, 0)
    expected = {band: round(total * weight / 9.5) for band, total in LSST_WFD_VISITS.items()}
    assert n_visits(years) == expected
    counts = visit_times(2, years=years, seed=1)["band"].value_counts().to_dict()
    assert counts == {band: 2 * count for band, count in expected.items() if count}


def test_counts_grow_with_years_and_first_year_is_sparser():
    totals = [sum(n_visits(years).values()) for years in (1, 2, 3, 10)]
    assert totals == sorted(totals)
    assert 2 * sum(n_visits(1).values()) == pytest.approx(
        sum(n_visits(2).values()) - sum(n_visits(1).values()), abs=2
    )


def test_times_lie_in_survey_and_seasons():
    visits = visit_times(20, years=3, seed=5)
    assert visits["mjd"].between(LSST_START_MJD, LSST_START_MJD + 3 * 365.25 + 1).all()
    for _, group in visits.groupby("position"):
        mjd = group["mjd"].to_numpy()
        assert np.all(np.diff(mjd) >= 0)
        night = np.floor(mjd - LSST_START_MJD)
        gaps = np.diff(np.unique(night))
        # two season gaps of about 365 - 200 days in a three-year survey
        assert (gaps > 365.25 - SEASON_LENGTH - 30).sum() >= 2
        # every visit falls in one 200-day arc of the year: the largest circular gap
        # between days of the year with visits is at least the 165 days out of season
        day = np.sort(night % 365.25)
        assert np.diff(np.r_[day, day[0] + 365.25]).max() >= 365.25 - SEASON_LENGTH - 1
    # fraction of nights (of the ~1096) with a visit: far less than all of them
    nights = visits.assign(night=np.floor(visits["mjd"]))
    per_position = nights.groupby("position")["night"].nunique()
    assert (per_position < SEASON_LENGTH * 3).all()


def test_visits_are_reproducible_by_seed():
    a = visit_times(4, years=2, seed=11)
    b = visit_times(4, years=2, seed=np.random.default_rng(11))
    c = visit_times(4, years=2, seed=12)
    assert a.equals(b)
    assert not a["mjd"].equals(c["mjd"])


@pytest.mark.parametrize("years", [0, -1, float("nan"), float("inf"), 25, "ten"])
def test_bad_years_raise(years):
    with pytest.raises(ValueError, match="years"):
        visit_times(1, years=years)


@pytest.mark.parametrize("n", [0, -3, 1.5, True])
def test_bad_positions_raise(n):
    with pytest.raises(ValueError, match="n_positions"):
        visit_times(n)


def test_error_model_hand_computed():
    # r = 22: x = 10**(0.4 * (22 - 24.35)) = 10**-0.94
    x = 10**-0.94
    expected = np.sqrt(0.005**2 + (0.04 - 0.039) * x + 0.039 * x**2)
    assert magnitude_error(22.0, "r") == pytest.approx(expected, rel=1e-12)
    assert expected == pytest.approx(0.02557, abs=1e-5)  # x = 0.11482, rand^2 = 6.290e-4
    # u = 23.78 + 2.5 log10(2): x = 2
    u = 23.78 + 2.5 * np.log10(2.0)
    assert magnitude_error(u, "u") == pytest.approx(
        np.sqrt(0.005**2 + 0.002 * 2 + 0.038 * 4), rel=1e-12
    )


@pytest.mark.parametrize("band", LSST_BANDS)
def test_signal_to_noise_five_at_depth_and_floor_when_bright(band):
    random = np.sqrt(magnitude_error(LSST_M5[band], band) ** 2 - SIGMA_SYS**2)
    assert random == pytest.approx(0.2, rel=1e-12)  # S/N = 5 (1.0857 / 5 ~ 0.2)
    assert magnitude_error(LSST_M5[band] - 12, band) == pytest.approx(SIGMA_SYS, rel=1e-3)
    # faint limit: sigma_rand -> sqrt(gamma) x
    faint = LSST_M5[band] + 5
    assert magnitude_error(faint, band) == pytest.approx(np.sqrt(LSST_GAMMA[band]) * 100, rel=1e-2)


def test_table2_values():
    assert LSST_M5 == {"u": 23.78, "g": 24.81, "r": 24.35, "i": 23.92, "z": 23.34, "y": 22.45}
    assert LSST_GAMMA == {"u": 0.038, "g": 0.039, "r": 0.039, "i": 0.039, "z": 0.039, "y": 0.039}


def test_error_increases_with_magnitude_and_broadcasts():
    mags = np.linspace(15, 26, 50)
    errors = magnitude_error(mags, "g")
    assert errors.shape == (50,)
    assert np.all(np.diff(errors) > 0)
    assert magnitude_error(mags, "g", m5=25.81)[-1] < errors[-1]


def test_noise_has_the_model_scatter_and_is_reproducible():
    mag = np.full(20000, 23.0)
    observed, error = add_noise(mag, "i", rng=3)
    again, _ = add_noise(mag, "i", rng=3)
    np.testing.assert_array_equal(observed, again)
    assert np.std(observed - mag) == pytest.approx(error[0], rel=0.03)
    assert abs(np.mean(observed - mag)) < 4 * error[0] / np.sqrt(mag.size)


@pytest.mark.parametrize(
    ("mag", "band", "match"),
    [([20.0], ["Y"], "band"), ([20.0], ["ztf_g"], "band"), ([np.nan], ["r"], "finite")],
)
def test_bad_error_model_input_raises(mag, band, match):
    with pytest.raises(ValueError, match=match):
        magnitude_error(mag, band)
