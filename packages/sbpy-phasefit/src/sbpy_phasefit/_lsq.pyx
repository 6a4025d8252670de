# cython: language_level=3
"""Generic bounded weighted least squares for many small phase-curve fits at once.

One Levenberg-Marquardt solver serves every model: the model enters only through the
point-wise ``model_point`` of ``_phasefunc.pxd`` (basis values computed once per point,
coefficients mixed per iteration). Linear inequality constraints ``A p <= b`` (bounds
and e.g. ``G1 + G2 <= 1``) are handled by an active-set method: steps are confined to
the null space of the active constraints and fixed parameters, truncated at the first
constraint they hit, and a constraint is released when its Lagrange multiplier has the
wrong sign. For a model with a break (HG12's G12 = 0.2, where the Jacobian jumps) a
step stops at the break; the shape parameter is held there while H settles, then moved
off to the side where chi2 falls, if any. Each piece can hold a local minimum, so when
chi2 also falls from the break into the other piece that piece is searched too and the
lower minimum kept. Objects are independent and run in an OpenMP ``prange``.

Several bands: each point has a band, and each band a row of ``cols`` naming the
object's parameter (its column) that plays each of the model's own parameters (``H``,
the shape and, for the spin-aware model, ``R``, ``alpha0`` and ``delta0``) there.
With a shared shape the rows differ only in ``H``: ``(H_0, shape..., H_1, ...)``;
sHG1G2 has ``H``, ``G1`` and ``G2`` per band and one spin. A point's Jacobian is
nonzero only in the columns of its band's row.

The spin-aware term of sHG1G2 (Carry et al. 2024, A&A 687, A38) is
``2.5 log10(1 - (1 - R) |cos Lambda|)`` with ``cos Lambda = x . n``, ``x`` the unit
vector to the target (``geo``, one per point) and ``n`` the unit vector of the pole
``(alpha0, delta0)`` (radians inside the kernel). The term has a kink wherever a
line of sight is perpendicular to the axis (``x . n = 0``), and the optimum often sits
on one: there the one-sided Jacobians make Levenberg-Marquardt zigzag across it with
many rejected steps. So once steps keep being rejected, one that crossed such a kink
is retried up to the kink, and if that lowers chi2 the axis is held on it (the axis turned back onto it
after each step, and steps confined to the directions that keep ``x . n = 0`` to first
order) until chi2 falls on one side of it, as for HG12's break.
"""

import numpy as np

cimport openmp
from cython.parallel cimport prange
from libc.math cimport INFINITY, NAN, cos, fabs, isfinite, isnan, log10, log1p, nextafter, sin, sqrt
from libc.stdint cimport int64_t
from libc.stdlib cimport free, malloc

from ._phasefunc cimport MAX_BASIS, MAX_PARAMS, mix_coefficients, model_point


__all__ = [
    "FLAG_BITS", "LOSSES", "MAX_BANDS", "MAX_CONSTRAINTS", "MAX_PARAMETERS", "fit",
    "openmp_max_threads", "predict",
]

cdef enum:
    MAXC = 64
    MAXP = 24           # parameters of one object (all bands)
    MAXB = 8            # bands of one object
    MAXS = 64           # starting values of one object
    NO_FIT = 0
    SPIN = 3            # R, alpha0, delta0
    CONVERGED = 1
    AT_BOUND = 2
    TOO_FEW_POINTS = 4
    SINGULAR = 8
    MAX_ITER = 16
    MODEL_UNDEFINED = 32
    CLIPPED = 128
    LOSS_LINEAR = 0
    LOSS_SOFT_L1 = 1
    LOSS_HUBER = 2
    LOSS_CAUCHY = 3

#: Status bits set by the kernel (the Python layer adds more above these).
FLAG_BITS = {
    "CONVERGED": CONVERGED,
    "AT_BOUND": AT_BOUND,
    "TOO_FEW_POINTS": TOO_FEW_POINTS,
    "SINGULAR": SINGULAR,
    "MAX_ITER": MAX_ITER,
    "MODEL_UNDEFINED": MODEL_UNDEFINED,
    "CLIPPED": CLIPPED,
}
#: Robust loss functions rho(z) of z = (r / sigma)^2 / f_scale^2 (scipy's definitions).
LOSSES = {"linear": LOSS_LINEAR, "soft_l1": LOSS_SOFT_L1, "huber": LOSS_HUBER,
          "cauchy": LOSS_CAUCHY}
MAX_CONSTRAINTS = MAXC
#: Most parameters of one fit (all bands' parameters together).
MAX_PARAMETERS = MAXP
#: Most bands of one fit.
MAX_BANDS = MAXB
#: sHG1G2: a rejected step is retried up to the first aspect kink it crosses only once
#: the damping has grown to this (measured: from the start, it sometimes held the axis
#: in a higher valley; 0.1 left 0.3 % of 2000 simulated objects above the plain solver's
#: minimum against 15 % below it, with 23 % fewer iterations).
cdef double KINK_DAMPING = 0.1


cdef struct Problem:
    const double* y
    const double* w
    const double* phi       # row-major (n_points, n_basis)
    const double* geo       # row-major (n_points, 3) unit vectors (NULL: no spin term)
    const int* band         # band of each point (NULL: all 0)
    const int* cols         # (n_bands, n_l): the object's column of each local parameter
    const unsigned char* hflag  # per column: 1 where it is some band's H
    Py_ssize_t start, stop  # this object's rows
    int n_basis, n_p        # basis functions; all parameters
    int n_m                 # parameters of the phase function (H and the shape)
    int n_l                 # local parameters of a point: n_m, plus SPIN with geo
    int n_bands
    bint log_flux
    double brk
    unsigned char* mask     # nonzero: point left out (clipped)
    int loss
    double f2               # f_scale squared



cdef struct Settings:
    int max_iter, min_points
    double gtol, xtol, ftol, clip
    int n_starts
    const double* starts    # (n_starts, n_p); NaN keeps the object's own start
    bint scan               # the starts are candidate poles, ranked by scan_axes,
    int keep                # of which the ``keep`` best are fitted


cdef struct Model:
    # The model at one parameter vector: local parameters and phase-function
    # coefficients per band, and the pole with its derivatives.
    double pl[MAXB * MAX_PARAMS]
    double coef[MAXB * MAX_BASIS]
    double dcoef[MAXB * MAX_BASIS * MAX_PARAMS]
    double pole[9]          # n, dn/dalpha0, dn/ddelta0
    double one_minus_r


def openmp_max_threads() -> int:
    """Number of threads OpenMP would use; 1 when built without OpenMP."""
    return openmp.omp_get_max_threads()


cdef inline double robust(int loss, double z, double* weight) noexcept nogil:
    """rho(z) and (in ``weight``) rho'(z) of a loss function."""
    if loss == LOSS_SOFT_L1:
        weight[0] = 1.0 / sqrt(1.0 + z)
        return 2.0 * (sqrt(1.0 + z) - 1.0)
    if loss == LOSS_HUBER:
        if z <= 1.0:
            weight[0] = 1.0
            return z
        weight[0] = 1.0 / sqrt(z)
        return 2.0 * sqrt(z) - 1.0
    if loss == LOSS_CAUCHY:
        weight[0] = 1.0 / (1.0 + z)
        return log1p(z)
    weight[0] = 1.0
    return z


cdef void prepare(const Problem* pr, const double[:, :, ::1] mix, const double* p,
                  Model* md) noexcept nogil:
    """The per-band quantities of `eval_point` at parameters ``p``."""
    cdef int b, a
    cdef double ca, sa, cd, sd
    for b in range(pr.n_bands):
        for a in range(pr.n_l):
            md.pl[b * MAX_PARAMS + a] = p[pr.cols[b * pr.n_l + a]]
        mix_coefficients(pr.n_basis, pr.n_m, &md.pl[b * MAX_PARAMS], mix, pr.brk,
                         &md.coef[b * MAX_BASIS], &md.dcoef[b * MAX_BASIS * MAX_PARAMS])
    if pr.geo == NULL:
        return
    a = pr.n_m
    md.one_minus_r = 1.0 - md.pl[a]
    ca = cos(md.pl[a + 1])
    sa = sin(md.pl[a + 1])
    cd = cos(md.pl[a + 2])
    sd = sin(md.pl[a + 2])
    md.pole[0] = cd * ca
    md.pole[1] = cd * sa
    md.pole[2] = sd
    md.pole[3] = -cd * sa
    md.pole[4] = cd * ca
    md.pole[5] = 0.0
    md.pole[6] = -sd * ca
    md.pole[7] = -sd * sa
    md.pole[8] = cd


cdef inline int eval_point(const Problem* pr, const Model* md, Py_ssize_t i, bint with_h,
                           double* mag, double* grad, int* band, double side) noexcept nogil:
    """Model magnitude at point ``i`` (less ``H`` unless ``with_h``) and, unless
    ``grad`` is NULL, its gradient in the point's local parameters; ``band``
    receives the point's band. ``side`` (+1 or -1; 0: the sign of ``x . n``) is the
    side of the aspect term's kink whose derivative is taken. Returns 1 where the
    model is undefined there."""
    cdef int b = pr.band[i] if pr.band != NULL else 0
    cdef const double* x
    cdef double u = 0.0, au, d = 1.0, k
    band[0] = b
    if pr.geo != NULL:
        x = pr.geo + 3 * i
        u = x[0] * md.pole[0] + x[1] * md.pole[1] + x[2] * md.pole[2]
        au = fabs(u)
        d = 1.0 - md.one_minus_r * au
        if not d > 0.0:
            return 1
    # The aspect term 2.5 log10(d) shares the phase function's logarithm.
    if model_point(pr.phi + i * pr.n_basis, pr.n_basis, pr.n_m,
                   md.pl[b * MAX_PARAMS] if with_h else 0.0, &md.coef[b * MAX_BASIS],
                   &md.dcoef[b * MAX_BASIS * MAX_PARAMS], pr.log_flux, mag, grad, d) != 0:
        return 1
    if pr.geo == NULL or grad == NULL:
        return 0
    # 2.5 / ln(10) / d
    k = 1.0857362047581294 / d
    grad[pr.n_m] = k * au
    if side == 0.0:
        side = 1.0 if u >= 0.0 else -1.0
    k = -k * md.one_minus_r * side
    grad[pr.n_m + 1] = k * (x[0] * md.pole[3] + x[1] * md.pole[4])
    grad[pr.n_m + 2] = k * (x[0] * md.pole[6] + x[1] * md.pole[7] + x[2] * md.pole[8])
    return 0


cdef int accumulate(const Problem* pr, const double[:, :, ::1] mix, const double* p,
                    double* cost, double* jtj, double* jtr, Py_ssize_t pin=-1,
                    double side=0.0) noexcept nogil:
    """Cost, J^T W J and J^T W r at ``p``; 1 where the model is undefined.

    The cost is chi2 for the linear loss, else ``f^2 sum rho(z)``; the matrices then
    carry the iteratively reweighted weights ``w rho'(z)``. Clipped points are skipped.
    At point ``pin`` the derivative is that of the kink's side ``side`` (sHG1G2).
    """
    cdef double m, r, wg, wi, z, drho
    cdef double g[MAX_PARAMS]
    # Per band, J^T W J (lower triangle) and J^T W r in the band's local parameters;
    # added into the object's columns once, after the points.
    cdef double lj[MAXB * MAX_PARAMS * MAX_PARAMS]
    cdef double lr[MAXB * MAX_PARAMS]
    cdef double* bj
    cdef double* br
    cdef Model md
    cdef const int* col
    cdef int a, c, ra, rc, b, n_p = pr.n_p, n_l = pr.n_l
    cdef Py_ssize_t i
    prepare(pr, mix, p, &md)
    cost[0] = 0.0
    for a in range(pr.n_bands * MAX_PARAMS * MAX_PARAMS):
        lj[a] = 0.0
    for a in range(pr.n_bands * MAX_PARAMS):
        lr[a] = 0.0
    for i in range(pr.start, pr.stop):
        if pr.mask != NULL and pr.mask[i]:
            continue
        if eval_point(pr, &md, i, True, &m, g, &b, side if i == pin else 0.0) != 0:
            return 1
        r = pr.y[i] - m
        if pr.loss == LOSS_LINEAR:
            wi = pr.w[i]
            cost[0] += wi * r * r
        else:
            z = pr.w[i] * r * r / pr.f2
            cost[0] += pr.f2 * robust(pr.loss, z, &drho)
            wi = pr.w[i] * drho
        bj = &lj[b * MAX_PARAMS * MAX_PARAMS]
        br = &lr[b * MAX_PARAMS]
        for a in range(n_l):
            wg = wi * g[a]
            br[a] += wg * r
            for c in range(a + 1):
                bj[a * MAX_PARAMS + c] += wg * g[c]
    # Only the columns of a band's row have a nonzero derivative at its points.
    for a in range(n_p * n_p):
        jtj[a] = 0.0
    for a in range(n_p):
        jtr[a] = 0.0
    for b in range(pr.n_bands):
        col = pr.cols + b * n_l
        bj = &lj[b * MAX_PARAMS * MAX_PARAMS]
        for a in range(n_l):
            ra = col[a]
            jtr[ra] += lr[b * MAX_PARAMS + a]
            for c in range(a + 1):
                rc = col[c]
                if rc > ra:
                    jtj[rc * n_p + ra] += bj[a * MAX_PARAMS + c]
                else:
                    jtj[ra * n_p + rc] += bj[a * MAX_PARAMS + c]
    for a in range(n_p):
        for c in range(a):
            jtj[c * n_p + a] = jtj[a * n_p + c]
    return 0


cdef int cholesky_solve(int n, double* h, double* x) noexcept nogil:
    """Solve ``h x = x`` in place for symmetric positive definite ``h`` (n <= 4).

    ``h`` is overwritten by its Cholesky factor; returns 1 where it is not
    numerically positive definite.
    """
    cdef int i, j, k
    cdef double s
    for j in range(n):
        s = h[j * n + j]
        for k in range(j):
            s -= h[j * n + k] * h[j * n + k]
        if not (s > 1e-13 * fabs(h[j * n + j])) or s <= 0.0:
            return 1
        h[j * n + j] = sqrt(s)
        for i in range(j + 1, n):
            s = h[i * n + j]
            for k in range(j):
                s -= h[i * n + k] * h[j * n + k]
            h[i * n + j] = s / h[j * n + j]
    for i in range(n):
        s = x[i]
        for k in range(i):
            s -= h[i * n + k] * x[k]
        x[i] = s / h[i * n + i]
    for i in range(n - 1, -1, -1):
        s = x[i]
        for k in range(i + 1, n):
            s -= h[k * n + i] * x[k]
        x[i] = s / h[i * n + i]
    return 0


cdef int null_space(int n_p, const unsigned char* fixed, const double[:, ::1] A,
                    const bint* active, int n_con, const double* extra,
                    double* z) noexcept nogil:
    """Orthonormal basis (columns ``z[col * MAXP + row]``) of the directions
    that keep fixed parameters, active constraints and (unless NULL) the row
    ``extra`` unchanged; returns its size."""
    cdef double q[MAXC + MAXP][MAXP]
    cdef double v[MAXP]
    cdef double dot, norm
    cdef int nq = 0, nz = 0, c, j, k, i
    for c in range(n_p + n_con + (1 if extra != NULL else 0)):
        for j in range(n_p):
            if c < n_p:
                v[j] = 1.0 if (j == c and fixed[c]) else 0.0
            elif c < n_p + n_con:
                v[j] = A[c - n_p, j] if active[c - n_p] else 0.0
            else:
                v[j] = extra[j]
        for k in range(nq):
            dot = 0.0
            for j in range(n_p):
                dot += q[k][j] * v[j]
            for j in range(n_p):
                v[j] -= dot * q[k][j]
        norm = 0.0
        for j in range(n_p):
            norm += v[j] * v[j]
        if norm > 1e-20:
            norm = sqrt(norm)
            for j in range(n_p):
                q[nq][j] = v[j] / norm
            nq += 1
    for i in range(n_p):
        for j in range(n_p):
            v[j] = 1.0 if i == j else 0.0
        for k in range(nq):
            dot = q[k][i]
            for j in range(n_p):
                v[j] -= dot * q[k][j]
        for k in range(nz):
            dot = 0.0
            for j in range(n_p):
                dot += z[k * MAXP + j] * v[j]
            for j in range(n_p):
                v[j] -= dot * z[k * MAXP + j]
        norm = 0.0
        for j in range(n_p):
            norm += v[j] * v[j]
        if norm > 1e-12:
            norm = sqrt(norm)
            for j in range(n_p):
                z[nz * MAXP + j] = v[j] / norm
            nz += 1
    return nz


cdef bint release_one(const Problem* pr, const unsigned char* fixed, const double[:, ::1] A,
                      bint* active, int n_con, const double* jtr, double scale) noexcept nogil:
    """Drop the active constraint with the most negative Lagrange multiplier, if any.

    Solves ``sum_c mu_c a_c = J^T W r`` over the free parameters in least squares.
    """
    cdef int idx[MAXC]
    cdef double nn[MAXC * MAXC]
    cdef double mu[MAXC]
    cdef int na = 0, c, d, j, worst = -1
    cdef double s, best
    for c in range(n_con):
        if active[c]:
            idx[na] = c
            na += 1
    if na == 0 or na > MAXP:
        return False
    for c in range(na):
        s = 0.0
        for j in range(pr.n_p):
            if not fixed[j]:
                s += A[idx[c], j] * jtr[j]
        mu[c] = s
        for d in range(na):
            s = 0.0
            for j in range(pr.n_p):
                if not fixed[j]:
                    s += A[idx[c], j] * A[idx[d], j]
            nn[c * na + d] = s
    if cholesky_solve(na, nn, mu) != 0:
        return False
    best = -scale
    for c in range(na):
        if mu[c] < best:
            best = mu[c]
            worst = idx[c]
    if worst < 0:
        return False
    active[worst] = False
    return True


cdef inline void axis_trig(const Problem* pr, const double* p, double* t) noexcept nogil:
    """``cos alpha0, sin alpha0, cos delta0, sin delta0`` at ``p`` into ``t``."""
    cdef int ca = pr.cols[pr.n_m + 1], cd = pr.cols[pr.n_m + 2]
    t[0] = cos(p[ca])
    t[1] = sin(p[ca])
    t[2] = cos(p[cd])
    t[3] = sin(p[cd])


cdef inline double aspect_of(const double* t, const double* x) noexcept nogil:
    """``x . n`` for the axis of `axis_trig` ``t``."""
    return t[2] * (x[0] * t[0] + x[1] * t[1]) + x[2] * t[3]


cdef inline double aspect(const Problem* pr, const double* p, Py_ssize_t i,
                          double* row) noexcept nogil:
    """``x . n`` of point ``i`` at ``p`` and, unless ``row`` is NULL, its gradient in
    all parameters (nonzero in ``alpha0`` and ``delta0`` only) into ``row``."""
    cdef int ca = pr.cols[pr.n_m + 1], cd = pr.cols[pr.n_m + 2], j
    cdef double t[4]
    cdef const double* x = pr.geo + 3 * i
    axis_trig(pr, p, t)
    if row != NULL:
        for j in range(pr.n_p):
            row[j] = 0.0
        row[ca] = t[2] * (x[1] * t[0] - x[0] * t[1])
        row[cd] = x[2] * t[2] - t[3] * (x[0] * t[0] + x[1] * t[1])
    return aspect_of(t, x)


cdef Py_ssize_t first_kink(const Problem* pr, const double* p, const double* p_new,
                           Py_ssize_t skip, double* t) noexcept nogil:
    """The point whose kink the step from ``p`` to ``p_new`` crosses first (-1: none),
    and in ``t`` the fraction of the step there (``x . n`` interpolated linearly)."""
    cdef Py_ssize_t i, first = -1
    cdef double u0, u1, f
    cdef double t0[4]
    cdef double t1[4]
    axis_trig(pr, p, t0)
    axis_trig(pr, p_new, t1)
    t[0] = INFINITY
    for i in range(pr.start, pr.stop):
        if i == skip or (pr.mask != NULL and pr.mask[i]):
            continue
        u0 = aspect_of(t0, pr.geo + 3 * i)
        u1 = aspect_of(t1, pr.geo + 3 * i)
        if (u0 >= 0.0) != (u1 >= 0.0):
            f = u0 / (u0 - u1)
            if f < t[0]:
                t[0] = f
                first = i
    return first


cdef bint turn_axis(const Problem* pr, double* p, Py_ssize_t i, double target) noexcept nogil:
    """Turn the axis in ``p`` by Newton steps along the gradient of point ``i``'s
    ``x . n`` until that is ``target`` (0: onto its kink); False where that fails."""
    cdef double row[MAXP]
    cdef double u, gg
    cdef int it, ca = pr.cols[pr.n_m + 1], cd = pr.cols[pr.n_m + 2]
    for it in range(8):
        u = aspect(pr, p, i, row) - target
        if fabs(u) <= 1e-15:
            return True
        gg = row[ca] * row[ca] + row[cd] * row[cd]
        if not gg > 1e-20:
            return False
        p[ca] -= u * row[ca] / gg
        p[cd] -= u * row[cd] / gg
    return fabs(aspect(pr, p, i, NULL) - target) <= 1e-12


cdef double kink_side(const Problem* pr, const double[:, :, ::1] mix, const double* p,
                      Py_ssize_t i, double tol) noexcept nogil:
    """On point ``i``'s kink: the side (+1 or -1) into which chi2 falls, or 0.

    With that side's Jacobian at the point, ``J^T W r`` along the gradient of
    ``x . n`` (times the side) is the one-sided slope of -chi2 off the kink.
    """
    cdef double jtj_s[MAXP * MAXP]
    cdef double jtr_s[MAXP]
    cdef double row[MAXP]
    cdef double cost_s, slope, best = 0.0, norm = 0.0, side = 0.0, s
    cdef int j, k
    aspect(pr, p, i, row)
    for j in range(pr.n_p):
        norm += row[j] * row[j]
    norm = sqrt(norm)
    if not norm > 0.0:
        return 0.0
    for k in range(2):
        s = 1.0 - 2.0 * k
        if accumulate(pr, mix, p, &cost_s, jtj_s, jtr_s, i, s) != 0:
            continue
        slope = 0.0
        for j in range(pr.n_p):
            slope += s * row[j] * jtr_s[j]
        slope /= norm
        if slope > tol and slope > best:
            best = slope
            side = s
    return side


cdef inline double adopt(int n_p, double* p, double* jtj, double* jtr, const double* p_new,
                         const double* jtj_new, const double* jtr_new,
                         double cost_new) noexcept nogil:
    """Move to a new point: copy its parameters, J^T W J and J^T W r; return its cost."""
    cdef int j
    for j in range(n_p):
        p[j] = p_new[j]
        jtr[j] = jtr_new[j]
    for j in range(n_p * n_p):
        jtj[j] = jtj_new[j]
    return cost_new


cdef int fit_one(const Problem* pr, const double[:, :, ::1] mix, double* p,
                 const unsigned char* fixed, const double[:, ::1] A, const double[::1] b,
                 const Settings* st, double* cov, double* chi2, int* n_iter) noexcept nogil:
    """Fit one object in place; return its status bits."""
    cdef int n_p = pr.n_p, n_con = A.shape[0], nf = 0, flags = 0
    cdef int q, i, j, k, c, hit, it = 0, releases = 0
    cdef Py_ssize_t n = 0, row
    cdef bint active[MAXC]
    cdef bint stationary, kink_hit, pinned = False
    cdef int attempt, best_flags = 0
    cdef double best_cost = INFINITY
    cdef double best_p[MAXP]
    cdef double best_jtr[MAXP]
    cdef double best_jtj[MAXP * MAXP]
    cdef bint kinked = isfinite(pr.brk) and pr.n_m >= 2 and not fixed[1]
    cdef unsigned char fx[MAXP]
    cdef double jtj[MAXP * MAXP]
    cdef double jtr[MAXP]
    cdef double jtj_new[MAXP * MAXP]
    cdef double jtr_new[MAXP]
    cdef double z[MAXP * MAXP]
    cdef double hr[MAXP * MAXP]
    cdef double jz[MAXP * MAXP]
    cdef double gr[MAXP]
    cdef double y[MAXP]
    cdef double d[MAXP]
    cdef double p_new[MAXP]
    cdef double cost_old, cost, cost_new, lam = 1e-5, nu = 2.0, rho, t, ad, slack, m, sw, swr, pred, maxdiag, dg
    # sHG1G2: the point whose aspect kink holds the axis (-1: none); see the module notes.
    cdef Py_ssize_t pin = -1, crossed
    cdef double krow[MAXP]
    cdef double p_try[MAXP]
    cdef double tk, side
    cdef bint axis_free = pr.geo != NULL
    # The undamped reduced Hessian, kept for the next iteration after a rejected step
    # (which changes only the damping); ``plain``: nothing fixed, active or pinned, so
    # the null space is the identity and the reduction a copy.
    cdef double hr0[MAXP * MAXP]
    cdef bint reuse = False, plain
    if axis_free:
        for k in range(1, 3):
            j = pr.cols[pr.n_m + k]
            if fixed[j]:
                axis_free = False
            for c in range(n_con):
                if A[c, j] != 0.0:
                    axis_free = False
    for row in range(pr.start, pr.stop):
        if pr.mask == NULL or not pr.mask[row]:
            n += 1
    for j in range(n_p):
        fx[j] = fixed[j]
        if not fixed[j]:
            nf += 1
    for j in range(n_p * n_p):
        cov[j] = NAN
    chi2[0] = NAN
    n_iter[0] = 0
    if n < nf or n < st.min_points or n == 0:
        for j in range(n_p):
            p[j] = NAN
        return TOO_FEW_POINTS
    if h_missing(pr, p, fixed):
        # Start each H at its exact weighted least-squares value for the starting shape.
        if best_h(pr, mix, p, fixed, True) != 0:
            for j in range(n_p):
                p[j] = NAN
            return MODEL_UNDEFINED
        for c in range(n_con):
            # Respect bounds on H alone (the shape is feasible already).
            slack = b[c]
            for j in range(n_p):
                slack -= A[c, j] * p[j]
            if slack < 0.0:
                snap_to(A, b, c, n_p, p)
    if h_missing(pr, p, fixed) or accumulate(pr, mix, p, &cost, jtj, jtr) != 0:
        for j in range(n_p):
            p[j] = NAN
        return MODEL_UNDEFINED
    for attempt in range(2):
        for c in range(n_con):
            active[c] = False
        for j in range(n_p):
            fx[j] = fixed[j]
        stationary = False
        pinned = kinked and p[1] == pr.brk
        if pinned:
            fx[1] = 1
        releases = 0
        lam = 1e-5
        nu = 2.0
        flags = 0
        pin = -1
        reuse = False
        while it < st.max_iter:
            if reuse:
                reuse = False
                for i in range(q * q):
                    hr[i] = hr0[i]
            else:
                plain = pin < 0
                for j in range(n_p):
                    if fx[j]:
                        plain = False
                for c in range(n_con):
                    if active[c]:
                        plain = False
                if plain:
                    q = n_p
                else:
                    if pin >= 0:
                        aspect(pr, p, pin, krow)
                    q = null_space(n_p, fx, A, active, n_con, krow if pin >= 0 else NULL, z)
                if q == 0:
                    stationary = True
                else:
                    maxdiag = 0.0
                    # Reduced gradient Z^T J^T W r and Hessian Z^T (J^T W J Z).
                    if plain:
                        for i in range(q):
                            gr[i] = jtr[i]
                            for k in range(q):
                                hr[i * q + k] = jtj[i * n_p + k]
                    else:
                        for k in range(q):
                            for j in range(n_p):
                                t = 0.0
                                for c in range(n_p):
                                    t += jtj[j * n_p + c] * z[k * MAXP + c]
                                jz[j * MAXP + k] = t
                        for i in range(q):
                            gr[i] = 0.0
                            for j in range(n_p):
                                gr[i] += z[i * MAXP + j] * jtr[j]
                            for k in range(q):
                                t = 0.0
                                for j in range(n_p):
                                    t += z[i * MAXP + j] * jz[j * MAXP + k]
                                hr[i * q + k] = t
                    for i in range(q):
                        if hr[i * q + i] > maxdiag:
                            maxdiag = hr[i * q + i]
                    for i in range(q * q):
                        hr0[i] = hr[i]
                    # MINPACK-style gradient test: cosine between residuals and each direction.
                    stationary = True
                    for i in range(q):
                        if fabs(gr[i]) > st.gtol * sqrt(hr[i * q + i] * cost) + 1e-300:
                            stationary = False
            if not stationary:
                it += 1
                for i in range(q):
                    y[i] = gr[i]
                    dg = hr[i * q + i] if hr[i * q + i] > 1e-12 * maxdiag else 1e-12 * maxdiag + 1e-300
                    hr[i * q + i] += lam * dg
                if cholesky_solve(q, hr, y) != 0:
                    lam *= nu
                    nu *= 2.0
                    if lam > 1e20:
                        stationary = True
                    reuse = not stationary
                    continue
                for j in range(n_p):
                    if plain:
                        d[j] = y[j]
                    else:
                        d[j] = 0.0
                        for i in range(q):
                            d[j] += z[i * MAXP + j] * y[i]
                # Truncate the step at the first inactive constraint it would cross.
                t = 1.0
                hit = -1
                for c in range(n_con):
                    if active[c]:
                        continue
                    ad = 0.0
                    slack = b[c]
                    for j in range(n_p):
                        ad += A[c, j] * d[j]
                        slack -= A[c, j] * p[j]
                    if ad > 0.0:
                        if slack < 0.0:
                            slack = 0.0
                        if slack < t * ad:
                            t = slack / ad
                            hit = c
                if hit >= 0 and t <= 0.0:
                    active[hit] = True
                    continue
                # ...and at the break of a piecewise model (HG12's G12 = 0.2), where the
                # Jacobian jumps: stop there and decide on which side to go on.
                kink_hit = False
                if kinked and not pinned and d[1] != 0.0:
                    ad = (pr.brk - p[1]) / d[1]
                    if 0.0 < ad <= t:
                        t = ad
                        hit = -1
                        kink_hit = True
                for j in range(n_p):
                    p_new[j] = p[j] + t * d[j]
                if hit >= 0:
                    snap_to(A, b, hit, n_p, p_new)
                if kink_hit:
                    p_new[1] = pr.brk
                if pin >= 0:
                    turn_axis(pr, p_new, pin, 0.0)
                pred = 0.0
                for j in range(n_p):
                    pred += 2.0 * t * d[j] * jtr[j]
                    for c in range(n_p):
                        pred -= t * t * d[j] * jtj[j * n_p + c] * d[c]
                if hit < 0 and not kink_hit and lam < 1.0 and pred <= st.ftol * cost:
                    # The nearly undamped step would lower chi2 by less than its rounding
                    # error: this is the optimum to machine precision.
                    stationary = True
                elif accumulate(pr, mix, p_new, &cost_new, jtj_new, jtr_new) == 0 and cost_new <= cost:
                    stationary = True
                    for j in range(n_p):
                        if fabs(p_new[j] - p[j]) > st.xtol * (fabs(p[j]) + st.xtol):
                            stationary = False
                    if cost - cost_new <= st.ftol * cost and pred <= st.ftol * cost:
                        stationary = True
                    cost_old = cost
                    cost = adopt(n_p, p, jtj, jtr, p_new, jtj_new, jtr_new, cost_new)
                    if hit >= 0:
                        active[hit] = True
                        stationary = False
                    if kink_hit:
                        pinned = True
                        fx[1] = 1
                        stationary = False
                    # Nielsen's (1999) damping update from the gain ratio.
                    rho = (cost_old - cost) / pred if pred > 0.0 else 0.0
                    rho = 2.0 * rho - 1.0
                    rho = 1.0 - rho * rho * rho
                    lam *= rho if rho > 1.0 / 3.0 else 1.0 / 3.0
                    if lam < 1e-15:
                        lam = 1e-15
                    nu = 2.0
                else:
                    # Rejected. Once the damping shows that steps keep failing, a step
                    # that crossed an aspect kink is tried up to the first one: if chi2
                    # falls there, the axis is held on it.
                    crossed = first_kink(pr, p, p_new, pin, &tk) if axis_free and lam >= KINK_DAMPING else -1
                    if crossed >= 0:
                        for j in range(n_p):
                            p_try[j] = p[j] + tk * (p_new[j] - p[j])
                        if not (turn_axis(pr, p_try, crossed, 0.0) and
                                accumulate(pr, mix, p_try, &cost_new, jtj_new, jtr_new) == 0 and
                                cost_new < cost):
                            crossed = -1
                    if crossed >= 0:
                        pin = crossed
                        cost = adopt(n_p, p, jtj, jtr, p_try, jtj_new, jtr_new, cost_new)
                        nu = 2.0
                    else:
                        lam *= nu
                        nu *= 2.0
                        if lam > 1e20:
                            stationary = True
                        # Nothing but the damping changed: the next iteration starts
                        # from the same reduced problem.
                        reuse = not stationary
            if stationary:
                maxdiag = 0.0
                for j in range(n_p):
                    if not fixed[j] and jtj[j * n_p + j] > maxdiag:
                        maxdiag = jtj[j * n_p + j]
                if pin >= 0 and releases < 8:
                    # On an aspect kink: leave it to the side where chi2 falls, if any.
                    side = kink_side(pr, mix, p, pin, st.gtol * sqrt(maxdiag * cost) + 1e-300)
                    for j in range(n_p):
                        p_try[j] = p[j]
                    if side != 0.0 and turn_axis(pr, p_try, pin, side * 1e-9) and \
                            accumulate(pr, mix, p_try, &cost_new, jtj_new, jtr_new) == 0:
                        releases += 1
                        pin = -1
                        cost = adopt(n_p, p, jtj, jtr, p_try, jtj_new, jtr_new, cost_new)
                        lam = 1e-5
                        nu = 2.0
                        stationary = False
                        continue
                if pinned and releases < 8 and leave_kink(pr, mix, p, fixed, &cost, jtj, jtr,
                                                          st.gtol * sqrt(maxdiag * cost) + 1e-300):
                    releases += 1
                    pinned = False
                    fx[1] = 0
                    lam = 1e-5
                    nu = 2.0
                    stationary = False
                    continue
                if releases < 8 and release_one(pr, fx, A, active, n_con, jtr,
                                                st.gtol * sqrt(maxdiag * cost) + 1e-300):
                    releases += 1
                    lam = 1e-5
                    nu = 2.0
                    stationary = False
                    continue
                flags |= CONVERGED
                break
        if attempt == 1:
            if best_cost < cost:
                cost = best_cost
                flags = best_flags
                for j in range(n_p):
                    p[j] = best_p[j]
                    jtr[j] = best_jtr[j]
                for j in range(n_p * n_p):
                    jtj[j] = best_jtj[j]
            break
        # A model with a break (HG12) can have one local minimum on each side of it.
        # Where chi2 falls from the break into the other side, search that side too.
        maxdiag = 0.0
        for j in range(n_p):
            if not fixed[j] and jtj[j * n_p + j] > maxdiag:
                maxdiag = jtj[j * n_p + j]
        if not (kinked and (flags & CONVERGED) and not pinned and
                other_side(pr, mix, p, fixed, A, b, p_new,
                           st.gtol * sqrt(maxdiag * cost) + 1e-300)):
            break
        best_cost = cost
        best_flags = flags
        for j in range(n_p):
            best_p[j] = p[j]
            best_jtr[j] = jtr[j]
            p[j] = p_new[j]
        for j in range(n_p * n_p):
            best_jtj[j] = jtj[j]
        if accumulate(pr, mix, p, &cost, jtj, jtr) != 0:
            cost = INFINITY
    if not (flags & CONVERGED):
        flags |= MAX_ITER
    n_iter[0] = it
    chi2[0] = cost
    for c in range(n_con):
        slack = b[c]
        for j in range(n_p):
            slack -= A[c, j] * p[j]
        if active[c] or slack <= 1e-12 * (1.0 + fabs(b[c])):
            flags |= AT_BOUND
    flags |= covariance(n_p, fixed, jtj, cov)
    return flags


cdef bint other_side(const Problem* pr, const double[:, :, ::1] mix, const double* p,
                     const unsigned char* fixed, const double[:, ::1] A, const double[::1] b,
                     double* q, double tol) noexcept nogil:
    """Whether chi2 falls from the break into the piece ``p`` is not on.

    ``q`` receives the break approached from that side, with H at its best value
    there (unless fixed), as the start of a search on that side.
    """
    cdef double jtj_q[MAXP * MAXP]
    cdef double jtr_q[MAXP]
    cdef double cost_q, slack
    cdef int j, c, n_p = pr.n_p
    cdef bint right = p[1] < pr.brk
    for j in range(n_p):
        q[j] = p[j]
    q[1] = pr.brk if right else nextafter(pr.brk, -INFINITY)
    for c in range(A.shape[0]):
        slack = b[c]
        for j in range(n_p):
            slack -= A[c, j] * q[j]
        if slack < -1e-12 * (1.0 + fabs(b[c])) and not involves_h(pr, A, c):
            return False
    if has_free_h(pr, fixed):
        if best_h(pr, mix, q, fixed, False) != 0:
            return False
        for c in range(A.shape[0]):
            slack = b[c]
            for j in range(n_p):
                slack -= A[c, j] * q[j]
            if slack < 0.0:
                snap_to(A, b, c, n_p, q)
    if accumulate(pr, mix, q, &cost_q, jtj_q, jtr_q) != 0:
        return False
    return jtr_q[1] > tol if right else jtr_q[1] < -tol


cdef bint leave_kink(const Problem* pr, const double[:, :, ::1] mix, double* p,
                     const unsigned char* fixed, double* cost, double* jtj, double* jtr,
                     double tol) noexcept nogil:
    """At the break of a piecewise model: move just off it if chi2 falls on one side.

    ``jtj``, ``jtr`` and ``cost`` hold the values at the break (the right-hand piece).
    With H at its best value, the sign of J^T W r in the shape parameter is the sign
    of the one-sided slope of -chi2. Returns False where the break is the minimum.
    """
    cdef double left[MAXP]
    cdef double jtj_l[MAXP * MAXP]
    cdef double jtr_l[MAXP]
    cdef double cost_l
    cdef int j, n_p = pr.n_p
    cdef bint moved
    if jtr[1] > tol:
        p[1] = nextafter(pr.brk, INFINITY)
        return accumulate(pr, mix, p, cost, jtj, jtr) == 0
    for j in range(n_p):
        left[j] = p[j]
    left[1] = nextafter(pr.brk, -INFINITY)
    if accumulate(pr, mix, left, &cost_l, jtj_l, jtr_l) != 0:
        return False
    # The pieces need not join exactly (HG12's published coefficients leave a jump
    # of ~1e-4 mag): re-optimise H on the left before reading the slope. H enters
    # linearly and each point has one H, so one Newton step in every H is exact.
    moved = False
    for j in range(n_p):
        if is_h(pr, j) and not fixed[j] and jtj_l[j * n_p + j] > 0.0:
            left[j] += jtr_l[j] / jtj_l[j * n_p + j]
            moved = True
    if moved and accumulate(pr, mix, left, &cost_l, jtj_l, jtr_l) != 0:
        return False
    if jtr_l[1] >= -tol:
        return False
    for j in range(n_p):
        p[j] = left[j]
        jtr[j] = jtr_l[j]
    for j in range(n_p * n_p):
        jtj[j] = jtj_l[j]
    cost[0] = cost_l
    return True


cdef inline bint is_h(const Problem* pr, int j) noexcept nogil:
    """Whether parameter ``j`` is a band's H."""
    return pr.hflag[j] != 0


cdef bint h_missing(const Problem* pr, const double* p, const unsigned char* fixed) noexcept nogil:
    """Whether some free H has no value (NaN: start it at its best value)."""
    cdef int j
    for j in range(pr.n_p):
        if is_h(pr, j) and not fixed[j] and isnan(p[j]):
            return True
    return False


cdef bint has_free_h(const Problem* pr, const unsigned char* fixed) noexcept nogil:
    """Whether some H is free."""
    cdef int j
    for j in range(pr.n_p):
        if is_h(pr, j) and not fixed[j]:
            return True
    return False


cdef bint involves_h(const Problem* pr, const double[:, ::1] A, int c) noexcept nogil:
    """Whether constraint ``c`` involves any H."""
    cdef int j
    for j in range(pr.n_p):
        if is_h(pr, j) and A[c, j] != 0.0:
            return True
    return False


cdef int best_h(const Problem* pr, const double[:, :, ::1] mix, double* p,
                const unsigned char* fixed, bint only_nan) noexcept nogil:
    """Set each free H (only NaN ones with ``only_nan``) to its exact weighted
    least-squares value for the shape in ``p``; 1 where the model is undefined."""
    cdef double sw[MAXP]
    cdef double swr[MAXP]
    cdef Model md
    cdef double m
    cdef int j, b, hc
    cdef Py_ssize_t row
    for j in range(pr.n_p):
        sw[j] = 0.0
        swr[j] = 0.0
    prepare(pr, mix, p, &md)
    for row in range(pr.start, pr.stop):
        if pr.mask != NULL and pr.mask[row]:
            continue
        if eval_point(pr, &md, row, False, &m, NULL, &b, 0.0) != 0:
            return 1
        hc = pr.cols[b * pr.n_l]
        sw[hc] += pr.w[row]
        swr[hc] += pr.w[row] * (pr.y[row] - m)
    for j in range(pr.n_p):
        if not is_h(pr, j) or fixed[j] or (only_nan and not isnan(p[j])):
            continue
        p[j] = swr[j] / sw[j] if sw[j] > 0.0 else NAN
    return 0


cdef void snap_to(const double[:, ::1] A, const double[::1] b, int c, int n_p,
                  double* p) noexcept nogil:
    """Put ``p`` exactly on a single-parameter bound ``c`` (rounding would leave it off)."""
    cdef int j, only = -1, count = 0
    for j in range(n_p):
        if A[c, j] != 0.0:
            only = j
            count += 1
    if count == 1:
        p[only] = b[c] / A[c, only]


cdef int covariance(int n_p, const unsigned char* fixed, const double* jtj,
                    double* cov) noexcept nogil:
    """Inverse of J^T W J over the free parameters (zero rows for fixed ones)."""
    cdef int idx[MAXP]
    cdef double h[MAXP * MAXP]
    cdef double e[MAXP]
    cdef int nf = 0, i, j, k
    for j in range(n_p):
        if not fixed[j]:
            idx[nf] = j
            nf += 1
    for j in range(n_p * n_p):
        cov[j] = 0.0
    for k in range(nf):
        for i in range(nf):
            for j in range(nf):
                h[i * nf + j] = jtj[idx[i] * n_p + idx[j]]
            e[i] = 1.0 if i == k else 0.0
        if cholesky_solve(nf, h, e) != 0:
            for i in range(nf):
                for j in range(nf):
                    cov[idx[i] * n_p + idx[j]] = NAN
            return SINGULAR
        for i in range(nf):
            cov[idx[i] * n_p + idx[k]] = e[i]
    return 0


cdef int set_layout(Problem* pr, const double[:, ::1] phi, const int64_t[::1] offsets, int n_p,
                    int n_m, double brk, bint log_flux, band, cols, geo,
                    list alive) except -1:
    """Check the band layout (``band``, ``cols``) and ``geo``; fill ``pr``'s pointers.

    The arrays the pointers refer to are appended to ``alive`` (alive while fitting).
    """
    cdef Py_ssize_t n_points = phi.shape[0], n_obj = offsets.shape[0] - 1
    cdef int n_l = n_m + (SPIN if geo is not None else 0)
    cdef const int[:, ::1] cols_v
    cdef const int[::1] band_v
    cdef const double[:, ::1] geo_v
    cdef const unsigned char[::1] hflag_v
    if n_obj > 0 and (offsets[0] != 0 or offsets[n_obj] != n_points):
        raise ValueError("offsets must start at 0 and end at the number of points")
    if geo is not None and not log_flux:
        raise ValueError("the spin-aware term needs a model in magnitudes of a flux")
    pr.n_basis = phi.shape[1]
    pr.n_p = n_p
    pr.n_m = n_m
    pr.log_flux = log_flux
    pr.brk = brk
    pr.phi = &phi[0, 0] if n_points > 0 else NULL
    if cols is None:
        if n_p != n_l:
            raise ValueError("with more parameters than the model's own, give cols")
        cols = np.arange(n_l, dtype=np.int32)[None, :]
    cols = np.ascontiguousarray(cols, dtype=np.int32)
    if cols.ndim != 2 or cols.shape[1] != n_l or not 1 <= cols.shape[0] <= MAXB:
        raise ValueError(f"cols must have 1 to {MAXB} rows of {n_l} columns")
    if ((cols < 0) | (cols >= n_p)).any():
        raise ValueError("cols names a column outside the parameters")
    h_columns = np.unique(cols[:, 0])
    if np.isin(cols[:, 1:], h_columns).any():
        raise ValueError("a column of cols is both an H and another parameter")
    if np.isfinite(brk) and n_m > 1 and (cols[:, 1:n_m] != cols[0, 1:n_m]).any():
        raise ValueError("a model with a break needs one shape for all bands")
    if geo is not None and (cols[:, n_m:] != cols[0, n_m:]).any():
        raise ValueError("the spin parameters must be shared by all bands")
    if np.setdiff1d(np.arange(n_p), cols).size:
        raise ValueError("every parameter must appear in cols")
    hflag = np.zeros(n_p, dtype=np.uint8)
    hflag[h_columns] = 1
    cols_v = cols
    hflag_v = hflag
    alive.extend([cols, hflag])
    pr.cols = &cols_v[0, 0]
    pr.hflag = &hflag_v[0]
    pr.n_l = n_l
    pr.n_bands = cols.shape[0]
    pr.band = NULL
    if band is not None:
        band = np.ascontiguousarray(band, dtype=np.int32)
        if band.shape != (n_points,):
            raise ValueError("band must have one entry per point")
        if n_points and (band.min() < 0 or band.max() >= cols.shape[0]):
            raise ValueError("band names a row outside cols")
        alive.append(band)
        if n_points:
            band_v = band
            pr.band = &band_v[0]
    elif cols.shape[0] > 1:
        raise ValueError("fits of several bands need band, one entry per point")
    pr.geo = NULL
    if geo is not None:
        geo = np.ascontiguousarray(geo, dtype=np.float64)
        if geo.shape != (n_points, 3):
            raise ValueError("geo must have one unit vector (3 numbers) per point")
        alive.append(geo)
        if n_points:
            geo_v = geo
            pr.geo = &geo_v[0, 0]
    return 0


def fit(const double[::1] y, const double[::1] w, const double[:, ::1] phi,
        const int64_t[::1] offsets, double[:, ::1] params,
        const unsigned char[:, ::1] fixed, const double[:, ::1] A, const double[::1] b,
        const double[:, :, ::1] mix, double brk, bint log_flux,
        int min_points=0, int max_iter=100, double gtol=1e-10, double xtol=1e-12,
        double ftol=1e-13, str loss="linear", double f_scale=1.0, double clip=0.0,
        unsigned char[::1] mask=None, band=None, cols=None, geo=None, starts=None,
        bint scan=False, int keep=0, int n_threads=1):
    """Fit every object ``k`` (rows ``offsets[k]:offsets[k + 1]``) in place.

    ``params`` holds the starting values (a NaN ``H`` is started at its exact value
    for the starting shape) and receives the solution; ``fixed`` marks, per object,
    the parameters held at their starting values. Returns ``(cov, chi2, n_iter,
    flags)`` with ``chi2`` the weighted sum of squared residuals.

    Several bands: ``band`` (one entry per point) names a row of ``cols``, which
    gives the column in ``params`` of each of the model's own parameters in that
    band (see the module's docstring). With ``geo`` (one unit vector per point) the
    model has the spin-aware term, with three more local parameters ``R``,
    ``alpha0``, ``delta0`` (radians). With ``starts`` (``(n_starts, n_p)``, NaN for
    "the object's own value") each object is fitted from every start and the lowest
    cost kept. With ``scan`` (and ``geo``) the starts are candidate poles, ranked by
    `scan_axes`, which also gives each its other parameters; the ``keep`` best are
    fitted.

    With a robust ``loss`` (``LOSSES``) the fit minimises ``f_scale^2 sum rho(z)``,
    ``z = w r^2 / f_scale^2``. With ``clip > 0`` points whose normalised residual
    ``|r| sqrt(w)`` then exceeds ``clip`` are marked in ``mask`` (one byte per point,
    required then) and a plain least-squares refit of the remaining points gives the
    results. A robust fit without clipping keeps its solution; ``chi2`` and ``cov`` are
    then the plain ones at that solution.
    """
    cdef Py_ssize_t n_obj = offsets.shape[0] - 1, k
    cdef int n_p = params.shape[1], n_m = mix.shape[2], j
    cdef Settings st
    cdef Problem pr
    cdef list alive = []
    cdef const double[:, ::1] starts_v
    if n_p < 1 or n_p > MAXP or phi.shape[1] > MAX_BASIS or n_m > 4:
        raise ValueError("unsupported number of parameters or basis functions")
    if A.shape[0] > MAXC or A.shape[1] != n_p or b.shape[0] != A.shape[0]:
        raise ValueError("constraint matrix has the wrong shape")
    if y.shape[0] != w.shape[0] or y.shape[0] != phi.shape[0] or params.shape[0] != n_obj:
        raise ValueError("inconsistent array lengths")
    if (fixed.shape[0] != n_obj or fixed.shape[1] != n_p or n_m < 1 or n_m > n_p
            or mix.shape[1] != phi.shape[1]):
        raise ValueError("fixed or mix does not match the parameters")
    set_layout(&pr, phi, offsets, n_p, n_m, brk, log_flux, band, cols, geo, alive)
    st.max_iter = max_iter
    st.min_points = min_points
    st.gtol = gtol
    st.xtol = xtol
    st.ftol = ftol
    st.n_starts = 0
    st.starts = NULL
    if scan and (geo is None or keep < 1 or starts is None):
        raise ValueError("scan needs geo, starts (the candidate poles) and keep >= 1")
    st.keep = keep
    st.scan = scan
    if starts is not None:
        starts = np.ascontiguousarray(starts, dtype=np.float64)
        if starts.ndim != 2 or starts.shape[1] != n_p or starts.shape[0] > MAXS:
            raise ValueError(f"starts must have at most {MAXS} rows of n_p values")
        alive.append(starts)
        if starts.shape[0] > 0:
            starts_v = starts
            st.n_starts = starts.shape[0]
            st.starts = &starts_v[0, 0]
    cov = np.full((n_obj, n_p, n_p), np.nan)
    chi2 = np.full(n_obj, np.nan)
    n_iter = np.zeros(n_obj, dtype=np.int32)
    flags = np.zeros(n_obj, dtype=np.int32)
    cdef double[:, :, ::1] cov_v = cov
    cdef double[::1] chi2_v = chi2
    cdef int[::1] it_v = n_iter
    cdef int[::1] fl_v = flags
    if y.shape[0] == 0:
        for k in range(n_obj):
            fl_v[k] = TOO_FEW_POINTS
            for j in range(n_p):
                params[k, j] = np.nan
        return cov, chi2, n_iter, flags
    pr.y = &y[0]
    pr.w = &w[0]
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; use one of {sorted(LOSSES)}")
    if not f_scale > 0.0:
        raise ValueError("f_scale must be positive")
    if clip > 0.0 and (mask is None or mask.shape[0] != y.shape[0]):
        raise ValueError("clipping needs a mask with one entry per point")
    pr.loss = LOSSES[loss]
    pr.f2 = f_scale * f_scale
    pr.mask = &mask[0] if mask is not None and mask.shape[0] > 0 else NULL
    st.clip = clip
    for k in prange(n_obj, nogil=True, num_threads=n_threads, schedule="dynamic", chunksize=16):
        fl_v[k] = run_object(&pr, offsets[k], offsets[k + 1], mix, &params[k, 0], &fixed[k, 0],
                             A, b, &st, &cov_v[k, 0, 0], &chi2_v[k], &it_v[k])
    return cov, chi2, n_iter, flags


def predict(const double[:, ::1] phi, const int64_t[::1] offsets, const double[:, ::1] params,
            const double[:, :, ::1] mix, double brk, bint log_flux, band=None, cols=None,
            geo=None, int n_threads=1):
    """Model magnitudes at every point of every object, as the fitter computes them.

    The arguments mean what they mean for `fit`; ``params`` has one row per object.
    Points where the model is undefined (or a parameter is NaN) get NaN.
    """
    cdef Py_ssize_t n_obj = offsets.shape[0] - 1, k
    cdef int n_p = params.shape[1], n_m = mix.shape[2]
    cdef Problem pr
    cdef list alive = []
    if n_p < 1 or n_p > MAXP or phi.shape[1] > MAX_BASIS or n_m > 4 or n_m > n_p:
        raise ValueError("unsupported number of parameters or basis functions")
    if params.shape[0] != n_obj or mix.shape[1] != phi.shape[1]:
        raise ValueError("params or mix does not match the objects and basis")
    set_layout(&pr, phi, offsets, n_p, n_m, brk, log_flux, band, cols, geo, alive)
    out = np.full(phi.shape[0], np.nan)
    if phi.shape[0] == 0:
        return out
    cdef double[::1] o = out
    for k in prange(n_obj, nogil=True, num_threads=n_threads, schedule="static"):
        predict_object(&pr, mix, &params[k, 0], offsets[k], offsets[k + 1], &o[0])
    return out


cdef void predict_object(const Problem* pr, const double[:, :, ::1] mix, const double* p,
                         Py_ssize_t start, Py_ssize_t stop, double* out) noexcept nogil:
    """Model magnitudes of one object's rows into ``out`` (left as is where undefined)."""
    cdef Model md
    cdef double m
    cdef int band
    cdef Py_ssize_t i
    prepare(pr, mix, p, &md)
    for i in range(start, stop):
        if eval_point(pr, &md, i, True, &m, NULL, &band, 0.0) == 0:
            out[i] = m


cdef int fit_starts(const Problem* pr, const double[:, :, ::1] mix, double* p,
                    const unsigned char* fixed, const double[:, ::1] A, const double[::1] b,
                    const Settings* st, double* cov, double* chi2, int* n_iter) noexcept nogil:
    """`fit_one` from the object's start, or from each of ``st.starts``, keeping the
    lowest cost; with ``st.scan``, from the ``st.keep`` best of them by `scan_axes`
    (from all where the scan does not apply).
    """
    cdef double q[MAXS * MAXP]
    cdef double cost_s[MAXS]
    cdef int flags_s[MAXS]
    cdef double cov_q[MAXP * MAXP]
    cdef double chi2_q, best = INFINITY, v
    cdef int flags = NO_FIT, it_q, s, j, k, n_p = pr.n_p, n_s = st.n_starts, winner = -1
    cdef bint ok
    if n_s == 0:
        return fit_one(pr, mix, p, fixed, A, b, st, cov, chi2, n_iter)
    n_iter[0] = 0
    for s in range(n_s):
        cost_s[s] = 0.0
        for j in range(n_p):
            v = st.starts[s * n_p + j]
            q[s * MAXP + j] = p[j] if (fixed[j] or isnan(v)) else v
    if st.scan and st.keep < n_s and scan_axes(pr, p, fixed, A, b, st, q, cost_s) == 0:
        # Keep the st.keep lowest: mark the others with NaN.
        for k in range(n_s - st.keep):
            j = -1
            for s in range(n_s):
                if not isnan(cost_s[s]) and (j < 0 or cost_s[s] >= cost_s[j]):
                    j = s
            cost_s[j] = NAN
    for s in range(n_s):
        if isnan(cost_s[s]):
            continue
        flags_s[s] = fit_one(pr, mix, &q[s * MAXP], fixed, A, b, st, cov_q, &chi2_q, &it_q)
        n_iter[0] += it_q
        ok = (flags_s[s] & (CONVERGED | MAX_ITER)) != 0 and chi2_q == chi2_q
        if winner < 0 or (ok and chi2_q < best):
            if ok:
                best = chi2_q
            winner = s
            flags = flags_s[s]
            chi2[0] = chi2_q
            for j in range(n_p * n_p):
                cov[j] = cov_q[j]
    if best == INFINITY:
        # No start gave a fit: the object's own start.
        flags = fit_one(pr, mix, p, fixed, A, b, st, cov, chi2, &it_q)
        n_iter[0] += it_q
        return flags
    for j in range(n_p):
        p[j] = q[winner * MAXP + j]
    return flags


cdef int scan_axes(const Problem* pr, const double* p, const unsigned char* fixed,
                   const double[:, ::1] A, const double[::1] b, const Settings* st,
                   double* q, double* cost) noexcept nogil:
    """Rank the candidate poles (rows of ``st.starts``) of an HG1G2 + spin fit.

    In flux the model is linear for a given axis: ``F (1 - c |cos Lambda|) = sum_k
    a_k Phi_k`` per band, with ``a_k = 10^(-0.4 H) G_k`` (``G_3 = 1 - G_1 - G_2``) and
    ``c = 1 - R`` shared. Weighted by ``w / F^2`` (a magnitude residual is about
    ``2.5 / ln 10`` times the relative flux residual) that is one linear least-squares
    problem per candidate axis, whose band blocks do not depend on the axis: solved by
    the Schur complement in ``c``, with ``c`` kept within the bounds on ``R``. Each
    candidate's starting values (``R``, each band's ``G1``, ``G2``; ``H`` left NaN, for
    the exact value) go into its row of ``q`` and its linearised cost into ``cost``.
    Returns 1 (nothing ranked) where the model is not HG1G2 with a free ``R`` and pole,
    or a band's block is singular.
    """
    cdef int n_b = pr.n_bands, n_p = pr.n_p, n_s = st.n_starts
    cdef int rc = pr.cols[pr.n_m], ac = pr.cols[pr.n_m + 1], dc = pr.cols[pr.n_m + 2]
    cdef double blk[MAXB * 9]
    cdef double rhs[MAXB * 3]
    cdef double sol[MAXB * 3]
    cdef double v[MAXB * 3]
    cdef double z[3]
    cdef double gg, gf, t, schur, c, c_lo, c_hi, f, wt, u, nx, ny, nz
    cdef double cd, total, lo, hi
    cdef double* wphi
    cdef int s, bb, k, j, band
    cdef Py_ssize_t i
    if pr.n_m != 3 or pr.n_basis != 3 or not pr.log_flux or fixed[rc] or fixed[ac] or fixed[dc]:
        return 1
    # Bounds on R give those on c = 1 - R (kept off R = 1, where the pole is lost).
    c_lo = 0.0
    c_hi = 0.99
    for k in range(A.shape[0]):
        if A[k, rc] != 0.0:
            t = 0.0
            for j in range(n_p):
                if j != rc:
                    t += fabs(A[k, j])
            if t == 0.0:
                if A[k, rc] > 0.0:
                    c_lo = max(c_lo, 1.0 - b[k] / A[k, rc])
                else:
                    c_hi = min(c_hi, 1.0 - b[k] / A[k, rc])
    if c_hi < c_lo:
        return 1
    for k in range(n_b * 9):
        blk[k] = 0.0
    for k in range(n_b * 3):
        rhs[k] = 0.0
    # Per point, w Phi_k / F: with g = F |cos Lambda| and weight w / F^2, the sums
    # below are sum w Phi_k |cos Lambda| / F, sum w cos^2 Lambda and sum w |cos Lambda|.
    wphi = <double*> malloc(3 * (pr.stop - pr.start) * sizeof(double))
    if wphi == NULL:
        return 1
    for i in range(pr.start, pr.stop):
        f = 10.0 ** (-0.4 * pr.y[i])
        for k in range(3):
            wphi[3 * (i - pr.start) + k] = pr.w[i] * pr.phi[i * 3 + k] / f
        if pr.mask != NULL and pr.mask[i]:
            continue
        bb = pr.band[i] if pr.band != NULL else 0
        wt = pr.w[i] / (f * f)
        for k in range(3):
            rhs[bb * 3 + k] += wt * pr.phi[i * 3 + k] * f
            for j in range(3):
                blk[bb * 9 + k * 3 + j] += wt * pr.phi[i * 3 + k] * pr.phi[i * 3 + j]
    # Invert each band's block in place (Cholesky, column by column); the spin-free
    # solution is sol = blk^-1 rhs.
    for bb in range(n_b):
        if not block_inverse(&blk[bb * 9]):
            free(wphi)
            return 1
        for k in range(3):
            t = 0.0
            for j in range(3):
                t += blk[bb * 9 + k * 3 + j] * rhs[bb * 3 + j]
            sol[bb * 3 + k] = t
    for s in range(n_s):
        cd = cos(st.starts[s * n_p + dc])
        nx = cd * cos(st.starts[s * n_p + ac])
        ny = cd * sin(st.starts[s * n_p + ac])
        nz = sin(st.starts[s * n_p + dc])
        for k in range(n_b * 3):
            v[k] = 0.0
        gg = 0.0
        gf = 0.0
        for i in range(pr.start, pr.stop):
            if pr.mask != NULL and pr.mask[i]:
                continue
            bb = pr.band[i] if pr.band != NULL else 0
            u = fabs(pr.geo[3 * i] * nx + pr.geo[3 * i + 1] * ny + pr.geo[3 * i + 2] * nz)
            for k in range(3):
                v[bb * 3 + k] += wphi[3 * (i - pr.start) + k] * u
            gg += pr.w[i] * u * u
            gf += pr.w[i] * u
        # Schur complement in c: cost(c) = cost(0) - 2 c t + c^2 schur.
        t = gf
        schur = gg
        for bb in range(n_b):
            for k in range(3):
                z[k] = 0.0
                for j in range(3):
                    z[k] += blk[bb * 9 + k * 3 + j] * v[bb * 3 + j]
                t -= v[bb * 3 + k] * sol[bb * 3 + k]
                schur -= v[bb * 3 + k] * z[k]
        c = t / schur if schur > 0.0 else 0.0
        c = c_lo if c < c_lo else (c_hi if c > c_hi else c)
        cost[s] = -2.0 * c * t + c * c * schur
        # Starting values of this candidate: the object's own, then R, the pole and
        # each band's G1, G2 from a = sol - c z.
        for j in range(n_p):
            q[s * MAXP + j] = p[j]
        q[s * MAXP + rc] = 1.0 - c
        q[s * MAXP + ac] = st.starts[s * n_p + ac]
        q[s * MAXP + dc] = st.starts[s * n_p + dc]
        for bb in range(n_b):
            total = 0.0
            for k in range(3):
                z[k] = sol[bb * 3 + k]
                for j in range(3):
                    z[k] -= c * blk[bb * 9 + k * 3 + j] * v[bb * 3 + j]
                total += z[k]
            if not total > 0.0:
                continue
            # G1, G2 brought into G1, G2 >= 0, G1 + G2 <= 1, where every combination
            # of the basis functions is positive (the model is defined everywhere).
            z[1] = z[1] / total if z[1] > 0.0 else 0.0
            z[2] = z[2] / total if z[2] > 0.0 else 0.0
            if z[1] + z[2] > 1.0:
                total = z[1] + z[2]
                z[1] /= total
                z[2] /= total
            for k in range(1, 3):
                j = pr.cols[bb * pr.n_l + k]
                if fixed[j]:
                    continue
                # Within the bounds of this G alone (the start must be feasible).
                lo = -INFINITY
                hi = INFINITY
                for band in range(A.shape[0]):
                    if A[band, j] != 0.0 and single_column(A, band, j, n_p):
                        if A[band, j] > 0.0:
                            hi = min(hi, b[band] / A[band, j])
                        else:
                            lo = max(lo, b[band] / A[band, j])
                q[s * MAXP + j] = lo if z[k] < lo else (hi if z[k] > hi else z[k])
            j = pr.cols[bb * pr.n_l]
            if not fixed[j]:
                q[s * MAXP + j] = NAN
        if not feasible_shape(A, b, n_p, &q[s * MAXP], pr):
            for j in range(n_p):
                q[s * MAXP + j] = p[j]
            q[s * MAXP + ac] = st.starts[s * n_p + ac]
            q[s * MAXP + dc] = st.starts[s * n_p + dc]
    free(wphi)
    return 0


cdef bint single_column(const double[:, ::1] A, int c, int j, int n_p) noexcept nogil:
    """Whether constraint ``c`` involves column ``j`` only."""
    cdef int k
    for k in range(n_p):
        if k != j and A[c, k] != 0.0:
            return False
    return True


cdef bint feasible_shape(const double[:, ::1] A, const double[::1] b, int n_p,
                         const double* q, const Problem* pr) noexcept nogil:
    """Whether ``q`` meets every constraint that involves no H (H may be NaN)."""
    cdef int c, j
    cdef double slack
    cdef bint with_h
    for c in range(A.shape[0]):
        slack = b[c]
        with_h = False
        for j in range(n_p):
            if A[c, j] != 0.0:
                if pr.hflag[j]:
                    with_h = True
                else:
                    slack -= A[c, j] * q[j]
        if not with_h and slack < 0.0:
            return False
    return True


cdef bint block_inverse(double* m) noexcept nogil:
    """Invert a symmetric positive definite 3 x 3 matrix in place; False if singular."""
    cdef double a = m[0], bq = m[1], c = m[2], d = m[4], e = m[5], f = m[8]
    cdef double c0 = d * f - e * e, c1 = c * e - bq * f, c2 = bq * e - c * d
    cdef double det = a * c0 + bq * c1 + c * c2
    if not det > 1e-300 * (a * d * f + 1e-300):
        return False
    m[0] = c0 / det
    m[1] = c1 / det
    m[2] = c2 / det
    m[3] = m[1]
    m[4] = (a * f - c * c) / det
    m[5] = (bq * c - a * e) / det
    m[6] = m[2]
    m[7] = m[5]
    m[8] = (a * d - bq * bq) / det
    return True


cdef int run_object(const Problem* shared, Py_ssize_t start, Py_ssize_t stop,
                    const double[:, :, ::1] mix, double* p, const unsigned char* fixed,
                    const double[:, ::1] A, const double[::1] b, const Settings* st,
                    double* cov, double* chi2, int* n_iter) noexcept nogil:
    """Fit one object's rows: robust fit, clipping and a plain refit as asked."""
    cdef Problem pr = shared[0]
    cdef int flags, more = 0, clipped = 0, robust_loss, band
    cdef double jtj[MAXP * MAXP]
    cdef double jtr[MAXP]
    cdef double m
    cdef Model md
    cdef Py_ssize_t i
    pr.start = start
    pr.stop = stop
    flags = fit_starts(&pr, mix, p, fixed, A, b, st, cov, chi2, n_iter)
    if not (flags & (CONVERGED | MAX_ITER)) or (pr.loss == LOSS_LINEAR and st.clip <= 0.0):
        return flags
    if st.clip > 0.0:
        prepare(&pr, mix, p, &md)
        for i in range(start, stop):
            if pr.mask[i]:
                continue
            if eval_point(&pr, &md, i, True, &m, NULL, &band, 0.0) == 0:
                if fabs(pr.y[i] - m) * sqrt(pr.w[i]) > st.clip:
                    pr.mask[i] = 1
                    clipped += 1
    if pr.loss == LOSS_LINEAR and clipped == 0:
        return flags
    robust_loss = pr.loss
    pr.loss = LOSS_LINEAR
    if st.clip <= 0.0:
        # Robust fit without clipping: keep its solution; report chi2 and the
        # (J^T W J)^-1 covariance there.
        if accumulate(&pr, mix, p, chi2, jtj, jtr) != 0:
            return flags | MODEL_UNDEFINED
        return (flags & ~SINGULAR) | covariance(pr.n_p, fixed, jtj, cov)
    flags = fit_one(&pr, mix, p, fixed, A, b, st, cov, chi2, &more)
    n_iter[0] += more
    return flags | (CLIPPED if clipped else 0)
