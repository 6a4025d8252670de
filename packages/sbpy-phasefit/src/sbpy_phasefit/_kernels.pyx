# cython: language_level=3
"""Compiled kernels of sbpy-phasefit (OpenMP over objects)."""

cimport openmp

__all__ = ["openmp_max_threads"]


def openmp_max_threads() -> int:
    """Number of threads OpenMP would use; 1 when built without OpenMP."""
    return openmp.omp_get_max_threads()
