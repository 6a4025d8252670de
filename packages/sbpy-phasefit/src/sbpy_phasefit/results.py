"""Fit results: the status flags and the result table of `~sbpy_phasefit.fit_phase_curves`.

One row per object. Columns:

``id``
    The object id.
``H``, ``G`` ... (the model's parameters)
    Best-fit values; NaN where no fit was possible (see ``flags``). ``H`` (and the
    linear slope ``S``) are Quantities; dimensionless parameters are plain numbers.
``H_err``, ...
    Standard errors, the square roots of the covariance diagonal (0 for a fixed
    parameter).
``covariance``
    ``(n_params, n_params)`` per row, in the parameters' units, in the order of
    ``meta["param_names"]``. Absolute (the inverse of ``J^T W J``, right when the
    magnitude errors are true standard deviations) or scaled by the reduced chi2, as
    ``meta["covariance"]`` says.
``chi2``, ``dof``, ``reduced_chi2``, ``bic``
    Weighted sum of squared residuals, points minus free parameters, their ratio
    and the Bayesian information criterion ``chi2 + k ln n``.
``n_points``, ``n_dropped``
    Points used, and points left out: unusable ones (``invalid="flag"``) and
    clipped ones (``clip``).
``phase_min``, ``phase_max``
    Range of the phase angles used.
``n_iter``, ``flags``
    Iterations of the solver and the `FitFlag` bits.
"""

from __future__ import annotations

import enum

import astropy.units as u
import numpy as np
from astropy.table import QTable

from .models import PhaseFunction, get_model

__all__ = ["FitFlag", "describe_flags", "make_table", "model_of", "to_sbpy", "to_ssobject"]


class FitFlag(enum.IntFlag):
    """Status bits of one object's fit (the ``flags`` column).

    Examples
    --------
    >>> FitFlag(3)
    <FitFlag.CONVERGED|AT_BOUND: 3>
    """

    #: The solver stopped at a stationary point of chi2 within the constraints.
    CONVERGED = 1
    #: At least one parameter sits on a bound (or HG1G2 on ``G1 + G2 = 1``).
    AT_BOUND = 2
    #: Fewer usable points than free parameters or than ``min_points``; no fit.
    TOO_FEW_POINTS = 4
    #: ``J^T W J`` is singular (e.g. all points at one phase angle): no covariance.
    SINGULAR = 8
    #: The iteration limit was reached before convergence.
    MAX_ITER = 16
    #: The model is undefined at the start (e.g. every basis function zero).
    MODEL_UNDEFINED = 32
    #: Some of the object's points were unusable and left out (``invalid="flag"``).
    INVALID_POINTS = 64
    #: Points were clipped as outliers before the final refit (``clip``).
    CLIPPED = 128


def describe_flags(flags: int) -> str:
    """Names of the bits set in ``flags``, joined by ``|`` (``"NONE"`` for 0).

    Examples
    --------
    >>> describe_flags(5)
    'CONVERGED|TOO_FEW_POINTS'
    """
    names = [flag.name for flag in FitFlag if flags & flag]
    return "|".join(names) if names else "NONE"


def make_table(
    model: PhaseFunction,
    ids: np.ndarray,
    params: np.ndarray,
    cov: np.ndarray,
    chi2: np.ndarray,
    n_points: np.ndarray,
    n_dropped: np.ndarray,
    n_free: int,
    phase_range: tuple[np.ndarray, np.ndarray],
    n_iter: np.ndarray,
    flags: np.ndarray,
    meta: dict,
) -> QTable:
    """Assemble the result table (see the module docstring for its columns).

    Examples
    --------
    >>> from sbpy_phasefit.models import HG
    >>> t = make_table(
    ...     HG(),
    ...     np.array([1]),
    ...     np.array([[5.0, 0.1]]),
    ...     np.zeros((1, 2, 2)),
    ...     np.array([1.0]),
    ...     np.array([4]),
    ...     np.array([0]),
    ...     2,
    ...     (np.array([1.0]), np.array([20.0])),
    ...     np.array([3]),
    ...     np.array([1]),
    ...     {},
    ... )
    >>> t["H"][0], t["dof"][0]
    (<Quantity 5. mag>, np.int64(2))
    """
    table = QTable(meta=dict(meta))
    table["id"] = ids
    errors = np.sqrt(np.abs(np.diagonal(cov, axis1=1, axis2=2)))
    for suffix, values in (("", params), ("_err", errors)):
        for j, (name, unit) in enumerate(zip(model.param_names, model.param_units, strict=True)):
            # Dimensionless parameters stay plain numbers, as in sbpy.
            column = values[:, j] if unit == u.dimensionless_unscaled else values[:, j] * unit
            table[f"{name}{suffix}"] = column
    table["covariance"] = cov
    dof = n_points.astype(np.int64) - n_free
    table["chi2"] = chi2
    table["dof"] = dof
    with np.errstate(divide="ignore", invalid="ignore"):
        table["reduced_chi2"] = np.where(dof > 0, chi2 / np.where(dof > 0, dof, 1), np.nan)
        table["bic"] = np.where(
            n_points > 0, chi2 + n_free * np.log(np.maximum(n_points, 1)), np.nan
        )
    table["n_points"] = n_points.astype(np.int64)
    table["n_dropped"] = n_dropped.astype(np.int64)
    table["phase_min"] = phase_range[0] * u.deg
    table["phase_max"] = phase_range[1] * u.deg
    table["n_iter"] = n_iter.astype(np.int32)
    table["flags"] = flags.astype(np.int32)
    table.meta["model"] = model.name
    table.meta["param_names"] = list(model.param_names)
    table.meta["flag_bits"] = {flag.name: int(flag) for flag in FitFlag}
    return table


def model_of(table: QTable) -> PhaseFunction:
    """The model (with its options) that produced a result table.

    Examples
    --------
    >>> from sbpy_phasefit import fit_phase_curves
    >>> model_of(fit_phase_curves([1, 10, 20], [5.0, 5.5, 5.9], model="HG1G2"))
    HG1G2(phi3_slope='sbpy')
    """
    options = {}
    if "phi3_slope" in table.meta:
        options["phi3_slope"] = table.meta["phi3_slope"]
    return get_model(table.meta["model"], **options)


def to_sbpy(table: QTable):
    """The fitted parameters of a result table as an sbpy model set (one per row).

    Examples
    --------
    >>> from sbpy_phasefit import fit_phase_curves
    >>> t = fit_phase_curves([1, 10, 20, 30], [5.1, 5.5, 5.9, 6.2], model="HG")
    >>> to_sbpy(t).H  # doctest: +ELLIPSIS
    Parameter('H', value=4.947..., unit=mag)
    """
    model = model_of(table)
    return model.to_sbpy(*(table[name] for name in model.param_names))


def to_ssobject(table: QTable, band: str | None = None) -> QTable:
    """H, G12 fits under the per-band column names of Rubin's SSObject table.

    One row per object (``ssObjectId``) and, per band, ``{b}_H``, ``{b}_HErr``,
    ``{b}_G12``, ``{b}_G12Err``, ``{b}_H_{b}_G12_Cov``, ``{b}_Chi2``, ``{b}_Ndata``,
    ``{b}_phaseAngleMin`` and ``{b}_phaseAngleMax`` (the naming of the Rubin
    SSObject schema with underscores; NaN or 0 where an object has no fit in a band).

    Parameters
    ----------
    table : astropy.table.QTable
        Result of an HG12 or HG12PEN16 fit, with a ``band`` column (as the command
        line writes with ``--band-col``) or fitted in one band.
    band : str, optional
        The band of a table without a ``band`` column.

    Examples
    --------
    >>> from sbpy_phasefit import fit_phase_curves
    >>> t = fit_phase_curves([1, 5, 10, 20], [7.0, 7.3, 7.5, 7.9], [9, 9, 9, 9], model="HG12")
    >>> to_ssobject(t, band="r").colnames[:4]
    ['ssObjectId', 'r_H', 'r_HErr', 'r_G12']
    """
    if table.meta.get("param_names") != ["H", "G12"]:
        raise ValueError("SSObject columns hold H, G12 fits; fit model='HG12' (or HG12PEN16)")
    if "band" in table.colnames:
        bands = table["band"]
    elif band is not None:
        bands = np.full(len(table), band)
    else:
        raise ValueError("the table has no band column: pass band=")
    ids, index = np.unique(np.asarray(table["id"]), return_inverse=True)
    out = QTable({"ssObjectId": ids})
    for b in np.unique(bands):
        rows = np.flatnonzero(bands == b)
        where = index[rows]
        columns = {
            f"{b}_H": (u.Quantity(table["H"][rows]).to_value(u.mag), u.mag),
            f"{b}_HErr": (u.Quantity(table["H_err"][rows]).to_value(u.mag), u.mag),
            f"{b}_G12": (np.asarray(table["G12"][rows]), None),
            f"{b}_G12Err": (np.asarray(table["G12_err"][rows]), None),
            f"{b}_H_{b}_G12_Cov": (np.asarray(table["covariance"][rows])[:, 0, 1], u.mag),
            f"{b}_Chi2": (np.asarray(table["chi2"][rows]), None),
            f"{b}_phaseAngleMin": (u.Quantity(table["phase_min"][rows]).to_value(u.deg), u.deg),
            f"{b}_phaseAngleMax": (u.Quantity(table["phase_max"][rows]).to_value(u.deg), u.deg),
        }
        for name, (values, unit) in columns.items():
            column = np.full(len(ids), np.nan)
            column[where] = values
            out[name] = column if unit is None else column * unit
        ndata = np.zeros(len(ids), dtype=np.int64)
        ndata[where] = np.asarray(table["n_points"][rows])
        out.add_column(ndata, name=f"{b}_Ndata", index=out.colnames.index(f"{b}_Chi2") + 1)
    out.meta.update(model=table.meta.get("model"), covariance=table.meta.get("covariance"))
    return out
