"""Location of the data files shipped inside the package (private)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["data_path"]


def data_path(name: str) -> Path:
    """Return the path of the bundled data file ``name`` (see ``data/PROVENANCE.rst``).

    Examples
    --------
    >>> data_path("lsst_r.ecsv").name
    'lsst_r.ecsv'
    """
    path = Path(str(files("sbpy_filter_transform") / "data" / name))
    if not path.is_file():  # pragma: no cover - a broken installation
        raise FileNotFoundError(
            f"bundled data file {name!r} is missing from {path.parent}; reinstall "
            "sbpy-filter-transform"
        )
    return path
