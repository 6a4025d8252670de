"""Magnitude systems (AB, ST, Vega, Johnson-Morgan) and the exact synphot photometry.

Vega is the CALSPEC ``alpha_lyr_stis_011`` spectrum bundled with this package (the file
synphot would download). ``"Vega"`` magnitudes use sbpy's `~sbpy.units.VEGAmag` (Vega = 0
in every band); ``"JM"`` magnitudes use sbpy's `~sbpy.units.JMmag` (Johnson-Morgan,
Vega = 0.03 mag in every band).

Examples
--------
>>> from sbpy_filter_transform.systems import synthetic_magnitude
>>> m = synthetic_magnitude("sun", "LSST r", "AB")
>>> round(float(m.value), 3), m.unit
(-26.929, Unit("mag(AB)"))
"""

from __future__ import annotations

import warnings
from functools import lru_cache

import synphot
from astropy import units as u
from sbpy.units import JMmag, VEGAmag
from synphot.units import VEGAMAG

from ._data import data_path
from ._validate import unknown_name_error
from .bandpasses import get_bandpass
from .spectra import check_coverage, get_spectrum

__all__ = ["JM_VEGA", "SYSTEMS", "magnitude_system", "synthetic_magnitude", "system_unit", "vega"]

#: The magnitude systems, by canonical name.
SYSTEMS: tuple[str, ...] = ("AB", "ST", "Vega", "JM")
#: Magnitude of Vega in the Johnson-Morgan system (sbpy's JMmag convention).
JM_VEGA = 0.03
_UNITS = {"AB": u.ABmag, "ST": u.STmag, "Vega": VEGAmag, "JM": JMmag}


def magnitude_system(system) -> str:
    """Return the canonical name of a magnitude system.

    Parameters
    ----------
    system : str or astropy unit
        ``"AB"``, ``"ST"``, ``"Vega"`` or ``"JM"`` (case-insensitive), or one of the units
        `astropy.units.ABmag`, `astropy.units.STmag`, sbpy's ``VEGAmag`` and ``JMmag``,
        or synphot's ``VEGAMAG``.

    Returns
    -------
    str
        One of `SYSTEMS`.

    Examples
    --------
    >>> import astropy.units as u
    >>> magnitude_system(u.ABmag), magnitude_system("vega")
    ('AB', 'Vega')
    """
    if isinstance(system, str):
        lookup = {name.lower(): name for name in SYSTEMS} | {"vegamag": "Vega", "jmmag": "JM"}
        if system.lower() in lookup:
            return lookup[system.lower()]
        raise unknown_name_error("magnitude system", system, SYSTEMS)
    for name, unit in (*_UNITS.items(), ("Vega", VEGAMAG)):
        if system == unit:
            return name
    raise unknown_name_error("magnitude system", str(system), SYSTEMS)


def system_unit(system) -> u.UnitBase:
    """Return the astropy/sbpy magnitude unit of a system.

    Examples
    --------
    >>> system_unit("JM")
    Unit("mag(JM)")
    """
    return _UNITS[magnitude_system(system)]


@lru_cache(maxsize=1)
def _vega() -> synphot.SourceSpectrum:
    """Load the bundled CALSPEC Vega once."""
    sp = synphot.SourceSpectrum.from_file(str(data_path("alpha_lyr_stis_011.fits")))
    sp.meta["description"] = "Vega, CALSPEC alpha_lyr_stis_011 (Bohlin et al. 2020)"
    sp.meta["valid_range"] = sp.waveset[[0, -1]]
    return sp


def vega() -> synphot.SourceSpectrum:
    """Return the bundled CALSPEC Vega spectrum (``alpha_lyr_stis_011``).

    Examples
    --------
    >>> vega().meta["description"]
    'Vega, CALSPEC alpha_lyr_stis_011 (Bohlin et al. 2020)'
    """
    base = _vega()
    result = synphot.SourceSpectrum(base.model)
    result.meta.update(base.meta)
    return result


def synthetic_magnitude(spectrum, band, system="AB") -> u.Quantity:
    """Return the synthetic magnitude of a spectrum in a band, computed by synphot.

    This is the exact reference path: ``synphot.Observation(spectrum, band).effstim``,
    after `~sbpy_filter_transform.spectra.check_coverage`.

    Parameters
    ----------
    spectrum : str or synphot.SourceSpectrum
        Anything `~sbpy_filter_transform.spectra.get_spectrum` accepts.
    band : str, path, or synphot.SpectralElement
        Anything `~sbpy_filter_transform.bandpasses.get_bandpass` accepts.
    system : str or unit
        Anything `magnitude_system` accepts.

    Returns
    -------
    Quantity
        In the system's unit (`system_unit`).

    Examples
    --------
    >>> round(float(synthetic_magnitude("sun", "Johnson V", "Vega").value), 3)
    -26.765
    """
    system = magnitude_system(system)
    sp, bp = get_spectrum(spectrum), get_bandpass(band)
    check_coverage(sp, bp)
    # Coverage is checked above against the data range. Beyond a source's waveset its model
    # (analytic, or Empirical1D held at its end values) is used as it is, and where a
    # linear reflectance turns negative (outside the valid range) synphot zeroes the
    # binned flux: both synphot warnings carry no news here.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Source spectrum will be evaluated outside")
        warnings.filterwarnings("ignore", r".*bin\(s\) contained negative flux")
        obs = synphot.Observation(sp, bp, force="extrap")
        if system in ("AB", "ST"):
            return obs.effstim(_UNITS[system])
        value = obs.effstim(VEGAMAG, vegaspec=_vega()).value
    return (value + (JM_VEGA if system == "JM" else 0.0)) * _UNITS[system]
