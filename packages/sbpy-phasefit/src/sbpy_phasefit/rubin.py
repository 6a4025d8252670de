"""Rubin's Solar System tables in, phase-curve fits out.

Rubin reports each detection of a Solar System object in ``DiaSource`` (band, time,
PSF flux of the difference image in nJy, the object's ``ssObjectId``) and its geometry
in ``SSSource`` (phase angle, heliocentric and topocentric distances, joined on
``diaSourceId``). `rubin_observations` takes such a table, joined, and gives the
columns a phase-curve fit needs; `fit_rubin` fits every object and band in one call.
Column names follow the schemas of lsst/sdm_schemas (``python/lsst/sdm/schemas``):

* DP1 and LSSTCam (``dp1.yaml``, ``lsstcam.yaml``): ``ssObjectId, band, psfFlux,
  psfFluxErr, phaseAngle, heliocentricDist, topocentricDist``;
* the alert database from version 9 (``apdb.yaml``, ``sso_base.yaml``): the same but
  ``helioRange, topoRange``;
* Data Preview 0.3 (``dp03_10yr.yaml``): ``mag, magErr`` instead of fluxes;
* for the spin-aware sHG1G2 model, DiaSource's ``ra, dec`` (deg), the direction of the
  target at each detection.

Fluxes become AB magnitudes, ``m = -2.5 log10(f / nJy) + 31.4``, with error
``2.5 / ln 10 * df / f``. A flux that is not positive has no magnitude: it is named
in the error, or with ``invalid="flag"`` left out and the object flagged.

Examples
--------
>>> import numpy as np
>>> table = {
...     "ssObjectId": [7, 7, 7],
...     "band": ["r", "r", "r"],
...     "psfFlux": [10 ** (-0.4 * (m - 31.4)) for m in (19.0, 19.2, 19.4)],
...     "psfFluxErr": [1e3, 1e3, 1e3],
...     "phaseAngle": [2.0, 10.0, 20.0],
...     "heliocentricDist": [2.0, 2.0, 2.0],
...     "topocentricDist": [1.0, 1.1, 1.2],
... }
>>> obs = rubin_observations(table)
>>> np.round(obs["mag"], 6).tolist(), obs["columns"]["distances"]
([19.0, 19.2, 19.4], ('heliocentricDist', 'topocentricDist'))
"""

from __future__ import annotations

from typing import Any

import astropy.units as u
import numpy as np
from astropy.table import QTable

from ._validate import as_numbers
from .fit import fit_phase_curves
from .spin import SHG1G2, fit_shg1g2

__all__ = ["AB_ZEROPOINT_NJY", "DISTANCE_COLUMNS", "fit_rubin", "rubin_observations"]

#: AB magnitude of a flux of 1 nJy: ``m = -2.5 log10(f / nJy) + 31.4``.
AB_ZEROPOINT_NJY = 31.4

#: Heliocentric and topocentric distance columns (au), by schema, in the order tried.
DISTANCE_COLUMNS = (
    ("heliocentricDist", "topocentricDist"),  # DP1, LSSTCam, DP0.3
    ("helioRange", "topoRange"),  # alert database (APDB) from schema version 9
)

#: Photometry columns, by schema, in the order tried: fluxes in nJy or magnitudes.
_PHOTOMETRY_COLUMNS = (("psfFlux", "psfFluxErr"), ("mag", "magErr"))


def rubin_observations(table: Any, *, invalid: str = "raise") -> dict[str, Any]:
    """The columns of a phase-curve fit from a Rubin DiaSource + SSSource table.

    Parameters
    ----------
    table : astropy.table.Table, pandas.DataFrame or mapping of columns
        One row per detection, with ``ssObjectId``, ``band``, ``phaseAngle`` (deg),
        the distances (`DISTANCE_COLUMNS`, au) and ``psfFlux, psfFluxErr`` (nJy) or
        ``mag, magErr``; ``ra, dec`` (deg) are read when present.
    invalid : {"raise", "flag"}
        A flux that is not positive: raise naming it, or give NaN magnitudes (the fit
        then leaves the row out and flags the object with ``invalid="flag"``).

    Returns
    -------
    dict
        ``ids, band, phase, mag, mag_err, rh, delta`` (arrays; ``mag`` apparent),
        ``ra, dec`` (arrays, or None without those columns) and ``columns``: which of
        the table's columns were used.

    Raises
    ------
    KeyError
        If a needed column is missing (the message names what was looked for).
    ValueError
        If a value is not a number, or a flux is not positive with ``invalid="raise"``.

    Examples
    --------
    >>> rubin_observations({"ssObjectId": [1], "band": ["g"]})
    Traceback (most recent call last):
    ...
    KeyError: "no column 'phaseAngle' (phase angle, deg) in the table; it has ['ssObjectId', 'band']"
    """
    if invalid not in ("raise", "flag"):
        raise ValueError(f"invalid must be 'raise' or 'flag', got {invalid!r}")
    names = list(_column_names(table))
    get = _getter(table, names)
    phase = as_numbers(get("phaseAngle", "phase angle, deg"), "phaseAngle", column=True)
    rh_name, delta_name = _first_present(DISTANCE_COLUMNS, names, "distances (au)")
    flux_name, err_name = _first_present(_PHOTOMETRY_COLUMNS, names, "photometry")
    value = as_numbers(get(flux_name, ""), flux_name, column=True)
    error = as_numbers(get(err_name, ""), err_name, column=True)
    if flux_name == "psfFlux":
        positive = value > 0.0
        if not positive.all() and invalid == "raise":
            bad = ~positive
            raise ValueError(
                f"{int(bad.sum())} psfFlux value(s) not positive (first at row "
                f"{int(np.argmax(bad))}): a magnitude needs a positive flux; pass "
                "invalid='flag' to leave them out"
            )
        with np.errstate(divide="ignore", invalid="ignore"):
            mag = np.where(positive, -2.5 * np.log10(value) + AB_ZEROPOINT_NJY, np.nan)
            mag_err = np.where(positive, 2.5 / np.log(10.0) * error / value, np.nan)
    else:
        mag, mag_err = value, error
    direction = {
        name: as_numbers(get(name, ""), name, column=True) if name in names else None
        for name in ("ra", "dec")
    }
    return {
        "ids": np.asarray(get("ssObjectId", "object id")),
        "band": np.asarray(get("band", "band name")).astype(str),
        "phase": phase,
        "mag": mag,
        "mag_err": mag_err,
        "rh": as_numbers(get(rh_name, ""), rh_name, column=True),
        "delta": as_numbers(get(delta_name, ""), delta_name, column=True),
        **direction,
        "columns": {"photometry": (flux_name, err_name), "distances": (rh_name, delta_name)},
    }


def fit_rubin(
    table: Any, *, model: str = "HG12", invalid: str = "raise", **options: Any
) -> QTable:
    """Fit every object and band of a Rubin DiaSource + SSSource table, from apparent fluxes.

    `rubin_observations` reads the columns; `sbpy_phasefit.fit_phase_curves` reduces
    the magnitudes to 1 au and fits each (object, band), or with
    ``shared_shape=True`` one shape per object with an H per band.
    `sbpy_phasefit.to_ssobject` renames an HG12 result to SSObject's columns. With
    ``model="SHG1G2"``, `sbpy_phasefit.spin.fit_shg1g2` fits H, G1 and G2 per band and
    one spin axis and oblateness per object, from DiaSource's ``ra`` and ``dec``.

    Parameters
    ----------
    table : astropy.table.Table, pandas.DataFrame or mapping of columns
        As in `rubin_observations`.
    model : str
        The phase function (default HG12, as Rubin's SSObject), or ``"SHG1G2"``.
    invalid : {"raise", "flag"}
        As in `fit_phase_curves` (and for fluxes that are not positive).
    **options
        Further keywords of `fit_phase_curves` (``shared_shape``, ``error_floor``,
        ``loss``, ``clip``, ``fixed``, ...), or of `fit_shg1g2` for sHG1G2.

    Returns
    -------
    astropy.table.QTable
        One row per (object, band), or per object with ``shared_shape=True`` or sHG1G2.

    Raises
    ------
    KeyError
        If a needed column is missing (for sHG1G2 also ``ra`` and ``dec``).

    Examples
    --------
    >>> table = {
    ...     "ssObjectId": [7] * 4,
    ...     "band": ["r"] * 4,
    ...     "mag": [19.0, 19.2, 19.4, 19.7],
    ...     "magErr": [0.02] * 4,
    ...     "phaseAngle": [2.0, 10.0, 20.0, 30.0],
    ...     "heliocentricDist": [2.0] * 4,
    ...     "topocentricDist": [1.0, 1.1, 1.2, 1.3],
    ... }
    >>> result = fit_rubin(table)
    >>> result["id"].tolist(), result["band"].tolist(), bool(result["H"][0] < 17.5 * u.mag)
    ([7], ['r'], True)
    """
    obs = rubin_observations(table, invalid=invalid)
    columns = (obs["phase"] * u.deg, obs["mag"] * u.mag, obs["ids"], obs["mag_err"] * u.mag)
    common = {"rh": obs["rh"] * u.au, "delta": obs["delta"] * u.au, "bands": obs["band"]}
    if model == SHG1G2.name:
        missing = [name for name in ("ra", "dec") if obs[name] is None]
        if missing:
            raise KeyError(
                f"sHG1G2 needs the target's direction: no column {' or '.join(map(repr, missing))}"
                " (DiaSource's ra and dec, deg) in the table"
            )
        result = fit_shg1g2(
            *columns, ra=obs["ra"] * u.deg, dec=obs["dec"] * u.deg, invalid=invalid,
            **common, **options,
        )  # fmt: skip
        obs["columns"]["direction"] = ("ra", "dec")
    else:
        result = fit_phase_curves(*columns, model=model, invalid=invalid, **common, **options)
    result.meta["rubin_columns"] = {k: list(v) for k, v in obs["columns"].items()}
    return result


def _column_names(table: Any) -> list[str]:
    """Column names of an astropy Table, a DataFrame or a mapping."""
    names = getattr(table, "colnames", None)
    if names is None:
        names = list(table.columns) if hasattr(table, "columns") else list(table)
    return [str(name) for name in names]


def _getter(table: Any, names: list[str]):
    """A function giving a column by name, or raising KeyError that says what it is."""

    def get(name: str, what: str) -> Any:
        if name not in names:
            raise KeyError(f"no column {name!r} ({what}) in the table; it has {names}")
        column = table[name]
        return column.to_numpy() if hasattr(column, "to_numpy") else column

    return get


def _first_present(
    choices: tuple[tuple[str, str], ...], names: list[str], what: str
) -> tuple[str, str]:
    """The first pair of column names all present in ``names``."""
    for pair in choices:
        if set(pair) <= set(names):
            return pair
    wanted = " or ".join("/".join(pair) for pair in choices)
    raise KeyError(f"no {what} columns ({wanted}) in the table; it has {names}")
