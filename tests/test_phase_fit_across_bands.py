"""A phase curve observed in ATLAS o, converted to LSST r, then fitted.

For a fixed reflectance spectrum the offset between two bands does not depend on the
phase angle (phase reddening is outside both packages' models), so converting the
magnitudes with sbpy-filter-transform and fitting them with sbpy-phasefit must give the
same shape parameter and an absolute magnitude shifted by exactly that offset.
"""

import astropy.units as u
import numpy as np
import pytest

from sbpy_filter_transform import offset, transform
from sbpy_phasefit import HG12, fit_phase_curves

#: Spectral slopes (%/100 nm) of a C-like, a neutral and an S-like asteroid.
SLOPES = np.array([2.0, 8.0, 14.0])


@pytest.fixture(scope="module")
def atlas_o_curves():
    """Noise-free HG12 phase curves of three asteroids in ATLAS o, as flat arrays."""
    phase = np.tile(np.linspace(1.0, 30.0, 25), SLOPES.size)
    ids = np.repeat(np.arange(SLOPES.size), 25)
    h_o = np.array([15.2, 16.8, 17.5])
    g12 = np.array([0.7, 0.45, 0.3])
    mag = HG12().evaluate(phase * u.deg, h_o[ids], g12[ids])
    return phase, np.asarray(mag, dtype=float), ids, h_o, g12


def test_fit_after_conversion_shifts_h_only(atlas_o_curves):
    phase, mag_o, ids, h_o, g12 = atlas_o_curves
    mag_r = transform(mag_o, "ATLAS o", "LSST r", slope=SLOPES[ids])

    fit_o = fit_phase_curves(phase, mag_o, ids, model="HG12")
    fit_r = fit_phase_curves(phase, mag_r, ids, model="HG12")

    expected = np.array([offset("ATLAS o", "LSST r", f"slope:{s}").value for s in SLOPES])
    np.testing.assert_allclose(fit_o["H"].value, h_o, atol=1e-8)
    np.testing.assert_allclose(fit_r["G12"], fit_o["G12"], atol=1e-8)
    np.testing.assert_allclose(fit_r["G12"], g12, atol=1e-8)
    # the fast per-object slope path agrees with the exact synphot offsets to 1e-4 mag
    np.testing.assert_allclose((fit_r["H"] - fit_o["H"]).value, expected, atol=1e-4)
    # redder asteroids are brighter in r than in o by less: the offset grows with slope
    assert np.all(np.diff(expected) > 0)
