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
