"""Magnitude offsets between bands and the conversion of magnitudes with them.

``offset`` is the exact synphot path. ``transform`` applies it to arrays, and accepts a
per-object spectrum parameter: a ``slope`` array uses the
`~sbpy_filter_transform.engine.Engine`, whose band fluxes are linear in the slope (no
interpolation error; the only difference from synphot is the engine's, < 1e-4 mag); a
``temperature`` array uses an `~sbpy_filter_transform.offset_grid.OffsetGrid`
(interpolation error < 1e-5 mag); a ``taxon`` array takes one exact synphot offset per
Bus-DeMeo class. ``to_lsst`` gives all six LSST bands as a table, and
``transform_table`` converts tables (also sbpy ``DataClass`` objects) with per-row
filters.

Examples
--------
>>> import astropy.units as u
>>> from sbpy_filter_transform.transform import offset, to_lsst
>>> round(float(offset("ATLAS o", "LSST r", "sun").value), 4)
0.0538
>>> table = to_lsst([18.0, 19.0] * u.ABmag, "ATLAS o", "slope:10")
>>> table["LSST_r"].round(3)
<Magnitude [18.114, 19.114] mag(AB)>
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from astropy import units as u
from astropy.table import Column, QTable

from ._validate import as_numbers, finite_array
from .bandpasses import LSST_BANDS, get_bandpass
from .engine import Engine
from .offset_grid import OffsetGrid
from .spectra import SLOPE_UNIT, busdemeo_sun, get_spectrum
from .systems import magnitude_system, synthetic_magnitude, system_unit

__all__ = ["offset", "to_lsst", "transform", "transform_table"]

#: Step in %/100 nm of the central difference that propagates slope uncertainties.
_SLOPE_STEP = 0.01


def offset(from_band, to_band, spectrum="sun", system="AB", to_system=None) -> u.Quantity:
    """Return m_to - m_from for an object with the given spectrum (exact, via synphot).

    Parameters
    ----------
    from_band, to_band : str, path, Quantity or synphot.SpectralElement
        Anything `~sbpy_filter_transform.bandpasses.get_bandpass` accepts.
    spectrum : str or synphot.SourceSpectrum
        Anything `~sbpy_filter_transform.spectra.get_spectrum` accepts.
    system : str or unit
        Magnitude system of ``from_band`` (and of ``to_band`` unless ``to_system``).
    to_system : str or unit, optional
        Magnitude system of ``to_band``.

    Returns
    -------
    Quantity
        The offset in ``u.mag``.

    Raises
    ------
    SpectrumCoverageError
        If the spectrum does not cover one of the bands.

    Examples
    --------
    >>> round(float(offset("LSST r", "LSST g", "slope:18").value), 3)
    0.704
    """
    sp = get_spectrum(spectrum)
    m_from = synthetic_magnitude(sp, from_band, system)
    m_to = synthetic_magnitude(sp, to_band, to_system or system)
    return (m_to.value - m_from.value) * u.mag


def _magnitudes(mags, system: str, name: str = "mags") -> np.ndarray:
    """Return magnitudes as float64 after checking their unit against ``system``."""
    unit = getattr(mags, "unit", None)
    if unit is not None and unit != u.dimensionless_unscaled:
        unit = u.Unit(unit) if not isinstance(unit, u.UnitBase) else unit
        if unit not in (u.mag, system_unit(system)):
            raise u.UnitsError(
                f"{name} have unit {unit!s} but the system is {system}; convert them or "
                f"pass system={unit!s}"
            )
        mags = getattr(mags, "value", np.asarray(mags))
    values = as_numbers(mags, name)
    finite_array(values.ravel(), name)
    return values


@lru_cache(maxsize=32)
def _cached_engine(band: str, system: str, solar: str) -> Engine:
    """One-band engine for a named band (cached)."""
    return Engine([band], system, solar=solar)


def _engine(band, system: str, solar: str) -> Engine:
    """One-band engine, cached when the band is given by name."""
    if isinstance(band, str):
        return _cached_engine(band, system, solar)
    return Engine([band], system, solar=solar)


def _slope_offsets(slope, from_band, to_band, system, to_system, solar, wave0) -> np.ndarray:
    """Per-object offsets m_to - m_from for the Sun times slopes (exact in the slope)."""
    from_engine = _engine(from_band, system, solar)
    to_engine = _engine(to_band, to_system, solar)
    ratio = (
        to_engine.slope_fluxes(slope, wave0)[..., 0]
        / from_engine.slope_fluxes(slope, wave0)[..., 0]
    )
    return -2.5 * np.log10(ratio) + (to_engine.zero_points[0] - from_engine.zero_points[0])


def _solar_name(spectrum) -> str:
    """Return the solar spectrum that a per-object reflectance multiplies, or raise."""
    if isinstance(spectrum, str) and spectrum.lower().startswith("sun"):
        return get_spectrum(spectrum).meta["sun"]
    raise ValueError(
        f"a per-object slope or taxon multiplies the Sun; pass spectrum='sun' or "
        f"'sun:calspec', not {spectrum!r}"
    )


@lru_cache(maxsize=32)
def _cached_grid(from_band: str, to_band: str, system: str, to_system: str) -> OffsetGrid:
    """Blackbody offset grid for named bands (cached)."""
    return OffsetGrid(from_band, to_band, "blackbody", system=system, to_system=to_system)


def _parameter(values, unit, name: str, shape) -> np.ndarray:
    """A per-object parameter (or its uncertainty) as float64 broadcast to ``shape``."""
    if isinstance(values, u.Quantity):
        values = values.to_value(unit, equivalencies=u.temperature())
    array = as_numbers(values, name)
    finite_array(array.ravel(), name)
    try:
        return np.broadcast_to(array, shape)
    except ValueError:
        raise ValueError(
            f"{name} has shape {array.shape} but the magnitudes have shape {shape}; give "
            "one value per magnitude"
        ) from None


def _shift(
    shape, from_band, to_band, spectrum, per_object, extension, systems, wave0, slope_derivative
):
    """Offsets m_to - m_from (broadcast to ``shape``) and d(offset)/d(parameter) or None.

    The slope derivative (two more passes) is computed only if ``slope_derivative``.

    ``per_object`` is ``(kind, values)`` with kind "slope", "temperature" or "taxon", or
    None for one spectrum for all objects.
    """
    system, to_system = systems
    if per_object is None:
        return np.full(shape, offset(from_band, to_band, spectrum, system, to_system).value), None
    kind, values = per_object
    if kind == "taxon":
        solar = _solar_name(spectrum)
        names = np.broadcast_to(np.asarray(values, dtype=str), shape)
        unique, inverse = np.unique(names, return_inverse=True)
        table = [
            offset(
                from_band,
                to_band,
                busdemeo_sun(c, extension=extension, solar=solar),
                system,
                to_system,
            ).value
            for c in unique
        ]
        return np.asarray(table)[inverse].reshape(shape), None
    if kind == "slope":
        solar = _solar_name(spectrum)
        slope = _parameter(values, SLOPE_UNIT, "slope", shape)

        def shift(s):
            return _slope_offsets(s, from_band, to_band, system, to_system, solar, wave0)

        if not slope_derivative:
            return shift(slope), None
        derivative = (shift(slope + _SLOPE_STEP) - shift(slope - _SLOPE_STEP)) / (2 * _SLOPE_STEP)
        return shift(slope), derivative
    temperature = _parameter(values, u.K, "temperature", shape)
    if isinstance(from_band, str) and isinstance(to_band, str):
        grid = _cached_grid(from_band, to_band, system, to_system)
    else:
        grid = OffsetGrid(from_band, to_band, "blackbody", system=system, to_system=to_system)
    return grid(temperature), grid.derivative(temperature)


def transform(
    mags,
    from_band,
    to_band,
    spectrum="sun",
    *,
    slope=None,
    temperature=None,
    taxon=None,
    extension: str | None = None,
    mag_err=None,
    slope_err=None,
    temperature_err=None,
    system="AB",
    to_system=None,
    wave0=550 * u.nm,
):
    """Convert magnitudes in ``from_band`` to ``to_band`` for an assumed spectrum.

    One spectrum for every object (``spectrum``), or a per-object parameter: ``slope``
    (the Sun times a linear reflectance; exact, see `~sbpy_filter_transform.engine`),
    ``temperature`` (blackbodies, through an
    `~sbpy_filter_transform.offset_grid.OffsetGrid` whose interpolation error is below
    1e-5 mag) or ``taxon`` (Bus-DeMeo classes; one exact synphot offset per class).

    Parameters
    ----------
    mags : array-like, Quantity or table column
        Magnitudes in ``from_band`` (plain numbers, ``u.mag`` or the system's unit).
    from_band, to_band
        Anything `~sbpy_filter_transform.bandpasses.get_bandpass` accepts.
    spectrum : str or synphot.SourceSpectrum
        The spectrum of every object; with ``slope`` or ``taxon``, the solar spectrum
        (``"sun"`` or ``"sun:calspec"``) that the reflectance multiplies; ignored with
        ``temperature``.
    slope : array-like or Quantity, optional
        Per-object spectral slopes (%/100 nm, normalized at ``wave0``).
    temperature : array-like or Quantity, optional
        Per-object blackbody temperatures (K), 2000-50000 K.
    taxon : array-like of str, optional
        Per-object Bus-DeMeo class names.
    extension : {None, "linear", "constant"}
        Blue extension of the Bus-DeMeo means (needed for LSST u and g).
    mag_err, slope_err, temperature_err : array-like, optional
        Uncertainties of ``mags`` and of the per-object parameter; when any is given the
        result is a ``(mags, errors)`` tuple, errors added in quadrature (the parameter's
        through the derivative of the offset).
    system, to_system : str or unit
        Magnitude systems of the input and (default: same) output.
    wave0 : Quantity
        Normalization wavelength of the slopes.

    Returns
    -------
    Quantity or tuple of Quantity
        Magnitudes in ``to_band`` in the output system's unit, and their uncertainties
        (``u.mag``) if an uncertainty was given.

    Examples
    --------
    >>> import numpy as np
    >>> transform([18.0, 19.0], "ATLAS o", "LSST r", "sun").round(4)
    <Magnitude [18.0538, 19.0538] mag(AB)>
    >>> mags, errs = transform(
    ...     np.array([18.0, 18.0]),
    ...     "ATLAS o",
    ...     "LSST r",
    ...     slope=[5.0, 15.0],
    ...     mag_err=[0.01, 0.01],
    ...     slope_err=[2.0, 2.0],
    ... )
    >>> mags.round(3), errs.round(4)
    (<Magnitude [18.085, 18.14 ] mag(AB)>, <Quantity [0.0156, 0.0141] mag>)
    >>> transform([18.0, 18.0], "ATLAS o", "LSST r", taxon=["S", "C"]).round(3)
    <Magnitude [18.096, 18.057] mag(AB)>
    >>> transform([18.0], "ATLAS o", "LSST r", temperature=[5772.0]).round(3)
    <Magnitude [18.08] mag(AB)>
    """
    system = magnitude_system(system)
    to_system = magnitude_system(to_system or system)
    values = _magnitudes(mags, system)
    given = [
        (k, v)
        for k, v in (("slope", slope), ("temperature", temperature), ("taxon", taxon))
        if v is not None
    ]
    if len(given) > 1:
        raise ValueError("give only one per-object parameter: slope, temperature or taxon")
    for name, err, owner in (
        ("slope_err", slope_err, slope),
        ("temperature_err", temperature_err, temperature),
    ):
        if err is not None and owner is None:
            raise ValueError(f"{name} needs {name[:-4]}: give the per-object values too")
    shift, derivative = _shift(
        values.shape,
        from_band,
        to_band,
        spectrum,
        given[0] if given else None,
        extension,
        (system, to_system),
        wave0,
        slope_err is not None,
    )
    result = (values + shift) * system_unit(to_system)
    parameter_err = slope_err if slope_err is not None else temperature_err
    if mag_err is None and parameter_err is None:
        return result
    variance = np.zeros(values.shape)
    if mag_err is not None:
        err = _parameter(mag_err, u.mag, "mag_err", values.shape)
        if np.any(err < 0):
            raise ValueError("mag_err has negative values; uncertainties must be >= 0")
        variance = variance + err**2
    if parameter_err is not None:
        unit = SLOPE_UNIT if slope_err is not None else u.K
        name = "slope_err" if slope_err is not None else "temperature_err"
        err = _parameter(parameter_err, unit, name, values.shape)
        if np.any(err < 0):
            raise ValueError(f"{name} has negative values; uncertainties must be >= 0")
        variance = variance + (derivative * err) ** 2
    return result, np.sqrt(variance) * u.mag


#: Descriptions of the per-object parameters in `to_lsst` metadata.
_PER_OBJECT = {
    "slope": "Sun x linear reflectance, per-object slope (column 'slope', %/100 nm at {wave0})",
    "temperature": "blackbody, per-object temperature (column 'temperature', K)",
    "taxon": "Sun x Bus-DeMeo class mean (DeMeo et al. 2009), per-object class (column 'taxon')",
}


def to_lsst(mags, band, spectrum="sun", **options) -> QTable:
    """Convert magnitudes in one band to all six LSST bands.

    Parameters
    ----------
    mags, spectrum
        As in `transform`.
    band
        The input band (anything `~sbpy_filter_transform.bandpasses.get_bandpass` accepts).
    **options
        Keyword arguments of `transform` (``slope``, ``temperature``, ``taxon``,
        ``extension``, ``mag_err``, ``slope_err``, ``temperature_err``, ``system``,
        ``to_system``, ``wave0``).

    Returns
    -------
    astropy.table.QTable
        Columns ``mag`` (the input), ``mag_err`` and the per-object parameter if given,
        ``LSST_u`` ... ``LSST_y`` and, with uncertainties, ``LSST_u_err`` ...; ``meta``
        records the input band, the LSST throughput version and source, the spectrum
        (description and blue extension) and the magnitude systems.

    Examples
    --------
    >>> table = to_lsst([17.5], "ATLAS o", "sun")
    >>> table.colnames
    ['mag', 'LSST_u', 'LSST_g', 'LSST_r', 'LSST_i', 'LSST_z', 'LSST_y']
    >>> table.meta["throughput_version"]
    '1.9'
    >>> to_lsst([17.5], "ATLAS o", taxon=["C"], extension="linear").meta["extension"]
    'linear'
    """
    system = magnitude_system(options.get("system", "AB"))
    to_system = magnitude_system(options.get("to_system") or system)
    values = _magnitudes(mags, system)
    table = QTable()
    table["mag"] = values * system_unit(system)
    if options.get("mag_err") is not None:
        table["mag_err"] = _parameter(options["mag_err"], u.mag, "mag_err", values.shape) * u.mag
    kind = next((k for k in _PER_OBJECT if options.get(k) is not None), None)
    if kind is not None:
        # Plain columns: sbpy's "100 nm" unit does not survive a round trip through files.
        column = options[kind]
        if isinstance(column, u.Quantity):
            column = column.to_value(SLOPE_UNIT if kind == "slope" else u.K)
        table[kind] = Column(np.broadcast_to(np.asarray(column), values.shape))
    with_errors = any(
        options.get(k) is not None for k in ("mag_err", "slope_err", "temperature_err")
    )
    for lsst in LSST_BANDS:
        column = lsst.replace(" ", "_")
        result = transform(values, band, lsst, spectrum, **options)
        if with_errors:
            table[column], table[f"{column}_err"] = result
        else:
            table[column] = result
    wave0 = u.Quantity(options.get("wave0", 550 * u.nm)).to(u.nm)
    if kind is None:
        described = get_spectrum(spectrum)
        description, extension = (
            described.meta["description"],
            described.meta.get("extension", "none"),
        )
    else:
        description = _PER_OBJECT[kind].format(wave0=wave0)
        extension = options.get("extension") or "none"
    lsst = get_bandpass(LSST_BANDS[0]).meta
    table.meta.update(
        from_band=get_bandpass(band).meta["name"],
        from_system=system,
        to_system=to_system,
        throughput_version=lsst["version"],
        throughput_source=lsst["source"].rsplit(",", 1)[0],
        spectrum=description,
        extension=extension,
    )
    return table


def _column(table: QTable, name: str | None, what: str, dtype=float):
    """Return a column as a plain array (None if ``name`` is None), or raise naming the fix.

    A numeric column must hold finite numbers; the error names the column and the row.
    """
    if name is None:
        return None
    if name not in table.colnames:
        raise KeyError(
            f"{what} column {name!r} not found; columns are {', '.join(table.colnames)}"
        )
    column = table[name]
    if dtype is not float:
        return np.asarray(column, dtype=dtype)
    values = as_numbers(
        column.value if isinstance(column, u.Quantity) else column, name, column=True
    )
    bad = ~np.isfinite(values)
    if bad.any():
        row = int(np.argmax(bad))
        more = f" ({int(bad.sum())} such rows)" if bad.sum() > 1 else ""
        raise ValueError(
            f"column {name!r} row {row}: NaN, infinite or empty{more}; correct or remove it"
        )
    return values


def transform_table(
    table,
    to_bands,
    spectrum="sun",
    *,
    from_band=None,
    mag_col: str = "mag",
    err_col: str | None = None,
    filter_col: str | None = None,
    slope_col: str | None = None,
    class_col: str | None = None,
    extension: str | None = None,
    system="AB",
) -> QTable:
    """Add magnitudes in other bands to a table of magnitudes (e.g. an sbpy ``Obs``).

    Parameters
    ----------
    table : astropy Table/QTable or sbpy DataClass (e.g. `sbpy.data.Obs`)
        Input; not modified.
    to_bands : str or sequence
        Output band(s); each adds a column named after the band (``"LSST r"`` ->
        ``LSST_r``) and, with ``err_col``, ``LSST_r_err``.
    spectrum
        As in `transform`.
    from_band : optional
        The input band of every row; or give ``filter_col``.
    mag_col, err_col, filter_col : str
        Columns of magnitudes, their uncertainties, and per-row input band names.
    slope_col, class_col : str, optional
        Column of per-row slopes (%/100 nm) or Bus-DeMeo classes.
    extension : {None, "linear", "constant"}
        Blue extension of the Bus-DeMeo means.
    system : str or unit
        Magnitude system of input and output.

    Returns
    -------
    astropy.table.QTable
        A copy with the new columns; ``meta`` records the input band, system, spectrum,
        extension and LSST throughput version.

    Examples
    --------
    >>> import astropy.units as u
    >>> from sbpy.data import Obs
    >>> obs = Obs.from_dict({"mag": [18.0, 18.5] * u.mag, "filter": ["ATLAS o", "ATLAS c"]})
    >>> out = transform_table(obs, "LSST r", filter_col="filter")
    >>> out["LSST_r"].round(3)
    <Magnitude [18.054, 18.277] mag(AB)>
    """
    table = QTable(getattr(table, "table", table), copy=True)
    if (from_band is None) == (filter_col is None):
        raise ValueError("give the input band with exactly one of from_band and filter_col")
    if len(table) == 0:
        raise ValueError("the table has no rows; give at least one magnitude")
    system = magnitude_system(system)
    mags = _column(table, mag_col, "magnitude")
    errs = _column(table, err_col, "uncertainty")
    per_row = {
        "slope": _column(table, slope_col, "slope"),
        "taxon": _column(table, class_col, "class", dtype=str),
    }
    if per_row["slope"] is not None and per_row["taxon"] is not None:
        raise ValueError("give only one of slope_col and class_col")
    filters = (
        np.full(len(table), get_bandpass(from_band).meta["name"])
        if filter_col is None
        else _column(table, filter_col, "filter", dtype=str)
    )
    for band in [to_bands] if isinstance(to_bands, str) else to_bands:
        name = get_bandpass(band.strip()).meta["name"].replace(" ", "_")
        out, out_err = np.full(len(table), np.nan), np.full(len(table), np.nan)
        for source in np.unique(filters):
            rows = filters == source
            result = transform(
                mags[rows],
                source,
                band.strip(),
                spectrum,
                extension=extension,
                mag_err=None if errs is None else errs[rows],
                system=system,
                **{k: v[rows] for k, v in per_row.items() if v is not None},
            )
            if errs is None:
                out[rows] = result.value
            else:
                out[rows], out_err[rows] = result[0].value, result[1].value
        table[name] = out * system_unit(system)
        if errs is not None:
            table[f"{name}_err"] = out_err * u.mag
    description = get_spectrum(spectrum).meta["description"]
    kind, column = next(
        ((k, c) for k, c in (("slope", slope_col), ("taxon", class_col)) if c), (None, None)
    )
    if kind is not None:
        description = f"{description}, times the per-row {kind} of column {column!r}"
    table.meta.update(
        from_band=from_band or f"per row, column {filter_col!r}",
        system=system,
        spectrum=description,
        extension=extension or "none",
        throughput_version=get_bandpass(LSST_BANDS[0]).meta["version"],
    )
    return table
