"""Folding and drawing light curves as images."""

import numpy as np
import pandas as pd
import pytest

from tvs_classifier.folding import fold, phase_of_maximum
from tvs_classifier.images import IMPRECISE_ERROR_RATIO, rasterize, render_images
from tvs_classifier.lightcurves import LightCurveError, LightCurves


def test_fold_range_and_bad_periods():
    rng = np.random.default_rng(0)
    t = rng.uniform(50000, 60000, 1000)
    phase = fold(t, 0.3712, epoch=55000.0)
    assert phase.min() >= 0
    assert phase.max() < 1
    assert np.allclose(np.mod(t - 55000.0, 0.3712) / 0.3712, phase, atol=1e-6)
    with pytest.raises(ValueError, match="finite and positive"):
        fold(t, np.nan)
    with pytest.raises(ValueError, match="finite and positive"):
        fold(t, -1.0)


@pytest.mark.parametrize("truth", [0.0, 0.25, 0.6, 0.95])
def test_phase_of_maximum_finds_the_brightest_phase(truth):
    phase = np.random.default_rng(1).uniform(0, 1, 300)
    band = np.arange(300) % 2
    mag = 15 + band - (0.5 - 0.2 * band) * np.cos(2 * np.pi * (phase - truth))
    found = phase_of_maximum(phase, mag, np.full(300, 0.01), np.zeros(300, int), band, 1, 2)
    distance = np.abs(np.mod(found[0] - truth + 0.5, 1.0) - 0.5)
    assert distance < 0.01


def reference_image(phase, scaled, height, width):
    """One band's image drawn point by point (the slow, obvious way)."""
    image = np.zeros((height, width))
    half = width // 2
    for p, s in zip(phase, scaled, strict=True):
        column = min(int(p * half), half - 1)
        row = int(np.clip(np.rint(s * (height - 1)), 0, height - 1))
        image[row, column] = image[row, column + half] = 1
    return image


def test_render_matches_a_point_by_point_drawing(table):
    lcs = LightCurves.from_table(table)
    periods = {"obj0": 0.7, "obj1": 1.9, "obj2": 0.41}
    out = render_images(lcs, periods, bands=("g", "r", "i"), height=20, width=30, align=False)
    assert out.images.shape == (3, 20, 30, 3)
    assert out.images.dtype == np.float32
    assert out.mask.tolist() == [[True, True, False]] * 3
    assert out.bands == ("g", "r", "i")
    for k, object_id in enumerate(out.object_ids):
        lc = lcs[object_id]
        for c, band in enumerate(("g", "r")):
            rows = lc["band"] == band
            mag = lc["mag"][rows].to_numpy()
            scaled = (mag - mag.min()) / (mag.max() - mag.min())
            phase = fold(lc["mjd"][rows].to_numpy(), periods[object_id])
            expected = reference_image(phase, scaled, 20, 30)
            assert np.array_equal(out.images[k, :, :, c], expected)
        assert not out.images[k, :, :, 2].any()


def test_two_cycles_brightest_on_top_and_aligned(table):
    lcs = LightCurves.from_table(table)
    out = render_images(lcs, [0.7, 1.9, 0.41], bands=("g", "r"))
    left, right = out.images[:, :, :32], out.images[:, :, 32:]
    assert np.array_equal(left, right)
    assert out.images[:, 0, :, :].any(axis=1).all()  # brightest point in the top row
    assert out.images[:, -1, :, :].any(axis=1).all()  # faintest in the bottom row
    # aligned: maximum brightness near phase 0, i.e. top-row pixels near the left edge
    top_columns = np.nonzero(out.images[0, 0, :32, 0])[0]
    assert np.min(np.minimum(top_columns, 32 - top_columns)) <= 3


def test_missing_sparse_and_unknown_bands_are_masked_not_invented(table):
    sparse = pd.DataFrame(
        {
            "object_id": "obj0",
            "mjd": [60000.5, 60001.5],
            "band": "i",
            "mag": [15.0, 15.1],
            "mag_err": 0.01,
        }
    )
    lcs = LightCurves.from_table(pd.concat([table, sparse], ignore_index=True))
    out = render_images(lcs, [0.7, np.nan, 0.41], bands=("g", "i", "y"), min_points=3)
    assert out.mask.tolist() == [[True, False, False], [False, False, False], [True, False, False]]
    assert not out.images[:, :, :, 1:].any()
    assert not out.images[1].any()  # no period, no image
    with pytest.raises(LightCurveError, match="none of the bands"):
        render_images(lcs, [1.0, 1.0, 1.0], bands=("ztf_g",))


def test_bad_sizes_and_period_arrays(table):
    lcs = LightCurves.from_table(table)
    with pytest.raises(ValueError, match="must be even"):
        render_images(lcs, [1.0, 1.0, 1.0], bands=("g",), width=33)
    with pytest.raises(ValueError, match="too small"):
        render_images(lcs, [1.0, 1.0, 1.0], bands=("g",), height=1)
    with pytest.raises(ValueError, match="2 periods for 3 objects"):
        render_images(lcs, [1.0, 1.0], bands=("g",))
    with pytest.raises(ValueError, match="columns 'object_id' and 'period'"):
        render_images(lcs, pd.DataFrame({"p": [1.0]}), bands=("g",))


def test_rasterize_ignores_unused_bands():
    image = rasterize(
        np.array([0.5, 0.5]), np.array([0.0, 1.0]), np.array([0, 0]), np.array([0, -1]), 1, 1, 4, 4
    )
    assert image.sum() == 2


def test_an_imprecise_point_does_not_set_the_scale():
    t = np.arange(60) * 0.37
    mag = 18 + 0.3 * np.sin(2 * np.pi * t / 0.9)
    err = np.full(60, 0.02)
    table = pd.DataFrame({"object_id": 1, "mjd": t, "band": "g", "mag": mag, "mag_err": err})
    clean = render_images(LightCurves.from_table(table), [0.9], bands=("g",), align=False).images
    # One point 3 mag too faint, with an error far above the others': drawn, clipped to
    # the bottom row, while every other point stays where it was.
    table.loc[5, ["mag", "mag_err"]] = [21.0, 1.5]
    noisy = render_images(LightCurves.from_table(table), [0.9], bands=("g",), align=False).images
    assert noisy[0, -1, :, 0].sum() >= 1
    assert np.count_nonzero(noisy != clean) <= 4  # the moved point, in both cycles
    assert IMPRECISE_ERROR_RATIO == 5.0
