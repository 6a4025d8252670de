"""Disk-integrated phase functions: HG, HG12, HG12*, HG1G2 and the linear model.

Every model has the form ``m(alpha) = H + T(sum_k c_k(theta) phi_k(alpha))``: basis
functions ``phi_k`` of the phase angle alone, coefficients ``c_k`` that are affine in
the shape parameters ``theta`` and ``T = -2.5 log10`` (the linear model uses the
identity). The same compiled kernels evaluate the models here and inside the fitter,
and their values equal those of `sbpy.photometry` to rounding.

Plain numbers given as phase angles are **degrees** (sbpy reads plain numbers as
radians); an angle `~astropy.units.Quantity` is converted.

References: Bowell et al. (1989, Asteroids II, 524) for HG; Muinonen et al. (2010,
Icarus 209, 542) for HG1G2 and HG12; Penttilä et al. (2016, PSS 123, 117) for HG12*.

Examples
--------
>>> import astropy.units as u
>>> from sbpy_phasefit.models import HG12
>>> HG12().evaluate([0, 10, 20] * u.deg, 15.0, 0.5).round(4)
<Quantity [15.    , 15.5908, 15.9318] mag>
"""

from __future__ import annotations

from typing import ClassVar

import astropy.units as u
import numpy as np
from numpy.typing import ArrayLike

from . import _phasefunc
from ._spline import spline_table
from ._validate import as_numbers

__all__ = [
    "HG",
    "HG1G2",
    "HG12",
    "HG12PEN16",
    "MODELS",
    "PHI3_START_SLOPES",
    "Linear",
    "PhaseFunction",
    "get_model",
]

#: Start slope (per radian) of the phi3 spline at zero phase angle. sbpy uses
#: -1.0630097; Penttilä et al. (2016) Table B.4 is reproduced only with -0.10630097.
PHI3_START_SLOPES = {"sbpy": -1.0630097, "penttila2016": -0.10630097}

# Spline nodes (degrees), values and end slopes (per radian) of the Muinonen et al.
# (2010) basis functions, as published (Penttilä et al. 2016 give the same numbers).
_PHI1_NODES = (
    (7.5, 30.0, 60.0, 90.0, 120.0, 150.0),
    (7.5e-1, 3.3486016e-1, 1.3410560e-1, 5.1104756e-2, 2.1465687e-2, 3.6396989e-3),
    (-1.9098593, -9.1328612e-2),
)
_PHI2_NODES = (
    (7.5, 30.0, 60.0, 90.0, 120.0, 150.0),
    (9.25e-1, 6.2884169e-1, 3.1755495e-1, 1.2716367e-1, 2.2373903e-2, 1.6505689e-4),
    (-5.7295780e-1, -8.6573138e-8),
)
_PHI3_NODES = (
    (0.0, 0.3, 1.0, 2.0, 4.0, 8.0, 12.0, 20.0, 30.0),
    (
        1.0,
        8.3381185e-1,
        5.7735424e-1,
        4.2144772e-1,
        2.3174230e-1,
        1.0348178e-1,
        6.1733473e-2,
        1.6107006e-2,
        0.0,
    ),
)
# Bowell et al. (1989) Eq. A4 constants (A_i, B_i, C_i) of phi_1 and phi_2.
_BOWELL_CONSTANTS = ((3.332, 0.631, 0.986), (1.862, 1.218, 0.238))

_BASIS_IDENTITY, _BASIS_BOWELL, _BASIS_SPLINE = 0, 1, 2


def _phase_degrees(phase: ArrayLike | u.Quantity, name: str = "phase") -> np.ndarray:
    """Phase angles as a float64 array in degrees (plain numbers are degrees)."""
    if isinstance(phase, u.Quantity):
        try:
            return np.asarray(phase.to_value(u.deg), dtype=np.float64)
        except u.UnitConversionError:
            raise u.UnitConversionError(
                f"phase angles must be angles, got unit {phase.unit!s}; "
                "pass degrees or an angle Quantity"
            ) from None
    return as_numbers(phase, name)


def _model_phase(phase: ArrayLike | u.Quantity) -> np.ndarray:
    """Phase angles in degrees for a model's evaluation, checked to lie in [0, 180]."""
    alpha = _phase_degrees(phase)
    finite = alpha[np.isfinite(alpha)]
    if finite.size and (finite.min() < 0.0 or finite.max() > 180.0):
        raise ValueError("phase angles must lie in [0, 180] degrees")
    return alpha


def _value_in(value: ArrayLike | u.Quantity, unit: u.UnitBase, name: str) -> np.ndarray:
    """A parameter as a float64 array in ``unit`` (plain numbers are taken as ``unit``)."""
    if isinstance(value, u.Quantity):
        try:
            return np.asarray(value.to_value(unit), dtype=np.float64)
        except u.UnitConversionError:
            raise u.UnitConversionError(
                f"parameter {name} has unit {value.unit!s}, expected {unit!s}"
            ) from None
    return as_numbers(value, name)


class PhaseFunction:
    """A disk-integrated phase function that the compiled kernels evaluate and fit.

    Subclasses set the class attributes; instances are immutable descriptions.

    Attributes
    ----------
    name : str
        Model name used by `get_model` and the command line.
    param_names : tuple of str
        ``H`` first, then the shape parameters.
    param_units : tuple of astropy.units.UnitBase
        Unit of each parameter.
    defaults : tuple of float
        Starting values of the fit (sbpy's defaults).
    bounds : tuple of (float, float)
        Default bounds of each parameter (sbpy's; ``-inf``/``inf`` where unbounded).
    sbpy_name : str
        Name of the equivalent class in `sbpy.photometry`.
    """

    name: ClassVar[str]
    param_names: ClassVar[tuple[str, ...]]
    param_units: ClassVar[tuple[u.UnitBase, ...]]
    defaults: ClassVar[tuple[float, ...]]
    bounds: ClassVar[tuple[tuple[float, float], ...]]
    sbpy_name: ClassVar[str]
    _basis_kind: ClassVar[int]
    _log_flux: ClassVar[bool] = True
    _break: ClassVar[float] = np.inf

    def __init__(self) -> None:
        self._knots = np.full((1, 1), np.inf)
        self._coef = np.zeros((1, 2, 4))

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    @property
    def n_params(self) -> int:
        """Number of parameters (``H`` included)."""
        return len(self.param_names)

    @property
    def mix(self) -> np.ndarray:
        """Coefficient table ``(2, n_basis, n_params)`` of the basis functions.

        ``mix[piece, k, 0]`` is the constant part of ``c_k`` and ``mix[piece, k, j]``
        its slope in parameter ``j``; piece 1 applies where the first shape parameter
        is at least ``_break``.
        """
        raise NotImplementedError

    def linear_constraints(self) -> tuple[np.ndarray, np.ndarray]:
        """Constraints ``A p <= b`` beyond the bounds (none by default).

        Examples
        --------
        >>> HG().linear_constraints()[0].shape
        (0, 2)
        """
        return np.zeros((0, self.n_params)), np.zeros(0)

    def basis(self, phase: ArrayLike | u.Quantity, n_threads: int = 1) -> np.ndarray:
        """Basis function values ``(n, n_basis)`` at the given phase angles.

        Parameters
        ----------
        phase : array_like or astropy.units.Quantity
            Phase angles (plain numbers are degrees).
        n_threads : int, optional
            OpenMP threads.

        Examples
        --------
        >>> HG1G2().basis([0.0])
        array([[1., 1., 1.]])
        """
        alpha = np.ascontiguousarray(_phase_degrees(phase), dtype=np.float64).ravel()
        n_basis = self.mix.shape[1]
        return _phasefunc.basis(
            alpha, self._basis_kind, n_basis, self._knots, self._coef, n_threads
        )

    def evaluate(
        self, phase: ArrayLike | u.Quantity, *params: ArrayLike | u.Quantity
    ) -> u.Quantity:
        """Magnitude of the model at ``phase`` for the given parameters.

        Parameters
        ----------
        phase : array_like or astropy.units.Quantity
            Phase angles in [0, 180] degrees (plain numbers are degrees).
        *params : array_like or astropy.units.Quantity
            One value or array per parameter, in the order of `param_names`;
            broadcast against ``phase``.

        Returns
        -------
        astropy.units.Quantity
            Magnitudes; NaN where the model is undefined (e.g. HG1G2 beyond about
            152 degrees, where all basis functions vanish).

        Examples
        --------
        >>> HG().evaluate(0.0, 10.0, 0.15)
        <Quantity 10. mag>
        """
        if len(params) != self.n_params:
            raise TypeError(
                f"{self.name} takes {self.n_params} parameters {self.param_names}, "
                f"got {len(params)}"
            )
        alpha = _model_phase(phase)
        values = [
            _value_in(v, unit, name)
            for v, unit, name in zip(params, self.param_units, self.param_names, strict=True)
        ]
        arrays = np.broadcast_arrays(alpha, *values)
        shape = arrays[0].shape
        phi = self.basis(arrays[0].ravel())
        stacked = np.ascontiguousarray(np.stack([a.ravel() for a in arrays[1:]], axis=1))
        mag = _phasefunc.evaluate(phi, stacked, self.mix, self._break, self._log_flux)
        return (mag.reshape(shape) if shape else mag[0]) * u.mag

    def to_sbpy(self, *params: ArrayLike | u.Quantity):
        """The equivalent `sbpy.photometry` model (a model set for array parameters).

        Examples
        --------
        >>> HG12().to_sbpy(15.0, 0.5)  # doctest: +ELLIPSIS
        <HG12(H=15. mag, G12=0.5)>
        """
        from sbpy import photometry

        cls = getattr(photometry, self.sbpy_name)
        values = [
            _value_in(v, unit, name) * unit
            if unit != u.dimensionless_unscaled
            else _value_in(v, unit, name)
            for v, unit, name in zip(params, self.param_units, self.param_names, strict=True)
        ]
        n_models = np.size(values[0])
        if n_models > 1:
            return cls(*values, n_models=n_models)
        return cls(*[np.ravel(v)[0] for v in values])


class HG(PhaseFunction):
    """The IAU H, G system of Bowell et al. (1989), in the full form sbpy uses.

    Examples
    --------
    >>> HG().evaluate([0, 30] * u.deg, 3.34, 0.12).round(4)
    <Quantity [3.34  , 4.6893] mag>
    """

    name = "HG"
    param_names = ("H", "G")
    param_units = (u.mag, u.dimensionless_unscaled)
    defaults = (8.0, 0.4)
    bounds = ((-np.inf, np.inf), (-0.253, 1.194))
    sbpy_name = "HG"
    _basis_kind = _BASIS_BOWELL

    def __init__(self) -> None:
        super().__init__()
        self._coef = np.zeros((2, 2, 4))
        self._coef[:, 0, :3] = _BOWELL_CONSTANTS
        self._knots = np.full((2, 1), np.inf)

    @property
    def mix(self) -> np.ndarray:
        # c_1 = 1 - G, c_2 = G
        piece = np.array([[1.0, -1.0], [0.0, 1.0]])
        return np.ascontiguousarray(np.stack([piece, piece]))


class _Muinonen(PhaseFunction):
    """Models on the three spline basis functions of Muinonen et al. (2010)."""

    _basis_kind = _BASIS_SPLINE

    def __init__(self, phi3_slope: str | float = "sbpy") -> None:
        super().__init__()
        if isinstance(phi3_slope, str):
            if phi3_slope not in PHI3_START_SLOPES:
                raise ValueError(
                    f"unknown phi3_slope {phi3_slope!r}; use one of {sorted(PHI3_START_SLOPES)} "
                    "or a number (per radian)"
                )
            slope = PHI3_START_SLOPES[phi3_slope]
        else:
            slope = float(phi3_slope)
        self.phi3_slope = phi3_slope
        nodes = [
            (np.deg2rad(_PHI1_NODES[0]), _PHI1_NODES[1], _PHI1_NODES[2]),
            (np.deg2rad(_PHI2_NODES[0]), _PHI2_NODES[1], _PHI2_NODES[2]),
            (np.deg2rad(_PHI3_NODES[0]), _PHI3_NODES[1], (slope, 0.0)),
        ]
        width = max(len(x) for x, _, _ in nodes)
        self._knots = np.full((3, width), np.inf)
        self._coef = np.zeros((3, width + 1, 4))
        for k, (x, y, slopes) in enumerate(nodes):
            self._knots[k, : len(x)] = x
            self._coef[k, : len(x) + 1] = spline_table(x, np.asarray(y), slopes)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(phi3_slope={self.phi3_slope!r})"

    @staticmethod
    def _from_g1g2(g1: tuple[float, float], g2: tuple[float, float]) -> np.ndarray:
        """Coefficient rows for ``G1 = g1[0] + g1[1] x`` and ``G2 = g2[0] + g2[1] x``."""
        return np.array(
            [
                [g1[0], g1[1]],
                [g2[0], g2[1]],
                [1.0 - g1[0] - g2[0], -g1[1] - g2[1]],
            ]
        )


class HG1G2(_Muinonen):
    """The H, G1, G2 system of Muinonen et al. (2010).

    Parameters
    ----------
    phi3_slope : {"sbpy", "penttila2016"} or float, optional
        Start slope of the phi3 spline: sbpy's -1.0630097 per radian (default) or the
        -0.10630097 that reproduces Penttilä et al. (2016) Table B.4.

    Examples
    --------
    >>> HG1G2().evaluate([0, 10] * u.deg, 7.063, 0.62, 0.14).round(4)
    <Quantity [7.063 , 7.6891] mag>
    """

    name = "HG1G2"
    param_names = ("H", "G1", "G2")
    param_units = (u.mag, u.dimensionless_unscaled, u.dimensionless_unscaled)
    defaults = (8.0, 0.2, 0.2)
    bounds = ((-np.inf, np.inf), (0.0, 1.0), (0.0, 1.0))
    sbpy_name = "HG1G2"

    @property
    def mix(self) -> np.ndarray:
        # c_1 = G1, c_2 = G2, c_3 = 1 - G1 - G2
        piece = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, -1.0, -1.0]])
        return np.ascontiguousarray(np.stack([piece, piece]))

    def linear_constraints(self) -> tuple[np.ndarray, np.ndarray]:
        """``G1 + G2 <= 1``, which sbpy imposes on its fits too.

        Examples
        --------
        >>> HG1G2().linear_constraints()
        (array([[0., 1., 1.]]), array([1.]))
        """
        return np.array([[0.0, 1.0, 1.0]]), np.array([1.0])


class _G12System(_Muinonen):
    """A Muinonen model whose G1 and G2 follow from one shape parameter, G12."""

    param_names = ("H", "G12")
    param_units = (u.mag, u.dimensionless_unscaled)
    defaults = (8.0, 0.3)


class HG12(_G12System):
    """The two-parameter H, G12 system of Muinonen et al. (2010), as adopted by the IAU.

    ``G1`` and ``G2`` are piecewise linear in ``G12`` with a break at 0.2.

    Parameters
    ----------
    phi3_slope : {"sbpy", "penttila2016"} or float, optional
        See `HG1G2`.

    Examples
    --------
    >>> HG12().evaluate(10 * u.deg, 7.121, 0.68).round(4)
    <Quantity 7.6907 mag>
    """

    name = "HG12"
    bounds = ((-np.inf, np.inf), (-0.0818919, 0.909714))
    sbpy_name = "HG12"
    _break = 0.2

    @property
    def mix(self) -> np.ndarray:
        low = self._from_g1g2((0.06164, 0.7527), (0.6270, -0.9612))
        high = self._from_g1g2((0.02162, 0.9529), (0.5572, -0.6125))
        return np.ascontiguousarray(np.stack([low, high]))


class HG12PEN16(_G12System):
    """The revised H, G12* system of Penttilä et al. (2016) (sbpy's ``HG12_Pen16``).

    Parameters
    ----------
    phi3_slope : {"sbpy", "penttila2016"} or float, optional
        See `HG1G2`.

    Examples
    --------
    >>> HG12PEN16().evaluate(10 * u.deg, 7.121, 0.68).round(4)
    <Quantity 7.7513 mag>
    """

    name = "HG12PEN16"
    bounds = ((-np.inf, np.inf), (0.0, 1.0))
    sbpy_name = "HG12_Pen16"

    @property
    def mix(self) -> np.ndarray:
        piece = self._from_g1g2((0.0, 0.84293649), (0.53513350, -0.53513350))
        return np.ascontiguousarray(np.stack([piece, piece]))


class Linear(PhaseFunction):
    """The linear phase function ``H + S alpha`` with the slope S in mag/deg.

    Examples
    --------
    >>> Linear().evaluate([0, 10] * u.deg, 5.0, 0.04)
    <Quantity [5. , 5.4] mag>
    """

    name = "LINEAR"
    param_names = ("H", "S")
    param_units = (u.mag, u.mag / u.deg)
    defaults = (8.0, 0.04)
    bounds = ((-np.inf, np.inf), (-np.inf, np.inf))
    sbpy_name = "LinearPhaseFunc"
    _basis_kind = _BASIS_IDENTITY
    _log_flux = False

    @property
    def mix(self) -> np.ndarray:
        piece = np.array([[0.0, 1.0]])
        return np.ascontiguousarray(np.stack([piece, piece]))


#: Model classes by name (the names the command line accepts).
MODELS: dict[str, type[PhaseFunction]] = {
    cls.name: cls for cls in (HG, HG12, HG12PEN16, HG1G2, Linear)
}


def get_model(model: str | PhaseFunction, **options) -> PhaseFunction:
    """Return a model instance from a name (case-insensitive) or pass one through.

    Parameters
    ----------
    model : str or PhaseFunction
        One of ``HG``, ``HG12``, ``HG12PEN16``, ``HG1G2``, ``LINEAR`` (``HG12_Pen16``
        is accepted too), or a model instance.
    **options
        Options of the model class, e.g. ``phi3_slope="penttila2016"``.

    Examples
    --------
    >>> get_model("hg1g2", phi3_slope="penttila2016")
    HG1G2(phi3_slope='penttila2016')
    """
    if isinstance(model, PhaseFunction):
        if options:
            raise TypeError("options apply only when the model is given by name")
        return model
    key = str(model).upper().replace("_", "")
    if key == "SHG1G2":
        raise ValueError(
            "sHG1G2 needs the direction of the target at each point: fit it with "
            "sbpy_phasefit.fit_shg1g2(..., ra=, dec=) (sbpy_phasefit.spin)"
        )
    if key not in MODELS:
        raise ValueError(f"unknown model {model!r}; choose one of {', '.join(MODELS)}")
    return MODELS[key](**options)
