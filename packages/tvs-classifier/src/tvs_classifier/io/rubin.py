"""Rubin Data Preview 1 (DP1) light curves: TAP queries, DP1 tables and nJy fluxes.

DP1 has light curves in three tables (`DP1_TAP_TABLES`): forced photometry on the
Objects of the deep coadds (``ForcedSource``, ids ``objectId``), forced photometry on
the objects found on difference images (``ForcedSourceOnDiaObject``, ``diaObjectId``),
and the detections on difference images (``DiaSource``). Each row is one measurement:
an id, ``band``, a flux and its error in nanojansky (`DP1_FLUX_COLUMNS`: in
``DiaSource`` the direct-image ``scienceFlux``, as its ``psfFlux`` is a difference),
quality flags (`DP1_FLAGS`), and a time (``midpointMjdTai``, or for forced photometry
``expMidptMJD`` of ``dp1.Visit``, joined on ``visit``). `from_dp1` turns such a table
into the long form of `tvs_classifier.lightcurves`, with AB magnitudes;
`query_dp1_tap` fetches one through the Rubin Science Platform's TAP service
(`rsp_tap_service`), in asynchronous jobs of a chunk of ids each.

The AB magnitude of a flux density :math:`f` in nJy is
:math:`m = -2.5 \\log_{10} f + 31.4` (AB is :math:`-2.5 \\log_{10} f_\\nu - 48.60`
with :math:`f_\\nu` in erg/s/cm²/Hz, and 1 nJy is :math:`10^{-32}` of that unit), and its error,
to first order, :math:`\\sigma_m = (2.5 / \\ln 10)\\, \\sigma_f / f`.
Measurements with a zero or negative flux have no magnitude: they are dropped and
counted as ``nonpositive_flux`` in the validation report; flagged ones as ``flagged``.

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
from contextlib import suppress
from typing import Any

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from ..bands import LSST_BANDS, normalize_bands
from ..lightcurves import LightCurveError, LightCurves

__all__ = [
    "AB_ZEROPOINT_NJY",
    "DP1_COLUMNS",
    "DP1_FLAGS",
    "DP1_FLUX_COLUMNS",
    "DP1_ID_COLUMNS",
    "DP1_TAP_TABLES",
    "TapError",
    "dp1_adql",
    "from_dp1",
    "is_dp1_table",
    "njy_to_ab_mag",
    "query_dp1_tap",
    "rsp_tap_service",
]

#: AB magnitude of a flux density of 1 nJy. AB is defined by
#: m = -2.5 log10(f_nu / (erg s-1 cm-2 Hz-1)) - 48.60 and 1 nJy = 1e-32 erg s-1 cm-2 Hz-1,
#: so the zero point is 80 - 48.6 = 31.4 exactly (the same as astropy's ``u.ABmag``).
AB_ZEROPOINT_NJY: float = 31.4

#: DP1 column -> light-curve column. The flux columns become magnitudes first.
DP1_COLUMNS: dict[str, str] = {
    "diaObjectId": "object_id",
    "objectId": "object_id",
    "midpointMjdTai": "mjd",
    "band": "band",
    "psfFlux": "mag",
    "psfFluxErr": "mag_err",
}

#: The object id of each DP1 light-curve table: forced photometry on Objects
#: (``ForcedSource``, the deep-coadd detections) or on DIA objects (the others).
DP1_ID_COLUMNS: dict[str, str] = {
    "ForcedSource": "objectId",
    "ForcedSourceOnDiaObject": "diaObjectId",
    "DiaSource": "diaObjectId",
}

#: The flux of a star, and its error, in each table. In ``DiaSource`` ``psfFlux`` is
#: measured on the difference image (the star's flux minus the template's), so a light
#: curve uses ``scienceFlux``, forced PSF photometry on the direct image; the forced
#: tables' ``psfFlux`` is on the direct image (``psfDiffFlux`` on the difference).
DP1_FLUX_COLUMNS: dict[str, tuple[str, str]] = {
    "ForcedSource": ("psfFlux", "psfFluxErr"),
    "ForcedSourceOnDiaObject": ("psfFlux", "psfFluxErr"),
    "DiaSource": ("scienceFlux", "scienceFluxErr"),
}

#: Flags that drop a measurement (True = unusable), by table: the PSF-flux fit failed,
#: or the source's center is saturated, hit by a cosmic ray, interpolated, suspect, bad
#: or without data. Footprint-wide pixel flags are not used: they are set for many
#: good measurements of stars near others. Names from the DP1 schema
#: (``lsst/sdm_schemas``, ``dp1.yaml``).
DP1_FLAGS: dict[str, tuple[str, ...]] = {
    "ForcedSource": (
        "psfFlux_flag",
        "invalidPsfFlag",
        "pixelFlags_bad",
        "pixelFlags_nodata",
        "pixelFlags_saturatedCenter",
        "pixelFlags_crCenter",
        "pixelFlags_interpolatedCenter",
        "pixelFlags_suspectCenter",
    ),
    "DiaSource": (
        "forced_PsfFlux_flag",
        "pixelFlags_bad",
        "pixelFlags_offimage",
        "pixelFlags_nodataCenter",
        "pixelFlags_saturatedCenter",
        "pixelFlags_crCenter",
        "pixelFlags_interpolatedCenter",
        "pixelFlags_suspectCenter",
    ),
}
DP1_FLAGS["ForcedSourceOnDiaObject"] = DP1_FLAGS["ForcedSource"]


def _select(table: str, time: str, join: str = "") -> str:
    """The ADQL that selects one table's light-curve columns (source aliased ``s``)."""
    flux, error = DP1_FLUX_COLUMNS[table]
    columns = [f"s.{DP1_ID_COLUMNS[table]}", time, "s.band", f"s.{flux}", f"s.{error}"]
    columns += [f"s.{flag}" for flag in DP1_FLAGS[table]]
    return f"SELECT {', '.join(columns)} FROM dp1.{table} AS s{join}"


_VISIT_JOIN = " JOIN dp1.Visit AS v ON v.visit = s.visit"

#: DP1 TAP tables with light curves, and the ADQL that selects them: the id, time,
#: band, flux and error, and the flags of `DP1_FLAGS`. Table and column names from the
#: DP1 schema and tutorial notebook 201.6
#: (https://dp1.lsst.io/tutorials/notebook/201/notebook-201-6.html), which recommends
#: forced photometry for light curves. Forced photometry has no time column: its times
#: come from ``dp1.Visit`` (``expMidptMJD``), joined on ``visit``. The source table is
#: aliased ``s`` and the Visit table ``v``.
DP1_TAP_TABLES: dict[str, str] = {
    "ForcedSource": _select("ForcedSource", "v.expMidptMJD AS midpointMjdTai", _VISIT_JOIN),
    "ForcedSourceOnDiaObject": _select(
        "ForcedSourceOnDiaObject", "v.expMidptMJD AS midpointMjdTai", _VISIT_JOIN
    ),
    "DiaSource": _select("DiaSource", "s.midpointMjdTai"),
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
    """Whether a table has DP1's light-curve columns (an object id, ``band``, a flux).

    Examples
    --------
    >>> is_dp1_table(pd.DataFrame(columns=["diaObjectId", "psfFlux", "psfFluxErr", "band"]))
    True
    >>> is_dp1_table(pd.DataFrame(columns=["objectId", "band", "mag"]))
    False
    """
    columns = set(table.columns)
    has_id = bool(columns & set(DP1_ID_COLUMNS.values()))
    has_flux = any(set(pair) <= columns for pair in DP1_FLUX_COLUMNS.values())
    return has_id and has_flux and "band" in columns


def from_dp1(
    table: pd.DataFrame | Any,
    visits: pd.DataFrame | None = None,
    *,
    visit_time_column: str = "expMidptMJD",
    flags: Iterable[str] | None = None,
    band_map: Mapping[str, str] | None = None,
    duplicates: str = "mean",
) -> LightCurves:
    """Validated light curves from a DP1 DiaSource or forced-photometry table.

    Parameters
    ----------
    table : pandas.DataFrame or astropy.table.Table
        An object id (``objectId`` or ``diaObjectId``), ``band``, a flux and its
        error in nJy (``scienceFlux, scienceFluxErr`` where present, as in
        ``DiaSource``, whose ``psfFlux`` is a difference-image flux; else ``psfFlux,
        psfFluxErr``), and either ``midpointMjdTai`` or ``visit``. The flux columns
        of an astropy table (as TAP returns) that carry a unit are converted to nJy;
        a unit that is not a flux density is refused.
    visits : pandas.DataFrame, optional
        DP1's ``Visit`` table (columns ``visit`` and ``visit_time_column``), needed
        when ``table`` has no ``midpointMjdTai``, as forced photometry has not.
    visit_time_column : str
        The time column of ``visits`` (MJD).
    flags : iterable of str, optional
        Boolean columns of which a True value drops the measurement. By default the
        columns of `DP1_FLAGS` (any table's) that ``table`` has; ``()`` keeps all.
    band_map, duplicates
        As in `tvs_classifier.lightcurves.LightCurves.from_table`. DP1 observed in
        LSST's bands only, so a band that is not one of ``ugrizy`` after ``band_map``
        is refused.

    Returns
    -------
    LightCurves
        AB magnitudes; flagged measurements dropped and counted as ``flagged``, then
        those with a non-positive flux as ``nonpositive_flux`` (validation report).

    Raises
    ------
    LightCurveError
        If a needed column (or a named flag) is missing, a flux column has a unit that
        is not a flux density, a band is not an LSST band, or a visit has no time in
        ``visits``.

    Examples
    --------
    >>> forced = pd.DataFrame(
    ...     {
    ...         "objectId": [5, 5, 5],
    ...         "visit": [11, 12, 13],
    ...         "band": ["i", "i", "i"],
    ...         "psfFlux": [1000.0, 1100.0, 1200.0],
    ...         "psfFluxErr": [10.0, 10.0, 10.0],
    ...         "pixelFlags_saturatedCenter": [False, False, True],
    ...     }
    ... )
    >>> visits = pd.DataFrame({"visit": [11, 12, 13], "expMidptMJD": [60623.2, 60624.3, 60625.1]})
    >>> lcs = from_dp1(forced, visits)
    >>> lcs.table["mjd"].tolist(), lcs.report.dropped["flagged"]
    ([60623.2, 60624.3], 1)
    """
    table = _dp1_frame(table)
    ids = [name for name in dict.fromkeys(DP1_ID_COLUMNS.values()) if name in table]
    fluxes = [pair for pair in dict.fromkeys(DP1_FLUX_COLUMNS.values()) if set(pair) <= set(table)]
    missing = [] if ids else ["objectId or diaObjectId"]
    missing += [] if fluxes else ["psfFlux and psfFluxErr (or scienceFlux, scienceFluxErr)"]
    missing += [] if "band" in table else ["band"]
    if missing:
        raise LightCurveError(
            f"the DP1 table has no column(s) {missing}; query ForcedSource, "
            "ForcedSourceOnDiaObject or DiaSource with an id, band, flux and its error"
        )
    if len(ids) > 1:
        raise LightCurveError(
            "the DP1 table has both objectId and diaObjectId: keep the one that names "
            "the light curves (objectId for ForcedSource, diaObjectId for the others)"
        )
    flux, error = fluxes[-1] if ("scienceFlux", "scienceFluxErr") in fluxes else fluxes[0]
    frame = table
    if "midpointMjdTai" not in frame.columns:
        frame = _join_visit_times(frame, visits, visit_time_column)
    flagged = _flagged(frame, flags)
    frame = frame[~flagged]
    values = frame[flux].to_numpy(dtype=np.float64)
    mag, err = njy_to_ab_mag(values, frame[error].to_numpy())
    nonpositive = ~(values > 0) & np.isfinite(values)
    frame = pd.DataFrame(
        {
            ids[0]: frame[ids[0]].to_numpy(),
            "midpointMjdTai": frame["midpointMjdTai"].to_numpy(),
            "band": frame["band"].to_numpy(),
            "psfFlux": mag,
            "psfFluxErr": err,
        }
    )[~nonpositive]
    _check_lsst_bands(frame["band"], band_map)
    return LightCurves.from_table(
        frame,
        columns={name: DP1_COLUMNS[name] for name in frame.columns},
        band_map=band_map,
        duplicates=duplicates,
        _dropped={"flagged": int(flagged.sum()), "nonpositive_flux": int(nonpositive.sum())},
    )


def _flagged(table: pd.DataFrame, flags: Iterable[str] | None) -> np.ndarray:
    """Rows with any of the flags set (missing values count as not set)."""
    if flags is None:
        known = {name for names in DP1_FLAGS.values() for name in names}
        names = [name for name in table.columns if name in known]
    else:
        names = list(flags)
        missing = [name for name in names if name not in table.columns]
        if missing:
            raise LightCurveError(
                f"the DP1 table has no flag column(s) {missing}: query them, or give "
                "flags= the flags it has (flags=() keeps every measurement)"
            )
    flagged = np.zeros(len(table), dtype=bool)
    for name in names:
        flagged |= table[name].astype(object).fillna(False).to_numpy(dtype=bool)
    return flagged


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
        Object ids (``objectId`` for ``ForcedSource``, ``diaObjectId`` for the
        others). Each must be an integer (Python or numpy; strings and floats are
        refused, so nothing but digits reaches the query).
    where : str, optional
        An ADQL condition, ANDed with the id list, written in terms of the aliases of
        `DP1_TAP_TABLES` (``s`` for the source table, ``v`` for ``dp1.Visit``), e.g.
        ``"s.band = 'r'"``. It is passed to the service as written: build it from
        trusted text only. A ``;`` is refused.
    table : {"DiaSource", "ForcedSourceOnDiaObject", "ForcedSource"}
        Detections on difference images (with the direct-image flux), or forced
        photometry on DIA objects or on Objects (joined to ``dp1.Visit`` for its
        times).
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
        raise LightCurveError(f"object_ids is empty: give at least one {DP1_ID_COLUMNS[table]}")
    queries = []
    for start in range(0, len(ids), chunk_size):
        listed = ", ".join(str(value) for value in ids[start : start + chunk_size])
        clause = f"s.{DP1_ID_COLUMNS[table]} IN ({listed})"
        if condition is not None:
            clause = f"{clause} AND {condition}"
        queries.append(f"{select} WHERE {clause}")
    return queries


class TapError(ConnectionError):
    """A TAP service refused a query, failed, or did not answer in time."""


def rsp_tap_service(name: str = "tap") -> Any:
    """The Rubin Science Platform's TAP service, as ``lsst.rsp`` finds it.

    `lsst.rsp.get_tap_service` builds the service URL from ``EXTERNAL_TAP_URL`` (or
    ``EXTERNAL_INSTANCE_URL`` + ``api/tap``) and authenticates with the user's token
    (the Nublado secrets mount, or ``ACCESS_TOKEN``): inside an RSP notebook nothing
    needs to be set; elsewhere set those variables.

    Parameters
    ----------
    name : {"tap", "live", "ssotap"}
        Which of the RSP's TAP services (``tap`` holds DP1).

    Returns
    -------
    pyvo.dal.TAPService

    Raises
    ------
    ImportError
        If lsst-rsp is not installed (``pip install tvs-classifier[rsp]``).

    Examples
    --------
    >>> service = rsp_tap_service()  # doctest: +SKIP
    >>> lcs = query_dp1_tap([611255141361770267], service=service)  # doctest: +SKIP
    """
    try:
        from lsst.rsp import get_tap_service
    except ImportError as error:
        raise ImportError(
            "finding the Rubin Science Platform's TAP service needs lsst-rsp: "
            "pip install tvs-classifier[rsp]"
        ) from error
    return get_tap_service(name)


def query_dp1_tap(
    objects: Iterable[int] | str,
    *,
    service: Any = None,
    table: str = "DiaSource",
    chunk_size: int = 1000,
    maxrec: int | None = None,
    timeout: float = 600.0,
    flags: Iterable[str] | None = None,
    band_map: Mapping[str, str] | None = None,
    duplicates: str = "mean",
    progress: bool = True,
) -> LightCurves:
    """Query DP1 light curves through TAP and return them validated, in AB magnitudes.

    Each chunk of ids is one asynchronous TAP job, as the DP1 tutorials run them:
    submitted, run, waited for, its result fetched, and deleted (also when it fails).

    Parameters
    ----------
    objects : iterable of int or str
        Object ids of ``table`` (see `dp1_adql`), or an ADQL condition.
    service : pyvo.dal.TAPService, str or object, optional
        The TAP service: by default the Rubin Science Platform's
        (`rsp_tap_service`); a pyvo service; its URL (needs pyvo); or any object with
        a pyvo-like ``search(query)`` method returning a table (queried synchronously).
    table : {"DiaSource", "ForcedSourceOnDiaObject", "ForcedSource"}
        As in `dp1_adql`.
    chunk_size : int
        Ids per query (per job).
    maxrec : int, optional
        The row limit asked of the service.
    timeout : float
        Seconds to wait for each job to finish.
    flags : iterable of str, optional
        As in `from_dp1`: by default the flags of `DP1_FLAGS` that the query selects.
    band_map, duplicates
        As in `from_dp1`.
    progress : bool
        Show a progress bar over the jobs.

    Returns
    -------
    LightCurves
        With flagged and non-positive measurements dropped and counted in the report.

    Raises
    ------
    TapError
        If the service refuses the token (HTTP 401/403), fails (HTTP 5xx or an
        unreachable host), a job ends in phase ERROR or ABORTED (with the service's
        message), or a job does not finish within ``timeout``.
    ImportError
        If ``service`` is a URL and pyvo is not installed, or is omitted and lsst-rsp
        is not installed.
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
    ...                 "scienceFlux": [1000.0, 1100.0],
    ...                 "scienceFluxErr": [10.0, 10.0],
    ...             }
    ...         )
    >>> query_dp1_tap([7], service=Service(), progress=False).n_points.tolist()
    [2]
    """
    if isinstance(objects, str):
        queries = dp1_adql(where=objects, table=table, chunk_size=chunk_size)
    else:
        queries = dp1_adql(objects, table=table, chunk_size=chunk_size)
    tap = rsp_tap_service() if service is None else _tap_service(service)
    frames = []
    for k, query in enumerate(tqdm(queries, desc="TAP jobs", disable=not progress)):
        where = f"query {k + 1} of {len(queries)} on dp1.{table}"
        result = _run_query(tap, query, maxrec=maxrec, timeout=timeout, where=where)
        frames.append(_dp1_frame(result))
    frame = pd.concat(frames, ignore_index=True)
    if frame.empty:
        raise LightCurveError(
            f"the TAP service returned no rows for {len(queries)} quer(ies) on dp1.{table}: "
            "check the ids or the condition"
        )
    return from_dp1(frame, flags=flags, band_map=band_map, duplicates=duplicates)


def _run_query(tap: Any, query: str, *, maxrec: int | None, timeout: float, where: str) -> Any:
    """One query's table: an async job where the service has them, else ``search``."""
    options = {} if maxrec is None else {"maxrec": maxrec}
    if not hasattr(tap, "submit_job"):
        result = tap.search(query, **options)
        return result.to_table() if hasattr(result, "to_table") else result
    from pyvo.dal import DALQueryError, DALServiceError

    url = getattr(tap, "baseurl", "the TAP service")
    job = None
    try:
        job = tap.submit_job(query, **options)
        job.run()
        job.wait(phases=["COMPLETED", "ERROR", "ABORTED"], timeout=timeout)
        job.raise_if_error()
        return job.fetch_result().to_table()
    except DALQueryError as error:
        raise TapError(f"the TAP job of {where} failed at {url}: {error}") from error
    except DALServiceError as error:
        phase = getattr(job, "phase", None) if job is not None else None
        if phase in {"PENDING", "QUEUED", "EXECUTING"}:
            raise TapError(
                f"the TAP job of {where} did not finish within {timeout:g} s (phase "
                f"{phase}) at {url}: raise timeout= or give fewer ids per job (chunk_size=)"
            ) from error
        raise TapError(_http_message(error, url, where)) from error
    finally:
        if job is not None:
            with suppress(Exception):  # a job left behind expires on the server
                job.delete()


def _http_message(error: Any, url: str, where: str) -> str:
    """What an HTTP failure of a TAP request means, in words."""
    code = getattr(error, "code", None)
    if code in (401, 403):
        return (
            f"the TAP service at {url} refused the request (HTTP {code}) for {where}: "
            "no valid token. On the Rubin Science Platform lsst.rsp finds it; elsewhere "
            "set ACCESS_TOKEN to an RSP token with the read:tap scope"
        )
    if code:
        return (
            f"the TAP service at {url} failed (HTTP {code}) on {where}: nothing was "
            f"returned; try again later ({error})"
        )
    return f"could not reach the TAP service at {url} for {where}: {error}"


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
