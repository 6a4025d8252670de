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
    recipe = resolved_recipe(recipe)
    project = pyproject["project"]
    return [
        *check_identity(recipe, project, package_dir),
        *check_requirements(recipe, pyproject, names),
        *(check_compiled(recipe) if compiled_modules else check_pure(recipe)),
        *check_tests(recipe, project, package_dir, compiled_modules),
        *check_about(recipe, project, package_dir),
    ]


def mismatch(field: str, actual: Any, wanted: Any) -> list[str]:
    """A problem if the recipe's ``field`` is ``actual`` where pyproject.toml says ``wanted``."""
    return (
        [] if actual == wanted else [f"{field} is {actual!r} but pyproject.toml says {wanted!r}"]
    )


def check_identity(
    recipe: Mapping[str, Any], project: Mapping[str, Any], package_dir: Path
) -> list[str]:
    """Name, version, format, source, build script and entry points."""
    package = recipe.get("package", {})
    build = recipe.get("build", {})
    problems = [
        *mismatch("package.version", str(package.get("version")), project["version"]),
        *mismatch("package.name", package.get("name"), project["name"]),
    ]
    if str(recipe.get("context", {}).get("version")) != str(package.get("version")):
        problems.append("package.version should be ${{ version }} of the context")
    if recipe.get("schema_version") != 1:
        problems.append("schema_version must be 1 (the v1 recipe format)")
    source = f"../../packages/{package_dir.name}"
    if recipe.get("source", {}).get("path") != source:
        problems.append(f"source.path must be {source}")
    if build.get("script") != BUILD_SCRIPT:
        problems.append(f"build.script must be {BUILD_SCRIPT!r}")
    scripts = {f"{name} = {target}" for name, target in project.get("scripts", {}).items()}
    entry_points = build.get("python", {}).get("entry_points", [])
    entry_points = {re.sub(r"\s*=\s*", " = ", item) for item in entry_points}
    return problems + mismatch("build.python.entry_points", sorted(entry_points), sorted(scripts))


def check_requirements(
    recipe: Mapping[str, Any], pyproject: Mapping[str, Any], names: Mapping[str, str]
) -> list[str]:
    """Run, host and test requirements against dependencies, build-system and test extra."""
    project = pyproject["project"]
    requirements = recipe.get("requirements", {})
    problems: list[str] = []
    run, _ = split_selectors(requirements.get("run", []))
    problems += compare(
        conda_specs(run, problems, "requirements.run"),
        pypi_specs(project.get("dependencies", []), names, problems, "dependencies"),
        "requirements.run",
        "pyproject.toml dependencies",
    )
    host, _ = split_selectors(requirements.get("host", []))
    host_specs = conda_specs(host, problems, "requirements.host")
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
    test_extra = project.get("optional-dependencies", {}).get("test", [])
    for test in recipe.get("tests", []):
        if "script" in test:
            problems += compare(
                conda_specs(test.get("requirements", {}).get("run", []), problems, "tests"),
                pypi_specs(test_extra, names, problems, "optional-dependencies.test"),
                "tests[script].requirements.run",
                "pyproject.toml optional-dependencies.test",
            )
    python_min = str(recipe.get("context", {}).get("python_min"))
    lower = python_lower_bound(project.get("requires-python", ""))
    return problems + mismatch("context.python_min", python_min, lower)


def python_specs(items: Sequence[Any]) -> list[str]:
    """The ``python`` specs among requirements without a selector."""
    plain, _ = split_selectors(items)
    return [spec for spec in plain if spec.split(" ")[0] == "python"]


def check_compiled(recipe: Mapping[str, Any]) -> list[str]:
    """conda-forge's conventions for a compiled extension with OpenMP, built per python."""
    build = recipe.get("build", {})
    requirements = recipe.get("requirements", {})
    problems = []
    if build.get("noarch"):
        problems.append("a compiled package must not be noarch")
    if not any("python_min" in str(item) for item in _as_list(build.get("skip"))):
        problems.append("build.skip must skip python variants below python_min")
    for section in ("host", "run"):
        if python_specs(requirements.get(section, [])) != ["python"]:
            problems.append(f"requirements.{section} needs plain `python` (variant, run_exports)")
    build_plain, _ = split_selectors(requirements.get("build", []))
    problems += [
        f"requirements.build needs {item}" for item in TOOLCHAIN if item not in build_plain
    ]
    for section in ("host", "run"):
        _, selected = split_selectors(requirements.get(section, []))
        problems += [
            f"requirements.{section} needs `if: {selector}` -> {runtime}"
            for selector, runtime in OPENMP.items()
            if runtime not in selected.get(selector, [])
        ]
    host, _ = split_selectors(requirements.get("host", []))
    if not any(spec.split(" ")[0] == "cython" for spec in host):
        problems.append("requirements.host needs cython")
    run, _ = split_selectors(requirements.get("run", []))
    numpy = conda_specs(run, [], "requirements.run").get("numpy", SpecifierSet())
    if any(spec.operator in {"<", "<=", "==", "~="} for spec in numpy):
        problems.append("requirements.run must not pin numpy: its run_exports do")
    return problems


def check_pure(recipe: Mapping[str, Any]) -> list[str]:
    """conda-forge's conventions for a ``noarch: python`` package and its ``python_min``."""
    python_min = recipe.get("context", {}).get("python_min")
    requirements = recipe.get("requirements", {})
    problems = []
    if recipe.get("build", {}).get("noarch") != "python":
        problems.append("a pure package must be `noarch: python`")
    if python_specs(requirements.get("host", [])) != [f"python {python_min}.*"]:
        problems.append("requirements.host must have `python ${{ python_min }}.*`")
    if python_specs(requirements.get("run", [])) != [f"python >={python_min}"]:
        problems.append("requirements.run must have `python >=${{ python_min }}`")
    for test in recipe.get("tests", []):
        if "python" in test and test["python"].get("python_version") != f"{python_min}.*":
            problems.append("tests[python].python_version must be ${{ python_min }}.*")
    if requirements.get("build") or any(
        isinstance(item, dict) for section in requirements.values() for item in section or []
    ):
        problems.append("a pure package needs no build requirements nor selectors")
    return problems


def check_tests(
    recipe: Mapping[str, Any],
    project: Mapping[str, Any],
    package_dir: Path,
    compiled_modules: Sequence[str],
) -> list[str]:
    """The imports and ``pip_check`` test, and the test running the package's pytest suite."""
    tests = recipe.get("tests", [])
    python_tests = [test["python"] for test in tests if "python" in test]
    script_tests = [test for test in tests if "script" in test]
    problems = []
    imports = {module for test in python_tests for module in test.get("imports", [])}
    for module in [project["name"].replace("-", "_"), *compiled_modules]:
        if module not in imports:
            problems.append(f"tests[python].imports must import {module}")
    if not python_tests or not all(test.get("pip_check") is True for test in python_tests):
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
    return problems


def check_about(
    recipe: Mapping[str, Any], project: Mapping[str, Any], package_dir: Path
) -> list[str]:
    """License, license files, homepage and summary."""
    about = recipe.get("about", {})
    license_files = _as_list(project.get("license-files", []))
    return [
        *mismatch("about.license", about.get("license"), project.get("license")),
        *mismatch("about.license_file", _as_list(about.get("license_file")), license_files),
        *(
            f"about.license_file {name} is not in {package_dir.name}"
            for name in license_files
            if not (package_dir / name).is_file()
        ),
        *mismatch(
            "about.homepage", about.get("homepage"), project.get("urls", {}).get("Homepage")
        ),
        *mismatch("about.summary", about.get("summary"), project.get("description")),
    ]


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


# Each alteration below changes a parsed recipe in place, as someone editing it could, and
# returns a phrase that the check must then report. They find what they alter in the
# recipe instead of naming today's dependencies, so they keep working as the packages grow.


def _versioned_run_dependency(recipe):
    """Index and name of the first run dependency with a version bound, python aside."""
    run = recipe["requirements"]["run"]
    return next(
        (index, item.split()[0])
        for index, item in enumerate(run)
        if isinstance(item, str) and ">=" in item and not item.startswith("python")
    )


def bump_version(recipe):
    recipe["context"]["version"] = str(recipe["context"]["version"]) + ".1"
    return "package.version is"


def loosen_a_bound(recipe):
    index, name = _versioned_run_dependency(recipe)
    recipe["requirements"]["run"][index] = f"{name} >=0.0.1"
    return f"requirements.run: {name} is '>=0.0.1'"


def drop_a_dependency(recipe):
    index, name = _versioned_run_dependency(recipe)
    del recipe["requirements"]["run"][index]
    return f"requirements.run: {name} "


def add_a_dependency(recipe):
    recipe["requirements"]["run"].append("not-in-pyproject >=1.0")
    return "requirements.run: not-in-pyproject is not in"


def use_the_pypi_name(recipe):
    conda_only = {conda for pypi, conda in load_names().items() if pypi != conda}
    run = recipe["requirements"]["run"]
    index, name = next(
        (index, item.split()[0])
        for index, item in enumerate(run)
        if isinstance(item, str) and item.split()[0] in conda_only
    )
    pypi = next(pypi for pypi, conda in load_names().items() if conda == name)
    run[index] = run[index].replace(name, pypi, 1)
    return f"requirements.run: {pypi} is not in"


def rename_an_entry_point(recipe):
    entry_points = recipe["build"]["python"]["entry_points"]
    entry_points[0] = "renamed-" + entry_points[0]
    return "build.python.entry_points"


def drop_noarch(recipe):
    recipe["build"].pop("noarch")
    return "noarch: python"


def drop_the_compiler(recipe):
    recipe["requirements"]["build"].remove("${{ compiler('c') }}")
    return "requirements.build needs ${{ compiler('c') }}"


def drop_openmp_from_run(recipe):
    run = recipe["requirements"]["run"]
    run[:] = [item for item in run if not isinstance(item, dict)]
    return "requirements.run needs `if: linux` -> libgomp"


def pin_numpy(recipe):
    run = recipe["requirements"]["run"]
    run[:] = [f"{item},<2" if str(item).startswith("numpy ") else item for item in run]
    return "must not pin numpy"


def change_the_license(recipe):
    recipe["about"]["license"] = "MIT"
    return "about.license is 'MIT'"


def change_the_license_file(recipe):
    recipe["about"]["license_file"] = "COPYING"
    return "about.license_file is ['COPYING']"


PURE, COMPILED = "sbpy-filter-transform", "sbpy-phasefit"
RECIPE_DRIFTS = [
    *[(PURE, alter) for alter in (bump_version, loosen_a_bound, drop_a_dependency)],
    *[(PURE, alter) for alter in (add_a_dependency, use_the_pypi_name, rename_an_entry_point)],
    (PURE, drop_noarch),
    *[(COMPILED, alter) for alter in (drop_the_compiler, drop_openmp_from_run, pin_numpy)],
    *[(COMPILED, alter) for alter in (change_the_license, change_the_license_file)],
]


@pytest.mark.parametrize(
    ("name", "alter"),
    [pytest.param(name, alter, id=f"{name}-{alter.__name__}") for name, alter in RECIPE_DRIFTS],
)
def test_check_reports_recipe_drift(name, alter):
    package_dir = PACKAGES_DIR / name
    pyproject = load_pyproject(package_dir / "pyproject.toml")
    arguments = {"package_dir": package_dir, "compiled_modules": compiled_modules_of(package_dir)}
    recipe = load_recipe(RECIPES_DIR / name / "recipe.yaml")
    assert not check_recipe(recipe, pyproject, load_names(), **arguments)
    altered = copy.deepcopy(recipe)
    phrase = alter(altered)
    problems = check_recipe(altered, pyproject, load_names(), **arguments)
    assert any(phrase in problem for problem in problems), (phrase, problems)


def test_check_reports_drift_in_altered_files(tmp_path):
    """Altered copies on disk: a pyproject with a new dependency and script, a new version."""
    name = COMPILED
    pyproject = load_pyproject(PACKAGES_DIR / name / "pyproject.toml")["project"]
    present = {canonical(Requirement(item).name) for item in pyproject["dependencies"]}
    added = next(pypi for pypi in sorted(load_names()) if pypi not in present)
    text = (PACKAGES_DIR / name / "pyproject.toml").read_text(encoding="utf-8")
    text = text.replace("dependencies = [", f'dependencies = [\n  "{added}>=1.0",', 1)
    text = text.replace("[project.scripts]", '[project.scripts]\nextra-tool = "x.cli:main"', 1)
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    problems = check_package(name, pyproject_path=tmp_path / "pyproject.toml")
    added_conda = load_names()[added]
    assert any(f"{added_conda} >=1.0 of" in problem for problem in problems), problems
    assert any("build.python.entry_points" in problem for problem in problems), problems

    text = (RECIPES_DIR / name / "recipe.yaml").read_text(encoding="utf-8")
    text, count = re.subn(r'(?m)^(  version: )"[^"]*"', r'\1"0.0.0.dev0"', text)
    assert count == 1
    (tmp_path / "recipe.yaml").write_text(text, encoding="utf-8")
    problems = check_package(name, recipe_path=tmp_path / "recipe.yaml")
    expected = f"package.version is '0.0.0.dev0' but pyproject.toml says {pyproject['version']!r}"
    assert problems == [expected]


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
    expected = "not-a-known-package is not in recipes/conda-forge-names.toml"
    assert any(expected in problem for problem in problems), problems
