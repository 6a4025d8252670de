"""Fits of several bands: each band on its own, or one shape shared by all bands."""

from __future__ import annotations

import astropy.units as u
import numpy as np
import pytest
from astropy.table import vstack
from scipy.optimize import least_squares

from sbpy_phasefit import FitFlag, fit_phase_curves, get_model, to_sbpy, to_ssobject
from sbpy_phasefit.results import SSOBJECT_BAND_COLUMNS, param_names

#: Per model: the shape parameters shared by every band.
SHAPES = {"HG12": (0.45,), "HG1G2": (0.35, 0.3), "HG": (0.2,), "LINEAR": (0.035,)}
#: H per band: a color of g - r = 0.6, r - i = 0.2.
H_BANDS = {"g": 15.6, "i": 14.8, "r": 15.0}


def simulate(name: str, n_obj: int, n_pts: int, noise: float, seed: int = 3):
    """Flat phase, mag, id and band arrays: every object seen in g, r and i."""
    rng = np.random.default_rng(seed)
    model = get_model(name)
    bands = rng.choice(sorted(H_BANDS), size=(n_obj, n_pts))
    bands[:, :6] = ["g", "g", "r", "r", "i", "i"]  # at least two points per band
    offset = rng.normal(0.0, 0.5, (n_obj, 1))
    h = np.vectorize(H_BANDS.get)(bands) + offset
    alpha = rng.uniform(0.5, 35.0, (n_obj, n_pts))
    mag = model.evaluate(alpha, h, *SHAPES[name]).value + rng.normal(0.0, noise, alpha.shape)
    ids = np.repeat(np.arange(n_obj), n_pts)
    return alpha.ravel(), mag.ravel(), ids, bands.ravel(), offset.ravel()


@pytest.mark.parametrize("name", ["HG12", "HG1G2"])
def test_shared_shape_recovers_parameters(name):
    alpha, mag, ids, bands, offset = simulate(name, 40, 45, noise=0.02)
    t = fit_phase_curves(alpha, mag, ids, np.full(mag.size, 0.02), bands=bands,
                         shared_shape=True, model=name)  # fmt: skip
    shape = get_model(name).param_names[1:]
    assert param_names(t) == ["H_g", "H_i", "H_r", *shape]
    assert t.meta["param_names"] == param_names(t)
    assert t.meta["bands"] == ["g", "i", "r"]
    assert (t["flags"] & FitFlag.CONVERGED).all()
    assert t["covariance"].shape == (40, 3 + len(shape), 3 + len(shape))
    assert (t["dof"] == 45 - 3 - len(shape)).all()
    for b, h in H_BANDS.items():
        pull = (t[f"H_{b}"].value - h - offset) / t[f"H_{b}_err"].value
        assert np.abs(pull).max() < 5
        assert np.abs(np.mean(pull)) < 1
        np.testing.assert_allclose(t[f"chi2_{b}"].sum(), np.nansum(t[f"chi2_{b}"]))
    for p, truth in zip(shape, SHAPES[name], strict=True):
        assert np.abs((t[p] - truth) / t[f"{p}_err"]).max() < 5
    chi2_bands = sum(np.asarray(t[f"chi2_{b}"]) for b in H_BANDS)
    np.testing.assert_allclose(chi2_bands, t["chi2"], rtol=1e-9)
    assert (sum(np.asarray(t[f"n_points_{b}"]) for b in H_BANDS) == t["n_points"]).all()


@pytest.mark.parametrize(
    ("name", "shape"),
    [("HG12", None), ("HG12", (0.12,)), ("HG1G2", None), ("HG", None), ("LINEAR", None)],
)
def test_shared_shape_equals_scipy_on_the_stacked_problem(name, shape, monkeypatch):
    if shape is not None:  # HG12 below its break at G12 = 0.2
        monkeypatch.setitem(SHAPES, name, shape)
    alpha, mag, ids, bands, _ = simulate(name, 6, 30, noise=0.03, seed=5)
    err = np.random.default_rng(1).uniform(0.01, 0.05, mag.size)
    t = fit_phase_curves(alpha, mag, ids, err, bands=bands, shared_shape=True, model=name)
    model = get_model(name)
    names = sorted(H_BANDS)
    for k in range(6):
        sel = ids == k
        col = np.searchsorted(names, bands[sel])

        def residuals(p, sel=sel, col=col):
            pred = model.evaluate(alpha[sel], p[col], *p[3:]).value
            return (mag[sel] - pred) / err[sel]

        lo = [-np.inf] * 3 + [b[0] for b in model.bounds[1:]]
        hi = [np.inf] * 3 + [b[1] for b in model.bounds[1:]]
        start = [15.0, 15.0, 15.0, *model.defaults[1:]]
        ref = least_squares(residuals, start, bounds=(lo, hi), x_scale="jac",
                            xtol=1e-15, ftol=1e-15, gtol=1e-15)  # fmt: skip
        ours = np.array([u.Quantity(t[p][k]).value for p in param_names(t)])
        np.testing.assert_allclose(ours, ref.x, rtol=0, atol=1e-6)
        assert t["chi2"][k] <= 2 * ref.cost * (1 + 1e-9)
        # Absolute covariance: the inverse of J^T J of the whitened residuals.
        cov = np.linalg.inv(ref.jac.T @ ref.jac)
        np.testing.assert_allclose(t["covariance"][k], cov, rtol=1e-4, atol=1e-10)


@pytest.mark.parametrize("name", ["HG12", "HG1G2"])
def test_shared_equals_separate_without_noise(name):
    alpha, mag, ids, bands, offset = simulate(name, 5, 30, noise=0.0)
    shared = fit_phase_curves(alpha, mag, ids, bands=bands, shared_shape=True, model=name)
    separate = fit_phase_curves(alpha, mag, ids, bands=bands, model=name)
    assert list(separate["band"]) == ["g", "i", "r"] * 5
    assert list(separate["id"]) == list(np.repeat(np.arange(5), 3))
    shape = get_model(name).param_names[1:]
    for b, h in H_BANDS.items():
        rows = separate["band"] == b
        np.testing.assert_allclose(shared[f"H_{b}"].value, separate["H"][rows].value, atol=1e-6)
        np.testing.assert_allclose(shared[f"H_{b}"].value, h + offset, atol=1e-6)
        for p in shape:
            np.testing.assert_allclose(shared[p], separate[p][rows], atol=1e-6)
    for p, truth in zip(shape, SHAPES[name], strict=True):
        np.testing.assert_allclose(shared[p], truth, atol=1e-6)


def test_one_band_shared_equals_plain_fit():
    alpha, mag, ids, _, _ = simulate("HG12", 8, 20, noise=0.03)
    plain = fit_phase_curves(alpha, mag, ids, model="HG12")
    shared = fit_phase_curves(alpha, mag, ids, bands=np.full(mag.size, "r"), shared_shape=True)
    np.testing.assert_allclose(shared["H_r"].value, plain["H"].value, atol=1e-9)
    np.testing.assert_allclose(shared["G12"], plain["G12"], atol=1e-9)
    np.testing.assert_allclose(shared["covariance"], plain["covariance"], rtol=1e-7)


def test_band_with_too_few_points_is_left_out_and_flagged():
    alpha, mag, ids, bands, _ = simulate("HG12", 3, 20, noise=0.02)
    keep = ~((ids == 1) & (bands == "i"))
    alpha, mag, ids, bands = alpha[keep], mag[keep], ids[keep], bands[keep]
    alpha, mag, ids, bands = (np.append(x, v) for x, v in
                              zip((alpha, mag, ids, bands), (10.0, 15.3, 1, "i"), strict=True))  # fmt: skip
    t = fit_phase_curves(alpha, mag, ids, bands=bands, shared_shape=True)
    assert t["flags"][1] & FitFlag.BAND_TOO_FEW_POINTS
    assert t["flags"][1] & FitFlag.CONVERGED
    assert not (t["flags"][[0, 2]] & FitFlag.BAND_TOO_FEW_POINTS).any()
    assert np.isnan(t["H_i"][1])
    assert np.isnan(t["H_i_err"][1])
    assert np.isnan(t["covariance"][1][1]).all()
    assert np.isnan(t["covariance"][1][:, 1]).all()
    assert np.isfinite(t["H_g"][1])
    assert np.isfinite(t["G12"][1])
    assert t["n_points_i"][1] == 0
    assert t["n_dropped_i"][1] == 1
    assert t["n_dropped"][1] == 1
    assert t["dof"][1] == t["n_points"][1] - 3
    # With min_band_points=1 the lone point fixes H_i exactly.
    t1 = fit_phase_curves(alpha, mag, ids, bands=bands, shared_shape=True, min_band_points=1)
    assert not t1["flags"][1] & FitFlag.BAND_TOO_FEW_POINTS
    assert t1["n_points_i"][1] == 1
    assert np.isfinite(t1["H_i"][1])
    # Fitted on its own, the band's row has too few points.
    sep = fit_phase_curves(alpha, mag, ids, bands=bands)
    row = (sep["id"] == 1) & (sep["band"] == "i")
    assert sep["flags"][row][0] == FitFlag.TOO_FEW_POINTS


def test_object_without_a_band_gets_nan_there():
    alpha, mag, ids, bands, _ = simulate("HG12", 3, 20, noise=0.02)
    keep = ~((ids == 2) & (bands == "g"))
    t = fit_phase_curves(alpha[keep], mag[keep], ids[keep], bands=bands[keep], shared_shape=True)
    assert t["flags"][2] == FitFlag.CONVERGED
    assert np.isnan(t["H_g"][2])
    assert np.isfinite(t["H_r"][2])
    bounded = fit_phase_curves(alpha[keep], mag[keep], ids[keep], bands=bands[keep],
                               shared_shape=True, bounds={"H": (10.0, 20.0)})  # fmt: skip
    assert bounded["flags"][2] == FitFlag.CONVERGED
    assert t["n_points_g"][2] == 0
    assert t["n_dropped_g"][2] == 0
    assert np.isnan(t["chi2_g"][2])
    assert t["dof"][2] == t["n_points"][2] - 3


def test_invalid_points_counted_per_band():
    alpha, mag, ids, bands, _ = simulate("HG12", 2, 20, noise=0.02)
    mag[0] = np.nan
    t = fit_phase_curves(alpha, mag, ids, bands=bands, shared_shape=True, invalid="flag")
    assert t["flags"][0] & FitFlag.INVALID_POINTS
    assert t[f"n_dropped_{bands[0]}"][0] == 1
    assert t["n_dropped"][0] == 1


def test_fixed_shape_and_bounds_on_h():
    alpha, mag, ids, bands, offset = simulate("HG12", 4, 20, noise=0.0)
    t = fit_phase_curves(alpha, mag, ids, bands=bands, shared_shape=True,
                         fixed={"G12": 0.45}, bounds={"H": (None, 15.5)})  # fmt: skip
    assert (t["G12"] == 0.45).all()
    assert (t["G12_err"] == 0).all()
    assert (t["H_g"].value <= 15.5 + 1e-12).all()
    assert (t["flags"][t["H_g"].value >= 15.5 - 1e-9] & FitFlag.AT_BOUND).all()
    free = t["H_r"].value < 15.4
    np.testing.assert_allclose(t["H_r"].value[free], (H_BANDS["r"] + offset)[free], atol=1e-9)
    with pytest.raises(ValueError, match="shape parameters"):
        fit_phase_curves(alpha, mag, ids, bands=bands, shared_shape=True, fixed={"H": 15})


def test_robust_and_clipped_shared_fit():
    alpha, mag, ids, bands, _ = simulate("HG12", 5, 40, noise=0.02)
    mag[::17] += 1.0
    t = fit_phase_curves(alpha, mag, ids, np.full(mag.size, 0.02), bands=bands,
                         shared_shape=True, loss="soft_l1", clip=5.0)  # fmt: skip
    assert (t["flags"] & FitFlag.CLIPPED).all()
    assert (t["n_dropped"] > 0).all()
    np.testing.assert_allclose(t["G12"], SHAPES["HG12"][0], atol=0.05)


@pytest.mark.parametrize(
    ("options", "error", "match"),
    [
        ({"bands": ["g"] * 5}, ValueError, "bands must have one entry per point"),
        ({"bands": ["g"] * 9 + [np.nan]}, ValueError, "band names must not be"),
        ({"bands": np.array([1.0] * 9 + [np.nan])}, ValueError, "band names must not be NaN"),
        ({"bands": ["g"] * 9 + [""]}, ValueError, "band names must not be empty"),
        ({"bands": ["g"] * 9 + [None]}, ValueError, "band names must not be None"),
        ({"bands": [1, 2] * 5 * u.mag}, TypeError, "plain values"),
        ({"shared_shape": True}, ValueError, "needs bands"),
        ({"bands": ["g"] * 10, "shared_shape": True, "min_band_points": 0}, ValueError,
         "min_band_points"),
        ({"bands": list("abcdefghij"), "shared_shape": True, "model": "HG1G2"}, ValueError,
         "at most 8 bands"),
    ],
)  # fmt: skip
def test_bad_band_input(options, error, match):
    alpha = np.linspace(1, 30, 10)
    with pytest.raises(error, match=match):
        fit_phase_curves(alpha, 15 + 0.03 * alpha, np.zeros(10), **options)


def test_to_ssobject_of_shared_fit():
    alpha, mag, ids, bands, _ = simulate("HG12", 3, 20, noise=0.02)
    keep = ~((ids == 2) & (bands == "i"))
    t = fit_phase_curves(alpha[keep], mag[keep], ids[keep], np.full(keep.sum(), 0.02),
                         bands=bands[keep], shared_shape=True)  # fmt: skip
    sso = to_ssobject(t)
    expected = ["ssObjectId"] + [
        c.format(b=b) for b in ("g", "i", "r") for c in SSOBJECT_BAND_COLUMNS
    ]
    assert sso.colnames == expected
    for j, b in enumerate(("g", "i", "r")):
        fitted = np.isfinite(t[f"H_{b}"])
        np.testing.assert_array_equal(sso[f"{b}_H"].value, t[f"H_{b}"].value)
        np.testing.assert_array_equal(sso[f"{b}_G12"][fitted], t["G12"][fitted])
        np.testing.assert_array_equal(sso[f"{b}_G12Err"][fitted], t["G12_err"][fitted])
        np.testing.assert_array_equal(
            sso[f"{b}_H_{b}_G12_Cov"].value[fitted], t["covariance"][fitted, j, 3]
        )
        np.testing.assert_array_equal(sso[f"{b}_Chi2"], t[f"chi2_{b}"])
        np.testing.assert_array_equal(sso[f"{b}_nObsUsed"], t[f"n_points_{b}"])
        assert not sso[f"{b}_slope_fit_failed"].any()
    assert np.isnan(sso["i_G12"][2])
    assert sso["i_nObs"][2] == 0
    assert sso["g_H"].unit == u.mag
    assert sso["g_phaseAngleMin"].unit == u.deg
    # The same H per band and shape as to_sbpy's model set for that band.
    assert to_sbpy(t, band="r").H.value == pytest.approx(t["H_r"].value)
    with pytest.raises(ValueError, match="pass band="):
        to_sbpy(t)
    held = fit_phase_curves(alpha, mag, ids, bands=bands, shared_shape=True, fixed={"G12": 0.5})
    assert to_ssobject(held)["g_slope_fit_failed"].all()


def test_to_ssobject_after_vstack_of_band_fits():
    alpha, mag, ids, bands, _ = simulate("HG12", 3, 20, noise=0.02)
    per_band = []
    for b in ("g", "r"):
        sel = bands == b
        fit = fit_phase_curves(alpha[sel], mag[sel], ids[sel], model="HG12")
        fit["band"] = b
        per_band.append(fit)
    both = vstack(per_band)  # meta["param_names"] is now concatenated
    assert both.meta["param_names"] == ["H", "G12", "H", "G12"]
    sso = to_ssobject(both)
    np.testing.assert_array_equal(sso["r_H"].value, per_band[1]["H"].value)
    with pytest.raises(ValueError, match="more than one row for an"):
        to_ssobject(vstack([per_band[0], per_band[0]]))
    mislabelled = per_band[0].copy()
    mislabelled.meta["model"] = "HG1G2"
    with pytest.raises(ValueError, match="different models"):
        to_sbpy(mislabelled)


def test_fit_band_of_a_shared_table_takes_the_bands_h_and_the_shared_shape():
    from sbpy_phasefit.plotting import fit_band

    alpha, mag, ids, bands, offset = simulate("HG12", 2, 20, noise=0.0)
    t = fit_phase_curves(alpha, mag, ids, bands=bands, shared_shape=True)
    with pytest.raises(ValueError, match="pass band="):
        fit_band(t, 0, [1.0, 10.0])
    grid = np.array([0.0, 5.0, 20.0])
    best, low, high = fit_band(t, 1, grid, band="i")
    exact = get_model("HG12").evaluate(grid, H_BANDS["i"] + offset[1], *SHAPES["HG12"]).value
    np.testing.assert_allclose(best, exact, atol=1e-8)
    assert np.all(low <= best)
    assert np.all(best <= high)


@pytest.mark.parametrize("shared", [True, False])
def test_plot_draws_every_band_of_every_object(shared):
    import matplotlib

    matplotlib.use("Agg")
    from sbpy_phasefit.plotting import plot_fits

    alpha, mag, ids, bands, _ = simulate("HG12", 3, 20, noise=0.02)
    t = fit_phase_curves(alpha, mag, ids, bands=bands, shared_shape=shared)
    with pytest.raises(ValueError, match="pass bands="):
        plot_fits(t, alpha, mag, ids)
    fig = plot_fits(t, alpha, mag, ids, bands=bands)
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert len(panels) == 3
    for k, ax in enumerate(panels):
        labels = [text.get_text() for text in ax.get_legend().get_texts()]
        assert [label.split(":")[0] for label in labels] == ["g", "i", "r"]
        drawn = [len(line.get_xdata()) for line in ax.lines if line.get_linestyle() == "None"]
        assert drawn == [int(np.sum((ids == k) & (bands == b))) for b in ("g", "i", "r")]


def test_interleaved_input_and_numeric_bands():
    alpha, mag, ids, bands, _ = simulate("HG1G2", 4, 25, noise=0.02)
    ordered = fit_phase_curves(alpha, mag, ids, bands=bands, shared_shape=True, model="HG1G2")
    order = np.random.default_rng(0).permutation(mag.size)
    codes = np.searchsorted(["g", "i", "r"], bands)  # 0, 1, 2
    shuffled = fit_phase_curves(alpha[order], mag[order], ids[order], bands=codes[order],
                                shared_shape=True, model="HG1G2")  # fmt: skip
    assert shuffled.meta["param_names"] == ["H_0", "H_1", "H_2", "G1", "G2"]
    np.testing.assert_allclose(
        np.asarray(shuffled["covariance"]), np.asarray(ordered["covariance"]), rtol=1e-6
    )
    for new, old in (("H_0", "H_g"), ("H_1", "H_i"), ("H_2", "H_r"), ("G1", "G1")):
        np.testing.assert_allclose(np.asarray(shuffled[new]), np.asarray(ordered[old]), atol=1e-9)


@pytest.mark.parametrize(
    "bands",
    [
        np.array(["r", "g", "i", "g", "r"] * 40),
        np.array([b"y", b"u"] * 30),
        np.arange(300) % 5,
        np.array([f"b{k}" for k in np.arange(400) % 20]),  # more than the fast path takes
    ],
    ids=["str", "bytes", "int", "many"],
)
def test_band_codes_equal_numpy_unique(bands):
    """Band codes come from one comparison pass per band (few bands) or from sorting
    (many): either way what ``np.unique`` gives."""
    from sbpy_phasefit._input import band_codes

    names, index = band_codes(bands, bands.size)
    expected_names, expected_index = np.unique(bands, return_inverse=True)
    assert names.dtype == bands.dtype
    np.testing.assert_array_equal(names, expected_names)
    np.testing.assert_array_equal(index, expected_index)
