"""Shared fixtures: the project's reference data in ../shared/data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Folder of the published reference data (env SHARED_DATA_DIR).

    Skips only when REQUIRE_SHARED_DATA is unset and the folder is missing; the nox
    session sets both variables, so there a missing folder is a failure.
    """
    folder = Path(os.environ.get("SHARED_DATA_DIR", "")).expanduser()
    if os.environ.get("SHARED_DATA_DIR") and folder.is_dir():
        return folder
    if os.environ.get("REQUIRE_SHARED_DATA"):
        pytest.fail(
            f"SHARED_DATA_DIR={str(folder)!r} is not a folder but REQUIRE_SHARED_DATA is set"
        )
    pytest.skip("reference data not available (set SHARED_DATA_DIR)")
