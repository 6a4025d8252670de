"""Tests of the simulated pulsating stars: RRc, RRd, Cepheids, type II and anomalous
Cepheids, delta Scuti stars, and the Fourier and catalog helpers they share (among them
the smoothed bootstrap of the catalog rows)."""

import numpy as np
import pytest
from scipy import stats

from tvs_classifier.simulation import CLASSES, cepheids, delta_scuti, rrlyrae, simulate
from tvs_classifier.simulation._fourier import (
    fit_fourier,
    fourier_curve,
    ogle_coefficients,
    peak_to_peak,
)
from tvs_classifier.simulation._pulsation import (
    JOHNSON_COUSINS_WAVELENGTH,
    LSST_WAVELENGTH,
    at_wavelengths,
    colors_from_vi,
    fill_undetected,
    resample,
    silverman_bandwidth,
    teff_from_vi,
)
from tvs_classifier.simulation.ogle import load_ogle3

MODELS = {
    name: model
    for module in (rrlyrae, cepheids, delta_scuti)
    for name, model in module.MODELS.items()
    if name != "RRab"
}
MAIN = {
    "RRc": "RRL",
    "RRd": "RRL",
    "CEP_F": "CEP",
    "CEP_1O": "CEP",
    "CEP_F1O": "CEP",
    "CEP_1O2O": "CEP",
    "T2CEP_BLHer": "T2CEP",
    "T2CEP_WVir": "T2CEP",
    "T2CEP_RVTau": "T2CEP",
    "ACEP_F": "ACEP",
    "ACEP_1O": "ACEP",
    "DSCT": "DSCT",
    "DSCT_MM": "DSCT",
}
# Published period ranges in days (OGLE-III LMC catalogs; Cepheids: the model's).
PERIODS = {
    "RRc": (0.2, 0.5),
    "RRd": (0.25, 0.45),
    "CEP_F": (1.5, 85.0),
    "CEP_1O": (0.25, 6.0),
    "CEP_F1O": (0.7, 2.5),
    "CEP_1O2O": (0.55, 0.95),
    "T2CEP_BLHer": (1.0, 4.0),
    "T2CEP_WVir": (4.0, 20.0),
    "T2CEP_RVTau": (20.0, 70.0),
    "ACEP_F": (0.6, 2.5),
    "ACEP_1O": (0.35, 1.3),
    "DSCT": (0.03, 0.3),
    "DSCT_MM": (0.04, 0.45),
}
# Catalog-driven subclasses: the table and subtype their periods come from.
CATALOG = {
    "RRc": ("RRc", None),
    "RRd": ("RRd", None),
    "T2CEP_BLHer": ("T2Cep", "BLHer"),
    "T2CEP_WVir": ("T2Cep", "WVir"),
    "T2CEP_RVTau": ("T2Cep", "RVTau"),
    "ACEP_F": ("ACep_F", None),
    "ACEP_1O": ("ACep_1O", None),
    "DSCT": ("DSct", None),
}
#: Columns every catalog-based subclass draws (DSct: up to phi21; RRd: also *_F).
COLUMNS = ["I", "V", "period", "amp_I", "R21", "phi21", "R31", "phi31"]
N = 400


@pytest.fixture(scope="module")
def drawn():
    return {name: model.draw(N, np.random.default_rng(11)) for name, model in MODELS.items()}


def _catalog(name):
    kind, subtype = CATALOG[name]
    table = fill_undetected(load_ogle3(kind))
    table = table if subtype is None else table[table["subtype"] == subtype]
    return table.dropna(subset=[c for c in COLUMNS if c in table])  # the rows drawn from


def _bandwidth(table, name):
    """The smoothing bandwidth of column ``name`` (log10 for periods and amplitudes)."""
    if name.startswith("R") or name.startswith("phi"):
        ratio = "R" + name.removeprefix("phi").removeprefix("R")
        table = table[table[ratio] > 0]
    values = table[name]
    if name.startswith("phi"):  # deviations from the circular mean
        center = np.angle(np.mean(np.exp(1j * values)))
        values = np.angle(np.exp(1j * (values - center)))
    if name in ("period", "amp_I"):
        values = np.log10(values)
    return silverman_bandwidth(values)


def test_subclasses_are_registered_with_their_main_class():
    assert set(MODELS) == set(MAIN)
    for name, main in MAIN.items():
        assert CLASSES[name] == main
        assert MODELS[name].description


@pytest.mark.parametrize("name", sorted(MAIN))
def test_draw_shapes_and_values(drawn, name):
    stars = drawn[name]
    assert stars.period.shape == (N,)
    assert stars.colors.shape == (N, 6)
    assert stars.amplitude.shape == (N, 6)
    assert np.isfinite(stars.colors).all()
    assert np.all(stars.colors[:, 2] == 0)
    assert np.all(stars.amplitude > 0)
    low, high = PERIODS[name]
    assert np.all((stars.period >= low) & (stars.period <= high))
    time = np.linspace(0.0, 3650.0, 50)
    for band in range(6):
        values = stars.variation(np.arange(50) % N, time, np.full(50, band))
        assert np.isfinite(values).all()
        assert np.all(np.abs(values) <= stars.amplitude[np.arange(50) % N, band] + 1e-9)


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_catalog_periods_are_smoothed_real_values(drawn, name):
    stars = drawn[name]
    catalog = _catalog(name)
    table = catalog.set_index("object")
    source = table.loc[stars.labels["ogle_id"], "period"].to_numpy()  # rows without V skipped
    offset = np.abs(np.log10(stars.period / source))
    assert np.all(offset <= 5 * _bandwidth(catalog, "period"))  # the kernel's width
    assert np.all(offset > 0)  # no exact copies
    assert stats.ks_2samp(stars.period, table["period"]).pvalue > 0.01
    # never outside the catalog's periods (reflected at its ends)
    assert table["period"].min() <= stars.period.min()
    assert stars.period.max() <= table["period"].max()


@pytest.mark.parametrize("name", sorted(MAIN))
def test_bluer_bands_vary_more(drawn, name):
    amplitude = drawn[name].amplitude
    assert np.all(np.diff(amplitude[:, 1:], axis=1) < 0)  # g > r > i > z > y
    assert np.all(amplitude[:, 0] > amplitude[:, 2])  # u > r


@pytest.mark.parametrize("name", ["DSCT", "ACEP_F", "T2CEP_WVir", "RRc"])
def test_single_mode_shape_and_i_amplitude_are_near_the_catalog_star(drawn, name):
    stars = drawn[name]
    catalog = _catalog(name)
    phase = np.arange(400) / 400
    order = 2 if name == "DSCT" else 3
    for star in range(10):
        row = catalog.set_index("object").loc[stars.labels["ogle_id"][star]]
        time = phase * stars.period[star]
        fits = [
            fit_fourier(
                phase, stars.variation(np.full(400, star), time, np.full(400, band)), order
            )
            for band in (1, 4)
        ]
        (_, ratio, phi), (_, other_ratio, other_phi) = fits  # one shape in all bands
        np.testing.assert_allclose(ratio, other_ratio, atol=1e-6)
        present = ratio > 1e-6
        np.testing.assert_allclose(phi[present], other_phi[present], atol=1e-6)
        for k, (r, p) in enumerate(zip(ratio, phi, strict=True), start=2):
            expected = row[f"R{k}1"]
            if expected == 0:  # a harmonic OGLE did not detect stays absent
                assert r < 1e-6
                continue
            assert abs(r - expected) <= 5 * _bandwidth(catalog, f"R{k}1")
            turn = np.angle(np.exp(1j * (p - row[f"phi{k}1"])))
            assert abs(turn) <= 5 * _bandwidth(catalog, f"phi{k}1")
        # the amplitude interpolated to Cousins I is OGLE's I amplitude, smoothed
        at_i = at_wavelengths(
            LSST_WAVELENGTH, stars.amplitude[star], [JOHNSON_COUSINS_WAVELENGTH["I"]]
        )
        offset = abs(np.log10(at_i[0] / row["amp_I"]))
        assert offset <= 5 * _bandwidth(catalog, "amp_I") + 0.01


def test_rrd_is_two_modes_with_the_catalog_periods(drawn):
    stars = drawn["RRd"]
    table = load_ogle3("RRd").set_index("object").loc[stars.labels["ogle_id"]]
    np.testing.assert_allclose(  # the smoothing keeps each star's period ratio
        stars.period / stars.labels["period_F"], table["period"] / table["period_F"], rtol=1e-12
    )
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


def test_multimode_delta_scuti_is_the_sum_of_the_catalog_terms(drawn):
    stars = drawn["DSCT_MM"]
    table = load_ogle3("DSct_multi").set_index("object").loc[stars.labels["ogle_id"]]
    n_terms = table.filter(like="period_").notna().sum(axis=1).to_numpy()
    np.testing.assert_array_equal(stars.labels["n_terms"], n_terms)
    assert n_terms.min() >= 2
    assert n_terms.max() <= 8
    scale = stars.period / table["period_1"].to_numpy()  # the smoothing's shift
    assert np.all(np.abs(np.log10(scale)) > 0)  # no exact copies
    time = np.random.default_rng(0).uniform(0, 1000, 800)
    ratios = rrlyrae.sesar_amplitude_ratios("F")
    for star in np.flatnonzero(n_terms >= 3)[:5]:
        row = table.iloc[star]
        periods = [row[f"period_{k}"] * scale[star] for k in range(1, n_terms[star] + 1)]
        curve = stars.variation(np.full(800, star), time, np.full(800, 2))
        columns = [np.ones(800)]
        for period in periods:
            columns += [np.cos(2 * np.pi * time / period), np.sin(2 * np.pi * time / period)]
        design = np.stack(columns, axis=1)
        solution, *_ = np.linalg.lstsq(design, curve, rcond=None)
        np.testing.assert_allclose(design @ solution, curve, atol=1e-9)  # only these terms
        semi = np.hypot(solution[1::2], solution[2::2])
        # the listed amplitudes are semi-amplitudes, in the catalog's ratios, scaled to r
        listed = np.array([row[f"A_{k}"] for k in range(1, n_terms[star] + 1)])
        np.testing.assert_allclose(semi / semi[0], listed / listed[0], rtol=1e-6)
        at_i = semi[0] / ratios[2]
        assert abs(np.log10(at_i / listed[0])) < 0.3  # the smoothing's amplitude shift


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
    # Half LMC-like (log-normal about 3.3 d, below 40 d), half log-uniform over 1.5-85 d:
    # only the second half goes beyond 40 d.
    beyond = 0.5 * np.log10(85.0 / 40.0) / np.log10(85.0 / 1.5)
    assert np.mean(stars.period > 40.0) == pytest.approx(beyond, abs=0.04)
    assert np.mean(stars.period < 10.0) > 0.6
    assert np.median(drawn["CEP_1O"].period) < np.median(stars.period)


@pytest.mark.parametrize(
    ("name", "ratio"), [("CEP_F1O", (0.71, 0.73)), ("CEP_1O2O", (0.800, 0.807))]
)
def test_double_mode_cepheids_are_two_modes_at_the_published_ratio(drawn, name, ratio):
    stars = drawn[name]
    short = stars.labels["period_short"]
    assert np.all(short / stars.period >= ratio[0])
    assert np.all(short / stars.period <= ratio[1])
    # Each curve is exactly two Fourier series, one at each period; each mode's
    # peak-to-peak amplitude is 0.05-0.2 mag in I, times the templates' i / I ratio.
    time = np.linspace(0.0, 300.0, 3000)
    i_band = 3
    for star in range(5):
        curve = stars.variation(np.full(time.size, star), time, np.full(time.size, i_band))
        columns = {}
        for mode, period in enumerate((stars.period[star], short[star])):
            for k in range(1, 9):
                angle = 2 * np.pi * k * time / period
                columns[mode, k] = np.stack([np.cos(angle), np.sin(angle)], axis=1)
        design = np.hstack([np.ones((time.size, 1)), *columns.values()])
        coefficients, *_ = np.linalg.lstsq(design, curve, rcond=None)
        np.testing.assert_allclose(design @ coefficients, curve, atol=1e-9)
        per_mode = coefficients[1:].reshape(2, 8, 2)
        ratio_i = cepheids.yoachim_amplitude_ratios(
            stars.period[star] / (0.72 if name == "CEP_1O2O" else 1.0)
        )[0, i_band]
        for cos_sin in per_mode:
            amplitude = peak_to_peak(cos_sin[None, :, 0], cos_sin[None, :, 1])[0] / ratio_i
            assert 0.05 - 1e-9 <= amplitude <= 0.2 + 1e-9


def test_colors_follow_temperatures(drawn):
    g_r = {name: np.median(drawn[name].colors[:, 1]) for name in MAIN}
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


def test_rrc_are_the_ogle_stars_not_two_templates(drawn):
    stars = drawn["RRc"]
    table = _catalog("RRc")
    assert set(stars.labels["ogle_id"]) <= set(table["object"])
    assert len(set(stars.labels["ogle_id"])) > 0.9 * N  # 4877 stars to draw from
    # diverse shapes: the fitted R21 of 200 stars in r
    phase = np.arange(200) / 200
    r21 = [
        fit_fourier(phase, stars.variation(np.full(200, s), phase * p, np.full(200, 2)), 2)[1][0]
        for s, p in enumerate(stars.period[:200])
    ]
    assert len(np.unique(np.round(r21, 3))) > 100
    assert np.median(r21) == pytest.approx(np.median(table["R21"]), abs=0.03)
    # amplitudes and colors like the catalog's (OGLE's I amplitude: 0.02-0.7 mag)
    at_i = at_wavelengths(LSST_WAVELENGTH, stars.amplitude, [JOHNSON_COUSINS_WAVELENGTH["I"]])
    assert stats.ks_2samp(at_i[:, 0], table["amp_I"]).pvalue > 0.01
    assert np.all((at_i > 0.01) & (at_i < 1.0))
    real = colors_from_vi(table["V"], table["I"], -1.5)[:, 1]
    assert np.median(stars.colors[:, 1]) == pytest.approx(np.median(real), abs=0.02)
    # first overtones: shorter periods and smaller amplitudes than RRab stars
    rrab = rrlyrae.MODELS["RRab"].draw(N, np.random.default_rng(3))
    assert np.median(stars.period) < 0.75 * np.median(rrab.period)
    assert np.median(stars.amplitude[:, 1]) < np.median(rrab.amplitude[:, 1])


# The smoothed bootstrap of the catalog rows (tvs_classifier.simulation._pulsation.resample)


def _smoothed(kind, n, seed, subtype=None):
    table = fill_undetected(load_ogle3(kind))
    if subtype is not None:
        table = table[table["subtype"] == subtype]
    columns = [c for c in table if c not in ("object", "subtype")]
    return table, resample(table, n, np.random.default_rng(seed), columns, smooth=True)


def test_smoothed_resampling_is_reproducible_by_seed():
    _, a = _smoothed("ACep_1O", 50, 8)
    _, b = _smoothed("ACep_1O", 50, 8)
    _, c = _smoothed("ACep_1O", 50, 9)
    assert a.equals(b)
    assert not np.array_equal(a["period"], c["period"])


@pytest.mark.parametrize(
    ("kind", "subtype"),
    [("RRc", None), ("RRd", None), ("ACep_1O", None), ("T2Cep", "BLHer"), ("DSct", None)],
)
def test_smoothed_resampling_stays_physical(kind, subtype):
    table, rows = _smoothed(kind, 5000, 1, subtype)
    pool = table.dropna(subset=[c for c in table if c != "subtype"])
    source = pool.set_index("object").loc[rows["object"]].reset_index()
    assert rows["period"].between(pool["period"].min(), pool["period"].max()).all()
    amplitude = [c for c in rows if c.startswith("amp_I")]
    assert (rows[amplitude] > 0).all().all()
    for ratio in [c for c in rows if c.startswith("R")]:
        phase = "phi" + ratio[1:]
        assert (rows[ratio] >= 0).all()
        assert rows[phase].between(0.0, 2 * np.pi, inclusive="left").all()
        undetected = source[ratio] == 0
        assert (rows.loc[undetected, [ratio, phase]] == 0).all().all()
        assert (rows.loc[~undetected, ratio] != source.loc[~undetected, ratio]).mean() > 0.9
    # the color is smoothed, I kept; identifiers and subtypes are the source rows'
    np.testing.assert_array_equal(rows["I"], source["I"])
    vi = rows["V"] - rows["I"]
    assert vi.std() == pytest.approx((pool["V"] - pool["I"]).std(), rel=0.15)
    assert (rows["V"] != source["V"]).all()
    if subtype is not None:
        assert (rows["subtype"] == subtype).all()
    if kind == "RRd":  # the period ratio is kept
        np.testing.assert_allclose(
            rows["period"] / rows["period_F"], source["period"] / source["period_F"], rtol=1e-12
        )


@pytest.mark.parametrize("column", ["period", "amp_I", "R21"])
def test_smoothed_spread_is_the_catalogs(column):
    table, rows = _smoothed("RRc", 5000, 2)
    pool = table.dropna(subset=COLUMNS)
    transform = np.log10 if column != "R21" else np.asarray
    assert np.std(transform(rows[column])) == pytest.approx(
        np.std(transform(pool[column])), rel=0.1
    )
    assert np.median(transform(rows[column])) == pytest.approx(
        np.median(transform(pool[column])), abs=0.1 * np.std(transform(pool[column]))
    )


def test_small_catalogs_no_longer_repeat(drawn):
    table, plain = _catalog("ACEP_1O"), drawn["ACEP_1O"]
    assert len(table) == 20  # ACep_1O stars with V
    assert len(np.unique(plain.period)) == N  # every draw its own star
    assert len(np.unique(plain.amplitude[:, 3])) == N
    assert len(set(plain.labels["ogle_id"])) == 20  # from the 20 real ones
    unsmoothed = resample(table, N, np.random.default_rng(0), COLUMNS)
    assert unsmoothed["period"].nunique() == 20


def test_silverman_bandwidth():
    values = np.random.default_rng(5).normal(3.0, 2.0, 100_000)
    assert silverman_bandwidth(values) == pytest.approx(0.9 * 2.0 * 100_000**-0.2, rel=0.02)
    # the robust spread: an outlier does not widen it
    assert silverman_bandwidth([*values[:999], 1e6]) < 2 * silverman_bandwidth(values[:1000])
    assert silverman_bandwidth([1.0]) == 0.0
