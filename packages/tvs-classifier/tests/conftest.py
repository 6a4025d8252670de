"""Shared fixtures: the project's reference data beside the checkout."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``shared/data`` (from ``SHARED_DATA_DIR``); skipped only where it may be absent.

    nox sets ``REQUIRE_SHARED_DATA=1``, which turns a missing folder into a failure.
    """
    folder = Path(os.environ.get("SHARED_DATA_DIR", Path(__file__).parents[4] / "shared" / "data"))
    if not folder.is_dir():
        if os.environ.get("REQUIRE_SHARED_DATA"):
            pytest.fail(f"REQUIRE_SHARED_DATA is set but {folder} does not exist")
        pytest.skip(f"no shared data at {folder} (set SHARED_DATA_DIR)")
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
