"""Property tests: round trips and consistency between the exact and fast paths."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sbpy_filter_transform.transform import transform

slopes = arrays(np.float64, 5, elements=st.floats(-10, 35, allow_nan=False))
mags = arrays(np.float64, 5, elements=st.floats(5, 25, allow_nan=False))
bands = st.sampled_from(["LSST g", "LSST r", "LSST i", "ATLAS o", "ATLAS c", "PS1 w"])


@settings(max_examples=25, deadline=None)
@given(mags=mags, slope=slopes, from_band=bands, to_band=bands)
def test_round_trip_with_per_object_slopes(mags, slope, from_band, to_band):
    there = transform(mags, from_band, to_band, slope=slope).value
    back = transform(there, to_band, from_band, slope=slope).value
    np.testing.assert_allclose(back, mags, rtol=0, atol=1e-10)


@settings(max_examples=25, deadline=None)
@given(slope=slopes)
def test_offsets_add_up_through_an_intermediate_band(slope):
    zero = np.zeros_like(slope)
    direct = transform(zero, "ATLAS o", "LSST g", slope=slope).value
    via = transform(
        transform(zero, "ATLAS o", "LSST r", slope=slope).value, "LSST r", "LSST g", slope=slope
    ).value
    np.testing.assert_allclose(via, direct, rtol=0, atol=1e-10)
