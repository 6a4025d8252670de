"""Bad input gives a clear error or a flagged result, never a crash or silent garbage."""

from __future__ import annotations

import astropy.units as u
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sbpy_phasefit import FitFlag, fit_phase_curves
from sbpy_phasefit.models import MODELS

GOOD = {"phase": [1.0, 5.0, 10.0, 20.0], "mag": [7.0, 7.3, 7.5, 7.9]}


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"phase": [np.nan, 5.0, 10.0, 20.0]}, "phase angle.*not finite"),
        ({"phase": [1.0, np.inf, 10.0, 20.0]}, "phase angle.*not finite"),
        ({"phase": [1.0, 5.0, 10.0, 181.0]}, r"outside \[0, 180\] deg \(first at index 3\)"),
        ({"phase": [-1.0, 5.0, 10.0, 20.0]}, r"outside \[0, 180\]"),
        ({"mag": [7.0, np.nan, 7.5, 7.9]}, "magnitude.*not finite"),
        ({"mag_err": [0.1, 0.0, 0.1, 0.1]}, "zero or negative"),
        ({"mag_err": [0.1, -0.1, 0.1, 0.1]}, "zero or negative"),
        ({"mag_err": [0.1, np.nan, 0.1, 0.1]}, "error.*not finite"),
    ],
)
def test_unusable_points_raise(change, match):
    kwargs = {**GOOD, **change}
    with pytest.raises(ValueError, match=match):
        fit_phase_curves(**kwargs)


def test_unusable_points_flagged_and_left_out():
    phase = [1.0, 5.0, np.nan, 10.0, 20.0, 3.0]
    mag = [7.0, 7.3, 7.4, 7.5, 7.9, np.inf]
    ids = [1, 1, 1, 1, 1, 2]
    table = fit_phase_curves(phase, mag, ids, invalid="flag", model="HG")
    clean = fit_phase_curves(GOOD["phase"], GOOD["mag"], model="HG")
    assert table["flags"][0] & FitFlag.INVALID_POINTS
    assert table["flags"][0] & FitFlag.CONVERGED
    assert table["n_points"][0] == 4
    assert table["n_dropped"][0] == 1
    assert table["H"][0] == clean["H"][0]
    assert table["flags"][1] & FitFlag.TOO_FEW_POINTS
    assert np.isnan(table["H"][1].value)
    assert table["n_points"][1] == 0


def test_empty_input_gives_empty_table():
    table = fit_phase_curves([], [], [], model="HG1G2")
    assert len(table) == 0
    assert "G2" in table.colnames


def test_single_point_is_flagged():
    table = fit_phase_curves([5.0], [7.0], model="HG12")
    assert table["flags"][0] == FitFlag.TOO_FEW_POINTS
    assert np.isnan(table["H"][0].value)
    assert np.isnan(table["covariance"][0]).all()


def test_min_points():
    table = fit_phase_curves(GOOD["phase"], GOOD["mag"], model="HG12", min_points=5)
    assert table["flags"][0] == FitFlag.TOO_FEW_POINTS


def test_one_phase_angle_is_singular():
    table = fit_phase_curves([10.0, 10.0, 10.0], [7.0, 7.1, 7.2], model="HG")
    assert table["flags"][0] & FitFlag.SINGULAR
    assert np.isnan(table["H_err"][0].value)


def test_all_at_zero_phase_is_singular():
    table = fit_phase_curves([0.0, 0.0, 0.0], [7.0, 7.1, 7.2], model="HG1G2")
    assert table["flags"][0] & FitFlag.SINGULAR
    assert abs(table["H"][0].value - 7.1) < 1e-9


def test_model_undefined_everywhere_is_flagged():
    """Beyond ~152 deg every HG1G2 basis function vanishes for G1 = G2 = 0."""
    table = fit_phase_curves(
        [160.0, 170.0], [7.0, 7.1], model="HG1G2", fixed={"G1": 0.0, "G2": 0.0}
    )
    assert table["flags"][0] & FitFlag.MODEL_UNDEFINED
    assert np.isnan(table["H"][0].value)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"mag": [7.0, 7.3]}, ValueError, "mag has 2 values but phase has 4"),
        ({"ids": [1, 2]}, ValueError, "one entry per point"),
        ({"ids": [1.0, np.nan, 1.0, 1.0]}, ValueError, "NaN"),
        ({"phase": [1, 2, 3, 4] * u.m}, u.UnitConversionError, "angle"),
        ({"mag": [1, 2, 3, 4] * u.s}, u.UnitConversionError, "mag has unit"),
        ({"phase": [[1.0, 2.0], [3.0, 4.0]]}, ValueError, "one-dimensional"),
        ({"model": "nope"}, ValueError, "unknown model"),
        ({"covariance": "huh"}, ValueError, "covariance must be"),
        ({"invalid": "ignore"}, ValueError, "invalid must be"),
        ({"n_threads": 0}, ValueError, "n_threads"),
        ({"error_floor": -0.1}, ValueError, "error_floor"),
        ({"fixed": {"G12": 2.0}}, ValueError, "outside its bounds"),
        ({"fixed": {"X": 2.0}}, ValueError, "unknown parameter"),
        ({"bounds": {"G12": (0.5, 0.1)}}, ValueError, "not an interval"),
        ({"model": "HG1G2", "fixed": {"G1": 0.9}, "init": {"G2": 0.5}}, ValueError, "G1 \\+ G2"),
        ({"fixed": {"G12": [0.1, 0.2]}}, ValueError, "one per object"),
    ],
)
def test_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        fit_phase_curves(**{**GOOD, "model": "HG12", **kwargs})


def test_values_that_are_not_numbers_are_named_with_their_place():
    from astropy.table import Table

    from sbpy_phasefit import fit_obs
    from sbpy_phasefit.models import HG12

    words = np.array(["7.0", "7.3", "7.5", "abc"])  # numpy strings, shown as plain Python ones
    with pytest.raises(ValueError, match="is not a number") as error:
        fit_phase_curves(GOOD["phase"], words)
    assert str(error.value) == "mag[3]: 'abc' is not a number; correct or remove it"
    with pytest.raises(ValueError, match=r"^phase\[1\]: 'x' is not a number"):
        fit_phase_curves([1.0, "x", 10.0, 20.0], GOOD["mag"])
    with pytest.raises(ValueError, match=r"^mag_err\[2\]: 'n/a' is not a number"):
        fit_phase_curves(**GOOD, mag_err=["0.1", "0.1", "n/a", "0.1"])
    with pytest.raises(ValueError, match=r"^G12\[0\]: 'half' is not a number"):
        HG12().evaluate(GOOD["phase"], 7.0, ["half"])
    table = Table({"alpha": GOOD["phase"], "mag": words})
    with pytest.raises(ValueError, match="is not a number") as error:
        fit_obs(table)
    assert str(error.value) == "column 'mag' row 3: 'abc' is not a number; correct or remove it"
    # Numbers written as text are numbers.
    text = fit_phase_curves([str(a) for a in GOOD["phase"]], GOOD["mag"], model="HG")
    assert text["H"].value == pytest.approx(fit_phase_curves(**GOOD, model="HG")["H"].value)


point_values = st.one_of(
    st.floats(min_value=-10, max_value=200, allow_nan=False),
    st.sampled_from([np.nan, np.inf, -np.inf, 0.0, 180.0]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(0, 40),
    data=st.data(),
    model=st.sampled_from(sorted(MODELS)),
    loss=st.sampled_from(["linear", "soft_l1", "cauchy"]),
    clip=st.sampled_from([None, 2.0]),
)
def test_random_ragged_input_never_crashes(n, data, model, loss, clip):
    phase = data.draw(arrays(np.float64, n, elements=point_values))
    mag = data.draw(arrays(np.float64, n, elements=st.one_of(st.floats(-5, 25), st.just(np.nan))))
    err = data.draw(
        arrays(np.float64, n, elements=st.one_of(st.floats(-0.1, 1.0), st.just(np.nan)))
    )
    ids = data.draw(arrays(np.int64, n, elements=st.integers(0, 5)))
    table = fit_phase_curves(
        phase, mag, ids, err, model=model, invalid="flag", loss=loss, clip=clip, n_threads=2
    )
    assert len(table) == np.unique(ids).size
    if n:
        counts = np.bincount(ids)[np.unique(ids)]
        np.testing.assert_array_equal(table["n_points"] + table["n_dropped"], counts)
    for row in table:
        flags = FitFlag(int(row["flags"]))
        fitted = bool(flags & (FitFlag.CONVERGED | FitFlag.MAX_ITER))
        failed = bool(flags & (FitFlag.TOO_FEW_POINTS | FitFlag.MODEL_UNDEFINED))
        assert fitted != failed
        params = [u.Quantity(row[p]).value for p in table.meta["param_names"]]
        assert np.all(np.isfinite(params)) == fitted
        if fitted:
            assert np.isfinite(row["chi2"])
            assert row["chi2"] >= 0
            lower = [b[0] for b in table.meta["bounds"].values()]
            upper = [b[1] for b in table.meta["bounds"].values()]
            assert np.all(np.array(params) >= np.array(lower) - 1e-12)
            assert np.all(np.array(params) <= np.array(upper) + 1e-12)
