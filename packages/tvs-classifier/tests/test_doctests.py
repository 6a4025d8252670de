"""Every example in the docstrings runs and gives what it shows.

Every module of the installed package, subpackages included, is collected; a module
without a single example fails, so that a new module cannot go undocumented.
"""

import doctest
import importlib
import pkgutil

import matplotlib
import pytest

import tvs_classifier

matplotlib.use("Agg")

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(tvs_classifier.__path__, "tvs_classifier.")
    if info.name != "tvs_classifier.__main__"
)


def test_every_part_of_the_package_is_collected():
    assert {
        "tvs_classifier",
        "tvs_classifier.simulation.rrlyrae",
        "tvs_classifier.io.readers",
        "tvs_classifier.classifier.trained",
    } <= {"tvs_classifier", *MODULES}


@pytest.mark.parametrize("name", ["tvs_classifier", *MODULES])
def test_docstring_examples(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    assert result.attempted > 0, f"{name} has no example: give its docstring one"
