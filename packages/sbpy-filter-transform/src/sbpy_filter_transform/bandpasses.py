"""Filter transmission curves (bandpasses) by name, file, arrays or synphot object.

Every bandpass is returned as a photon-counting `synphot.SpectralElement` whose ``meta``
records where it came from (``name``, ``source``, ``version``, ``counting``, ...).

Examples
--------
>>> from sbpy_filter_transform.bandpasses import get_bandpass, list_bandpasses
>>> "LSST r" in list_bandpasses()
True
>>> bp = get_bandpass("lsst r")
>>> bp.meta["name"], bp.meta["version"]
('LSST r', '1.9')
>>> round(float(bp.pivot().to_value("nm")), 1)
620.8
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import numpy as np
import synphot
from astropy import units as u
from astropy.table import QTable

from ._data import data_path
from ._validate import as_wavelength, finite_array, unknown_name_error

__all__ = ["LSST_BANDS", "get_bandpass", "list_bandpasses", "to_photon_counting"]

#: The six bundled LSST bands (lsst/throughputs 1.9 total system throughputs).
LSST_BANDS: tuple[str, ...] = tuple(f"LSST {b}" for b in "ugrizy")

#: Names that `sbpy.photometry.bandpass` knows, as sbpy documents them, with the way
#: their files count the signal. The WISE relative spectral responses are given per
#: unit energy ("Equal-Energy", Jarrett et al. 2011 file headers); all others per photon.
_SBPY_BANDS: dict[str, str] = {
    **{f"2MASS {b}": "photon" for b in ("J", "H", "Ks")},
    **{f"ATLAS {b}": "photon" for b in ("c", "o")},
    **{f"Cousins {b}": "photon" for b in ("R", "I")},
    **{f"Johnson {b}": "photon" for b in ("U", "B", "V")},
    **{f"PS1 {b}": "photon" for b in ("g", "r", "i", "w", "y", "z")},
    **{f"SDSS {b}": "photon" for b in "ugriz"},
    **{f"WFC3 {b}": "photon" for b in ("F438W", "F606W")},
    **{f"WISE W{b}": "energy" for b in "1234"},
}

#: The wavelength units a two-column text file may be stated in.
_TEXT_UNITS_HINT = "e.g. wave_unit='nm' (or 'um', 'Angstrom')"


def _normalize(name: str) -> str:
    """Case-, space-, underscore- and hyphen-insensitive key of a bandpass name."""
    return re.sub(r"[\s_\-]+", " ", name.strip()).lower()


def list_bandpasses() -> list[str]:
    """Return the names `get_bandpass` accepts: the bundled LSST bands, then sbpy's.

    Returns
    -------
    list of str
        Names as documented; matching is case-insensitive and treats spaces,
        underscores and hyphens alike.

    Examples
    --------
    >>> names = list_bandpasses()
    >>> names[:6]
    ['LSST u', 'LSST g', 'LSST r', 'LSST i', 'LSST z', 'LSST y']
    >>> "ATLAS o" in names and "PS1 w" in names
    True
    """
    return [*LSST_BANDS, *_SBPY_BANDS]


def to_photon_counting(bandpass: synphot.SpectralElement) -> synphot.SpectralElement:
    """Convert an energy-counting response to a photon-counting throughput.

    A detector with response :math:`R_E(\\lambda)` per unit energy has a response per photon
    proportional to :math:`R_E(\\lambda)/\\lambda`. The result is rescaled to the same peak
    as the input (the scale cancels in every magnitude system) and is tapered to zero at
    both ends.

    Parameters
    ----------
    bandpass : synphot.SpectralElement
        Energy-counting response.

    Returns
    -------
    synphot.SpectralElement
        Photon-counting throughput with ``meta["counting"] == "photon"`` and
        ``meta["converted_from"] == "energy"``.

    Examples
    --------
    >>> import astropy.units as u, synphot
    >>> from synphot.models import Empirical1D
    >>> flat = synphot.SpectralElement(
    ...     Empirical1D, points=[1000, 2000, 3000] * u.nm, lookup_table=[1.0, 1.0, 1.0]
    ... )
    >>> photon = to_photon_counting(flat)
    >>> round(float(photon(1000 * u.nm).value / photon(3000 * u.nm).value), 6)
    3.0
    """
    wave = bandpass.waveset
    values = bandpass(wave).value / wave.value
    values *= bandpass(wave).value.max() / values.max()
    result = synphot.SpectralElement(
        synphot.models.Empirical1D, points=wave, lookup_table=values, meta=dict(bandpass.meta)
    ).taper()
    result.meta.update(counting="photon", converted_from="energy")
    return result


def _copy(bp: synphot.SpectralElement) -> synphot.SpectralElement:
    """Return a new bandpass sharing the model of ``bp`` with a copy of its ``meta``."""
    result = synphot.SpectralElement(bp.model)
    result.meta.update(bp.meta)
    return result


def _finish(bp: synphot.SpectralElement, meta: dict, counting: str) -> synphot.SpectralElement:
    """Check a loaded bandpass, apply the counting convention, taper it and attach ``meta``."""
    if counting not in ("photon", "energy"):
        raise ValueError(f"counting must be 'photon' or 'energy', got {counting!r}")
    throughput = bp(bp.waveset).value
    finite_array(throughput, f"throughput of bandpass {meta.get('name', '')!r}".strip())
    if not np.any(throughput > 0):
        raise ValueError(
            f"bandpass {meta.get('name', '')!r} has no positive throughput; check the file "
            "or arrays (throughput must be a 0-1 transmission, not all zeros)"
        )
    if counting == "energy":
        bp = to_photon_counting(bp)
    elif not bp.model.is_tapered():
        bp = bp.taper()
        meta["tapered"] = True
    bp.meta.update(meta)
    bp.meta["counting"] = "photon"
    if counting == "energy":
        bp.meta["converted_from"] = "energy"
    return bp


@cache
def _named(key: str) -> synphot.SpectralElement:
    """Load a bundled or sbpy bandpass by normalized name (cached; copy before changing)."""
    lsst = {_normalize(n): n for n in LSST_BANDS}
    sbpy_names = {_normalize(n): n for n in _SBPY_BANDS}
    if key in lsst:
        name = lsst[key]
        table = QTable.read(data_path(f"lsst_{name[-1]}.ecsv"))
        meta = {k: v for k, v in table.meta.items() if k != "__serialized_columns__"}
        return _from_table(table, meta, meta["counting"])
    name = sbpy_names[key]
    from sbpy.photometry import bandpass as sbpy_bandpass

    meta = {
        "name": name,
        "source": "sbpy.photometry.bandpass (file bundled with sbpy)",
        "counting": _SBPY_BANDS[name],
    }
    return _finish(sbpy_bandpass(name), meta, _SBPY_BANDS[name])


def _from_arrays(wave, throughput, meta: dict, counting: str, wave_unit=None):
    """Build a bandpass from wavelength and throughput arrays after validating them."""
    name = meta.get("name", "bandpass")
    wave = as_wavelength(wave, f"wavelength of {name}", unit=wave_unit)
    if isinstance(throughput, u.Quantity):
        try:
            throughput = throughput.to_value(u.dimensionless_unscaled)
        except u.UnitsError:
            raise u.UnitsError(
                f"throughput of {name} has unit {throughput.unit!s}; it must be a "
                "dimensionless 0-1 transmission"
            ) from None
    values = finite_array(throughput, f"throughput of {name}")
    if values.size != wave.size:
        raise ValueError(
            f"{name}: {wave.size} wavelengths but {values.size} throughput values; give "
            "arrays of equal length"
        )
    if np.any(values < 0):
        raise ValueError(f"throughput of {name} has negative values; a transmission is >= 0")
    bp = synphot.SpectralElement(synphot.models.Empirical1D, points=wave, lookup_table=values)
    return _finish(bp, meta, counting)


def _from_table(table: QTable, meta: dict, counting: str, wave_unit=None):
    """Build a bandpass from the first two columns of a table (wavelength, throughput)."""
    if len(table.colnames) < 2:
        raise ValueError(
            f"{meta.get('name')}: table needs two columns (wavelength, throughput), "
            f"found {table.colnames}"
        )
    wave, throughput = table.columns[0], table.columns[1]
    if not isinstance(wave, u.Quantity) and getattr(wave, "unit", None) is not None:
        wave = u.Quantity(wave)
    return _from_arrays(wave, throughput, meta, counting, wave_unit=wave_unit)


def _from_file(path: Path, wave_unit, counting: str | None) -> synphot.SpectralElement:
    """Read an ECSV table with units, a FITS bandpass, or a two-column text file."""
    if not path.is_file():
        raise FileNotFoundError(f"bandpass file {str(path)!r} does not exist; check the path")
    meta = {"name": path.stem, "source": str(path)}
    suffix = path.suffix.lower()
    if suffix == ".ecsv":
        table = QTable.read(path, format="ascii.ecsv")
        meta.update({k: v for k, v in table.meta.items() if k != "__serialized_columns__"})
        counting = counting or meta.get("counting", "photon")
        if not isinstance(table.columns[0], u.Quantity) and wave_unit is None:
            raise u.UnitsError(
                f"{path.name}: the first (wavelength) column has no unit; give it one in "
                f"the ECSV header or pass wave_unit, {_TEXT_UNITS_HINT}"
            )
        return _from_table(table, meta, counting, wave_unit=wave_unit)
    counting = counting or "photon"
    if suffix in (".fits", ".fit"):
        return _finish(synphot.SpectralElement.from_file(str(path)), meta, counting)
    if wave_unit is None:
        raise u.UnitsError(
            f"{path.name} is a plain text file without units; state the wavelength unit, "
            f"{_TEXT_UNITS_HINT}"
        )
    try:
        data = np.loadtxt(path, comments="#", ndmin=2)
    except ValueError as err:
        raise ValueError(
            f"{path.name} is not a two-column numeric text file ({err}); use "
            "'wavelength throughput' rows with '#' comments, or ECSV"
        ) from None
    if data.shape[1] < 2:
        raise ValueError(f"{path.name} has one column; it needs wavelength and throughput")
    return _from_arrays(data[:, 0], data[:, 1], meta, counting, wave_unit=wave_unit)


def get_bandpass(
    spec,
    throughput=None,
    *,
    wave_unit: str | u.UnitBase | None = None,
    counting: str | None = None,
    name: str | None = None,
) -> synphot.SpectralElement:
    """Return a photon-counting bandpass from a name, file, arrays or synphot object.

    Parameters
    ----------
    spec : str, path-like, Quantity or synphot.SpectralElement
        One of

        * a name from `list_bandpasses` (case-insensitive, e.g. ``"LSST r"``,
          ``"atlas o"``, ``"PS1_w"``);
        * a file: ECSV with a wavelength unit in its header (its ``meta`` is kept; a
          ``counting: energy`` entry is honoured), a FITS bandpass that synphot reads,
          or two-column text (``wavelength throughput``, ``#`` comments) with
          ``wave_unit`` stated;
        * a wavelength Quantity array, with ``throughput`` given;
        * a `synphot.SpectralElement`, used as it is (tapered if needed).
    throughput : array-like, optional
        Dimensionless 0-1 transmission, only with a wavelength array ``spec``.
    wave_unit : str or astropy unit, optional
        Wavelength unit of a text file, or of a plain-number wavelength array.
    counting : {"photon", "energy"}, optional
        How the curve counts the signal. Energy-counting curves are converted with
        `to_photon_counting`. Default: photon, or what the ECSV metadata or the
        bundled registry says.
    name : str, optional
        Name recorded in ``meta["name"]`` (default: the name, file stem or "custom").

    Returns
    -------
    synphot.SpectralElement
        The bandpass; ``meta`` has at least ``name`` and ``counting`` (always
        ``"photon"``), and ``converted_from``/``tapered`` where that was done.

    Raises
    ------
    ValueError
        Unknown name (with the closest names suggested), NaN, negative or all-zero
        throughput, unsorted or duplicate wavelengths, arrays of different lengths.
    astropy.units.UnitsError
        Missing or non-length wavelength unit.
    FileNotFoundError
        A path that does not exist.

    Examples
    --------
    >>> import astropy.units as u
    >>> get_bandpass("LSST g").meta["airmass"]
    1.2
    >>> get_bandpass("WISE W1").meta["converted_from"]
    'energy'
    >>> box = get_bandpass([500, 501, 600, 601] * u.nm, [0, 1, 1, 0], name="box")
    >>> round(float(box.pivot().to_value(u.nm)), 1)
    548.3
    >>> get_bandpass("LSST rr")
    Traceback (most recent call last):
    ...
    ValueError: unknown bandpass 'LSST rr'. Did you mean 'LSST r'...
    """
    if isinstance(spec, synphot.SpectralElement):
        meta = {
            "source": "user object",
            **spec.meta,
            "name": name or spec.meta.get("name", "custom"),
        }
        return _finish(_copy(spec), meta, counting or "photon")
    if throughput is not None:
        meta = {"name": name or "custom", "source": "user arrays"}
        return _from_arrays(spec, throughput, meta, counting or "photon", wave_unit=wave_unit)
    if isinstance(spec, u.Quantity):
        raise ValueError("a wavelength array needs its throughput: get_bandpass(wave, throughput)")
    if isinstance(spec, str) and not Path(spec).suffix:
        key = _normalize(spec)
        known = {_normalize(n) for n in list_bandpasses()}
        if key not in known:
            raise unknown_name_error("bandpass", spec, list_bandpasses())
        if counting is not None or wave_unit is not None:
            raise ValueError(f"{spec!r} is a bundled name; counting and wave_unit apply to files")
        result = _copy(_named(key))
        if name:
            result.meta["name"] = name
        return result
    if isinstance(spec, (str, Path)):
        bp = _from_file(Path(spec), wave_unit, counting)
        if name:
            bp.meta["name"] = name
        return bp
    raise TypeError(
        f"cannot make a bandpass from {type(spec).__name__}; give a name, a file path, "
        "wavelength and throughput arrays, or a synphot.SpectralElement"
    )
