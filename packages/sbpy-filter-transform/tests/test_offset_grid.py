"""OffsetGrid: interpolation error stated and tested against synphot."""

from __future__ import annotations

import numpy as np
import pytest

from sbpy_filter_transform.offset_grid import OffsetGrid
from sbpy_filter_transform.spectra import blackbody
from sbpy_filter_transform.transform import offset

#: Stated bound: interpolation error of the default grids (vs the engine), mag.
INTERPOLATION_BOUND = 1e-5
#: Total error against synphot: engine (< 1e-4) plus interpolation, mag.
TOTAL_BOUND = 1e-4


@pytest.mark.parametrize(
    ("from_band", "to_band"),
    [("ATLAS o", "LSST u"), ("ATLAS c", "LSST g"), ("PS1 w", "LSST y"), ("LSST g", "LSST r")],
)
@pytest.mark.parametrize(
    ("family", "low", "high"), [("blackbody", 2000.0, 50000.0), ("slope", -15.0, 40.0)]
)
def test_grid_matches_synphot(from_band, to_band, family, low, high):
    grid = OffsetGrid(from_band, to_band, family)
    assert grid.interpolation_error < INTERPOLATION_BOUND
    values = np.random.default_rng(3).uniform(low, high, 4)
    reference = [offset(from_band, to_band, f"{family}:{v}").value for v in values]
    np.testing.assert_allclose(grid(values), reference, rtol=0, atol=TOTAL_BOUND)


def test_derivative_matches_finite_difference():
    grid = OffsetGrid("ATLAS o", "LSST g", "blackbody")
    step = 1.0
    numeric = (grid([6001.0]) - grid([5999.0])) / (2 * step)
    assert grid.derivative([6000.0])[0] == pytest.approx(numeric[0], rel=1e-4)


def test_callable_family():
    nodes = np.geomspace(3000, 30000, 9)
    grid = OffsetGrid("LSST g", "LSST r", blackbody, nodes, log=True)
    assert grid([5000.0])[0] == pytest.approx(
        offset("LSST g", "LSST r", "blackbody:5000").value, abs=2e-3
    )


def test_bad_input():
    grid = OffsetGrid("LSST g", "LSST r", "slope")
    with pytest.raises(ValueError, match="outside the grid"):
        grid([100.0])
    with pytest.raises(ValueError, match="NaN"):
        grid([np.nan])
    with pytest.raises(ValueError, match="Did you mean 'slope'"):
        OffsetGrid("LSST g", "LSST r", "slop")
    with pytest.raises(ValueError, match="needs nodes"):
        OffsetGrid("LSST g", "LSST r", blackbody)
    with pytest.raises(ValueError, match="strictly increasing"):
        OffsetGrid("LSST g", "LSST r", "slope", [1.0, 0.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="reflectance negative"):
        OffsetGrid("LSST g", "LSST y", "slope", [-50.0, 0.0, 10.0, 20.0])
