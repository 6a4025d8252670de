"""tvs-classifier: periodic variable stars in multi-band LSST light curves.

The package has a small core and three parts on top of it, each depending on the core
only (the simulator and the classifier never import each other):

core (this folder)
    `~tvs_classifier.lightcurves` (the validated long table), `~tvs_classifier.bands`,
    `~tvs_classifier.periods`, `~tvs_classifier.folding`, `~tvs_classifier.images` and
    `~tvs_classifier.features` (what the network sees), `~tvs_classifier.plotting`,
    `~tvs_classifier.datasets` (light curves bundled with the package),
    `~tvs_classifier.demo` and `~tvs_classifier.cli`.
`tvs_classifier.io`
    reading light curves: files (`~tvs_classifier.io.readers`), Rubin DP1 tables and
    TAP (`~tvs_classifier.io.rubin`), labelled training tables
    (`~tvs_classifier.io.labelled`).
`tvs_classifier.simulation`
    synthetic labelled LSST light curves of nineteen subclasses, and augmentation.
`tvs_classifier.classifier`
    the Keras 3 network, its inputs, training, calibration, evaluation, the trained
    classifier saved and loaded, classification and training-set cross-matching.

The functions most work needs are importable from here; the heavy ones (Keras, the
simulator's tables) are imported on first use:

>>> from tvs_classifier import classify, load_classifier, read_light_curves
>>> sorted(__all__)[:4]
['LightCurves', '__version__', 'classify', 'classify_catalog']

A trained default model ships in ``tvs_classifier/data/model`` (trained on synthetic
LSST light curves; see its ``MODEL_CARD.md``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import VERSION as __version__

if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors only
    from .classifier.catalog import classify_catalog
    from .classifier.classify import classify
    from .classifier.trained import load_classifier
    from .classifier.training import train
    from .features import compute_features
    from .images import render_images
    from .io.readers import read_light_curves
    from .lightcurves import LightCurves
    from .periods import find_periods
    from .simulation import simulate

#: Public name -> module (relative to this package) that defines it.
_PUBLIC: dict[str, str] = {
    "LightCurves": "lightcurves",
    "read_light_curves": "io.readers",
    "find_periods": "periods",
    "render_images": "images",
    "compute_features": "features",
    "simulate": "simulation",
    "train": "classifier.training",
    "load_classifier": "classifier.trained",
    "classify": "classifier.classify",
    "classify_catalog": "classifier.catalog",
}

__all__ = [
    "LightCurves",
    "__version__",
    "classify",
    "classify_catalog",
    "compute_features",
    "find_periods",
    "load_classifier",
    "read_light_curves",
    "render_images",
    "simulate",
    "train",
]


def __getattr__(name: str) -> Any:
    """Import a public name's module when the name is first used (PEP 562)."""
    if name in _PUBLIC:
        value = getattr(importlib.import_module(f".{_PUBLIC[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_PUBLIC})
