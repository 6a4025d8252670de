"""A fitter object for sbpy's own ``from_obs``, backed by the compiled batch fitter.

Examples
--------
>>> import astropy.units as u
>>> from sbpy.data import Obs
>>> from sbpy.photometry import HG1G2
>>> obs = Obs.from_dict(
...     {"alpha": [1, 5, 10, 20, 30] * u.deg, "mag": [7.0, 7.3, 7.5, 7.9, 8.2] * u.mag}
... )
>>> fitter = PhaseFitter()
>>> model = HG1G2.from_obs(obs, fitter, "mag")
>>> print(f"{model.H.quantity:.3f}", fitter.fit_info["flags"])
6.829 mag CONVERGED
"""

from __future__ import annotations

from typing import Any

import astropy.units as u
import numpy as np
from numpy.typing import ArrayLike

from .fit import fit_phase_curves
from .results import describe_flags

__all__ = ["PhaseFitter"]

#: sbpy.photometry class name -> model name of this package.
SBPY_MODELS = {
    "HG": "HG",
    "HG12": "HG12",
    "HG12_Pen16": "HG12PEN16",
    "HG1G2": "HG1G2",
    "LinearPhaseFunc": "LINEAR",
}


class PhaseFitter:
    """Fit an sbpy phase-function model the way astropy fitters do, but exactly.

    An instance is called as ``fitter(model, phase, mag, weights=None)``, which is
    how ``DiskIntegratedPhaseFunc.from_obs(obs, fitter, ...)`` uses a fitter. The
    model's current parameter values are the starting values; ``weights`` are
    ``1 / sigma`` as in astropy. Plain phase angles follow sbpy's convention
    (radians, degrees for the linear model); Quantities are converted.

    Parameters
    ----------
    **options
        Passed to `~sbpy_phasefit.fit_phase_curves` (e.g. ``bounds``, ``fixed``,
        ``error_floor``, ``covariance``).

    Attributes
    ----------
    fit_info : dict
        Results of the last call beyond the parameters: ``covariance``, standard
        errors, ``chi2``, ``dof``, ``n_iter`` and ``flags`` (names).

    Examples
    --------
    >>> import numpy as np
    >>> from sbpy.photometry import HG
    >>> fitted = PhaseFitter()(HG(), np.deg2rad([1.0, 5.0, 10.0, 20.0]), [7.0, 7.3, 7.5, 7.9])
    >>> round(float(fitted.G.value), 4)
    0.1346
    """

    def __init__(self, **options: Any) -> None:
        self.options = options
        self.fit_info: dict = {}

    def __call__(
        self, model, x: ArrayLike, y: ArrayLike, weights: ArrayLike | None = None, **kwargs
    ):
        """Fit ``model`` to magnitudes ``y`` at phase angles ``x``; return the fitted copy."""
        if kwargs:
            raise TypeError(
                f"PhaseFitter does not take {sorted(kwargs)}; pass options at creation"
            )
        name = SBPY_MODELS.get(type(model).__name__)
        if name is None:
            raise TypeError(
                f"PhaseFitter fits {', '.join(SBPY_MODELS)}, not {type(model).__name__}"
            )
        if isinstance(x, u.Quantity):
            phase = x.to(u.deg)
        else:
            phase = np.asarray(x, dtype=float) * (u.deg if name == "LINEAR" else u.rad)
        mag_unit = y.unit if isinstance(y, u.Quantity) else None
        err = None if weights is None else 1.0 / np.asarray(weights, dtype=float)
        options = dict(self.options)
        if "init" not in options and "fixed" not in options:
            options["init"] = {p: getattr(model, p).value for p in model.param_names[1:]}
        table = fit_phase_curves(
            np.atleast_1d(phase), u.Quantity(y, u.mag).ravel(), mag_err=err, model=name, **options
        )
        row = table[0]
        values = []
        for p in model.param_names:
            value = u.Quantity(row[p])
            if mag_unit is None:
                values.append(value.value)
            elif p == "S":
                values.append(value.to(mag_unit / u.deg))
            else:
                values.append(value.value * (mag_unit if p == "H" else 1))
        self.fit_info = {
            "covariance": np.asarray(row["covariance"]),
            "errors": {p: u.Quantity(row[f"{p}_err"]).value for p in model.param_names},
            "chi2": float(row["chi2"]),
            "dof": int(row["dof"]),
            "n_iter": int(row["n_iter"]),
            "flags": describe_flags(int(row["flags"])),
        }
        return type(model)(*values)
