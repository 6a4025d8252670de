"""Tests of the tvs-classifier command line."""

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import tvs_classifier
from tvs_classifier import simulate
from tvs_classifier.classifier import trained as trained_module
from tvs_classifier.classifier.trained import TrainedClassifier, load_classifier
from tvs_classifier.cli import main


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    """An exported untrained g, r classifier (fast; real architecture at 16x32)."""
    classifier = TrainedClassifier.untrained(
        {"RRab": "RRL", "RRc": "RRL", "constant": "constant"},
        bands=("g", "r"),
        image_size=(16, 32),
        filters=(2, 2, 2),
        seed=0,
    )
    return classifier.save(tmp_path_factory.mktemp("model") / "clf")


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert tvs_classifier.__version__ in capsys.readouterr().out


def test_console_script_runs_as_module():
    out = subprocess.run(
        [sys.executable, "-m", "tvs_classifier", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert tvs_classifier.__version__ in out.stdout


def test_demo_writes_tables_figure_and_summary(tmp_path, capsys):
    assert main(["demo", "--output", str(tmp_path / "out"), "--no-progress"]) == 0
    printed = capsys.readouterr().out
    assert "duplicate_rows: 12" in printed
    default = load_classifier()
    assert f"classified 25 of 25 objects with model {default.version}" in printed
    table = pd.read_csv(tmp_path / "out" / "periods.csv")
    assert len(table) == 25
    assert {"object_id", "label", "period", "false_alarm_probability", "n_points"} <= set(table)
    assert table["period"].notna().all()
    rrl = table[(table["label"] == "RRL") & table["catalog_period"].notna()]
    assert rrl["agrees_with_catalog"].all()  # the three RR Lyrae with catalog periods
    classes = pd.read_csv(tmp_path / "out" / "classification.csv")
    assert len(classes) == 25
    assert {"label", "prob_RRL", "class", "model_version"} <= set(classes)
    png = (tmp_path / "out" / "folded_light_curves.png").read_bytes()
    assert png.startswith(b"\x89PNG")
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["tvs_classifier_version"] == tvs_classifier.__version__
    assert summary["classification"]["model_version"] == default.version
    assert summary["classification"]["band_map"] == {"ztf_g": "g", "ztf_r": "r"}
    assert not list((tmp_path / "out").glob(".*"))  # no temporary files left


def test_demo_error_is_one_line_and_non_zero(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert main(["demo", "--output", str(blocker / "out"), "--no-progress"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("tvs-classifier: error:")
    assert len(err.splitlines()) == 1


def _light_curve_file(path, n=6, seed=3):
    """A long table of simulated g, r light curves with a per-row period column."""
    lcs, labels = simulate(n, ["RRab", "RRc"], seed=seed, years=2)
    table = lcs.table[lcs.table["band"].isin(["g", "r"])]
    table = table.merge(labels[["object_id", "period"]], on="object_id")
    if path.suffix == ".csv":
        table.to_csv(path, index=False)
    else:
        table.to_parquet(path, index=False)
    return labels


@pytest.mark.parametrize("suffixes", [(".csv", ".parquet"), (".parquet", ".csv")])
def test_classify_writes_one_row_per_object(tmp_path, capsys, model_dir, suffixes):
    source, target = tmp_path / f"in{suffixes[0]}", tmp_path / f"out{suffixes[1]}"
    labels = _light_curve_file(source)
    argv = ["classify", str(source), "-o", str(target), "--period-col", "period"]
    assert main([*argv, "--model", str(model_dir), "--no-progress"]) == 0
    out = pd.read_csv(target) if target.suffix == ".csv" else pd.read_parquet(target)
    assert out["object_id"].tolist() == labels["object_id"].tolist()
    assert (out["period_source"] == "given").all()
    assert out["period"].to_numpy() == pytest.approx(labels["period"].to_numpy())
    assert (out["model_version"] == load_classifier(model_dir).version).all()
    said = capsys.readouterr().out
    assert "classified 6 of 6 objects" in said
    assert "periods: 6 given, 0 searched, 0 without" in said
    assert (out["priors"] == "default").all()
    assert not list(tmp_path.glob(".*"))


def test_classify_joins_periods_from_another_table(tmp_path, capsys, model_dir):
    source, target = tmp_path / "lc.csv", tmp_path / "out.csv"
    labels = _light_curve_file(source)
    catalog = tmp_path / "broker.parquet"  # a period for four of the six, under another name
    labels.iloc[:4].rename(columns={"period": "P_best"}).to_parquet(catalog)
    argv = ["classify", str(source), "-o", str(target), "--model", str(model_dir)]
    assert main([*argv, "--periods", str(catalog), "--period-col", "P_best", "--no-progress"]) == 0
    out = pd.read_csv(target)
    assert out["period_source"].tolist() == ["given"] * 4 + ["found"] * 2
    assert out["period"][:4].to_numpy() == pytest.approx(labels["period"][:4].to_numpy())
    assert f"periods: 4 given from {catalog}, 2 searched, 0 without" in capsys.readouterr().out
    assert main([*argv[:-2], "-o", str(tmp_path / "o2.csv"), "--periods", str(catalog)]) == 1
    assert "--periods needs --period-col" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--period-col", "nope"], "no period column 'nope'"),
        (["--bands", "g,x"], "not bands of the model"),
        (["--model", "/nonexistent"], "does not exist"),
    ],
)
def test_classify_errors_are_one_line(tmp_path, capsys, model_dir, extra, message):
    source = tmp_path / "in.csv"
    _light_curve_file(source, n=2)
    argv = ["classify", str(source), "-o", str(tmp_path / "out.csv"), "--no-progress"]
    if "--model" not in extra:
        argv += ["--model", str(model_dir)]
    assert main([*argv, *extra]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("tvs-classifier: error:")
    assert message in err
    assert len(err.splitlines()) == 1
    assert not (tmp_path / "out.csv").exists()


def test_classify_bad_input_and_output(tmp_path, capsys, model_dir):
    bad = tmp_path / "bad.csv"
    bad.write_text("object_id,mjd,band\n1,2,g\n")
    assert (
        main(["classify", str(bad), "-o", str(tmp_path / "o.csv"), "--model", str(model_dir)]) == 1
    )
    assert "mag" in capsys.readouterr().err
    assert (
        main(["classify", str(bad), "-o", str(tmp_path / "o.txt"), "--model", str(model_dir)]) == 1
    )
    assert ".csv, .parquet, .ecsv or .vot" in capsys.readouterr().err


def test_classify_with_the_default_model_missing(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(trained_module, "DEFAULT_MODEL_DIR", tmp_path / "no_model")
    source = tmp_path / "in.csv"
    _light_curve_file(source, n=2)
    assert main(["classify", str(source), "-o", str(tmp_path / "o.csv")]) == 1
    assert "default model is missing from this installation" in capsys.readouterr().err


def test_classify_dp1_parquet_with_units_goes_through_the_unit_check(tmp_path, capsys, model_dir):
    """A DP1 file read by the command line is checked as read_light_curves checks it."""
    from astropy.table import Table

    table = Table(
        {
            "diaObjectId": [7] * 12,
            "midpointMjdTai": 60600.0 + np.arange(12.0),
            "band": ["g", "r"] * 6,
            "psfFlux": np.full(12, 20.0),
            "psfFluxErr": np.full(12, 0.1),
        }
    )
    table["psfFlux"].unit = "mag"  # magnitudes where fluxes belong
    table["psfFluxErr"].unit = "mag"
    table.write(tmp_path / "dp1.parquet")
    argv = ["classify", str(tmp_path / "dp1.parquet"), "-o", str(tmp_path / "o.csv")]
    assert main([*argv, "--model", str(model_dir), "--no-progress"]) == 1
    assert "mag" in capsys.readouterr().err
    assert not (tmp_path / "o.csv").exists()


def test_train_exports_a_loadable_model(tmp_path, capsys):
    lcs, labels = simulate(40, ["RRab", "RRc"], seed=2, years=1)
    table = lcs.table.merge(labels[["object_id", "class", "subclass", "period"]], on="object_id")
    table.to_parquet(tmp_path / "sim.parquet", index=False)
    argv = ["train", str(tmp_path / "sim.parquet"), "-o", str(tmp_path / "model"), "--seed", "1"]
    argv += ["--epochs", "1", "--bands", "g,r", "--image-size", "16x32", "--no-progress"]
    assert main(argv) == 0
    assert "test accuracy" in capsys.readouterr().out
    classifier = load_classifier(tmp_path / "model")
    assert classifier.bands == ("g", "r")
    assert classifier.image_size == (16, 32)
    assert classifier.card["seed"] == 1
    assert classifier.card["training_data"]["file"] == "sim.parquet"


def test_train_needs_labels(tmp_path, capsys):
    lcs, _ = simulate(4, ["RRab"], seed=2, years=1)
    lcs.table.to_parquet(tmp_path / "unlabelled.parquet", index=False)
    assert main(["train", str(tmp_path / "unlabelled.parquet"), "-o", str(tmp_path / "m")]) == 1
    assert "no label column(s)" in capsys.readouterr().err


def test_a_missing_keras_backend_is_one_line_naming_the_extras(tmp_path):
    import os

    source = tmp_path / "in.csv"
    _light_curve_file(source, n=2)
    env = {**os.environ, "KERAS_BACKEND": "not_a_keras_backend"}
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "tvs_classifier",
            "classify",
            str(source),
            "-o",
            str(tmp_path / "o.csv"),
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert out.returncode == 1
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert "tvs-classifier[jax]" in out.stderr
    assert not (tmp_path / "o.csv").exists()
