"""Every example in the docstrings runs and gives what it shows.

Every module of the installed package, private ones included, is collected; a module
without a single example fails, so that a new module cannot go untested. Only the
compiled kernels are left out, by name: their docstrings are not collected by doctest,
and every example of `sbpy_phasefit.models` and `sbpy_phasefit.fit` runs them.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import matplotlib
import pytest

import sbpy_phasefit

#: Modules without examples of their own, and why.
LEFT_OUT = {
    "sbpy_phasefit.__main__": "runs the command line",
    "sbpy_phasefit._lsq": "compiled (Cython); run by the examples of fit",
    "sbpy_phasefit._phasefunc": "compiled (Cython); run by the examples of models",
}

FOUND = sorted(
    info.name for info in pkgutil.walk_packages(sbpy_phasefit.__path__, "sbpy_phasefit.")
)
MODULES = [name for name in FOUND if name not in LEFT_OUT]


def test_every_module_is_collected():
    assert set(LEFT_OUT) <= set(FOUND)
    assert {
        "sbpy_phasefit.fit",
        "sbpy_phasefit._input",
        "sbpy_phasefit._validate",
        "sbpy_phasefit._output",
    } <= set(MODULES)


@pytest.mark.parametrize("name", ["sbpy_phasefit", *MODULES])
def test_examples(name, tmp_path, monkeypatch):
    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    assert result.attempted > 0, f"{name} has no example: give its docstring one"
