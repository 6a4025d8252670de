"""The installed version of tvs-classifier, for the modules that record it.

Examples
--------
>>> VERSION.count(".") >= 1 or VERSION == "0+unknown"
True
"""

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as distribution_version

__all__ = ["VERSION"]

try:
    VERSION: str = distribution_version("tvs-classifier")
except PackageNotFoundError:  # pragma: no cover - running from an uninstalled tree
    VERSION = "0+unknown"
