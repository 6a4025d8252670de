"""Every task a developer or CI runs, for all three packages.

Run ``nox -l`` for the list. The README's two commands are ``nox -s demo`` (the main
job of every package on its bundled data) and ``nox -s lint tests integration`` (every
test). ``nox -t <package>`` runs one package's tests.
"""

from __future__ import annotations

import os
from pathlib import Path

import nox

nox.needs_version = ">=2024.10.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.error_on_external_run = True
nox.options.sessions = ["lint", "tests", "integration"]

ROOT = Path(__file__).resolve().parent
#: Distribution name -> import name of every package in the repository.
PACKAGES = {
    "sbpy-filter-transform": "sbpy_filter_transform",
    "sbpy-phasefit": "sbpy_phasefit",
    "tvs-classifier": "tvs_classifier",
}
#: Published reference data beside the checkout (see ../shared/data/README.md).
SHARED_DATA = ROOT.parent / "shared" / "data"
#: Pinned so that a new ruff release cannot turn a green CI red by itself.
RUFF = "ruff==0.17.6"

#: Environment of every session: headless plotting, quiet TensorFlow, no network use.
ENV = {
    "MPLBACKEND": "Agg",
    "KERAS_BACKEND": "tensorflow",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "PYTHONHASHSEED": "0",
}


def package_dir(name: str) -> Path:
    """Folder of the package with distribution ``name``."""
    return ROOT / "packages" / name


def install_packages(session: nox.Session, names: list[str], extra: str | None = None) -> None:
    """Install the named packages (with an optional extra) from this checkout.

    Environments are reused between runs, so the packages themselves are always
    rebuilt: a changed source file must never leave a stale install behind.
    """
    suffix = f"[{extra}]" if extra else ""
    specs = [f"{package_dir(name)}{suffix}" for name in names]
    if session.venv_backend == "uv":
        reinstall = [arg for name in names for arg in ("--reinstall-package", name)]
        session.install(*reinstall, *specs)
    else:
        session.install("--force-reinstall", "--no-deps", *specs)
        session.install(*specs)


def run_pytest(session: nox.Session, test_dir: Path) -> None:
    """Run pytest on ``test_dir`` from the repository root.

    pytest exits with 5 when it collects nothing. That is accepted only where the
    folder really holds no test module yet; anywhere else it is a failure.
    """
    has_tests = any(test_dir.rglob("test_*.py"))
    session.run(
        "pytest",
        str(test_dir),
        *session.posargs,
        env={**ENV, "REQUIRE_SHARED_DATA": "1", "SHARED_DATA_DIR": str(SHARED_DATA)},
        success_codes=[0] if has_tests else [0, 5],
    )


@nox.session
@nox.parametrize("package", [nox.param(name, id=name, tags=[name]) for name in PACKAGES])
def tests(session: nox.Session, package: str) -> None:
    """Run one package's own tests against the installed package."""
    install_packages(session, [package], extra="test")
    run_pytest(session, package_dir(package) / "tests")


@nox.session
def integration(session: nox.Session) -> None:
    """Cross-package tests and the checks of the conda recipes against pyproject metadata."""
    install_packages(session, list(PACKAGES), extra="test")
    session.install("pyyaml>=6", "packaging>=23")
    run_pytest(session, ROOT / "tests")


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check over every package (configured in pyproject.toml)."""
    session.install(RUFF)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the Sphinx site with warnings as errors into docs/_build/html."""
    install_packages(session, list(PACKAGES))
    session.install("-r", str(ROOT / "docs" / "requirements.txt"))
    out = ROOT / "docs" / "_build" / "html"
    session.run("sphinx-build", "-W", "--keep-going", "-b", "html", "docs", str(out), env=ENV)
    session.log(f"Documentation written to {out / 'index.html'}")


@nox.session
def conda(session: nox.Session) -> None:
    """Prove every conda recipe offline: render, validate, package, index, solve, install, import."""
    session.install("-r", str(ROOT / "tools" / "conda-requirements.txt"))
    tool = str(ROOT / "tools" / "conda_offline.py")
    # The conda packages are imported from the prefix by this environment's Python, and the
    # stand-ins of their dependencies take this environment's versions; their wheels are built
    # without isolation. So install the packages' run and build requirements, not the packages.
    requirements = Path(session.create_tmp()) / "package-requirements.txt"
    session.run("python", tool, "--write-requirements", str(requirements))
    session.install("-r", str(requirements))
    out = ROOT / "conda-output"
    session.run("python", tool, "--output", str(out), env=ENV)


@nox.session
def bench(session: nox.Session) -> None:
    """Run every package's benchmarks; each writes its figures as JSON and prints them."""
    install_packages(session, list(PACKAGES), extra="test")
    out = ROOT / "bench-output"
    out.mkdir(exist_ok=True)
    for package in PACKAGES:
        bench_dir = package_dir(package) / "benchmarks"
        requirements = bench_dir / "requirements.txt"
        if requirements.exists():
            session.install("-r", str(requirements))
        for script in sorted(bench_dir.glob("bench_*.py")):
            result = out / f"{package}-{script.stem}.json"
            session.run("python", str(script), "--json", str(result), env=ENV)
    session.log(f"Benchmark results written to {out}")


@nox.session
def demo(session: nox.Session) -> None:
    """The main job of all three packages on their bundled data, into one output folder."""
    install_packages(session, list(PACKAGES))
    out = Path(os.environ.get("DEMO_OUTPUT", ROOT / "demo-output")).resolve()
    for package in PACKAGES:
        session.run(package, "demo", "--output", str(out / package), env=ENV)
    session.log(f"Demo tables and figures written to {out}")
