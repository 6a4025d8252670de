"""The fast engine agrees with synphot Observation(...).effstim to 1e-4 mag."""

from __future__ import annotations

import astropy.units as u
import numpy as np
import pytest

from sbpy_filter_transform.bandpasses import LSST_BANDS
from sbpy_filter_transform.engine import Engine
from sbpy_filter_transform.spectra import busdemeo_sun, reflected_sun
from sbpy_filter_transform.systems import synthetic_magnitude

#: Every bundled LSST band and sbpy's ATLAS and PS1 bands.
BANDS = [*LSST_BANDS, "ATLAS c", "ATLAS o", "PS1 g", "PS1 r", "PS1 i", "PS1 z", "PS1 y", "PS1 w"]
#: A spread of spectra: solar, red and blue slopes, CALSPEC Sun, cool and hot blackbodies,
#: Bus-DeMeo classes with each extension, a bumpy user reflectance.
SPECTRA = [
    "sun",
    "sun:calspec",
    "slope:-5",
    "slope:25",
    "blackbody:3000",
    "blackbody:15000",
    busdemeo_sun("C", extension="linear"),
    busdemeo_sun("D", extension="constant"),
    busdemeo_sun("V", extension="linear"),
    reflected_sun(np.linspace(300, 1200, 19) * u.nm, 1 + 0.2 * np.sin(np.arange(19))),
]
TOLERANCE = 1e-4  # mag


@pytest.mark.parametrize("system", ["AB", "ST", "Vega", "JM"])
def test_engine_matches_synphot(system):
    engine = Engine(BANDS, system)
    mags = engine.observe(SPECTRA)
    reference = np.array(
        [[synthetic_magnitude(sp, band, system).value for band in BANDS] for sp in SPECTRA]
    )
    np.testing.assert_allclose(mags, reference, rtol=0, atol=TOLERANCE)


def test_engine_infrared_bands():
    bands = ["2MASS J", "2MASS Ks", "WISE W1", "WISE W4", "SDSS u", "Johnson V"]
    engine = Engine(bands, "Vega")
    reference = [synthetic_magnitude("sun", band, "Vega").value for band in bands]
    np.testing.assert_allclose(engine.observe(["sun"])[0], reference, rtol=0, atol=TOLERANCE)


def test_slope_magnitudes_match_synphot():
    engine = Engine(LSST_BANDS)
    slopes = np.array([-10.0, 0.0, 7.3, 18.0, 35.0])
    mags = engine.slope_magnitudes(slopes)
    for slope, row in zip(slopes, mags, strict=True):
        reference = [synthetic_magnitude(f"slope:{slope}", b).value for b in LSST_BANDS]
        np.testing.assert_allclose(row, reference, rtol=0, atol=TOLERANCE)
    # Same numbers through the general path (the linear decomposition is exact).
    general = engine.observe([f"slope:{s}" for s in slopes])
    np.testing.assert_allclose(mags, general, rtol=0, atol=1e-10)
    assert engine.slope_magnitudes(slopes.reshape(5, 1)).shape == (5, 1, 6)


def test_engine_bad_input():
    engine = Engine(["LSST r"])
    with pytest.raises(ValueError, match="negative"):
        engine.slope_magnitudes([80.0])
    with pytest.raises(ValueError, match="NaN"):
        engine.slope_magnitudes([np.nan])
    with pytest.raises(ValueError, match="samples per spectrum"):
        engine.magnitudes(np.ones(5))
    with pytest.raises(ValueError, match="zero or negative flux"):
        engine.magnitudes(np.zeros(engine.wavelength.size))
    with pytest.raises(ValueError, match="no spectra"):
        engine.observe([])
    with pytest.raises(ValueError, match="non-empty list"):
        Engine("LSST r")
    with pytest.raises(ValueError, match="extension"):
        Engine(["LSST u"]).observe([busdemeo_sun("S")])
