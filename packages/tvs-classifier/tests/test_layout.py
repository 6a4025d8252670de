"""The package's layout: parts over a small core, with one-way dependencies.

Read from the installed source with `ast`, so the rules hold for imports inside
functions too:

* the core (the modules at the top) imports only the core;
* ``io`` imports the core and itself;
* ``simulation`` imports the core and itself, never ``io`` or ``classifier``;
* ``classifier`` imports the core, ``io`` and itself, never ``simulation``;
* ``store`` (the update store, on top of the rest) imports the core, ``io``,
  ``classifier`` and itself, never ``simulation``;
* ``ui`` (the dashboard, on top of the store) imports the core, ``io``,
  ``classifier``, ``store`` and itself, never ``simulation``;
* the applications (``cli``, ``demo``, the package's ``__init__``) may import anything;
* no module imports a private name (``_name``) from another module; private modules
  (``_grouped``) are the place for shared private helpers.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import tvs_classifier

ROOT = Path(tvs_classifier.__file__).parent
PARTS = ("io", "simulation", "classifier", "store", "ui")
APPLICATIONS = {"tvs_classifier", "tvs_classifier.cli", "tvs_classifier.demo"}
ALLOWED = {
    "core": {"core"},
    "io": {"core", "io"},
    "simulation": {"core", "simulation"},
    "classifier": {"core", "io", "classifier"},
    "store": {"core", "io", "classifier", "store"},
    "ui": {"core", "io", "classifier", "store", "ui"},
}


def _module_name(path: Path) -> str:
    parts = ["tvs_classifier", *path.relative_to(ROOT).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {
    _module_name(path): path for path in sorted(ROOT.rglob("*.py")) if path.name != "__main__.py"
}


def _part(module: str) -> str:
    if module in APPLICATIONS:
        return "application"
    second = module.split(".")[1] if module.count(".") else ""
    return second if second in PARTS else "core"


def _imports(module: str) -> list[tuple[str, list[str]]]:
    """``(imported module, names)`` of every import of ``module`` into the package."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target.startswith("tvs_classifier"):
                names = [alias.name for alias in node.names]
                submodules = [f"{target}.{n}" for n in names if f"{target}.{n}" in MODULES]
                found += [(name, []) for name in submodules]
                found.append((target, [n for n in names if f"{target}.{n}" not in MODULES]))
        elif isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names if a.name.startswith("tvs_classifier.")]
    return found


def test_the_parts_and_the_core_are_there():
    assert {f"tvs_classifier.{part}" for part in PARTS} <= set(MODULES)
    assert {_part(name) for name in MODULES} == {"core", "application", *PARTS}


@pytest.mark.parametrize("module", [m for m in MODULES if _part(m) != "application"])
def test_dependencies_are_one_way(module):
    part = _part(module)
    wrong = sorted({t for t, _ in _imports(module) if _part(t) not in ALLOWED[part]})
    assert not wrong, f"{module} ({part}) imports {wrong}"


@pytest.mark.parametrize("module", list(MODULES))
def test_no_private_name_is_imported_from_another_module(module):
    private = [
        f"{target}.{name}"
        for target, names in _imports(module)
        for name in names
        if name.startswith("_") and not name.startswith("__")
    ]
    assert not private, f"{module} imports private names {private}"


def test_the_public_api_is_at_the_top_and_lazy():
    import subprocess
    import sys

    names = [
        "LightCurves",
        "read_light_curves",
        "find_periods",
        "render_images",
        "compute_features",
        "simulate",
        "train",
        "load_classifier",
        "classify",
    ]
    assert set(names) <= set(tvs_classifier.__all__)
    code = (
        "import sys, tvs_classifier;"
        f"from tvs_classifier import {', '.join(names)};"
        "print('keras' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"  # Keras is imported when a network is used
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = tvs_classifier.nothing
