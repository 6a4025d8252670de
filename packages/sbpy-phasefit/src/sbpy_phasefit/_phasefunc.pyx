# cython: language_level=3
"""Compiled basis functions and model evaluation (see ``_phasefunc.pxd``)."""

import numpy as np

from cython.parallel cimport prange
from libc.math cimport M_PI, NAN, cos, exp, pow, sin, tan


__all__ = ["basis", "evaluate", "unit_vectors"]


cdef void basis_row(double alpha_deg, int kind, int n_basis, const double[:, ::1] knots,
                    const double[:, :, ::1] coef, double* out) noexcept nogil:
    """Write the ``n_basis`` basis values at ``alpha_deg`` into ``out``."""
    cdef double a = alpha_deg * (M_PI / 180.0)
    cdef double half_tan, w, sin_a, small, large, t, v
    cdef int k, j, n = knots.shape[1]
    if kind == BASIS_IDENTITY:
        out[0] = alpha_deg
    elif kind == BASIS_BOWELL:
        # Bowell et al. (1989), Eq. A4: smooth blend of a small- and a large-angle form.
        half_tan = tan(0.5 * a)
        sin_a = sin(a)
        w = exp(-90.56 * half_tan * half_tan)
        for k in range(n_basis):
            small = 1.0 - coef[k, 0, 2] * sin_a / (0.119 + 1.341 * sin_a - 0.754 * sin_a * sin_a)
            large = exp(-coef[k, 0, 0] * pow(half_tan, coef[k, 0, 1]))
            out[k] = w * small + (1.0 - w) * large
    else:
        for k in range(n_basis):
            j = 0
            while j < n and knots[k, j] <= a:
                j = j + 1
            t = a - knots[k, j - 1 if j > 0 else 0]
            v = coef[k, j, 0] + t * (coef[k, j, 1] + t * (coef[k, j, 2] + t * coef[k, j, 3]))
            out[k] = v if v > 0.0 else 0.0


def basis(const double[::1] alpha_deg, int kind, int n_basis, const double[:, ::1] knots,
          const double[:, :, ::1] coef, int n_threads=1):
    """Return the ``(len(alpha_deg), n_basis)`` basis values (phase angles in degrees)."""
    cdef Py_ssize_t i, n = alpha_deg.shape[0]
    out = np.empty((n, n_basis), dtype=np.float64)
    cdef double[:, ::1] o = out
    if n_basis < 1 or n_basis > MAX_BASIS:
        raise ValueError(f"n_basis must be in 1..{MAX_BASIS}")
    for i in prange(n, nogil=True, num_threads=n_threads, schedule="static"):
        basis_row(alpha_deg[i], kind, n_basis, knots, coef, &o[i, 0])
    return out


def unit_vectors(const double[::1] ra_deg, const double[::1] dec_deg, int n_threads=1):
    """Return the ``(n, 3)`` unit vectors towards ``(ra_deg, dec_deg)`` (degrees)."""
    cdef Py_ssize_t i, n = ra_deg.shape[0]
    cdef double a, d, cos_d
    if dec_deg.shape[0] != n:
        raise ValueError("ra and dec must have the same length")
    out = np.empty((n, 3), dtype=np.float64)
    cdef double[:, ::1] o = out
    for i in prange(n, nogil=True, num_threads=n_threads, schedule="static"):
        a = ra_deg[i] * (M_PI / 180.0)
        d = dec_deg[i] * (M_PI / 180.0)
        cos_d = cos(d)
        o[i, 0] = cos_d * cos(a)
        o[i, 1] = cos_d * sin(a)
        o[i, 2] = sin(d)
    return out


def evaluate(const double[:, ::1] phi, const double[:, ::1] params,
             const double[:, :, ::1] mix, double brk, bint log_flux, int n_threads=1):
    """Return model magnitudes for basis rows ``phi`` and per-point ``params``.

    Points where the model is undefined get NaN.
    """
    cdef Py_ssize_t i, n = phi.shape[0]
    cdef int n_basis = phi.shape[1], n_params = params.shape[1]
    if params.shape[0] != n:
        raise ValueError("phi and params must have the same number of rows")
    if n_params < 1 or n_params > MAX_PARAMS or n_basis > MAX_BASIS:
        raise ValueError("unsupported number of parameters or basis functions")
    out = np.empty(n, dtype=np.float64)
    cdef double[::1] o = out
    for i in prange(n, nogil=True, num_threads=n_threads, schedule="static"):
        o[i] = point_magnitude(&phi[i, 0], n_basis, n_params, &params[i, 0], mix, brk, log_flux)
    return out


cdef double point_magnitude(const double* phi, int n_basis, int n_params, const double* p,
                            const double[:, :, ::1] mix, double brk,
                            bint log_flux) noexcept nogil:
    """Model magnitude at one point with its own parameters; NaN where undefined."""
    cdef double c[MAX_BASIS]
    cdef double dc[MAX_BASIS * MAX_PARAMS]
    cdef double mag
    mix_coefficients(n_basis, n_params, p, mix, brk, c, dc)
    if model_point(phi, n_basis, n_params, p[0], c, dc, log_flux, &mag, NULL) != 0:
        return NAN
    return mag
