"""A trained classifier: the network with everything needed to use it, saved and loaded.

`TrainedClassifier` holds the network (`tvs_classifier.classifier.network`), its bands,
image size, feature standardization, subclass to class mapping and calibration
temperature, and what its training recorded. `TrainedClassifier.save` writes a
classifier folder and `load_classifier` reads one back, side by side as Keras'
``model.save`` and ``keras.saving.load_model``:

``model.keras``
    the network (Keras 3 format, any backend);
``model_card.json``
    the model card (`TrainedClassifier.model_card`): the fields above, the model
    version ``tvs-cnn-<12 hex digits>`` and the SHA-256 of ``model.keras``, the
    training data, settings and test-split metrics;
``MODEL_CARD.md``
    the same card for people (`render_model_card`).

The default model ships in ``tvs_classifier/data/model`` (`DEFAULT_MODEL_DIR`).

Examples
--------
>>> clf = load_classifier()  # the default model
>>> clf.version.startswith("tvs-cnn-"), clf.bands, clf.image_size
(True, ('u', 'g', 'r', 'i', 'z', 'y'), (32, 64))
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .._output import write_atomic
from ..bands import LSST_BANDS
from ..features import compute_features, feature_matrix
from ..lightcurves import LightCurves
from ._keras import import_keras
from .calibration import apply_temperature
from .inputs import model_inputs, standardize
from .network import EMBEDDING_LAYER, FEATURE_INPUT, IMAGE_INPUT, build_model

if TYPE_CHECKING:  # pragma: no cover - typing only
    import keras

__all__ = [
    "CARD_FILE",
    "CARD_MARKDOWN_FILE",
    "DEFAULT_MODEL_DIR",
    "MODEL_FILE",
    "ModelError",
    "TrainedClassifier",
    "load_classifier",
    "padded_size",
    "probability_columns",
    "render_model_card",
    "update_card",
]

#: File names of a classifier folder.
MODEL_FILE = "model.keras"
CARD_FILE = "model_card.json"
CARD_MARKDOWN_FILE = "MODEL_CARD.md"

#: Where the default model is installed (inside the package).
DEFAULT_MODEL_DIR: Path = Path(str(files("tvs_classifier"))) / "data" / "model"

#: Keys every model card must have.
_CARD_KEYS = (
    "model_version",
    "subclasses",
    "class_of",
    "bands",
    "image_size",
    "feature_names",
    "feature_mean",
    "feature_std",
    "temperature",
    "model_sha256",
)


class ModelError(ValueError):
    """A classifier folder that is missing, incomplete or corrupt, with what to do."""


@dataclass(frozen=True, eq=False)
class TrainedClassifier:
    """A trained network with everything needed to classify with it.

    Attributes
    ----------
    model : keras.Model
        The network (`tvs_classifier.classifier.network.build_model`), output: uncalibrated subclass probabilities.
    subclasses : tuple of str
        The network's outputs, in order.
    class_of : dict of str to str
        Main class of every subclass; main-class probabilities are sums over them.
    bands : tuple of str
        Image channels and feature bands, in order.
    image_size : tuple of int
        ``(height, width)``.
    feature_names : list of str
        Columns of the feature matrix (`tvs_classifier.classifier.inputs.model_inputs`).
    feature_mean, feature_std : ndarray
        Standardization of the features
        (`tvs_classifier.classifier.inputs.fit_standardization` on the training split).
    temperature : float
        Calibration temperature (`tvs_classifier.classifier.calibration`).
    card : dict
        What the model card says beyond the fields above: how the model was trained
        and how well it did (`tvs_classifier.classifier.training.train` records it),
        and, once saved, its version and checksum. `model_card` gives the whole card.

    Examples
    --------
    >>> net = build_model(2, image_shape=(8, 16, 1), n_features=2, filters=(2, 2, 2))
    >>> clf = TrainedClassifier(
    ...     net,
    ...     ("RRab", "RRc"),
    ...     {"RRab": "RRL", "RRc": "RRL"},
    ...     ("g",),
    ...     (8, 16),
    ...     ["log10_period", "has_log10_period"],
    ...     np.zeros(2),
    ...     np.ones(2),
    ...     1.0,
    ... )
    >>> clf.classes, clf.predict_proba(np.zeros((1, 8, 16, 1)), np.zeros((1, 2))).shape
    (('RRL',), (1, 2))
    """

    model: keras.Model
    subclasses: tuple[str, ...]
    class_of: dict[str, str]
    bands: tuple[str, ...]
    image_size: tuple[int, int]
    feature_names: list[str]
    feature_mean: np.ndarray
    feature_std: np.ndarray
    temperature: float = 1.0
    card: dict = field(default_factory=dict)

    @classmethod
    def untrained(
        cls,
        class_of: dict[str, str],
        *,
        bands: Sequence[str] = LSST_BANDS,
        image_size: tuple[int, int] = (32, 64),
        seed: int | None = None,
        **network: object,
    ) -> TrainedClassifier:
        """An untrained classifier of the real architecture (for tests and benchmarks).

        Parameters
        ----------
        class_of : dict of str to str
            Main class of every subclass (the outputs, in this order).
        bands : sequence of str
            Bands of the inputs.
        image_size : tuple of int
            ``(height, width)``.
        seed : int, optional
            Seed of the initial weights (`keras.utils.set_random_seed`).
        **network
            Passed to `build_model` (e.g. ``filters``).

        Examples
        --------
        >>> clf = TrainedClassifier.untrained(
        ...     {"a": "A", "b": "B"}, bands=("g", "r"), image_size=(8, 16), filters=(2, 2, 2)
        ... )
        >>> clf.version, len(clf.feature_names)
        ('untrained', 8)
        """
        keras = import_keras()

        if seed is not None:
            keras.utils.set_random_seed(seed)
        bands = tuple(bands)
        one = LightCurves.from_table(
            pd.DataFrame(
                {
                    "object_id": [0],
                    "mjd": [0.0],
                    "band": [bands[0]],
                    "mag": [0.0],
                    "mag_err": [1.0],
                }
            )
        )
        _, names = feature_matrix(compute_features(one, [1.0], bands=bands))
        height, width = (int(size) for size in image_size)
        net = build_model(
            len(class_of),
            image_shape=(height, width, len(bands)),
            n_features=len(names),
            **network,
        )
        return cls(
            model=net,
            subclasses=tuple(class_of),
            class_of=dict(class_of),
            bands=bands,
            image_size=(height, width),
            feature_names=names,
            feature_mean=np.zeros(len(names)),
            feature_std=np.ones(len(names)),
            card={"model_version": "untrained"},
        )

    @property
    def classes(self) -> tuple[str, ...]:
        """Main classes, in order of their first subclass."""
        return tuple(dict.fromkeys(self.class_of[name] for name in self.subclasses))

    @property
    def version(self) -> str:
        """The model version: ``tvs-cnn-<12 hex digits of model.keras' SHA-256>`` once
        saved, ``"unsaved"`` for a model not saved yet, ``"untrained"`` for `untrained`."""
        return str(self.card.get("model_version", "unsaved"))

    def model_card(self) -> dict:
        """The whole model card: what `card` records, with this classifier's fields.

        The one place a card is put together: `save` writes it (adding the checksum
        and version of the saved network), `load_classifier` reads it back.

        Examples
        --------
        >>> clf = TrainedClassifier.untrained(
        ...     {"a": "A", "b": "B"}, bands=("g",), image_size=(8, 16), filters=(2, 2, 2)
        ... )
        >>> card = clf.model_card()
        >>> card["model_version"], card["bands"], card["classes"]
        ('untrained', ['g'], ['A', 'B'])
        """
        return {
            "model_version": self.version,
            **self.card,
            "subclasses": list(self.subclasses),
            "class_of": dict(self.class_of),
            "classes": list(self.classes),
            "bands": list(self.bands),
            "image_size": list(self.image_size),
            "feature_names": list(self.feature_names),
            "feature_mean": np.asarray(self.feature_mean, dtype=np.float64).tolist(),
            "feature_std": np.asarray(self.feature_std, dtype=np.float64).tolist(),
            "temperature": float(self.temperature),
        }

    def save(self, folder: str | Path) -> Path:
        """Write the classifier folder: ``model.keras``, ``model_card.json``, ``MODEL_CARD.md``.

        Each file is written atomically (whole or not at all). The card (`model_card`)
        records the SHA-256 of ``model.keras``, which `load_classifier` checks, and the
        model version ``tvs-cnn-<its first 12 hex digits>``.

        Parameters
        ----------
        folder : str or Path
            Output folder (created if needed; the three files in it are replaced).

        Returns
        -------
        Path
            The folder; ``load_classifier(folder)`` reads it back.

        Examples
        --------
        >>> import tempfile
        >>> clf = TrainedClassifier.untrained(
        ...     {"a": "A", "b": "B"}, bands=("g",), image_size=(8, 16), filters=(2, 2, 2)
        ... )
        >>> folder = clf.save(tempfile.mkdtemp())
        >>> sorted(path.name for path in folder.iterdir())
        ['MODEL_CARD.md', 'model.keras', 'model_card.json']
        >>> load_classifier(folder).version.startswith("tvs-cnn-")
        True
        """
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        model_path = write_atomic(folder / MODEL_FILE, self.model.save)
        digest = _file_sha256(model_path)
        _write_card(
            folder,
            self.model_card()
            | {"model_version": f"tvs-cnn-{digest[:12]}", "model_sha256": digest},
        )
        return folder

    def probability_columns(self) -> tuple[list[str], list[str]]:
        """Output column names of the subclass and main-class probabilities.

        ``prob_<subclass>`` for every subclass; ``prob_<class>`` for every main class,
        except where a class has the name of a subclass: a class made of that one
        subclass only shares its column (the values are equal), any other gets
        ``prob_class_<class>``.

        Examples
        --------
        >>> clf = TrainedClassifier.untrained(
        ...     {"RRab": "RRL", "stochastic": "constant", "constant": "constant"},
        ...     bands=("g",),
        ...     image_size=(8, 16),
        ...     filters=(2, 2, 2),
        ... )
        >>> clf.probability_columns()
        (['prob_RRab', 'prob_stochastic', 'prob_constant'], ['prob_RRL', 'prob_class_constant'])
        """
        return probability_columns(self.subclasses, self.class_of)

    def inputs(
        self,
        light_curves: LightCurves,
        periods: object,
        *,
        ignore_colors: Sequence[str] = (),
        outliers: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Images and standardized features of ``light_curves`` for this model.

        ``ignore_colors`` names bands whose colors are given to the network as unknown
        (`tvs_classifier.features.without_colors`); ``outliers``, the rows' gross
        outliers where already known (`tvs_classifier.classifier.inputs.model_inputs`).
        """
        height, width = self.image_size
        columns = [name for name in self.feature_names if not name.startswith("has_")]
        try:
            images, matrix, names = model_inputs(
                light_curves,
                periods,
                bands=self.bands,
                height=height,
                width=width,
                ignore_colors=ignore_colors,
                outliers=outliers,
                columns=columns,
            )
        except KeyError as error:
            raise ModelError(
                f"the model uses features the package does not make: {error}"
            ) from None
        if names != list(self.feature_names):
            raise ModelError(
                f"features {names} differ from the model's {list(self.feature_names)}"
            )
        return images, standardize(matrix, names, self.feature_mean, self.feature_std)

    @functools.cached_property
    def _network_outputs(self) -> keras.Model:
        """The network with two outputs: penultimate activations and probabilities."""
        keras = import_keras()
        return keras.Model(
            inputs=self.model.input,
            outputs=[self.model.get_layer(EMBEDDING_LAYER).output, self.model.output],
        )

    def predict(
        self,
        images: np.ndarray,
        features: np.ndarray,
        *,
        calibrated: bool = True,
        batch_size: int = 4096,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Subclass probabilities and penultimate-layer activations of every object.

        The network is called with `keras.Model.predict_on_batch` on batches of
        ``batch_size``, each padded with zeros to a power of two (`padded_size`): a
        call with a batch of a new size traces the network again (about 0.1 s), and
        small batches of every size (a partition's changed objects) would each pay
        it. ``calibrated`` applies the temperature.

        Returns
        -------
        probabilities : ndarray, shape (n_objects, n_subclasses)
        embeddings : ndarray, shape (n_objects, n_units)
            Activations of `tvs_classifier.classifier.network.EMBEDDING_LAYER`.
        """
        width = int(self.model.get_layer(EMBEDDING_LAYER).output.shape[-1])
        raw = np.zeros((len(images), len(self.subclasses)))
        embeddings = np.zeros((len(images), width))
        for start in range(0, len(images), batch_size):
            stop = min(start + batch_size, len(images))
            size = padded_size(stop - start)
            embedded, probabilities = self._network_outputs.predict_on_batch(
                {
                    IMAGE_INPUT: _zero_padded(images[start:stop], size),
                    FEATURE_INPUT: _zero_padded(features[start:stop], size),
                }
            )
            raw[start:stop] = np.asarray(probabilities, dtype=np.float64)[: stop - start]
            embeddings[start:stop] = np.asarray(embedded, dtype=np.float64)[: stop - start]
        if calibrated and len(raw):
            raw = apply_temperature(raw, self.temperature)
        return raw, embeddings

    def predict_proba(
        self,
        images: np.ndarray,
        features: np.ndarray,
        *,
        calibrated: bool = True,
        batch_size: int = 4096,
    ) -> np.ndarray:
        """Subclass probabilities, shape ``(n_objects, n_subclasses)`` (float64).

        As `predict`, without the activations.
        """
        return self.predict(images, features, calibrated=calibrated, batch_size=batch_size)[0]

    def class_probabilities(self, probabilities: np.ndarray) -> np.ndarray:
        """Main-class probabilities: sums of subclass probabilities over each class."""
        classes = self.classes
        member = np.zeros((len(self.subclasses), len(classes)))
        for k, name in enumerate(self.subclasses):
            member[k, classes.index(self.class_of[name])] = 1.0
        return np.asarray(probabilities) @ member


def probability_columns(
    subclasses: Sequence[str], class_of: Mapping[str, str]
) -> tuple[list[str], list[str]]:
    """Output column names of subclass and main-class probabilities, for any classifier.

    ``prob_<subclass>`` for every subclass; ``prob_<class>`` for every main class (in
    order of their first subclass), except where a class has the name of a subclass:
    a class made of that one subclass only shares its column, any other gets
    ``prob_class_<class>``.

    Examples
    --------
    >>> probability_columns(
    ...     ["DSCT", "constant", "stochastic"],
    ...     {"DSCT": "DSCT", "constant": "constant", "stochastic": "constant"},
    ... )
    (['prob_DSCT', 'prob_constant', 'prob_stochastic'], ['prob_DSCT', 'prob_class_constant'])
    """
    subclass_columns = [f"prob_{name}" for name in subclasses]
    class_columns = []
    for name in dict.fromkeys(class_of[sub] for sub in subclasses):
        members = [sub for sub in subclasses if class_of[sub] == name]
        if name in class_of and members != [name]:
            class_columns.append(f"prob_class_{name}")
        else:
            class_columns.append(f"prob_{name}")
    return subclass_columns, class_columns


def padded_size(n: int) -> int:
    """The batch size the network is called with for ``n`` objects: a power of two, >= 16.

    Examples
    --------
    >>> [padded_size(n) for n in (1, 16, 17, 200, 2000)]
    [16, 16, 32, 256, 2048]
    """
    return max(16, 1 << max(int(n) - 1, 0).bit_length())


def _zero_padded(values: np.ndarray, size: int) -> np.ndarray:
    """``values`` with zero rows appended up to ``size`` rows."""
    if len(values) == size:
        return values
    padding = np.zeros((size - len(values), *values.shape[1:]), dtype=values.dtype)
    return np.concatenate([values, padding])


def _file_sha256(path: Path) -> str:
    """SHA-256 hex digest of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def update_card(folder: str | Path, entries: dict) -> Path:
    """Add or replace entries of a saved classifier's card, leaving its network as it is.

    For what is learned about a model after it was saved (e.g. the novelty statistics of
    `tvs_classifier.classifier.novelty`): ``model.keras``, and so the model version, do
    not change. The fields that describe the network itself cannot be replaced.

    Parameters
    ----------
    folder : str or Path
        A classifier folder (`TrainedClassifier.save`).
    entries : dict
        JSON-ready entries.

    Returns
    -------
    Path
        The folder.

    Raises
    ------
    ModelError
        If the folder is not a valid classifier folder.
    ValueError
        If an entry would replace a field of the network (`_CARD_KEYS`).

    Examples
    --------
    >>> import tempfile
    >>> clf = TrainedClassifier.untrained(
    ...     {"a": "A", "b": "B"}, bands=("g",), image_size=(8, 16), filters=(2, 2, 2)
    ... )
    >>> folder = update_card(clf.save(tempfile.mkdtemp()), {"note": "checked"})
    >>> load_classifier(folder).card["note"]
    'checked'
    """
    fixed = sorted(set(entries) & set(_CARD_KEYS))
    if fixed:
        raise ValueError(f"{fixed} describe the network and cannot be replaced: save it again")
    folder = Path(folder)
    card = load_classifier(folder).model_card()
    return _write_card(folder, card | dict(entries))


def _write_card(folder: Path, card: dict) -> Path:
    """Write ``model_card.json`` and ``MODEL_CARD.md`` into ``folder``, each atomically."""
    write_atomic(
        folder / CARD_FILE, lambda path: path.write_text(json.dumps(card, indent=2) + "\n")
    )
    write_atomic(
        folder / CARD_MARKDOWN_FILE, lambda path: path.write_text(render_model_card(card))
    )
    return folder


def load_classifier(path: str | Path | None = None) -> TrainedClassifier:
    """Read and check a classifier folder (``model.keras`` and ``model_card.json``).

    Parameters
    ----------
    path : str or Path, optional
        The folder `TrainedClassifier.save` wrote; the default model installed in
        the package (`DEFAULT_MODEL_DIR`) when omitted.

    Returns
    -------
    TrainedClassifier

    Raises
    ------
    ModelError
        If no default model is installed, the folder or a file is missing, the card
        is not valid JSON or lacks a key, or ``model.keras`` is truncated, changed
        (its SHA-256 differs from the card's) or does not match the card.

    Examples
    --------
    >>> load_classifier("/nonexistent")
    Traceback (most recent call last):
    ...
    tvs_classifier.classifier.trained.ModelError: classifier folder '/nonexistent' does not exist ...
    """
    folder = DEFAULT_MODEL_DIR if path is None else Path(path)
    if path is None and not folder.is_dir():
        raise ModelError(
            f"the default model is missing from this installation (expected {folder}): "
            "reinstall tvs-classifier, or pass a model folder (model=/--model)"
        )
    if not folder.is_dir():
        raise ModelError(
            f"classifier folder '{folder}' does not exist or is not a folder: "
            "give the folder written by TrainedClassifier.save"
        )
    card_path, model_path = folder / CARD_FILE, folder / MODEL_FILE
    for needed in (card_path, model_path):
        if not needed.is_file():
            raise ModelError(f"{needed} is missing: save the classifier again")
    try:
        card = json.loads(card_path.read_text())
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelError(
            f"{card_path} is not valid JSON ({error}): the file is corrupt; save it again"
        ) from None
    if not isinstance(card, dict):
        raise ModelError(f"{card_path} is not a JSON object: the file is corrupt")
    missing = [key for key in _CARD_KEYS if key not in card]
    if missing:
        raise ModelError(f"{card_path} lacks {missing}: it is not a tvs-classifier model card")
    if _file_sha256(model_path) != card["model_sha256"]:
        raise ModelError(
            f"{model_path} does not match the checksum in its model card: the file is "
            "truncated, corrupt or from another model; save the classifier again"
        )
    keras = import_keras()
    try:
        network = keras.saving.load_model(model_path, compile=False)
    except Exception as error:  # Keras raises many kinds for bad files
        raise ModelError(f"{model_path} cannot be loaded by Keras: {error}") from None
    subclasses = tuple(card["subclasses"])
    height, width = (int(size) for size in card["image_size"])
    expected = (height, width, len(card["bands"]))
    image_shape = tuple(network.get_layer(IMAGE_INPUT).output.shape[1:])
    if int(network.output.shape[-1]) != len(subclasses) or image_shape != expected:
        raise ModelError(
            f"{model_path} takes images {image_shape} and gives {network.output.shape[-1]} "
            f"outputs, but the card says {expected} and {len(subclasses)}: save it again"
        )
    return TrainedClassifier(
        model=network,
        subclasses=subclasses,
        class_of=dict(card["class_of"]),
        bands=tuple(card["bands"]),
        image_size=(height, width),
        feature_names=list(card["feature_names"]),
        feature_mean=np.asarray(card["feature_mean"], dtype=np.float64),
        feature_std=np.asarray(card["feature_std"], dtype=np.float64),
        temperature=float(card["temperature"]),
        card=card,
    )


def render_model_card(card: dict) -> str:
    """The model card as Markdown (what ``MODEL_CARD.md`` holds).

    Examples
    --------
    >>> text = render_model_card(
    ...     {
    ...         "model_version": "v1",
    ...         "subclasses": ["a", "b"],
    ...         "class_of": {"a": "A", "b": "A"},
    ...         "bands": ["g"],
    ...         "image_size": [8, 16],
    ...     }
    ... )
    >>> text.splitlines()[0]
    '# tvs-classifier model v1'
    """
    lines = [
        f"# tvs-classifier model {card.get('model_version', '')}",
        "",
        "CNN + MLP classifier of periodic variable stars (Szklenar et al. 2020, 2022, 2025): "
        "phase-folded light curves drawn as images (a channel per band) and numeric "
        "features (log period, amplitudes, colors, numbers of points).",
        "",
        f"- Created: {card.get('created', '?')}",
        f"- Bands: {', '.join(card.get('bands', []))}",
        f"- Image size: {' x '.join(str(v) for v in card.get('image_size', []))}",
        f"- Temperature (calibration): {card.get('temperature', 1.0):.4g}",
        f"- Seed: {card.get('seed', '?')}; splits: {card.get('splits', {})}",
        f"- Versions: {card.get('versions', {})}",
        f"- Training data: {json.dumps(card.get('training_data', {}))}",
        "",
        "## Subclasses and classes",
        "",
        "| subclass | class |",
        "|---|---|",
        *(f"| {sub} | {main} |" for sub, main in card.get("class_of", {}).items()),
    ]
    for level in ("class", "subclass"):
        metrics = card.get("metrics", {}).get(level)
        if not metrics:
            continue
        lines += [
            "",
            f"## Test-split metrics by {level} (accuracy {metrics['accuracy']:.3f})",
            "",
            "| | precision | recall | F1 | support |",
            "|---|---|---|---|---|",
        ]
        for name, row in metrics["per_class"].items():
            lines.append(
                f"| {name} | {row['precision']:.3f} | {row['recall']:.3f} | "
                f"{row['f1']:.3f} | {int(row['support'])} |"
            )
        matrix = card.get("confusion_matrix", {}).get(level)
        if matrix:
            lines += ["", "Confusion matrix (rows true, columns predicted):", ""]
            lines.append("| | " + " | ".join(matrix["labels"]) + " |")
            lines.append("|---" * (len(matrix["labels"]) + 1) + "|")
            for name, row in zip(matrix["labels"], matrix["matrix"], strict=True):
                lines.append(f"| {name} | " + " | ".join(str(v) for v in row) + " |")
    if "metrics" in card:
        m = card["metrics"]
        lines += [
            "",
            "## Calibration (expected calibration error)",
            "",
            f"- validation, uncalibrated: {m['ece_validation_uncalibrated']:.4f}",
            f"- validation, calibrated: {m['ece_validation_calibrated']:.4f}",
            f"- test, calibrated: {m['ece_test_calibrated']:.4f}",
        ]
    return "\n".join(lines) + "\n"
