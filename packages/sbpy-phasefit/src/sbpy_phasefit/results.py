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

Fits of several bands (``bands=`` of `~sbpy_phasefit.fit_phase_curves`):

* each band on its own: one row per (object, band), a ``band`` column after ``id``
  and otherwise the columns above;
* ``shared_shape=True``: one row per object; the parameters are ``H_<band>`` for each
  band of the input (in sorted band order) followed by the shape parameters (e.g.
  ``H_g``, ``H_r``, ``G12``), with their ``_err`` columns and the joint covariance
  in that order (``meta["param_names"]``; ``meta["bands"]`` lists the bands). ``H``
  of a band an object has no (or too few) points in is NaN, as are its covariance
  row and column. ``chi2``, ``dof``, ``n_points`` ... are those of the joint fit;
  per band follow ``chi2_<band>`` (that band's share of chi2), ``n_points_<band>``,
  ``n_dropped_<band>``, ``phase_min_<band>`` and ``phase_max_<band>``.
"""

from __future__ import annotations

import enum

import astropy.units as u
import numpy as np
from astropy.table import QTable
from numpy.typing import ArrayLike

from .models import PhaseFunction, get_model

__all__ = [
    "SSOBJECT_BAND_COLUMNS",
    "FitFlag",
    "describe_flags",
    "flag_names",
    "make_table",
    "model_of",
    "param_names",
    "to_sbpy",
    "to_ssobject",
]

#: Per-band HG12 columns of Rubin's SSObject table written by `to_ssobject`, in the
#: order of the LSSTCam schema (lsst/sdm_schemas ``yml/lsstcam.yaml``); ``{b}`` is
#: the band.
SSOBJECT_BAND_COLUMNS = (
    "{b}_nObs",
    "{b}_H",
    "{b}_HErr",
    "{b}_G12",
    "{b}_G12Err",
    "{b}_H_{b}_G12_Cov",
    "{b}_nObsUsed",
    "{b}_Chi2",
    "{b}_phaseAngleMin",
    "{b}_phaseAngleMax",
    "{b}_slope_fit_failed",
)


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
    #: Shared-shape fit: a band had fewer than ``min_band_points`` points and was
    #: left out (its ``H`` is NaN); the other bands were fitted.
    BAND_TOO_FEW_POINTS = 256


def describe_flags(flags: int) -> str:
    """Names of the bits set in ``flags``, joined by ``|`` (``"NONE"`` for 0).

    Examples
    --------
    >>> describe_flags(5)
    'CONVERGED|TOO_FEW_POINTS'
    """
    names = _set_flags(int(flags))
    return "|".join(names) if names else "NONE"


def flag_names(flags: ArrayLike) -> np.ndarray:
    """Readable flags: each value's set bits in lower case, joined by ``;`` ("" for none).

    The column ``flag_names`` of the tables the command line writes, beside the bit
    mask ``flags``.

    Examples
    --------
    >>> flag_names([3, 0, 64 | 1]).tolist()
    ['converged;at_bound', '', 'converged;invalid_points']
    """
    values = np.asarray(flags, dtype=np.int64)
    unique, inverse = np.unique(values, return_inverse=True)
    texts = np.array([";".join(_set_flags(int(v))).lower() for v in unique], dtype=str)
    return texts[inverse.reshape(values.shape)] if unique.size else values.astype(str)


def _set_flags(flags: int) -> list[str]:
    """Names of the `FitFlag` bits set in ``flags``, in bit order."""
    return [flag.name for flag in FitFlag if flags & flag]


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
    bands: np.ndarray | None = None,
) -> QTable:
    """Assemble the result table (see the module docstring for its columns).

    ``n_free`` is one number or one per row; with ``bands`` (a shared-shape fit)
    ``params`` and ``cov`` hold one ``H`` per band followed by the shape parameters.

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
    names, units = list(model.param_names), list(model.param_units)
    if bands is not None:
        names = [f"H_{b}" for b in bands] + names[1:]
        units = [units[0]] * len(bands) + units[1:]
    table = QTable(meta=dict(meta))
    table["id"] = ids
    errors = np.sqrt(np.abs(np.diagonal(cov, axis1=1, axis2=2)))
    for suffix, values in (("", params), ("_err", errors)):
        for j, (name, unit) in enumerate(zip(names, units, strict=True)):
            # Dimensionless parameters stay plain numbers, as in sbpy.
            column = values[:, j] if unit == u.dimensionless_unscaled else values[:, j] * unit
            table[f"{name}{suffix}"] = column
    table["covariance"] = cov
    n_free = np.asarray(n_free, dtype=np.int64)
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
    table.meta["param_names"] = names
    table.meta["flag_bits"] = {flag.name: int(flag) for flag in FitFlag}
    return table


def param_names(table: QTable) -> list[str]:
    """The fitted parameters of a result table, in the order of its covariance.

    Read from the columns (each parameter ``X`` has an ``X_err`` column, or
    ``err_X`` in the Fink-style tables of `sbpy_phasefit.spin.fit_shg1g2`, in order),
    not from ``meta["param_names"]``, so that it also holds for tables joined with
    `astropy.table.vstack`, which concatenates metadata lists.

    Examples
    --------
    >>> from sbpy_phasefit import fit_phase_curves
    >>> param_names(fit_phase_curves([1, 10, 20], [5.0, 5.5, 5.9], model="HG1G2"))
    ['H', 'G1', 'G2']
    """
    names = [
        c for c in table.colnames if f"{c}_err" in table.colnames or f"err_{c}" in table.colnames
    ]
    if not names:
        raise ValueError(
            "not an sbpy_phasefit result table: no parameter columns (X next to X_err)"
        )
    if "covariance" in table.colnames and table["covariance"].shape[1:] != (len(names),) * 2:
        raise ValueError(
            f"the covariance column has shape {table['covariance'].shape[1:]}, but the "
            f"table has parameters {names}; was it joined from fits of different models?"
        )
    return names


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
    if not isinstance(table.meta.get("model"), str):
        raise ValueError("the table's meta['model'] names no model; is it a result table?")
    model = get_model(table.meta["model"], **options)
    names = param_names(table)
    if tuple(names[len(names) - model.n_params + 1 :]) != model.param_names[1:]:
        raise ValueError(
            f"meta['model'] is {model.name}, but the table has parameters {names}; "
            "was it joined from fits of different models?"
        )
    return model


def _shared_bands(names: list[str], n_shape: int) -> list[str] | None:
    """The bands of a shared-shape table (``H_<band>`` columns), None for ``H``."""
    h_names = names[: len(names) - n_shape]
    if h_names == ["H"]:
        return None
    return [name[2:] for name in h_names]


def to_sbpy(table: QTable, band: str | None = None):
    """The fitted parameters of a result table as an sbpy model set (one per row).

    Parameters
    ----------
    table : astropy.table.QTable
        A result of `~sbpy_phasefit.fit_phase_curves`.
    band : str, optional
        For a shared-shape fit (one ``H_<band>`` per band), the band whose ``H``
        the models take, with the shared shape: required there. For a table with a
        ``band`` column, only that band's rows.

    Examples
    --------
    >>> from sbpy_phasefit import fit_phase_curves
    >>> t = fit_phase_curves([1, 10, 20, 30], [5.1, 5.5, 5.9, 6.2], model="HG")
    >>> to_sbpy(t).H  # doctest: +ELLIPSIS
    Parameter('H', value=4.947..., unit=mag)
    >>> t = fit_phase_curves(
    ...     [1, 10, 20, 1, 10, 20],
    ...     [5.1, 5.5, 5.9, 5.6, 6.0, 6.4],
    ...     bands=["g", "g", "g", "r", "r", "r"],
    ...     shared_shape=True,
    ...     model="HG",
    ... )
    >>> to_sbpy(t, band="r").H  # doctest: +ELLIPSIS
    Parameter('H', value=5.46..., unit=mag)
    """
    model = model_of(table)
    names = param_names(table)
    shape = list(model.param_names[1:])
    bands = _shared_bands(names, len(shape))
    rows = np.ones(len(table), dtype=bool)
    if bands is not None:
        if band is None or str(band) not in bands:
            raise ValueError(
                f"the table holds one H per band ({', '.join(bands)}): pass band= one of them"
            )
        h = table[f"H_{band}"]
    else:
        if band is not None:
            if "band" not in table.colnames:
                raise ValueError("the table has no band column; leave out band=")
            rows = np.asarray(table["band"]).astype(str) == str(band)
            if not rows.any():
                raise ValueError(f"the table has no rows of band {band!r}")
        h = table["H"][rows]
    return model.to_sbpy(h, *(table[name][rows] for name in shape))


def to_ssobject(table: QTable, band: str | None = None) -> QTable:
    """H, G12 fits under the per-band column names of Rubin's SSObject table.

    The names are those of the current LSSTCam SSObject schema (lsst/sdm_schemas,
    ``yml/lsstcam.yaml``; `SSOBJECT_BAND_COLUMNS`): one row per object
    (``ssObjectId``) and, per band ``b``, ``{b}_nObs`` (points given to the fit),
    ``{b}_H``, ``{b}_HErr``, ``{b}_G12``, ``{b}_G12Err``, ``{b}_H_{b}_G12_Cov``,
    ``{b}_nObsUsed`` (points used), ``{b}_Chi2``, ``{b}_phaseAngleMin``,
    ``{b}_phaseAngleMax`` and ``{b}_slope_fit_failed`` (True where G12 was held
    fixed, e.g. ``fixed={"G12": 0.62}``, so that it holds a fiducial value). Where
    an object has no fit in a band the numbers are NaN, the counts 0 and the flag
    False. The covariance is written in mag (the schema says mag**2, but H is in mag
    and G12 has no unit).

    A shared-shape fit (``bands=..., shared_shape=True``) fills every band's
    ``{b}_G12``, ``{b}_G12Err`` with the one shared G12, ``{b}_H_{b}_G12_Cov`` with
    the covariance of that band's H with it, and ``{b}_Chi2`` with that band's share
    of the joint chi2.

    Parameters
    ----------
    table : astropy.table.QTable
        Result of an HG12 or HG12PEN16 fit: of several bands (a ``band`` column, or
        a shared-shape fit), of one band, or per-band results joined with
        `astropy.table.vstack`.
    band : str, optional
        The band of a one-band table without a ``band`` column.

    Examples
    --------
    >>> from sbpy_phasefit import fit_phase_curves
    >>> t = fit_phase_curves([1, 5, 10, 20], [7.0, 7.3, 7.5, 7.9], [9, 9, 9, 9], model="HG12")
    >>> to_ssobject(t, band="r").colnames[:4]
    ['ssObjectId', 'r_nObs', 'r_H', 'r_HErr']
    """
    names = param_names(table)
    if names[-1] != "G12" or not (
        names[:-1] == ["H"] or all(n.startswith("H_") for n in names[:-1])
    ):
        raise ValueError(
            f"SSObject columns hold H, G12 fits, not {', '.join(names)}; "
            "fit model='HG12' (or HG12PEN16)"
        )
    bands = _shared_bands(names, 1)
    row_ids = np.asarray(table["id"])
    ids, index = np.unique(row_ids, return_inverse=True)
    index = index.ravel()
    cov = np.asarray(table["covariance"])
    per_band = {}
    if bands is None:
        if "band" in table.colnames:
            row_bands = np.asarray(table["band"]).astype(str)
        elif band is not None:
            row_bands = np.full(len(table), str(band))
        else:
            raise ValueError("the table has no band column: pass band=")
        pairs = np.unique(np.stack([index, np.unique(row_bands, return_inverse=True)[1]]), axis=1)
        if pairs.shape[1] != len(table):
            raise ValueError(
                "the table has more than one row for an (id, band) pair; stack each band's "
                "fit once (and add a band column to each before stacking)"
            )
        for b in np.unique(row_bands):
            rows = np.flatnonzero(row_bands == b)
            per_band[b] = (rows, {
                "nObs": np.asarray(table["n_points"][rows]) + np.asarray(table["n_dropped"][rows]),
                "H": table["H"][rows], "HErr": table["H_err"][rows],
                "G12": table["G12"][rows], "G12Err": table["G12_err"][rows],
                "Cov": cov[rows, 0, 1] * u.mag, "nObsUsed": table["n_points"][rows],
                "Chi2": table["chi2"][rows], "phaseAngleMin": table["phase_min"][rows],
                "phaseAngleMax": table["phase_max"][rows],
            })  # fmt: skip
    else:
        if ids.size != len(table):
            raise ValueError(
                "a shared-shape table must have one row per id; these ids repeat: "
                f"{np.unique(row_ids[np.unique(index, return_counts=True)[1][index] > 1])[:5]}"
            )
        rows = np.arange(len(table))
        g12 = names.index("G12")
        for j, b in enumerate(bands):
            h = u.Quantity(table[f"H_{b}"])
            fitted = np.isfinite(h.value)
            per_band[b] = (rows, {
                "nObs": np.asarray(table[f"n_points_{b}"]) + np.asarray(table[f"n_dropped_{b}"]),
                "H": h, "HErr": table[f"H_{b}_err"],
                "G12": np.where(fitted, table["G12"], np.nan),
                "G12Err": np.where(fitted, table["G12_err"], np.nan),
                "Cov": cov[:, j, g12] * u.mag, "nObsUsed": table[f"n_points_{b}"],
                "Chi2": table[f"chi2_{b}"], "phaseAngleMin": table[f"phase_min_{b}"],
                "phaseAngleMax": table[f"phase_max_{b}"],
            })  # fmt: skip
    out = QTable({"ssObjectId": ids})
    for b, (rows, values) in per_band.items():
        where = index[rows]
        h = u.Quantity(values["H"]).to_value(u.mag)
        g12_err = np.asarray(values["G12Err"], dtype=np.float64)
        columns = {
            "nObs": (values["nObs"], None, 0),
            "H": (h, u.mag, np.nan),
            "HErr": (u.Quantity(values["HErr"]).to_value(u.mag), u.mag, np.nan),
            "G12": (np.asarray(values["G12"], dtype=np.float64), None, np.nan),
            "G12Err": (g12_err, None, np.nan),
            f"H_{b}_G12_Cov": (u.Quantity(values["Cov"]).to_value(u.mag), u.mag, np.nan),
            "nObsUsed": (np.asarray(values["nObsUsed"]), None, 0),
            "Chi2": (np.asarray(values["Chi2"], dtype=np.float64), None, np.nan),
            "phaseAngleMin": (u.Quantity(values["phaseAngleMin"]).to_value(u.deg), u.deg, np.nan),
            "phaseAngleMax": (u.Quantity(values["phaseAngleMax"]).to_value(u.deg), u.deg, np.nan),
            "slope_fit_failed": (np.isfinite(h) & (g12_err == 0.0), None, False),
        }
        for stem, (column_values, unit, fill) in columns.items():
            column = np.full(len(ids), fill, dtype=np.asarray(column_values).dtype)
            if isinstance(fill, float):
                column = column.astype(np.float64)
            column[where] = column_values
            out[f"{b}_{stem}"] = column if unit is None else column * unit
    out.meta.update(
        model=table.meta.get("model"),
        covariance=table.meta.get("covariance"),
        ssobject_schema="LSSTCam SSObject (lsst/sdm_schemas yml/lsstcam.yaml)",
    )
    return out
