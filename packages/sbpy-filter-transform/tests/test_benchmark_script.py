"""The benchmark script runs and reports what issue 3 (item 10) asks; nothing is timed."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_engine.py"


def test_benchmark_writes_ratios_and_agreement(tmp_path, capsys):
    if not SCRIPT.is_file():
        pytest.skip("benchmarks/ is not beside the tests (installed test copy)")
    spec = importlib.util.spec_from_file_location("bench_engine", SCRIPT)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    out = tmp_path / "bench.json"
    args = ["--json", str(out), "--spectra", "40", "--sample", "2"]
    assert bench.main([*args, "--magnitudes", "2000", "--objects", "2"]) == 0
    result = json.loads(out.read_text())
    engine, slope = result["engine_vs_synphot"], result["slope_transform_vs_synphot"]
    # Ratios against the anchor measured in the same run, and the agreement (1e-4 mag).
    assert engine["speedup"] > 0
    assert slope["speedup"] > 0
    assert engine["max_abs_diff_mag"] < 1e-4
    assert slope["max_abs_diff_mag"] < 1e-4
    assert engine["bands"] == 6
    assert slope["magnitudes_per_s"] > 0
    assert "ratio" in capsys.readouterr().out


def _load(name: str):
    path = SCRIPT.parent / f"{name}.py"
    if not path.is_file():
        pytest.skip("benchmarks/ is not beside the tests (installed test copy)")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sbpy_calib_benchmark_reports_ratio_and_agreement(tmp_path, capsys):
    bench = _load("bench_sbpy_calib")
    out = tmp_path / "calib.json"
    assert bench.main(["--json", str(out), "--slopes", "50", "--sample", "2"]) == 0
    result = json.loads(out.read_text())
    colors = result["reddened_colors"]
    assert colors["slopes"] == 50
    assert colors["sbpy_sample"] == 2
    assert colors["speedup"] > 0
    assert result["from_default"]["speedup"] > 0
    assert colors["max_diff_mag"] < 1e-10
    assert colors["max_rel_diff_wave"] < 1e-10
    assert "ratio" in capsys.readouterr().out


def test_sbpy_profile_times_every_call(tmp_path):
    profile = _load("profile_sbpy")
    out = tmp_path / "profile.json"
    assert profile.main(["--rows", "1000", "--json", str(out)]) == 0
    result = json.loads(out.read_text())
    assert len(result["results"]) == len(profile.CASES)
    for entry in result["results"]:
        assert entry["seconds_1000"] > 0
        assert entry["where"], entry["call"]
