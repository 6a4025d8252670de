"""tvs-classifier: periodic variable stars in multi-band LSST light curves.

The modules, each named after its concept: `~tvs_classifier.lightcurves` (the validated
long table), `~tvs_classifier.bands`, `~tvs_classifier.readers` and
`~tvs_classifier.rubin` (files and Rubin DP1 tables), `~tvs_classifier.periods`,
`~tvs_classifier.folding`, `~tvs_classifier.images` and `~tvs_classifier.features` (the
classifier's inputs), `~tvs_classifier.model` (the Keras 3 network; Keras is imported
only there, when a model is built), `~tvs_classifier.plotting`,
`~tvs_classifier.datasets` (bundled light curves), the simulator
(`~tvs_classifier.simulate` over the families `~tvs_classifier.rrlyrae`,
`~tvs_classifier.cepheids`, `~tvs_classifier.delta_scuti`,
`~tvs_classifier.eclipsing_binaries`, `~tvs_classifier.long_period`),
`~tvs_classifier.augment`, `~tvs_classifier.crossmatch`, `~tvs_classifier.training`,
`~tvs_classifier.calibration`, `~tvs_classifier.evaluation`,
`~tvs_classifier.classify` and `~tvs_classifier.cli`.

A trained default model ships in ``tvs_classifier/data/model`` (trained on synthetic
LSST light curves; see its ``MODEL_CARD.md``).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("tvs-classifier")
except PackageNotFoundError:  # pragma: no cover - running from an uninstalled tree
    __version__ = "0+unknown"

__all__ = ["__version__"]
