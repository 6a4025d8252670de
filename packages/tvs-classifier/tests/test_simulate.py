"""Tests of the synthetic LSST light curves and of ``tvs-classifier simulate``."""

import json

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from scipy import stats

from tvs_classifier.cadence import n_visits
from tvs_classifier.cli import main
from tvs_classifier.datasets import load_sesar2010_rrlyrae
from tvs_classifier.simulate import CLASSES, R_MAG_RANGE, SIMULATED_BANDS, simulate


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
    assert lcs.bands == SIMULATED_BANDS
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
    amps = labels[[f"amp_{b}" for b in SIMULATED_BANDS]]
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
    by_id = stars.set_index("id")
    for subclass, sesar_type in (("RRab", "ab"), ("RRc", "c")):
        chosen = labels[labels["subclass"] == subclass]
        source = by_id.loc[chosen["sesar_id"]]
        assert (source["type"] == sesar_type).all()
        np.testing.assert_array_equal(chosen["period"], source["P"])
        for band in "ugriz":
            np.testing.assert_array_equal(chosen[f"amp_{band}"], source[f"{band}A"])
        np.testing.assert_array_equal(chosen["amp_y"], chosen["amp_z"])
    rrab = labels[labels["subclass"] == "RRab"]
    real = stars[stars["type"] == "ab"]
    assert stats.ks_2samp(rrab["period"], real["P"]).pvalue > 0.01
    assert stats.ks_2samp(rrab["amp_r"], real["rA"]).pvalue > 0.01
    assert labels.loc[labels["subclass"] == "RRc", "period"].max() < rrab["period"].median()


def test_colours_are_the_real_stars(simulated, sesar):
    _, labels = simulated
    templates, stars = sesar
    curves = templates.drop(columns="phase")
    row = labels.iloc[0]
    star = stars.set_index("id").loc[row["sesar_id"]]
    mean = {b: star[f"{b}0"] + star[f"{b}A"] * curves[f"{star[f'{b}T']}{b}"].mean() for b in "gr"}
    assert row["mean_g"] - row["mean_r"] == pytest.approx(mean["g"] - mean["r"], abs=1e-9)


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
    expected = table[[f"mean_{b}" for b in SIMULATED_BANDS]].to_numpy()[
        np.arange(len(table)), pd.Categorical(table["band"], SIMULATED_BANDS).codes
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
    ],
)
def test_bad_input_raises(kwargs, match):
    with pytest.raises(ValueError, match=match):
        simulate(**kwargs)


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
