"""Tests of the sbpy-phasefit command line."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from astropy.table import QTable, Table

from sbpy_phasefit import FitFlag, __version__, fit_phase_curves
from sbpy_phasefit.cli import main
from sbpy_phasefit.models import HG12


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_console_script_runs_as_module():
    out = subprocess.run(
        [sys.executable, "-m", "sbpy_phasefit", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert __version__ in out.stdout


def test_demo_writes_tables_and_figure(tmp_path, capsys):
    assert main(["demo", "--output", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out
    for name in ("HG", "HG12", "HG12PEN16", "HG1G2"):
        path = tmp_path / "out" / f"carbognani2019_{name}.ecsv"
        assert f"wrote {path}" in printed
        table = QTable.read(path)
        assert len(table) == 7
        assert table.meta["model"] == name
        assert np.all(table["flags"] & FitFlag.CONVERGED)
        assert table["covariance"].shape[1:] == (len(table.meta["param_names"]),) * 2
    figure = tmp_path / "out" / "carbognani2019_HG12.png"
    assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list((tmp_path / "out").glob(".*"))  # no temporary files left behind


@pytest.fixture
def observations(tmp_path):
    """A CSV of two objects in two bands, rows interleaved."""
    rng = np.random.default_rng(0)
    alpha = rng.uniform(1, 30, 40)
    ids = np.tile(["2001 AB", "433"], 20)
    band = np.repeat(["g", "r"], 20)
    h = np.where(band == "g", 15.5, 15.0) + np.where(ids == "433", 1.0, 0.0)
    mag = HG12().evaluate(alpha, h, 0.4).value + rng.normal(0, 0.02, 40)
    table = Table({"obj": ids, "alpha": alpha, "m": mag, "sig": np.full(40, 0.02), "band": band})
    path = tmp_path / "obs.csv"
    table.write(path, format="ascii.csv")
    return path, table


def test_fit_csv_to_ecsv(observations, tmp_path, capsys):
    path, data = observations
    out = tmp_path / "fits.ecsv"
    args = ["fit", str(path), "-o", str(out), "--model", "HG12", "--id-col", "obj",
            "--phase-col", "alpha", "--mag-col", "m", "--err-col", "sig", "--no-progress"]  # fmt: skip
    assert main(args) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    table = QTable.read(out)
    direct = fit_phase_curves(data["alpha"], data["m"], data["obj"], data["sig"], model="HG12")
    assert list(table["id"]) == ["2001 AB", "433"]
    np.testing.assert_allclose(table["H"].value, direct["H"].value, rtol=0, atol=1e-12)
    # An existing output is kept unless --overwrite is given.
    assert main(args) == 1
    assert "exists" in capsys.readouterr().err
    assert main([*args, "--overwrite"]) == 0


def test_fit_per_band_parquet_to_csv(observations, tmp_path):
    _path, data = observations
    parquet = tmp_path / "obs.parquet"
    data.write(parquet)
    out = tmp_path / "fits.csv"
    args = ["fit", str(parquet), "-o", str(out), "--model", "hg1g2", "--id-col", "obj",
            "--phase-col", "alpha", "--mag-col", "m", "--band-col", "band", "--no-progress"]  # fmt: skip
    assert main([*args, "--loss", "huber", "--clip", "5"]) == 0
    table = Table.read(out, format="ascii.csv")
    assert len(table) == 4
    assert sorted(zip(table["id"].astype(str), table["band"], strict=True)) == [
        ("2001 AB", "g"), ("2001 AB", "r"), ("433", "g"), ("433", "r")
    ]  # fmt: skip
    assert {"cov_H_H", "cov_H_G1", "cov_G1_G2", "cov_G2_G2"} <= set(table.colnames)
    g = table[(table["band"] == "g") & (table["id"].astype(str) == "433")]
    assert abs(g["H"][0] - 16.5) < 0.2


def test_fit_shared_shape(observations, tmp_path, capsys):
    path, data = observations
    out = tmp_path / "shared.ecsv"
    args = ["fit", str(path), "-o", str(out), "--id-col", "obj", "--phase-col", "alpha",
            "--mag-col", "m", "--err-col", "sig", "--band-col", "band", "--no-progress"]  # fmt: skip
    assert main([*args, "--shared-shape"]) == 0
    table = QTable.read(out)
    direct = fit_phase_curves(data["alpha"], data["m"], data["obj"], data["sig"],
                              bands=data["band"], shared_shape=True)  # fmt: skip
    assert table.meta["param_names"] == ["H_g", "H_r", "G12"]
    for name in ("H_g", "H_r", "G12", "chi2_g"):
        np.testing.assert_allclose(np.asarray(table[name]), np.asarray(direct[name]), atol=1e-12)
    flat = tmp_path / "shared.fits"
    assert main([*args, "--shared-shape", "-o", str(flat)]) == 0
    assert {"cov_H_g_H_r", "cov_H_r_G12"} <= set(Table.read(flat).colnames)
    assert main(["fit", str(path), "-o", str(tmp_path / "x.ecsv"), "--id-col", "obj",
                 "--phase-col", "alpha", "--mag-col", "m", "--shared-shape"]) == 1  # fmt: skip
    assert "--shared-shape needs --band-col" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"--mag-col": "nope"}, "column 'nope' not in"),
        ({"--model": "HG3"}, None),
        ({"input": "missing.csv"}, "not found"),
        ({"input": "obs.txt"}, "use a .csv or .parquet"),
        ({"-o": "fits.xlsx"}, "use .ecsv"),
    ],
)
def test_fit_errors_are_one_line(observations, tmp_path, capsys, change, message):
    path, _ = observations
    options = {"input": str(path), "-o": str(tmp_path / "f.ecsv"), "--model": "HG",
               "--id-col": "obj", "--phase-col": "alpha", "--mag-col": "m"}  # fmt: skip
    options.update(
        {k: str(tmp_path / v) if k in ("input", "-o") else v for k, v in change.items()}
    )
    args = ["fit", options.pop("input"), "--no-progress"]
    for key, value in options.items():
        args += [key, value]
    if message is None:  # rejected by argparse itself
        with pytest.raises(SystemExit) as exit_info:
            main(args)
        assert exit_info.value.code == 2
        return
    assert main(args) == 1
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1
    assert not (tmp_path / "f.ecsv").exists()


def test_a_value_that_is_not_a_number_is_named_with_column_and_row(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("id,a,m\n1,1.0,7.0\n1,5.0,7.2\n1,10.0,7.4\n1,abc,7.5\n")
    out = tmp_path / "x.ecsv"
    args = ["fit", str(path), "-o", str(out), "--id-col", "id", "--phase-col", "a",
            "--mag-col", "m", "--no-progress"]  # fmt: skip
    assert main(args) == 1
    err = capsys.readouterr().err
    assert (
        err
        == "sbpy-phasefit: error: column 'a' row 3: 'abc' is not a number; correct or remove it\n"
    )
    assert not out.exists()
    path.write_text("id,a,m,e\n1,1.0,7.0,0.1\n1,5.0,7.2,big\n1,10.0,7.4,0.1\n")
    assert main([*args, "--err-col", "e"]) == 1
    assert "column 'e' row 1: 'big' is not a number" in capsys.readouterr().err


def test_fit_bad_values(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    Table({"id": [1, 1, 1], "a": [1.0, 5.0, 200.0], "m": [7.0, 7.2, 7.5]}).write(
        path, format="ascii.csv"
    )
    base = [
        "fit",
        str(path),
        "--id-col",
        "id",
        "--phase-col",
        "a",
        "--mag-col",
        "m",
        "--no-progress",
    ]
    assert main([*base, "-o", str(tmp_path / "x.ecsv")]) == 1
    assert "outside [0, 180]" in capsys.readouterr().err
    assert not (tmp_path / "x.ecsv").exists()
    assert main([*base, "-o", str(tmp_path / "y.ecsv"), "--invalid", "flag", "--model", "HG"]) == 0
    table = QTable.read(tmp_path / "y.ecsv")
    assert table["flags"][0] & FitFlag.INVALID_POINTS
    assert table["n_points"][0] == 2
