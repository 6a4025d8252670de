"""The helpers each package keeps its own copy of behave the same in all of them.

The packages share no code (each installs on its own), so the atomic output writer, the
check of numeric input and the ``shared_data`` test fixture are copied. These tests hold
the copies to one behaviour: whole-or-nothing outputs with the user's usual mode, and one
message naming the column and the row of a value that is not a number.
"""

import ast
import os
import stat
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = {
    "sbpy-filter-transform": "sbpy_filter_transform",
    "sbpy-phasefit": "sbpy_phasefit",
    "tvs-classifier": "tvs_classifier",
}


def _writers():
    from sbpy_filter_transform._output import write_atomic as filter_transform
    from sbpy_phasefit._output import write_atomic as phasefit
    from tvs_classifier._output import write_atomic as tvs

    return {"sbpy-filter-transform": filter_transform, "sbpy-phasefit": phasefit,
            "tvs-classifier": tvs}  # fmt: skip


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_outputs_are_whole_with_the_usual_mode(package, tmp_path):
    write_atomic = _writers()[package]
    previous = os.umask(0o022)
    try:
        target = write_atomic(tmp_path / "sub" / "out.txt", lambda path: path.write_text("new\n"))
    finally:
        os.umask(previous)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644

    def fail(path):
        path.write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, fail)
    assert target.read_text() == "new\n"
    assert [p.name for p in target.parent.iterdir()] == ["out.txt"]


def test_the_writers_are_one_text():
    texts = {
        name: (ROOT / "packages" / name / "src" / module / "_output.py").read_text()
        for name, module in PACKAGES.items()
    }
    assert len(set(texts.values())) == 1, "the three _output.py differ: make them agree"


def test_a_value_that_is_not_a_number_gets_one_message():
    from sbpy_filter_transform._validate import as_numbers as filter_transform
    from sbpy_phasefit._validate import as_numbers as phasefit
    from tvs_classifier.lightcurves import LightCurveError
    from tvs_classifier.lightcurves import _as_numbers as tvs

    values = np.array(["18.0", "18.5", "17.9", "abc"])
    expected = "column 'mag' row 3: 'abc' is not a number; correct or remove it"
    for check in (filter_transform, phasefit):
        with pytest.raises(ValueError, match="is not a number") as error:
            check(values, "mag", column=True)
        assert str(error.value) == expected
    with pytest.raises(LightCurveError) as error:
        tvs(pd.Series(values), "mag")
    assert str(error.value) == expected


def test_the_numeric_checks_of_the_sbpy_packages_are_one_text():
    texts = []
    for module in ("sbpy_filter_transform", "sbpy_phasefit"):
        path = next((ROOT / "packages").glob(f"*/src/{module}/_validate.py"))
        source = path.read_text()
        tree = ast.parse(source)
        texts.append(
            [
                ast.get_source_segment(source, node)
                for node in tree.body
                if isinstance(node, ast.FunctionDef)
                and node.name in ("as_numbers", "_place", "_plain_repr")
            ]
        )
    assert len(texts[0]) == 3
    assert texts[0] == texts[1]


def test_the_shared_data_fixtures_are_one_text():
    fixtures = set()
    for name in PACKAGES:
        source = (ROOT / "packages" / name / "tests" / "conftest.py").read_text()
        tree = ast.parse(source)
        (node,) = (n for n in tree.body if getattr(n, "name", None) == "shared_data")
        fixtures.add(ast.get_source_segment(source, node))
    assert len(fixtures) == 1, "the shared_data fixtures differ: make them agree"
