"""The conda recipes agree with the packages' ``pyproject.toml``.

Each ``recipes/<package>/recipe.yaml`` repeats what ``packages/<package>/pyproject.toml``
says: version, run dependencies (under conda-forge's names, from the one table
``recipes/conda-forge-names.toml``) with the same bounds, entry points, license, homepage,
the build and test requirements; and follows conda-forge's conventions: ``noarch: python``
and ``python_min`` for a pure package; compiler, stdlib, OpenMP runtime and an unpinned
numpy for the compiled one. `check_recipe` lists every disagreement, one readable line
each; the tests below run it on every package and on deliberately altered copies, which it
must catch.

The recipes are read as plain YAML, where the ``${{ ... }}`` expressions are strings:
`resolve` substitutes the recipe's context variables (``${{ version }}``) and leaves the
others (``${{ compiler('c') }}``) as written. ``nox -s conda`` renders the recipes with
rattler-build itself.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10, where pytest brings tomli
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
RECIPES_DIR = ROOT / "recipes"
PACKAGES_DIR = ROOT / "packages"
#: PyPI name -> conda-forge name of every requirement the packages name.
NAMES_TABLE = RECIPES_DIR / "conda-forge-names.toml"
PACKAGES = sorted(path.parent.name for path in PACKAGES_DIR.glob("*/pyproject.toml"))
#: The build script of every recipe (conda-forge's for Python packages).
BUILD_SCRIPT = "${{ PYTHON }} -m pip install . -vv --no-deps --no-build-isolation"
#: OpenMP runtime of a compiled package, per selector.
OPENMP = {"linux": "libgomp", "osx": "llvm-openmp"}
#: A compiled package's C toolchain in ``requirements.build``.
TOOLCHAIN = ("${{ compiler('c') }}", "${{ stdlib('c') }}")
#: Host requirements whose version conda-forge's pinning chooses: left unpinned.
PINNED_BY_CONDA_FORGE = {"numpy"}
CONTEXT_VARIABLE = re.compile(r"\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


# --- reading -----------------------------------------------------------------------------


def load_recipe(path: Path) -> dict[str, Any]:
    """Read a v1 recipe as plain YAML (``${{ ... }}`` expressions stay strings)."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def load_pyproject(path: Path) -> dict[str, Any]:
    """Read a ``pyproject.toml``."""
    with path.open("rb") as stream:
        return tomllib.load(stream)


def load_names() -> dict[str, str]:
    """The table of PyPI names -> conda-forge names."""
    with NAMES_TABLE.open("rb") as stream:
        return tomllib.load(stream)["names"]


def canonical(name: str) -> str:
    """Normalize a PyPI name (PEP 503): ``Cython`` -> ``cython``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def resolve(value: Any, context: Mapping[str, Any]) -> Any:
    """Substitute the recipe's context variables in ``value``, recursively.

    Examples
    --------
    >>> resolve("python >=${{ python_min }}", {"python_min": "3.10"})
    'python >=3.10'
    >>> resolve("${{ compiler('c') }}", {})
    "${{ compiler('c') }}"
    """
    if isinstance(value, str):
        previous = None
        while previous != value:
            previous = value
            value = CONTEXT_VARIABLE.sub(
                lambda match: str(context.get(match.group(1), match.group(0))), value
            )
        return value
    if isinstance(value, list):
        return [resolve(item, context) for item in value]
    if isinstance(value, dict):
        return {key: resolve(item, context) for key, item in value.items()}
    return value


def resolved_recipe(recipe: Mapping[str, Any]) -> dict[str, Any]:
    """The recipe with its context variables substituted everywhere."""
    context = {key: str(value) for key, value in recipe.get("context", {}).items()}
    return resolve(dict(recipe), context)


def split_selectors(items: Sequence[Any]) -> tuple[list[str], dict[str, list[str]]]:
    """Requirements without a selector, and those under ``if: <selector>`` by selector."""
    plain: list[str] = []
    conditional: dict[str, list[str]] = {}
    for item in items or []:
        if isinstance(item, dict):
            then = item.get("then", [])
            conditional.setdefault(str(item.get("if")), []).extend(
                [then] if isinstance(then, str) else then
            )
        else:
            plain.append(item)
    return plain, conditional


def conda_specs(specs: Sequence[str], problems: list[str], where: str) -> dict[str, SpecifierSet]:
    """``name -> version constraints`` of conda match specs such as ``numpy >=1.24``.

    ``python`` is left out: its specs follow conda-forge's conventions, not pyproject.toml.
    """
    parsed = {}
    for spec in specs:
        name, _, version = spec.strip().partition(" ")
        if name == "python":
            continue
        try:
            parsed[name] = SpecifierSet(version.replace(" ", ""))
        except InvalidSpecifier:
            problems.append(f"{where}: cannot compare {spec!r} with a PEP 440 specifier")
    return parsed


def pypi_specs(
    requirements: Sequence[str], names: Mapping[str, str], problems: list[str], where: str
) -> dict[str, SpecifierSet]:
    """``conda-forge name -> version constraints`` of PEP 508 requirements."""
    parsed = {}
    for text in requirements:
        requirement = Requirement(text)
        name = canonical(requirement.name)
        if name not in names:
            problems.append(
                f"{where}: {name} is not in {NAMES_TABLE.relative_to(ROOT)}; "
                "add it with its conda-forge name"
            )
            continue
        parsed[names[name]] = requirement.specifier
    return parsed


def compare(
    recipe: Mapping[str, SpecifierSet],
    expected: Mapping[str, SpecifierSet],
    where: str,
    source: str,
    *,
    unpinned: set[str] = frozenset(),
) -> list[str]:
    """Disagreements between the recipe's specs and those that ``source`` implies."""
    problems = []
    for name, specifier in expected.items():
        if name not in recipe:
            problems.append(f"{where}: {name} {specifier} of {source} is missing")
        elif name in unpinned:
            if str(recipe[name]):
                problems.append(f"{where}: {name} must stay unpinned (conda-forge pins it)")
        elif recipe[name] != specifier:
            problems.append(f"{where}: {name} is '{recipe[name]}' but {source} says '{specifier}'")
    problems.extend(
        f"{where}: {name} is not in {source}" for name in sorted(set(recipe) - set(expected))
    )
    return problems


def python_lower_bound(requires_python: str) -> str | None:
    """The ``X.Y`` of a ``requires-python`` such as ``>=3.10``."""
    bounds = [spec.version for spec in SpecifierSet(requires_python) if spec.operator == ">="]
    return ".".join(bounds[0].split(".")[:2]) if bounds else None


# --- the check ---------------------------------------------------------------------------


def check_recipe(
    recipe: Mapping[str, Any],
    pyproject: Mapping[str, Any],
    names: Mapping[str, str],
    *,
    package_dir: Path,
    compiled_modules: Sequence[str] = (),
) -> list[str]:
    """Every way in which a recipe disagrees with its package; empty when they agree.

    Parameters
    ----------
    recipe : mapping
        The recipe as read by `load_recipe`.
    pyproject : mapping
        The package's ``pyproject.toml`` as read by `load_pyproject`.
    names : mapping
        PyPI name -> conda-forge name (`load_names`).
    package_dir : Path
        The package's folder, where the files that the recipe names must exist.
    compiled_modules : sequence of str
        Dotted names of the package's compiled (Cython) modules; empty for a pure package,
        which must then be ``noarch: python``.

    Returns
    -------
    list of str
        One line per problem, each naming the recipe field and what pyproject.toml says.

    Examples
    --------
    >>> recipe = {"schema_version": 1, "package": {"name": "x", "version": "1.0"}}
    >>> pyproject = {"project": {"name": "x", "version": "2.0"}}
    >>> check_recipe(recipe, pyproject, {}, package_dir=Path("."))[:1]
    ["package.version is '1.0' but pyproject.toml says '2.0'"]
    """
    project = pyproject["project"]
    recipe = resolved_recipe(recipe)
    context = recipe.get("context", {})
    build = recipe.get("build", {})
    requirements = recipe.get("requirements", {})
    about = recipe.get("about", {})
    tests = recipe.get("tests", [])
    problems: list[str] = []

    def expect(field: str, actual: Any, wanted: Any) -> None:
        if actual != wanted:
            problems.append(f"{field} is {actual!r} but pyproject.toml says {wanted!r}")

    # identity and build
    expect("package.version", str(recipe.get("package", {}).get("version")), project["version"])
    if str(context.get("version")) != str(recipe.get("package", {}).get("version")):
        problems.append("package.version should be ${{ version }} of the context")
    expect("package.name", recipe.get("package", {}).get("name"), project["name"])
    if recipe.get("schema_version") != 1:
        problems.append("schema_version must be 1 (the v1 recipe format)")
    expected_source = f"../../packages/{package_dir.name}"
    if recipe.get("source", {}).get("path") != expected_source:
        problems.append(f"source.path must be {expected_source}")
    if build.get("script") != BUILD_SCRIPT:
        problems.append(f"build.script must be {BUILD_SCRIPT!r}")
    scripts = {f"{name} = {target}" for name, target in project.get("scripts", {}).items()}
    entry_points = {
        re.sub(r"\s*=\s*", " = ", item) for item in build.get("python", {}).get("entry_points", [])
    }
    expect("build.python.entry_points", sorted(entry_points), sorted(scripts))

    # run, host and test requirements
    run, run_selected = split_selectors(requirements.get("run", []))
    host, host_selected = split_selectors(requirements.get("host", []))
    build_reqs, build_selected = split_selectors(requirements.get("build", []))
    run_specs = conda_specs(run, problems, "requirements.run")
    host_specs = conda_specs(host, problems, "requirements.host")
    run_python = [spec for spec in run if spec.split(" ")[0] == "python"]
    host_python = [spec for spec in host if spec.split(" ")[0] == "python"]
    problems += compare(
        run_specs,
        pypi_specs(project.get("dependencies", []), names, problems, "dependencies"),
        "requirements.run",
        "pyproject.toml dependencies",
    )
    backend = pypi_specs(
        pyproject.get("build-system", {}).get("requires", []), names, problems, "build-system"
    )
    problems += compare(
        {name: spec for name, spec in host_specs.items() if name in backend},
        backend,
        "requirements.host",
        "pyproject.toml build-system.requires",
        unpinned=PINNED_BY_CONDA_FORGE,
    )
    if "pip" not in host_specs:
        problems.append("requirements.host needs pip (the build script runs it)")
    script_tests = [test for test in tests if "script" in test]
    python_tests = [test["python"] for test in tests if "python" in test]
    test_extra = project.get("optional-dependencies", {}).get("test", [])
    for test in script_tests:
        test_specs = conda_specs(test.get("requirements", {}).get("run", []), problems, "tests")
        problems += compare(
            test_specs,
            pypi_specs(test_extra, names, problems, "optional-dependencies.test"),
            "tests[script].requirements.run",
            "pyproject.toml optional-dependencies.test",
        )

    # python bounds
    python_min = str(context.get("python_min"))
    lower = python_lower_bound(project.get("requires-python", ""))
    expect("context.python_min", python_min, lower)
    if compiled_modules:
        if build.get("noarch"):
            problems.append("a compiled package must not be noarch")
        if not any("python_min" in str(item) for item in _as_list(build.get("skip"))):
            problems.append("build.skip must skip python variants below python_min")
        if host_python != ["python"] or run_python != ["python"]:
            problems.append(
                "host and run need plain `python` (the variant and run_exports pin it)"
            )
        for item in TOOLCHAIN:
            if item not in build_reqs:
                problems.append(f"requirements.build needs {item}")
        for section, selected in (("host", host_selected), ("run", run_selected)):
            for selector, runtime in OPENMP.items():
                if runtime not in selected.get(selector, []):
                    problems.append(f"requirements.{section} needs `if: {selector}` -> {runtime}")
        if "cython" not in host_specs:
            problems.append("requirements.host needs cython")
        numpy = run_specs.get("numpy", SpecifierSet())
        if any(spec.operator in {"<", "<=", "==", "~="} for spec in numpy):
            problems.append("requirements.run must not pin numpy: its run_exports do")
    else:
        if build.get("noarch") != "python":
            problems.append("a pure package must be `noarch: python`")
        if host_python != [f"python {python_min}.*"]:
            problems.append("requirements.host must have `python ${{ python_min }}.*`")
        if run_python != [f"python >={python_min}"]:
            problems.append("requirements.run must have `python >=${{ python_min }}`")
        if any(test.get("python_version") != f"{python_min}.*" for test in python_tests):
            problems.append("tests[python].python_version must be ${{ python_min }}.*")
        if build_reqs or build_selected or run_selected or host_selected:
            problems.append("a pure package needs no build requirements nor selectors")

    # tests
    import_name = project["name"].replace("-", "_")
    imports = {module for test in python_tests for module in test.get("imports", [])}
    for module in [import_name, *compiled_modules]:
        if module not in imports:
            problems.append(f"tests[python].imports must import {module}")
    if not all(test.get("pip_check") is True for test in python_tests) or not python_tests:
        problems.append("a tests[python] entry with pip_check: true is needed")
    runs_pytest = any(
        line.split()[:1] == ["pytest"] for test in script_tests for line in test["script"]
    )
    copies_tests = any(
        "tests/" in test.get("files", {}).get("source", []) for test in script_tests
    )
    if not (runs_pytest and copies_tests):
        problems.append("a tests[script] entry must copy tests/ from the source and run pytest")
    if not (package_dir / "tests").is_dir():
        problems.append(f"{package_dir.name}/tests does not exist")

    # about
    expect("about.license", about.get("license"), project.get("license"))
    license_files = _as_list(project.get("license-files", []))
    expect("about.license_file", _as_list(about.get("license_file")), license_files)
    problems += [
        f"about.license_file {name} is not in {package_dir.name}"
        for name in license_files
        if not (package_dir / name).is_file()
    ]
    expect("about.homepage", about.get("homepage"), project.get("urls", {}).get("Homepage"))
    expect("about.summary", about.get("summary"), project.get("description"))
    return problems


def _as_list(value: Any) -> list[Any]:
    """``value`` as a list: ``None`` -> ``[]``, a scalar -> ``[value]``."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def compiled_modules_of(package_dir: Path) -> list[str]:
    """Dotted names of the Cython modules of a src-layout package."""
    src = package_dir / "src"
    return sorted(
        ".".join(path.relative_to(src).with_suffix("").parts) for path in src.rglob("*.pyx")
    )


def check_package(
    name: str, recipe_path: Path | None = None, pyproject_path: Path | None = None
) -> list[str]:
    """`check_recipe` for package ``name``, optionally with other recipe/pyproject files."""
    package_dir = PACKAGES_DIR / name
    return check_recipe(
        load_recipe(recipe_path or RECIPES_DIR / name / "recipe.yaml"),
        load_pyproject(pyproject_path or package_dir / "pyproject.toml"),
        load_names(),
        package_dir=package_dir,
        compiled_modules=compiled_modules_of(package_dir),
    )


# --- tests -------------------------------------------------------------------------------


def test_every_package_has_a_recipe():
    recipes = sorted(path.parent.name for path in RECIPES_DIR.glob("*/recipe.yaml"))
    assert recipes == PACKAGES


@pytest.mark.parametrize("name", PACKAGES)
def test_recipe_agrees_with_pyproject(name):
    problems = check_package(name)
    assert not problems, f"recipes/{name}/recipe.yaml drifted:\n  " + "\n  ".join(problems)


def test_a_pure_and_a_compiled_package_are_checked():
    kinds = {name: bool(compiled_modules_of(PACKAGES_DIR / name)) for name in PACKAGES}
    assert kinds["sbpy-phasefit"] is True
    assert kinds["sbpy-filter-transform"] is False


def _drop_run(recipe, name):
    recipe["requirements"]["run"] = [
        item for item in recipe["requirements"]["run"] if not str(item).startswith(f"{name} ")
    ]


def _set_run(recipe, old, new):
    recipe["requirements"]["run"] = [
        new if item == old else item for item in recipe["requirements"]["run"]
    ]


#: (package, what is altered, how, a phrase that the check must report)
RECIPE_DRIFTS = [
    (
        "sbpy-filter-transform",
        "version",
        lambda r: r["context"].update(version="0.2.0"),
        "package.version",
    ),
    (
        "sbpy-filter-transform",
        "bound",
        lambda r: _set_run(r, "scipy >=1.10", "scipy >=1.9"),
        "scipy",
    ),
    ("sbpy-filter-transform", "dropped dep", lambda r: _drop_run(r, "synphot"), "synphot"),
    (
        "tvs-classifier",
        "extra dep",
        lambda r: r["requirements"]["run"].append("dask >=2024.1"),
        "dask is not in",
    ),
    (
        "tvs-classifier",
        "PyPI name",
        lambda r: _set_run(r, "astropy-base >=6.0", "astropy >=6.0"),
        "astropy",
    ),
    (
        "tvs-classifier",
        "entry point",
        lambda r: r["build"]["python"].update(entry_points=["tvs = tvs_classifier.cli:main"]),
        "entry_points",
    ),
    ("tvs-classifier", "noarch", lambda r: r["build"].pop("noarch"), "noarch: python"),
    (
        "sbpy-phasefit",
        "compiler",
        lambda r: r["requirements"]["build"].remove("${{ compiler('c') }}"),
        "compiler('c')",
    ),
    ("sbpy-phasefit", "OpenMP", lambda r: r["requirements"]["run"].pop(), "llvm-openmp"),
    (
        "sbpy-phasefit",
        "numpy pin",
        lambda r: _set_run(r, "numpy >=1.24", "numpy >=1.24,<2"),
        "numpy",
    ),
    ("sbpy-phasefit", "license", lambda r: r["about"].update(license="MIT"), "about.license"),
    (
        "sbpy-phasefit",
        "license file",
        lambda r: r["about"].update(license_file="COPYING"),
        "about.license_file",
    ),
]


@pytest.mark.parametrize(
    ("name", "alter", "phrase"),
    [
        pytest.param(name, alter, phrase, id=f"{name}-{what}")
        for name, what, alter, phrase in RECIPE_DRIFTS
    ],
)
def test_check_reports_recipe_drift(name, alter, phrase):
    recipe = load_recipe(RECIPES_DIR / name / "recipe.yaml")
    altered = copy.deepcopy(recipe)
    alter(altered)
    package_dir = PACKAGES_DIR / name
    pyproject = load_pyproject(package_dir / "pyproject.toml")
    args = {"package_dir": package_dir, "compiled_modules": compiled_modules_of(package_dir)}
    assert not check_recipe(recipe, pyproject, load_names(), **args)
    problems = check_recipe(altered, pyproject, load_names(), **args)
    assert any(phrase in problem for problem in problems), problems


def test_check_reports_pyproject_drift_in_files(tmp_path):
    """Altered copies of a package's files on disk: a new dependency and a new script."""
    name = "sbpy-phasefit"
    text = (PACKAGES_DIR / name / "pyproject.toml").read_text(encoding="utf-8")
    altered = text.replace('"tqdm>=4.64",', '"tqdm>=4.64",\n  "pandas>=2.0",', 1).replace(
        "[project.scripts]", '[project.scripts]\nphasefit = "sbpy_phasefit.cli:main"', 1
    )
    assert altered.count("pandas>=2.0") == 1
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(altered, encoding="utf-8")
    recipe = tmp_path / "recipe.yaml"
    recipe_text = (RECIPES_DIR / name / "recipe.yaml").read_text(encoding="utf-8")
    recipe.write_text(
        recipe_text.replace('version: "0.1.0"', 'version: "0.0.9"'), encoding="utf-8"
    )
    problems = check_package(name, pyproject_path=pyproject)
    assert any("pandas" in problem and "missing" in problem for problem in problems), problems
    assert any("entry_points" in problem for problem in problems), problems
    problems = check_package(name, recipe_path=recipe)
    assert problems == ["package.version is '0.0.9' but pyproject.toml says '0.1.0'"]


def test_check_requires_every_dependency_in_the_names_table():
    name = "tvs-classifier"
    pyproject = load_pyproject(PACKAGES_DIR / name / "pyproject.toml")
    pyproject["project"]["dependencies"].append("not-a-known-package>=1")
    problems = check_recipe(
        load_recipe(RECIPES_DIR / name / "recipe.yaml"),
        pyproject,
        load_names(),
        package_dir=PACKAGES_DIR / name,
    )
    assert any(
        "not-a-known-package is not in recipes/conda-forge-names.toml" in p for p in problems
    )
