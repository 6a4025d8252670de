"""The package's main job on the light curves bundled with it: periods, images, classes.

`run_demo` reads the 25 labelled ZTF light curves bundled with the package
(`tvs_classifier.datasets.load_alerce_ztf_sample`), finds their periods, draws the
images the network sees, classifies them with the default model (ZTF g and r taken as
LSST g and r, an approximation) and writes to one folder:

``periods.csv``
    object, label, catalog and found period, its uncertainty and false-alarm
    probability, numbers of points, whether the period agrees with the catalog's;
``classification.csv``
    `tvs_classifier.classify`'s table with the catalog label;
``folded_light_curves.png``
    each folded light curve next to its image;
``summary.json``
    versions, validation report, period agreement, class counts.

``tvs-classifier demo --output DIR`` runs it.

Examples
--------
>>> import tempfile
>>> summary = run_demo(tempfile.mkdtemp(), progress=False)  # doctest: +SKIP
>>> summary["periods_within_1pct_of_catalog"]  # doctest: +SKIP
'9 of 18'
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ._output import write_atomic
from ._version import VERSION
from .datasets import ALERCE_ZTF_SAMPLE, load_alerce_ztf_sample
from .images import render_images
from .periods import find_periods
from .plotting import plot_gallery

__all__ = ["DEMO_BAND_MAP", "DEMO_SEARCH", "run_demo"]

#: Period search of the demo: from delta Scuti (hours) to the ~1-year ZTF baseline.
DEMO_SEARCH: dict[str, float] = {"min_period": 0.05, "samples_per_peak": 5.0}
#: ZTF's g and r taken as LSST's when the demo classifies (an approximation).
DEMO_BAND_MAP: dict[str, str] = {"ztf_g": "g", "ztf_r": "r"}

#: Columns of ``periods.csv``.
_PERIOD_COLUMNS = [
    "object_id",
    "label",
    "catalog_class",
    "catalog_period",
    "period",
    "period_err",
    "false_alarm_probability",
    "period_source",
    "n_points",
    "n_bands",
    "agrees_with_catalog",
    "flag",
]


def run_demo(output: str | Path, *, progress: bool = True) -> dict:
    """Periods, images and classes of the bundled ZTF sample, written to ``output``.

    Parameters
    ----------
    output : str or Path
        Output folder (created if needed); every file is written whole or not at all.
    progress : bool
        Show progress bars (period search, classification).

    Returns
    -------
    dict
        What ``summary.json`` holds, with ``"files"``: the paths written.

    Examples
    --------
    >>> import tempfile
    >>> summary = run_demo(tempfile.mkdtemp(), progress=False)  # doctest: +SKIP
    >>> summary["classification"]["n_classified"]  # doctest: +SKIP
    25
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .classifier.classify import classify

    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    light_curves, labels = load_alerce_ztf_sample()
    found = find_periods(light_curves, progress=progress, **DEMO_SEARCH)
    table = labels.merge(found, on="object_id", how="right")
    ratio = table["period"] / table["catalog_period"]
    table["agrees_with_catalog"] = np.where(
        table["catalog_period"].notna(), np.abs(ratio - 1.0) < 0.01, None
    )
    table = table[_PERIOD_COLUMNS]
    with_catalog = table["catalog_period"].notna()
    agree = int(table.loc[with_catalog, "agrees_with_catalog"].sum())

    classified = classify(light_curves, found, band_map=DEMO_BAND_MAP, progress=progress)
    classified = classified.merge(labels[["object_id", "label"]], on="object_id", how="left")

    images = render_images(light_curves, found, bands=("ztf_g", "ztf_r"))
    figure = plot_gallery(
        light_curves,
        found,
        images,
        labels=dict(zip(labels["object_id"], labels["label"], strict=True)),
        columns=3,
    )
    summary = {
        "tvs_classifier_version": VERSION,
        "data": ALERCE_ZTF_SAMPLE,
        "validation": light_curves.report.summary(),
        "period_search": DEMO_SEARCH | {"max_period": "baseline"},
        "n_periods_found": int(table["period"].notna().sum()),
        "n_objects": len(table),
        "periods_within_1pct_of_catalog": f"{agree} of {int(with_catalog.sum())}",
        "classification": {
            "model_version": str(classified["model_version"].iloc[0]),
            "band_map": DEMO_BAND_MAP,
            "n_classified": int(classified["class"].notna().sum()),
            "class_counts": classified["class"].value_counts().to_dict(),
        },
    }
    files = [
        write_atomic(output / "periods.csv", lambda path: table.to_csv(path, index=False)),
        write_atomic(
            output / "classification.csv", lambda path: classified.to_csv(path, index=False)
        ),
        write_atomic(
            output / "folded_light_curves.png",
            lambda path: figure.savefig(path, dpi=80, format="png"),
        ),
    ]
    plt.close(figure)
    files.append(
        write_atomic(
            output / "summary.json",
            lambda path: path.write_text(json.dumps(summary, indent=2) + "\n"),
        )
    )
    return summary | {"files": [str(path) for path in files]}
