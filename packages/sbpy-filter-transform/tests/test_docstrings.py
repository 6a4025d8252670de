"""Run the Examples section of every public module as doctests."""

from __future__ import annotations

import doctest
import importlib

import matplotlib
import pytest

MODULES = [
    "__init__",
    "bandpasses",
    "spectra",
    "systems",
    "engine",
    "transform",
    "offset_grid",
    "colour_terms",
    "plotting",
    "cli",
]


@pytest.mark.parametrize("name", MODULES)
def test_examples(name):
    matplotlib.use("Agg")
    module = importlib.import_module(
        "sbpy_filter_transform" if name == "__init__" else f"sbpy_filter_transform.{name}"
    )
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(module, optionflags=flags, verbose=False)
    assert result.attempted > 0
    assert result.failed == 0


def test_readme_example_runs():
    from pathlib import Path

    readme = Path(__file__).resolve().parents[1] / "README.md"
    if not readme.is_file():
        pytest.skip("README.md is not beside the tests (installed test copy)")
    text = readme.read_text()
    start = text.index("```python") + len("```python")
    exec(compile(text[start : text.index("```", start)], str(readme), "exec"), {})
