"""Band names: LSST's six bands normalized to ``u g r i z y``, every other name kept.

A light curve's band column may spell LSST's bands in many ways (``"g"``,
``"LSST_g"``, ``"lsst-g"``, ``"LSST g"``). They are all normalized to the bare
lower-case letter. Bare *upper-case* letters are deliberately **not** taken as
LSST bands: ``"G"`` is Gaia's broad band and ``"U"``, ``"R"``, ``"I"`` are
Johnson-Cousins bands in most variable-star catalogs, so they are kept as given.
Names from other surveys (``"ztf_g"``, ``"R_E"``) are kept as given as well, so
that their light curves are never mistaken for LSST photometry.

Examples
--------
>>> normalize_bands(["LSST_g", "r", "lsst-i", "ztf_g", "G"]).tolist()
['g', 'r', 'i', 'ztf_g', 'G']
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np

__all__ = ["LSST_BANDS", "LSST_WAVELENGTH", "normalize_band", "normalize_bands"]

#: LSST's six bands, blue to red: the channel order of images and features and the
#: order of every band axis of the simulator.
LSST_BANDS: tuple[str, ...] = ("u", "g", "r", "i", "z", "y")

#: Mean wavelengths (nm) of the LSST u g r i z y total throughputs (lsst/throughputs
#: 1.9), to 5 nm; precise enough for interpolating smooth trends in wavelength.
LSST_WAVELENGTH: np.ndarray = np.array([370.0, 480.0, 620.0, 755.0, 870.0, 970.0])

_PREFIXED_LSST = re.compile(r"^lsst[\s_\-.:/]*([ugrizy])$", re.IGNORECASE)


def normalize_band(name: object, band_map: Mapping[str, str] | None = None) -> str:
    """Return the normalized name of one band.

    Parameters
    ----------
    name : object
        The band as given (converted with ``str``; surrounding spaces are removed).
    band_map : mapping of str to str, optional
        Explicit renames applied first, e.g. ``{"SDSS_g": "g"}`` to treat SDSS g as
        LSST g. Values are normalized too.

    Returns
    -------
    str
        ``"u"``, ``"g"``, ``"r"``, ``"i"``, ``"z"`` or ``"y"`` for an LSST band
        (bare lower-case letter, or ``"LSST"`` followed by the letter with an optional
        separator, any case); otherwise the stripped name as given.

    Raises
    ------
    ValueError
        If the name is empty.

    Examples
    --------
    >>> normalize_band("LSST_G"), normalize_band(" z "), normalize_band("G")
    ('g', 'z', 'G')
    >>> normalize_band("SDSS_r", band_map={"SDSS_r": "r"})
    'r'
    """
    text = str(name).strip()
    if band_map and text in band_map:
        text = str(band_map[text]).strip()
    if not text:
        raise ValueError("empty band name: give every row a band such as 'g' or 'LSST_g'")
    if text in LSST_BANDS:
        return text
    match = _PREFIXED_LSST.match(text)
    return match.group(1).lower() if match else text


def normalize_bands(
    names: Sequence[object] | np.ndarray, band_map: Mapping[str, str] | None = None
) -> np.ndarray:
    """Normalize an array of band names (each distinct name is parsed once).

    Parameters
    ----------
    names : sequence or ndarray
        Band names, one per row of a light-curve table.
    band_map : mapping of str to str, optional
        Explicit renames, as in `normalize_band`.

    Returns
    -------
    ndarray of object
        The normalized names, in the input order.

    Examples
    --------
    >>> normalize_bands(np.array(["LSST_u", "u", "B"])).tolist()
    ['u', 'u', 'B']
    """
    values = np.asarray(names, dtype=object)
    unique, inverse = np.unique(values.astype(str), return_inverse=True)
    mapped = np.array([normalize_band(name, band_map) for name in unique], dtype=object)
    return mapped[inverse.reshape(-1)]
