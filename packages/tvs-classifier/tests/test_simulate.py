"""Tests of the synthetic LSST light curves and of ``tvs-classifier simulate``."""

import json

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from scipy import stats

from tvs_classifier.bands import LSST_BANDS
from tvs_classifier.cli import main
from tvs_classifier.datasets import load_sesar2010_rrlyrae
from tvs_classifier.extinction import LSST_EXTINCTION
from tvs_classifier.simulation import CLASSES, R_MAG_RANGE, simulate
from tvs_classifier.simulation.cadence import n_visits
from tvs_classifier.simulation.ogle import load_ogle3


@pytest.fixture(scope="module")
def simulated():
    return simulate(300, ["RRab", "RRc", "constant"], seed=2024, years=3)


@pytest.fixture(scope="module")
def sesar():
    return load_sesar2010_rrlyrae()


def test_shapes_and_labels(simulated):
    lcs, labels = simulated
    assert len(lcs) == 300
    assert len(labels) == 300
    assert lcs.bands == LSST_BANDS
    assert lcs.object_ids.tolist() == labels["object_id"].tolist()
    assert np.all(lcs.n_points == sum(n_visits(3).values()))
    assert lcs.report.n_dropped == 0
    assert labels["subclass"].value_counts().to_dict() == {
        "RRab": 100,
        "RRc": 100,
        "constant": 100,
    }
    assert set(labels["class"]) == {"RRL", "constant"}
    assert labels.loc[labels["subclass"] == "constant", "period"].isna().all()
    amps = labels[[f"amp_{b}" for b in LSST_BANDS]]
    assert (amps[labels["subclass"] == "constant"] == 0).all().all()
    assert labels["mean_r"].between(*R_MAG_RANGE).all()


def test_reproducible_by_seed():
    a_lcs, a_labels = simulate(12, seed=7, years=1)
    b_lcs, b_labels = simulate(12, seed=7, years=1)
    c_lcs, _ = simulate(12, seed=8, years=1)
    pd.testing.assert_frame_equal(a_lcs.table, b_lcs.table)
    pd.testing.assert_frame_equal(a_labels, b_labels)
    assert not a_lcs.table["mag"].equals(c_lcs.table["mag"])


def test_periods_and_amplitudes_are_the_templates_real_values(simulated, sesar):
    _, labels = simulated
    _, stars = sesar
    chosen = labels[labels["subclass"] == "RRab"]
    source = stars.set_index("id").loc[chosen["sesar_id"]]
    assert (source["type"] == "ab").all()
    np.testing.assert_array_equal(chosen["period"], source["P"])
    for band in "ugriz":
        np.testing.assert_array_equal(chosen[f"amp_{band}"], source[f"{band}A"])
    np.testing.assert_array_equal(chosen["amp_y"], chosen["amp_z"])
    rrab = labels[labels["subclass"] == "RRab"]
    real = stars[stars["type"] == "ab"]
    assert stats.ks_2samp(rrab["period"], real["P"]).pvalue > 0.01
    assert stats.ks_2samp(rrab["amp_r"], real["rA"]).pvalue > 0.01
    assert labels.loc[labels["subclass"] == "RRc", "period"].max() < rrab["period"].median()


def test_colors_are_the_real_stars(sesar):
    _, labels = simulate(3, ["RRab"], seed=2024, years=1, ebv_range=None)  # own colors
    templates, stars = sesar
    curves = templates.drop(columns="phase")
    row = labels.iloc[0]
    star = stars.set_index("id").loc[row["sesar_id"]]
    mean = {b: star[f"{b}0"] + star[f"{b}A"] * curves[f"{star[f'{b}T']}{b}"].mean() for b in "gr"}
    assert row["mean_g"] - row["mean_r"] == pytest.approx(mean["g"] - mean["r"], abs=1e-9)


def test_rrc_are_ogle_rrc_stars(simulated):
    """RRc stars come from the OGLE-III LMC RRc table (smoothed), not Sesar's templates."""
    _, labels = simulated
    rrc = labels[labels["subclass"] == "RRc"]
    assert rrc["sesar_id"].isna().all()
    table = load_ogle3("RRc").dropna(subset=["V"]).set_index("object")
    source = table.loc[rrc["ogle_id"]]
    assert rrc["period"].between(table["period"].min(), table["period"].max()).all()
    ratio = rrc["period"].to_numpy() / source["period"].to_numpy()
    assert np.all(np.abs(np.log10(ratio)) < 0.035)  # 5 kernel bandwidths (0.0068 dex)
    assert stats.ks_2samp(rrc["period"], table["period"]).pvalue > 0.01
    assert (rrc["amp_g"] > rrc["amp_i"]).all()
    assert rrc["amp_i"].median() == pytest.approx(table["amp_I"].median(), rel=0.2)


def test_noiseless_shape_follows_template():
    lcs, labels = simulate(1, ["RRab"], seed=5, years=10, r_mag_range=(17.0, 17.0))
    row = labels.iloc[0]
    r = lcs.table[lcs.table["band"] == "r"]
    assert r["mag"].mean() == pytest.approx(17.0, abs=0.1)
    spread = r["mag"].max() - r["mag"].min()  # 184 visits, errors ~0.005 mag
    assert spread == pytest.approx(row["amp_r"], abs=0.1)
    phase = ((r["mjd"] - row["epoch_max"]) / row["period"]) % 1.0
    near_max = r[(phase < 0.05) | (phase > 0.97)]["mag"].mean()
    near_min = r[(phase > 0.5) & (phase < 0.8)]["mag"].mean()
    assert near_max < near_min


def test_scatter_of_constant_stars_matches_errors():
    lcs, labels = simulate(40, ["constant"], seed=9, years=3)
    table = lcs.table.merge(
        labels[["object_id", "mean_u", "mean_g", "mean_r", "mean_i", "mean_z", "mean_y"]],
        on="object_id",
    )
    expected = table[[f"mean_{b}" for b in LSST_BANDS]].to_numpy()[
        np.arange(len(table)), pd.Categorical(table["band"], LSST_BANDS).codes
    ]
    pull = (table["mag"] - expected) / table["mag_err"]
    assert abs(pull.mean()) < 0.05
    assert pull.std() == pytest.approx(1.0, abs=0.03)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n": 0}, "n must"),
        ({"n": 2.5}, "n must"),
        ({"n": 3, "classes": ["Cepheid"]}, "unknown or no classes"),
        ({"n": 3, "classes": []}, "classes"),
        ({"n": 3, "classes": ["RRab", "RRab"]}, "repeated"),
        ({"n": 3, "years": 0}, "years"),
        ({"n": 3, "years": 0.01}, "no visits"),
        ({"n": 3, "r_mag_range": (20, 18)}, "r_mag_range"),
        ({"n": 3, "visits": {"g": 100, "V": 100}}, "not LSST bands"),
        ({"n": 3, "visits": {"g": -1}}, ">= 0"),
        ({"n": 3, "visits": {"g": 0, "r": 0}}, "no visits"),
    ],
)
def test_bad_input_raises(kwargs, match):
    with pytest.raises(ValueError, match=match):
        simulate(**kwargs)


def test_other_numbers_of_visits():
    lcs, _ = simulate(3, ["RRab"], seed=2, years=2.5, visits={"g": 570, "r": 570})
    counts = lcs.table.groupby(["object_id", "band"]).size().unstack()
    assert list(counts.columns) == ["g", "r"]  # bands without visits are not observed
    expected = n_visits(2.5, {"g": 570, "r": 570})
    assert (counts == expected["g"]).all().all()
    assert expected["g"] == 120  # a two-band survey's 120 points per band in 2.5 years


def test_classes_listed():
    # other families' subclasses (tests/test_pulsators.py, ...) are tested in their files
    assert {"RRab", "RRc", "constant"} <= set(CLASSES)
    assert CLASSES["RRab"] == CLASSES["RRc"] == "RRL"
    assert CLASSES["constant"] == "constant"


def test_cli_simulate_writes_labelled_table(tmp_path, capsys):
    out = tmp_path / "sim.parquet"
    assert main(["simulate", "-n", "6", "-o", str(out), "--seed", "4", "--years", "1"]) == 0
    assert "wrote 6 light curves" in capsys.readouterr().out
    table = pd.read_parquet(out)
    assert list(table.columns) == [
        "object_id",
        "mjd",
        "band",
        "mag",
        "mag_err",
        "class",
        "subclass",
        "period",
    ]
    assert table["object_id"].nunique() == 6
    metadata = json.loads(pq.read_schema(out).metadata[b"tvs_classifier"])
    assert metadata["seed"] == 4
    assert metadata["years"] == 1.0
    _, labels = simulate(6, seed=4, years=1)
    assert table.groupby("object_id")["subclass"].first().tolist() == labels["subclass"].tolist()
    assert [p.name for p in tmp_path.iterdir()] == ["sim.parquet"]


@pytest.mark.parametrize(
    "args",
    [
        ["-n", "0"],
        ["-n", "3", "--years", "-2"],
        ["-n", "3", "--years", "nan"],
        ["-n", "3", "--output-name", "x.csv"],
        ["-n", "3", "--missing-folder"],
    ],
)
def test_cli_simulate_bad_input_is_one_line(tmp_path, capsys, args):
    out = tmp_path / "sim.parquet"
    if "--output-name" in args:
        args, out = args[:2], tmp_path / "sim.csv"
    if "--missing-folder" in args:
        args, out = args[:2], tmp_path / "no" / "sim.parquet"
    if out.parent.is_dir():
        out.write_bytes(b"data already stored")
    assert main(["simulate", *args, "-o", str(out)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("tvs-classifier: error:")
    assert len(err.splitlines()) == 1
    if out.parent.is_dir():
        assert out.read_bytes() == b"data already stored"  # nothing lost
    assert not list(tmp_path.glob(".*"))  # no temporary file left


# Interstellar reddening (tvs_classifier.simulation.reddening)


def test_reddening_changes_only_the_colors():
    classes = ["RRab", "constant", "EC", "DSCT"]
    lcs, labels = simulate(16, classes, seed=31, years=1)
    own_lcs, own = simulate(16, classes, seed=31, years=1, ebv_range=None)
    assert (own["ebv"] == 0).all()
    assert (labels["ebv"] > 0).all()
    for subclass in classes:  # every subclass is reddened, constant stars too
        assert (labels.loc[labels["subclass"] == subclass, "ebv"] > 0).all()
    # the same stars, times and noise draws: only the mean magnitudes differ
    means = [f"mean_{b}" for b in LSST_BANDS]
    pd.testing.assert_frame_equal(
        labels.drop(columns=[*means, "ebv"]), own.drop(columns=[*means, "ebv"])
    )
    pd.testing.assert_frame_equal(
        lcs.table[["object_id", "mjd", "band"]], own_lcs.table[["object_id", "mjd", "band"]]
    )
    np.testing.assert_array_equal(labels["mean_r"], own["mean_r"])
    ratio = LSST_EXTINCTION - LSST_EXTINCTION[LSST_BANDS.index("r")]
    np.testing.assert_allclose(
        labels[means].to_numpy() - own[means].to_numpy(),
        labels["ebv"].to_numpy()[:, None] * ratio,
        atol=1e-12,
    )


def test_reddening_reproducible_by_seed_and_within_range():
    _, a = simulate(20, ["RRab", "constant"], seed=5, years=1, ebv_range=(0.05, 0.2))
    _, b = simulate(20, ["RRab", "constant"], seed=5, years=1, ebv_range=(0.05, 0.2))
    _, c = simulate(20, ["RRab", "constant"], seed=6, years=1, ebv_range=(0.05, 0.2))
    np.testing.assert_array_equal(a["ebv"], b["ebv"])
    assert not np.array_equal(a["ebv"], c["ebv"])
    assert a["ebv"].between(0.05, 0.2).all()
    _, none = simulate(4, ["constant"], seed=5, years=1, ebv_range=(0.0, 0.0))
    assert (none["ebv"] == 0).all()


@pytest.mark.parametrize("ebv_range", [(-0.1, 0.5), (0.0, np.nan), (0.5, 0.1), "high"])
def test_bad_ebv_range_raises(ebv_range):
    with pytest.raises(ValueError, match="ebv_range"):
        simulate(3, ["constant"], seed=1, years=1, ebv_range=ebv_range)
