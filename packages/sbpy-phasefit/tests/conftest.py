"""Shared fixtures of the sbpy-phasefit tests."""

from __future__ import annotations

import json
import os
from pathlib import Path

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


@pytest.fixture(scope="session")
def test_vectors(shared_data: Path) -> dict:
    """The numeric test vectors of ``phase/test_vectors.json`` (see its PROVENANCE.md)."""
    return json.loads((shared_data / "phase" / "test_vectors.json").read_text())
