"""sHG1G2 (sbpy_phasefit.spin) against Fink's reference implementation (fink-utils)."""

import warnings

import astropy.units as u
import numpy as np
import pytest
from astropy.table import Table
from scipy.optimize import least_squares

from sbpy_phasefit import FitFlag, fit_shg1g2
from sbpy_phasefit.cli import main
from sbpy_phasefit.spin import SHG1G2, pole_axis

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fink_utils.sso import spins as fink

#: Model values: both evaluate the same formula with the same basis functions.
MODEL_TOLERANCE = 1e-10  # mag
#: Fitted H where both fits reach the same optimum (issue 15's target).
H_TOLERANCE = 1e-4  # mag
#: Spin axis where both fits reach the same optimum.
AXIS_TOLERANCE = 0.1  # deg


def _sbpy_basis(phase_deg):
    from sbpy.photometry import HG1G2

    r = np.radians(phase_deg)
    return HG1G2._phi1(r), HG1G2._phi2(r), HG1G2._phi3(r)


def _axis_separation(a1, d1, a2, d2):
    """Angle (deg) between two axes (a pole and its antipode are one axis)."""

    def vec(a, d):
        a, d = np.radians(a), np.radians(d)
        return np.stack([np.cos(d) * np.cos(a), np.cos(d) * np.sin(a), np.sin(d)], -1)

    dot = np.abs(np.sum(vec(a1, d1) * vec(a2, d2), -1))
    return np.degrees(np.arccos(np.clip(dot, 0.0, 1.0)))


def _simulate(n_obj, seed, noise=0.03, k=100):
    """Two-band photometry of asteroids along ecliptic-like paths over 1.5 years."""
    rng = np.random.default_rng(seed)
    lam = np.radians(rng.uniform(0, 360, (n_obj, 1)) + np.sort(rng.uniform(0, 540, (n_obj, k))))
    beta = np.radians(rng.normal(0, 8, (n_obj, 1)))
    eps = np.radians(23.44)
    x, y, z = np.cos(beta) * np.cos(lam), np.cos(beta) * np.sin(lam), np.sin(beta) + 0 * lam
    ra = (np.degrees(np.arctan2(y * np.cos(eps) - z * np.sin(eps), x)) % 360).ravel()
    dec = np.degrees(np.arcsin(y * np.sin(eps) + z * np.cos(eps))).ravel()
    ids = np.repeat(np.arange(n_obj), k)
    band = np.where(rng.random(n_obj * k) < 0.5, "g", "r")
    truth = {
        "H": rng.uniform(12, 18, n_obj),
        "G1": rng.uniform(0.1, 0.7, n_obj),
        "G2": rng.uniform(0.05, 0.4, n_obj),
        "R": rng.uniform(0.4, 0.95, n_obj),
        "alpha0": rng.uniform(0, 360, n_obj),
        "delta0": np.degrees(np.arcsin(rng.uniform(-1, 1, n_obj))),
    }
    phase = rng.uniform(1, 25, n_obj * k)
    h = truth["H"][ids] + np.where(band == "g", 0.45, 0.0)
    mag = SHG1G2().evaluate(
        phase, ra, dec, h, *(truth[p][ids] for p in ("G1", "G2", "R", "alpha0", "delta0"))
    ).value + rng.normal(0, noise, ids.size) * (noise > 0)
    return ids, phase, ra, dec, band, mag, truth


def test_model_equals_fink():
    rng = np.random.default_rng(3)
    n = 5000
    phase, ra, dec = rng.uniform(0, 60, n), rng.uniform(0, 360, n), rng.uniform(-90, 90, n)
    h, g1, g2 = rng.uniform(5, 20, n), rng.uniform(0, 0.8, n), rng.uniform(0, 0.2, n)
    r, a0, d0 = rng.uniform(0.3, 1, n), rng.uniform(0, 360, n), rng.uniform(-90, 90, n)
    expected = fink.func_shg1g2(
        *_sbpy_basis(phase), np.radians(ra), np.radians(dec), h, g1, g2, r,
        np.radians(a0), np.radians(d0),
    )  # fmt: skip
    ours = SHG1G2().evaluate(phase * u.deg, ra, dec, h, g1, g2, r, a0 * u.deg, d0)
    assert ours.unit == u.mag
    np.testing.assert_allclose(ours.value, expected, rtol=0, atol=MODEL_TOLERANCE)
    # The antipodal pole gives the same magnitudes.
    flipped = SHG1G2().evaluate(phase, ra, dec, h, g1, g2, r, a0 + 180.0, -d0)
    np.testing.assert_allclose(flipped.value, ours.value, rtol=0, atol=MODEL_TOLERANCE)


def test_pole_axis_is_the_same_axis_in_the_north():
    rng = np.random.default_rng(4)
    a, d = rng.uniform(-20, 20, 1000), rng.uniform(-20, 20, 1000)  # radians, any turn
    a2, d2, sign = pole_axis(a, d)
    assert ((d2 >= 0) & (d2 <= np.pi / 2) & (a2 >= 0) & (a2 < 2 * np.pi)).all()
    assert set(np.unique(sign)) <= {-1.0, 1.0}
    v1 = np.stack([np.cos(d) * np.cos(a), np.cos(d) * np.sin(a), np.sin(d)], -1)
    v2 = np.stack([np.cos(d2) * np.cos(a2), np.cos(d2) * np.sin(a2), np.sin(d2)], -1)
    # The same axis: the same or the opposite unit vector.
    gap = np.minimum(np.abs(v1 - v2).max(axis=1), np.abs(v1 + v2).max(axis=1))
    assert gap.max() < 1e-12


def test_noise_free_parameters_recovered():
    ids, phase, ra, dec, band, mag, truth = _simulate(12, seed=11, noise=0.0)
    t = fit_shg1g2(phase, mag, ids, ra=ra, dec=dec, bands=band)
    assert (t["flags"] & FitFlag.CONVERGED).all()
    np.testing.assert_allclose(t["H_r"].value, truth["H"], atol=1e-6)
    np.testing.assert_allclose(t["H_g"].value, truth["H"] + 0.45, atol=1e-6)
    np.testing.assert_allclose(t["G1_g"], truth["G1"], atol=1e-5)
    np.testing.assert_allclose(t["R"], truth["R"], atol=1e-6)
    sep = _axis_separation(t["alpha0"].value, t["delta0"].value, truth["alpha0"], truth["delta0"])
    assert sep.max() < 1e-4
    assert (t["delta0"] >= 0).all()
    np.testing.assert_allclose(t["alpha0_alt"].value, (t["alpha0"].value + 180) % 360)
    assert np.nanmax(t["rms"].value) < 1e-8
    assert t.meta["param_names"] == [
        "H_g", "G1_g", "G2_g", "H_r", "G1_r", "G2_r", "R", "alpha0", "delta0",
    ]  # fmt: skip
    assert t["covariance"].shape == (12, 9, 9)
    assert (t["n_obs_g"] + t["n_obs_r"] == t["n_obs"]).all()


def _fink_optimum(phase, mag, ra, dec, band):
    """Fink's sHG1G2 objective (its own residual function, start, bounds and loss),
    minimised by scipy to full precision."""
    p0 = [15.0, 0.15, 0.15, 0.8, np.pi, 0.0]
    lower = [-3, fink.GMIN, fink.GMIN, 3e-1, 0, -np.pi / 2]
    upper = [30, fink.GMAX, fink.GMAX, 1, 2 * np.pi, np.pi / 2]
    n_bands = np.unique(band).size
    res = least_squares(
        fink.build_eqs_for_spins, x0=p0[3:] + p0[:3] * n_bands,
        bounds=(lower[3:] + lower[:3] * n_bands, upper[3:] + upper[:3] * n_bands),
        loss="soft_l1", args=(band, _sbpy_basis(phase), np.radians(ra), np.radians(dec), mag),
        ftol=1e-15, xtol=1e-15, gtol=1e-15, max_nfev=10_000,
    )  # fmt: skip
    return res.x, 2.0 * res.cost  # our robust cost is twice scipy's


def _robust_cost(row, phase, mag, ra, dec, band):
    params = {p: np.where(band == "g", row[f"{p}_g"], row[f"{p}_r"]) for p in ("H", "G1", "G2")}
    model = SHG1G2().evaluate(
        phase, ra, dec, u.Quantity(params["H"]).value, params["G1"], params["G2"], row["R"],
        row["alpha0"], row["delta0"],
    ).value  # fmt: skip
    z = (mag - model) ** 2
    return np.sum(2.0 * (np.sqrt(1.0 + z) - 1.0))


def test_fit_matches_fink_optimum():
    """Fink fits unweighted magnitudes with the soft-L1 loss: so do we here. Where both
    reach the same optimum the parameters agree. Elsewhere ours is mostly lower; where
    the two end in different valleys of the pole Fink's is sometimes lower (documented
    in the phasefit docs), which this test bounds."""
    ids, phase, ra, dec, band, mag, _ = _simulate(30, seed=5, noise=0.05)
    t = fit_shg1g2(phase, mag, ids, ra=ra, dec=dec, bands=band, loss="soft_l1")
    same = lower = higher = 0
    for i in range(30):
        sel = ids == i
        x, cost_fink = _fink_optimum(phase[sel], mag[sel], ra[sel], dec[sel], band[sel])
        cost_ours = _robust_cost(t[i], phase[sel], mag[sel], ra[sel], dec[sel], band[sel])
        if abs(cost_ours - cost_fink) <= 1e-9 * cost_fink:
            same += 1
            # fink's order: R, alpha0, delta0, then H, G1, G2 per band in sorted order.
            assert abs(t["H_g"][i].value - x[3]) < H_TOLERANCE
            assert abs(t["H_r"][i].value - x[6]) < H_TOLERANCE
            sep = _axis_separation(
                t["alpha0"][i].value, t["delta0"][i].value, np.degrees(x[1]), np.degrees(x[2])
            )
            assert sep < AXIS_TOLERANCE
        elif cost_ours < cost_fink:
            lower += 1
        else:
            higher += 1
            # Both solvers can stop at a kink of |cos Lambda| (where a point's line of
            # sight is perpendicular to the axis); Fink's path sometimes lands lower.
            assert cost_ours < cost_fink * (1 + 1e-3), (i, cost_ours, cost_fink)
    assert same >= 15, (same, lower, higher)
    # 20 / 8 / 2 since the solver holds the axis on a kink (20 / 5 / 5 before).
    assert higher <= 2, (same, lower, higher)


def test_fixed_pole_and_r():
    ids, phase, ra, dec, band, mag, truth = _simulate(3, seed=12, noise=0.0)
    t = fit_shg1g2(
        phase, mag, ids, ra=ra, dec=dec, bands=band,
        fixed={"alpha0": truth["alpha0"], "delta0": truth["delta0"], "R": truth["R"]},
    )  # fmt: skip
    np.testing.assert_allclose(t["H_r"].value, truth["H"], atol=1e-8)
    assert t["err_R"].max() == 0
    assert t.meta["poles"] is None


def test_one_band_without_suffix_and_missing_band():
    ids, phase, ra, dec, band, mag, truth = _simulate(2, seed=13, noise=0.0)
    t = fit_shg1g2(phase[band == "r"], mag[band == "r"], ids[band == "r"],
                   ra=ra[band == "r"], dec=dec[band == "r"])  # fmt: skip
    assert {"H", "G1", "G2", "err_H"} <= set(t.colnames)
    np.testing.assert_allclose(t["H"].value, truth["H"], atol=1e-6)
    # Object 1 has only two g points: its g band is left out and flagged.
    keep = (ids == 0) | (band == "r") | (np.cumsum((ids == 1) & (band == "g")) <= 2)
    t = fit_shg1g2(phase[keep], mag[keep], ids[keep], ra=ra[keep], dec=dec[keep], bands=band[keep])
    assert np.isnan(t["H_g"][1])
    assert np.isfinite(t["H_r"][1])
    assert t["flags"][1] & FitFlag.BAND_TOO_FEW_POINTS
    assert t["n_dropped"][1] == 2
    np.testing.assert_allclose(t["H_r"].value, truth["H"], atol=1e-6)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"dec": 95.0}, "Dec outside"),
        ({"ra": np.nan}, "RA not finite"),
        ({"bounds": {"alpha0": (0, 360)}}, "cannot be bounded"),
        ({"poles": []}, "poles must be 1 to 64"),
        ({"bands": list("abcdefghi") * 20}, "at most 8 bands"),
        ({"fixed": {"R": 1.5}}, "outside its bounds"),
        ({"fixed": {"Q": 1.0}}, "unknown parameter"),
    ],
)
def test_bad_input(change, match):
    ids, phase, ra, dec, band, mag, _ = _simulate(1, seed=14, noise=0.0, k=180)
    kwargs = {"ra": ra, "dec": dec, "bands": band}
    for key, value in change.items():
        kwargs[key] = np.full(ra.size, value) if key in ("ra", "dec") else value
    with pytest.raises(ValueError, match=match):
        fit_shg1g2(phase, mag, ids, **kwargs)


def test_invalid_flag_leaves_points_out():
    ids, phase, ra, dec, band, mag, truth = _simulate(1, seed=15, noise=0.0)
    dec = dec.copy()
    dec[:3] = np.nan
    t = fit_shg1g2(phase, mag, ids, ra=ra, dec=dec, bands=band, invalid="flag")
    assert t["flags"][0] & FitFlag.INVALID_POINTS
    assert t["n_dropped"][0] == 3
    np.testing.assert_allclose(t["H_r"].value, truth["H"], atol=1e-6)


def test_command_line(tmp_path):
    ids, phase, ra, dec, band, mag, truth = _simulate(2, seed=16, noise=0.0)
    Table({"id": ids, "alpha": phase, "m": mag, "ra": ra, "dec": dec, "band": band}).write(
        tmp_path / "in.csv"
    )
    out = tmp_path / "out.csv"
    args = ["fit", str(tmp_path / "in.csv"), "-o", str(out), "--model", "shg1g2", "--id-col",
            "id", "--phase-col", "alpha", "--mag-col", "m", "--band-col", "band",
            "--no-progress"]  # fmt: skip
    assert main(args) != 0  # without --ra-col and --dec-col
    assert main([*args, "--ra-col", "ra", "--dec-col", "dec"]) == 0
    t = Table.read(out)
    np.testing.assert_allclose(t["H_r"], truth["H"], atol=1e-6)
    assert {"cov_R_alpha0", "flag_names", "alpha0_alt"} <= set(t.colnames)


def test_searches_agree_without_noise():
    ids, phase, ra, dec, band, mag, truth = _simulate(6, seed=17, noise=0.0)
    scan = fit_shg1g2(phase, mag, ids, ra=ra, dec=dec, bands=band)
    full = fit_shg1g2(phase, mag, ids, ra=ra, dec=dec, bands=band, search="all")
    assert scan.meta["search"] == "scan"
    assert len(scan.meta["poles"]) == 24
    assert len(full.meta["poles"]) == 6
    for t in (scan, full):
        np.testing.assert_allclose(t["R"], truth["R"], atol=1e-6)
    with pytest.raises(ValueError, match="search must be"):
        fit_shg1g2(phase, mag, ids, ra=ra, dec=dec, bands=band, search="grid")
    with pytest.raises(ValueError, match="keep must be"):
        fit_shg1g2(phase, mag, ids, ra=ra, dec=dec, bands=band, keep=0)


def test_outliers_clipped_and_too_few_points():
    ids, phase, ra, dec, band, mag, truth = _simulate(2, seed=18, noise=0.0)
    mag = mag.copy()
    mag[[5, 17, 40]] += 2.0  # object 0
    err = np.full(mag.size, 0.02)
    t = fit_shg1g2(phase, mag, ids, err, ra=ra, dec=dec, bands=band, loss="cauchy", clip=5.0)
    assert t["flags"][0] & FitFlag.CLIPPED
    assert t["n_dropped"][0] == 3
    np.testing.assert_allclose(t["H_r"].value, truth["H"], atol=1e-6)
    # An object with fewer points than parameters is not fitted.
    few = (ids == 1) & (np.cumsum(ids == 1) <= 5)
    keep = (ids == 0) | few
    t = fit_shg1g2(phase[keep], mag[keep], ids[keep], ra=ra[keep], dec=dec[keep], bands=band[keep])
    assert t["flags"][1] & (FitFlag.TOO_FEW_POINTS | FitFlag.BAND_TOO_FEW_POINTS)
    assert np.isnan(t["R"][1])


def test_fit_phase_curves_points_to_fit_shg1g2():
    from sbpy_phasefit import fit_phase_curves

    with pytest.raises(ValueError, match="fit_shg1g2"):
        fit_phase_curves([1.0, 5.0, 10.0], [15.0, 15.2, 15.4], model="SHG1G2")


def _rubin_table(n_obj=3, seed=11):
    """DiaSource + SSSource rows (DP1 names) of simulated sHG1G2 asteroids."""
    ids, phase, ra, dec, band, mag, _ = _simulate(n_obj, seed)
    rng = np.random.default_rng(seed)
    rh, delta = rng.uniform(2.0, 3.0, ids.size), rng.uniform(1.0, 2.0, ids.size)
    apparent = mag + 5 * np.log10(rh * delta)
    table = Table(
        {
            "ssObjectId": ids + 1000, "band": band, "phaseAngle": phase,
            "psfFlux": 10 ** (-0.4 * (apparent - 31.4)), "psfFluxErr": np.full(ids.size, 50.0),
            "heliocentricDist": rh, "topocentricDist": delta, "ra": ra, "dec": dec,
        }
    )  # fmt: skip
    return table, (ids + 1000, phase, mag, band, ra, dec)


def test_fit_rubin_shg1g2_equals_fit_on_the_columns():
    from sbpy_phasefit import fit_rubin

    table, (ids, phase, mag, band, ra, dec) = _rubin_table()
    ours = fit_rubin(table, model="SHG1G2")
    err = 2.5 / np.log(10) * table["psfFluxErr"] / table["psfFlux"]
    direct = fit_shg1g2(phase, mag, ids, err * u.mag, ra=ra, dec=dec, bands=band)
    assert ours["id"].tolist() == direct["id"].tolist() == [1000, 1001, 1002]
    for name in ("H_g", "H_r", "G1_g", "G2_r", "R", "alpha0", "delta0"):
        np.testing.assert_allclose(
            u.Quantity(ours[name]).value, u.Quantity(direct[name]).value, atol=1e-6
        )
    assert ours.meta["rubin_columns"]["direction"] == ["ra", "dec"]
    with pytest.raises(KeyError, match="'dec'"):
        fit_rubin(Table({k: table[k] for k in table.colnames if k != "dec"}), model="SHG1G2")


def test_cli_rubin_shg1g2(tmp_path, capsys):
    table, _ = _rubin_table(n_obj=2)
    path = tmp_path / "diasource_sssource.parquet"
    table.write(path)
    out = tmp_path / "spins.ecsv"
    argv = ["fit", str(path), "-o", str(out), "--rubin", "--model", "SHG1G2", "--no-progress"]
    assert main(argv) == 0
    written = Table.read(out)
    assert written["id"].tolist() == [1000, 1001]
    assert {"H_g", "H_r", "R", "alpha0", "delta0", "flag_names"} <= set(written.colnames)
    capsys.readouterr()
    assert main([*argv, "--shared-shape", "--overwrite"]) == 1
    assert "leave out --shared-shape" in capsys.readouterr().err


def test_optima_on_an_aspect_kink_converge():
    """About one object in six ends with a line of sight perpendicular to the axis,
    where |cos Lambda| has a kink. The solver holds the axis on such a kink instead of
    zigzagging across it: 90 % of the fits converge within 40 iterations (before: 64)
    and almost all before the iteration limit; the kinked optima are there."""
    ids, phase, ra, dec, band, mag, _ = _simulate(400, seed=7, noise=0.05)
    t = fit_shg1g2(phase, mag, ids, ra=ra, dec=dec, bands=band, loss="soft_l1", keep=1)
    assert np.mean(t["flags"] & FitFlag.CONVERGED == 0) <= 0.01
    assert np.percentile(t["n_iter"], 90) < 40
    a0, d0 = np.radians(t["alpha0"].value)[ids], np.radians(t["delta0"].value)[ids]
    r, d = np.radians(ra), np.radians(dec)
    cos_lambda = np.cos(d) * np.cos(d0) * np.cos(r - a0) + np.sin(d) * np.sin(d0)
    on_kink = np.bincount(ids, np.abs(cos_lambda) < 1e-9) > 0
    assert 0.05 < on_kink.mean() < 0.4
