"""Shared fixtures of the sbpy-phasefit tests."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The project's reference data folder (``SHARED_DATA_DIR``, else ``../shared/data``).

    Tests using it are skipped only when the folder is missing and
    ``REQUIRE_SHARED_DATA`` is unset; the nox session sets both.
    """
    default = Path(__file__).resolve().parents[4] / "shared" / "data"
    path = Path(os.environ.get("SHARED_DATA_DIR", default))
    if not path.is_dir():
        if os.environ.get("REQUIRE_SHARED_DATA"):
            pytest.fail(f"REQUIRE_SHARED_DATA is set but {path} does not exist")
        pytest.skip(f"shared reference data not found at {path}")
    return path


@pytest.fixture(scope="session")
def test_vectors(shared_data: Path) -> dict:
    """The numeric test vectors of ``phase/test_vectors.json`` (see its PROVENANCE.md)."""
    return json.loads((shared_data / "phase" / "test_vectors.json").read_text())
