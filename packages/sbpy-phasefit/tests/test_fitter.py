"""PhaseFitter plugs into sbpy's own from_obs and gives this package's fits."""

from __future__ import annotations

import astropy.units as u
import numpy as np
import pytest
from astropy.modeling.models import Gaussian1D
from sbpy import photometry
from sbpy.data import Obs

from sbpy_phasefit import PhaseFitter, fit_phase_curves

VECTORS = [
    ("sbpy_test_iau_HG", photometry.HG, "HG"),
    ("sbpy_test_iau_HG12", photometry.HG12, "HG12"),
    ("sbpy_test_iau_HG12_Pen16", photometry.HG12_Pen16, "HG12PEN16"),
    ("sbpy_test_iau_HG1G2", photometry.HG1G2, "HG1G2"),
]


@pytest.mark.parametrize(("key", "sbpy_class", "name"), VECTORS)
def test_from_obs_equals_fit_phase_curves(test_vectors, key, sbpy_class, name):
    case = test_vectors[key]
    alpha = np.array(case["phase_angle_deg"]) * u.deg
    mag = np.array(case["mag"]) * u.mag
    obs = Obs.from_dict({"alpha": alpha, "mag": mag})
    fitter = PhaseFitter()
    fitted = sbpy_class.from_obs(obs, fitter, "mag")
    table = fit_phase_curves(alpha, mag, model=name)
    for p in fitted.param_names:
        assert abs(u.Quantity(getattr(fitted, p).quantity if p == "H" else getattr(fitted, p).value).value
                   - u.Quantity(table[p][0]).value) < 1e-12  # fmt: skip
    assert fitted.H.unit == u.mag
    assert fitter.fit_info["flags"] == "CONVERGED"
    assert fitter.fit_info["chi2"] == pytest.approx(table["chi2"][0], rel=1e-12)


def test_weights_and_plain_radians():
    rng = np.random.default_rng(3)
    deg = rng.uniform(1, 40, 20)
    err = rng.uniform(0.01, 0.1, 20)
    mag = photometry.HG12.evaluate(np.deg2rad(deg), 10.0, 0.4) + rng.normal(0, err)
    fitted = PhaseFitter()(photometry.HG12(), np.deg2rad(deg), mag, weights=1 / err)
    table = fit_phase_curves(deg, mag, mag_err=err, model="HG12")
    assert abs(fitted.H.value - table["H"][0].value) < 1e-12
    assert abs(fitted.G12.value - table["G12"][0]) < 1e-12


def test_linear_model_and_errors():
    fitted = PhaseFitter()(photometry.LinearPhaseFunc(5 * u.mag, 0.01 * u.mag / u.deg),
                           [0, 10, 20] * u.deg, [5.0, 5.4, 5.8] * u.mag)  # fmt: skip
    assert abs(fitted.S.quantity - 0.04 * u.mag / u.deg) < 1e-12 * u.mag / u.deg
    with pytest.raises(TypeError, match="not Gaussian1D"):
        PhaseFitter()(Gaussian1D(), [1, 2, 3], [1, 2, 3])
    with pytest.raises(TypeError, match="pass options at creation"):
        PhaseFitter()(photometry.HG(), [0.1, 0.2], [1.0, 1.1], maxiter=5)


def test_fit_obs_reproduces_rubin_vectors(test_vectors):
    """Rubin's HG12 vectors (apparent magnitudes with distances) give back H and G12."""
    from sbpy_phasefit import fit_obs

    case = test_vectors["rubin_pipe_tasks_HG12"]
    n = len(case["phase_angle_deg"])
    obs = Obs.from_dict(
        {
            "targetname": ["test"] * n,
            "alpha": case["phase_angle_deg"] * u.deg,
            "mag": case["mag_apparent_expected"] * u.mag,
            "magerr": [case["mag_sigma"]] * n * u.mag,
            "rh": case["rdist_au"] * u.au,
            "delta": case["tdist_au"] * u.au,
        }
    )
    table = fit_obs(obs, model="HG12", err_field="magerr")
    assert table["id"][0] == "test"
    # The vectors carry 8 decimals, so the parameters come back to ~1e-7.
    assert abs(table["H"][0].value - case["H_true"]) < 1e-6
    assert abs(table["G12"][0] - case["G12_true"]) < 1e-6
    assert table["chi2"][0] < 1e-10
    # sbpy's from_obs with this package's fitter applies the same distance correction.
    fitted = photometry.HG12.from_obs(obs, PhaseFitter(), "mag")
    assert abs(fitted.H.value - table["H"][0].value) < 1e-10
