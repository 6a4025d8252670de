"""tvs-classifier."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("tvs-classifier")
except PackageNotFoundError:  # pragma: no cover - running from an uninstalled tree
    __version__ = "0+unknown"

__all__ = ["__version__"]
