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
from .readers import read_light_curves, read_table

__all__ = ["ALERCE_ZTF_SAMPLE", "load_alerce_ztf_sample"]

#: File name of the bundled ZTF sample (light curves; labels in ``*_labels.csv``).
ALERCE_ZTF_SAMPLE = "alerce_ztf_periodic_sample.csv"


def load_alerce_ztf_sample() -> tuple[LightCurves, pd.DataFrame]:
    """The 25 labelled ZTF g/r light curves from ALeRCE bundled with the package.

    Five each of Cepheids, delta Scuti stars, detached eclipsing binaries, long-period
    variables and RR Lyrae (ALeRCE's labels, from ASAS-SN, CRTS, LINEAR and Gaia DR2
    catalogues); bands ``ztf_g`` and ``ztf_r``. Of the 2663 detections, validation
    drops 12 exact copies and merges 120 repeated measurements at identical times
    (same exposure) into their partners, leaving 2531. Provenance and license:
    ``data/alerce_ztf_periodic_sample.PROVENANCE.txt``.

    Returns
    -------
    light_curves : LightCurves
        Validated light curves.
    labels : pandas.DataFrame
        ``object_id, label, catalogue_class, catalogue_period, catalogue``.

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
        light_curves = read_light_curves(path)
    with as_file(data / ALERCE_ZTF_SAMPLE.replace(".csv", "_labels.csv")) as path:
        labels = read_table(path)
    return light_curves, labels
