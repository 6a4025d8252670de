"""Reduced magnitudes: apparent magnitudes brought to 1 au from the Sun and the observer.

A phase function gives the magnitude an asteroid would have at 1 au from both the Sun
and the observer, seen at phase angle alpha. Survey photometry is apparent: at
heliocentric distance r and observer distance Delta the asteroid is fainter by
``5 log10(r Delta)`` (r and Delta in au), so the reduced magnitude is

    m_red = m - 5 log10(r Delta).

`reduced_magnitude` applies it; `sbpy_phasefit.fit_phase_curves` does with ``rh`` and
``delta`` given (``--rh-col`` and ``--delta-col`` on the command line).

Examples
--------
>>> import astropy.units as u
>>> round(float(reduced_magnitude(20.0 * u.mag, 2.0 * u.au, 1.0 * u.au)[0].value), 10)
18.4948500217
"""

from __future__ import annotations

import astropy.units as u
import numpy as np
from numpy.typing import ArrayLike

from ._input import as_float_array

__all__ = ["distance_problems", "reduced_magnitude"]


def reduced_magnitude(
    mag: ArrayLike | u.Quantity, rh: ArrayLike | u.Quantity, delta: ArrayLike | u.Quantity
) -> u.Quantity:
    """``mag - 5 log10(rh delta)``: apparent magnitudes reduced to 1 au.

    Parameters
    ----------
    mag : array_like or astropy.units.Quantity
        Apparent magnitudes (plain numbers or ``mag``), one or many.
    rh, delta : array_like or astropy.units.Quantity
        Heliocentric and observer distances (plain numbers are au), one per
        magnitude or one for all.

    Returns
    -------
    astropy.units.Quantity
        Reduced magnitudes (``mag``).

    Raises
    ------
    ValueError
        If a distance is not finite or not positive, or the lengths differ.
    astropy.units.UnitConversionError
        If a distance is not a length.

    Examples
    --------
    >>> reduced_magnitude([20.0, 21.0], [2.0, 2.0], [1.0, 1.0]).round(4)
    <Quantity [18.4949, 19.4949] mag>
    >>> reduced_magnitude([20.0], [2.0], [0.0])
    Traceback (most recent call last):
    ...
    ValueError: 1 observer distance(s) not finite or not positive (first at index 0)
    """
    mags = as_float_array(np.atleast_1d(mag), u.mag, "mag")
    r, d = (
        np.broadcast_to(as_float_array(np.atleast_1d(value), u.au, name), mags.shape)
        for value, name in ((rh, "rh"), (delta, "delta"))
    )
    _, reasons = distance_problems(r, d)
    if reasons:
        raise ValueError("; ".join(reasons))
    return (mags - 5.0 * np.log10(r * d)) * u.mag


def distance_problems(rh: np.ndarray, delta: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Mask of distances that are not finite or not positive, and what is wrong.

    Examples
    --------
    >>> bad, why = distance_problems(np.array([1.0, -1.0]), np.array([1.0, 1.0]))
    >>> bad.tolist(), why
    ([False, True], ['1 heliocentric distance(s) not finite or not positive (first at index 1)'])
    """
    mask = np.zeros(rh.shape, dtype=bool)
    reasons = []
    for values, what in ((rh, "heliocentric"), (delta, "observer")):
        bad = ~(np.isfinite(values) & (values > 0.0))
        if bad.any():
            reasons.append(
                f"{int(bad.sum())} {what} distance(s) not finite or not positive "
                f"(first at index {int(np.argmax(bad))})"
            )
            mask |= bad
    return mask, reasons
