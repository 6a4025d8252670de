"""sbpy-filter-transform: small-body magnitudes between any filter and the LSST bands.

Examples
--------
>>> from sbpy_filter_transform import offset
>>> round(float(offset("ATLAS o", "LSST r", "sun").value), 3)
0.054
"""

from importlib.metadata import PackageNotFoundError, version

from . import _sbpy_import  # noqa: F401  (first: imports sbpy quietly)

try:
    __version__ = version("sbpy-filter-transform")
except PackageNotFoundError:  # pragma: no cover - running from an uninstalled tree
    __version__ = "0+unknown"

from .bandpasses import LSST_BANDS, get_bandpass, list_bandpasses
from .color_terms import ColorTerms, fit_color_terms
from .engine import Engine
from .offset_grid import OffsetGrid
from .spectra import (
    SpectrumCoverageError,
    blackbody,
    busdemeo_sun,
    get_spectrum,
    reddened_sun,
    reflected_sun,
    sun,
)
from .systems import synthetic_magnitude, vega
from .transform import offset, to_lsst, transform

__all__ = [
    "LSST_BANDS",
    "ColorTerms",
    "Engine",
    "OffsetGrid",
    "SpectrumCoverageError",
    "__version__",
    "blackbody",
    "busdemeo_sun",
    "fit_color_terms",
    "get_bandpass",
    "get_spectrum",
    "list_bandpasses",
    "offset",
    "reddened_sun",
    "reflected_sun",
    "sun",
    "synthetic_magnitude",
    "to_lsst",
    "transform",
    "vega",
]
