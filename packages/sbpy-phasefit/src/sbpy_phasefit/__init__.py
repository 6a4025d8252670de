"""sbpy-phasefit: phase-function fits for millions of asteroids, compatible with sbpy.

Models (`sbpy_phasefit.models`) evaluate HG, HG12, HG12* (Penttilä et al. 2016), HG1G2
and the linear phase function with compiled kernels whose values equal sbpy's;
`fit_phase_curves` fits any of them to many objects at once (Cython, OpenMP), and
`fit_shg1g2` the spin-aware sHG1G2 of Carry et al. (2024) (`sbpy_phasefit.spin`).

Examples
--------
>>> from sbpy_phasefit import fit_phase_curves
>>> t = fit_phase_curves([1, 5, 10, 20], [7.0, 7.3, 7.5, 7.9], model="HG12")
>>> t["H"].unit
Unit("mag")
"""

from importlib.metadata import PackageNotFoundError, version

from . import _sbpy_import  # noqa: F401  (first: imports sbpy quietly)

try:
    __version__ = version("sbpy-phasefit")
except PackageNotFoundError:  # pragma: no cover - running from an uninstalled tree
    __version__ = "0+unknown"

from .fit import fit_obs, fit_phase_curves
from .fitter import PhaseFitter
from .models import HG, HG1G2, HG12, HG12PEN16, MODELS, Linear, get_model
from .reduction import reduced_magnitude
from .results import FitFlag, flag_names, to_sbpy, to_ssobject
from .rubin import fit_rubin
from .spin import SHG1G2, fit_shg1g2

__all__ = [
    "HG",
    "HG1G2",
    "HG12",
    "HG12PEN16",
    "MODELS",
    "SHG1G2",
    "FitFlag",
    "Linear",
    "PhaseFitter",
    "__version__",
    "fit_obs",
    "fit_phase_curves",
    "fit_rubin",
    "fit_shg1g2",
    "flag_names",
    "get_model",
    "reduced_magnitude",
    "to_sbpy",
    "to_ssobject",
]
