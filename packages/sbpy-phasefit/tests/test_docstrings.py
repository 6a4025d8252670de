"""Every Examples section in the installed package runs and gives what it shows."""

from __future__ import annotations

import doctest
import importlib

import matplotlib
import pytest

MODULES = [
    "sbpy_phasefit",
    "sbpy_phasefit.models",
    "sbpy_phasefit.fit",
    "sbpy_phasefit.results",
    "sbpy_phasefit.fitter",
    "sbpy_phasefit.plotting",
    "sbpy_phasefit.datasets",
    "sbpy_phasefit.cli",
    "sbpy_phasefit._input",
    "sbpy_phasefit._spline",
]


@pytest.mark.parametrize("name", MODULES)
def test_examples(name, tmp_path, monkeypatch):
    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    assert result.attempted > 0
