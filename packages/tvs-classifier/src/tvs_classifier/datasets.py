"""Light curves bundled with the package (see the PROVENANCE files in ``data/``).

Examples
--------
>>> light_curves, labels = load_alerce_ztf_sample()
>>> len(light_curves), light_curves.bands
(25, ('ztf_g', 'ztf_r'))
>>> sorted(labels["label"].unique())
['Ceph', 'DSCT', 'EA', 'LPV', 'RRL']
"""

from __future__ import annotations

from importlib.resources import as_file, files

import pandas as pd

from .lightcurves import LightCurves

__all__ = ["ALERCE_ZTF_SAMPLE", "load_alerce_ztf_sample", "load_sesar2010_rrlyrae"]

#: File name of the bundled ZTF sample (light curves; labels in ``*_labels.csv``).
ALERCE_ZTF_SAMPLE = "alerce_ztf_periodic_sample.csv"


def load_alerce_ztf_sample() -> tuple[LightCurves, pd.DataFrame]:
    """The 25 labelled ZTF g/r light curves from ALeRCE bundled with the package.

    Five each of Cepheids, delta Scuti stars, detached eclipsing binaries, long-period
    variables and RR Lyrae (ALeRCE's labels, from ASAS-SN, CRTS, LINEAR and Gaia DR2
    catalogs); bands ``ztf_g`` and ``ztf_r``. Of the 2663 detections, validation
    drops 12 exact copies and merges 120 repeated measurements at identical times
    (same exposure) into their partners, leaving 2531. Provenance and license:
    ``data/alerce_ztf_periodic_sample.PROVENANCE.txt``.

    Returns
    -------
    light_curves : LightCurves
        Validated light curves.
    labels : pandas.DataFrame
        ``object_id, label, catalog_class, catalog_period, catalog``.

    Examples
    --------
    >>> lcs, labels = load_alerce_ztf_sample()
    >>> int(lcs.n_points.sum()), labels.shape
    (2531, (25, 5))
    >>> lcs.report.dropped["duplicate_rows"], lcs.report.merged
    (12, 120)
    """
    data = files("tvs_classifier") / "data"
    with as_file(data / ALERCE_ZTF_SAMPLE) as path:
        light_curves = LightCurves.from_table(pd.read_csv(path, comment="#"))
    with as_file(data / ALERCE_ZTF_SAMPLE.replace(".csv", "_labels.csv")) as path:
        labels = pd.read_csv(path)
    return light_curves, labels


def load_sesar2010_rrlyrae() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The Sesar et al. (2010) SDSS ugriz RR Lyrae templates and per-star fits.

    Bundled with the package; provenance and citation in
    ``data/sesar2010_rrlyrae.PROVENANCE.txt``. Cite Sesar et al. 2010, ApJ 708, 717.

    Returns
    -------
    templates : pandas.DataFrame
        Column ``phase`` (500 steps of 0.002 from 0) and one column per template,
        ``<id><band>`` (e.g. ``"100g"``): magnitude normalized to 0 at maximum and 1 at
        minimum light. Ids 100-120 are RRab templates, 0 and 1 RRc.
    stars : pandas.DataFrame
        One row per Stripe 82 RR Lyrae (483): ``id, type`` (``ab`` or ``c``), period
        ``P`` (days) and per band ``u g r i z``: amplitude ``<band>A``, magnitude at
        maximum ``<band>0``, epoch of maximum ``<band>E`` (MJD), template id ``<band>T``.
        ``mag = <band>0 + <band>A * template(phase)``.

    Examples
    --------
    >>> templates, stars = load_sesar2010_rrlyrae()
    >>> templates.shape, stars["type"].value_counts().to_dict()
    ((500, 99), {'ab': 379, 'c': 104})
    """
    data = files("tvs_classifier") / "data"
    with as_file(data / "sesar2010_rrlyrae_templates.csv.gz") as path:
        templates = pd.read_csv(path)
    with as_file(data / "sesar2010_rrlyrae_table2.dat.gz") as path:
        stars = pd.read_csv(path, sep=r"\s+").rename(columns={"#id": "id"})
    return templates, stars
