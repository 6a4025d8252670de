"""Batch fitting of phase functions to many objects at once.

The input is ragged: flat arrays of phase angle, magnitude and (optionally) magnitude
error, with an object id per point in any order. Each object is fitted by weighted
least squares in magnitude space with a bounded Levenberg-Marquardt solver compiled
with Cython; objects run in parallel over OpenMP threads.

Examples
--------
>>> import numpy as np
>>> import astropy.units as u
>>> from sbpy_phasefit import fit_phase_curves
>>> from sbpy_phasefit.models import HG12
>>> phase = np.tile(np.linspace(1, 30, 10), 2) * u.deg
>>> ids = np.repeat(["a", "b"], 10)
>>> mag = HG12().evaluate(phase, np.repeat([15.0, 17.0], 10), np.repeat([0.3, 0.6], 10))
>>> result = fit_phase_curves(phase, mag, ids, model="HG12")
>>> result["H"].round(6), result["G12"].round(6).tolist()
(<Quantity [15., 17.] mag>, [0.3, 0.6])

Several bands: with ``bands`` each (object, band) is fitted on its own, or, with
``shared_shape=True``, one fit per object has an ``H`` per band and one shape:

>>> bands = np.tile(np.repeat(["g", "r"], 5), 2)
>>> mag_gr = mag + np.where(bands == "g", 0.5, 0.0) * u.mag
>>> shared = fit_phase_curves(phase, mag_gr, ids, bands=bands, shared_shape=True)
>>> shared.meta["param_names"]
['H_g', 'H_r', 'G12']
>>> shared["H_g"].round(6), shared["G12"].round(6).tolist()
(<Quantity [15.5, 17.5] mag>, [0.3, 0.6])
"""

from __future__ import annotations

from collections.abc import Mapping

import astropy.units as u
import numpy as np
from astropy.table import QTable
from numpy.typing import ArrayLike

from . import __version__, _lsq
from ._input import Grouped, as_float_array, band_codes, group_points, id_codes, invalid_points
from ._validate import as_numbers
from .models import PhaseFunction, _value_in, get_model
from .reduction import distance_problems
from .results import FitFlag, make_table

__all__ = ["fit_obs", "fit_phase_curves"]

_COVARIANCE_KINDS = ("auto", "absolute", "scaled")


def _resolve_threads(n_threads: int | None) -> int:
    """The OpenMP thread count to use (all available ones for ``None``)."""
    if n_threads is None:
        return max(1, _lsq.openmp_max_threads())
    if int(n_threads) != n_threads or n_threads < 1:
        raise ValueError(f"n_threads must be a positive integer, got {n_threads!r}")
    return int(n_threads)


def _check_options(
    covariance: str,
    invalid: str,
    loss: str,
    f_scale: float,
    clip: float | None,
    max_iter: int,
    chunk_size: int,
) -> None:
    """Raise `ValueError` naming the first bad option of a batch fit."""
    if covariance not in _COVARIANCE_KINDS:
        raise ValueError(f"covariance must be one of {_COVARIANCE_KINDS}, got {covariance!r}")
    if invalid not in ("raise", "flag"):
        raise ValueError(f"invalid must be 'raise' or 'flag', got {invalid!r}")
    if loss not in _lsq.LOSSES:
        raise ValueError(f"loss must be one of {sorted(_lsq.LOSSES)}, got {loss!r}")
    if not (np.isfinite(f_scale) and f_scale > 0):
        raise ValueError(f"f_scale must be positive, got {f_scale!r}")
    if clip is not None and not (np.isfinite(clip) and clip > 0):
        raise ValueError(f"clip must be positive (a number of sigma), got {clip!r}")
    if int(max_iter) < 1 or int(chunk_size) < 1:
        raise ValueError("max_iter and chunk_size must be positive")


def _per_object(
    model: PhaseFunction, values: Mapping | None, what: str, n_obj: int
) -> dict[int, np.ndarray]:
    """Check a ``{parameter: value}`` mapping; values broadcast to one per object."""
    out = {}
    for name, value in (values or {}).items():
        if name not in model.param_names:
            raise ValueError(
                f"{what} names unknown parameter {name!r}; {model.name} has {model.param_names}"
            )
        j = model.param_names.index(name)
        arr = _value_in(value, model.param_units[j], name)
        try:
            arr = np.broadcast_to(arr, (n_obj,)).astype(np.float64)
        except ValueError:
            raise ValueError(
                f"{what}[{name!r}] must be one value or one per object ({n_obj})"
            ) from None
        if not np.isfinite(arr).all():
            raise ValueError(f"{what}[{name!r}] must be finite")
        out[j] = arr
    return out


def _constraints(
    model: PhaseFunction, bounds: Mapping | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Lower and upper bounds and the matrix form ``A p <= b`` of all constraints."""
    lower = np.array([lo for lo, _ in model.bounds], dtype=np.float64)
    upper = np.array([hi for _, hi in model.bounds], dtype=np.float64)
    for name, pair in (bounds or {}).items():
        if name not in model.param_names:
            raise ValueError(
                f"bounds names unknown parameter {name!r}; {model.name} has {model.param_names}"
            )
        j = model.param_names.index(name)
        lo, hi = (
            sign * np.inf if v is None else float(_value_in(v, model.param_units[j], name))
            for v, sign in zip(pair, (-1, 1), strict=True)
        )
        if np.isnan(lo) or np.isnan(hi) or lo > hi:
            raise ValueError(f"bounds[{name!r}] = {pair!r} is not an interval (lower <= upper)")
        lower[j], upper[j] = lo, hi
    rows, rhs = [], []
    for j in range(model.n_params):
        if np.isfinite(lower[j]):
            rows.append(-np.eye(model.n_params)[j])
            rhs.append(-lower[j])
        if np.isfinite(upper[j]):
            rows.append(np.eye(model.n_params)[j])
            rhs.append(upper[j])
    extra_a, extra_b = model.linear_constraints()
    a = np.vstack([np.reshape(rows, (-1, model.n_params)), extra_a])
    b = np.concatenate([np.asarray(rhs, dtype=np.float64), extra_b])
    return lower, upper, np.ascontiguousarray(a), np.ascontiguousarray(b)


def fit_phase_curves(
    phase: ArrayLike | u.Quantity,
    mag: ArrayLike | u.Quantity,
    ids: ArrayLike | None = None,
    mag_err: ArrayLike | u.Quantity | None = None,
    *,
    rh: ArrayLike | u.Quantity | None = None,
    delta: ArrayLike | u.Quantity | None = None,
    bands: ArrayLike | None = None,
    shared_shape: bool = False,
    min_band_points: int = 2,
    model: str | PhaseFunction = "HG12",
    bounds: Mapping[str, tuple[float | None, float | None]] | None = None,
    fixed: Mapping[str, ArrayLike] | None = None,
    init: Mapping[str, ArrayLike] | None = None,
    error_floor: float | u.Quantity = 0.0,
    min_points: int | None = None,
    covariance: str = "auto",
    invalid: str = "raise",
    loss: str = "linear",
    f_scale: float = 1.0,
    clip: float | None = None,
    max_iter: int = 100,
    n_threads: int | None = None,
    chunk_size: int = 100_000,
    progress: bool = False,
) -> QTable:
    """Fit a phase function to every object in ragged, flat input.

    Parameters
    ----------
    phase : array_like or astropy.units.Quantity
        Phase angle of each point; plain numbers are degrees.
    mag : array_like or astropy.units.Quantity
        Reduced magnitude of each point (plain numbers or ``mag``), or with ``rh`` and
        ``delta`` the apparent magnitude.
    ids : array_like, optional
        Object id of each point (numbers or strings, any order); one object if
        omitted. The result has one row per distinct id, sorted by id.
    mag_err : array_like or astropy.units.Quantity, optional
        One-sigma magnitude errors; the fit is unweighted if omitted.
    rh, delta : array_like or astropy.units.Quantity, optional
        Heliocentric and observer distance of each point (plain numbers are au):
        ``mag`` is apparent and is reduced to 1 au first,
        ``mag - 5 log10(rh delta)`` (`sbpy_phasefit.reduction`). Give both or
        neither; a distance that is not finite or not positive is an unusable point.
    bands : array_like, optional
        Band (filter) name of each point (strings or numbers, not NaN or empty).
        Without ``shared_shape`` every (object, band) is fitted on its own and the
        result has one row per (id, band), sorted by id then band, with a ``band``
        column after ``id``.
    shared_shape : bool, optional
        With ``bands``: fit one shape (``G12``; ``G1`` and ``G2``; ``G``; the linear
        slope ``S``) per object with one ``H`` per band, in a single least-squares
        problem. The result has one row per object with columns ``H_<band>`` for
        every band of the input (NaN where an object has no points in that band),
        the shape parameters, their errors, the joint covariance, chi2 and flags, and
        per band ``chi2_<band>``, ``n_points_<band>``, ``n_dropped_<band>``,
        ``phase_min_<band>`` and ``phase_max_<band>`` (see `sbpy_phasefit.results`).
    min_band_points : int, optional
        With ``shared_shape``: an object's band with fewer usable points than this
        (default 2; a single point would fix that band's ``H`` with no residual to
        check it) is left out of the object's fit: its ``H`` is NaN, its points count
        in ``n_dropped`` and the object gets ``FitFlag.BAND_TOO_FEW_POINTS``. The
        other bands are fitted. (Fitted separately, such a band's row gets
        ``FitFlag.TOO_FEW_POINTS`` through ``min_points``.)
    model : str or PhaseFunction, optional
        ``"HG"``, ``"HG12"`` (default), ``"HG12PEN16"``, ``"HG1G2"``, ``"LINEAR"`` or a
        model instance, e.g. ``HG1G2(phi3_slope="penttila2016")``.
    bounds : dict, optional
        ``{name: (lower, upper)}`` replacing sbpy's default bounds of those parameters
        (``None`` for no bound). HG1G2 keeps ``G1 + G2 <= 1`` as sbpy does.
    fixed : dict, optional
        ``{name: value}`` of parameters held fixed, one value or one per object
        (e.g. ``{"G12": 0.62}`` for an H-only fit). With ``shared_shape`` only shape
        parameters can be fixed; ``bounds`` on ``H`` apply to every band's ``H``.
    init : dict, optional
        ``{name: value}`` starting values (default: sbpy's defaults for the shape
        parameters and the exact best ``H`` for that shape; with ``shared_shape``
        shape parameters only).
    error_floor : float or astropy.units.Quantity, optional
        Added in quadrature to ``mag_err`` (or used as the error if there is none).
    min_points : int, optional
        Fewest points an object needs (default: the number of free parameters of a
        one-band fit; with ``shared_shape`` the points of all bands count, and the
        fit also needs a point per free parameter, i.e. per band fitted).
    covariance : {"auto", "absolute", "scaled"}, optional
        ``absolute`` is the inverse of ``J^T W J``; ``scaled`` multiplies it by the
        reduced chi2. ``auto`` (default) is absolute when errors are given, else scaled.
    invalid : {"raise", "flag"}, optional
        What to do with unusable points (NaN or infinite values, phase angles outside
        [0, 180] deg, zero or negative errors): raise `ValueError` naming them
        (default), or leave them out and set ``FitFlag.INVALID_POINTS``.
    loss : {"linear", "soft_l1", "huber", "cauchy"}, optional
        Robust loss ``rho(z)`` of the squared normalized residual ``z = (r / sigma)^2
        / f_scale^2`` (scipy's definitions). Without ``clip`` the robust solution is
        returned, with the plain chi2 and ``(J^T W J)^-1`` covariance at it (an
        approximation for a robust fit); with ``clip`` it only finds the outliers.
    f_scale : float, optional
        Normalized residual at which the robust loss turns from quadratic.
    clip : float, optional
        After the (robust) fit, leave out points whose residual exceeds ``clip``
        times their error (``sigma``: ``mag_err`` with the floor, 1 mag without
        either), set ``FitFlag.CLIPPED``, and refit the rest by plain least squares,
        which gives the reported parameters, chi2 and covariance.
    max_iter : int, optional
        Iteration limit of the solver per object.
    n_threads : int, optional
        OpenMP threads (default: all available).
    chunk_size : int, optional
        Objects per call of the compiled kernel (bounds memory; one progress step).
    progress : bool, optional
        Show a tqdm progress bar over chunks.

    Returns
    -------
    astropy.table.QTable
        One row per object; see `sbpy_phasefit.results` for the columns.

    Raises
    ------
    ValueError
        On unusable points (with ``invalid="raise"``), mismatched lengths, NaN or
        empty band names, more bands than a shared-shape fit can hold, or bad
        options. `~astropy.units.UnitConversionError` on wrong units.

    Examples
    --------
    >>> t = fit_phase_curves(
    ...     [0.5, 5, 10, 20, 30], [6.55, 6.88, 7.1, 7.4, 7.7], mag_err=[0.03] * 5, model="HG"
    ... )
    >>> print(f"H = {t['H'][0]:.3f} +/- {t['H_err'][0]:.3f}, G = {t['G'][0]:.2f}")
    H = 6.482 mag +/- 0.025 mag, G = 0.21
    """
    model = get_model(model)
    _check_options(covariance, invalid, loss, f_scale, clip, max_iter, chunk_size)
    if shared_shape and bands is None:
        raise ValueError("shared_shape=True needs bands: the band of each point")
    if int(min_band_points) != min_band_points or min_band_points < 1:
        raise ValueError(f"min_band_points must be a positive integer, got {min_band_points!r}")
    threads = _resolve_threads(n_threads)

    alpha, mags, errs, floor, bad, band_names, band_index = _points(
        phase, mag, mag_err, error_floor, rh, delta, bands, invalid
    )
    n_bands = 0 if band_names is None else band_names.size
    shared = bool(shared_shape)
    if band_names is None:
        groups = group_points(ids, alpha.size, bad)
        row_ids, row_bands = groups.ids, None
    else:
        # Objects are numbered by their sorted ids; without a shared shape each
        # (object, band) pair is a fit of its own, numbered object-major.
        id_names, id_index = id_codes(ids, alpha.size)
        key = id_index if shared else id_index * n_bands + band_index
        groups = group_points(key, alpha.size, bad)
        row_ids = id_names[groups.ids // (1 if shared else n_bands)]
        row_bands = None if shared else band_names[groups.ids % n_bands]
    n_obj = groups.ids.size

    if shared and any("H" in (values or {}) for values in (fixed, init)):
        raise ValueError(
            "with shared_shape=True only shape parameters can be fixed or started "
            f"({', '.join(model.param_names[1:])}); each band's H is always fitted"
        )
    lower, upper, a_mat, b_vec = _constraints(model, bounds)
    fixed_values = _per_object(model, fixed, "fixed", n_obj)
    init_values = _per_object(model, init, "init", n_obj)
    fixed_mask = np.zeros(model.n_params, dtype=np.uint8)
    start = np.empty((n_obj, model.n_params))
    start[:, 0] = np.nan  # H: exact value for the starting shape
    for j in range(1, model.n_params):
        start[:, j] = np.clip(model.defaults[j], lower[j], upper[j])
    for j, values in init_values.items():
        start[:, j] = values
    for j, values in fixed_values.items():
        start[:, j] = values
        fixed_mask[j] = 1
    _check_start(model, start, a_mat, b_vec, lower, upper, fixed_values)
    if min_points is None:
        min_points = model.n_params - int(fixed_mask.sum())
    if int(min_points) != min_points or min_points < 0:
        raise ValueError(f"min_points must be a non-negative integer, got {min_points!r}")

    def by_object(values: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(values if groups.order is None else values[groups.order])

    y = by_object(mags)
    alpha_sorted = by_object(alpha)
    weights = _weights(None if errs is None else by_object(errs), floor, y.size)
    # Per point: 0 used, 1 clipped (set by the kernel), 2 in a band with too few points.
    left_out = np.zeros(y.size, dtype=np.uint8)
    point_band, cols = None, None
    fixed_2d = np.ascontiguousarray(np.broadcast_to(fixed_mask, (n_obj, model.n_params)))
    if shared:
        layout = _SharedLayout(model, band_names, groups, by_object(band_index), min_band_points)
        left_out[layout.too_few_points] = 2
        point_band, cols = layout.band, layout.cols
        fixed_2d = layout.fixed(fixed_mask)
        start = layout.start(start, lower[0], upper[0])
        a_mat, b_vec = layout.constraints(a_mat, b_vec)

    params = np.ascontiguousarray(start)
    n_p = params.shape[1]
    cov = np.full((n_obj, n_p, n_p), np.nan)
    chi2 = np.full(n_obj, np.nan)
    n_iter = np.zeros(n_obj, dtype=np.int32)
    flags = np.zeros(n_obj, dtype=np.int32)
    chunks = range(0, n_obj, int(chunk_size))
    if progress:
        from tqdm.auto import tqdm

        chunks = tqdm(chunks, desc=f"fitting {model.name}", unit="chunk")
    mix = model.mix
    for k0 in chunks:
        k1 = min(k0 + int(chunk_size), n_obj)
        lo, hi = groups.offsets[k0], groups.offsets[k1]
        phi = model.basis(alpha_sorted[lo:hi], n_threads=threads)
        block = np.ascontiguousarray(params[k0:k1])
        c, x2, it, fl = _lsq.fit(
            y[lo:hi], weights[lo:hi], phi, groups.offsets[k0 : k1 + 1] - lo, block,
            fixed_2d[k0:k1], a_mat, b_vec, mix, model._break, model._log_flux,
            min_points=int(min_points), max_iter=int(max_iter), loss=loss,
            f_scale=float(f_scale), clip=0.0 if clip is None else float(clip),
            mask=left_out[lo:hi], band=None if point_band is None else point_band[lo:hi],
            cols=cols, n_threads=threads,
        )  # fmt: skip
        params[k0:k1], cov[k0:k1], chi2[k0:k1], n_iter[k0:k1], flags[k0:k1] = block, c, x2, it, fl

    excluded_before = np.concatenate(([0], np.cumsum(left_out > 0, dtype=np.int64)))
    n_excluded = excluded_before[groups.offsets[1:]] - excluded_before[groups.offsets[:-1]]
    n_points = np.diff(groups.offsets) - n_excluded
    flags[groups.n_dropped > 0] |= FitFlag.INVALID_POINTS
    n_free = n_p - fixed_2d.sum(axis=1, dtype=np.int64)
    kind = covariance if covariance != "auto" else ("absolute" if errs is not None else "scaled")
    if kind == "scaled":
        dof = n_points - n_free
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = np.where(dof > 0, chi2 / np.where(dof > 0, dof, 1), np.nan)
        cov = cov * factor[:, None, None]
    phase_range = _phase_range(np.where(left_out > 0, np.nan, alpha_sorted), groups.offsets)
    meta = {
        "covariance": kind,
        "weighted": errs is not None or floor > 0,
        "error_floor": floor,
        "loss": loss,
        "f_scale": float(f_scale),
        "clip": clip,
        "bounds": {
            n: [float(lo), float(hi)]
            for n, lo, hi in zip(model.param_names, lower, upper, strict=True)
        },
        "fixed": [model.param_names[j] for j in fixed_values],
        "sbpy_phasefit_version": __version__,
    }
    if hasattr(model, "phi3_slope"):
        meta["phi3_slope"] = model.phi3_slope
    if band_names is not None:
        meta["bands"] = [str(b) for b in band_names]
        meta["shared_shape"] = shared
    if shared:
        flags[layout.small.any(axis=1)] |= FitFlag.BAND_TOO_FEW_POINTS
        params, cov = layout.to_table_order(params, cov)
    table = make_table(
        model, row_ids, params, cov, chi2, n_points, groups.n_dropped + n_excluded, n_free,
        phase_range, n_iter, flags, meta, bands=band_names if shared else None,
    )  # fmt: skip
    if row_bands is not None:
        table.add_column(row_bands, name="band", index=1)
    if shared:
        per_band = layout.band_columns(
            model, params, alpha_sorted, y, weights, left_out, bad, id_index, band_index
        )
        for name, column in per_band.items():
            table[name] = column
    return table


def _points(
    phase: ArrayLike | u.Quantity,
    mag: ArrayLike | u.Quantity,
    mag_err: ArrayLike | u.Quantity | None,
    error_floor: float | u.Quantity,
    rh: ArrayLike | u.Quantity | None,
    delta: ArrayLike | u.Quantity | None,
    bands: ArrayLike | None,
    invalid: str,
    more: tuple[np.ndarray, list[str]] | None = None,
) -> tuple:
    """The checked points of a fit: phase (deg), reduced magnitudes, errors (or None),
    the error floor, the mask of unusable points, and the band names and codes.

    ``more`` adds a mask of unusable points and its reasons found by the caller.
    Raises `ValueError` naming the unusable points when ``invalid`` is "raise".
    """
    alpha = as_float_array(phase, u.deg, "phase")
    mags = as_float_array(mag, u.mag, "mag")
    errs = None if mag_err is None else as_float_array(mag_err, u.mag, "mag_err")
    for name, arr in (("mag", mags), ("mag_err", errs)):
        if arr is not None and arr.shape != alpha.shape:
            raise ValueError(
                f"{name} has {arr.size} values but phase has {alpha.size}; one per point"
            )
    floor = float(as_float_array(np.atleast_1d(error_floor), u.mag, "error_floor")[0])
    if not np.isfinite(floor) or floor < 0.0:
        raise ValueError("error_floor must be finite and non-negative")

    bad, reasons = invalid_points(alpha, mags, errs)
    if more is not None:
        bad, reasons = bad | more[0], reasons + more[1]
    if (rh is None) != (delta is None):
        raise ValueError(
            "give both rh and delta (apparent magnitudes, reduced to 1 au) or neither "
            "(reduced magnitudes)"
        )
    if rh is not None:
        r, d = (
            np.broadcast_to(as_float_array(np.atleast_1d(value), u.au, name), alpha.shape)
            for value, name in ((rh, "rh"), (delta, "delta"))
        )
        far, why = distance_problems(r, d)
        with np.errstate(divide="ignore", invalid="ignore"):
            mags = np.where(far, mags, mags - 5.0 * np.log10(r * d))
        bad, reasons = bad | far, reasons + why
    band_names, band_index = (None, None) if bands is None else band_codes(bands, alpha.size)
    if reasons and invalid == "raise":
        raise ValueError(
            "unusable input: "
            + "; ".join(reasons)
            + ". Remove these points or pass invalid='flag' to leave them out."
        )
    return alpha, mags, errs, floor, bad, band_names, band_index


def _weights(errs: np.ndarray | None, floor: float, n: int) -> np.ndarray:
    """Least-squares weights: ``1 / (err^2 + floor^2)``; without errors ``1 / floor^2``,
    or 1 (an unweighted fit) without a floor either."""
    if errs is not None:
        return 1.0 / (errs**2 + floor**2)
    return np.full(n, 1.0 / floor**2 if floor > 0 else 1.0)


def band_usage(
    groups: Grouped, band_sorted: np.ndarray, n_bands: int, min_band_points: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Which bands of which objects a multi-band fit uses.

    Returns, per sorted point, its object and its (object, band) key; per object and
    band, whether it has some but fewer than ``min_band_points`` points (``small``)
    and whether it is fitted (``used``); and per sorted point whether its band is
    ``small``.
    """
    n_obj = groups.ids.size
    obj = np.repeat(np.arange(n_obj), np.diff(groups.offsets))
    key = obj * n_bands + band_sorted
    counts = np.bincount(key, minlength=n_obj * n_bands).reshape(n_obj, n_bands)
    small = (counts > 0) & (counts < min_band_points)
    used = (counts > 0) & ~small
    return obj, key, small, used, small.ravel()[key]


class _SharedLayout:
    """Parameter layout of shared-shape fits of several bands.

    The kernel's parameter vector of an object is ``(H_0, shape..., H_1, ...,
    H_{n-1})`` (the model's own parameters first, as in a one-band fit); the result
    table's is ``(H_0, ..., H_{n-1}, shape...)``. A band an object has no usable
    points in keeps its ``H`` fixed (at a feasible dummy value) and reports NaN.
    """

    def __init__(
        self,
        model: PhaseFunction,
        band_names: np.ndarray,
        groups: Grouped,
        band_sorted: np.ndarray,
        min_band_points: int,
    ) -> None:
        n_m, n_bands = model.n_params, band_names.size
        self.names = [str(b) for b in band_names]
        self.n_m, self.n_bands, self.n_p = n_m, n_bands, n_m + n_bands - 1
        most = min(_lsq.MAX_BANDS, _lsq.MAX_PARAMETERS - n_m + 1)
        if n_bands > most:
            raise ValueError(
                f"a shared-shape {model.name} fit holds at most {most} bands, got "
                f"{n_bands}; fit fewer bands at a time or pass shared_shape=False"
            )
        self.obj, self.key, self.small, self.used, self.too_few_points = band_usage(
            groups, band_sorted, n_bands, min_band_points
        )
        #: Kernel column of each H, in band order.
        self.h_cols = np.array([0, *range(n_m, self.n_p)], dtype=np.intp)
        #: The kernel's band layout: each point's band, and per band the columns of
        #: its H and of the shared shape.
        self.band = np.ascontiguousarray(band_sorted, dtype=np.int32)
        self.cols = np.tile(np.arange(n_m, dtype=np.int32), (n_bands, 1))
        self.cols[:, 0] = self.h_cols

    def fixed(self, fixed_mask: np.ndarray) -> np.ndarray:
        """Per object: the model's fixed parameters, and the H of bands not fitted."""
        out = np.zeros((self.used.shape[0], self.n_p), dtype=np.uint8)
        out[:, : self.n_m] = fixed_mask
        out[:, self.h_cols] = ~self.used
        return out

    def start(self, start: np.ndarray, lower_h: float, upper_h: float) -> np.ndarray:
        """Starting values: NaN (best value) for each fitted H, a feasible dummy else."""
        out = np.full((start.shape[0], self.n_p), np.nan)
        out[:, : self.n_m] = start
        h = out[:, self.h_cols]
        # Strictly inside the bounds on H, so that no bound counts as reached.
        if np.isfinite(lower_h) and np.isfinite(upper_h):
            dummy = 0.5 * (lower_h + upper_h)
        else:
            dummy = min(max(0.0, lower_h + 1.0), upper_h - 1.0)
        h[~self.used] = dummy
        out[:, self.h_cols] = h
        return out

    def constraints(self, a_mat: np.ndarray, b_vec: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The model's constraints, with each bound on H repeated for every band's H."""
        rows = [np.pad(a_mat, ((0, 0), (0, self.n_p - self.n_m)))]
        rhs = [b_vec]
        h_only = (a_mat[:, 1:] == 0).all(axis=1) & (a_mat[:, 0] != 0)
        for col in self.h_cols[1:]:
            extra = np.zeros((int(h_only.sum()), self.n_p))
            extra[:, col] = a_mat[h_only, 0]
            rows.append(extra)
            rhs.append(b_vec[h_only])
        a_out, b_out = np.vstack(rows), np.concatenate(rhs)
        if a_out.shape[0] > _lsq.MAX_CONSTRAINTS:
            raise ValueError(
                f"bounds on H for {self.n_bands} bands give {a_out.shape[0]} constraints, "
                f"more than {_lsq.MAX_CONSTRAINTS}; bound fewer parameters"
            )
        return np.ascontiguousarray(a_out), np.ascontiguousarray(b_out)

    def to_table_order(self, params: np.ndarray, cov: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Parameters and covariance in the table's order; NaN for bands not fitted."""
        order = np.array([*self.h_cols, *range(1, self.n_m)])
        params = params[:, order]
        cov = cov[:, order][:, :, order]
        for b in range(self.n_bands):
            missing = ~self.used[:, b]
            params[missing, b] = np.nan
            cov[missing, b, :] = np.nan
            cov[missing, :, b] = np.nan
        return params, cov

    def band_columns(
        self,
        model: PhaseFunction,
        params: np.ndarray,
        alpha: np.ndarray,
        y: np.ndarray,
        weights: np.ndarray,
        left_out: np.ndarray,
        bad: np.ndarray,
        id_index: np.ndarray,
        band_index: np.ndarray,
    ) -> dict[str, u.Quantity | np.ndarray]:
        """Per band: chi2 share, points used and left out, and phase range.

        ``params`` is in the table's order; the other arrays are per sorted point,
        except ``bad``, ``id_index`` and ``band_index``, which are per input point.
        """
        n_obj, nb = self.used.shape
        used_pt = left_out == 0
        band_sorted = self.key % nb
        point_params = [params[self.obj, band_sorted]] + [
            params[self.obj, nb + j] for j in range(self.n_m - 1)
        ]
        with np.errstate(invalid="ignore"):
            resid = y - model.evaluate(alpha, *point_params).value
        contrib = np.where(used_pt & np.isfinite(resid), weights * resid**2, 0.0)
        size = n_obj * nb
        chi2 = np.bincount(self.key, contrib, minlength=size).reshape(n_obj, nb)
        n_used = np.bincount(self.key[used_pt], minlength=size).reshape(n_obj, nb)
        n_out = np.bincount(self.key[~used_pt], minlength=size).reshape(n_obj, nb)
        n_out += np.bincount(id_index[bad] * nb + band_index[bad], minlength=size).reshape(
            n_obj, nb
        )
        lo = np.full(size, np.nan)
        hi = np.full(size, np.nan)
        phase = np.where(used_pt, alpha, np.nan)
        np.fmin.at(lo, self.key, phase)
        np.fmax.at(hi, self.key, phase)
        fitted = self.used & np.isfinite(params[:, :nb])
        columns = {}
        for b, name in enumerate(self.names):
            columns[f"chi2_{name}"] = np.where(fitted[:, b], chi2[:, b], np.nan)
            columns[f"n_points_{name}"] = n_used[:, b]
            columns[f"n_dropped_{name}"] = n_out[:, b]
            columns[f"phase_min_{name}"] = lo.reshape(n_obj, nb)[:, b] * u.deg
            columns[f"phase_max_{name}"] = hi.reshape(n_obj, nb)[:, b] * u.deg
        return columns


def fit_obs(
    obs,
    *,
    mag_field: str = "mag",
    err_field: str | None = None,
    id_field: str | None = None,
    **options,
) -> QTable:
    """Fit the phase curves in an sbpy `~sbpy.data.Obs` table (or any table).

    Magnitudes are reduced to 1 au from Sun and observer when the table has the
    heliocentric and observer distances (sbpy fields ``rh`` and ``delta``), as
    sbpy's ``from_obs`` does.

    Parameters
    ----------
    obs : sbpy.data.Obs or astropy.table.Table
        Observations with the phase angle (sbpy field ``alpha`` or its aliases) and
        the magnitude field.
    mag_field, err_field : str, optional
        Columns of the magnitudes and (optionally) their errors.
    id_field : str, optional
        Column of object ids (default: ``targetname`` if present, else one object).
    **options
        Passed to `fit_phase_curves` (``model``, ``bounds``, ``fixed``, ...).

    Returns
    -------
    astropy.table.QTable
        As `fit_phase_curves`.

    Examples
    --------
    >>> import astropy.units as u
    >>> from sbpy.data import Obs
    >>> obs = Obs.from_dict(
    ...     {
    ...         "targetname": ["x"] * 4,
    ...         "alpha": [1, 5, 10, 20] * u.deg,
    ...         "mag": [9.0, 9.3, 9.5, 9.9] * u.mag,
    ...         "rh": [2.0] * 4 * u.au,
    ...         "delta": [1.0] * 4 * u.au,
    ...     }
    ... )
    >>> fit_obs(obs, model="HG")["H"].round(3)
    <Quantity [7.356] mag>
    """
    names = list(getattr(obs, "field_names", None) or obs.colnames)
    phase = _obs_column(obs, "alpha", u.deg)
    mag = _obs_column(obs, mag_field, u.mag)
    if "rh" in names and "delta" in names:
        distance = _obs_column(obs, "rh", u.au).value * _obs_column(obs, "delta", u.au).value
        mag = mag - 5.0 * np.log10(distance) * u.mag
    if id_field is None and "targetname" in names:
        id_field = "targetname"
    ids = None if id_field is None else np.asarray(obs[id_field])
    err = None if err_field is None else _obs_column(obs, err_field, u.mag)
    return fit_phase_curves(phase, mag, ids, err, **options)


def _obs_column(obs, name: str, unit: u.UnitBase) -> u.Quantity:
    """A column of an sbpy ``Obs`` or a table as a Quantity.

    A column without a unit is taken to be in ``unit``; a value that is not a number
    is an error naming the column and the row. Angles keep their own unit.
    """
    column = obs[name]
    if getattr(column, "unit", None) is not None:
        return u.Quantity(column) if unit == u.deg else u.Quantity(column, unit)
    return as_numbers(column, name, column=True) * unit


def _check_start(
    model: PhaseFunction,
    start: np.ndarray,
    a_mat: np.ndarray,
    b_vec: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    fixed: dict[int, np.ndarray],
) -> None:
    """Raise if fixed or starting values violate the bounds or constraints."""
    for j in range(1, model.n_params):
        outside = (start[:, j] < lower[j]) | (start[:, j] > upper[j])
        if outside.any():
            what = "fixed" if j in fixed else "starting"
            raise ValueError(
                f"{what} value {start[outside, j][0]} of {model.param_names[j]} is outside "
                f"its bounds [{lower[j]}, {upper[j]}]"
            )
    shape = start.copy()
    shape[:, 0] = 0.0
    violation = shape @ a_mat.T - b_vec
    # H starts at its best value and may not be bounded.
    h_only = (a_mat[:, 1:] == 0).all(axis=1)
    if (violation[:, ~h_only] > 1e-12).any():
        raise ValueError(
            f"fixed or starting values violate the constraints of {model.name} "
            "(e.g. G1 + G2 <= 1 for HG1G2); choose values inside them"
        )


def _phase_range(alpha_sorted: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Smallest and largest phase angle of each object, NaN (clipped) points ignored."""
    n_obj = offsets.size - 1
    lo = np.full(n_obj, np.nan)
    hi = np.full(n_obj, np.nan)
    has = offsets[1:] > offsets[:-1]
    if alpha_sorted.size:
        starts = offsets[:-1][has]
        lo[has] = np.fmin.reduceat(alpha_sorted, starts)
        hi[has] = np.fmax.reduceat(alpha_sorted, starts)
    return lo, hi
