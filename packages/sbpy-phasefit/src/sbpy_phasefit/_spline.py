"""Clamped cubic splines as piecewise-polynomial tables for the compiled basis kernel.

The Muinonen et al. (2010) basis functions are cubic splines through tabulated nodes
with prescribed first derivatives at both ends, extended linearly outside the nodes.
This module turns nodes into the coefficient table that ``_phasefunc.pyx`` evaluates.
"""

from __future__ import annotations

import numpy as np

__all__ = ["spline_table"]


def spline_table(x: np.ndarray, y: np.ndarray, end_slopes: tuple[float, float]) -> np.ndarray:
    """Return the piecewise-polynomial table of a clamped cubic spline.

    Parameters
    ----------
    x, y : numpy.ndarray
        Strictly increasing nodes (at least two) and the values there.
    end_slopes : tuple of float
        First derivative at ``x[0]`` and at ``x[-1]``.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(x) + 1, 4)``. Row ``j`` holds the coefficients ``c0..c3`` of the
        cubic in ``t = x - origin_j``, where ``origin_j = x[max(j - 1, 0)]``. Row 0 is
        the linear extension left of ``x[0]``, rows ``1..n-1`` are the spline segments
        and row ``n`` the linear extension right of ``x[-1]``.

    Examples
    --------
    >>> table = spline_table(np.array([0.0, 1.0, 2.0]), np.array([0.0, 1.0, 2.0]), (1.0, 1.0))
    >>> table[1]
    array([0., 1., 0., 0.])
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n = x.size
    if n < 2 or y.shape != x.shape or np.any(np.diff(x) <= 0):
        raise ValueError("spline nodes must be at least two strictly increasing values")
    h = np.diff(x)
    r = np.diff(y) / h
    slopes = np.empty(n)
    slopes[0], slopes[-1] = end_slopes
    if n > 2:
        # Continuity of the second derivative at the interior nodes gives a
        # tridiagonal system for the interior slopes.
        system = np.zeros((n - 2, n - 2))
        rhs = 3.0 * (h[1:] * r[:-1] + h[:-1] * r[1:])
        for i in range(n - 2):
            system[i, i] = 2.0 * (h[i] + h[i + 1])
            if i > 0:
                system[i, i - 1] = h[i + 1]
            if i < n - 3:
                system[i, i + 1] = h[i]
        rhs[0] -= h[1] * slopes[0]
        rhs[-1] -= h[-2] * slopes[-1]
        slopes[1:-1] = np.linalg.solve(system, rhs)
    table = np.zeros((n + 1, 4))
    table[0, :2] = y[0], slopes[0]
    table[1:n, 0] = y[:-1]
    table[1:n, 1] = slopes[:-1]
    table[1:n, 2] = (3.0 * r - 2.0 * slopes[:-1] - slopes[1:]) / h
    table[1:n, 3] = (slopes[:-1] + slopes[1:] - 2.0 * r) / h**2
    table[n, :2] = y[-1], slopes[-1]
    return table
