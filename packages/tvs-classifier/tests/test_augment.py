"""Augmentation by Gaussian-process fits of folded light curves."""

import numpy as np
import pandas as pd
import pytest

from tvs_classifier import LightCurves, simulate
from tvs_classifier.periods import find_period
from tvs_classifier.simulation.augment import (
    BAND_SUBSETS,
    AugmentError,
    augment,
    drop_bands,
    fit_folded_gp,
)


def sinusoid_table(n=200, period=0.6, noise=0.01, bands=("g", "r"), object_id="star", seed=0):
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(61000, 61400, n))
    band = np.asarray(bands)[np.arange(n) % len(bands)]
    mag = 18 + 0.3 * np.sin(2 * np.pi * t / period) + rng.normal(0, noise, n)
    return pd.DataFrame(
        {"object_id": object_id, "mjd": t, "band": band, "mag": mag, "mag_err": noise}
    )


def test_gp_mean_reproduces_a_well_sampled_sinusoid():
    # 200 points, amplitude 0.3 mag, noise 0.01 mag: the GP mean is within 0.01 mag of
    # the true curve at every phase (measured: 0.007), and the noise is not absorbed.
    rng = np.random.default_rng(3)
    phase = rng.uniform(0, 1, 200)
    truth = lambda p: 17 + 0.3 * np.sin(2 * np.pi * p)  # noqa: E731
    gp = fit_folded_gp(phase, truth(phase) + rng.normal(0, 0.01, 200), np.full(200, 0.01))
    grid = np.linspace(0, 1, 500)
    assert np.max(np.abs(gp.mean(grid) - truth(grid))) < 0.01
    assert gp.jitter < 0.01
    # Periodic: phase 1 is phase 0.
    assert gp.mean(np.array([0.999]))[0] == pytest.approx(gp.mean(np.array([0.0]))[0], abs=0.01)


def test_new_light_curves_keep_period_and_labels():
    lcs, labels = simulate(2, ["RRab", "RRc"], seed=5, years=3, r_mag_range=(17, 18))
    new, new_labels = augment(lcs, labels, 2, years=3, mag_shift=(0.0, 1.0), seed=2)
    assert len(new) == 4
    assert new_labels["source_id"].tolist() == [0, 0, 1, 1]
    assert new_labels["object_id"].tolist() == ["0_aug0", "0_aug1", "1_aug0", "1_aug1"]
    for column in ("class", "subclass", "period"):
        assert new_labels[column].tolist() == np.repeat(labels[column].to_numpy(), 2).tolist()
    shifted = new_labels["mean_r"] - np.repeat(labels["mean_r"].to_numpy(), 2)
    assert np.allclose(shifted, new_labels["mag_shift"])
    for object_id, lc in new:
        period = new_labels.set_index("object_id").loc[object_id, "period"]
        found = find_period(
            lc["mjd"], lc["mag"], lc["mag_err"], lc["band"], min_period=0.1, max_period=2
        )
        assert found.period == pytest.approx(period, rel=0.01)


def test_same_seed_same_light_curves():
    lcs = LightCurves.from_table(sinusoid_table())
    labels = pd.DataFrame({"object_id": ["star"], "period": [0.6]})
    first = augment(lcs, labels, 2, years=1, seed=7)[0].table
    again = augment(lcs, labels, 2, years=1, seed=7)[0].table
    other = augment(lcs, labels, 2, years=1, seed=8)[0].table
    pd.testing.assert_frame_equal(first, again)
    assert not first["mjd"].equals(other["mjd"])


def test_original_cadence_and_scaled_noise():
    table = sinusoid_table(bands=("V", "R"))  # not LSST bands: only scaled noise works
    lcs = LightCurves.from_table(table)
    labels = pd.DataFrame({"object_id": ["star"], "period": [0.6]})
    new, _ = augment(
        lcs, labels, cadence="original", noise="scaled", mag_shift=(1, 1), shape="mean", seed=0
    )
    assert np.allclose(new.table["mjd"], lcs.table["mjd"])
    assert new.bands == lcs.bands
    assert np.allclose(new.table["mag_err"], 0.01 * 10**0.4)
    # A random phase, the same shape and amplitude, one magnitude fainter.
    assert new.table["mag"].mean() == pytest.approx(lcs.table["mag"].mean() + 1, abs=0.02)
    assert new.table["mag"].std() == pytest.approx(lcs.table["mag"].std(), abs=0.02)
    with pytest.raises(AugmentError, match="noise='scaled'"):
        augment(lcs, labels, cadence="original", seed=0)


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        (pd.DataFrame({"object_id": ["star"], "period": [np.nan]}), "no finite positive period"),
        (pd.DataFrame({"object_id": ["other"], "period": [0.6]}), "no label or no finite"),
        (pd.DataFrame({"object_id": ["star"]}), r"no column\(s\) \['period'\]"),
    ],
)
def test_objects_without_a_period_raise(labels, message):
    lcs = LightCurves.from_table(sinusoid_table())
    with pytest.raises(AugmentError, match=message):
        augment(lcs, labels)


def test_too_few_points_and_nan_raise():
    labels = pd.DataFrame({"object_id": ["star"], "period": [0.6]})
    sparse = LightCurves.from_table(sinusoid_table(n=18, bands=("g", "r")))
    with pytest.raises(AugmentError, match="no band with at least 10 points"):
        augment(sparse, labels)
    table = sinusoid_table()
    table.loc[3, "mag"] = np.nan
    unchecked = LightCurves(table, LightCurves.from_table(sinusoid_table()).report)
    with pytest.raises(AugmentError, match="NaN or infinite"):
        augment(unchecked, labels)
    with pytest.raises(AugmentError, match="NaN or infinite"):
        fit_folded_gp(np.linspace(0, 1, 20), np.r_[np.nan, np.ones(19)], np.full(20, 0.1))
    with pytest.raises(AugmentError, match="only 5 points"):
        fit_folded_gp(np.linspace(0, 1, 5), np.ones(5), np.full(5, 0.1))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"n_per_object": 0}, "n_per_object"),
        ({"cadence": "ztf"}, "cadence='ztf'"),
        ({"noise": "none"}, "noise='none'"),
        ({"mag_shift": (1, 0)}, "mag_shift"),
    ],
)
def test_bad_options_raise(options, message):
    lcs = LightCurves.from_table(sinusoid_table())
    labels = pd.DataFrame({"object_id": ["star"], "period": [0.6]})
    with pytest.raises(AugmentError, match=message):
        augment(lcs, labels, **options)


def test_drop_bands_keeps_one_subset_per_object():
    lcs, _ = simulate(40, ["RRab", "constant"], seed=3, years=1)
    thinned, chosen = drop_bands(lcs, seed=4)
    assert chosen.shape == (40,)
    assert set(chosen) <= set(range(len(BAND_SUBSETS)))
    for object_id, k in zip(lcs.object_ids, chosen, strict=True):
        if object_id in set(thinned.object_ids):
            assert set(thinned[object_id]["band"]) <= set(BAND_SUBSETS[k])
    again, _ = drop_bands(lcs, seed=4)
    pd.testing.assert_frame_equal(thinned.table, again.table)
    with pytest.raises(ValueError, match="subsets"):
        drop_bands(lcs, [()])
