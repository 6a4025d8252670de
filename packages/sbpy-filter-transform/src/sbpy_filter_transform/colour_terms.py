"""Colour-term equations: m_to - m_from as a polynomial in a colour, over a spectrum family.

Surveys publish transformations such as m_to - m_from = c_0 + c_1 (g - r) + c_2 (g - r)^2
(e.g. Tonry et al. 2012 for PS1, Tonry et al. 2018 for ATLAS). `fit_colour_terms` fits the
same form to synthetic photometry of a family of spectra, so the result can be compared
with the published coefficients, and reports the residual RMS of the fit. Published
relations are fitted to stars: compare them with a fit to a stellar-like family (e.g.
blackbodies), not with the default asteroid-like one (the Sun times slopes), from which
they differ by up to a few hundredths of a magnitude at the same colour.

Examples
--------
>>> from sbpy_filter_transform.colour_terms import fit_colour_terms
>>> fit = fit_colour_terms("ATLAS o", "LSST r", ("LSST g", "LSST r"))
>>> fit.coefficients.round(3)
array([-0.187,  0.652, -0.237])
>>> bool(fit.rms < 0.001)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .engine import Engine
from .systems import magnitude_system

__all__ = ["ColourTerms", "fit_colour_terms"]


@dataclass(frozen=True)
class ColourTerms:
    """A fitted colour-term equation m_to - m_from = sum_k c_k colour^k.

    Attributes
    ----------
    from_band, to_band : str
        Band names.
    colour : tuple of str
        The two bands whose difference is the colour.
    coefficients : numpy.ndarray
        c_0, c_1, ... (mag per mag^k).
    rms, max_residual : float
        Residual RMS and largest absolute residual of the fit (mag).
    colour_range : tuple of float
        Range of colours spanned by the family (extrapolation is not advised).
    family : str
        Description of the spectra used.
    system : str
        Magnitude system.
    """

    from_band: str
    to_band: str
    colour: tuple[str, str]
    coefficients: np.ndarray = field(repr=False)
    rms: float
    max_residual: float
    colour_range: tuple[float, float]
    family: str
    system: str

    def __call__(self, colour) -> np.ndarray:
        """Return m_to - m_from at the given colour(s).

        Examples
        --------
        >>> fit = fit_colour_terms("ATLAS o", "LSST r", ("LSST g", "LSST r"))
        >>> fit([0.5]).round(3)
        array([0.08])
        """
        return np.polynomial.polynomial.polyval(np.asarray(colour, dtype=float), self.coefficients)


def fit_colour_terms(
    from_band,
    to_band,
    colour: Sequence,
    spectra=None,
    *,
    degree: int = 2,
    system="AB",
) -> ColourTerms:
    """Fit m_to - m_from as a polynomial in the colour ``colour[0] - colour[1]``.

    Parameters
    ----------
    from_band, to_band
        Anything `~sbpy_filter_transform.bandpasses.get_bandpass` accepts.
    colour : pair of bands
        The colour is m(colour[0]) - m(colour[1]).
    spectra : array-like of float, or sequence of spectra, optional
        Slopes (%/100 nm) of the Sun times linear reflectances (default: -5 to 25 in
        steps of 0.5), or spectra that `~sbpy_filter_transform.spectra.get_spectrum`
        accepts.
    degree : int
        Polynomial degree (at least 1; fewer than the number of spectra).
    system : str or unit
        Magnitude system of all four bands.

    Returns
    -------
    ColourTerms

    Examples
    --------
    >>> from sbpy_filter_transform.spectra import busdemeo_sun
    >>> classes = [busdemeo_sun(c) for c in ("S", "C", "X", "D", "V", "Q")]
    >>> fit = fit_colour_terms("ATLAS o", "LSST r", ("ATLAS o", "LSST i"), classes, degree=1)
    >>> fit.family
    '6 spectra'

    A stellar-like family, for comparison with relations published for stars:

    >>> import numpy as np
    >>> stars = [f"blackbody:{t:.0f}" for t in np.geomspace(3500, 12000, 25)]
    >>> fit = fit_colour_terms("PS1 r", "ATLAS o", ("PS1 r", "PS1 i"), stars)
    >>> fit.coefficients[1:].round(2), bool(fit.rms < 1e-4)
    (array([-0.46, -0.09]), True)
    """
    system = magnitude_system(system)
    if not isinstance(degree, int) or degree < 1:
        raise ValueError(f"degree must be an integer >= 1, got {degree!r}")
    if len(colour) != 2:
        raise ValueError("colour must be a pair of bands, e.g. ('LSST g', 'LSST r')")
    engine = Engine([from_band, to_band, *colour], system)
    if spectra is None:
        spectra = np.arange(-5.0, 25.01, 0.5)
    spectra = list(spectra)
    if spectra and all(isinstance(v, (int, float, np.number)) for v in spectra):
        slopes = np.asarray(spectra, dtype=float)
        mags = engine.slope_magnitudes(slopes)
        family = f"Sun x linear reflectance, slopes {slopes.min():g} to {slopes.max():g} %/100 nm"
    else:
        mags = engine.observe(list(spectra))
        family = f"{len(mags)} spectra"
    if len(mags) <= degree:
        raise ValueError(
            f"{len(mags)} spectra cannot constrain a degree-{degree} polynomial; give more "
            "spectra or lower the degree"
        )
    offsets = mags[:, 1] - mags[:, 0]
    colours = mags[:, 2] - mags[:, 3]
    coefficients = np.polynomial.polynomial.polyfit(colours, offsets, degree)
    residuals = offsets - np.polynomial.polynomial.polyval(colours, coefficients)
    return ColourTerms(
        from_band=engine.names[0],
        to_band=engine.names[1],
        colour=(engine.names[2], engine.names[3]),
        coefficients=coefficients,
        rms=float(np.sqrt(np.mean(residuals**2))),
        max_residual=float(np.abs(residuals).max()),
        colour_range=(float(colours.min()), float(colours.max())),
        family=family,
        system=system,
    )
