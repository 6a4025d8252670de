"""OGLE-III Large Magellanic Cloud catalog tables bundled with the package.

Per-star parameters (not light curves) of the OGLE-III Catalog of Variable Stars
(OIII-CVS) in the LMC, which drive the synthetic light curves of
`tvs_classifier.simulation`: periods, mean I and V magnitudes, peak-to-peak I amplitudes
and Fourier parameters of pulsating stars, and eclipse depths of eclipsing binaries.
The files ``data/ogle3_lmc_<kind>.csv.gz`` are written by ``tools/tvs_ogle_tables.py``
from the original OGLE tables, values unchanged; provenance, column meanings and
citations in ``data/ogle3_lmc.PROVENANCE.txt``. Cite Soszyński et al. (2008, AcA 58,
293) for type II and anomalous Cepheids, Soszyński et al. (2009, AcA 59, 1) for RR
Lyrae (RRc and RRd), Poleski et al. (2010, AcA 60, 1) for delta Scuti stars and
Graczyk et al. (2011, AcA 61, 103) for eclipsing binaries.

Fourier parameters follow OGLE's cosine series of the I-band light curve,
``I(t) = A0 + sum_k A_k cos(2 pi k (t - T0) / P + phi_k)``, with ``R_k1 = A_k / A_1``
and ``phi_k1 = phi_k - k phi_1`` (radians, 0 to 2 pi). OGLE writes ``-`` where a
parameter was not measured (here NaN), and ``R_k1 = 0`` with a missing ``phi_k1`` where
the harmonic was not detected.

Examples
--------
>>> ecl = load_ogle3("ECL")
>>> list(ecl.columns)
['object', 'period', 'I', 'V', 'depth1', 'depth2', 'subtype']
>>> len(ecl), ecl["subtype"].value_counts().index[0]
(26121, 'ED')
"""

from __future__ import annotations

from functools import cache
from importlib.resources import as_file, files

import pandas as pd

__all__ = ["KINDS", "load_ogle3"]

#: Tables that `load_ogle3` reads, with what each holds.
KINDS: dict[str, str] = {
    "RRd": "double-mode RR Lyrae (RRd.dat): first-overtone then fundamental-mode columns",
    "RRc": "first-overtone RR Lyrae (RRc.dat)",
    "ACep_F": "fundamental-mode anomalous Cepheids (acepF.dat)",
    "ACep_1O": "first-overtone anomalous Cepheids (acep1O.dat)",
    "T2Cep": "type II Cepheids (t2cep.dat) with subtype BLHer, WVir, pWVir or RVTau",
    "DSct": "single-mode delta Scuti stars (singlemode.dat)",
    "DSct_multi": "multi-mode delta Scuti stars (multimode.dat), one row per star",
    "ECL": "eclipsing binaries (ecl.dat) with subtype ED, ESD, EC, ... from ident.dat",
}


@cache
def _read(kind: str) -> pd.DataFrame:
    """The bundled table of ``kind``, read once."""
    path = files("tvs_classifier") / "data" / f"ogle3_lmc_{kind.lower()}.csv.gz"
    with as_file(path) as local:
        return pd.read_csv(local)


def load_ogle3(kind: str) -> pd.DataFrame:
    """One OGLE-III LMC catalog table bundled with the package.

    Parameters
    ----------
    kind : str
        One of `KINDS`: ``"RRd"``, ``"RRc"``, ``"ACep_F"``, ``"ACep_1O"``, ``"T2Cep"``,
        ``"DSct"``, ``"DSct_multi"``, ``"ECL"``.

    Returns
    -------
    pandas.DataFrame
        One row per catalog star (a new copy on every call), NaN where OGLE has no
        value:

        * pulsators: ``object`` (OGLE ID), ``I`` and ``V`` (intensity-mean magnitudes),
          ``period`` (days), ``amp_I`` (peak-to-peak I amplitude, mag), ``R21``,
          ``phi21``, ``R31``, ``phi31`` (``DSct``: up to ``phi21``); ``RRd`` gives
          these for the first overtone (listed first by OGLE) and again with suffix
          ``_F`` for the fundamental mode; ``T2Cep`` adds ``subtype``.
        * ``DSct_multi``: ``object, I, V`` and, for each periodic term ``k = 1 .. 8``
          in OGLE's order (NaN or empty past the star's last), ``period_k`` (days),
          ``A_k`` (OGLE's amplitude column, mag) and ``term_k`` (OGLE's label: a mode
          such as ``F`` or ``1O``, a combination such as ``=1/(1/P1+1/P2)``, or empty).
        * ``ECL``: ``object, period`` (days), ``I, V`` (magnitudes out of eclipse),
          ``depth1, depth2`` (I-band depths of the primary and secondary eclipse, mag),
          ``subtype`` (OGLE's ED, ESD, EC, ED_ESD, ELL_EC, ...).

    Raises
    ------
    ValueError
        For an unknown ``kind``.

    Examples
    --------
    >>> len(load_ogle3("RRc")), float(load_ogle3("RRc")["period"].max().round(2))
    (4958, 0.49)
    >>> rrd = load_ogle3("RRd")
    >>> bool((rrd["period"] < rrd["period_F"]).all())  # first overtone is the shorter
    True
    >>> load_ogle3("T2Cep")["subtype"].value_counts().to_dict()
    {'WVir': 80, 'BLHer': 64, 'RVTau': 42, 'pWVir': 17}
    """
    if kind not in KINDS:
        raise ValueError(f"unknown OGLE-III table {kind!r}; choose from {', '.join(KINDS)}")
    return _read(kind).copy()
