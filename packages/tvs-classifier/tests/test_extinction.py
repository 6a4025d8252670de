"""Tests of the CCM89 extinction law, the LSST extinction ratios and the E(B-V) prior."""

import astropy.units as u
import numpy as np
import pytest

from tvs_classifier.bands import LSST_BANDS, LSST_WAVELENGTH
from tvs_classifier.extinction import LSST_EXTINCTION, R_V, ccm89
from tvs_classifier.simulation.reddening import EBV_RANGE, EBV_SCALE, draw_ebv, redden


def test_ccm89_is_one_at_v():
    # x = 1.82 / micron: y = 0, a = 1, b = 0 for every R_V (CCM89 eq. 3)
    for r_v in (2.5, 3.1, 5.0):
        assert ccm89(1000.0 / 1.82, r_v) == pytest.approx(1.0, abs=1e-12)
    # at V's effective wavelength of 545 nm (Bessell et al. 1998), A_V / E(B-V) ~ R_V
    assert R_V * ccm89(545.0) == pytest.approx(3.1, rel=0.01)


@pytest.mark.parametrize(
    ("wavelength", "sfd98"),
    [(468.6, 3.793), (616.5, 2.751), (748.1, 2.086)],  # SDSS g, r, i
)
def test_ccm89_matches_schlegel_et_al_table_6(wavelength, sfd98):
    # Schlegel, Finkbeiner & Davis (1998, ApJ 500, 525), Table 6: A / E(B-V), R_V = 3.1,
    # integrated over the bandpasses; the effective-wavelength value is within a few %.
    assert R_V * ccm89(wavelength) == pytest.approx(sfd98, rel=0.03)


def test_ccm89_infrared_and_optical_forms_meet_at_1_1_per_micron():
    edge = 1000.0 / 1.1
    assert ccm89(edge * (1 + 1e-9)) == pytest.approx(ccm89(edge), abs=1e-3)


def test_ccm89_shapes_and_quantities():
    assert ccm89(550.0).shape == ()
    assert ccm89(np.full((2, 3), 550.0)).shape == (2, 3)
    assert ccm89(0.55 * u.um) == pytest.approx(ccm89(550.0), rel=1e-12)
    wavelengths = np.linspace(310.0, 3300.0, 200)
    assert np.all(np.diff(ccm89(wavelengths)) < 0)  # less extinction at longer wavelengths


@pytest.mark.parametrize("wavelength", [300.0, 3400.0, np.nan, 0.0, [500.0, 250.0]])
def test_ccm89_outside_its_range_raises(wavelength):
    with pytest.raises(ValueError, match="outside the range"):
        ccm89(wavelength)


@pytest.mark.parametrize("r_v", [0.0, -3.1, np.nan])
def test_ccm89_bad_r_v_raises(r_v):
    with pytest.raises(ValueError, match="r_v"):
        ccm89(550.0, r_v)


def test_lsst_extinction():
    assert LSST_EXTINCTION.shape == (len(LSST_BANDS),)
    np.testing.assert_allclose(LSST_EXTINCTION, R_V * ccm89(LSST_WAVELENGTH))
    assert np.all(np.diff(LSST_EXTINCTION) < 0)  # u g r i z y: ever less extinction
    assert LSST_EXTINCTION[LSST_BANDS.index("r")] == pytest.approx(2.71, abs=0.01)


def test_draw_ebv_range_and_reproducibility():
    ebv = draw_ebv(20000, np.random.default_rng(3))
    assert ebv.shape == (20000,)
    assert ebv.min() >= EBV_RANGE[0]
    assert ebv.max() <= EBV_RANGE[1]
    # exponential of scale 0.1 truncated at 1: mean 0.1 - 1 / (e^10 - 1)
    assert ebv.mean() == pytest.approx(EBV_SCALE, rel=0.03)
    assert np.mean(ebv < 0.2) == pytest.approx(1 - np.exp(-2), abs=0.01)
    np.testing.assert_array_equal(ebv, draw_ebv(20000, np.random.default_rng(3)))
    narrow = draw_ebv(1000, np.random.default_rng(4), ebv_range=(0.3, 0.4))
    assert narrow.min() >= 0.3
    assert narrow.max() <= 0.4
    np.testing.assert_array_equal(
        draw_ebv(5, np.random.default_rng(5), ebv_range=(0.2, 0.2)), np.full(5, 0.2)
    )
    assert draw_ebv(0, np.random.default_rng(6)).shape == (0,)


@pytest.mark.parametrize(
    "ebv_range", [(-0.1, 0.5), (np.nan, 0.5), (0.0, np.inf), (0.5, 0.1), (0.5,), "ab", None]
)
def test_draw_ebv_bad_range_raises(ebv_range):
    with pytest.raises(ValueError, match="ebv_range"):
        draw_ebv(3, np.random.default_rng(1), ebv_range=ebv_range)


@pytest.mark.parametrize("scale", [0.0, -0.1, np.nan])
def test_draw_ebv_bad_scale_raises(scale):
    with pytest.raises(ValueError, match="scale"):
        draw_ebv(3, np.random.default_rng(1), scale=scale)


def test_redden():
    colors = np.array([[1.2, 0.4, 0.0, -0.1, -0.15, -0.2], [0.9, 0.2, 0.0, -0.05, -0.1, -0.1]])
    ebv = np.array([0.0, 0.3])
    reddened = redden(colors, ebv)
    np.testing.assert_array_equal(reddened[0], colors[0])
    r = LSST_BANDS.index("r")
    np.testing.assert_allclose(
        reddened[1] - colors[1], 0.3 * (LSST_EXTINCTION - LSST_EXTINCTION[r]), atol=1e-15
    )
    assert reddened[1, r] == 0.0
    g, i = LSST_BANDS.index("g"), LSST_BANDS.index("i")
    # E(g - i) / E(B-V) of CCM89 at R_V = 3.1: about 1.6
    assert (reddened[1, g] - reddened[1, i]) - (colors[1, g] - colors[1, i]) == pytest.approx(
        0.3 * 1.61, abs=0.02
    )
