"""The spin-aware phase function sHG1G2 and its batch fit.

sHG1G2 (Carry et al. 2024, A&A 687, A38) adds to HG1G2 the brightness change of an
oblate body seen at different aspect angles over its orbit::

    m = H - 2.5 log10(G1 phi1 + G2 phi2 + (1 - G1 - G2) phi3)
          + 2.5 log10(1 - (1 - R) |cos Lambda|),

with ``cos Lambda = sin(dec) sin(delta0) + cos(dec) cos(delta0) cos(ra - alpha0)``
the cosine of the aspect angle between the spin axis ``(alpha0, delta0)`` and the
direction of the target ``(ra, dec)`` at each observation, and ``R`` the oblateness
(1 for a sphere). Each band has its own ``H``, ``G1`` and ``G2``; ``R`` and the pole are
shared. The term depends on ``|cos Lambda|`` only, so a pole and its antipode give the
same magnitudes: a fit determines the spin **axis**. The fit reports the end of the
axis in the northern hemisphere (``delta0 >= 0``) and the other end as ``alpha0_alt``,
``delta0_alt``, the names Fink's SSO tables (SSOFT) use.

Model values equal those of Fink's reference implementation
(``fink_utils.sso.spins.func_shg1g2``) to rounding; the tests compare them.

Examples
--------
>>> import numpy as np
>>> from sbpy_phasefit.spin import SHG1G2
>>> SHG1G2().evaluate(
...     [5.0, 20.0],
...     ra=[10.0, 40.0],
...     dec=[0.0, 5.0],
...     H=15.0,
...     G1=0.3,
...     G2=0.2,
...     R=0.7,
...     alpha0=30.0,
...     delta0=40.0,
... ).round(4)
<Quantity [15.4274, 16.0114] mag>
"""

from __future__ import annotations

from collections.abc import Mapping

import astropy.units as u
import numpy as np
from astropy.table import QTable
from numpy.typing import ArrayLike

from . import __version__, _lsq, _phasefunc
from ._input import as_float_array, group_points, id_codes
from .fit import (
    _check_options,
    _constraints,
    _per_object,
    _points,
    _resolve_threads,
    _weights,
    band_usage,
)
from .models import HG1G2, _model_phase, _value_in
from .results import FitFlag

__all__ = [
    "SCAN_POLES", "SEARCHES", "SHG1G2", "START_POLES", "fit_shg1g2", "pole_axis",
    "target_vectors",
]  # fmt: skip

#: How `fit_shg1g2` looks for the spin axis.
SEARCHES = ("scan", "all")

#: Candidate axes of ``search="scan"``, (alpha0, delta0) in degrees: 24 directions
#: spread evenly over the northern hemisphere (a Fibonacci lattice), which holds one end
#: of every axis.
SCAN_POLES = tuple(
    (round(float(np.degrees(np.pi * (1 + 5**0.5) * (i + 0.5)) % 360.0), 10),
     round(float(np.degrees(np.arcsin((i + 0.5) / 24))), 10))
    for i in range(24)
)  # fmt: skip

#: Starting axes of ``search="all"``, (alpha0, delta0) in degrees: the six axes of a
#: regular icosahedron (its twelve vertices in antipodal pairs), spread evenly over
#: the directions an axis can have.
START_POLES = tuple(
    (
        round(float(np.degrees(np.arctan2(y, x))) % 360.0, 10),
        round(float(np.degrees(np.arcsin(z))), 10),
    )
    for x, y, z in (
        np.array(v) / np.linalg.norm(v)
        for v in (
            (0.0, 1.0, (1 + 5**0.5) / 2),
            (0.0, -1.0, (1 + 5**0.5) / 2),
            (1.0, (1 + 5**0.5) / 2, 0.0),
            (-1.0, (1 + 5**0.5) / 2, 0.0),
            ((1 + 5**0.5) / 2, 0.0, 1.0),
            (-(1 + 5**0.5) / 2, 0.0, 1.0),
        )
    )
)


class SHG1G2:
    """The spin-aware H, G1, G2 phase function of Carry et al. (2024).

    The ``H``, ``G1``, ``G2`` part is `sbpy_phasefit.models.HG1G2` (sbpy's basis
    functions); default bounds and starting values are those of Fink's SSO fits
    (``fink_utils.sso.spins``): ``H`` in [-3, 30], ``G1`` and ``G2`` in
    [-0.429, 1.429], ``R`` in [0.3, 1]; start ``G1 = G2 = 0.15``, ``R = 0.8``.

    Examples
    --------
    >>> SHG1G2().param_names
    ('H', 'G1', 'G2', 'R', 'alpha0', 'delta0')
    """

    name = "SHG1G2"
    param_names = ("H", "G1", "G2", "R", "alpha0", "delta0")
    param_units = (
        u.mag, u.dimensionless_unscaled, u.dimensionless_unscaled, u.dimensionless_unscaled,
        u.deg, u.deg,
    )  # fmt: skip
    defaults = (15.0, 0.15, 0.15, 0.8, 180.0, 0.0)
    bounds = ((-3.0, 30.0), (-0.429, 1.429), (-0.429, 1.429), (0.3, 1.0),
              (-np.inf, np.inf), (-np.inf, np.inf))  # fmt: skip
    #: The parameters of each band, and those shared by all bands.
    band_params = ("H", "G1", "G2")
    spin_params = ("R", "alpha0", "delta0")

    def __init__(self) -> None:
        self._phase_model = HG1G2()

    def __repr__(self) -> str:
        return "SHG1G2()"

    @property
    def n_params(self) -> int:
        """Number of parameters of one band (``H`` included)."""
        return len(self.param_names)

    def linear_constraints(self) -> tuple[np.ndarray, np.ndarray]:
        """Constraints beyond the bounds: none (Fink imposes none either)."""
        return np.zeros((0, self.n_params)), np.zeros(0)

    def evaluate(
        self,
        phase: ArrayLike | u.Quantity,
        ra: ArrayLike | u.Quantity,
        dec: ArrayLike | u.Quantity,
        H: ArrayLike | u.Quantity,
        G1: ArrayLike,
        G2: ArrayLike,
        R: ArrayLike,
        alpha0: ArrayLike | u.Quantity,
        delta0: ArrayLike | u.Quantity,
    ) -> u.Quantity:
        """Magnitude at phase angle ``phase`` of a target seen at ``(ra, dec)``.

        Parameters
        ----------
        phase : array_like or astropy.units.Quantity
            Phase angles in [0, 180] degrees (plain numbers are degrees).
        ra, dec : array_like or astropy.units.Quantity
            Direction of the target at each observation (plain numbers are degrees).
        H, G1, G2, R : array_like
            Absolute magnitude (mag), phase parameters and oblateness.
        alpha0, delta0 : array_like or astropy.units.Quantity
            Spin axis (plain numbers are degrees).

        Returns
        -------
        astropy.units.Quantity
            Magnitudes, broadcast over all arguments; NaN where the model is
            undefined.

        Examples
        --------
        >>> SHG1G2().evaluate(10.0, 0.0, 0.0, 15.0, 0.3, 0.2, 1.0, 0.0, 90.0).round(4)
        <Quantity 15.9385 mag>
        """
        alpha = _model_phase(phase)
        values = [
            _value_in(v, unit, name)
            for v, unit, name in zip(
                (H, G1, G2, R, alpha0, delta0), self.param_units, self.param_names, strict=True
            )
        ]
        arrays = np.broadcast_arrays(
            alpha, _value_in(ra, u.deg, "ra"), _value_in(dec, u.deg, "dec"), *values
        )
        shape = arrays[0].shape
        flat = [np.ascontiguousarray(a.ravel(), dtype=np.float64) for a in arrays]
        n = flat[0].size
        params = np.stack(flat[3:], axis=1)
        params[:, 4:] = np.radians(params[:, 4:])
        mag = _lsq.predict(
            self._phase_model.basis(flat[0]), np.arange(n + 1, dtype=np.int64),
            np.ascontiguousarray(params), self._phase_model.mix, np.inf, True,
            geo=target_vectors(flat[1], flat[2]),
        )  # fmt: skip
        return (mag.reshape(shape) if shape else mag[0]) * u.mag


def target_vectors(ra: ArrayLike, dec: ArrayLike, n_threads: int = 1) -> np.ndarray:
    """Unit vectors ``(n, 3)`` towards ``(ra, dec)`` in degrees (``n_threads`` OpenMP threads).

    Examples
    --------
    >>> target_vectors([0.0, 90.0], [0.0, 0.0]).round(12)
    array([[1., 0., 0.],
           [0., 1., 0.]])
    """
    ra_deg = np.ascontiguousarray(ra, dtype=np.float64).ravel()
    dec_deg = np.ascontiguousarray(dec, dtype=np.float64).ravel()
    return _phasefunc.unit_vectors(ra_deg, dec_deg, n_threads)


def pole_axis(alpha0: ArrayLike, delta0: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The end of each spin axis with ``delta0 >= 0``, from any pole in radians.

    Returns ``alpha0`` in [0, 2 pi), ``delta0`` in [0, pi / 2] and the sign (+1 or -1)
    by which ``delta0`` changed (for the covariance); ``alpha0`` changes by a
    constant only. On the equator the end with ``alpha0`` in [0, pi) is chosen.

    Examples
    --------
    >>> a, d, sign = pole_axis(np.radians([200.0, 10.0]), np.radians([-30.0, 100.0]))
    >>> np.degrees(a).round(6).tolist(), np.degrees(d).round(6).tolist(), sign.tolist()
    ([20.0, 190.0], [30.0, 80.0], [-1.0, -1.0])
    """
    a = np.asarray(alpha0, dtype=np.float64).copy()
    d = np.mod(np.asarray(delta0, dtype=np.float64) + np.pi, 2.0 * np.pi) - np.pi
    sign = np.ones_like(d)
    # Past a celestial pole: the same direction is (alpha0 + pi, +-pi - delta0).
    over = np.abs(d) > 0.5 * np.pi
    d = np.where(over, np.copysign(np.pi, d) - d, d)
    a = np.where(over, a + np.pi, a)
    sign = np.where(over, -sign, sign)
    # The other end of the axis: (alpha0 + pi, -delta0).
    south = (d < 0.0) | ((d == 0.0) & (np.mod(a, 2.0 * np.pi) >= np.pi))
    d = np.where(south, -d, d)
    a = np.where(south, a + np.pi, a)
    sign = np.where(south, -sign, sign)
    return np.mod(a, 2.0 * np.pi), d, sign


class _SpinLayout:
    """Kernel layout of an sHG1G2 fit with ``n_bands`` bands.

    The kernel's parameters of an object are ``(H_0, G1_0, G2_0, R, alpha0, delta0,
    H_1, G1_1, G2_1, ...)`` (a one-band fit has the model's own order); the table's
    are ``(H_0, G1_0, G2_0, H_1, ..., R, alpha0, delta0)``.
    """

    def __init__(self, n_bands: int) -> None:
        self.n_bands = n_bands
        self.n_p = 3 * n_bands + 3
        self.band_cols = np.array(
            [[0, 1, 2], *[[6 + 3 * b, 7 + 3 * b, 8 + 3 * b] for b in range(n_bands - 1)]],
            dtype=np.int32,
        )
        self.cols = np.ascontiguousarray(
            np.hstack([self.band_cols, np.tile(np.int32([3, 4, 5]), (n_bands, 1))])
        )
        self.order = np.concatenate([self.band_cols.ravel(), [3, 4, 5]])

    def columns(self, j: int) -> np.ndarray:
        """Kernel columns of the model's parameter ``j`` (every band's for H, G1, G2)."""
        return self.band_cols[:, j] if j < 3 else np.array([j])

    def constraints(self, a_mat: np.ndarray, b_vec: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The model's bounds (one parameter each), repeated for every band's parameters."""
        rows, rhs = [], []
        for row, value in zip(a_mat, b_vec, strict=True):
            (j,) = np.flatnonzero(row)
            for col in self.columns(int(j)):
                out = np.zeros(self.n_p)
                out[col] = row[j]
                rows.append(out)
                rhs.append(value)
        a_out = np.reshape(rows, (-1, self.n_p))
        if a_out.shape[0] > _lsq.MAX_CONSTRAINTS:
            raise ValueError(
                f"bounds for {self.n_bands} bands give {a_out.shape[0]} constraints, more "
                f"than {_lsq.MAX_CONSTRAINTS}; fit fewer bands or bound fewer parameters"
            )
        return np.ascontiguousarray(a_out), np.ascontiguousarray(rhs, dtype=np.float64)


def fit_shg1g2(
    phase: ArrayLike | u.Quantity,
    mag: ArrayLike | u.Quantity,
    ids: ArrayLike | None = None,
    mag_err: ArrayLike | u.Quantity | None = None,
    *,
    ra: ArrayLike | u.Quantity,
    dec: ArrayLike | u.Quantity,
    bands: ArrayLike | None = None,
    rh: ArrayLike | u.Quantity | None = None,
    delta: ArrayLike | u.Quantity | None = None,
    min_band_points: int = 3,
    bounds: Mapping[str, tuple[float | None, float | None]] | None = None,
    fixed: Mapping[str, ArrayLike] | None = None,
    init: Mapping[str, ArrayLike] | None = None,
    poles: ArrayLike | None = None,
    search: str = "scan",
    keep: int = 2,
    error_floor: float | u.Quantity = 0.0,
    min_points: int | None = None,
    covariance: str = "auto",
    invalid: str = "raise",
    loss: str = "linear",
    f_scale: float = 1.0,
    clip: float | None = None,
    max_iter: int = 200,
    n_threads: int | None = None,
    chunk_size: int = 100_000,
    progress: bool = False,
) -> QTable:
    """Fit sHG1G2 to every object: ``H``, ``G1``, ``G2`` per band, one ``R`` and spin axis.

    Parameters
    ----------
    phase, mag, ids, mag_err, rh, delta, bands
        As in `sbpy_phasefit.fit_phase_curves`. Without ``bands`` all points are one
        band and the columns have no band suffix (``H``, ``G1``, ``G2``).
    ra, dec : array_like or astropy.units.Quantity
        Direction of the target at each observation (plain numbers are degrees),
        e.g. its astrometric RA and Dec.
    min_band_points : int, optional
        A band of an object with fewer usable points than this (default 3, one per
        parameter of the band) is left out of that object's fit (its parameters are
        NaN, ``FitFlag.BAND_TOO_FEW_POINTS``).
    bounds : dict, optional
        ``{name: (lower, upper)}`` for ``H``, ``G1``, ``G2`` (every band's) or ``R``;
        the defaults are Fink's (`SHG1G2`). The pole cannot be bounded: it is a
        direction.
    fixed, init : dict, optional
        Values held fixed, or starting values, one or one per object, by name (a band
        parameter applies to every band), e.g. ``{"R": 1.0}``; angles in degrees. A
        pole given in ``init`` or ``fixed`` replaces the search.
    search : {"scan", "all"}, optional
        How to find the axis; the cost has several minima in it. ``"scan"`` (default):
        rank the candidate axes by a linear least-squares fit in flux for each
        (fast, exact in the absence of noise), then fit from the ``keep`` best.
        ``"all"``: a full fit from every candidate axis (slower).
    keep : int, optional
        With ``search="scan"``: the number of best-ranked axes fitted (default 2).
    poles : sequence of (alpha0, delta0), optional
        The candidate axes in degrees (at most 64), by default `SCAN_POLES` or
        `START_POLES`. The lowest cost found from them is kept.
    error_floor, min_points, covariance, invalid, loss, f_scale, clip, max_iter, n_threads, chunk_size, progress
        As in `sbpy_phasefit.fit_phase_curves`. To reproduce Fink's fits, give no
        ``mag_err`` (Fink fits unweighted magnitudes) and ``loss="soft_l1"``.

    Returns
    -------
    astropy.table.QTable
        One row per object (sorted by id). Columns, named as in Fink's SSO tables
        where those have the quantity (``<b>`` is each band, in sorted order):
        ``H_<b>``, ``G1_<b>``, ``G2_<b>``, ``R``, ``alpha0``, ``delta0`` (the axis end
        with ``delta0 >= 0``, degrees) and ``err_<name>`` for each; ``alpha0_alt``,
        ``delta0_alt`` (the other end); ``covariance`` (in the order of
        ``meta["param_names"]``, angles in degrees); ``chi2`` (weighted sum of squared
        residuals), ``dof``, ``chi2red``; ``rms`` and ``rms_<b>`` (of the residuals,
        mag); ``n_obs``, ``n_obs_<b>`` (points used), ``n_dropped``; ``min_phase``,
        ``max_phase`` and per band; ``min_cos_lambda``, ``mean_cos_lambda``,
        ``max_cos_lambda`` (of ``|cos Lambda|`` over the points used); ``n_iter``,
        ``flags`` (`~sbpy_phasefit.results.FitFlag`).

    Raises
    ------
    ValueError
        On unusable points (with ``invalid="raise"``, including RA/Dec that are not
        finite or a Dec outside [-90, 90]), bounds on the pole, more than
        ``_lsq.MAX_BANDS`` bands or bad options.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> n = 120
    >>> phase, ra, dec = rng.uniform(2, 30, n), rng.uniform(0, 360, n), rng.uniform(-30, 30, n)
    >>> band = np.where(np.arange(n) % 2 == 0, "g", "r")
    >>> h = np.where(band == "g", 15.4, 15.0)
    >>> mag = SHG1G2().evaluate(phase, ra, dec, h, 0.3, 0.25, 0.6, 40.0, 50.0)
    >>> t = fit_shg1g2(phase, mag, ra=ra, dec=dec, bands=band)
    >>> t["H_g"].round(6), t["H_r"].round(6), t["R"].round(6)
    (<Quantity [15.4] mag>, <Quantity [15.] mag>, array([0.6]))
    >>> t["alpha0"].round(6), t["delta0"].round(6)
    (<Quantity [40.] deg>, <Quantity [50.] deg>)
    """
    model = SHG1G2()
    _check_options(covariance, invalid, loss, f_scale, clip, max_iter, chunk_size)
    if int(min_band_points) != min_band_points or min_band_points < 1:
        raise ValueError(f"min_band_points must be a positive integer, got {min_band_points!r}")
    if any(name in (bounds or {}) for name in ("alpha0", "delta0")):
        raise ValueError(
            "the pole (alpha0, delta0) cannot be bounded: it is a direction; fix it with "
            "fixed= or start it with init= instead"
        )
    if search not in SEARCHES:
        raise ValueError(f"search must be one of {SEARCHES}, got {search!r}")
    if int(keep) != keep or keep < 1:
        raise ValueError(f"keep must be a positive integer, got {keep!r}")
    if poles is None:
        poles = SCAN_POLES if search == "scan" else START_POLES
    poles_deg = np.asarray(poles, dtype=np.float64).reshape(-1, 2)
    if not 1 <= poles_deg.shape[0] <= 64 or not np.isfinite(poles_deg).all():
        raise ValueError("poles must be 1 to 64 finite (alpha0, delta0) pairs in degrees")
    threads = _resolve_threads(n_threads)

    alpha = as_float_array(phase, u.deg, "phase")
    ra_deg, dec_deg = (
        np.broadcast_to(as_float_array(np.atleast_1d(v), u.deg, name), alpha.shape)
        for v, name in ((ra, "ra"), (dec, "dec"))
    )
    checks = [
        (~np.isfinite(ra_deg), "RA not finite"),
        (~np.isfinite(dec_deg), "Dec not finite"),
        (np.isfinite(dec_deg) & (np.abs(dec_deg) > 90.0), "Dec outside [-90, 90] deg"),
    ]
    sky_bad = np.zeros(alpha.shape, dtype=bool)
    sky_reasons = []
    for bad_kind, text in checks:
        if bad_kind.any():
            sky_reasons.append(
                f"{int(bad_kind.sum())} {text} (first at index {int(np.argmax(bad_kind))})"
            )
            sky_bad |= bad_kind
    alpha, mags, errs, floor, bad, band_names, band_index = _points(
        phase, mag, mag_err, error_floor, rh, delta, bands, invalid, (sky_bad, sky_reasons)
    )
    n_bands = 1 if band_names is None else band_names.size
    if n_bands > _lsq.MAX_BANDS:
        raise ValueError(
            f"an sHG1G2 fit holds at most {_lsq.MAX_BANDS} bands, got {n_bands}; fit fewer "
            "bands at a time"
        )
    id_names, id_index = id_codes(ids, alpha.size)
    groups = group_points(id_index, alpha.size, bad)
    n_obj = groups.ids.size

    def by_object(values: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(values if groups.order is None else values[groups.order])

    y = by_object(mags)
    alpha_sorted = by_object(alpha)
    geo = target_vectors(by_object(ra_deg), by_object(dec_deg), threads)
    band_sorted = np.zeros(y.size, dtype=np.int64) if band_index is None else by_object(band_index)
    weights = _weights(None if errs is None else by_object(errs), floor, y.size)
    sigma = None if errs is None else 1.0 / np.sqrt(weights)
    obj, _key, small, used, too_few = band_usage(groups, band_sorted, n_bands, min_band_points)
    left_out = np.where(too_few, 2, 0).astype(np.uint8)

    layout = _SpinLayout(n_bands)
    lower, upper, a_mat, b_vec = _constraints(model, bounds)
    a_mat, b_vec = layout.constraints(a_mat, b_vec)
    fixed_values = _per_object(model, fixed, "fixed", n_obj)
    init_values = _per_object(model, init, "init", n_obj)
    start = np.empty((n_obj, layout.n_p))
    fixed_2d = np.zeros((n_obj, layout.n_p), dtype=np.uint8)
    for j in range(model.n_params):
        value = np.clip(model.defaults[j], lower[j], upper[j])
        value = init_values.get(j, fixed_values.get(j, np.full(n_obj, value)))
        if j >= 4:
            value = np.radians(value)
        for col in layout.columns(j):
            start[:, col] = value
            fixed_2d[:, col] = j in fixed_values
    if 0 not in fixed_values and 0 not in init_values:
        start[:, layout.band_cols[:, 0]] = np.nan  # H: the exact value for the start
    for j in range(1, 4):
        for col in layout.columns(j):
            outside = (start[:, col] < lower[j]) | (start[:, col] > upper[j])
            if outside.any():
                what = "fixed" if j in fixed_values else "starting"
                raise ValueError(
                    f"{what} value {start[outside, col][0]} of {model.param_names[j]} is "
                    f"outside its bounds [{lower[j]}, {upper[j]}]"
                )
    # A band an object has no (or too few) points in: parameters fixed at a feasible
    # dummy, reported as NaN.
    dummy = [0.5 * (lower[0] + upper[0]) if np.isfinite(lower[0] + upper[0]) else 15.0]
    dummy += [float(np.clip(model.defaults[j], lower[j], upper[j])) for j in (1, 2)]
    for b in range(n_bands):
        for j, col in enumerate(layout.band_cols[b]):
            start[~used[:, b], col] = dummy[j]
            fixed_2d[~used[:, b], col] = 1
    pole_given = any(j in fixed_values or j in init_values for j in (4, 5))
    starts = None
    if not pole_given:
        starts = np.full((poles_deg.shape[0], layout.n_p), np.nan)
        starts[:, 4:6] = np.radians(poles_deg)
        start[:, 4:6] = starts[0, 4:6]
    if min_points is None:
        min_points = 0  # the kernel needs a point per free parameter in any case
    if int(min_points) != min_points or min_points < 0:
        raise ValueError(f"min_points must be a non-negative integer, got {min_points!r}")

    params = np.ascontiguousarray(start)
    cov = np.full((n_obj, layout.n_p, layout.n_p), np.nan)
    chi2 = np.full(n_obj, np.nan)
    n_iter = np.zeros(n_obj, dtype=np.int32)
    flags = np.zeros(n_obj, dtype=np.int32)
    chunks = range(0, n_obj, int(chunk_size))
    if progress:
        from tqdm.auto import tqdm

        chunks = tqdm(chunks, desc="fitting SHG1G2", unit="chunk")
    phase_model = model._phase_model
    point_band = np.ascontiguousarray(band_sorted, dtype=np.int32)
    model_mag = np.full(y.size, np.nan)
    for k0 in chunks:
        k1 = min(k0 + int(chunk_size), n_obj)
        lo, hi = groups.offsets[k0], groups.offsets[k1]
        phi = phase_model.basis(alpha_sorted[lo:hi], n_threads=threads)
        offsets = groups.offsets[k0 : k1 + 1] - lo
        block = np.ascontiguousarray(params[k0:k1])
        layout_args = {"band": point_band[lo:hi], "cols": layout.cols, "geo": geo[lo:hi]}
        c, x2, it, fl = _lsq.fit(
            y[lo:hi], weights[lo:hi], phi, offsets, block, fixed_2d[k0:k1], a_mat, b_vec,
            phase_model.mix, np.inf, True, min_points=int(min_points),
            max_iter=int(max_iter), loss=loss, f_scale=float(f_scale),
            clip=0.0 if clip is None else float(clip), mask=left_out[lo:hi], starts=starts,
            scan=search == "scan" and starts is not None, keep=int(keep), n_threads=threads,
            **layout_args,
        )  # fmt: skip
        params[k0:k1], cov[k0:k1], chi2[k0:k1], n_iter[k0:k1], flags[k0:k1] = block, c, x2, it, fl
        model_mag[lo:hi] = _lsq.predict(
            phi, offsets, block, phase_model.mix, np.inf, True, n_threads=threads, **layout_args
        )

    pole = params[:, 3:6].copy()
    used_pt = left_out == 0
    n_free = layout.n_p - fixed_2d.sum(axis=1, dtype=np.int64)
    n_points = np.bincount(obj[used_pt], minlength=n_obj)
    flags[groups.n_dropped > 0] |= FitFlag.INVALID_POINTS
    flags[small.any(axis=1)] |= FitFlag.BAND_TOO_FEW_POINTS
    kind = covariance if covariance != "auto" else ("absolute" if errs is not None else "scaled")
    dof = n_points - n_free
    with np.errstate(divide="ignore", invalid="ignore"):
        chi2red = np.where(dof > 0, chi2 / np.where(dof > 0, dof, 1), np.nan)
    if kind == "scaled":
        cov = cov * chi2red[:, None, None]

    # The axis end with delta0 >= 0; angles to degrees.
    a0, d0, sign = pole_axis(params[:, 4], params[:, 5])
    params[:, 4], params[:, 5] = a0, d0
    scale = np.ones((n_obj, layout.n_p))
    scale[:, 4] = np.degrees(1.0)
    scale[:, 5] = np.degrees(1.0) * sign
    cov = cov * scale[:, :, None] * scale[:, None, :]
    params[:, 4:6] = np.degrees(params[:, 4:6])
    for b in range(n_bands):
        missing = ~used[:, b]
        cols = layout.band_cols[b]
        params[np.ix_(missing, cols)] = np.nan
        cov[np.ix_(missing, cols, np.arange(layout.n_p))] = np.nan
        cov[np.ix_(missing, np.arange(layout.n_p), cols)] = np.nan
    params = params[:, layout.order]
    cov = cov[:, layout.order][:, :, layout.order]

    suffixes = [""] if band_names is None else [f"_{b}" for b in band_names]
    names = [f"{p}{s}" for s in suffixes for p in model.band_params] + list(model.spin_params)
    units = [model.param_units[j] for _ in suffixes for j in range(3)] + list(
        model.param_units[3:]
    )
    table = QTable()
    table["id"] = id_names[groups.ids]
    errors = np.sqrt(np.abs(np.diagonal(cov, axis1=1, axis2=2)))
    for prefix, values in (("", params), ("err_", errors)):
        for j, (name, unit) in enumerate(zip(names, units, strict=True)):
            column = values[:, j] if unit == u.dimensionless_unscaled else values[:, j] * unit
            table[f"{prefix}{name}"] = column
    table["alpha0_alt"] = np.mod(table["alpha0"] + 180.0 * u.deg, 360.0 * u.deg)
    table["delta0_alt"] = -table["delta0"]
    table["covariance"] = cov
    table["chi2"] = chi2
    table["dof"] = dof
    table["chi2red"] = chi2red
    resid = np.where(used_pt, y - model_mag, np.nan)
    abs_cos = np.abs(np.einsum("ij,ij->i", geo, np.stack(_unit(pole[:, 1], pole[:, 2]), -1)[obj]))
    stats = _Stats(groups.offsets, obj, used_pt)
    table["rms"] = np.sqrt(stats.mean(resid**2)) * u.mag
    table["n_obs"] = n_points.astype(np.int64)
    table["n_dropped"] = (groups.n_dropped + np.bincount(obj[~used_pt], minlength=n_obj)).astype(
        np.int64
    )
    table["min_phase"] = stats.min(alpha_sorted) * u.deg
    table["max_phase"] = stats.max(alpha_sorted) * u.deg
    if sigma is not None:
        table["median_error_phot"] = stats.median(sigma) * u.mag
    table["min_cos_lambda"] = stats.min(abs_cos)
    table["mean_cos_lambda"] = stats.mean(abs_cos)
    table["max_cos_lambda"] = stats.max(abs_cos)
    if band_names is not None:
        for b, suffix in enumerate(suffixes):
            in_band = used_pt & (band_sorted == b)
            per = _Stats(groups.offsets, obj, in_band)
            table[f"rms{suffix}"] = np.sqrt(per.mean(resid**2)) * u.mag
            table[f"n_obs{suffix}"] = np.bincount(obj[in_band], minlength=n_obj).astype(np.int64)
            table[f"min_phase{suffix}"] = per.min(alpha_sorted) * u.deg
            table[f"max_phase{suffix}"] = per.max(alpha_sorted) * u.deg
            if sigma is not None:
                table[f"median_error_phot{suffix}"] = per.median(sigma) * u.mag
    table["n_iter"] = n_iter
    table["flags"] = flags
    table.meta.update(
        {
            "model": model.name,
            "param_names": names,
            "bands": None if band_names is None else [str(b) for b in band_names],
            "covariance": kind,
            "weighted": errs is not None or floor > 0,
            "error_floor": floor,
            "loss": loss,
            "f_scale": float(f_scale),
            "clip": clip,
            "bounds": {
                n: [float(lo), float(hi)]
                for n, lo, hi in zip(model.param_names[:4], lower, upper, strict=False)
            },
            "fixed": [model.param_names[j] for j in fixed_values],
            "search": None if pole_given else search,
            "poles": None if pole_given else poles_deg.tolist(),
            "pole": "spin axis: the end with delta0 >= 0; the other end is (alpha0_alt, delta0_alt)",
            "flag_bits": {flag.name: int(flag) for flag in FitFlag},
            "sbpy_phasefit_version": __version__,
        }
    )
    return table


def _unit(alpha0: np.ndarray, delta0: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Components of the unit vectors of poles in radians."""
    return np.cos(delta0) * np.cos(alpha0), np.cos(delta0) * np.sin(alpha0), np.sin(delta0)


class _Stats:
    """Per-object statistics of point values over the points in ``mask``.

    Points are sorted by object (``offsets``); reductions run over each object's
    segment, with the points outside ``mask`` as NaN.
    """

    def __init__(self, offsets: np.ndarray, obj: np.ndarray, mask: np.ndarray) -> None:
        self.n_obj = offsets.size - 1
        self.obj, self.mask = obj, mask
        self.count = np.bincount(obj[mask], minlength=self.n_obj)
        self.has_points = np.diff(offsets) > 0
        self.starts = offsets[:-1][self.has_points]

    def _reduce(self, ufunc: np.ufunc, values: np.ndarray, fill: float) -> np.ndarray:
        out = np.full(self.n_obj, np.nan)
        if self.starts.size:
            out[self.has_points] = ufunc.reduceat(np.where(self.mask, values, fill), self.starts)
        return np.where(self.count > 0, out, np.nan)

    def mean(self, values: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return self._reduce(np.add, values, 0.0) / self.count

    def min(self, values: np.ndarray) -> np.ndarray:
        return self._reduce(np.fmin, values, np.nan)

    def max(self, values: np.ndarray) -> np.ndarray:
        return self._reduce(np.fmax, values, np.nan)

    def median(self, values: np.ndarray) -> np.ndarray:
        obj = self.obj[self.mask]
        v = values[self.mask]
        v = v[np.lexsort((v, obj))]
        first = np.concatenate(([0], np.cumsum(self.count)))[:-1]
        out = np.full(self.n_obj, np.nan)
        has = self.count > 0
        lo = first[has] + (self.count[has] - 1) // 2
        hi = first[has] + self.count[has] // 2
        out[has] = 0.5 * (v[lo] + v[hi])
        return out
