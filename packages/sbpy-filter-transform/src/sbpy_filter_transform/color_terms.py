"""Color-term equations: m_to - m_from as a polynomial in a color, over a spectrum family.

Surveys publish transformations such as m_to - m_from = c_0 + c_1 (g - r) + c_2 (g - r)^2
(e.g. Tonry et al. 2012 for PS1, Tonry et al. 2018 for ATLAS). `fit_color_terms` fits the
same form to synthetic photometry of a family of spectra, so the result can be compared
with the published coefficients, and reports the residual RMS of the fit. Published
relations are fitted to stars: compare them with a fit to a stellar-like family (e.g.
blackbodies), not with the default asteroid-like one (the Sun times slopes), from which
they differ by up to a few hundredths of a magnitude at the same color.

Examples
--------
>>> from sbpy_filter_transform.color_terms import fit_color_terms
>>> fit = fit_color_terms("ATLAS o", "LSST r", ("LSST g", "LSST r"))
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

__all__ = ["ColorTerms", "fit_color_terms"]


@dataclass(frozen=True)
class ColorTerms:
    """A fitted color-term equation m_to - m_from = sum_k c_k color^k.

    Attributes
    ----------
    from_band, to_band : str
        Band names.
    color : tuple of str
        The two bands whose difference is the color.
    coefficients : numpy.ndarray
        c_0, c_1, ... (mag per mag^k).
    rms, max_residual : float
        Residual RMS and largest absolute residual of the fit (mag).
    color_range : tuple of float
        Range of colors spanned by the family (extrapolation is not advised).
    family : str
        Description of the spectra used.
    system : str
        Magnitude system.
    """

    from_band: str
    to_band: str
    color: tuple[str, str]
    coefficients: np.ndarray = field(repr=False)
    rms: float
    max_residual: float
    color_range: tuple[float, float]
    family: str
    system: str

    def __call__(self, color) -> np.ndarray:
        """Return m_to - m_from at the given color(s).

        Examples
        --------
        >>> fit = fit_color_terms("ATLAS o", "LSST r", ("LSST g", "LSST r"))
        >>> fit([0.5]).round(3)
        array([0.08])
        """
        return np.polynomial.polynomial.polyval(np.asarray(color, dtype=float), self.coefficients)


def fit_color_terms(
    from_band,
    to_band,
    color: Sequence,
    spectra=None,
    *,
    degree: int = 2,
    system="AB",
) -> ColorTerms:
    """Fit m_to - m_from as a polynomial in the color ``color[0] - color[1]``.

    Parameters
    ----------
    from_band, to_band
        Anything `~sbpy_filter_transform.bandpasses.get_bandpass` accepts.
    color : pair of bands
        The color is m(color[0]) - m(color[1]).
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
    ColorTerms

    Examples
    --------
    >>> from sbpy_filter_transform.spectra import busdemeo_sun
    >>> classes = [busdemeo_sun(c) for c in ("S", "C", "X", "D", "V", "Q")]
    >>> fit = fit_color_terms("ATLAS o", "LSST r", ("ATLAS o", "LSST i"), classes, degree=1)
    >>> fit.family
    '6 spectra'

    A stellar-like family, for comparison with relations published for stars:

    >>> import numpy as np
    >>> stars = [f"blackbody:{t:.0f}" for t in np.geomspace(3500, 12000, 25)]
    >>> fit = fit_color_terms("PS1 r", "ATLAS o", ("PS1 r", "PS1 i"), stars)
    >>> fit.coefficients[1:].round(2), bool(fit.rms < 1e-4)
    (array([-0.46, -0.09]), True)
    """
    system = magnitude_system(system)
    if not isinstance(degree, int) or degree < 1:
        raise ValueError(f"degree must be an integer >= 1, got {degree!r}")
    if len(color) != 2:
        raise ValueError("color must be a pair of bands, e.g. ('LSST g', 'LSST r')")
    engine = Engine([from_band, to_band, *color], system)
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
    colors = mags[:, 2] - mags[:, 3]
    coefficients = np.polynomial.polynomial.polyfit(colors, offsets, degree)
    residuals = offsets - np.polynomial.polynomial.polyval(colors, coefficients)
    return ColorTerms(
        from_band=engine.names[0],
        to_band=engine.names[1],
        color=(engine.names[2], engine.names[3]),
        coefficients=coefficients,
        rms=float(np.sqrt(np.mean(residuals**2))),
        max_residual=float(np.abs(residuals).max()),
        color_range=(float(colors.min()), float(colors.max())),
        family=family,
        system=system,
    )
