"""Every task a developer or CI runs, for all three packages.

Run ``nox -l`` for the list. The README's two commands are ``nox -s demo`` (the main
job of every package on its bundled data) and ``nox -s lint tests jax integration conda
docs`` (every test; ``jax`` is tvs-classifier with JAX and no TensorFlow, as on the Rubin
Science Platform). ``nox -t <package>`` runs one package's tests
(and, for tvs-classifier, ``validate``: its real-data figures, which take about 20 minutes).
"""

from __future__ import annotations

import os
from pathlib import Path

import nox

nox.needs_version = ">=2024.10.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.error_on_external_run = True
nox.options.sessions = ["lint", "tests", "jax", "integration"]

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
#: No Keras backend is named: a plain install of tvs-classifier has JAX and finds it.
ENV = {
    "MPLBACKEND": "Agg",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "PYTHONHASHSEED": "0",
}
#: Sessions with the packages' test extra (which brings TensorFlow beside JAX) run Keras
#: on TensorFlow; the tests that need JAX start it themselves, and `jax` runs without it.
TEST_ENV = ENV | {"KERAS_BACKEND": "tensorflow"}


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
        env={
            **TEST_ENV,
            "REQUIRE_SHARED_DATA": "1",
            "SHARED_DATA_DIR": str(SHARED_DATA),
            "REQUIRE_POSTGRESQL": "1",
            "REQUIRE_BROWSER": "1",
        },
        success_codes=[0] if has_tests else [0, 5],
    )


@nox.session
@nox.parametrize("package", [nox.param(name, id=name, tags=[name]) for name in PACKAGES])
def tests(session: nox.Session, package: str) -> None:
    """Run one package's own tests against the installed package."""
    install_packages(session, [package], extra="test")
    run_pytest(session, package_dir(package) / "tests")


#: Dependency-free check that tensorflow cannot be imported in the session's environment.
NO_TENSORFLOW = (
    "import importlib.util, sys; "
    "sys.exit('tensorflow is installed' if importlib.util.find_spec('tensorflow') else 0)"
)
#: Checks the table that ``tvs-classifier classify`` wrote (argv[1]) for ``n`` objects.
CLASSIFIED = """
import sys, pandas as pd
table, n = pd.read_csv(sys.argv[1]), int(sys.argv[2])
assert len(table) == n and table["class"].notna().all(), table
assert table["model_version"].str.startswith("tvs-cnn-").all(), table["model_version"]
print(f"classified {len(table)} objects:", table["class"].value_counts().to_dict())
"""


@nox.session(reuse_venv=False, tags=["tvs-classifier"])
def jax(session: nox.Session) -> None:
    """tvs-classifier as on the Rubin Science Platform: JAX, no TensorFlow, no KERAS_BACKEND.

    A fresh environment gets ``tvs-classifier[jax]`` and pytest only (not the test extra,
    which brings TensorFlow). The command line classifies the bundled ZTF sample with the
    shipped model, then the tests that classify run, all with ``KERAS_BACKEND`` unset and
    a Keras home of their own, so that the classifier has to find JAX by itself.
    """
    install_packages(session, ["tvs-classifier"], extra="jax")
    session.install("pytest>=7.4")
    session.run("python", "-c", NO_TENSORFLOW)
    tmp = Path(session.create_tmp())
    env = {**ENV, "KERAS_BACKEND": None, "KERAS_HOME": str(tmp / "keras-home")}
    sample = session.run(
        "python",
        "-c",
        "from importlib.resources import files; "
        "print(files('tvs_classifier') / 'data' / 'alerce_ztf_periodic_sample.csv')",
        silent=True,
    ).strip()
    output = tmp / "ztf-classified.csv"
    output.unlink(missing_ok=True)
    session.run(
        "tvs-classifier",
        "classify",
        sample,
        "-o",
        str(output),
        "--band-map",
        "ztf_g=g,ztf_r=r",
        "--no-progress",
        env=env,
    )
    session.run("python", "-c", CLASSIFIED, str(output), "25", env=env)
    tests = package_dir("tvs-classifier") / "tests"
    session.run(
        "pytest",
        str(tests / "test_backend.py"),
        str(tests / "test_classify.py"),
        *session.posargs,
        env=env,
    )


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
            session.run("python", str(script), "--json", str(result), env=TEST_ENV)
    session.log(f"Benchmark results written to {out}")


#: The real-data figures of the shipped tvs-classifier model that the docs quote.
VALIDATION = ROOT / "docs" / "tvs-classifier" / "validation"


@nox.session(tags=["tvs-classifier"])
def validate(session: nox.Session) -> None:
    """Evaluate the shipped tvs-classifier model on real light curves (~20 min; not in CI).

    Stripe 82 RR Lyrae and the bundled ZTF sample, each with the catalog periods and with
    searched ones; the EROS-2 Cepheid; Stripe 82 in g and r only, clean, with injected
    outliers and as an old two-band survey; the feature baseline beside the CNN: one
    JSON file each in docs/tvs-classifier/validation, which the docs quote. Rerun it
    whenever the default model changes (a test checks the model version). The ``fast``
    extra (nifty-ls) makes the period searches about ten times faster than astropy's.
    """
    install_packages(session, ["tvs-classifier"], extra="fast")
    script = package_dir("tvs-classifier") / "benchmarks" / "evaluate_real.py"
    # JAX: the backend of the plain install, and the one the shipped model was trained with.
    env = {**ENV, "KERAS_BACKEND": "jax", "SHARED_DATA_DIR": str(SHARED_DATA)}
    for data in ("stripe82", "ztf"):
        for periods, flags in (("catalog", []), ("searched", ["--search-periods"])):
            result = VALIDATION / f"{data}-{periods}-periods.json"
            session.run(
                "python", str(script), "--data", data, *flags, "--json", str(result), env=env
            )
    # A Cepheid of EROS-2, in its broad blue and red bands, with the period found.
    result = VALIDATION / "eros2-searched-periods.json"
    session.run("python", str(script), "--data", "eros2", "--json", str(result), env=env)
    # Stripe 82 with g and r only, clean and with 3 % of the points made gross outliers.
    robustness = package_dir("tvs-classifier") / "benchmarks" / "robustness_s82.py"
    result = VALIDATION / "stripe82-gr-outliers.json"
    session.run("python", str(robustness), "--json", str(result), env=env)
    # The feature baseline against the CNN, in one run, on simulated and real data.
    baseline = package_dir("tvs-classifier") / "benchmarks" / "baseline_vs_cnn.py"
    result = VALIDATION / "baseline-vs-cnn.json"
    session.run("python", str(baseline), "--json", str(result), env=env | {"OMP_NUM_THREADS": "1"})
    session.log(f"Validation results written to {VALIDATION}")


@nox.session
def demo(session: nox.Session) -> None:
    """The main job of all three packages on their bundled data, into one output folder."""
    install_packages(session, list(PACKAGES))
    out = Path(os.environ.get("DEMO_OUTPUT", ROOT / "demo-output")).resolve()
    for package in PACKAGES:
        session.run(package, "demo", "--output", str(out / package), env=ENV)
    session.log(f"Demo tables and figures written to {out}")
