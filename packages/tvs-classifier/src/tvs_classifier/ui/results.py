"""What the dashboard shows: classifications from a store or a results file, filtered.

`Results` holds the latest classification of every object, from an update store
(`tvs_classifier.store.ClassificationStore`: a ``.sqlite`` path or a database URL,
with each object's history) or from a table written by ``tvs-classifier classify``
(CSV, Parquet, ECSV, VOTable; no history). It is read once; `Results.select` filters
it by class, probability, flags and model version, and `Results.export` writes a
selection. Nothing here writes to the store: the dashboard only reads it.

Examples
--------
>>> frame = pd.DataFrame(
...     {
...         "object_id": [1, 2, 3],
...         "class": ["RRL", "ECL", "RRL"],
...         "class_prob": [0.9, 0.8, 0.4],
...         "flags": ["", "low_fap", ""],
...         "model_version": ["m1", "m1", "m1"],
...     }
... )
>>> results = Results(frame)
>>> results.select(classes=["RRL"], min_probability=0.5)["object_id"].tolist()
[1]
>>> results.flag_names
['low_fap']
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..io.readers import read_table
from ..io.writers import TABLE_SUFFIXES, write_table
from ..lightcurves import LightCurveError
from ..store.store import SQLITE_SUFFIX, ClassificationStore

__all__ = ["EXPORT_FORMATS", "TABLE_COLUMNS", "Results"]

#: Columns of the dashboard's table, in order (those present).
TABLE_COLUMNS = (
    "object_id",
    "class",
    "class_prob",
    "subclass",
    "subclass_prob",
    "period",
    "period_source",
    "novelty",
    "flags",
    "model_version",
)

#: Formats the selection can be exported in, by name ending.
EXPORT_FORMATS = (".csv", ".parquet", ".vot")


class Results:
    """The latest classifications of a store or a results table, to filter and export.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per object: ``object_id`` and `tvs_classifier.classify`'s columns.
    store : ClassificationStore, optional
        Where ``frame`` came from, for the objects' histories.
    name : str
        What to call the source in the page.
    """

    def __init__(
        self, frame: pd.DataFrame, store: ClassificationStore | None = None, name: str = ""
    ) -> None:
        if "object_id" not in frame.columns:
            raise LightCurveError(
                f"{name or 'the table'} has no object_id column: it is not a table of "
                "classifications (tvs-classifier classify or export writes one)"
            )
        frame = frame.reset_index(drop=True)
        if "flags" in frame.columns:
            frame["flags"] = frame["flags"].astype(object).where(frame["flags"].notna(), "")
        self.frame = frame
        self.store = store
        self.name = name
        flags = frame["flags"] if "flags" in frame.columns else [""] * len(frame)
        self._flag_sets = [set(filter(None, str(text).split(";"))) for text in flags]

    @classmethod
    def open(cls, source: str | Path) -> Results:
        """The results of a store (``.sqlite`` path or database URL) or of a results file.

        Raises
        ------
        tvs_classifier.store.store.StoreError
            If a store cannot be opened.
        LightCurveError
            If a file cannot be read or is not a table of classifications.

        Examples
        --------
        >>> Results.open("missing.csv")
        Traceback (most recent call last):
        ...
        tvs_classifier.lightcurves.LightCurveError: missing.csv: no such file; check the path
        """
        text = str(source)
        if "://" in text or text.endswith(SQLITE_SUFFIX):
            if "://" not in text and not Path(text).is_file():
                raise LightCurveError(f"{text}: no such store; run tvs-classifier update first")
            store = ClassificationStore.open(text)
            return cls(store.latest(), store, name=text)
        return cls(_read_results(Path(text)), name=text)

    def __len__(self) -> int:
        return len(self.frame)

    @property
    def classes(self) -> list[str]:
        """The classes present, sorted."""
        return _sorted_values(self.frame, "class")

    @property
    def model_versions(self) -> list[str]:
        """The model versions present, sorted."""
        return _sorted_values(self.frame, "model_version")

    @property
    def flag_names(self) -> list[str]:
        """Every flag that occurs, sorted."""
        return sorted(set().union(*self._flag_sets)) if self._flag_sets else []

    def select(
        self,
        *,
        classes: Sequence[str] | None = None,
        min_probability: float = 0.0,
        flags: Sequence[str] | None = None,
        model_versions: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """The objects that pass every filter given.

        Parameters
        ----------
        classes : sequence of str, optional
            Keep these classes (all if None).
        min_probability : float
            Keep objects whose class probability is at least this.
        flags : sequence of str, optional
            Keep objects that carry at least one of these flags; ``"none"`` keeps
            objects without flags (all if None).
        model_versions : sequence of str, optional
            Keep results of these models (all if None).
        """
        frame = self.frame
        keep = np.ones(len(frame), dtype=bool)
        if classes is not None and "class" in frame.columns:
            keep &= frame["class"].isin(list(classes)).to_numpy()
        if min_probability > 0 and "class_prob" in frame.columns:
            keep &= frame["class_prob"].to_numpy(np.float64, na_value=np.nan) >= min_probability
        if flags is not None:
            wanted = set(flags)
            keep &= np.array(
                [bool(s & wanted) or (not s and "none" in wanted) for s in self._flag_sets],
                dtype=bool,
            )
        if model_versions is not None and "model_version" in frame.columns:
            keep &= frame["model_version"].isin(list(model_versions)).to_numpy()
        return frame[keep]

    def row(self, object_id: object) -> pd.Series:
        """One object's row (its id as in the table, or its text).

        Raises
        ------
        KeyError
            If there is no such object.
        """
        ids = self.frame["object_id"]
        found = np.flatnonzero((ids == object_id).to_numpy() | (ids.astype(str) == str(object_id)))
        if not found.size:
            raise KeyError(f"no object {object_id!r} in {self.name or 'the results'}")
        return self.frame.iloc[int(found[0])]

    def history(self, object_id: object) -> pd.DataFrame:
        """Every classification of one object, oldest first (empty without a store)."""
        if self.store is None:
            return pd.DataFrame(columns=["run_id", "classified_at", "class", "subclass"])
        return self.store.history(object_id)

    def export(self, frame: pd.DataFrame, suffix: str) -> bytes:
        """A selection as the bytes of a CSV, Parquet or VOTable file.

        Examples
        --------
        >>> results = Results(pd.DataFrame({"object_id": [1], "class": ["RRL"]}))
        >>> results.export(results.frame, ".csv").decode().splitlines()
        ['object_id,class', '1,RRL']
        """
        if suffix not in EXPORT_FORMATS:
            raise ValueError(f"export as one of {list(EXPORT_FORMATS)}, not {suffix!r}")
        with tempfile.TemporaryDirectory() as folder:
            path = write_table(frame.reset_index(drop=True), Path(folder) / f"selection{suffix}")
            return path.read_bytes()


def _read_results(path: Path) -> pd.DataFrame:
    """A results table written by ``classify`` or ``export``, in any of their formats."""
    if path.suffix in (".ecsv", ".vot", ".xml"):
        if not path.is_file():
            raise LightCurveError(f"{path}: no such file; check the path")
        from astropy.table import Table

        try:
            return Table.read(path).to_pandas()
        except Exception as error:  # astropy raises many kinds for bad files
            raise LightCurveError(f"{path}: cannot be read ({type(error).__name__})") from None
    if path.suffix not in TABLE_SUFFIXES:
        raise LightCurveError(
            f"{path}: give a store (.sqlite or a database URL) or a results table "
            f"({', '.join(TABLE_SUFFIXES)})"
        )
    return read_table(path)


def _sorted_values(frame: pd.DataFrame, column: str) -> list[Any]:
    """The distinct non-missing values of a column, sorted as text."""
    if column not in frame.columns:
        return []
    return sorted(frame[column].dropna().astype(str).unique().tolist())
