"""Training sets from a labelled catalog: cross-match by position and magnitude.

Szklenar et al. trained their classifiers on survey light curves of stars whose
classes a catalog such as OGLE gives. `crossmatch` pairs the entries of such a
catalog (``ra, dec, class`` and optionally ``subclass, period, mag``) with survey
objects (``object_id, ra, dec`` and optionally ``mag``, or a mean magnitude computed
from their light curves) when they lie within ``radius`` of each other and, where both
have a magnitude, the magnitudes agree within ``max_mag_difference``. A training set
must not carry wrong labels, so a pairing that is not unique is left out by default
and reported:

* **matched**: one catalog entry, one survey object;
* **unmatched**: no survey object within the radius;
* **magnitude outliers**: objects within the radius, but none with a magnitude that
  agrees;
* **ambiguous**: several agreeing objects within the radius of one entry, or one
  object claimed by several entries (``ambiguous="nearest"`` keeps the nearest pair).

`build_training_set` turns the matches into light curves and a label table.

The search is astropy's `~astropy.coordinates.SkyCoord.search_around_sky` (a k-d tree
on unit vectors, so the poles and RA 0/360 need no special care), and everything after
it is vectorised, so catalogs of 10^6 entries against 10^6 objects take seconds.
Catalogs opened with LSDB (``lsdb.Catalog``) are matched with LSDB's own
``Catalog.crossmatch``, partition by partition, and resolved the same way.

Coordinates are in degrees unless an astropy column carries another angular unit.

Examples
--------
>>> import pandas as pd
>>> catalog = pd.DataFrame(
...     {
...         "ra": [10.0, 20.0],
...         "dec": [-5.0, 30.0],
...         "class": ["RRLyr", "Cep"],
...         "period": [0.55, 5.2],
...         "mag": [17.0, 15.0],
...     }
... )
>>> objects = pd.DataFrame(
...     {
...         "object_id": [101, 102, 103],
...         "ra": [10.0001, 20.0, 50.0],
...         "dec": [-5.0, 30.0001, 0.0],
...         "mag": [17.1, 15.2, 16.0],
...     }
... )
>>> result = crossmatch(catalog, objects)
>>> result.matches[["object_id", "class", "period"]].values.tolist()
[[101, 'RRLyr', 0.55], [102, 'Cep', 5.2]]
>>> result.statistics["matched"], result.statistics["unmatched"]
(2, 0)
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import astropy.units as u
import numpy as np
import pandas as pd
from astropy.coordinates import SkyCoord

from .._grouped import group_mean
from ..io.readers import is_lsdb_catalog
from ..lightcurves import LightCurves

__all__ = [
    "CATALOG_COLUMNS",
    "OBJECT_COLUMNS",
    "CrossmatchError",
    "CrossmatchResult",
    "build_training_set",
    "crossmatch",
    "mean_magnitudes",
]

#: Catalog columns: required ones first, then optional ones.
CATALOG_COLUMNS: tuple[str, ...] = ("ra", "dec", "class", "subclass", "period", "mag")

#: Survey-object columns: required ones first, then the optional magnitude.
OBJECT_COLUMNS: tuple[str, ...] = ("object_id", "ra", "dec", "mag")

_AMBIGUOUS_POLICIES = ("drop", "nearest")

#: Columns of a pair; catalog columns of these names get a ``catalog_`` prefix.
_PAIR_COLUMNS = ("object_id", "catalog_index", "separation_arcsec", "mag_difference")


class CrossmatchError(ValueError):
    """Inputs that cannot be cross-matched, with what to do about it."""


@dataclass(frozen=True)
class CrossmatchResult:
    """Catalog entries paired with survey objects, and what could not be paired.

    Attributes
    ----------
    matches : pandas.DataFrame
        One row per pair used: ``object_id``, ``catalog_index`` (the catalog's
        row label), ``separation_arcsec``, ``mag_difference`` (catalog plus
        ``mag_offset`` minus object; NaN where a magnitude is missing), then the
        catalog's columns (``class``, ``subclass``, ``period``, ``mag``, ... ).
    ambiguous : pandas.DataFrame
        Every agreeing pair in an ambiguous group, with ``reason``
        (``several_objects``, ``several_catalog_entries`` or both) and ``used``
        (whether ``ambiguous="nearest"`` kept it).
    outliers : pandas.DataFrame
        Pairs within the radius of the magnitude-outlier entries, whose magnitudes
        disagree.
    statistics : dict of str to int
        ``n_catalog``, ``n_objects``, ``candidates`` (pairs within the radius),
        ``matched``, ``unmatched``, ``magnitude_outliers``, ``ambiguous`` (entries in
        an ambiguous group) and ``ambiguous_resolved`` (of those, matched by
        ``ambiguous="nearest"``).

    Examples
    --------
    >>> result = CrossmatchResult(
    ...     pd.DataFrame(),
    ...     pd.DataFrame(),
    ...     pd.DataFrame(),
    ...     {"n_catalog": 3, "matched": 2, "unmatched": 1},
    ... )
    >>> result.summary()
    '3 catalog entries: 2 matched, 1 unmatched'
    """

    matches: pd.DataFrame
    ambiguous: pd.DataFrame
    outliers: pd.DataFrame
    statistics: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        """Return a one-line account of the match statistics."""
        stats = self.statistics
        parts = [
            f"{stats.get(key, 0)} {key.replace('_', ' ')}"
            for key in ("matched", "unmatched", "magnitude_outliers", "ambiguous")
            if key in stats
        ]
        text = f"{stats.get('n_catalog', 0)} catalog entries: " + ", ".join(parts)
        if stats.get("ambiguous_resolved"):
            text += f" ({stats['ambiguous_resolved']} resolved to the nearest)"
        return text


def crossmatch(
    catalog: Any,
    objects: Any,
    *,
    radius: u.Quantity | float = 1.0 * u.arcsec,
    max_mag_difference: u.Quantity | float | None = 1.0,
    mag_offset: float = 0.0,
    light_curves: LightCurves | None = None,
    band: str | None = None,
    ambiguous: str = "drop",
    catalog_columns: Mapping[str, str] | None = None,
    object_columns: Mapping[str, str] | None = None,
    n_neighbors: int = 8,
) -> CrossmatchResult:
    """Pair labelled catalog entries with survey objects by position and magnitude.

    Parameters
    ----------
    catalog : pandas.DataFrame, astropy.table.Table or lsdb.Catalog
        Columns ``ra, dec, class`` and optionally ``subclass, period, mag`` (other
        columns are carried into the matches).
    objects : pandas.DataFrame, astropy.table.Table or lsdb.Catalog
        Columns ``object_id, ra, dec`` and optionally ``mag``.
    radius : Quantity or float
        Largest separation of a pair; a float is in arcseconds.
    max_mag_difference : Quantity, float or None
        Largest magnitude difference of a pair, once ``mag_offset`` is added to the
        catalog's magnitudes; None compares positions only. A pair in which either
        magnitude is missing is judged by position only.
    mag_offset : float
        Added to the catalog's magnitudes before comparing, for a catalog in
        another band (e.g. the typical OGLE I to LSST i offset of the stars matched).
    light_curves : LightCurves, optional
        Used for the objects' magnitudes when ``objects`` has no ``mag`` column
        (see `mean_magnitudes`).
    band : str, optional
        The band of those mean magnitudes; the reddest LSST band present by default.
    ambiguous : {"drop", "nearest"}
        Leave ambiguous pairs out (the default, for clean labels) or keep, for each
        entry, the nearest agreeing object not claimed by a nearer entry.
    catalog_columns, object_columns : mapping of str to str, optional
        Renames to the names above, e.g. ``{"RAJ2000": "ra", "Type": "class"}``.
    n_neighbors : int
        With LSDB catalogs only: the most objects LSDB reports per entry (more
        than one, so that ambiguity can be seen). LSDB reports only entries with an
        object within the radius, so there ``n_catalog`` counts those and
        ``unmatched`` is 0.

    Returns
    -------
    CrossmatchResult

    Raises
    ------
    CrossmatchError
        If a column is missing, a coordinate is NaN or out of range (e.g. not in
        degrees), ``radius`` is not a positive angle, ``max_mag_difference`` is
        negative or not in magnitudes, or ``ambiguous`` is not known.

    Examples
    --------
    Two catalog entries claim one object; ``"nearest"`` gives it to the nearer:

    >>> catalog = pd.DataFrame({"ra": [0.0, 0.0004], "dec": [0.0, 0.0], "class": ["EB", "DSCT"]})
    >>> objects = pd.DataFrame({"object_id": ["a"], "ra": [359.9999], "dec": [0.0]})
    >>> crossmatch(catalog, objects, radius=2.0).statistics["ambiguous"]
    2
    >>> crossmatch(catalog, objects, radius=2.0, ambiguous="nearest").matches["class"].tolist()
    ['EB']
    """
    if ambiguous not in _AMBIGUOUS_POLICIES:
        raise CrossmatchError(
            f"ambiguous={ambiguous!r} is not known: use one of {_AMBIGUOUS_POLICIES}"
        )
    radius_arcsec = _angle_arcsec(radius)
    max_dmag = _magnitude(max_mag_difference)
    if is_lsdb_catalog(catalog) or is_lsdb_catalog(objects):
        cat, obj, pairs = _lsdb_pairs(
            catalog, objects, radius_arcsec, n_neighbors, catalog_columns, object_columns
        )
    else:
        cat = _table(catalog, CATALOG_COLUMNS[:3], catalog_columns, "catalog")
        obj = _table(objects, OBJECT_COLUMNS[:3], object_columns, "objects")
        pairs = None
    if "mag" not in obj.columns and light_curves is not None:
        means = mean_magnitudes(light_curves, band)
        obj = obj.assign(mag=means.reindex(obj["object_id"].to_numpy()).to_numpy())
    if pairs is None:
        pairs = _sky_pairs(cat, obj, radius_arcsec)
    return _resolve(cat, obj, *pairs, max_dmag, mag_offset, ambiguous)


def build_training_set(
    light_curves: LightCurves,
    objects: Any,
    catalog: Any,
    **options: Any,
) -> tuple[LightCurves, pd.DataFrame]:
    """Light curves of the catalog's stars and their labels, ready for training.

    Parameters
    ----------
    light_curves : LightCurves
        The survey's light curves.
    objects : pandas.DataFrame, astropy.table.Table or lsdb.Catalog
        Their positions (``object_id, ra, dec``, optionally ``mag``).
    catalog : pandas.DataFrame, astropy.table.Table or lsdb.Catalog
        The labelled catalog (``ra, dec, class``, optionally ``subclass, period,
        mag``).
    **options
        Passed to `crossmatch` (``radius``, ``max_mag_difference``, ``ambiguous``,
        ...). The objects' mean magnitudes come from ``light_curves`` when
        ``objects`` has none.

    Returns
    -------
    light_curves : LightCurves
        The matched objects' light curves (matched objects without a light curve are
        left out).
    labels : pandas.DataFrame
        ``object_id, class, subclass, period`` in the order of ``light_curves``
        (subclass None and period NaN where the catalog has none). Its
        ``attrs["crossmatch"]`` holds the `CrossmatchResult` statistics.

    Raises
    ------
    CrossmatchError
        If no catalog entry is matched to an object with a light curve.

    Examples
    --------
    >>> table = pd.DataFrame(
    ...     {
    ...         "object_id": [1, 1, 2],
    ...         "mjd": [1.0, 2.0, 1.0],
    ...         "band": ["i"] * 3,
    ...         "mag": [16.0, 16.2, 18.0],
    ...         "mag_err": [0.01] * 3,
    ...     }
    ... )
    >>> lcs = LightCurves.from_table(table)
    >>> objects = pd.DataFrame({"object_id": [1, 2], "ra": [80.0, 81.0], "dec": [-69.0, -69.0]})
    >>> catalog = pd.DataFrame(
    ...     {
    ...         "ra": [80.0],
    ...         "dec": [-69.0],
    ...         "class": ["Cep"],
    ...         "subclass": ["F"],
    ...         "period": [3.1],
    ...         "mag": [16.1],
    ...     }
    ... )
    >>> train, labels = build_training_set(lcs, objects, catalog)
    >>> labels.values.tolist()
    [[1, 'Cep', 'F', 3.1]]
    """
    options.setdefault("light_curves", light_curves)
    result = crossmatch(catalog, objects, **options)
    matches = result.matches
    present = matches["object_id"].isin(light_curves.object_ids).to_numpy()
    if not present.any():
        raise CrossmatchError(
            f"no catalog entry was matched to an object with a light curve "
            f"({result.summary()}); check the coordinates, radius= and max_mag_difference="
        )
    matches = matches[present]
    selected = light_curves.select(matches["object_id"].to_numpy())
    rows = matches.set_index("object_id").reindex(selected.object_ids)
    labels = pd.DataFrame(
        {
            "object_id": selected.object_ids,
            "class": rows["class"].to_numpy(),
            "subclass": rows["subclass"].to_numpy() if "subclass" in rows else None,
            "period": rows["period"].to_numpy(np.float64) if "period" in rows else np.nan,
        }
    )
    labels.attrs["crossmatch"] = dict(result.statistics)
    return selected, labels


def mean_magnitudes(light_curves: LightCurves, band: str | None = None) -> pd.Series:
    """Inverse-variance weighted mean magnitude of every object in one band.

    Parameters
    ----------
    light_curves : LightCurves
    band : str, optional
        The band; by default the reddest LSST band present (the one closest to the
        I band of most variable-star catalogs), or the first band if none is LSST's.

    Returns
    -------
    pandas.Series
        Indexed by object id; NaN for an object not observed in the band.

    Raises
    ------
    CrossmatchError
        If the band is not in the light curves.

    Examples
    --------
    >>> table = pd.DataFrame(
    ...     {
    ...         "object_id": ["a", "a", "b"],
    ...         "mjd": [1.0, 2.0, 1.0],
    ...         "band": ["i", "i", "g"],
    ...         "mag": [16.0, 17.0, 18.0],
    ...         "mag_err": [0.1, 0.1, 0.1],
    ...     }
    ... )
    >>> mean_magnitudes(LightCurves.from_table(table)).tolist()
    [16.5, nan]
    """
    bands = light_curves.bands
    if band is None:
        lsst = [name for name in bands if name in "ugrizy" and len(name) == 1]
        band = lsst[-1] if lsst else bands[0]
    if band not in bands:
        raise CrossmatchError(f"band {band!r} is not in the light curves, which have {bands}")
    table = light_curves.table
    row_band = light_curves.band_index((band,))
    n = len(light_curves)
    group = np.where(row_band == 0, light_curves.object_index, -1)
    weights = 1.0 / table["mag_err"].to_numpy(dtype=np.float64) ** 2
    mean = group_mean(table["mag"].to_numpy(dtype=np.float64), group, n, weights)
    return pd.Series(mean, index=pd.Index(light_curves.object_ids, name="object_id"), name="mag")


def _resolve(
    cat: pd.DataFrame,
    obj: pd.DataFrame,
    i: np.ndarray,
    j: np.ndarray,
    sep: np.ndarray,
    max_dmag: float | None,
    mag_offset: float,
    policy: str,
) -> CrossmatchResult:
    """Classify candidate pairs (catalog row i, object row j) and pick the matches."""
    n_cat, n_obj = len(cat), len(obj)
    cat_mag = _column(cat, "mag")[i] + mag_offset
    obj_mag = _column(obj, "mag")[j]
    dmag = cat_mag - obj_mag
    agree = np.ones(i.size, dtype=bool) if max_dmag is None else ~(np.abs(dmag) > max_dmag)
    has_candidate = np.bincount(i, minlength=n_cat) > 0
    has_agreeing = np.bincount(i[agree], minlength=n_cat) > 0
    outlier_entry = has_candidate & ~has_agreeing
    per_entry = np.bincount(i[agree], minlength=n_cat)[i]
    per_object = np.bincount(j[agree], minlength=n_obj)[j]
    several_objects = agree & (per_entry > 1)
    several_entries = agree & (per_object > 1)
    in_group = several_objects | several_entries
    # an entry is ambiguous if any of its agreeing pairs is; so is every entry sharing
    # an object with it (they are flagged through their own pairs).
    ambiguous_entry = np.bincount(i[in_group], minlength=n_cat) > 0
    unique = agree & ~ambiguous_entry[i]
    used = np.zeros(i.size, dtype=bool)
    if policy == "nearest":
        candidates = np.flatnonzero(agree & ambiguous_entry[i])
        order = candidates[np.argsort(sep[candidates], kind="stable")]
        taken_objects = set(j[unique].tolist())
        taken_entries: set[int] = set()
        for k in order:  # greedy by separation; only the ambiguous pairs loop here
            if i[k] in taken_entries or j[k] in taken_objects:
                continue
            used[k] = True
            taken_entries.add(int(i[k]))
            taken_objects.add(int(j[k]))
    chosen = unique | used

    def pairs(mask: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "object_id": obj["object_id"].to_numpy()[j[mask]],
                "catalog_index": cat.index.to_numpy()[i[mask]],
                "separation_arcsec": sep[mask],
                "mag_difference": dmag[mask],
            }
        )

    order = np.argsort(i[chosen], kind="stable")
    extra = cat.drop(columns=["ra", "dec"]).iloc[i[chosen][order]].reset_index(drop=True)
    clashes = [name for name in extra.columns if name in _PAIR_COLUMNS]
    extra = extra.rename(columns={name: f"catalog_{name}" for name in clashes})
    matches = pd.concat([pairs(chosen).iloc[order].reset_index(drop=True), extra], axis=1)
    reason = np.where(
        several_objects & several_entries,
        "several_objects; several_catalog_entries",
        np.where(several_objects, "several_objects", "several_catalog_entries"),
    )
    ambiguous = pairs(in_group).assign(reason=reason[in_group], used=used[in_group])
    outliers = pairs(outlier_entry[i])
    statistics = {
        "n_catalog": n_cat,
        "n_objects": n_obj,
        "candidates": int(i.size),
        "matched": int(chosen.sum()),
        "unmatched": int(n_cat - has_candidate.sum()),
        "magnitude_outliers": int(outlier_entry.sum()),
        "ambiguous": int(ambiguous_entry.sum()),
        "ambiguous_resolved": int(used.sum()),
    }
    return CrossmatchResult(matches, ambiguous, outliers, statistics)


def _sky_pairs(
    cat: pd.DataFrame, obj: pd.DataFrame, radius_arcsec: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All (catalog row, object row, separation in arcsec) within the radius."""
    if len(cat) == 0 or len(obj) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    cat_coord = SkyCoord(cat["ra"].to_numpy() * u.deg, cat["dec"].to_numpy() * u.deg)
    obj_coord = SkyCoord(obj["ra"].to_numpy() * u.deg, obj["dec"].to_numpy() * u.deg)
    i, j, sep, _ = obj_coord.search_around_sky(cat_coord, radius_arcsec * u.arcsec)
    # search_around_sky(searcharoundcoords=cat) returns (cat index, obj index)
    return i.astype(np.int64), j.astype(np.int64), sep.to_value(u.arcsec)


def _lsdb_pairs(
    catalog: Any,
    objects: Any,
    radius_arcsec: float,
    n_neighbors: int,
    catalog_columns: Mapping[str, str] | None,
    object_columns: Mapping[str, str] | None,
) -> tuple[pd.DataFrame, pd.DataFrame, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Candidate pairs from LSDB's crossmatch; both inputs must then be LSDB catalogs.

    Only entries LSDB paired with an object are seen, so ``n_catalog`` counts those
    and ``unmatched`` is 0; entries are told apart by ``(ra, dec, class)`` and objects
    by ``object_id``.
    """
    if not (is_lsdb_catalog(catalog) and is_lsdb_catalog(objects)):
        raise CrossmatchError(
            "one input is an lsdb Catalog and the other is not: open both with lsdb "
            "(lsdb.from_dataframe for a small table) or compute() the catalog"
        )
    suffixes = ("__cat", "__obj")
    options: dict[str, Any] = {"suffixes": suffixes}
    if "suffix_method" in inspect.signature(catalog.crossmatch).parameters:
        options["suffix_method"] = "all_columns"  # lsdb >= 0.7; the default before
    joined = catalog.crossmatch(
        objects, n_neighbors=n_neighbors, radius_arcsec=radius_arcsec, **options
    ).compute()
    names_cat = [c[: -len(suffixes[0])] for c in joined.columns if c.endswith(suffixes[0])]
    names_obj = [c[: -len(suffixes[1])] for c in joined.columns if c.endswith(suffixes[1])]
    cat_flat = pd.DataFrame({n: joined[n + suffixes[0]].to_numpy() for n in names_cat})
    obj_flat = pd.DataFrame({n: joined[n + suffixes[1]].to_numpy() for n in names_obj})
    cat_flat = _table(cat_flat, CATALOG_COLUMNS[:3], catalog_columns, "catalog")
    obj_flat = _table(obj_flat, OBJECT_COLUMNS[:3], object_columns, "objects")
    key = ["ra", "dec", "class"]
    i, _ = pd.factorize(pd.MultiIndex.from_frame(cat_flat[key]))
    first_cat = pd.Series(np.arange(len(i))).groupby(i).first().to_numpy()
    j, _ = pd.factorize(obj_flat["object_id"])
    first_obj = pd.Series(np.arange(len(j))).groupby(j).first().to_numpy()
    cat = cat_flat.iloc[first_cat].reset_index(drop=True)
    obj = obj_flat.iloc[first_obj].reset_index(drop=True)
    distance = [c for c in joined.columns if "dist" in c and "arcsec" in c]
    if distance:
        sep = joined[distance[0]].to_numpy(dtype=np.float64)
    else:
        a = SkyCoord(cat_flat["ra"].to_numpy() * u.deg, cat_flat["dec"].to_numpy() * u.deg)
        b = SkyCoord(obj_flat["ra"].to_numpy() * u.deg, obj_flat["dec"].to_numpy() * u.deg)
        sep = a.separation(b).to_value(u.arcsec)
    return cat, obj, (i.astype(np.int64), j.astype(np.int64), sep)


def _table(
    table: Any, required: tuple[str, ...], columns: Mapping[str, str] | None, what: str
) -> pd.DataFrame:
    """A DataFrame with checked coordinates in degrees (RA wrapped into [0, 360))."""
    if hasattr(table, "colnames") and hasattr(table, "to_pandas"):
        table = _astropy_to_frame(table, columns, what)
    elif not isinstance(table, pd.DataFrame):
        raise CrossmatchError(
            f"{what} must be a pandas DataFrame, an astropy Table or an lsdb Catalog, "
            f"got {type(table).__name__}"
        )
    if columns:
        unknown = [name for name in columns if name not in table.columns]
        if unknown:
            raise CrossmatchError(
                f"{what} columns= renames unknown column(s) {unknown}; "
                f"it has {list(table.columns)}"
            )
        table = table.rename(columns=dict(columns))
    missing = [name for name in required if name not in table.columns]
    if missing:
        option = "catalog_columns" if what == "catalog" else "object_columns"
        raise CrossmatchError(
            f"{what} has no column(s) {missing} (it has {list(table.columns)}); rename "
            f"yours with {option}={{'your_name': {missing[0]!r}}}"
        )
    frame = table.copy()
    for name in ("ra", "dec") + (("mag",) if "mag" in frame.columns else ()):
        try:
            frame[name] = pd.to_numeric(frame[name], errors="raise").astype(np.float64)
        except (TypeError, ValueError) as error:
            raise CrossmatchError(f"{what} column {name!r} must be numeric ({error})") from None
    bad = ~(np.isfinite(frame["ra"].to_numpy()) & np.isfinite(frame["dec"].to_numpy()))
    if bad.any():
        raise CrossmatchError(
            f"{what} has {int(bad.sum())} row(s) with a NaN or infinite ra/dec "
            f"(first: row {frame.index[bad][0]!r}); drop them or fill in the coordinates"
        )
    dec = frame["dec"].to_numpy()
    if len(dec) and np.abs(dec).max() > 90.0:
        raise CrossmatchError(
            f"{what} dec reaches {np.abs(dec).max():.6g}, outside [-90, 90]: coordinates "
            "must be in degrees (convert arcsec, radians or sexagesimal first)"
        )
    ra = frame["ra"].to_numpy()
    if len(ra) and (ra.min() < -360.0 or ra.max() > 360.0):
        raise CrossmatchError(
            f"{what} ra spans [{ra.min():.6g}, {ra.max():.6g}], outside [-360, 360]: "
            "coordinates must be in degrees"
        )
    frame["ra"] = np.mod(ra, 360.0)
    if what == "objects" and frame["object_id"].duplicated().any():
        first = frame["object_id"][frame["object_id"].duplicated()].iloc[0]
        raise CrossmatchError(
            f"objects has repeated object_id(s) (first: {first!r}): give one position per object"
        )
    return frame


def _astropy_to_frame(table: Any, columns: Mapping[str, str] | None, what: str) -> pd.DataFrame:
    """An astropy table as a DataFrame, angles converted to degrees and mags to floats."""
    from astropy.table import Table

    table = Table(table, copy=True)
    renamed = dict(columns or {})
    for name in table.colnames:
        target = renamed.get(name, name)
        unit = table[name].unit
        if target in ("ra", "dec") and unit is not None:
            try:
                table[name] = (np.asarray(table[name], dtype=np.float64) * unit).to_value(u.deg)
            except u.UnitsError:
                raise CrossmatchError(
                    f"{what} column {name!r} is in {unit}, not an angle: give ra/dec in degrees"
                ) from None
            table[name].unit = None
        elif target == "mag" and unit is not None:
            if not (unit == u.mag or isinstance(unit, u.MagUnit)):
                raise CrossmatchError(
                    f"{what} column {name!r} is in {unit}, not magnitudes: convert it to mag"
                )
            table[name] = np.asarray(table[name], dtype=np.float64)
            table[name].unit = None
    return table.to_pandas()


def _angle_arcsec(radius: u.Quantity | float) -> float:
    """The radius in arcsec; a float is taken as arcsec."""
    try:
        value = (
            u.Quantity(radius).to_value(u.arcsec)
            if isinstance(radius, u.Quantity)
            else float(radius)
        )
    except u.UnitsError:
        raise CrossmatchError(
            f"radius={radius} is not an angle: give e.g. 1 * astropy.units.arcsec"
        ) from None
    if not np.isfinite(value) or value <= 0:
        raise CrossmatchError(f"radius must be a positive angle, got {radius}")
    return value


def _magnitude(value: u.Quantity | float | None) -> float | None:
    """``max_mag_difference`` as a float in mag (None stays None)."""
    if value is None:
        return None
    if isinstance(value, u.Quantity):
        if value.unit not in (u.mag, u.dimensionless_unscaled):
            raise CrossmatchError(
                f"max_mag_difference={value} is not in magnitudes: give a number or u.mag"
            )
        value = value.value
    value = float(value)
    if not value >= 0:
        raise CrossmatchError(f"max_mag_difference must be zero or positive, got {value}")
    return value


def _column(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A float column, or NaN everywhere if absent."""
    if name not in frame.columns:
        return np.full(len(frame), np.nan)
    return frame[name].to_numpy(dtype=np.float64)
