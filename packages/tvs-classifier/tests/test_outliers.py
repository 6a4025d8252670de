"""Gross outliers: found in folded light curves, kept out of scales, simulated."""

import numpy as np
import pandas as pd
import pytest

from tvs_classifier.bands import LSST_BANDS
from tvs_classifier.classifier.classify import classify
from tvs_classifier.classifier.trained import TrainedClassifier
from tvs_classifier.features import compute_features
from tvs_classifier.images import render_images
from tvs_classifier.lightcurves import LightCurveError, LightCurves
from tvs_classifier.outliers import MIN_POINTS, flag_outliers, outlier_mask
from tvs_classifier.simulation import simulate
from tvs_classifier.simulation.noise import (
    DEPTH_OFFSET_RANGE,
    LSST_M5,
    OUTLIER_FRACTION_RANGE,
    OUTLIER_OFFSET_RANGE,
    PASSBAND_OFFSET_RANGE,
    add_outliers,
    draw_depth_offset,
    magnitude_error,
)


def sinusoids(n=200, epochs=60, bands=("g", "r"), seed=0):
    """Two-band sinusoids: amplitudes 0.1-1 mag, errors 0.005-0.05 mag; and periods."""
    rng = np.random.default_rng(seed)
    period = 10 ** rng.uniform(-1, 1, n)
    rows = n * epochs * len(bands)
    obj = np.repeat(np.arange(n), epochs * len(bands))
    band = np.tile(np.repeat(np.arange(len(bands)), epochs), n)
    t = 60000 + rng.uniform(0, 1000, rows)
    amplitude = rng.uniform(0.1, 1.0, n)[obj] * (1 - 0.2 * band)
    err = rng.uniform(0.005, 0.05, n)[obj]
    mag = 17 + 0.3 * band + amplitude / 2 * np.sin(2 * np.pi * t / period[obj])
    table = pd.DataFrame(
        {
            "object_id": obj,
            "mjd": t,
            "band": np.asarray(bands)[band],
            "mag": mag + rng.normal(0, err),
            "mag_err": err,
        }
    )
    return LightCurves.from_table(table), period


def injected(light_curves, seed, fraction=(0.03, 0.03), offsets=(1.0, 5.0)):
    """The light curves with outliers moved by `add_outliers`, and which rows moved."""
    table = light_curves.table
    mag, moved, _ = add_outliers(
        table["mag"].to_numpy(),
        light_curves.object_index,
        rng=seed,
        fraction_range=fraction,
        offset_range=offsets,
    )
    return LightCurves(table.assign(mag=mag), light_curves.report), moved


@pytest.fixture(scope="module")
def clean_sinusoids():
    return sinusoids()


@pytest.fixture(scope="module")
def rr_lyrae():
    lcs, labels = simulate(150, ["RRab", "RRc"], seed=5, years=10, r_mag_range=(16.5, 20.5))
    return lcs, labels["period"].to_numpy()


@pytest.fixture(scope="module")
def eclipsing():
    lcs, labels = simulate(150, ["ED"], seed=5, years=10)
    return lcs, labels["period"].to_numpy()


def test_injected_outliers_in_sinusoids_are_found(clean_sinusoids):
    lcs, period = clean_sinusoids
    assert not flag_outliers(lcs, period).any()
    noisy, moved = injected(lcs, seed=1)
    flags = flag_outliers(noisy, period)
    assert moved.sum() > 500
    assert flags[moved].mean() >= 0.9  # measured 0.93; misses stay within the amplitude
    assert flags[~moved].mean() <= 0.001


def test_injected_outliers_in_simulated_rr_lyrae_are_found(rr_lyrae):
    lcs, period = rr_lyrae
    assert flag_outliers(lcs, period).mean() <= 0.001
    noisy, moved = injected(lcs, seed=2, fraction=(0.0, 0.05))
    flags = flag_outliers(noisy, period)
    assert moved.sum() > 2000
    assert flags[moved].mean() >= 0.9  # measured 0.94
    assert flags[~moved].mean() <= 0.005


def eclipse_points(lcs):
    """Points clearly fainter than their band's median: in eclipse."""
    table = lcs.table
    median = table.groupby(["object_id", "band"])["mag"].transform("median").to_numpy()
    depth = table["mag"].to_numpy() - median
    return depth > np.maximum(0.1, 5 * table["mag_err"].to_numpy())


def test_detached_binaries_keep_their_eclipses(eclipsing):
    lcs, period = eclipsing
    in_eclipse = eclipse_points(lcs)
    assert in_eclipse.sum() > 2000
    flags = flag_outliers(lcs, period)
    assert flags[in_eclipse].mean() <= 0.005  # measured 0.001
    noisy, moved = injected(lcs, seed=3, fraction=(0.0, 0.05))
    flags = flag_outliers(noisy, period)
    assert flags[in_eclipse & ~moved].mean() <= 0.005
    assert flags[moved].mean() >= 0.85  # measured 0.92


def test_an_eclipse_of_two_points_survives_a_lone_point_does_not():
    phase = np.linspace(0, 1, 80, endpoint=False)
    mag = 15 + 0.02 * np.sin(2 * np.pi * phase)
    mag[[40, 41]] += [1.5, 1.2]  # two consecutive points in eclipse
    mag[16] += 1.5  # a lone one
    mag[60] -= 1.5  # a lone bright one
    zeros = np.zeros(80, dtype=int)
    flags = outlier_mask(phase, mag, np.full(80, 0.01), zeros, zeros, 1, 1)
    assert np.flatnonzero(flags).tolist() == [16, 60]


def test_an_eclipse_seen_once_per_band_is_supported_by_the_other_band():
    # One eclipse point in each of two bands, at nearly the same phase.
    phase = np.r_[
        np.linspace(0, 1, 40, endpoint=False), np.linspace(0.0125, 1, 40, endpoint=False)
    ]
    band = np.repeat([0, 1], 40)
    mag = 15 + 0.3 * band + 0.02 * np.sin(2 * np.pi * phase)
    mag[[20, 60]] += [1.4, 1.2]
    zeros = np.zeros(80, dtype=int)
    flags = outlier_mask(phase, mag, np.full(80, 0.01), zeros, band, 1, 2)
    assert not flags.any()
    # In one band alone, the same point is a lone outlier.
    one = outlier_mask(phase[:40], mag[:40], np.full(40, 0.01), zeros[:40], zeros[:40], 1, 1)
    assert np.flatnonzero(one).tolist() == [20]


def test_sparse_bands_and_objects_without_period_are_not_tested():
    phase = np.linspace(0, 1, MIN_POINTS - 1, endpoint=False)
    mag = np.full(phase.size, 15.0)
    mag[3] += 3.0
    zeros = np.zeros(phase.size, dtype=int)
    assert not outlier_mask(phase, mag, np.full(phase.size, 0.01), zeros, zeros, 1, 1).any()
    lcs, period = sinusoids(n=3, seed=4)
    noisy, _ = injected(lcs, seed=4, fraction=(0.1, 0.1))
    flags = flag_outliers(noisy, [period[0], np.nan, -1.0])
    assert flags[noisy.object_index == 0].any()
    assert not flags[noisy.object_index > 0].any()


def test_images_and_features_of_clean_light_curves_are_unchanged(clean_sinusoids, rr_lyrae):
    for lcs, period in (clean_sinusoids, rr_lyrae):
        bands = lcs.bands
        flags = flag_outliers(lcs, period, bands=bands)
        clean = ~np.isin(np.arange(len(lcs)), lcs.object_index[flags])
        on = render_images(lcs, period, bands=bands)
        off = render_images(lcs, period, bands=bands, outliers=False)
        np.testing.assert_array_equal(on.images[clean], off.images[clean])
        np.testing.assert_array_equal(on.phase_offset[clean], off.phase_offset[clean])
        features_on = compute_features(lcs, period, bands=bands)
        features_off = compute_features(lcs, period, bands=bands, outliers=False)
        pd.testing.assert_frame_equal(features_on[clean], features_off[clean])
        assert clean.mean() >= 0.95


def test_an_outlier_sets_neither_the_scale_nor_the_amplitude():
    t = np.arange(80) * 0.37
    mag = 18 + 0.3 * np.sin(2 * np.pi * t / 0.9)
    table = pd.DataFrame({"object_id": 1, "mjd": t, "band": "g", "mag": mag, "mag_err": 0.02})
    clean_lcs = LightCurves.from_table(table)
    clean = render_images(clean_lcs, [0.9], bands=("g",), align=False).images
    clean_features = compute_features(clean_lcs, [0.9], bands=("g",))
    table.loc[5, "mag"] = 21.0  # 3 mag too faint, with an ordinary error
    lcs = LightCurves.from_table(table)
    assert np.flatnonzero(flag_outliers(lcs, [0.9])).tolist() == [5]
    noisy = render_images(lcs, [0.9], bands=("g",), align=False).images
    assert noisy[0, -1, :, 0].sum() >= 1  # drawn, clipped to the bottom row
    assert np.count_nonzero(noisy != clean) <= 4  # only the moved point, in both cycles
    features = compute_features(lcs, [0.9], bands=("g",))
    assert features.loc[1, "n_g"] == 80
    assert abs(features.loc[1, "amp_g"] - clean_features.loc[1, "amp_g"]) < 0.01
    assert abs(features.loc[1, "mean_g"] - clean_features.loc[1, "mean_g"]) < 0.01
    unguarded = compute_features(lcs, [0.9], bands=("g",), outliers=False)
    assert unguarded.loc[1, "mean_g"] - clean_features.loc[1, "mean_g"] > 0.03
    # Nor the alignment: the phase of maximum is that of the other 79 points.
    aligned = render_images(lcs, [0.9], bands=("g",)).phase_offset[0]
    without = render_images(LightCurves.from_table(table.drop(index=5)), [0.9], bands=("g",))
    assert aligned == pytest.approx(without.phase_offset[0], abs=1e-12)
    unaligned = render_images(lcs, [0.9], bands=("g",), outliers=False).phase_offset[0]
    assert abs(unaligned - aligned) > 0.005


def test_classify_counts_the_outliers():
    lcs, period = sinusoids(n=4, seed=6)
    table = lcs.table.copy()
    r_rows = np.flatnonzero((table["object_id"] == 1) & (table["band"] == "r"))
    table.loc[r_rows[[0, r_rows.size // 2]], "mag"] += [3.0, -2.5]
    clf = TrainedClassifier.untrained(
        {"RRab": "RRL", "RRc": "RRL"}, bands=("g", "r"), image_size=(16, 32), filters=(2, 2, 2)
    )
    out = classify(table, period, classifier=clf, progress=False)
    assert out["n_outliers"].tolist() == [0, 2, 0, 0]


def test_bad_input_raises(clean_sinusoids):
    lcs, period = clean_sinusoids
    with pytest.raises(LightCurveError, match="none of the bands"):
        flag_outliers(lcs, period, bands=("u",))
    with pytest.raises(ValueError, match="periods for"):
        flag_outliers(lcs, period[:5])
    with pytest.raises(ValueError, match="one flag per row"):
        render_images(lcs, period, bands=("g", "r"), outliers=np.zeros(3, bool))
    with pytest.raises(ValueError, match="one flag per row"):
        compute_features(lcs, period, bands=("g", "r"), outliers=np.zeros(3, bool))


def test_add_outliers_reproducible_and_within_its_ranges():
    mag = np.full(200_000, 18.0)
    obj = np.repeat(np.arange(2000), 100)
    a = add_outliers(mag, obj, rng=7)
    b = add_outliers(mag, obj, rng=7)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)
    observed, moved, fraction = a
    assert fraction.shape == (2000,)
    assert fraction.min() >= OUTLIER_FRACTION_RANGE[0]
    assert fraction.max() <= OUTLIER_FRACTION_RANGE[1]
    assert moved.mean() == pytest.approx(np.mean(OUTLIER_FRACTION_RANGE), abs=0.002)
    offset = observed - mag
    assert np.all(offset[~moved] == 0)
    size = np.abs(offset[moved])
    assert size.min() >= OUTLIER_OFFSET_RANGE[0]
    assert size.max() <= OUTLIER_OFFSET_RANGE[1]
    # Log-uniform: the median size is the geometric mean of the range.
    assert np.median(size) == pytest.approx(np.sqrt(np.prod(OUTLIER_OFFSET_RANGE)), rel=0.05)
    assert (offset[moved] > 0).mean() == pytest.approx(0.5, abs=0.03)
    observed, moved, fraction = add_outliers(mag, obj, rng=8, fraction_range=(0.0, 0.0))
    assert not moved.any()
    assert np.all(observed == mag)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"fraction_range": (0.1, 0.05)}, "fraction_range"),
        ({"fraction_range": (-0.1, 0.05)}, "fraction_range"),
        ({"fraction_range": "few"}, "fraction_range"),
        ({"offset_range": (0.0, 5.0)}, "offset_range"),
        ({"offset_range": (2.0, 1.0)}, "offset_range"),
    ],
)
def test_add_outliers_bad_ranges_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        add_outliers(np.zeros(3), np.zeros(3, int), **kwargs)


def test_add_outliers_bad_arrays_raise():
    with pytest.raises(ValueError, match="one length"):
        add_outliers(np.zeros(3), np.zeros(4, int))
    with pytest.raises(ValueError, match="integers >= 0"):
        add_outliers(np.zeros(3), np.array([0, -1, 0]))
    with pytest.raises(ValueError, match="integers >= 0"):
        add_outliers(np.zeros(3), np.zeros(3))


def test_depth_offsets_give_old_survey_errors_and_stay_above_the_star():
    mean_r = np.random.default_rng(0).uniform(16.5, 23.5, 5000)
    offset = draw_depth_offset(mean_r, rng=1)
    np.testing.assert_array_equal(offset, draw_depth_offset(mean_r, rng=1))
    assert offset.min() >= DEPTH_OFFSET_RANGE[0]
    assert offset.max() <= DEPTH_OFFSET_RANGE[1]
    assert np.all(LSST_M5["r"] - offset >= mean_r)
    # The deepest cut gives 0.1-0.2 mag at 19 mag, as in photographic and early CCD surveys.
    error = magnitude_error(19.0, "r", m5=LSST_M5["r"] - DEPTH_OFFSET_RANGE[1])
    assert 0.1 < error < 0.2
    with pytest.raises(ValueError, match="depth_range"):
        draw_depth_offset(mean_r, depth_range=(3.0, 1.0))
    with pytest.raises(ValueError, match="finite"):
        draw_depth_offset([np.nan])


def test_simulated_outliers_and_depths_change_nothing_else():
    base_lcs, base = simulate(40, ["RRab", "ED", "constant"], seed=9, years=2)
    kwargs = {"depth_offset_range": (0.0, 5.0), "outlier_fraction_range": (0.0, 0.05)}
    lcs, labels = simulate(40, ["RRab", "ED", "constant"], seed=9, years=2, **kwargs)
    again_lcs, again = simulate(40, ["RRab", "ED", "constant"], seed=9, years=2, **kwargs)
    pd.testing.assert_frame_equal(lcs.table, again_lcs.table)
    pd.testing.assert_frame_equal(labels, again)
    # Same stars, times and bands; only the magnitudes and errors differ.
    new = ["depth_offset", "outlier_fraction", "n_outliers"]
    pd.testing.assert_frame_equal(labels.drop(columns=new), base)
    for column in ("object_id", "mjd", "band"):
        pd.testing.assert_series_equal(lcs.table[column], base_lcs.table[column])
    assert (lcs.table["mag_err"] >= base_lcs.table["mag_err"]).all()
    assert labels["depth_offset"].between(0, 5).all()
    assert labels["outlier_fraction"].between(0, 0.05).all()
    assert labels["n_outliers"].sum() > 0
    # Outliers alone: the errors and all other points are those of the plain simulation.
    only, only_labels = simulate(
        40, ["RRab", "ED", "constant"], seed=9, years=2, outlier_fraction_range=(0.05, 0.05)
    )
    pd.testing.assert_series_equal(only.table["mag_err"], base_lcs.table["mag_err"])
    moved = (only.table["mag"] != base_lcs.table["mag"]).to_numpy()
    assert moved.sum() == only_labels["n_outliers"].sum()
    step = np.abs(only.table["mag"] - base_lcs.table["mag"]).to_numpy()[moved]
    assert step.min() >= OUTLIER_OFFSET_RANGE[0]
    assert step.max() <= OUTLIER_OFFSET_RANGE[1]


def test_passband_offsets_move_only_the_mean_magnitudes():
    base_lcs, base = simulate(40, ["RRab", "ED", "constant"], seed=9, years=2)
    lcs, labels = simulate(
        40,
        ["RRab", "ED", "constant"],
        seed=9,
        years=2,
        passband_offset_range=PASSBAND_OFFSET_RANGE,
    )
    offsets = labels[[f"passband_offset_{band}" for band in LSST_BANDS]].to_numpy()
    low, high = PASSBAND_OFFSET_RANGE
    assert offsets.min() >= low
    assert offsets.max() <= high
    assert offsets.std() > 0.1  # drawn per light curve and band, not one constant
    means = [f"mean_{band}" for band in LSST_BANDS]
    np.testing.assert_allclose(labels[means].to_numpy(), base[means].to_numpy() + offsets)
    offset_columns = [f"passband_offset_{band}" for band in LSST_BANDS]
    pd.testing.assert_frame_equal(
        labels.drop(columns=means + offset_columns), base.drop(columns=means)
    )
    for column in ("object_id", "mjd", "band"):
        pd.testing.assert_series_equal(lcs.table[column], base_lcs.table[column])
    # Every point moves by its light curve's offset in its band, up to the noise.
    table = lcs.table
    band_index = table["band"].map(LSST_BANDS.index).to_numpy()
    expected = offsets[table["object_id"].to_numpy(), band_index]
    step = (table["mag"] - base_lcs.table["mag"]).to_numpy()
    assert np.median(np.abs(step - expected)) < 0.01
    with pytest.raises(ValueError, match="offset_range"):
        simulate(3, ["RRab"], seed=1, years=1, passband_offset_range=(0.3, -0.3))


def test_bad_simulation_ranges_raise():
    with pytest.raises(ValueError, match="fraction_range"):
        simulate(3, ["RRab"], seed=1, years=1, outlier_fraction_range=(0.5, 0.1))
    with pytest.raises(ValueError, match="depth_range"):
        simulate(3, ["RRab"], seed=1, years=1, depth_offset_range=(-1.0, 2.0))
