"""Tests of the synthetic eclipsing binaries (ED, ESD, EC)."""

import numpy as np
import pytest
from scipy import stats

from tvs_classifier import simulate
from tvs_classifier.bands import LSST_BANDS
from tvs_classifier.simulation.cadence import LSST_START_MJD
from tvs_classifier.simulation.eclipsing_binaries import LIMB_DARKENING, MODELS, eclipse_light_loss
from tvs_classifier.simulation.ogle import load_ogle3

SUBTYPES = ("ED", "ESD", "EC")
N = 300


@pytest.fixture(scope="module")
def catalog():
    return load_ogle3("ECL").set_index("object")


@pytest.fixture(scope="module")
def drawn():
    return {name: MODELS[name].draw(N, np.random.default_rng(11)) for name in SUBTYPES}


def _magnitudes(stars, phase, band):
    """Variation of every star at the given orbital phases (from primary minimum) in a band."""
    n = len(stars.period)
    time = (
        stars.labels["epoch_min"][:, None]
        - LSST_START_MJD
        + phase[None, :] * stars.period[:, None]
    )
    star = np.broadcast_to(np.arange(n)[:, None], time.shape)
    return stars.variation(star.ravel(), time.ravel(), np.full(time.size, band)).reshape(
        time.shape
    )


def _depths(stars):
    """Primary and secondary depth (magnitudes below quadrature) in every band, (n, 6) each."""
    phases = np.array([0.0, 0.25, 0.5])
    mags = np.stack([_magnitudes(stars, phases, b) for b in range(len(LSST_BANDS))], axis=-1)
    return mags[:, 0] - mags[:, 1], mags[:, 2] - mags[:, 1]


@pytest.mark.parametrize("name", SUBTYPES)
def test_shapes_and_main_class(drawn, name):
    stars = drawn[name]
    assert MODELS[name].main_class == "ECL"
    assert stars.period.shape == (N,)
    assert stars.colors.shape == stars.amplitude.shape == (N, 6)
    assert np.all(np.isfinite(stars.colors))
    assert np.all(np.isfinite(stars.amplitude))
    assert np.all(stars.colors[:, LSST_BANDS.index("r")] == 0)
    assert np.all(stars.amplitude > 0)
    time = np.linspace(0.0, 500.0, 50)
    values = stars.variation(np.zeros(50, int), time, np.full(50, 2))
    assert values.shape == (50,)
    assert np.all(np.isfinite(values))


@pytest.mark.parametrize("name", SUBTYPES)
def test_periods_and_depths_are_the_catalogs(drawn, catalog, name):
    stars = drawn[name]
    source = catalog.loc[stars.labels["ogle_id"]]
    assert (source["subtype"] == name).all()
    np.testing.assert_array_equal(stars.period, source["period"])  # the orbital period
    pool = catalog[(catalog["subtype"] == name) & catalog["V"].notna()]
    assert stats.ks_2samp(stars.period, pool["period"]).pvalue > 0.01
    depth1 = stars.labels["depth1_i"]
    assert stats.ks_2samp(depth1, pool["depth1"]).pvalue > 0.01
    # The model reproduces each copied star's primary depth, but for a few where
    # spheres cannot (deep contact binaries the most).
    error = np.abs(depth1 / source["depth1"].to_numpy() - 1)
    assert np.median(error) < 0.01
    assert np.mean(error < 0.05) > (0.65 if name == "EC" else 0.8)
    if name != "EC":
        depth2 = stars.labels["depth2_i"]
        assert stats.ks_2samp(depth2, pool["depth2"]).pvalue > 0.01
        assert np.mean(np.abs(depth2 / source["depth2"].to_numpy() - 1) < 0.1) > 0.75


def test_detached_secondary_not_deeper_and_cooler(drawn):
    stars = drawn["ED"]
    assert np.all(stars.labels["depth2_i"] <= stars.labels["depth1_i"] + 1e-9)
    assert np.all(stars.labels["teff2"] <= stars.labels["teff1"] * 1.001)


@pytest.mark.parametrize("name", SUBTYPES)
def test_minima_at_phase_zero_and_half(drawn, name):
    stars = drawn[name]
    some = np.arange(40)
    phase = np.linspace(0.0, 1.0, 4001)[:-1]
    subset = type(stars)(
        period=stars.period[some],
        colors=stars.colors[some],
        amplitude=stars.amplitude[some],
        variation=lambda s, t, b: stars.variation(some[s], t, b),
        labels={key: value[some] for key, value in stars.labels.items()},
    )
    mags = _magnitudes(subset, phase, LSST_BANDS.index("i"))
    faintest = phase[np.argmax(mags, axis=1)]
    assert np.all(np.minimum(faintest, 1 - faintest) <= 0.00025 + 1e-12)
    second = (phase > 0.25) & (phase < 0.75)
    secondary = phase[second][np.argmax(mags[:, second], axis=1)]
    assert np.all(np.abs(secondary - 0.5) <= 0.00025 + 1e-12)
    # Peak-to-peak amplitude and mean: as given.
    assert np.allclose(mags.max(axis=1) - mags.min(axis=1), subset.amplitude[:, 3], atol=2e-3)
    assert np.allclose(mags.mean(axis=1), 0.0, atol=5e-3)


def test_depths_depend_on_band_as_the_temperatures_say(drawn):
    stars = drawn["ED"]
    primary, secondary = _depths(stars)
    # Wide detached pairs (no ellipsoidal variation) with a clearly cooler secondary.
    cooler = (stars.labels["teff2"] < 0.9 * stars.labels["teff1"]) & (stars.period > 5)
    assert cooler.sum() > N // 10
    u, y = LSST_BANDS.index("u"), LSST_BANDS.index("y")
    # Hiding the cooler star (secondary eclipse) costs relatively less light in u than
    # in y, hiding the hotter star (primary) relatively more. The depths alone also feel
    # the limb darkening (a central transit is deeper in u, a grazing one shallower).
    ratio = secondary / primary
    assert np.all(ratio[cooler, u] < ratio[cooler, y])
    assert np.all(secondary[cooler, u] < secondary[cooler, y])
    assert np.median(primary[cooler, u] - primary[cooler, y]) > 0
    np.testing.assert_allclose(primary[:, 3], stars.labels["depth1_i"], atol=1e-9)


def test_contact_minima_nearly_equal(drawn):
    primary, secondary = _depths(drawn["EC"])
    ratio = secondary[:, 3] / primary[:, 3]
    assert np.median(ratio) > 0.85
    assert np.all((ratio > 0.6) & (ratio < 1.2))
    # Continuous variation: no flat part between the eclipses.
    mags = _magnitudes(drawn["EC"], np.array([0.2, 0.25, 0.3]), 3)
    assert np.all(mags[:, 1] < mags[:, 0])
    assert np.all(mags[:, 1] < mags[:, 2])


def test_detached_long_period_flat_between_eclipses(drawn):
    stars = drawn["ED"]
    wide = stars.period > 20
    mags = _magnitudes(stars, np.linspace(0.1, 0.4, 7), 3)[wide]
    assert wide.sum() > 10
    assert np.all(mags.max(axis=1) - mags.min(axis=1) < 1e-3)


def test_eclipse_light_loss():
    loss = eclipse_light_loss(1.0, [2.0, 1.0, 0.1, 1.0], [0.0, 3.0, 0.0, 1.0])[:, 3]
    assert loss[0] == pytest.approx(1.0)
    assert loss[1] == 0.0
    # A small disc at the center hides the limb-darkened center: I(1) / <I> of its area.
    assert loss[2] == pytest.approx(0.01 / (1 - LIMB_DARKENING[3] / 3), rel=0.02)
    assert 0.0 < loss[3] < 0.5
    with_band = eclipse_light_loss(1.0, 0.1, 0.0)
    assert with_band.shape == (6,)
    assert np.all(np.diff(with_band) < 0)  # more limb darkening in the blue


def test_reproducible_by_seed():
    a = MODELS["ESD"].draw(20, np.random.default_rng(3))
    b = MODELS["ESD"].draw(20, np.random.default_rng(3))
    np.testing.assert_array_equal(a.colors, b.colors)
    time = np.linspace(0, 100, 20)
    star, band = np.arange(20), np.arange(20) % 6
    np.testing.assert_array_equal(a.variation(star, time, band), b.variation(star, time, band))


def test_simulate_end_to_end():
    lcs, labels = simulate(9, list(SUBTYPES), seed=4, years=1)
    assert set(labels["class"]) == {"ECL"}
    assert sorted(labels["subclass"].unique()) == sorted(SUBTYPES)
    assert np.all(np.isfinite(lcs.table["mag"]))
    assert labels["period"].gt(0).all()
    assert labels["ogle_id"].notna().all()
