"""Every example in the docstrings runs and gives what it shows.

Every module of the installed package, private ones included, is collected; a module
without a single example fails, so that a new module cannot go untested.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import matplotlib
import pytest

import sbpy_filter_transform

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(sbpy_filter_transform.__path__, "sbpy_filter_transform.")
    if info.name != "sbpy_filter_transform.__main__"
)


def test_every_module_is_collected():
    assert {
        "sbpy_filter_transform.transform",
        "sbpy_filter_transform.color_terms",
        "sbpy_filter_transform._validate",
        "sbpy_filter_transform._output",
    } <= set(MODULES)


@pytest.mark.parametrize("name", ["sbpy_filter_transform", *MODULES])
def test_examples(name, tmp_path, monkeypatch):
    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)
    module = importlib.import_module(name)
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(module, optionflags=flags, verbose=False)
    assert result.failed == 0
    assert result.attempted > 0, f"{name} has no example: give its docstring one"


def test_readme_example_runs():
    from pathlib import Path

    readme = Path(__file__).resolve().parents[1] / "README.md"
    if not readme.is_file():
        pytest.skip("README.md is not beside the tests (installed test copy)")
    text = readme.read_text()
    start = text.index("```python") + len("```python")
    exec(compile(text[start : text.index("```", start)], str(readme), "exec"), {})
