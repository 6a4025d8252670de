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

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .lightcurves import LightCurveError, LightCurves

__all__ = ["AB_ZEROPOINT_NJY", "DP1_COLUMNS", "from_dp1", "is_dp1_table", "njy_to_ab_mag"]

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
    table: pd.DataFrame,
    visits: pd.DataFrame | None = None,
    *,
    visit_time_column: str = "expMidptMJD",
    band_map: Mapping[str, str] | None = None,
    duplicates: str = "mean",
) -> LightCurves:
    """Validated light curves from a DP1 DiaSource or forced-photometry table.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``diaObjectId, band, psfFlux, psfFluxErr`` (nJy) and either
        ``midpointMjdTai`` or ``visit``.
    visits : pandas.DataFrame, optional
        DP1's ``Visit`` table (columns ``visit`` and ``visit_time_column``), needed
        when ``table`` has no ``midpointMjdTai``, as forced photometry has not.
    visit_time_column : str
        The time column of ``visits`` (MJD).
    band_map, duplicates
        As in `tvs_classifier.lightcurves.LightCurves.from_table`.

    Returns
    -------
    LightCurves
        AB magnitudes; rows with a non-positive flux dropped and counted as
        ``nonpositive_flux``.

    Raises
    ------
    LightCurveError
        If a needed column is missing or a visit has no time in ``visits``.

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
