"""Build the Cython extension of sbpy-phasefit with OpenMP.

All metadata lives in pyproject.toml; this file only declares the compiled
extension, whose OpenMP flags depend on the compiler.
"""

import os
import sys

import numpy as np
from Cython.Build import cythonize
from setuptools import Extension, setup


def openmp_flags() -> tuple[list[str], list[str]]:
    """Compile and link flags that switch on OpenMP for this platform's compiler."""
    if os.environ.get("SBPY_PHASEFIT_NO_OPENMP"):
        return [], []
    if sys.platform == "win32":
        return ["/openmp"], []
    if sys.platform == "darwin":
        # Apple clang needs the preprocessor flag and llvm-openmp's libomp.
        return ["-Xpreprocessor", "-fopenmp"], ["-lomp"]
    return ["-fopenmp"], ["-fopenmp"]


compile_omp, link_omp = openmp_flags()
extra_compile = ["-O3"] if sys.platform != "win32" else ["/O2"]

#: The compiled modules: basis functions and model evaluation, and the batch fitter.
MODULES = ["_phasefunc", "_lsq"]

extensions = [
    Extension(
        f"sbpy_phasefit.{name}",
        [f"src/sbpy_phasefit/{name}.pyx"],
        include_dirs=[np.get_include()],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_9_API_VERSION")],
        extra_compile_args=extra_compile + compile_omp,
        extra_link_args=link_omp,
    )
    for name in MODULES
]

setup(
    ext_modules=cythonize(
        extensions,
        compiler_directives={
            "language_level": "3",
            "boundscheck": False,
            "wraparound": False,
            "cdivision": True,
            "initializedcheck": False,
        },
    )
)
