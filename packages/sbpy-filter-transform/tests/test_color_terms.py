"""Color-term fits reproduce the synthetic offsets they were fitted to."""

from __future__ import annotations

import numpy as np
import pytest

from sbpy_filter_transform.color_terms import fit_color_terms
from sbpy_filter_transform.spectra import busdemeo_sun
from sbpy_filter_transform.transform import offset


def test_linear_in_slope_family_matches_synphot():
    fit = fit_color_terms("PS1 r", "LSST r", ("PS1 g", "PS1 r"), degree=1)
    # PS1 r and LSST r nearly coincide: small terms, residuals well under a mmag.
    assert abs(fit.coefficients[0]) < 0.01
    assert abs(fit.coefficients[1]) < 0.02
    assert fit.rms < 1e-4
    color = offset("PS1 r", "PS1 g", "slope:12").value
    expected = offset("PS1 r", "LSST r", "slope:12").value
    assert fit([color])[0] == pytest.approx(expected, abs=3 * fit.max_residual + 1e-4)


def test_busdemeo_family():
    spectra = [busdemeo_sun(c) for c in ("S", "C", "X", "D", "V", "Q", "K", "L")]
    fit = fit_color_terms("ATLAS o", "LSST r", ("ATLAS o", "LSST i"), spectra, degree=1)
    assert fit.family == "8 spectra"
    colors = [offset("LSST i", "ATLAS o", sp).value for sp in spectra]
    offsets = [offset("ATLAS o", "LSST r", sp).value for sp in spectra]
    residuals = np.asarray(offsets) - fit(colors)
    assert np.sqrt(np.mean(residuals**2)) == pytest.approx(fit.rms, abs=1e-4)
    assert fit.color_range[0] < fit.color_range[1]


def test_bad_input():
    with pytest.raises(ValueError, match="degree"):
        fit_color_terms("ATLAS o", "LSST r", ("LSST g", "LSST r"), degree=0)
    with pytest.raises(ValueError, match="pair of bands"):
        fit_color_terms("ATLAS o", "LSST r", ("LSST g",))
    with pytest.raises(ValueError, match="cannot constrain"):
        fit_color_terms("ATLAS o", "LSST r", ("LSST g", "LSST r"), [0.0, 5.0], degree=2)


#: A stellar-like family: blackbodies from 3500 to 12000 K (PS1 g - r from -0.14 to 1.17,
#: about the color range over which survey relations for stars are fitted).
STARS = [f"blackbody:{t:.1f}" for t in np.geomspace(3500.0, 12000.0, 25)]


@pytest.mark.parametrize(
    ("from_band", "to_band", "color"),
    [
        ("PS1 g", "SDSS g", ("PS1 g", "PS1 r")),
        ("PS1 r", "SDSS r", ("PS1 g", "PS1 r")),
        ("PS1 g", "ATLAS c", ("PS1 g", "PS1 r")),
        ("PS1 r", "ATLAS o", ("PS1 r", "PS1 i")),
    ],
)
def test_stellar_family_in_the_published_form(from_band, to_band, color):
    """The form of Tonry et al. (2012, PS1) and (2018, ATLAS), fitted to a stellar family.

    Their published coefficients could not be retrieved for this package, so no number
    of theirs is compared. What is tested: a quadratic in a PS1 color describes a
    stellar-like family to better than 0.3 mmag RMS, and predicts the exact (synphot)
    offset of temperatures not in the fit to within the fit's largest residual plus
    the engine's 1e-4 mag bound.
    """
    fit = fit_color_terms(from_band, to_band, color, STARS, degree=2)
    assert fit.family == "25 spectra"
    assert fit.rms < 3e-4
    for temperature in (4321.0, 6543.0, 9876.0):
        spectrum = f"blackbody:{temperature}"
        x = offset(color[1], color[0], spectrum).value
        expected = offset(from_band, to_band, spectrum).value
        assert fit([x])[0] == pytest.approx(expected, abs=fit.max_residual + 1e-4)


def test_atlas_bands_straddle_ps1_bands():
    # ATLAS c (420-650 nm) is "roughly a broad g+r filter" and o (560-820 nm) "a broad
    # r+i filter" (Tonry et al. 2018, PASP 130, 064505; wording of the PESSTO wiki page
    # wiki.pessto.org/pessto-operation-groups/pessto-targets-alerts/atlas-filters), so
    # for stars c - g is close to -(g - r)/2 and o - r to -(r - i)/2.
    c = fit_color_terms("PS1 g", "ATLAS c", ("PS1 g", "PS1 r"), STARS, degree=1)
    o = fit_color_terms("PS1 r", "ATLAS o", ("PS1 r", "PS1 i"), STARS, degree=1)
    assert -0.6 < c.coefficients[1] < -0.35
    assert -0.6 < o.coefficients[1] < -0.35
    assert abs(c.coefficients[0]) < 0.01
    assert abs(o.coefficients[0]) < 0.01


def test_stellar_and_asteroid_relations_differ():
    # Why a relation fitted to stars is not one for asteroids: at the same LSST g - r,
    # ATLAS o -> LSST r differs between blackbodies and the Sun times slopes by up to
    # 0.03 mag (at g - r = 0.36, a slope of -5 %/100 nm) over their common colors.
    stars = fit_color_terms("ATLAS o", "LSST r", ("LSST g", "LSST r"), STARS)
    asteroids = fit_color_terms("ATLAS o", "LSST r", ("LSST g", "LSST r"))
    low = max(stars.color_range[0], asteroids.color_range[0])
    high = min(stars.color_range[1], asteroids.color_range[1])
    difference = stars(np.linspace(low, high, 9)) - asteroids(np.linspace(low, high, 9))
    assert np.abs(difference).max() == pytest.approx(0.030, abs=0.003)
