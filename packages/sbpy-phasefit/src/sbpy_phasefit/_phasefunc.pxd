# cython: language_level=3
"""Point-wise phase-function kernels shared by evaluation and fitting.

A model is ``m = H + T(s)`` with ``s = sum_k c_k(theta) * phi_k(alpha)``, where the
``phi_k`` are basis functions of the phase angle alone, the coefficients ``c_k`` are
piecewise affine in the shape parameters ``theta`` (two pieces split at
``theta[0] == brk``) and ``T`` is ``-2.5 log10`` (``log_flux``) or the identity.

``mix`` has shape ``(2, n_basis, 1 + n_shape)``: ``mix[piece, k, 0]`` is the constant
of ``c_k`` and ``mix[piece, k, 1 + j]`` its slope in ``theta[j]``.
"""

from libc.math cimport isfinite, log10

# Basis kinds understood by ``basis_row``.
cdef enum:
    BASIS_IDENTITY = 0  # phi_0 = alpha in degrees (the linear model)
    BASIS_BOWELL = 1    # Bowell et al. (1989) phi_1, phi_2; coef[k, 0, :3] = A, B, C
    BASIS_SPLINE = 2    # clamped cubic spline clipped at zero; see _spline.py; knots
                        # padded with +inf, coef[k] is the table of spline_table()
    MAX_BASIS = 3
    MAX_PARAMS = 8

cdef void basis_row(double alpha_deg, int kind, int n_basis, const double[:, ::1] knots,
                    const double[:, :, ::1] coef, double* out) noexcept nogil


cdef inline void mix_coefficients(int n_basis, int n_params, const double* p,
                                  const double[:, :, ::1] mix, double brk, double* c,
                                  double* dc) noexcept nogil:
    """Coefficients ``c[k]`` and their slopes ``dc[k * MAX_PARAMS + j]`` at ``p``."""
    cdef int piece = 0 if (n_params < 2 or p[1] < brk) else 1
    cdef int k, j
    for k in range(n_basis):
        c[k] = mix[piece, k, 0]
        for j in range(1, n_params):
            c[k] = c[k] + mix[piece, k, j] * p[j]
            dc[k * MAX_PARAMS + j] = mix[piece, k, j]


cdef inline int model_point(const double* phi, int n_basis, int n_params, double h,
                            const double* c, const double* dc, bint log_flux, double* mag,
                            double* grad, double dimming=1.0) noexcept nogil:
    """Magnitude at one point and (unless ``grad`` is NULL) its gradient in
    ``(H, theta...)``, from the basis row ``phi`` and the output of `mix_coefficients`.

    With ``log_flux`` the flux is divided by ``dimming`` (a positive factor of another
    term, e.g. sHG1G2's aspect term) inside the same logarithm.
    Returns 0, or 1 where the model is undefined there (``s <= 0`` or not finite).
    """
    cdef int k, j
    cdef double s = 0.0, ds
    for k in range(n_basis):
        s = s + c[k] * phi[k]
    if log_flux:
        if not (s > 0.0 and isfinite(s)):
            return 1
        mag[0] = h - 2.5 * log10(s if dimming == 1.0 else s / dimming)
    else:
        mag[0] = h + s
    if grad == NULL:
        return 0 if isfinite(mag[0]) else 1
    grad[0] = 1.0
    for j in range(1, n_params):
        ds = 0.0
        for k in range(n_basis):
            ds = ds + dc[k * MAX_PARAMS + j] * phi[k]
        # 2.5 / ln(10)
        grad[j] = -1.0857362047581294 * ds / s if log_flux else ds
    return 0 if isfinite(mag[0]) else 1
