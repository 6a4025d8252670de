"""Light-curve files uploaded to the dashboard: parsed in memory, validated, classified.

An upload is never written to disk and its name is never used as a path: only its
ending chooses the parser (CSV, Parquet or ECSV), and the name is shown in messages
reduced to its last part. Files over `MAX_UPLOAD_BYTES`, files that do not parse,
and light curves that do not validate give an `UploadError` whose message the page
shows; the server goes on.

Examples
--------
>>> text = b"object_id,mjd,band,mag,mag_err\\n1,60000.0,g,18.0,0.02\\n"
>>> table = parse_upload(text, "star.csv")
>>> table.columns.tolist()
['object_id', 'mjd', 'band', 'mag', 'mag_err']
>>> parse_upload(b"\\x00\\x01garbage", "star.parquet")
Traceback (most recent call last):
...
tvs_classifier.ui.uploads.UploadError: star.parquet cannot be read as Parquet (ArrowInvalid): is it a Parquet file?
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import PurePosixPath, PureWindowsPath

import pandas as pd

from ..classifier.classify import classify
from ..classifier.trained import TrainedClassifier
from ..io.readers import validate_table
from ..lightcurves import LightCurveError, LightCurves

__all__ = ["MAX_UPLOAD_BYTES", "UPLOAD_FORMATS", "UploadError", "classify_upload", "parse_upload"]

#: The largest upload taken (20 MB: about 400 000 measurements as CSV).
MAX_UPLOAD_BYTES = 20 * 1024 * 1024

#: Parsers by name ending.
UPLOAD_FORMATS = {".csv": "CSV", ".parquet": "Parquet", ".ecsv": "ECSV"}


class UploadError(ValueError):
    """An uploaded file that cannot be classified, with a message for the page."""


def shown_name(filename: str) -> str:
    """The last part of an uploaded file's name, for messages (never a path).

    Examples
    --------
    >>> shown_name("../../etc/passwd.csv"), shown_name("C:\\\\tmp\\\\x.csv")
    ('passwd.csv', 'x.csv')
    """
    name = PureWindowsPath(PurePosixPath(str(filename)).name).name
    return name[:80] or "the file"


def parse_upload(content: bytes, filename: str) -> pd.DataFrame:
    """The table in an uploaded file, parsed in memory by its name's ending.

    Raises
    ------
    UploadError
        For an empty or oversize file, an unknown ending, or a file that does not
        parse.
    """
    name = shown_name(filename)
    suffix = PurePosixPath(name.lower()).suffix
    if suffix not in UPLOAD_FORMATS:
        raise UploadError(
            f"{name}: upload a {', '.join(UPLOAD_FORMATS)} file of light curves "
            "(object_id, mjd, band, mag, mag_err)"
        )
    if not content:
        raise UploadError(f"{name} is empty")
    if len(content) > MAX_UPLOAD_BYTES:
        raise UploadError(
            f"{name} is {len(content) / 2**20:.1f} MB; the dashboard takes files up to "
            f"{MAX_UPLOAD_BYTES // 2**20} MB (classify larger ones with tvs-classifier classify)"
        )
    kind = UPLOAD_FORMATS[suffix]
    try:
        if kind == "CSV":
            return pd.read_csv(io.BytesIO(content), comment="#")
        if kind == "Parquet":
            return pd.read_parquet(io.BytesIO(content))
        from astropy.table import Table

        return Table.read(content.decode("utf-8"), format="ascii.ecsv").to_pandas()
    except Exception as error:  # the parsers raise many kinds for bad files
        raise UploadError(
            f"{name} cannot be read as {kind} ({type(error).__name__}): is it a {kind} file?"
        ) from None


def classify_upload(
    content: bytes,
    filename: str,
    classifier: TrainedClassifier,
    *,
    options: Mapping | None = None,
) -> tuple[LightCurves, pd.DataFrame]:
    """Parse, validate and classify an uploaded file of light curves.

    Parameters
    ----------
    content : bytes
        The file.
    filename : str
        Its name as the browser gave it (only its ending is used).
    classifier : TrainedClassifier
        The model.
    options : mapping, optional
        Keywords of `tvs_classifier.classify` (``priors``, ``bands``, ...).

    Returns
    -------
    light_curves : LightCurves
    results : pandas.DataFrame
        `tvs_classifier.classify`'s output, one row per object.

    Raises
    ------
    UploadError
        With the parse or validation problem, for the page.
    """
    table = parse_upload(content, filename)
    period = "period" if "period" in table.columns else None
    try:
        light_curves = validate_table(table.drop(columns=[period] if period else []))
    except LightCurveError as error:
        raise UploadError(f"{shown_name(filename)}: {error}") from None
    periods = None
    if period is not None and "object_id" in table.columns:
        values = pd.to_numeric(table[period], errors="coerce")
        periods = values.groupby(table["object_id"]).first()
    results = classify(
        light_curves, periods, classifier=classifier, progress=False, **dict(options or {})
    )
    return light_curves, results
