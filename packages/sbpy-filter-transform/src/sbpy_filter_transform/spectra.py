"""Assumed object spectra: the Sun, the Sun times a reflectance, blackbodies, any synphot one.

Every function returns a `synphot.SourceSpectrum` whose ``meta`` has a human-readable
``description`` and the ``valid_range`` (a 2-element wavelength Quantity) over which the
spectrum is defined by data rather than by extension. `check_coverage` compares that range
with a bandpass before any synthetic photometry is done.

Conventions
-----------
* Spectral slopes follow sbpy (`sbpy.spectroscopy.SpectralGradient` and
  `sbpy.spectroscopy.Reddening`): the reflectance is :math:`1 + S(\\lambda - \\lambda_0)`
  with :math:`S` in %/100 nm, normalized to 1 at ``wave0`` (default 550 nm, the
  normalization wavelength of the Bus-DeMeo means).
* A bandpass is *covered* when the spectrum's ``valid_range`` contains every wavelength at
  which the bandpass throughput reaches `COVERAGE_THRESHOLD` times its peak. Beyond its
  tabulated range, a reflectance is held at its end values, which matters only in those
  sub-threshold tails.

Examples
--------
>>> import astropy.units as u
>>> from sbpy_filter_transform.spectra import reddened_sun
>>> sp = reddened_sun(10 * u.percent / (100 * u.nm))
>>> sp.meta["description"]
'Sun (E490-00a (2014) reference solar spectrum (Table 3)) x linear reflectance, slope 10 %/100 nm, normalized at 550 nm'
"""

from __future__ import annotations

from functools import cache

import numpy as np
import synphot
from astropy import units as u
from sbpy.units import hundred_nm
from synphot.models import BlackBodyNorm1D, Empirical1D

from ._data import data_path
from ._validate import as_wavelength, finite_array, unknown_name_error

__all__ = [
    "BUSDEMEO_CLASSES",
    "COVERAGE_THRESHOLD",
    "EXTENSIONS",
    "SLOPE_UNIT",
    "SpectrumCoverageError",
    "bandpass_support",
    "blackbody",
    "busdemeo_sun",
    "check_coverage",
    "get_spectrum",
    "reddened_sun",
    "reflected_sun",
    "sun",
]

#: Unit of spectral slopes: percent per 100 nm (sbpy's convention).
SLOPE_UNIT = u.percent / hundred_nm
#: Fraction of its peak above which a bandpass must be covered by a spectrum.
COVERAGE_THRESHOLD = 1e-3
#: Documented ways to extend a reflectance blueward of its first tabulated wavelength.
#: ``"linear"`` continues the slope between the first two tabulated points down to
#: 300 nm; ``"constant"`` holds the first value down to 300 nm.
EXTENSIONS = ("linear", "constant")
_EXTENSION_LIMIT = 300 * u.nm
#: The Bus-DeMeo class names (DeMeo et al. 2009), in the order of the bundled file.
BUSDEMEO_CLASSES: tuple[str, ...] = (
    *("A", "B", "C", "Cb", "Cg", "Cgh", "Ch", "D", "K", "L", "O", "Q", "R"),
    *("S", "Sa", "Sq", "Sr", "Sv", "T", "V", "X", "Xc", "Xe", "Xk", "Xn"),
)
_SUNS = {"e490": "E490_2014", "calspec": "sun_reference_stis_002.fits"}


class SpectrumCoverageError(ValueError):
    """A spectrum does not cover a bandpass; choose another spectrum or an extension."""


def _with_meta(sp: synphot.SourceSpectrum, description: str, valid_range, **extra):
    """Attach ``description``, ``valid_range`` and ``extra`` to ``sp.meta`` and return it."""
    sp.meta.update(description=description, valid_range=u.Quantity(valid_range).to(u.AA))
    sp.meta.update(extra)
    return sp


@cache
def _load_sun(source: str) -> synphot.SourceSpectrum:
    """Load a solar spectrum once (see `sun`)."""
    if source == "e490":
        from sbpy.calib import Sun

        sbpy_sun = Sun.from_builtin(_SUNS[source])
        sp, description = sbpy_sun.source, sbpy_sun.description
    else:
        sp = synphot.SourceSpectrum.from_file(str(data_path(_SUNS[source])))
        description = "CALSPEC solar reference sun_reference_stis_002 (Bohlin et al. 2014)"
    return _with_meta(sp, description, sp.waveset[[0, -1]], sun=source)


def sun(source: str = "E490") -> synphot.SourceSpectrum:
    """Return the solar spectrum at 1 au.

    Parameters
    ----------
    source : {"E490", "calspec"}
        ``"E490"`` (default) is sbpy's default Sun, the E490-00a (2014) reference spectrum
        bundled with sbpy (0.12-1000 um). ``"calspec"`` is the CALSPEC solar reference
        ``sun_reference_stis_002`` (0.12-2.7 um) bundled with this package.

    Returns
    -------
    synphot.SourceSpectrum

    Examples
    --------
    >>> sun().meta["valid_range"].to("um").value.round(4).tolist()
    [0.1195, 1000.0]
    >>> sun("calspec").meta["sun"]
    'calspec'
    """
    key = source.lower()
    if key not in _SUNS:
        raise unknown_name_error("solar spectrum", source, ["E490", "calspec"])
    base = _load_sun(key)
    result = synphot.SourceSpectrum(base.model)
    result.meta.update(base.meta)
    return result


def _resolve_sun(solar) -> synphot.SourceSpectrum:
    """Return the solar spectrum named by ``solar`` or ``solar`` itself if a spectrum."""
    return solar if isinstance(solar, synphot.SourceSpectrum) else sun(solar)


def _slope_value(slope) -> float:
    """Return a spectral slope in %/100 nm as a float; plain numbers are taken as such."""
    if isinstance(slope, u.Quantity):
        try:
            slope = slope.to_value(SLOPE_UNIT)
        except u.UnitsError:
            raise u.UnitsError(
                f"slope has unit {slope.unit!s}; give it per wavelength, e.g. "
                "10 * u.percent / (100 * u.nm)"
            ) from None
    # Round off unit-conversion noise (e.g. 17.999999999999996) at 1e-12 %/100 nm.
    return round(float(finite_array(slope, "slope")[0]), 12)


def _reflectance(wave, values, *, valid_range, description, solar, **extra):
    """Return the Sun times a tabulated reflectance, held constant beyond its ends."""
    wave = wave.to_value(u.AA)
    edges = [min(1.0, wave[0] / 2), max(1e9, wave[-1] * 2)]
    points = np.concatenate([[edges[0]], wave, [edges[1]]])
    table = np.concatenate([[values[0]], values, [values[-1]]])
    refl = synphot.SpectralElement(Empirical1D, points=points * u.AA, lookup_table=table)
    solar = _resolve_sun(solar)
    low = max(valid_range[0], solar.meta["valid_range"][0])
    high = min(valid_range[1], solar.meta["valid_range"][1])
    sp = solar * refl
    return _with_meta(
        sp,
        f"Sun ({solar.meta['description']}) x {description}",
        u.Quantity([low, high]),
        **extra,
    )


def _extend(wave: u.Quantity, values: np.ndarray, extension: str | None, name: str):
    """Extend a tabulated reflectance blueward to 300 nm as `EXTENSIONS` documents."""
    if extension is None:
        return wave, values
    if extension not in EXTENSIONS:
        raise unknown_name_error("extension", str(extension), EXTENSIONS)
    limit = _EXTENSION_LIMIT.to(u.AA)
    if wave[0] <= limit:
        return wave, values
    if extension == "constant":
        first = values[0]
    else:
        slope = (values[1] - values[0]) / (wave[1] - wave[0]).value
        first = values[0] + slope * (limit - wave[0]).value
        if first <= 0:
            raise ValueError(
                f"the linear blue extension of {name} reaches {first:.3f} at 300 nm; a "
                "reflectance must stay positive: use extension='constant'"
            )
    return np.concatenate([[limit.value], wave.value]) * u.AA, np.concatenate([[first], values])


def reflected_sun(
    wave,
    reflectance,
    *,
    extension: str | None = None,
    solar="E490",
    name: str = "user reflectance",
) -> synphot.SourceSpectrum:
    """Return the Sun times a user reflectance spectrum.

    Parameters
    ----------
    wave : Quantity
        Strictly increasing wavelengths with a length unit.
    reflectance : array-like
        Relative reflectance at ``wave`` (positive, finite; the scale is irrelevant).
    extension : {None, "linear", "constant"}
        Blue extension down to 300 nm (see `EXTENSIONS`); recorded in ``meta``.
    solar : str or synphot.SourceSpectrum
        Solar spectrum name for `sun`, or a spectrum.
    name : str
        Short description of the reflectance for ``meta["description"]``.

    Returns
    -------
    synphot.SourceSpectrum
        With ``meta["valid_range"]`` the tabulated (or extended) range and
        ``meta["extension"]``.

    Examples
    --------
    >>> import astropy.units as u
    >>> sp = reflected_sun([400, 700, 1000] * u.nm, [0.9, 1.1, 1.2])
    >>> sp.meta["valid_range"].to(u.nm).value.round(3).tolist()
    [400.0, 1000.0]
    """
    wave = as_wavelength(wave, f"{name} wavelength")
    values = finite_array(reflectance, f"{name} values")
    if values.size != wave.size:
        raise ValueError(
            f"{name}: {wave.size} wavelengths but {values.size} reflectance values; give "
            "arrays of equal length"
        )
    if np.any(values <= 0):
        raise ValueError(f"{name} has zero or negative values; a reflectance must be > 0")
    wave, values = _extend(wave, values, extension, name)
    label = name if extension is None else f"{name} with {extension} blue extension to 300 nm"
    return _reflectance(
        wave,
        values,
        valid_range=wave[[0, -1]],
        description=label,
        solar=solar,
        extension=extension or "none",
    )


@cache
def _busdemeo_table() -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Read the bundled Bus-DeMeo means: wavelength (um) and the mean of every class."""
    data = np.loadtxt(data_path("busdemeo-meanspectra.csv"), comments="#")
    means = {name: data[:, 1 + 2 * i] for i, name in enumerate(BUSDEMEO_CLASSES)}
    return data[:, 0], means


def busdemeo_sun(
    taxonomic_class: str, *, extension: str | None = None, solar="E490"
) -> synphot.SourceSpectrum:
    """Return the Sun times a Bus-DeMeo class mean reflectance (DeMeo et al. 2009).

    The means are tabulated from 0.45 to 2.45 um, so LSST u and g are not covered
    unless an ``extension`` is chosen (see `EXTENSIONS`); the choice dominates u-band
    results and is recorded in ``meta["extension"]``.

    Parameters
    ----------
    taxonomic_class : str
        One of `BUSDEMEO_CLASSES` (case-insensitive).
    extension : {None, "linear", "constant"}
        Blue extension below 0.45 um.
    solar : str or synphot.SourceSpectrum
        Solar spectrum name for `sun`, or a spectrum.

    Returns
    -------
    synphot.SourceSpectrum

    Examples
    --------
    >>> sp = busdemeo_sun("S")
    >>> sp.meta["valid_range"].to("um").value.round(4).tolist()
    [0.45, 2.45]
    >>> busdemeo_sun("c", extension="linear").meta["extension"]
    'linear'
    """
    lookup = {c.lower(): c for c in BUSDEMEO_CLASSES}
    if taxonomic_class.lower() not in lookup:
        raise unknown_name_error("Bus-DeMeo class", taxonomic_class, BUSDEMEO_CLASSES)
    name = lookup[taxonomic_class.lower()]
    wave_um, means = _busdemeo_table()
    sp = reflected_sun(
        wave_um * u.um,
        means[name],
        extension=extension,
        solar=solar,
        name=f"Bus-DeMeo {name} mean (DeMeo et al. 2009)",
    )
    sp.meta["busdemeo_class"] = name
    return sp


def reddened_sun(slope, wave0=550 * u.nm, *, solar="E490") -> synphot.SourceSpectrum:
    """Return the Sun times a linear reflectance of spectral slope ``slope``.

    The reflectance is that of sbpy's `~sbpy.spectroscopy.Reddening`,
    :math:`1 + S(\\lambda - \\lambda_0)`; ``meta["valid_range"]`` stops where it reaches
    zero, so bands beyond raise `SpectrumCoverageError`.

    Parameters
    ----------
    slope : Quantity or float
        Spectral slope; plain numbers are in %/100 nm.
    wave0 : Quantity
        Normalization wavelength (default 550 nm).
    solar : str or synphot.SourceSpectrum
        Solar spectrum name for `sun`, or a spectrum.

    Returns
    -------
    synphot.SourceSpectrum
        ``meta`` has ``slope`` (%/100 nm) and ``wave0``.

    Examples
    --------
    >>> import astropy.units as u
    >>> sp = reddened_sun(18)
    >>> ratio = sp(650 * u.nm) / sun()(650 * u.nm) / (sp(550 * u.nm) / sun()(550 * u.nm))
    >>> round(float(ratio), 6)
    1.18
    """
    value = _slope_value(slope)
    wave0 = as_wavelength(u.Quantity([wave0, 2 * wave0]), "wave0")[0]
    solar = _resolve_sun(solar)
    # The same two-node, linearly extrapolated model as sbpy.spectroscopy.Reddening, but
    # keeping a negative second node: Reddening's default (keep_neg=False) zeroes it for
    # slopes below -100 %/wave0 (-18.2 %/100 nm at 550 nm), which would change the slope
    # everywhere. Where the line is negative lies outside meta["valid_range"].
    df = float((wave0 * value * SLOPE_UNIT).to_value(u.dimensionless_unscaled))
    reflectance = synphot.SpectralElement(
        Empirical1D,
        points=u.Quantity([wave0, 2 * wave0]),
        lookup_table=[1.0, 1.0 + df],
        fill_value=None,
        keep_neg=True,
    )
    sp = solar * reflectance
    description = (
        f"Sun ({solar.meta['description']}) x linear reflectance, slope {value:g} %/100 nm, "
        f"normalized at {wave0.to_value(u.nm):g} nm"
    )
    # The reflectance 1 + S (lambda - wave0) is positive only on one side of its zero.
    low, high = solar.meta["valid_range"]
    if value != 0:
        zero = wave0 - 1 / (value * SLOPE_UNIT)
        low, high = (max(low, zero), high) if value > 0 else (low, min(high, zero))
    return _with_meta(sp, description, u.Quantity([low, high]), slope=value, wave0=wave0.to(u.nm))


def blackbody(temperature) -> synphot.SourceSpectrum:
    """Return a blackbody spectrum of the given temperature (arbitrary scale).

    Parameters
    ----------
    temperature : Quantity or float
        Temperature; plain numbers are in kelvin.

    Returns
    -------
    synphot.SourceSpectrum

    Examples
    --------
    >>> blackbody(5800).meta["description"]
    'blackbody, T = 5800 K'
    """
    if isinstance(temperature, u.Quantity):
        temperature = temperature.to_value(u.K, equivalencies=u.temperature())
    value = float(finite_array(temperature, "temperature")[0])
    if value <= 0:
        raise ValueError(f"temperature must be > 0 K, got {value:g} K")
    sp = synphot.SourceSpectrum(BlackBodyNorm1D, temperature=value)
    return _with_meta(
        sp, f"blackbody, T = {value:g} K", [0, np.inf] * u.AA, temperature=value * u.K
    )


def get_spectrum(spec="sun") -> synphot.SourceSpectrum:
    """Return a spectrum from a short text description or a synphot spectrum.

    Parameters
    ----------
    spec : str or synphot.SourceSpectrum
        ``"sun"`` or ``"sun:calspec"``; ``"slope:S"`` (Sun times slope S in %/100 nm,
        at 550 nm); ``"busdemeo:CLASS"`` or ``"busdemeo:CLASS:linear"`` (or
        ``":constant"``, the blue extension); ``"blackbody:T"`` (T in K); or any
        `synphot.SourceSpectrum` (its ``meta["valid_range"]`` defaults to its waveset
        ends, or all wavelengths if it has none).

    Returns
    -------
    synphot.SourceSpectrum

    Examples
    --------
    >>> get_spectrum("slope:12").meta["slope"]
    12.0
    >>> get_spectrum("busdemeo:C:linear").meta["busdemeo_class"]
    'C'
    """
    if isinstance(spec, synphot.SourceSpectrum):
        if "valid_range" in spec.meta:
            return spec
        waveset = spec.waveset
        limits = [0, np.inf] * u.AA if waveset is None else waveset[[0, -1]]
        copy = synphot.SourceSpectrum(spec.model)  # leave the caller's meta untouched
        copy.meta.update(spec.meta)
        return _with_meta(copy, spec.meta.get("description", "user spectrum"), limits)
    if not isinstance(spec, str):
        raise TypeError(
            f"cannot make a spectrum from {type(spec).__name__}; give a text description "
            "such as 'sun' or 'slope:10', or a synphot.SourceSpectrum"
        )
    kind, _, rest = spec.strip().partition(":")
    kinds = ("sun", "slope", "busdemeo", "blackbody")
    try:
        if kind.lower() == "sun":
            return sun(rest or "E490")
        if kind.lower() == "slope" and rest:
            return reddened_sun(float(rest))
        if kind.lower() == "busdemeo" and rest:
            taxon, _, extension = rest.partition(":")
            return busdemeo_sun(taxon, extension=extension or None)
        if kind.lower() == "blackbody" and rest:
            return blackbody(float(rest))
    except ValueError as err:
        raise ValueError(f"bad spectrum {spec!r}: {err}") from None
    if kind.lower() in kinds:
        raise ValueError(f"spectrum {spec!r} needs a value after ':', e.g. 'slope:10'")
    raise unknown_name_error("spectrum kind", kind, kinds)


def bandpass_support(bandpass: synphot.SpectralElement) -> u.Quantity:
    """Return the wavelength range where ``bandpass`` reaches `COVERAGE_THRESHOLD` x peak.

    Parameters
    ----------
    bandpass : synphot.SpectralElement

    Returns
    -------
    Quantity
        First and last wavelength, in Angstrom.

    Examples
    --------
    >>> from sbpy_filter_transform.bandpasses import get_bandpass
    >>> bandpass_support(get_bandpass("LSST u")).to("nm").value.round(2).tolist()
    [324.5, 409.5]
    """
    wave = bandpass.waveset
    values = bandpass(wave).value
    above = wave[values >= COVERAGE_THRESHOLD * values.max()]
    return above[[0, -1]].to(u.AA)


def check_coverage(
    spectrum: synphot.SourceSpectrum,
    bandpass: synphot.SpectralElement,
    support: u.Quantity | None = None,
) -> None:
    """Raise `SpectrumCoverageError` if ``spectrum`` does not cover ``bandpass``.

    Parameters
    ----------
    spectrum : synphot.SourceSpectrum
        With ``meta["valid_range"]`` (as every function of this module sets).
    bandpass : synphot.SpectralElement
    support : Quantity, optional
        ``bandpass_support(bandpass)`` if already known (saves recomputing it).

    Examples
    --------
    >>> from sbpy_filter_transform.bandpasses import get_bandpass
    >>> check_coverage(busdemeo_sun("S"), get_bandpass("LSST r"))
    >>> check_coverage(busdemeo_sun("S"), get_bandpass("LSST u"))
    Traceback (most recent call last):
    ...
    sbpy_filter_transform.spectra.SpectrumCoverageError: spectrum ...
    """
    spectrum = get_spectrum(spectrum)
    low, high = spectrum.meta["valid_range"].to_value(u.AA)
    support = (bandpass_support(bandpass) if support is None else support).to_value(u.AA)
    if support[0] < low or support[1] > high:
        extension = ""
        if spectrum.meta.get("extension") == "none":
            extension = " or choose a blue extension (extension='linear' or 'constant')"
        raise SpectrumCoverageError(
            f"spectrum {spectrum.meta['description']!r} is defined from {low / 10:g} to "
            f"{high / 10:g} nm but bandpass {bandpass.meta.get('name', '')!r} transmits from "
            f"{support[0] / 10:g} to {support[1] / 10:g} nm; use a spectrum that covers "
            f"the bandpass{extension}"
        )
