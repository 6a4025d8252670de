"""The sbpy drop-in (sbpy_filter_transform.calib) gives sbpy's numbers for every slope."""

from __future__ import annotations

import astropy.units as u
import numpy as np
import pytest
from sbpy.calib import Sun as SbpySun
from sbpy.calib import solar_spectrum
from sbpy.photometry import bandpass
from sbpy.spectroscopy import SpectralGradient
from sbpy.units import VEGAmag

from sbpy_filter_transform.calib import ReddenedSun, Sun

#: Agreement demanded with sbpy: magnitudes (mag) and relative flux and wavelength.
EXACT = 1e-10
SLOPE_UNIT = u.percent / (100 * u.nm)
WAVE0 = 550 * u.nm
VALUES = np.array([-10.0, -2.5, 0.0, 3.0, 12.0, 30.0])


@pytest.fixture(scope="module")
def bands():
    return bandpass("SDSS g"), bandpass("SDSS r")


@pytest.fixture(scope="module")
def reddened():
    return Sun.from_default().redden(SpectralGradient(VALUES * SLOPE_UNIT, wave0=WAVE0))


def _sbpy_each(method, *args, **kwargs):
    """sbpy's result for each slope in turn."""
    out = []
    for value in VALUES:
        spec = SbpySun.from_default().redden(SpectralGradient(value * SLOPE_UNIT, wave0=WAVE0))
        out.append(getattr(spec, method)(*args, **kwargs))
    return out


@pytest.mark.parametrize("unit", [u.ABmag, VEGAmag, u.STmag])
def test_color_index_through_bandpasses_equals_sbpy(reddened, bands, unit):
    wave, color = reddened.color_index(bands, unit)
    reference = _sbpy_each("color_index", bands, unit)
    assert wave.shape == (2, VALUES.size)
    assert np.max(np.abs(color.value - [r[1].value for r in reference])) < EXACT
    ref_wave = np.array([r[0].to_value(u.AA) for r in reference]).T
    np.testing.assert_allclose(wave.to_value(u.AA), ref_wave, rtol=EXACT)


def test_color_index_at_wavelengths_equals_sbpy(reddened):
    waves = [0.45, 0.75] * u.um
    wave, color = reddened.color_index(waves, u.ABmag)
    reference = [r[1].value for r in _sbpy_each("color_index", waves, u.ABmag)]
    assert np.max(np.abs(color.value - reference)) < EXACT
    assert wave.shape == (2,)


@pytest.mark.parametrize("unit", [None, "Jy", u.ABmag, VEGAmag])
def test_observe_equals_sbpy(reddened, bands, unit):
    ours = reddened.observe(bands[1], unit=unit)
    reference = _sbpy_each("observe", bands[1], unit=unit)
    theirs = np.array([r.value for r in reference])
    assert ours.unit == reference[0].unit
    if isinstance(ours.unit, u.MagUnit):
        assert np.max(np.abs(ours.value - theirs)) < EXACT
    else:
        np.testing.assert_allclose(ours.value, theirs, rtol=EXACT)


def test_observe_list_of_bandpasses(reddened, bands):
    wave, fluxd = reddened.observe_bandpass(list(bands), unit=u.ABmag)
    assert fluxd.shape == (2, VALUES.size)
    # As in sbpy, the effective wavelength returned is the last bandpass's.
    assert np.allclose(wave, reddened.observe_bandpass(bands[1])[0], rtol=0)


@pytest.mark.parametrize("where", [0.6 * u.um, 5e14 * u.Hz])
@pytest.mark.parametrize("unit", [None, u.ABmag, VEGAmag])
def test_spectrum_at_one_wavelength_equals_sbpy(reddened, where, unit):
    ours = reddened(where, unit=unit)
    reference = _sbpy_each("__call__", where, unit=unit)
    assert ours.unit == reference[0].unit
    np.testing.assert_allclose(ours.value, [r.value for r in reference], rtol=EXACT, atol=EXACT)
    assert np.allclose(reddened.observe(where, interpolate=True), reddened(where), rtol=0)


def test_one_slope_takes_sbpys_path():
    spec = Sun.from_default().redden(SpectralGradient(5 * SLOPE_UNIT, wave0=WAVE0))
    assert not isinstance(spec, ReddenedSun)
    assert "reddened by" in spec.description


def test_default_spectrum_is_kept_per_setting():
    assert Sun.from_default() is Sun.from_default()
    with solar_spectrum.set("E490_2014LR"):
        low = Sun.from_default()
        assert low is Sun.from_default()
        assert low.description == SbpySun.from_default().description
    assert Sun.from_default() is not low
    own = SbpySun.from_builtin("E490_2014LR")
    with solar_spectrum.set(own):
        assert Sun.from_default().source is own.source


def test_bad_slopes_and_requests(reddened, bands):
    with pytest.raises(ValueError, match="wave0"):
        Sun.from_default().redden(SpectralGradient([1.0, 2.0] * SLOPE_UNIT))
    with pytest.raises(ValueError, match="NaN"):
        Sun.from_default().redden(SpectralGradient([1.0, np.nan] * SLOPE_UNIT, wave0=WAVE0))
    with pytest.raises(ValueError, match="1-d"):
        Sun.from_default().redden(SpectralGradient(np.ones((2, 2)) * SLOPE_UNIT, wave0=WAVE0))
    in_mag = u.Quantity([1.0, 2.0], u.mag)
    in_mag.wave0 = WAVE0
    with pytest.raises(u.UnitConversionError, match="per unit length"):
        Sun.from_default().redden(in_mag)
    with pytest.raises(ValueError, match="interpolate=True"):
        reddened.observe([0.5, 0.6, 0.7] * u.um)
    with pytest.raises(ValueError, match="one wavelength"):
        reddened([0.5, 0.6] * u.um)
    with pytest.raises(TypeError, match="Unsupported type"):
        reddened.color_index(("SDSS g", bands[1]), u.ABmag)
