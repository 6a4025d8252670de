"""Tests of the simulated pulsating stars: RRd, Cepheids, type II and anomalous Cepheids,
delta Scuti stars, and the Fourier and catalogue helpers they share."""

import numpy as np
import pytest
from scipy import stats

from tvs_classifier import cepheids, delta_scuti, rrlyrae
from tvs_classifier._fourier import fit_fourier, fourier_curve, ogle_coefficients, peak_to_peak
from tvs_classifier._pulsation import (
    JOHNSON_COUSINS_WAVELENGTH,
    LSST_WAVELENGTH,
    at_wavelengths,
    fill_undetected,
    teff_from_vi,
)
from tvs_classifier.ogle import load_ogle3
from tvs_classifier.simulate import CLASSES, simulate

MODELS = {
    name: model
    for module in (rrlyrae, cepheids, delta_scuti)
    for name, model in module.MODELS.items()
    if name not in ("RRab", "RRc")
}
MAIN = {
    "RRd": "RRL",
    "CEP_F": "CEP",
    "CEP_1O": "CEP",
    "T2CEP_BLHer": "T2CEP",
    "T2CEP_WVir": "T2CEP",
    "T2CEP_RVTau": "T2CEP",
    "ACEP_F": "ACEP",
    "ACEP_1O": "ACEP",
    "DSCT": "DSCT",
}
# Published period ranges in days (OGLE-III LMC catalogues; Cepheids: the model's).
PERIODS = {
    "RRd": (0.25, 0.45),
    "CEP_F": (1.5, 40.0),
    "CEP_1O": (0.25, 6.0),
    "T2CEP_BLHer": (1.0, 4.0),
    "T2CEP_WVir": (4.0, 20.0),
    "T2CEP_RVTau": (20.0, 70.0),
    "ACEP_F": (0.6, 2.5),
    "ACEP_1O": (0.35, 1.3),
    "DSCT": (0.03, 0.3),
}
# Catalogue-driven subclasses: the table and subtype their periods come from.
CATALOGUE = {
    "RRd": ("RRd", None),
    "T2CEP_BLHer": ("T2Cep", "BLHer"),
    "T2CEP_WVir": ("T2Cep", "WVir"),
    "T2CEP_RVTau": ("T2Cep", "RVTau"),
    "ACEP_F": ("ACep_F", None),
    "ACEP_1O": ("ACep_1O", None),
    "DSCT": ("DSct", None),
}
N = 400


@pytest.fixture(scope="module")
def drawn():
    return {name: model.draw(N, np.random.default_rng(11)) for name, model in MODELS.items()}


def _catalogue(name):
    kind, subtype = CATALOGUE[name]
    table = load_ogle3(kind)
    return table if subtype is None else table[table["subtype"] == subtype]


def test_subclasses_are_registered_with_their_main_class():
    assert set(MODELS) == set(MAIN)
    for name, main in MAIN.items():
        assert CLASSES[name] == main
        assert MODELS[name].description


@pytest.mark.parametrize("name", sorted(MAIN))
def test_draw_shapes_and_values(drawn, name):
    stars = drawn[name]
    assert stars.period.shape == (N,)
    assert stars.colours.shape == (N, 6)
    assert stars.amplitude.shape == (N, 6)
    assert np.isfinite(stars.colours).all()
    assert np.all(stars.colours[:, 2] == 0)
    assert np.all(stars.amplitude > 0)
    low, high = PERIODS[name]
    assert np.all((stars.period >= low) & (stars.period <= high))
    time = np.linspace(0.0, 3650.0, 50)
    for band in range(6):
        values = stars.variation(np.arange(50) % N, time, np.full(50, band))
        assert np.isfinite(values).all()
        assert np.all(np.abs(values) <= stars.amplitude[np.arange(50) % N, band] + 1e-9)


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_catalogue_periods_are_resampled_real_values(drawn, name):
    stars = drawn[name]
    table = _catalogue(name).set_index("object")
    np.testing.assert_array_equal(stars.period, table.loc[stars.labels["ogle_id"], "period"])
    assert stats.ks_2samp(stars.period, table["period"]).pvalue > 0.01
    assert table.loc[stars.labels["ogle_id"], "V"].notna().all()  # rows without V skipped


@pytest.mark.parametrize("name", sorted(MAIN))
def test_bluer_bands_vary_more(drawn, name):
    amplitude = drawn[name].amplitude
    assert np.all(np.diff(amplitude[:, 1:], axis=1) < 0)  # g > r > i > z > y
    assert np.all(amplitude[:, 0] > amplitude[:, 2])  # u > r


@pytest.mark.parametrize("name", ["DSCT", "ACEP_F", "T2CEP_WVir"])
def test_single_mode_shape_and_i_amplitude_are_the_catalogue_star(drawn, name):
    stars = drawn[name]
    row = _catalogue(name).set_index("object").loc[stars.labels["ogle_id"][0]]
    row = fill_undetected(row.to_frame().T).iloc[0]
    phase = np.arange(400) / 400
    time = phase * stars.period[0]
    order = 2 if name == "DSCT" else 3
    for band in (1, 4):
        curve = stars.variation(np.zeros(400, int), time, np.full(400, band))
        _, ratio, phi = fit_fourier(phase, curve, order)
        np.testing.assert_allclose(ratio[0], row["R21"], atol=1e-6)
        if row["R21"] > 0:
            np.testing.assert_allclose(phi[0], row["phi21"], atol=1e-6)
        if order == 3 and row["R31"] > 0:
            np.testing.assert_allclose([ratio[1], phi[1]], [row["R31"], row["phi31"]], atol=1e-6)
    # the amplitude interpolated to Cousins I is OGLE's I amplitude
    at_i = at_wavelengths(LSST_WAVELENGTH, stars.amplitude[:1], [JOHNSON_COUSINS_WAVELENGTH["I"]])
    assert at_i[0, 0] == pytest.approx(row["amp_I"], rel=0.02)


def test_rrd_is_two_modes_with_the_catalogue_periods(drawn):
    stars = drawn["RRd"]
    table = load_ogle3("RRd").set_index("object").loc[stars.labels["ogle_id"]]
    np.testing.assert_array_equal(stars.labels["period_F"], table["period_F"])
    assert np.all(stars.period / stars.labels["period_F"] > 0.72)
    assert np.all(stars.period / stars.labels["period_F"] < 0.76)
    time = np.random.default_rng(0).uniform(0, 1000, 600)
    curve = stars.variation(np.zeros(600, int), time, np.full(600, 2))
    columns = [np.ones(600)]
    for period in (stars.period[0], stars.labels["period_F"][0]):
        for k in (1, 2, 3):
            columns += [
                np.cos(2 * np.pi * k * time / period),
                np.sin(2 * np.pi * k * time / period),
            ]
    design = np.stack(columns, axis=1)
    solution, *_ = np.linalg.lstsq(design, curve, rcond=None)
    np.testing.assert_allclose(design @ solution, curve, atol=1e-9)  # exactly two modes
    assert np.hypot(*solution[1:3]) > 0.01
    assert np.hypot(*solution[7:9]) > 0.01


def test_rv_tau_minima_alternate(drawn):
    stars = drawn["T2CEP_RVTau"]
    np.testing.assert_array_equal(stars.labels["period_formal"], 2 * stars.period)
    phase = np.arange(600) / 600
    for star in range(5):
        time = phase * stars.labels["period_formal"][star]
        curve = stars.variation(np.full(600, star), time, np.full(600, 3))
        amplitude, _, _ = fit_fourier(phase, curve, 6)
        # half-frequency term (harmonic 1 of 2P) of 0.1-0.4 times the pulsation (2 of 2P)
        assert 0.1 - 1e-9 <= amplitude[0] / amplitude[1] <= 0.4 + 1e-9
        assert amplitude[2] < 1e-9  # no other odd harmonics


def test_classical_cepheid_amplitude_ratios_follow_yoachim(drawn):
    stars = drawn["CEP_F"]
    cos, sin = cepheids.yoachim_coefficients(stars.period)
    b, v, i = peak_to_peak(cos, sin).T
    assert np.median(v / i) == pytest.approx(1.6, abs=0.15)  # A_V/A_I of Cepheids
    assert np.all(b > v)
    expected = cepheids.yoachim_amplitude_ratios(stars.period)  # mean templates
    np.testing.assert_allclose(
        np.median(stars.amplitude / stars.amplitude[:, [3]], axis=0),
        np.median(expected / expected[:, [3]], axis=0),
        rtol=0.05,
    )
    assert np.median(np.log10(stars.period)) == pytest.approx(0.52, abs=0.05)
    assert np.median(drawn["CEP_1O"].period) < np.median(stars.period)


def test_colours_follow_temperatures(drawn):
    g_r = {name: np.median(drawn[name].colours[:, 1]) for name in MAIN}
    assert g_r["DSCT"] < g_r["RRd"] < g_r["T2CEP_WVir"]  # hotter is bluer
    assert teff_from_vi([0.70], 0.0)[0] == pytest.approx(5740, abs=10)  # the Sun


def test_fourier_helper_reproduces_a_known_curve():
    cos, sin = ogle_coefficients([0.45], [4.3], [0.28], [2.6])
    phase = np.random.default_rng(3).uniform(0, 1, 300)
    curve = fourier_curve(phase, cos[0], sin[0])
    amplitude, ratio, phi = fit_fourier(phase, curve, 3)
    np.testing.assert_allclose(amplitude, [1.0, 0.45, 0.28], atol=1e-6)
    np.testing.assert_allclose(ratio, [0.45, 0.28], atol=1e-6)
    np.testing.assert_allclose(phi, [4.3, 2.6], atol=1e-6)
    # OGLE's cosine series directly
    direct = np.cos(2 * np.pi * phase) + 0.45 * np.cos(4 * np.pi * phase + 4.3)
    direct += 0.28 * np.cos(6 * np.pi * phase + 2.6)
    np.testing.assert_allclose(curve, direct, atol=1e-12)
    assert peak_to_peak(cos, sin)[0] == pytest.approx(
        np.ptp(fourier_curve(np.linspace(0, 1, 100001), cos[0], sin[0])), rel=1e-4
    )


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (([0.1], [np.nan]), "finite"),
        (([-0.1], [1.0]), "negative"),
        (([0.1], [1.0], [0.1], None), "both"),
        (([0.1, 0.2], [1.0]), "one shape"),
    ],
)
def test_fourier_helper_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        ogle_coefficients(*args)


def test_at_wavelengths_is_exact_at_the_known_wavelengths():
    known = [438.0, 545.0, 798.0]
    values = np.array([3.0, 2.0, 1.0])
    np.testing.assert_allclose(at_wavelengths(known, values, known), values)


def test_sesar_ratios_bad_mode():
    with pytest.raises(ValueError, match="mode must be"):
        rrlyrae.sesar_amplitude_ratios("2O")


@pytest.mark.parametrize("name", sorted(MAIN))
def test_reproducible_by_seed(name):
    a = MODELS[name].draw(5, np.random.default_rng(4))
    b = MODELS[name].draw(5, np.random.default_rng(4))
    np.testing.assert_array_equal(a.period, b.period)
    np.testing.assert_array_equal(a.amplitude, b.amplitude)
    time, band = np.array([1.0, 2.0, 3.0]), np.array([0, 3, 5])
    np.testing.assert_array_equal(
        a.variation(np.arange(3), time, band), b.variation(np.arange(3), time, band)
    )


def test_simulate_end_to_end():
    classes = sorted(MAIN)
    lcs, labels = simulate(2 * len(classes), classes, seed=5, years=1)
    assert len(lcs) == len(labels) == 2 * len(classes)
    assert labels["subclass"].value_counts().to_dict() == dict.fromkeys(classes, 2)
    assert (labels["class"] == labels["subclass"].map(MAIN)).all()
    assert labels["period"].gt(0).all()
    assert np.isfinite(lcs.table["mag"]).all()
    amps = labels[[f"amp_{b}" for b in "ugrizy"]].to_numpy()
    assert (amps[:, 1] > amps[:, 3]).all()
    again, labels_again = simulate(2 * len(classes), classes, seed=5, years=1)
    assert again.table.equals(lcs.table)
    assert labels_again.equals(labels)


def test_bundled_yoachim_arrays_equal_the_fits_files(shared_data):
    from astropy.io import fits

    folder = shared_data / "templates" / "yoachim2009_cepheid_BVI_pca"
    bundled = cepheids._yoachim()
    for part in ("short", "long"):
        with fits.open(folder / f"{part}_struc.fits") as hdul:
            row = hdul[1].data[0]
            for name in ("EIGENVECTORS", "POLY_FITS", "POLY_SPREAD", "AVE_VALS"):
                np.testing.assert_array_equal(bundled[f"{part}_{name.lower()}"], row[name])


def test_fourier_convention_is_ogles_on_real_rrab_stars(shared_data):
    """Cosine fits of the Sesar RRab i templates match OGLE-III RRab parameters in I."""
    import pandas as pd

    from tvs_classifier.datasets import load_sesar2010_rrlyrae

    templates, _ = load_sesar2010_rrlyrae()
    phase = templates["phase"].to_numpy()
    fits = [
        fit_fourier(phase, templates[name].to_numpy(), 4)
        for name in templates.columns
        if name.endswith("i") and int(name[:-1]) >= 100
    ]
    sesar = np.median([[r[0], phi[0], r[1], phi[1]] for _, r, phi in fits], axis=0)
    ogle = pd.read_csv(
        shared_data / "templates" / "ogle3_lmc_catalog_parameters" / "RRLyr" / "RRab.dat",
        sep=r"\s+",
        header=None,
        na_values="-",
        usecols=[7, 8, 9, 10],
    ).median()
    np.testing.assert_allclose(sesar, ogle.to_numpy(), atol=0.1)
