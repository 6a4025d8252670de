"""Shared fixtures: the project's reference data beside the checkout."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The project's reference data folder: ``$SHARED_DATA_DIR``, else ``../shared/data``.

    The default is the ``shared/data`` folder beside the checkout (this file is
    ``packages/<package>/tests/conftest.py``). Tests that use it are skipped when the
    folder is missing, unless ``REQUIRE_SHARED_DATA`` is set (the nox sessions set it):
    then a missing folder is a failure. Every package's conftest.py has this fixture.
    """
    checkout = Path(__file__).resolve().parent / ".." / ".." / ".."
    default = Path(os.path.normpath(checkout / ".." / "shared" / "data"))
    folder = Path(os.environ.get("SHARED_DATA_DIR") or default).expanduser()
    if not folder.is_dir():
        if os.environ.get("REQUIRE_SHARED_DATA"):
            pytest.fail(f"REQUIRE_SHARED_DATA is set but {folder} is not a folder")
        pytest.skip(f"no shared reference data at {folder} (set SHARED_DATA_DIR)")
    return folder


def _make_table(
    n_objects: int = 3,
    epochs: int = 60,
    bands: tuple[str, ...] = ("g", "r"),
    periods: np.ndarray | None = None,
    seed: int = 0,
) -> tuple[pd.DataFrame, np.ndarray]:
    """A long table of sinusoidal variables with random times, and their periods."""
    rng = np.random.default_rng(seed)
    if periods is None:
        periods = 10 ** rng.uniform(-0.5, 0.5, n_objects)
    rows = []
    for k in range(n_objects):
        for b, band in enumerate(bands):
            t = rng.uniform(60000.0, 60300.0, epochs)
            mag = 16.0 + 0.2 * b + (0.5 - 0.1 * b) * np.sin(2 * np.pi * t / periods[k])
            mag = mag + rng.normal(0, 0.01, epochs)
            rows.append(
                pd.DataFrame(
                    {"object_id": f"obj{k}", "mjd": t, "band": band, "mag": mag, "mag_err": 0.01}
                )
            )
    return pd.concat(rows, ignore_index=True), np.asarray(periods)


@pytest.fixture
def make_table():
    """The factory of synthetic tables (tests import nothing from conftest)."""
    return _make_table


@pytest.fixture
def table() -> pd.DataFrame:
    """Three two-band sinusoidal variables, 60 epochs per band, unsorted times."""
    return _make_table()[0]


@pytest.fixture(scope="session")
def tap_server_type() -> type:
    """`TapServer` of ``tests/tap_server.py``: a TAP service on 127.0.0.1 for the tests.

    Loaded from its file, as the tests are imported in importlib mode (no package).
    """
    return _load_test_module("tap_server").TapServer


def _load_test_module(name: str):
    """A helper module of this folder (the tests are imported in importlib mode)."""
    path = Path(__file__).with_name(f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"tvs_tests_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def postgres_server():
    """A real PostgreSQL server on 127.0.0.1 (``tests/postgres_server.py``), for the session.

    Skipped where PostgreSQL's server programs are not installed, unless
    ``REQUIRE_POSTGRESQL`` is set (the nox sessions set it): then that is a failure.
    """
    module = _load_test_module("postgres_server")
    if module.server_programs() is None:
        if os.environ.get("REQUIRE_POSTGRESQL"):
            pytest.fail(
                "REQUIRE_POSTGRESQL is set but PostgreSQL is not installed (apt-get install postgresql)"
            )
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    with module.PostgresServer() as server:
        yield server


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's chromium, for playwright (``executable_path``; it downloads no browser).

    Skipped where chromium or playwright is missing, unless ``REQUIRE_BROWSER`` is set
    (the nox sessions set it): then that is a failure.
    """
    import shutil

    path = shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        path = None
    if path is None:
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail("REQUIRE_BROWSER is set but chromium or playwright is missing")
        pytest.skip(
            "no chromium and playwright (apt-get install chromium; pip install playwright)"
        )
    return path
