"""Rubin Data Preview 1 (DP1) light-curve tables and nJy fluxes.

DP1's ``DiaSource`` table (and forced photometry on DIA objects, once joined to the
``Visit`` table for its times) gives one row per measurement with the columns
``diaObjectId``, ``midpointMjdTai`` (or ``visit``), ``band``, ``psfFlux`` and
``psfFluxErr``, fluxes in nanojansky. `from_dp1` turns such a table into the long
form of `tvs_classifier.lightcurves`, with AB magnitudes.

The AB magnitude of a flux density :math:`f` in nJy is
:math:`m = -2.5 \\log_{10} f + 31.4` (AB is :math:`-2.5 \\log_{10} f_\\nu - 48.60`
with :math:`f_\\nu` in erg/s/cm²/Hz, and 1 nJy is :math:`10^{-32}` of that unit), and its error,
to first order, :math:`\\sigma_m = (2.5 / \\ln 10)\\, \\sigma_f / f`.
Measurements with a zero or negative flux have no magnitude: they are dropped and
counted as ``nonpositive_flux`` in the validation report.

Examples
--------
>>> import pandas as pd
>>> dp1 = pd.DataFrame(
...     {
...         "diaObjectId": [1, 1],
...         "midpointMjdTai": [60600.1, 60601.2],
...         "band": ["g", "r"],
...         "psfFlux": [3631.0, -5.0],
...         "psfFluxErr": [36.31, 10.0],
...     }
... )
>>> lcs = from_dp1(dp1)
>>> round(float(lcs.table["mag"][0]), 3), lcs.report.dropped["nonpositive_flux"]
(22.5, 1)
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..bands import LSST_BANDS, normalize_bands
from ..lightcurves import LightCurveError, LightCurves

__all__ = [
    "AB_ZEROPOINT_NJY",
    "DP1_COLUMNS",
    "DP1_TAP_TABLES",
    "dp1_adql",
    "from_dp1",
    "is_dp1_table",
    "njy_to_ab_mag",
    "query_dp1_tap",
]

#: AB magnitude of a flux density of 1 nJy. AB is defined by
#: m = -2.5 log10(f_nu / (erg s-1 cm-2 Hz-1)) - 48.60 and 1 nJy = 1e-32 erg s-1 cm-2 Hz-1,
#: so the zero point is 80 - 48.6 = 31.4 exactly (the same as astropy's ``u.ABmag``).
AB_ZEROPOINT_NJY: float = 31.4

#: DP1 column -> light-curve column.
DP1_COLUMNS: dict[str, str] = {
    "diaObjectId": "object_id",
    "midpointMjdTai": "mjd",
    "band": "band",
    "psfFlux": "mag",
    "psfFluxErr": "mag_err",
}

#: DP1 TAP tables with light curves, and the ADQL that selects them. Table and column
#: names from the DP1 documentation: the DIA forced source catalog
#: (https://dp1.lsst.io/products/catalogs/dia_forced_source.html, TAP table
#: ``dp1.ForcedSourceOnDiaObject``) and tutorial notebook 201.6
#: (https://dp1.lsst.io/tutorials/notebook/201/notebook-201-6.html), which recommends
#: forced photometry for light curves. Forced photometry has no time column: its times
#: come from ``dp1.Visit`` (``expMidptMJD``), joined on ``visit``. The source table is
#: aliased ``s`` and the Visit table ``v``.
DP1_TAP_TABLES: dict[str, str] = {
    "DiaSource": (
        "SELECT s.diaObjectId, s.midpointMjdTai, s.band, s.psfFlux, s.psfFluxErr "
        "FROM dp1.DiaSource AS s"
    ),
    "ForcedSourceOnDiaObject": (
        "SELECT s.diaObjectId, v.expMidptMJD AS midpointMjdTai, s.band, s.psfFlux, "
        "s.psfFluxErr FROM dp1.ForcedSourceOnDiaObject AS s "
        "JOIN dp1.Visit AS v ON v.visit = s.visit"
    ),
}

_TWO_POINT_FIVE_OVER_LN10 = 2.5 / np.log(10.0)


def njy_to_ab_mag(flux: np.ndarray, flux_err: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Convert fluxes in nJy and their errors to AB magnitudes and errors.

    Parameters
    ----------
    flux, flux_err : array_like
        Flux densities and their 1-sigma errors in nanojansky.

    Returns
    -------
    mag, mag_err : ndarray
        AB magnitudes and first-order errors; NaN where the flux is not positive.

    Examples
    --------
    >>> mag, err = njy_to_ab_mag([1.0, 1e9, 0.0], [0.1, 1e7, 1.0])
    >>> np.round(mag, 4).tolist(), np.round(err, 4).tolist()
    ([31.4, 8.9, nan], [0.1086, 0.0109, nan])
    """
    flux = np.asarray(flux, dtype=np.float64)
    flux_err = np.asarray(flux_err, dtype=np.float64)
    positive = flux > 0
    safe = np.where(positive, flux, 1.0)
    mag = np.where(positive, AB_ZEROPOINT_NJY - 2.5 * np.log10(safe), np.nan)
    err = np.where(positive, _TWO_POINT_FIVE_OVER_LN10 * flux_err / safe, np.nan)
    return mag, err


def is_dp1_table(table: pd.DataFrame) -> bool:
    """Whether a table has DP1's light-curve columns (``diaObjectId``, ``psfFlux``, ...).

    Examples
    --------
    >>> is_dp1_table(pd.DataFrame(columns=["diaObjectId", "psfFlux", "psfFluxErr", "band"]))
    True
    """
    return {"diaObjectId", "psfFlux", "psfFluxErr", "band"}.issubset(table.columns)


def from_dp1(
    table: pd.DataFrame | Any,
    visits: pd.DataFrame | None = None,
    *,
    visit_time_column: str = "expMidptMJD",
    band_map: Mapping[str, str] | None = None,
    duplicates: str = "mean",
) -> LightCurves:
    """Validated light curves from a DP1 DiaSource or forced-photometry table.

    Parameters
    ----------
    table : pandas.DataFrame or astropy.table.Table
        Columns ``diaObjectId, band, psfFlux, psfFluxErr`` (nJy) and either
        ``midpointMjdTai`` or ``visit``. The flux columns of an astropy table (as TAP
        returns) that carry a unit are converted to nJy; a unit that is not a flux
        density is refused.
    visits : pandas.DataFrame, optional
        DP1's ``Visit`` table (columns ``visit`` and ``visit_time_column``), needed
        when ``table`` has no ``midpointMjdTai``, as forced photometry has not.
    visit_time_column : str
        The time column of ``visits`` (MJD).
    band_map, duplicates
        As in `tvs_classifier.lightcurves.LightCurves.from_table`. DP1 observed in
        LSST's bands only, so a band that is not one of ``ugrizy`` after ``band_map``
        is refused.

    Returns
    -------
    LightCurves
        AB magnitudes; rows with a non-positive flux dropped and counted as
        ``nonpositive_flux``.

    Raises
    ------
    LightCurveError
        If a needed column is missing, a flux column has a unit that is not a flux
        density, a band is not an LSST band, or a visit has no time in ``visits``.

    Examples
    --------
    >>> forced = pd.DataFrame(
    ...     {
    ...         "diaObjectId": [5, 5],
    ...         "visit": [11, 12],
    ...         "band": ["i", "i"],
    ...         "psfFlux": [1000.0, 1100.0],
    ...         "psfFluxErr": [10.0, 10.0],
    ...     }
    ... )
    >>> visits = pd.DataFrame({"visit": [11, 12], "expMidptMJD": [60623.2, 60624.3]})
    >>> from_dp1(forced, visits).table["mjd"].tolist()
    [60623.2, 60624.3]
    """
    table = _dp1_frame(table)
    missing = [
        name for name in ("diaObjectId", "band", "psfFlux", "psfFluxErr") if name not in table
    ]
    if missing:
        raise LightCurveError(
            f"the DP1 table has no column(s) {missing}; query DiaSource or "
            "ForcedSourceOnDiaObject with diaObjectId, band, psfFlux, psfFluxErr"
        )
    frame = table
    if "midpointMjdTai" not in frame.columns:
        frame = _join_visit_times(frame, visits, visit_time_column)
    mag, err = njy_to_ab_mag(frame["psfFlux"].to_numpy(), frame["psfFluxErr"].to_numpy())
    nonpositive = ~(frame["psfFlux"].to_numpy(dtype=np.float64) > 0) & np.isfinite(
        frame["psfFlux"].to_numpy(dtype=np.float64)
    )
    frame = frame.assign(psfFlux=mag, psfFluxErr=err)[~nonpositive]
    _check_lsst_bands(frame["band"], band_map)
    return LightCurves.from_table(
        frame,
        columns=DP1_COLUMNS,
        band_map=band_map,
        duplicates=duplicates,
        _dropped={"nonpositive_flux": int(nonpositive.sum())},
    )


def _join_visit_times(
    table: pd.DataFrame, visits: pd.DataFrame | None, time_column: str
) -> pd.DataFrame:
    """Add ``midpointMjdTai`` to a table with a ``visit`` column from the Visit table."""
    if "visit" not in table.columns or visits is None:
        raise LightCurveError(
            "the DP1 table has no midpointMjdTai: pass the Visit table as visits= "
            "(and keep the visit column) so that each measurement gets its time"
        )
    if "visit" not in visits.columns or time_column not in visits.columns:
        raise LightCurveError(
            f"the Visit table needs the columns 'visit' and {time_column!r}; "
            f"it has {list(visits.columns)} (set visit_time_column=)"
        )
    times = visits.drop_duplicates("visit").set_index("visit")[time_column]
    mjd = times.reindex(table["visit"].to_numpy()).to_numpy(dtype=np.float64)
    unknown = np.isnan(mjd) & table["visit"].notna().to_numpy()
    if unknown.any():
        first = table["visit"].to_numpy()[unknown][0]
        raise LightCurveError(
            f"{int(unknown.sum())} measurement(s) have a visit missing from the Visit table "
            f"(first: {first}); pass the Visit table covering all visits"
        )
    return table.assign(midpointMjdTai=mjd)


def dp1_adql(
    object_ids: Iterable[int] | None = None,
    *,
    where: str | None = None,
    table: str = "DiaSource",
    chunk_size: int = 1000,
) -> list[str]:
    """ADQL queries for the light curves of DP1 DIA objects, one per chunk of ids.

    Parameters
    ----------
    object_ids : iterable of int, optional
        ``diaObjectId`` values. Each must be an integer (Python or numpy; strings and
        floats are refused, so nothing but digits reaches the query).
    where : str, optional
        An ADQL condition, ANDed with the id list, written in terms of the aliases of
        `DP1_TAP_TABLES` (``s`` for the source table, ``v`` for ``dp1.Visit``), e.g.
        ``"s.band = 'r'"``. It is passed to the service as written: build it from
        trusted text only. A ``;`` is refused.
    table : {"DiaSource", "ForcedSourceOnDiaObject"}
        Detections on difference images, or forced photometry (joined to
        ``dp1.Visit`` for its times).
    chunk_size : int
        Ids per query, to keep each query well under the service's limits.

    Returns
    -------
    list of str
        One query per chunk of ids (one query if only ``where`` is given).

    Raises
    ------
    LightCurveError
        If neither ids nor a condition is given, an id is not an integer, the table
        is not known, ``chunk_size`` is below 1, or the condition contains ``;``.

    Examples
    --------
    >>> dp1_adql([611255141361770267, 3], table="DiaSource")[0].split(" WHERE ")[1]
    's.diaObjectId IN (611255141361770267, 3)'
    >>> len(dp1_adql(range(2500), chunk_size=1000))
    3
    >>> dp1_adql(where="s.band = 'g'")[0].endswith("WHERE (s.band = 'g')")
    True
    """
    if table not in DP1_TAP_TABLES:
        raise LightCurveError(f"table={table!r} is not known: use one of {list(DP1_TAP_TABLES)}")
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, numbers.Integral):
        raise LightCurveError(f"chunk_size must be an integer, got {chunk_size!r}")
    if chunk_size < 1:
        raise LightCurveError(f"chunk_size must be at least 1, got {chunk_size}")
    condition = None
    if where is not None:
        if ";" in where:
            raise LightCurveError(
                "the where= condition contains ';': give one ADQL condition, not statements"
            )
        if not where.strip():
            raise LightCurveError("the where= condition is empty: give a condition or None")
        condition = f"({where.strip()})"
    select = DP1_TAP_TABLES[table]
    if object_ids is None:
        if condition is None:
            raise LightCurveError(
                "give object_ids or a where= condition: a query of all of DP1 is too large"
            )
        return [f"{select} WHERE {condition}"]
    ids = _integer_ids(object_ids)
    if not ids:
        raise LightCurveError("object_ids is empty: give at least one diaObjectId")
    queries = []
    for start in range(0, len(ids), chunk_size):
        listed = ", ".join(str(value) for value in ids[start : start + chunk_size])
        clause = f"s.diaObjectId IN ({listed})"
        if condition is not None:
            clause = f"{clause} AND {condition}"
        queries.append(f"{select} WHERE {clause}")
    return queries


def query_dp1_tap(
    objects: Iterable[int] | str,
    *,
    service: Any,
    table: str = "DiaSource",
    chunk_size: int = 1000,
    maxrec: int | None = None,
    band_map: Mapping[str, str] | None = None,
    duplicates: str = "mean",
) -> LightCurves:
    """Query DP1 light curves through TAP and return them validated, in AB magnitudes.

    Parameters
    ----------
    objects : iterable of int or str
        ``diaObjectId`` values, or an ADQL condition (see `dp1_adql`).
    service : pyvo.dal.TAPService, str or object
        The TAP service: a pyvo service (on the Rubin Science Platform,
        ``lsst.rsp.get_tap_service("tap")``), its URL (needs pyvo), or any object with
        a pyvo-like ``search(query)`` method returning a table.
    table : {"DiaSource", "ForcedSourceOnDiaObject"}
        As in `dp1_adql`.
    chunk_size : int
        Ids per query.
    maxrec : int, optional
        Passed to ``service.search`` to raise the service's row limit.
    band_map, duplicates
        As in `from_dp1`.

    Returns
    -------
    LightCurves

    Raises
    ------
    ImportError
        If ``service`` is a URL and pyvo is not installed.
    LightCurveError
        For a bad id list or condition, or if the service returns no rows.

    Examples
    --------
    Without a network, any object with ``search`` stands in for the service:

    >>> from astropy.table import Table
    >>> class Service:
    ...     def search(self, query, **kwargs):
    ...         return Table(
    ...             {
    ...                 "diaObjectId": [7, 7],
    ...                 "midpointMjdTai": [60600.1, 60601.1],
    ...                 "band": ["r", "r"],
    ...                 "psfFlux": [1000.0, 1100.0],
    ...                 "psfFluxErr": [10.0, 10.0],
    ...             }
    ...         )
    >>> query_dp1_tap([7], service=Service()).n_points.tolist()
    [2]
    """
    if isinstance(objects, str):
        queries = dp1_adql(where=objects, table=table, chunk_size=chunk_size)
    else:
        queries = dp1_adql(objects, table=table, chunk_size=chunk_size)
    tap = _tap_service(service)
    options = {} if maxrec is None else {"maxrec": maxrec}
    frames = []
    for query in queries:
        result = tap.search(query, **options)
        result = result.to_table() if hasattr(result, "to_table") else result
        frames.append(_dp1_frame(result))
    frame = pd.concat(frames, ignore_index=True)
    if frame.empty:
        raise LightCurveError(
            f"the TAP service returned no rows for {len(queries)} quer(ies) on dp1.{table}: "
            "check the diaObjectIds or the condition"
        )
    return from_dp1(frame, band_map=band_map, duplicates=duplicates)


def _tap_service(service: Any) -> Any:
    """A pyvo TAP service for a URL; any object with ``search`` as it is."""
    if hasattr(service, "search"):
        return service
    if not isinstance(service, str):
        raise LightCurveError(
            f"service must be a TAP service or its URL, got {type(service).__name__}"
        )
    try:
        import pyvo
    except ImportError as error:
        raise ImportError(
            "querying a TAP service needs pyvo: pip install tvs-classifier[rubin]"
        ) from error
    return pyvo.dal.TAPService(service)


def _integer_ids(object_ids: Iterable[int]) -> list[int]:
    """The ids as Python ints, refusing anything that is not an integer."""
    if isinstance(object_ids, str | bytes):
        raise LightCurveError(
            "object_ids is a string: give a list of integer diaObjectIds, "
            "or pass an ADQL condition as where="
        )
    values = np.asarray(list(object_ids), dtype=object).ravel()
    bad = [
        value
        for value in values
        if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral)
    ]
    if bad:
        raise LightCurveError(
            f"object_ids must be integers (diaObjectId); got {bad[0]!r} "
            f"({type(bad[0]).__name__}): convert them with int()"
        )
    return list(dict.fromkeys(int(value) for value in values))


def _dp1_frame(table: pd.DataFrame | Any) -> pd.DataFrame:
    """A DataFrame of a DP1 table; astropy flux columns converted to nJy first."""
    if isinstance(table, pd.DataFrame):
        return table
    if not hasattr(table, "to_pandas"):
        raise LightCurveError(
            f"expected a pandas DataFrame or astropy Table, got {type(table).__name__}"
        )
    import astropy.units as u
    from astropy.table import Table

    table = Table(table, copy=False)  # a QTable's Quantity columns become plain columns
    for name in ("psfFlux", "psfFluxErr"):
        unit = getattr(table[name], "unit", None) if name in table.colnames else None
        if unit is None or unit == u.nJy:
            continue
        if isinstance(unit, u.FunctionUnitBase) or not u.Unit(unit).is_equivalent(u.nJy):
            raise LightCurveError(
                f"column {name!r} is in {unit}, not a flux density: DP1 fluxes are in nJy; "
                "query psfFlux/psfFluxErr (not magnitudes) or convert the column"
            )
        scale = u.Unit(unit).to(u.nJy)
        table[name] = np.asarray(table[name], dtype=np.float64) * scale
        table[name].unit = u.nJy
    return table.to_pandas()


def _check_lsst_bands(bands: pd.Series, band_map: Mapping[str, str] | None) -> None:
    """Refuse bands that are not LSST's in a DP1 table."""
    given = bands.dropna().astype(str).str.strip()
    given = given[given != ""].unique()
    normalized = normalize_bands(given, band_map) if len(given) else given
    unknown = sorted(
        {str(name) for name, norm in zip(given, normalized, strict=True) if norm not in LSST_BANDS}
    )
    if unknown:
        raise LightCurveError(
            f"band(s) {unknown} are not LSST bands, which every DP1 measurement has: "
            "check the band column, or map them with band_map={'name': 'r', ...}"
        )
