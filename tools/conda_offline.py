"""Prove the conda recipes in ``recipes/`` without any conda channel.

No conda channel (conda-forge, anaconda.org) can be reached from this project's machines,
so ``rattler-build build`` cannot run: it would download compilers, python and every
dependency. This script checks as much of each recipe as can be checked offline, with the
same libraries that rattler-build (py-rattler-build) and pixi (py-rattler) are made of:

1. **render** -- parse each ``recipes/<package>/recipe.yaml`` with py-rattler-build's strict
   v1 parser and render it for linux-64, osx-arm64 and win-64 (Jinja, selectors, variants,
   build string), without solving any environment. The variant values stand in for
   conda-forge's pinning (see `PINNING`). The parser rejects unknown keys, wrong types,
   malformed match specs and non-SPDX licenses: that is the schema check done here.
   rattler-build's JSON schema of the format (``schema.json`` of prefix-dev/recipe-format)
   ships in no PyPI package and is *not* checked against. The ``build.skip`` condition is
   checked through rattler-build's ``--render-only`` code path, which evaluates it.
2. **wheel** -- build the package's wheel from a copy of its source without build
   isolation, as the recipe's ``pip install . --no-build-isolation`` does, with this
   environment's build requirements standing in for the recipe's host environment.
3. **.conda** -- assemble a ``.conda`` from the wheel (``info/index.json``, ``paths.json``,
   ``files``, ``about.json``, ``link.json``, licenses and the recipe), named with the
   rendered build string, depending on what the rendered recipe's ``run`` section says.
   sbpy-phasefit is built for this platform only; the run_exports that its host and
   build requirements would add in a real build are emulated for two of them (the python
   pin and the glibc floor of the C stdlib, see `emulated_run_exports`).
4. **solve** -- index a local channel holding the three packages and *stand-ins* for every
   dependency, then solve each package on its own with py-rattler. A stand-in is an empty
   package named as on conda-forge, at the version installed in this Python environment
   (python itself at the running version); virtual packages such as ``__glibc`` are
   detected from this machine. Beside each constrained stand-in lies a *decoy* at version
   0.0.0, and the solver is asked for the lowest versions: a recipe constraint that it
   ignored would put a decoy in the solution.
5. **install** -- solve the packages together and install them into a fresh prefix.
6. **import** -- import each module of the recipe's ``python`` test from the prefix (with
   this interpreter, the prefix's site-packages first on ``sys.path``) and check that it
   was loaded from the prefix, a compiled extension included for a compiled package.
7. **--version** -- run each console script of the recipe from the prefix's ``bin/``.

What this cannot show: that conda-forge's own builds of the dependencies exist for each
platform and resolve together at the recipe's bounds (the stand-ins only represent this
environment), that conda-forge's compilers and pinning build sbpy-phasefit, the osx-arm64
and win-64 builds, the run_exports a real build adds, and the recipes' ``tests`` sections
(``pip_check``, the packages' pytest suites), which rattler-build runs after a real build.

Run it as ``nox -s conda``, which installs its requirements (tools/conda-requirements.txt)
and the packages' dependencies first; it exits non-zero, naming the failed steps in one
line, when any step of any package fails.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import importlib.machinery
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
import warnings
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from conda_package_handling import api as cph_api
from rattler import Channel, Gateway, RepoDataRecord, Subdir, VirtualPackage, install, solve
from rattler.index import index_fs
from rattler_build import (
    PlatformConfig,
    RenderConfig,
    Stage0Recipe,
    VariantConfig,
    build_recipes,
)

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

__all__ = ["main"]

ROOT = Path(__file__).resolve().parents[1]
RECIPES_DIR = ROOT / "recipes"
PACKAGES_DIR = ROOT / "packages"
#: PyPI name -> conda-forge name of every requirement of the packages (shared with tests/).
NAMES_TABLE = RECIPES_DIR / "conda-forge-names.toml"
#: Platforms every recipe is rendered for.
PLATFORMS = ("linux-64", "osx-arm64", "win-64")
#: The running interpreter's version, as conda writes a python variant and a stand-in.
PYTHON_XY = f"{sys.version_info.major}.{sys.version_info.minor}"
PYTHON_VERSION = ".".join(str(part) for part in sys.version_info[:3])
#: Variant values standing in for conda-forge's pinning (conda-forge-pinning cannot be
#: downloaded here): enough for compiler(), stdlib() and the python/numpy variants to
#: render as on conda-forge. The python variant is the running interpreter's, so that the
#: linux-64 rendering describes the package built here.
PINNING: dict[str, dict[str, str]] = {
    "linux": {
        "c_compiler": "gcc",
        "c_compiler_version": "14",
        "c_stdlib": "sysroot",
        "c_stdlib_version": "2.17",
    },
    "osx": {
        "c_compiler": "clang",
        "c_compiler_version": "19",
        "c_stdlib": "macosx_deployment_target",
        "c_stdlib_version": "11.0",
    },
    "win": {"c_compiler": "vs2022", "c_stdlib": "vs", "c_stdlib_version": "2022"},
}
COMMON_PINNING = {"python": PYTHON_XY, "numpy": "2"}
#: Prefix placeholder written into text files (console scripts) of compiled packages; the
#: installer replaces it with the prefix, as for packages that conda-build makes.
PREFIX_PLACEHOLDER = "/opt/anaconda1anaconda2anaconda3"
#: Build string and version of the packages that must never be part of a solution.
DECOY_BUILD = "decoy_0"
DECOY_VERSION = "0.0.0"
STANDIN_BUILD = "standin_0"
#: Steps in the order they run, with the heading of their column in the summary.
STEPS = {
    "render": "render+validate",
    "wheel": "wheel",
    "conda": ".conda",
    "solve": "solve",
    "install": "install",
    "import": "import",
    "script": "--version",
}
#: Marker file that makes the output folder this script's to empty.
MARKER = ".conda-offline-output"


class StepError(Exception):
    """A step of the offline check failed; the message says why, in one line."""


@dataclass
class Package:
    """One package of the repository and what the steps learn about it.

    Parameters
    ----------
    name : str
        Distribution name, which is also the folder name under ``packages/`` and
        ``recipes/`` and the conda package name.
    """

    name: str
    #: Rendered recipe (stage-1 dict) per platform.
    rendered: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Variant of the linux-64 (this platform's) rendering.
    variant: dict[str, str] = field(default_factory=dict)
    wheel: Path | None = None
    conda: Path | None = None
    depends: list[str] = field(default_factory=list)

    @property
    def recipe_path(self) -> Path:
        """The package's ``recipe.yaml``."""
        return RECIPES_DIR / self.name / "recipe.yaml"

    @property
    def source_dir(self) -> Path:
        """The package's source folder, as the recipe's ``source.path`` names it."""
        return (self.recipe_path.parent / self.recipe["source"][0]["path"]).resolve()

    @property
    def recipe(self) -> dict[str, Any]:
        """The recipe rendered for this platform."""
        return self.rendered[host_subdir()]

    @property
    def version(self) -> str:
        """The rendered package version."""
        return self.recipe["package"]["version"]

    @property
    def build(self) -> str:
        """The rendered build string."""
        return self.recipe["build"]["string"]

    @property
    def noarch(self) -> bool:
        """Whether the recipe builds a ``noarch: python`` package."""
        return self.recipe["build"].get("noarch") == "python"

    @property
    def entry_points(self) -> list[str]:
        """Console scripts of the recipe, as ``name = module:function``."""
        return list(self.recipe["build"].get("python", {}).get("entry_points", []))

    @property
    def test_imports(self) -> list[str]:
        """Modules that the recipe's ``python`` test imports."""
        return [
            module
            for test in self.recipe.get("tests", [])
            for module in test.get("python", {}).get("imports", [])
        ]


@dataclass
class Report:
    """Outcome of every step for every package, printed as a table at the end."""

    packages: list[str]
    results: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)

    def record(self, package: str, step: str, status: str, detail: str = "") -> None:
        """Store the ``status`` ("ok", "FAIL" or "skipped") of ``step`` for ``package``."""
        self.results[package, step] = (status, detail)
        print(f"[{package}] {STEPS[step]}: {status}{' - ' + detail if detail else ''}", flush=True)

    def failed(self, package: str) -> bool:
        """Whether any step of ``package`` has failed or been skipped."""
        return any(
            status != "ok" for (name, _), (status, _) in self.results.items() if name == package
        )

    def failures(self) -> list[str]:
        """One ``package step: reason`` entry per failed step."""
        return [
            f"{package} {STEPS[step]}: {detail}"
            for (package, step), (status, detail) in self.results.items()
            if status == "FAIL"
        ]

    def table(self) -> str:
        """The summary: one row per package, one column per step."""
        headings = ["package", *STEPS.values()]
        rows = [
            [package, *(self.results.get((package, step), ("-", ""))[0] for step in STEPS)]
            for package in self.packages
        ]
        widths = [max(len(row[i]) for row in [headings, *rows]) for i in range(len(headings))]
        lines = [
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            for row in [headings, *rows]
        ]
        lines.insert(1, "  ".join("-" * width for width in widths))
        return "\n".join(lines)


def host_subdir() -> str:
    """The conda subdir of this machine (e.g. ``linux-64``).

    Examples
    --------
    >>> host_subdir() in {"linux-64", "linux-aarch64", "osx-64", "osx-arm64", "win-64"}
    True
    """
    return str(Subdir.current())


def load_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file."""
    with path.open("rb") as stream:
        return tomllib.load(stream)


def requirement_name(requirement: str) -> str:
    """Name of a PEP 508 requirement string or of a conda match spec.

    Examples
    --------
    >>> requirement_name("astropy>=6.0")
    'astropy'
    >>> requirement_name("astropy-base >=6.0")
    'astropy-base'
    """
    return re.match(r"\s*([A-Za-z0-9_.\-]+)", requirement).group(1)


def conda_to_pypi_names() -> dict[str, str]:
    """conda-forge name -> PyPI name, inverted from ``recipes/conda-forge-names.toml``."""
    return {conda: pypi for pypi, conda in load_toml(NAMES_TABLE)["names"].items()}


def discover_packages() -> list[Package]:
    """Every package that has a recipe, in name order."""
    return [Package(path.parent.name) for path in sorted(RECIPES_DIR.glob("*/recipe.yaml"))]


def write_requirements(path: Path) -> None:
    """Write the run and build requirements of every package, for ``pip install -r``.

    The conda packages are imported from the prefix with this environment's interpreter,
    so their dependencies must be installed here (the stand-ins take these versions), and
    the wheels are built without isolation, so the build requirements too.
    """
    requirements: set[str] = set()
    for package in discover_packages():
        pyproject = load_toml(PACKAGES_DIR / package.name / "pyproject.toml")
        requirements.update(pyproject["project"].get("dependencies", []))
        requirements.update(pyproject["build-system"].get("requires", []))
    path.write_text("".join(f"{line}\n" for line in sorted(requirements)), encoding="utf-8")
    print(f"{len(requirements)} requirements written to {path}")


# --- 1. render ---------------------------------------------------------------------------


def variant_for(platform: str) -> dict[str, list[str]]:
    """The variant configuration (stand-in for conda-forge's pinning) of ``platform``."""
    pinning = {**COMMON_PINNING, **PINNING[platform.split("-")[0]]}
    return {key: [value] for key, value in pinning.items()}


def render(package: Package, recipe: Stage0Recipe, platform: str) -> str:
    """Render the parsed ``recipe`` of ``package`` for ``platform``; return the package id.

    Parameters
    ----------
    package : Package
        Gets the rendered recipe (and, for this platform, the variant) stored.
    recipe : rattler_build.Stage0Recipe
        The recipe as parsed (and so validated) by rattler-build.
    platform : str
        Target platform such as ``osx-arm64``; build and host platforms are the same.

    Returns
    -------
    str
        The rendered ``name-version-build`` of the package.
    """
    config = RenderConfig(
        PlatformConfig(target_platform=platform, build_platform=platform, host_platform=platform)
    )
    variants = recipe.render(VariantConfig(variant_for(platform)), config)
    if len(variants) != 1:
        raise StepError(f"{len(variants)} variants rendered for {platform}, expected 1")
    rendered = variants[0].recipe.to_dict()
    if rendered["package"]["name"] != package.name:
        raise StepError(f"package.name is {rendered['package']['name']!r}, not {package.name!r}")
    package.rendered[platform] = rendered
    if platform == host_subdir():
        package.variant = dict(variants[0].variant)
    build = rendered["build"]["string"]
    return f"{package.name}-{rendered['package']['version']}-{build}"


@contextlib.contextmanager
def captured_stdout() -> Iterator[Path]:
    """Send file descriptor 1 (also what Rust code prints) to a temporary file."""
    sys.stdout.flush()
    saved = os.dup(1)
    with tempfile.NamedTemporaryFile("w+b", suffix=".json", delete=False) as stream:
        path = Path(stream.name)
        os.dup2(stream.fileno(), 1)
    try:
        yield path
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def check_skip(package: Package, work: Path) -> str:
    """Check the recipe's ``build.skip`` with rattler-build's ``--render-only`` code path.

    py-rattler-build's ``render()`` does not evaluate ``build.skip``, its ``--render-only``
    build does (the same as ``rattler-build build --render-only``). The recipe is rendered
    for a python variant below its ``python_min`` and for the running one: the first must
    be skipped and the second kept. A noarch recipe has no python variant to skip.
    """
    python_min = package.recipe["context"].get("python_min")
    if package.noarch or python_min is None:
        return ""
    major, minor = (int(part) for part in python_min.split(".")[:2])
    below = f"{major}.{minor - 1}"
    config = work / "skip-variants.json"
    config.write_text(json.dumps({**variant_for(host_subdir()), "python": [below, PYTHON_XY]}))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with captured_stdout() as output:
            build_recipes(
                [package.recipe_path],
                render_only=True,
                target_platform=host_subdir(),
                variant_config=[str(config)],
                output_dir=work / "render-only",
            )
    kept = {
        item["build_configuration"]["variant"]["python"] for item in json.loads(output.read_text())
    }
    output.unlink()
    if below in kept or PYTHON_XY not in kept:
        raise StepError(f"build.skip keeps python {sorted(kept)}; expected only >= {python_min}")
    return f"skips python {below}"


def check_source_files(package: Package) -> None:
    """The license files and test files that the recipe names exist in its source."""
    about = package.recipe["about"]
    files = [*about.get("license_file", [])]
    for test in package.recipe.get("tests", []):
        files.extend(test.get("files", {}).get("source", []))
    missing = [name for name in files if not (package.source_dir / name).exists()]
    if missing:
        raise StepError(f"not in {package.source_dir.relative_to(ROOT)}: {', '.join(missing)}")


def step_render(package: Package, work: Path) -> str:
    """Step 1: parse (validate) and render for every platform, check skip and named files."""
    recipe = Stage0Recipe.from_file(package.recipe_path)
    if recipe.schema_version != 1:
        raise StepError(f"schema_version is {recipe.schema_version}, not 1")
    platforms = dict.fromkeys([*PLATFORMS, host_subdir()])
    builds = [render(package, recipe, platform) for platform in platforms]
    check_source_files(package)
    skip = check_skip(package, work)
    distinct = sorted(set(builds))
    return f"{', '.join(PLATFORMS)} -> {' / '.join(distinct)}{'; ' + skip if skip else ''}"


# --- 2. wheel ----------------------------------------------------------------------------


def ignore_generated(folder: str, names: list[str]) -> set[str]:
    """Names that a fresh checkout would not have: build output and generated C files."""
    ignored = shutil.ignore_patterns(
        "build", "dist", "*.egg-info", "__pycache__", "*.py[cod]", "*.so", "*.pyd", ".*cache"
    )(folder, names)
    cython_outputs = {f"{Path(name).stem}.c" for name in names if name.endswith(".pyx")}
    return set(ignored) | (cython_outputs & set(names))


def run_logged(what: str, command: Sequence[str], log: Path) -> None:
    """Run ``command``, its output going to ``log``; fail naming ``what`` and the log."""
    with log.open("w") as stream:
        status = subprocess.run(command, stdout=stream, stderr=subprocess.STDOUT).returncode
    if status:
        last = (log.read_text(errors="replace").strip().splitlines() or [""])[-1]
        raise StepError(f"{what} exited {status}: {last[:160]} (log: {log})")


def step_wheel(package: Package, work: Path) -> str:
    """Step 2: build the wheel from a fresh copy of the package's source."""
    source = work / "source"
    shutil.copytree(package.source_dir, source, ignore=ignore_generated)
    wheels = work / "wheel"
    command = [
        sys.executable,
        "-m",
        "build",
        "--wheel",
        "--no-isolation",
        "--outdir",
        str(wheels),
        str(source),
    ]
    run_logged("python -m build", command, work / "wheel.log")
    (wheel,) = wheels.glob("*.whl")
    _, version, *_, tag = wheel.stem.split("-")
    if version != package.version:
        raise StepError(f"wheel version {version} but recipe version {package.version}")
    pure = tag == "any"
    if pure != package.noarch:
        kind = "noarch: python" if package.noarch else "a compiled recipe"
        raise StepError(f"wheel tag {tag!r} does not fit {kind}")
    package.wheel = wheel
    return wheel.name


# --- 3. .conda ---------------------------------------------------------------------------


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_conda(
    stage: Path,
    index: dict[str, Any],
    about: dict[str, Any],
    channel: Path,
    *,
    link: dict[str, Any] | None = None,
    placeholders: Sequence[str] = (),
) -> Path:
    """Write the ``info/`` metadata for the files under ``stage`` and pack a ``.conda``.

    Parameters
    ----------
    stage : Path
        Folder laid out as the package installs into a prefix; ``info/`` may already hold
        the recipe and licenses.
    index : dict
        Contents of ``info/index.json`` (name, version, build, depends, subdir, ...).
    about : dict
        Contents of ``info/about.json``.
    channel : Path
        Channel root: the package goes into its ``index["subdir"]`` folder.
    link : dict, optional
        Contents of ``info/link.json`` (noarch python packages: their entry points).
    placeholders : sequence of str
        Payload paths of text files holding `PREFIX_PLACEHOLDER`.

    Returns
    -------
    Path
        The ``.conda`` file.
    """
    info = stage / "info"
    info.mkdir(parents=True, exist_ok=True)
    payload = sorted(
        path.relative_to(stage).as_posix()
        for path in stage.rglob("*")
        if path.is_file() and not path.relative_to(stage).as_posix().startswith("info/")
    )
    entries = []
    for name in payload:
        entry = {
            "_path": name,
            "path_type": "hardlink",
            "sha256": sha256(stage / name),
            "size_in_bytes": (stage / name).stat().st_size,
        }
        if name in placeholders:
            entry |= {"file_mode": "text", "prefix_placeholder": PREFIX_PLACEHOLDER}
        entries.append(entry)
    metadata = {
        "index.json": index,
        "about.json": about,
        "paths.json": {"paths": entries, "paths_version": 1},
        **({"link.json": link} if link else {}),
    }
    for name, content in metadata.items():
        (info / name).write_text(json.dumps(content, indent=2, sort_keys=True) + "\n")
    (info / "files").write_text("".join(f"{name}\n" for name in payload))
    members = sorted(
        path.relative_to(stage).as_posix() for path in stage.rglob("*") if path.is_file()
    )
    out_dir = channel / index["subdir"]
    out_dir.mkdir(parents=True, exist_ok=True)
    filename = f"{index['name']}-{index['version']}-{index['build']}.conda"
    cph_api.create(str(stage), members, filename, str(out_dir))
    return out_dir / filename


def index_json(
    name: str,
    version: str,
    build: str,
    depends: Sequence[str],
    *,
    noarch: bool,
    build_number: int = 0,
) -> dict[str, Any]:
    """``info/index.json`` of a package built here, for this platform or noarch."""
    subdir = "noarch" if noarch else host_subdir()
    index: dict[str, Any] = {
        "name": name,
        "version": version,
        "build": build,
        "build_number": build_number,
        "depends": list(depends),
        "subdir": subdir,
        "timestamp": int(time.time() * 1000),
    }
    if noarch:
        index["noarch"] = "python"
    else:
        platform, arch = subdir.split("-")
        index |= {"platform": platform, "arch": {"64": "x86_64"}.get(arch, arch)}
    return index


def emulated_run_exports(package: Package) -> list[str]:
    """The run requirements as a real build of this platform would record them.

    A real build adds the ``run_exports`` of its build and host requirements. Two are
    emulated here, for compiled packages only: python pins the run requirement ``python``
    to the host's minor version, and the C stdlib (``sysroot``) adds the glibc floor it
    targets, ``__glibc >=2.17,<3.0.a0``. Not emulated: ``python_abi``, ``libgcc`` and the
    upper pin from numpy's run_exports (``numpy >=1.x,<3``).
    """
    run = list(package.recipe["requirements"].get("run", []))
    if package.noarch:
        return run
    major, minor = (int(part) for part in package.variant["python"].split(".")[:2])
    run = [
        f"python >={major}.{minor},<{major}.{minor + 1}.0a0" if spec == "python" else spec
        for spec in run
    ]
    if package.variant.get("c_stdlib") == "sysroot":
        run.append(f"__glibc >={package.variant['c_stdlib_version']},<3.0.a0")
    return run


def console_script(entry_point: str) -> tuple[str, str]:
    """Name and launcher text of a console script ``name = module:function``.

    Examples
    --------
    >>> name, text = console_script("tool = pkg.cli:main")
    >>> name, text.splitlines()[0]
    ('tool', '#!/opt/anaconda1anaconda2anaconda3/bin/python')
    """
    name, target = (part.strip() for part in entry_point.split("="))
    module, function = target.split(":")
    text = (
        f"#!{PREFIX_PLACEHOLDER}/bin/python\n"
        "import sys\n"
        f"from {module} import {function}\n"
        "if __name__ == '__main__':\n"
        f"    sys.exit({function}())\n"
    )
    return name, text


def step_conda(package: Package, work: Path, channel: Path) -> str:
    """Step 3: lay the wheel out as the package installs and pack it as ``.conda``."""
    assert package.wheel is not None
    stage = work / "stage"
    site = stage / ("site-packages" if package.noarch else f"lib/python{PYTHON_XY}/site-packages")
    with zipfile.ZipFile(package.wheel) as wheel:
        if any(".data/" in name for name in wheel.namelist()):
            raise StepError("wheel has a .data folder, which this layout does not handle")
        wheel.extractall(site)
    for dist_info in site.glob("*.dist-info"):
        (dist_info / "INSTALLER").write_text("conda\n")
    placeholders = []
    if not package.noarch:  # noarch: the installer writes the scripts from info/link.json
        for entry_point in package.entry_points:
            name, text = console_script(entry_point)
            script = stage / "bin" / name
            script.parent.mkdir(parents=True, exist_ok=True)
            script.write_text(text)
            script.chmod(0o755)
            placeholders.append(f"bin/{name}")
    recipe_dir = stage / "info" / "recipe"
    recipe_dir.mkdir(parents=True)
    shutil.copy2(package.recipe_path, recipe_dir / "recipe.yaml")
    # JSON is YAML: the rendered recipe and its variant, as rattler-build stores them.
    (recipe_dir / "rendered_recipe.yaml").write_text(json.dumps(package.recipe, indent=2))
    (recipe_dir / "variant_config.yaml").write_text(json.dumps(package.variant, indent=2))
    about = package.recipe["about"]
    for license_file in about.get("license_file", []):
        target = stage / "info" / "licenses" / license_file
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(package.source_dir / license_file, target)
    package.depends = emulated_run_exports(package)
    index = index_json(
        package.name,
        package.version,
        package.build,
        package.depends,
        noarch=package.noarch,
        build_number=package.recipe["build"]["number"],
    )
    index["license"] = about["license"]
    link = None
    if package.noarch:
        link = {
            "noarch": {"type": "python", "entry_points": package.entry_points},
            "package_metadata_version": 1,
        }
    about_json = {
        "home": about.get("homepage"),
        "dev_url": about.get("repository"),
        "license": about["license"],
        "summary": about.get("summary"),
    }
    package.conda = write_conda(
        stage, index, about_json, channel, link=link, placeholders=placeholders
    )
    return f"{package.conda.relative_to(channel)} depends on {', '.join(package.depends)}"


# --- 4. stand-ins and solve --------------------------------------------------------------


def compiler_version() -> str:
    """Version of this Python's C compiler, whose OpenMP runtime the extension links."""
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    output = subprocess.run([compiler, "-dumpfullversion"], capture_output=True, text=True)
    if output.returncode:
        raise StepError(f"cannot ask {compiler} for its version (stand-in of the OpenMP runtime)")
    return output.stdout.strip()


#: Stand-ins that are not Python distributions: how to find the version they represent.
NATIVE_STANDINS: dict[str, Callable[[], str]] = {
    "python": lambda: PYTHON_VERSION,
    "libgomp": compiler_version,
}


def standin_version(name: str, pypi_names: dict[str, str]) -> str:
    """The version of this environment that the stand-in for conda package ``name`` takes."""
    if name in NATIVE_STANDINS:
        return NATIVE_STANDINS[name]()
    if name not in pypi_names:
        raise StepError(
            f"no stand-in for {name!r}: add its PyPI name to {NAMES_TABLE.relative_to(ROOT)}"
        )
    try:
        return importlib.metadata.version(pypi_names[name])
    except importlib.metadata.PackageNotFoundError:
        raise StepError(
            f"{pypi_names[name]} (conda {name}) is not installed here, and its stand-in "
            "takes the installed version"
        ) from None


def write_standins(packages: Sequence[Package], channel: Path, work: Path) -> list[str]:
    """Write a stand-in for each dependency of ``packages``, and decoys; return their ids.

    A stand-in has no files and no dependencies: it only says that this environment has
    the dependency at that version. A decoy at version `DECOY_VERSION` is added for each
    dependency that some package constrains, to be caught if the solver picks it.
    """
    pypi_names = conda_to_pypi_names()
    specs = [spec for package in packages for spec in package.depends]
    names = sorted(
        {requirement_name(spec) for spec in specs} - {package.name for package in packages}
    )
    constrained = {
        requirement_name(spec) for spec in specs if spec.strip() != requirement_name(spec)
    }
    written = []
    for name in names:
        if name.startswith("__"):  # virtual package: detected from this machine
            continue
        version = standin_version(name, pypi_names)
        kinds = [(version, STANDIN_BUILD, f"Stand-in: this environment has {name} {version}")]
        if name in constrained:
            kinds.append((DECOY_VERSION, DECOY_BUILD, "Decoy: a solution holding it is wrong"))
        for version, build, summary in kinds:
            stage = work / "standins" / f"{name}-{version}-{build}"
            stage.mkdir(parents=True)
            index = index_json(name, version, build, [], noarch=False)
            write_conda(stage, index, {"summary": summary}, channel)
            written.append(f"{name} {version}" + (" (decoy)" if build == DECOY_BUILD else ""))
    return written


def solve_packages(
    packages: Sequence[Package], channel: Path, cache: Path
) -> list[RepoDataRecord]:
    """Solve ``packages`` (their exact builds) against the indexed local ``channel``.

    Returns
    -------
    list of rattler.RepoDataRecord
        The solution. A decoy in it means that a constraint was ignored: `StepError`.
    """
    specs = [f"{package.name} =={package.version} {package.build}" for package in packages]
    records = asyncio.run(
        solve(
            [Channel(channel.as_uri())],
            specs,
            gateway=Gateway(cache_dir=cache / "repodata"),
            platforms=[Subdir.current(), Subdir("noarch")],
            virtual_packages=VirtualPackage.detect(),
            strategy="lowest",
            channel_relations="disabled",
        )
    )
    decoys = [describe(record) for record in records if record.build == DECOY_BUILD]
    if decoys:
        raise StepError(
            f"the solver picked decoys, so a constraint was ignored: {', '.join(decoys)}"
        )
    return records


def describe(record: RepoDataRecord) -> str:
    """A solved record as ``name version build``."""
    return f"{record.name.normalized} {record.version} {record.build}"


def step_solve_install(report: Report, packages: Sequence[Package], output: Path) -> None:
    """Steps 4 and 5: stand-ins and index; solve each package; install all of them together.

    Each package is solved on its own first, so that a failure names the package whose
    constraints cannot be met; the packages that solve are then solved and installed
    together into one fresh prefix, as a user would install them.
    """
    channel, cache, prefix = output / "channel", output / "cache", output / "prefix"
    try:
        standins = write_standins(packages, channel, output / "work")
        asyncio.run(index_fs(channel, write_zst=False, write_shards=False, force=True))
    except Exception as error:
        for package in packages:
            report.record(package.name, "solve", "FAIL", reason(error))
            report.record(package.name, "install", "skipped")
        return
    print(f"conda_offline: stand-ins (this environment, not conda-forge): {', '.join(standins)}")
    solved = []
    for package in packages:
        try:
            records = solve_packages([package], channel, cache)
        except Exception as error:
            report.record(package.name, "solve", "FAIL", reason(error))
            report.record(package.name, "install", "skipped")
            continue
        (ours,) = [
            describe(record) for record in records if record.name.normalized == package.name
        ]
        report.record(package.name, "solve", "ok", f"{ours} and {len(records) - 1} stand-ins")
        solved.append(package)
    if not solved:
        return
    try:
        records = solve_packages(solved, channel, cache)
        asyncio.run(install(records, prefix, cache_dir=cache / "pkgs", show_progress=False))
    except Exception as error:
        for package in solved:
            report.record(package.name, "install", "FAIL", f"with the others: {reason(error)}")
        return
    print(f"conda_offline: installed into {prefix}: {', '.join(sorted(map(describe, records)))}")
    for package in solved:
        report.record(package.name, "install", "ok", str(prefix))


# --- 5. import and console scripts -------------------------------------------------------

#: Run by this interpreter: import modules with a prefix's site-packages first on sys.path
#: and print where each came from.
IMPORT_CHECK = """
import importlib, json, sys
site = sys.argv[1]
sys.path.insert(0, site)
print(json.dumps({name: importlib.import_module(name).__file__ for name in sys.argv[2:]}))
"""


def site_packages(prefix: Path) -> Path:
    """The site-packages folder of a (unix) prefix with this Python version."""
    return prefix / "lib" / f"python{PYTHON_XY}" / "site-packages"


def run_from_prefix(what: str, arguments: Sequence[str], prefix: Path) -> str:
    """Run this interpreter with ``arguments``, loading code from ``prefix``; return stdout.

    The prefix's site-packages comes first on ``sys.path`` (``PYTHONPATH``), before this
    environment's, which provides the dependencies that the stand-ins represent.
    """
    env = {**os.environ, "PYTHONPATH": str(site_packages(prefix)), "PYTHONNOUSERSITE": "1"}
    result = subprocess.run([sys.executable, *arguments], capture_output=True, text=True, env=env)
    if result.returncode:
        last = (result.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise StepError(f"{what} exited {result.returncode}: {last[:200]}")
    return result.stdout


def step_import(package: Package, prefix: Path) -> str:
    """Step 6: import the recipe's test imports from the prefix, where they must live."""
    if not package.test_imports:
        raise StepError("the recipe's tests have no python imports")
    arguments = ["-c", IMPORT_CHECK, str(site_packages(prefix)), *package.test_imports]
    output = run_from_prefix("the import", arguments, prefix)
    files = {
        name: Path(path).resolve() for name, path in json.loads(output.splitlines()[-1]).items()
    }
    outside = [name for name, path in files.items() if not path.is_relative_to(prefix.resolve())]
    if outside:
        raise StepError(
            f"imported from outside the prefix: {', '.join(f'{n} ({files[n]})' for n in outside)}"
        )
    compiled = [
        name
        for name, path in files.items()
        if path.name.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))
    ]
    if not package.noarch and not compiled:
        raise StepError("no compiled extension among the recipe's test imports")
    extensions = f" (compiled: {', '.join(compiled)})" if compiled else ""
    return f"{', '.join(files)} from the prefix{extensions}"


def step_script(package: Package, prefix: Path) -> str:
    """Step 7: run each console script of the recipe from the prefix with ``--version``."""
    if not package.entry_points:
        raise StepError("the recipe lists no entry points")
    version = package.version
    shown = []
    for entry_point in package.entry_points:
        name, _ = console_script(entry_point)
        script = prefix / "bin" / name
        if not script.is_file():
            raise StepError(f"{script.relative_to(prefix)} was not installed")
        output = run_from_prefix(f"{name} --version", [str(script), "--version"], prefix).strip()
        if version not in output:
            raise StepError(f"{name} --version printed {output!r}, not version {version}")
        shown.append(output)
    return "; ".join(shown)


# --- driver ------------------------------------------------------------------------------


def prepare_output(output: Path) -> None:
    """Empty ``output`` (only if this script made it) and create it anew."""
    output = output.resolve()
    if output.exists():
        if any(output.iterdir()) and not (output / MARKER).exists():
            raise SystemExit(
                f"conda_offline: {output} exists and was not made by this script; "
                "choose another --output"
            )
        shutil.rmtree(output)
    output.mkdir(parents=True)
    (output / MARKER).write_text("Made by tools/conda_offline.py; emptied on every run.\n")


def reason(error: Exception) -> str:
    """Why a step failed, in one line.

    A `StepError`'s message, or another exception's type and message with its whitespace
    collapsed (a solver's explanation spans several lines).
    """
    if isinstance(error, StepError):
        return str(error)
    return f"{type(error).__name__}: {' '.join(str(error).split())[:400]}"


def run_step(report: Report, package: Package, step: str, action: Callable[[], str]) -> None:
    """Run one step of one package unless an earlier one failed; record the outcome."""
    if report.failed(package.name):
        report.record(package.name, step, "skipped")
        return
    try:
        detail = action()
    except Exception as error:
        report.record(package.name, step, "FAIL", reason(error))
    else:
        report.record(package.name, step, "ok", detail)


def check(output: Path) -> int:
    """Run every step for every package; print the summary; return the exit status."""
    if not sys.platform.startswith("linux"):
        raise SystemExit(
            "conda_offline: runs on Linux only, like the project's machines and CI "
            "(the prefix layout, console scripts and OpenMP stand-in are Linux's)"
        )
    start = time.perf_counter()
    prepare_output(output)
    channel, prefix = output / "channel", output / "prefix"
    packages = discover_packages()
    report = Report([package.name for package in packages])
    print(
        f"conda_offline: {len(packages)} recipes, rendered for {', '.join(PLATFORMS)}, "
        f"built for {host_subdir()}"
    )
    for package in packages:
        work = output / "work" / package.name
        work.mkdir(parents=True)
        run_step(report, package, "render", partial(step_render, package, work))
        run_step(report, package, "wheel", partial(step_wheel, package, work))
        run_step(report, package, "conda", partial(step_conda, package, work, channel))
    built = [package for package in packages if not report.failed(package.name)]
    for package in packages:
        if report.failed(package.name):
            report.record(package.name, "solve", "skipped")
            report.record(package.name, "install", "skipped")
    if built:
        step_solve_install(report, built, output)
    for package in packages:
        run_step(report, package, "import", partial(step_import, package, prefix))
        run_step(report, package, "script", partial(step_script, package, prefix))
    print()
    print(
        "conda_offline summary (the dependencies are stand-ins for this environment: "
        "no resolution against conda-forge is shown)"
    )
    print(report.table())
    print(
        "schema: checked by rattler-build's strict v1 recipe parser; the JSON schema of the "
        "recipe format ships in no PyPI package and was not checked"
    )
    print(f"took {time.perf_counter() - start:.0f} s; channel {channel}, prefix {prefix}")
    failures = report.failures()
    if failures:
        print(f"conda_offline: FAILED: {'; '.join(failures)}", file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python tools/conda_offline.py --output conda-output``.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments; ``sys.argv[1:]`` when not given.

    Returns
    -------
    int
        0 when every step of every package passed, 1 otherwise.
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--output",
        type=Path,
        default=ROOT / "conda-output",
        help="folder for packages, channel and prefix (emptied)",
    )
    parser.add_argument(
        "--write-requirements",
        type=Path,
        metavar="FILE",
        help="only write the packages' run and build requirements to FILE",
    )
    args = parser.parse_args(argv)
    if args.write_requirements:
        write_requirements(args.write_requirements)
        return 0
    return check(args.output)


if __name__ == "__main__":
    status = main()
    # py-rattler 0.28 crashes (SIGSEGV) in about one exit in four while the interpreter
    # finalizes after a solve, which would turn a passing run into exit status 139: leave
    # without finalization, everything being written and flushed by now.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
