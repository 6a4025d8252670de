"""Colour-term fits reproduce the synthetic offsets they were fitted to."""

from __future__ import annotations

import numpy as np
import pytest

from sbpy_filter_transform.colour_terms import fit_colour_terms
from sbpy_filter_transform.spectra import busdemeo_sun
from sbpy_filter_transform.transform import offset


def test_linear_in_slope_family_matches_synphot():
    fit = fit_colour_terms("PS1 r", "LSST r", ("PS1 g", "PS1 r"), degree=1)
    # PS1 r and LSST r nearly coincide: small terms, residuals well under a mmag.
    assert abs(fit.coefficients[0]) < 0.01
    assert abs(fit.coefficients[1]) < 0.02
    assert fit.rms < 1e-4
    colour = offset("PS1 r", "PS1 g", "slope:12").value
    expected = offset("PS1 r", "LSST r", "slope:12").value
    assert fit([colour])[0] == pytest.approx(expected, abs=3 * fit.max_residual + 1e-4)


def test_busdemeo_family():
    spectra = [busdemeo_sun(c) for c in ("S", "C", "X", "D", "V", "Q", "K", "L")]
    fit = fit_colour_terms("ATLAS o", "LSST r", ("ATLAS o", "LSST i"), spectra, degree=1)
    assert fit.family == "8 spectra"
    colours = [offset("LSST i", "ATLAS o", sp).value for sp in spectra]
    offsets = [offset("ATLAS o", "LSST r", sp).value for sp in spectra]
    residuals = np.asarray(offsets) - fit(colours)
    assert np.sqrt(np.mean(residuals**2)) == pytest.approx(fit.rms, abs=1e-4)
    assert fit.colour_range[0] < fit.colour_range[1]


def test_bad_input():
    with pytest.raises(ValueError, match="degree"):
        fit_colour_terms("ATLAS o", "LSST r", ("LSST g", "LSST r"), degree=0)
    with pytest.raises(ValueError, match="pair of bands"):
        fit_colour_terms("ATLAS o", "LSST r", ("LSST g",))
    with pytest.raises(ValueError, match="cannot constrain"):
        fit_colour_terms("ATLAS o", "LSST r", ("LSST g", "LSST r"), [0.0, 5.0], degree=2)
