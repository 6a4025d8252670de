"""Tests of the sbpy-filter-transform command line."""

import subprocess
import sys

import numpy as np
import pytest

from sbpy_filter_transform import __version__
from sbpy_filter_transform.cli import main


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_console_script_runs_as_module():
    out = subprocess.run(
        [sys.executable, "-m", "sbpy_filter_transform", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert __version__ in out.stdout


def test_demo_writes_table_and_figure(tmp_path, capsys):
    from astropy.table import QTable

    assert main(["demo", "--output", str(tmp_path / "out")]) == 0
    table = QTable.read(tmp_path / "out" / "atlas_sample_lsst.ecsv")
    assert len(table) == 20
    assert "LSST_r" in table.colnames
    assert table.meta["throughput_version"] == "1.9"
    assert "NOT OBSERVED" in table.meta["input"]
    png = tmp_path / "out" / "offsets_vs_slope.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    out = capsys.readouterr().out
    assert "atlas_sample_lsst.ecsv" in out
    assert "offsets_vs_slope.png" in out


def _input_table(tmp_path):
    from astropy.table import Table

    table = Table({"mag": [18.0, 19.0], "err": [0.01, 0.02], "S": [5.0, 15.0]})
    path = tmp_path / "in.csv"
    table.write(path)
    return path


def test_convert_csv_with_slopes(tmp_path):
    from astropy.table import QTable

    from sbpy_filter_transform.transform import transform

    src = _input_table(tmp_path)
    out = tmp_path / "out.ecsv"
    args = [
        "convert",
        str(src),
        "-o",
        str(out),
        "--from",
        "ATLAS o",
        "--to",
        "LSST g,LSST r",
        "--slope-col",
        "S",
        "--err-col",
        "err",
    ]
    assert main(args) == 0
    table = QTable.read(out)
    expected = transform([18.0, 19.0], "ATLAS o", "LSST g", slope=[5.0, 15.0]).value
    assert table["LSST_g"].value == pytest.approx(expected, abs=1e-12)
    assert table["LSST_r_err"].value == pytest.approx([0.01, 0.02])
    assert main(args) == 1  # exists, no --overwrite


def test_convert_to_all_lsst_parquet(tmp_path):
    from astropy.table import QTable

    src = _input_table(tmp_path)
    out = tmp_path / "out.parquet"
    assert main(["convert", str(src), "-o", str(out), "--from", "ATLAS o", "--to", "LSST"]) == 0
    assert {"LSST_u", "LSST_y"} <= set(QTable.read(out).colnames)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--mag-col", "nope"], "magnitude column 'nope' not found"),
        (["--to", "LSST rr"], "Did you mean 'LSST r'"),
        (["--spectrum", "busdemeo:S"], "extension"),
        (["--system", "ABB"], "unknown magnitude system"),
    ],
)
def test_convert_bad_input_one_line_nonzero(tmp_path, capsys, extra, message):
    src = _input_table(tmp_path)
    out = tmp_path / "out.csv"
    args = ["convert", str(src), "-o", str(out), "--from", "ATLAS o", "--to", "LSST u", *extra]
    assert main(args) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert message in err
    assert not out.exists()
    assert not list(tmp_path.glob(".out*"))


def test_convert_per_row_filter_and_class(tmp_path):
    from astropy.table import QTable, Table

    from sbpy_filter_transform.transform import transform

    src = tmp_path / "rows.ecsv"
    Table(
        {
            "m": [18.0, 19.0, 17.5],
            "band": ["ATLAS o", "ATLAS c", "ATLAS o"],
            "cls": ["S", "C", "C"],
        }
    ).write(src)
    out = tmp_path / "rows_out.csv"
    args = [
        "convert",
        str(src),
        "-o",
        str(out),
        "--filter-col",
        "band",
        "--to",
        "LSST r",
        "--mag-col",
        "m",
        "--class-col",
        "cls",
    ]
    assert main(args) == 1  # ATLAS c starts below 0.45 um: needs a blue extension
    assert not out.exists()
    args += ["--extension", "linear"]
    assert main(args) == 0
    table = QTable.read(out, format="ascii.csv", comment="#")
    rows = ((18.0, "ATLAS o", "S"), (19.0, "ATLAS c", "C"), (17.5, "ATLAS o", "C"))
    expected = [
        transform([m], band, "LSST r", taxon=[c], extension="linear").value[0]
        for m, band, c in rows
    ]
    assert np.asarray(table["LSST_r"], dtype=float) == pytest.approx(expected, abs=1e-9)
    assert main([*args, "--overwrite"]) == 0
    assert (
        main(
            [
                "convert",
                str(src),
                "-o",
                str(tmp_path / "x.csv"),
                "--to",
                "LSST r",
                "--mag-col",
                "m",
            ]
        )
        == 1
    )


def test_convert_option_names_are_kept():
    # Other tools call these names (issue 3, item 8): renaming one is a breaking change.
    from sbpy_filter_transform.cli import build_parser

    convert = build_parser()._subparsers._group_actions[0].choices["convert"]
    options = {s for action in convert._actions for s in action.option_strings}
    expected = {"-o", "--from", "--to", "--spectrum", "--mag-col", "--err-col"}
    assert expected | {"--filter-col", "--slope-col", "--class-col"} <= options


def test_convert_ecsv_records_provenance(tmp_path):
    from astropy.table import QTable

    out = tmp_path / "out.ecsv"
    args = ["convert", str(_input_table(tmp_path)), "-o", str(out), "--from", "ATLAS o"]
    assert main([*args, "--to", "LSST r", "--spectrum", "slope:10", "--system", "AB"]) == 0
    meta = QTable.read(out).meta
    assert meta["throughput_version"] == "1.9"
    assert "slope 10 %/100 nm" in meta["spectrum"]
    assert meta["system"] == "AB"
    assert meta["from_band"] == "ATLAS o"
    assert meta["software"].startswith("sbpy-filter-transform ")


def test_convert_parquet_input_with_filter_column(tmp_path):
    from astropy.table import QTable, Table

    from sbpy_filter_transform.transform import transform

    src = tmp_path / "rows.parquet"
    Table({"mag": [18.0, 19.0], "band": ["ATLAS o", "PS1 w"]}).write(src)
    out = tmp_path / "rows_out.ecsv"
    args = ["convert", str(src), "-o", str(out), "--filter-col", "band", "--to", "LSST i"]
    assert main(args) == 0
    expected = [transform([18.0], "ATLAS o", "LSST i"), transform([19.0], "PS1 w", "LSST i")]
    np.testing.assert_allclose(
        QTable.read(out)["LSST_i"].value, [e.value[0] for e in expected], atol=1e-12
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("in.txt", "mag\n18.0\n", "unknown format"),
        ("missing.csv", None, "does not exist"),
        ("nan.csv", "mag\n18.0\nnan\n", "NaN"),
        ("empty.csv", "mag\n", "no rows"),
    ],
)
def test_convert_bad_files_one_line_nonzero(tmp_path, capsys, name, content, message):
    src = tmp_path / name
    if content is not None:
        src.write_text(content)
    out = tmp_path / "out.csv"
    assert main(["convert", str(src), "-o", str(out), "--from", "ATLAS o", "--to", "LSST r"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert message in err
    assert not out.exists()


def test_failed_overwrite_keeps_the_old_output(tmp_path):
    src = _input_table(tmp_path)
    out = tmp_path / "out.csv"
    out.write_text("precious\n")
    args = ["convert", str(src), "-o", str(out), "--from", "ATLAS o", "--overwrite"]
    assert main([*args, "--to", "LSST rr"]) == 1
    assert out.read_text() == "precious\n"


def test_a_value_that_is_not_a_number_is_named_with_column_and_row(tmp_path, capsys):
    source = tmp_path / "in.csv"
    source.write_text("mag,err\n18.0,0.01\n19.0,0.02\n18.5,0.02\nabc,0.03\n")
    out = tmp_path / "out.csv"
    args = ["convert", str(source), "-o", str(out), "--from", "ATLAS o", "--to", "LSST r"]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err == (
        "sbpy-filter-transform convert: error: column 'mag' row 3: 'abc' is not a number; "
        "correct or remove it\n"
    )
    assert not out.exists()
    source.write_text("mag,err\n18.0,0.01\n19.0,x\n")
    assert main([*args, "--err-col", "err"]) == 1
    assert "column 'err' row 1: 'x' is not a number" in capsys.readouterr().err
