"""Every example in the docstrings runs and gives what it shows."""

import doctest
import importlib
import pkgutil

import matplotlib
import pytest

import tvs_classifier

matplotlib.use("Agg")

MODULES = sorted(
    info.name
    for info in pkgutil.iter_modules(tvs_classifier.__path__, "tvs_classifier.")
    if info.name != "tvs_classifier.__main__"
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
