"""A drop-in for `sbpy.calib.Sun` that reddens by many spectral slopes at once.

sbpy 0.6 answers "what colour does an asteroid with spectral slope S have in these two
filters?" with ``Sun.from_default().redden(S).color_index((bp1, bp2), unit)``: one
synphot observation per slope and band, and a fresh read of the solar spectrum file on
every ``from_default()``, about 50 ms per object in all. `Sun` here is a subclass of
sbpy's that

- keeps the default solar spectrum once read (`Sun.from_default`), for each setting
  of `sbpy.calib.solar_spectrum`;
- accepts an array of slopes in `Sun.redden` and returns `ReddenedSun`, whose
  ``observe``, ``observe_bandpass``, ``color_index`` and ``__call__`` return one value
  per slope.

The numbers are sbpy's to rounding, not an approximation: sbpy's reddening
(`sbpy.spectroscopy.sources.Reddening`) is the straight line through 1 at ``wave0`` and
``1 + S wave0`` at ``2 wave0``, and its sampling points do not depend on S, so every
integral synphot takes of the reddened spectrum (effective stimulus, binned flux,
effective wavelength) is ``I0 + d I1`` with ``d = S wave0``. `ReddenedSun` asks synphot
itself for ``I0`` (``d = 0``) and ``I0 + I1`` (``d = 1``) once per band and combines
them per slope. A scalar slope takes sbpy's own path.

Examples
--------
>>> import astropy.units as u
>>> from sbpy.photometry import bandpass
>>> from sbpy.spectroscopy import SpectralGradient
>>> from sbpy_filter_transform.calib import Sun
>>> S = SpectralGradient([0.0, 5.0, 10.0] * u.percent / (100 * u.nm), wave0=550 * u.nm)
>>> wave, color = (
...     Sun.from_default().redden(S).color_index((bandpass("SDSS g"), bandpass("SDSS r")), u.ABmag)
... )
>>> color.round(4)
<Magnitude [0.48  , 0.557 , 0.6343] mag>
"""

from __future__ import annotations

import astropy.units as u
import numpy as np
import synphot
from sbpy import units as sbu
from sbpy.calib import Sun as _SbpySun
from sbpy.calib import solar_spectrum
from sbpy.spectroscopy import SpectralGradient
from sbpy.spectroscopy.sources import Reddening
from synphot import units as syn_units
from synphot.utils import validate_totalflux

__all__ = ["ReddenedSun", "Sun"]

try:  # numpy >= 2
    from numpy import trapezoid as _trapezoid
except ImportError:  # pragma: no cover
    from numpy import trapz as _trapezoid

#: The default spectra read so far, by the name `solar_spectrum` was given.
_DEFAULTS: dict[str, Sun] = {}
#: The last spectrum `solar_spectrum` held as an object, and its wrapped copy.
_WRAPPED: list = [None, None]


class Sun(_SbpySun):
    """`sbpy.calib.Sun` with a kept default spectrum and array reddening.

    Examples
    --------
    >>> from sbpy_filter_transform.calib import Sun
    >>> Sun.from_default() is Sun.from_default()
    True
    """

    @classmethod
    def from_default(cls) -> Sun:
        """The solar spectrum `sbpy.calib.solar_spectrum` names, read once per name.

        Returns
        -------
        Sun
            The same object for as long as the setting holds the same spectrum.

        Examples
        --------
        >>> from sbpy.calib import solar_spectrum
        >>> from sbpy_filter_transform.calib import Sun
        >>> with solar_spectrum.set("E490_2014LR"):
        ...     print(Sun.from_default().description)
        E490-00a (2014) low resolution reference solar spectrum (Table 4)
        """
        value = solar_spectrum._value  # the setting itself, before sbpy reads a file
        if isinstance(value, str):
            if value not in _DEFAULTS:
                _DEFAULTS[value] = cls._wrap(solar_spectrum.get())
            return _DEFAULTS[value]
        if _WRAPPED[0] is not value:  # set() keeps the spectrum it read as an object
            _WRAPPED[:] = [value, cls._wrap(solar_spectrum.get())]
        return _WRAPPED[1]

    @classmethod
    def _wrap(cls, sun: _SbpySun) -> Sun:
        return cls(sun.source, description=sun.description, bibcode=sun._bibcode)

    def redden(self, S):
        """The Sun reddened by one spectral slope (sbpy's path) or by many (`ReddenedSun`).

        Parameters
        ----------
        S : sbpy.spectroscopy.SpectralGradient
            Slope(s) with their normalisation wavelength ``wave0``.

        Returns
        -------
        sbpy.calib.Sun or ReddenedSun
            For a scalar ``S``, sbpy's reddened copy; for an array, a `ReddenedSun`.

        Examples
        --------
        >>> import astropy.units as u
        >>> from sbpy.spectroscopy import SpectralGradient
        >>> from sbpy_filter_transform.calib import Sun
        >>> S = SpectralGradient([0, 10] * u.percent / (100 * u.nm), wave0=0.55 * u.um)
        >>> Sun.from_default().redden(S)
        <ReddenedSun: 2 slopes at 0.55 um>
        """
        if np.ndim(S) == 0:
            return super().redden(S)
        return ReddenedSun(self, S)


class ReddenedSun:
    """The Sun reddened by an array of spectral slopes, observed all at once.

    Every method has the name, arguments and meaning of the `sbpy.calib.Sun` method
    of sbpy's scalar path and returns one value per slope, along the last axis.

    Parameters
    ----------
    sun : sbpy.calib.Sun
        The unreddened spectrum.
    S : sbpy.spectroscopy.SpectralGradient
        The slopes, one dimensional, with one ``wave0``.

    Examples
    --------
    >>> import astropy.units as u
    >>> from sbpy.spectroscopy import SpectralGradient
    >>> from sbpy_filter_transform.calib import ReddenedSun, Sun
    >>> S = SpectralGradient([0, 10] * u.percent / (100 * u.nm), wave0=550 * u.nm)
    >>> ReddenedSun(Sun.from_default(), S)(0.7 * u.um).round(1)
    <Quantity [1405.5, 1616.3] W / (um m2)>
    """

    def __init__(self, sun: _SbpySun, S) -> None:
        wave0 = getattr(S, "wave0", None)
        if wave0 is None:
            raise ValueError("the slopes need a normalisation wavelength (S.wave0)")
        if np.ndim(S) != 1 or np.size(S) == 0:
            raise ValueError(f"give the slopes as a non-empty 1-d array, got shape {np.shape(S)}")
        try:
            d = u.Quantity(wave0 * S).to_value(u.dimensionless_unscaled)
        except u.UnitConversionError:
            raise u.UnitConversionError(
                f"spectral slopes must be per unit length, e.g. %/(100 nm); got {S.unit}"
            ) from None
        if not np.all(np.isfinite(d)):
            raise ValueError("the slopes contain NaN or infinite values")
        self.sun = sun
        self.S = S
        self.wave0 = wave0
        self._d = d
        self._ends = [sun.source * Reddening(_slope(step, wave0)) for step in (0.0, 1.0)]

    def __repr__(self) -> str:
        return f"<ReddenedSun: {self._d.size} slopes at {self.wave0}>"

    def _combine(self, ends) -> np.ndarray:
        """``I0 + d (I1 - I0)`` for each slope, from the values at ``d = 0`` and 1."""
        start, end = (np.asarray(v, dtype=float) for v in ends)
        return start[..., None] + self._d * (end - start)[..., None]

    def __call__(self, wave_or_freq: u.Quantity, unit=None) -> u.Quantity:
        """Flux density at one wavelength or frequency, per slope.

        Parameters
        ----------
        wave_or_freq : astropy.units.Quantity
            A single wavelength or frequency.
        unit : str or astropy.units.Unit, optional
            Output unit (default as sbpy: W/(m2 um) for wavelengths, Jy for frequencies).

        Returns
        -------
        astropy.units.Quantity
            One flux density per slope.

        Examples
        --------
        >>> import astropy.units as u
        >>> from sbpy.spectroscopy import SpectralGradient
        >>> from sbpy_filter_transform.calib import Sun
        >>> S = SpectralGradient([0, 10] * u.percent / (100 * u.nm), wave0=550 * u.nm)
        >>> Sun.from_default().redden(S)(550 * u.nm, unit=u.ABmag).round(4)
        <Magnitude [-26.7943, -26.7943] mag(AB)>
        """
        if np.ndim(wave_or_freq) != 0:
            raise ValueError("give one wavelength or frequency at a time")
        if unit is not None:
            unit = u.Unit(unit)
        elif wave_or_freq.unit.is_equivalent(u.m):
            unit = u.Unit("W/(m2 um)")
        else:
            unit = u.Jy
        wave = wave_or_freq.to(u.AA, u.spectral())
        photlam = self._combine([end(wave).to_value(syn_units.PHOTLAM) for end in self._ends])
        flux = u.Quantity(photlam, syn_units.PHOTLAM)
        if unit.is_equivalent(sbu.VEGA):
            flam = syn_units.convert_flux(wave, flux, "W/(m2 um)")
            return flam.to(unit, sbu.spectral_density_vega(wave_or_freq))
        return syn_units.convert_flux(wave, flux, unit)

    def observe_bandpass(self, bp, unit=None, **kwargs):
        """Effective wavelengths and flux densities through bandpass(es), per slope.

        As in sbpy, a list of bandpasses returns the effective wavelength of the last.

        Parameters
        ----------
        bp : synphot.SpectralElement, list or tuple
            Bandpass(es).
        unit : str or astropy.units.Unit, optional
            Output unit; default W/(m2 um).
        **kwargs
            Passed to `synphot.Observation`, e.g. ``force``.

        Returns
        -------
        lambda_eff : astropy.units.Quantity
            Effective wavelength per slope.
        fluxd : astropy.units.Quantity
            ``(n_slopes,)`` for one bandpass, ``(n_bands, n_slopes)`` for a list.

        Examples
        --------
        >>> import astropy.units as u
        >>> from sbpy.photometry import bandpass
        >>> from sbpy.spectroscopy import SpectralGradient
        >>> from sbpy_filter_transform.calib import Sun
        >>> S = SpectralGradient([0, 10] * u.percent / (100 * u.nm), wave0=550 * u.nm)
        >>> wave, fluxd = Sun.from_default().redden(S).observe_bandpass(bandpass("SDSS r"))
        >>> wave.to(u.nm).round(2)
        <Quantity [618.17, 619.26] nm>
        """
        single = isinstance(bp, (synphot.SpectralElement, str))
        bands = [bp] if single else list(bp)
        unit = u.Unit("W/(m2 um)") if unit is None else u.Unit(unit)
        fluxes = []
        for band in bands:
            lambda_eff, flam, pivot = self._observe_one(band, **kwargs)
            if unit.is_equivalent(sbu.VEGAmag):
                fluxes.append(flam.to(unit, sbu.spectral_density_vega(band)))
            else:
                fluxes.append(flam.to(unit, u.spectral_density(pivot)))
        if single:
            return lambda_eff, fluxes[0]
        # One array of the bands' quantities (astropy's Quantity() refuses magnitudes).
        return lambda_eff, type(fluxes[0])(np.stack([f.value for f in fluxes]), fluxes[0].unit)

    def _observe_one(self, band, **kwargs):
        """sbpy's effective wavelength, effective stimulus (FLAM) and pivot for one band."""
        observations = [synphot.Observation(end, band, **kwargs) for end in self._ends]
        # The effective stimulus: |trapz(lambda F_lambda)| / trapz(lambda T), as synphot.
        wave = observations[0].waveset.to_value(u.AA)
        stimulus = self._combine(
            [
                _trapezoid(
                    wave * syn_units.convert_flux(wave, obs(wave), syn_units.FLAM).value, x=wave
                )
                for obs in observations
            ]
        )
        band_wave = observations[0].bandpass.waveset.to_value(u.AA)
        norm = abs(_trapezoid(band_wave * observations[0].bandpass(band_wave).value, x=band_wave))
        num = np.abs(stimulus)
        validate_totalflux(norm)
        bad = ~(num > 0) | ~np.isfinite(num)
        if bad.any():
            raise ValueError(
                f"the reddened Sun has no positive flux through {_band_name(band)} for "
                f"{bad.sum()} of {num.size} slopes (first: {self.S[bad][0]:.4g})"
            )
        flam = u.Quantity(num / norm, syn_units.FLAM)
        # The effective wavelength on the binned flux, as Observation.effective_wavelength.
        binset = observations[0].binset.to_value(u.AA)
        binned = [obs.sample_binned(flux_unit=syn_units.FLAM).value for obs in observations]
        moments = [
            self._combine([_trapezoid(y * binset**power, x=binset) for y in binned])
            for power in (2, 1)
        ]
        with np.errstate(divide="ignore", invalid="ignore"):
            lambda_eff = np.where(moments[1] == 0.0, 0.0, np.abs(moments[0] / moments[1]))
        return u.Quantity(lambda_eff, u.AA), flam, observations[0].bandpass.pivot()

    def observe(self, wfb, unit=None, interpolate=False, **kwargs):
        """Flux densities through bandpass(es) or at one wavelength, per slope.

        Parameters
        ----------
        wfb : synphot.SpectralElement, list, tuple or astropy.units.Quantity
            Bandpass(es), or one wavelength or frequency with ``interpolate=True``.
        unit : str or astropy.units.Unit, optional
            Output unit.
        interpolate : bool, optional
            For a wavelength: evaluate the spectrum there (sbpy's ``interpolate=True``).
            Rebinning onto a wavelength grid is sbpy's per-slope path and not offered.
        **kwargs
            Passed to `synphot.Observation`.

        Returns
        -------
        astropy.units.Quantity
            Flux densities, one per slope along the last axis.

        Examples
        --------
        >>> import astropy.units as u
        >>> from sbpy.photometry import bandpass
        >>> from sbpy.spectroscopy import SpectralGradient
        >>> from sbpy_filter_transform.calib import Sun
        >>> S = SpectralGradient([0, 10] * u.percent / (100 * u.nm), wave0=550 * u.nm)
        >>> Sun.from_default().redden(S).observe(bandpass("SDSS r"), unit=u.ABmag).round(4)
        <Magnitude [-26.9289, -27.0005] mag(AB)>
        """
        if isinstance(wfb, (list, tuple, synphot.SpectralElement)):
            return self.observe_bandpass(wfb, unit=unit, **kwargs)[1]
        if isinstance(wfb, u.Quantity):
            if interpolate:
                return self(wfb, unit=unit)
            raise ValueError(
                "rebinning many reddened spectra onto a wavelength grid is not offered; "
                "use interpolate=True, or sbpy's Sun.redden(S) one slope at a time"
            )
        raise TypeError(f"Unsupported type for `wfb` type: {type(wfb)}")

    def color_index(self, wfb, unit):
        """Colour index ``m_0 - m_1`` and effective wavelengths, per slope.

        Parameters
        ----------
        wfb : tuple
            Two wavelengths, frequencies or bandpasses.
        unit : str or astropy.units.MagUnit
            Magnitude unit, e.g. ``astropy.units.ABmag`` or ``sbpy.units.VEGAmag``.

        Returns
        -------
        eff_wave : astropy.units.Quantity
            ``(2, n_slopes)`` for bandpasses; ``(2,)`` for wavelengths, as given.
        ci : astropy.units.Quantity
            One colour index per slope.

        Examples
        --------
        >>> import astropy.units as u
        >>> from sbpy.spectroscopy import SpectralGradient
        >>> from sbpy_filter_transform.calib import Sun
        >>> S = SpectralGradient([0, 10] * u.percent / (100 * u.nm), wave0=550 * u.nm)
        >>> Sun.from_default().redden(S).color_index([0.5, 0.6] * u.um, u.ABmag)[1].round(4)
        <Magnitude [0.3051, 0.4138] mag>
        """
        eff_wave, mags = [], []
        for item in wfb[:2]:
            if isinstance(item, u.Quantity):
                wave = item.to(u.um, u.spectral()) if item.unit.is_equivalent(u.Hz) else item
                eff_wave.append(wave)
                mags.append(self(wave, unit=unit))
            elif isinstance(item, (list, tuple, synphot.SpectralElement)):
                wave, mag = self.observe_bandpass(item, unit=unit)
                eff_wave.append(wave)
                mags.append(mag)
            else:
                raise TypeError(f"Unsupported type for `wfb` type: {type(item)}")
        return u.Quantity(eff_wave), mags[0] - mags[1]


def _band_name(band) -> str:
    """A bandpass's name for a message: its meta ``expr`` or ``name``, else its type."""
    meta = getattr(band, "meta", None) or {}
    return str(meta.get("expr") or meta.get("name") or type(band).__name__)


def _slope(d: float, wave0: u.Quantity):
    """The slope whose reddening is ``1 + d`` at ``2 wave0``."""
    return SpectralGradient(d / wave0, wave0=wave0)
