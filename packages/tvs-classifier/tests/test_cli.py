"""Tests of the tvs-classifier command line."""

import json
import subprocess
import sys

import pandas as pd
import pytest

from tvs_classifier import __version__
from tvs_classifier.cli import NO_MODEL_MESSAGE, main


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_console_script_runs_as_module():
    out = subprocess.run(
        [sys.executable, "-m", "tvs_classifier", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert __version__ in out.stdout


def test_demo_writes_table_figure_and_summary(tmp_path, capsys):
    assert main(["demo", "--output", str(tmp_path / "out"), "--no-progress"]) == 0
    printed = capsys.readouterr().out
    assert NO_MODEL_MESSAGE in printed
    assert "duplicate_rows: 12" in printed
    table = pd.read_csv(tmp_path / "out" / "periods.csv")
    assert len(table) == 25
    assert {"object_id", "label", "period", "false_alarm_probability", "n_points"} <= set(table)
    assert table["period"].notna().all()
    rrl = table[(table["label"] == "RRL") & table["catalogue_period"].notna()]
    assert rrl["agrees_with_catalogue"].all()  # the three RR Lyrae with catalogue periods
    png = (tmp_path / "out" / "folded_light_curves.png").read_bytes()
    assert png.startswith(b"\x89PNG")
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["tvs_classifier_version"] == __version__
    assert summary["classification"] == NO_MODEL_MESSAGE
    assert not list((tmp_path / "out").glob(".*"))  # no temporary files left


def test_demo_error_is_one_line_and_non_zero(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert main(["demo", "--output", str(blocker / "out"), "--no-progress"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("tvs-classifier: error:")
    assert len(err.splitlines()) == 1
