"""The sbpy drop-ins (sbpy_phasefit.photometry) give sbpy's numbers, per row, to 1e-10."""

from __future__ import annotations

import warnings

import astropy.units as u
import numpy as np
import pytest
from astropy.modeling.fitting import LevMarLSQFitter
from sbpy import photometry as sbpy_photometry
from sbpy.data import Ephem, Obs

from sbpy_phasefit import photometry

#: Agreement demanded with sbpy (mag, and relative for derivatives).
EXACT = 1e-10
NAMES = ["HG", "HG1G2", "HG12", "HG12_Pen16"]


def _rows(name: str, n: int = 400, seed: int = 3):
    """Phase angles (rad) over 0-150 deg and one parameter set per row."""
    rng = np.random.default_rng(seed)
    alpha = np.deg2rad(rng.uniform(0.0, 150.0, n))
    alpha[:3] = [0.0, np.deg2rad(7.5), np.deg2rad(30.0)]  # spline nodes
    H = rng.uniform(5.0, 22.0, n)
    if name == "HG1G2":
        g1 = rng.uniform(0.0, 0.7, n)
        return alpha, (H, g1, rng.uniform(0.0, 1.0 - g1))
    g = rng.uniform(-0.1, 1.0, n)
    g[:4] = [0.2, 0.1999, 0.2001, 0.0]  # both sides of HG12's branch at 0.2
    return alpha, (H, g)


def _sbpy_per_row(method, alpha, params):
    """sbpy one row at a time (its only way for a G12 per row)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [method(alpha[i], *(p[i] for p in params)) for i in range(alpha.size)]


@pytest.mark.parametrize("name", NAMES)
def test_evaluate_equals_sbpy_per_row(name):
    alpha, params = _rows(name)
    ours = getattr(photometry, name).evaluate(alpha, *params)
    theirs = np.array(_sbpy_per_row(getattr(sbpy_photometry, name).evaluate, alpha, params))
    finite = np.isfinite(theirs)
    np.testing.assert_array_equal(np.isfinite(ours), finite)
    assert np.max(np.abs(ours[finite] - theirs[finite])) < EXACT


@pytest.mark.parametrize("name", ["HG1G2", "HG12", "HG12_Pen16"])
def test_fit_deriv_equals_sbpy_per_row(name):
    alpha, params = _rows(name)
    keep = alpha < np.deg2rad(120.0)  # away from where the flux (the denominator) vanishes
    alpha, params = alpha[keep], tuple(p[keep] for p in params)
    ours = np.array(
        [
            np.broadcast_to(d, alpha.shape)
            for d in getattr(photometry, name).fit_deriv(alpha, *params)
        ]
    )
    rows = _sbpy_per_row(getattr(sbpy_photometry, name).fit_deriv, alpha, params)
    theirs = np.array(rows, dtype=float).T
    np.testing.assert_allclose(ours, theirs, rtol=EXACT, atol=EXACT)


def test_hg12_g12_per_row_is_what_sbpy_cannot_do():
    alpha, (H, g12) = _rows("HG12", n=5)
    values = photometry.HG12.evaluate(alpha, H, g12)
    assert values.shape == (5,)
    np.testing.assert_allclose(
        photometry.HG12._G12_to_G1(g12[:2]), [0.9529 * 0.2 + 0.02162, 0.7527 * 0.1999 + 0.06164]
    )


def test_model_set_and_quantities_follow_sbpy():
    ours = photometry.HG12(H=[15.0, 16.0] * u.mag, G12=[0.1, 0.5], n_models=2)
    values = ours([0.1, 0.2] * u.rad)
    for k, (H, g12) in enumerate([(15.0, 0.1), (16.0, 0.5)]):
        single = sbpy_photometry.HG12(H=H * u.mag, G12=g12)
        assert abs(values[k] - single([0.1, 0.2][k] * u.rad)) < EXACT * u.mag
    model = photometry.HG1G2(7.063 * u.mag, 0.62, 0.14)
    reference = sbpy_photometry.HG1G2(7.063 * u.mag, 0.62, 0.14)
    assert abs(model(20 * u.deg) - reference(20 * u.deg)) < EXACT * u.mag


def test_to_mag_with_ephemerides_equals_sbpy():
    rng = np.random.default_rng(0)
    eph = Ephem.from_dict(
        {
            "alpha": rng.uniform(0.0, 0.6, 300) * u.rad,
            "r": rng.uniform(1.5, 4.0, 300) * u.au,
            "delta": rng.uniform(0.5, 3.5, 300) * u.au,
        }
    )
    ours = photometry.HG12(H=15 * u.mag, G12=0.3).to_mag(eph)
    theirs = sbpy_photometry.HG12(H=15 * u.mag, G12=0.3).to_mag(eph)
    assert np.max(np.abs(ours - theirs)) < EXACT * u.mag


def test_from_obs_reaches_sbpy_fit():
    rng = np.random.default_rng(5)
    alpha = np.deg2rad(np.linspace(2.0, 30.0, 25))
    mag = sbpy_photometry.HG12.evaluate(alpha, 15.0, 0.4) + rng.normal(0.0, 0.02, alpha.size)
    obs = Obs.from_dict({"alpha": alpha * u.rad, "mag": mag * u.mag})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = photometry.HG12.from_obs(obs, LevMarLSQFitter(), "mag")
        theirs = sbpy_photometry.HG12.from_obs(obs, LevMarLSQFitter(), "mag")
    assert isinstance(ours, sbpy_photometry.HG12)
    np.testing.assert_allclose(ours.parameters, theirs.parameters, rtol=0, atol=1e-8)


def test_bad_phase_angles():
    # A NaN phase angle gives what sbpy gives (no finite magnitude); a phase angle with
    # a wrong unit is refused.
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = photometry.HG1G2.evaluate(np.nan, 10.0, 0.3, 0.3)
        theirs = sbpy_photometry.HG1G2.evaluate(np.nan, 10.0, 0.3, 0.3)
    assert not np.isfinite(ours)
    assert ours == theirs
    with pytest.raises(u.UnitConversionError):
        photometry.HG12.evaluate(3 * u.mag, 10.0, 0.3)


def test_benchmark_script_reports_ratio_and_agreement(tmp_path, capsys):
    import importlib.util
    import json
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_sbpy_photometry.py"
    if not script.is_file():
        pytest.skip("benchmarks/ is not beside the tests (installed test copy)")
    spec = importlib.util.spec_from_file_location("bench_sbpy_photometry", script)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    out = tmp_path / "bench.json"
    assert bench.main(["--rows", "300", "--sample", "20", "--json", str(out)]) == 0
    results = {r["model"]: r for r in json.loads(out.read_text())["results"]}
    assert results["HG12"]["sbpy_one_row_at_a_time"]
    assert not results["HG1G2"]["sbpy_one_row_at_a_time"]
    for r in results.values():
        assert r["speedup"] > 0
        assert r["max_diff_mag"] < EXACT
        assert r["same_non_finite"]
    assert "ratio" in capsys.readouterr().out
