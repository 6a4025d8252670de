"""Tests of spectra.py: the Sun, reflectances, Bus-DeMeo, blackbodies and coverage."""

from __future__ import annotations

import astropy.units as u
import numpy as np
import pytest
import synphot

from sbpy_filter_transform.bandpasses import get_bandpass
from sbpy_filter_transform.spectra import (
    BUSDEMEO_CLASSES,
    SpectrumCoverageError,
    blackbody,
    busdemeo_sun,
    check_coverage,
    get_spectrum,
    reddened_sun,
    reflected_sun,
    sun,
)


def test_default_sun_is_sbpy_default():
    from sbpy.calib import Sun

    ours, theirs = sun(), Sun.from_default()
    wave = [400, 550, 900] * u.nm
    np.testing.assert_array_equal(ours(wave).value, theirs.source(wave).value)
    assert ours.meta["description"] == theirs.description


def test_calspec_sun_matches_shared_file(shared_data):
    ref = synphot.SourceSpectrum.from_file(
        str(shared_data / "calspec" / "sun_reference_stis_002.fits")
    )
    wave = [450, 650, 1000] * u.nm
    np.testing.assert_array_equal(sun("calspec")(wave).value, ref(wave).value)


def test_reddened_sun_slope_convention():
    # sbpy convention: R = 1 + S (lambda - wave0), S in %/100 nm.
    sp, solar = reddened_sun(18 * u.percent / (100 * u.nm)), sun()
    for wave, expected in ((550, 1.0), (650, 1.18), (450, 0.82), (850, 1.54)):
        ratio = sp(wave * u.nm).value / solar(wave * u.nm).value
        assert ratio == pytest.approx(expected, rel=1e-12)
    assert sp.meta["slope"] == 18.0
    assert sp.meta["wave0"].to_value(u.nm) == pytest.approx(550, rel=1e-12)


def test_reddened_sun_equals_sbpy_reddening():
    from sbpy.spectroscopy import Reddening, SpectralGradient
    from sbpy.units import hundred_nm

    gradient = SpectralGradient(12 * u.percent / hundred_nm, wave0=550 * u.nm)
    theirs = sun() * Reddening(gradient)
    wave = [320, 450, 550, 800, 1100] * u.nm
    np.testing.assert_allclose(reddened_sun(12)(wave).value, theirs(wave).value, rtol=1e-12)


def test_steep_negative_slope_keeps_its_slope():
    # sbpy's Reddening would zero the node at 1100 nm for -20 %/100 nm (1 + df = -0.1).
    sp, solar = reddened_sun(-20), sun()
    assert sp(900 * u.nm).value / solar(900 * u.nm).value == pytest.approx(0.3, rel=1e-12)


def test_reddened_sun_valid_range_stops_at_zero_reflectance():
    # slope -20 %/100 nm at 550 nm reaches zero at 1050 nm: LSST y (to 1099 nm) is refused.
    sp = reddened_sun(-20)
    assert sp.meta["valid_range"][1].to_value(u.nm) == pytest.approx(1050.0)
    with pytest.raises(SpectrumCoverageError, match="LSST y"):
        check_coverage(sp, get_bandpass("LSST y"))
    assert reddened_sun(40).meta["valid_range"][0].to_value(u.nm) == pytest.approx(300.0)


def test_busdemeo_means_match_shared_file(shared_data):
    data = np.loadtxt(shared_data / "busdemeo" / "busdemeo-meanspectra.csv")
    solar = sun()
    for i, name in enumerate(BUSDEMEO_CLASSES):
        sp = busdemeo_sun(name)
        wave = data[:, 0] * u.um
        ratio = sp(wave).value / solar(wave).value
        np.testing.assert_allclose(ratio, data[:, 1 + 2 * i], rtol=1e-12)
        assert sp.meta["extension"] == "none"


def test_busdemeo_coverage_and_extensions():
    with pytest.raises(SpectrumCoverageError, match=r"LSST u.*extension='linear'"):
        check_coverage(busdemeo_sun("S"), get_bandpass("LSST u"))
    with pytest.raises(SpectrumCoverageError, match="LSST g"):
        check_coverage(busdemeo_sun("S"), get_bandpass("LSST g"))
    check_coverage(busdemeo_sun("S"), get_bandpass("LSST r"))
    linear, constant = (
        busdemeo_sun("S", extension="linear"),
        busdemeo_sun("S", extension="constant"),
    )
    check_coverage(linear, get_bandpass("LSST u"))
    assert linear.meta["extension"] == "linear"
    assert "linear blue extension" in linear.meta["description"]
    solar = sun()
    # S mean: 0.839 at 0.45 um, 0.922 at 0.50 um -> linear extension 0.673 at 0.35 um.
    assert linear(350 * u.nm).value / solar(350 * u.nm).value == pytest.approx(0.673, abs=1e-9)
    assert constant(350 * u.nm).value / solar(350 * u.nm).value == pytest.approx(0.839, abs=1e-9)


def test_coverage_of_calspec_sun_in_the_infrared():
    with pytest.raises(SpectrumCoverageError, match="WISE W1"):
        check_coverage(sun("calspec"), get_bandpass("WISE W1"))


def test_unknown_names_suggest():
    with pytest.raises(ValueError, match="Did you mean 'Sq'"):
        busdemeo_sun("Sqq")
    with pytest.raises(ValueError, match="Did you mean 'calspec'"):
        sun("calspc")
    with pytest.raises(ValueError, match="Did you mean 'linear'"):
        busdemeo_sun("S", extension="lineer")
    with pytest.raises(ValueError, match="Did you mean 'slope'"):
        get_spectrum("slop:10")


def test_get_spectrum_forms():
    assert get_spectrum("sun").meta["sun"] == "e490"
    assert get_spectrum("sun:calspec").meta["sun"] == "calspec"
    assert get_spectrum("slope:7.5").meta["slope"] == 7.5
    assert get_spectrum("busdemeo:xe:constant").meta["busdemeo_class"] == "Xe"
    assert get_spectrum("blackbody:6000").meta["temperature"] == 6000 * u.K
    custom = synphot.SourceSpectrum(synphot.models.ConstFlux1D, amplitude=1)
    assert get_spectrum(custom).meta["valid_range"][1] == np.inf * u.AA
    with pytest.raises(ValueError, match="needs a value"):
        get_spectrum("slope")
    with pytest.raises(TypeError):
        get_spectrum(3)


def test_reflectance_bad_input():
    with pytest.raises(ValueError, match="not strictly increasing"):
        reflected_sun([500, 400, 600] * u.nm, [1, 1, 1])
    with pytest.raises(ValueError, match="NaN"):
        reflected_sun([400, 500, 600] * u.nm, [1, np.nan, 1])
    with pytest.raises(ValueError, match="> 0"):
        reflected_sun([400, 500, 600] * u.nm, [1, 0, 1])
    with pytest.raises(u.UnitsError, match="not a length"):
        reflected_sun([400, 500, 600] * u.s, [1, 1, 1])
    with pytest.raises(ValueError, match="equal length"):
        reflected_sun([400, 500, 600] * u.nm, [1, 1])
    with pytest.raises(ValueError, match="positive"):
        reflected_sun([450, 500, 600] * u.nm, [0.2, 1.0, 1.0], extension="linear")
    with pytest.raises(u.UnitsError, match="per wavelength"):
        reddened_sun(10 * u.K)
    with pytest.raises(ValueError, match="> 0 K"):
        blackbody(-5)
    with pytest.raises(ValueError, match="NaN"):
        blackbody(np.nan)


def test_user_spectrum_coverage_and_meta_untouched():
    wave = [400, 500, 600, 800] * u.nm
    user = synphot.SourceSpectrum(
        synphot.models.Empirical1D, points=wave, lookup_table=[1.0, 1.0, 1.0, 1.0] * u.Jy
    )
    check_coverage(user, get_bandpass("LSST r"))
    with pytest.raises(SpectrumCoverageError, match="LSST i"):
        check_coverage(user, get_bandpass("LSST i"))
    assert "valid_range" not in user.meta


def test_slope_convention_matches_sbpy_documented_color():
    # sbpy docs (photometry.rst): SpectralGradient(10 %/100 nm, wave0=550 nm).to_color(
    # (500, 600) nm) = 0.10866423 mag, i.e. -2.5 log10(R(600 nm) / R(500 nm)) with sign
    # of a color index m(500) - m(600).
    sp, solar = reddened_sun(10), sun()
    ratio = (sp(600 * u.nm).value / solar(600 * u.nm).value) / (
        sp(500 * u.nm).value / solar(500 * u.nm).value
    )
    assert 2.5 * np.log10(ratio) == pytest.approx(0.10866423, abs=1e-8)
