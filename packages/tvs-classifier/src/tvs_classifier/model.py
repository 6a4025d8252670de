"""The classifier network: a CNN over light-curve images joined with an MLP over numbers.

The architecture follows the multiple-input network of Szklenar et al. (2022, ApJ
938, 37): a small convolutional stack over the images (7x7, 5x5 and 3x3 kernels,
each followed by max pooling and spatial dropout) and a dense head over the numeric
features, each ending in a dense layer; the two are concatenated and a softmax layer
gives the class probabilities.

Only Keras 3 layers are used, no backend-specific operation, so the same code runs on
TensorFlow (the default) and JAX (set ``KERAS_BACKEND=jax`` before importing Keras).
Keras is imported when a model is built or loaded, not when this package is imported.

`model_inputs` turns light curves into the two inputs (images and numeric features);
`TrainedClassifier` is a trained network with everything needed to use it (bands,
image size, feature standardisation, subclass to class mapping, calibration
temperature, model card), written by `tvs_classifier.training.export` and read by
`load_classifier`. The default model is the folder ``tvs_classifier/data/model``;
until one is installed there, `load_classifier` without a path raises `ModelError`.

Examples
--------
>>> model = build_model(n_classes=3, image_shape=(16, 32, 2), n_features=4)
>>> tuple(model.get_layer("images").output.shape), tuple(model.get_layer("features").output.shape)
((None, 16, 32, 2), (None, 4))
>>> tuple(model.output.shape)
(None, 3)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ._aligned import aligned_periods
from .bands import LSST_BANDS
from .features import compute_features, feature_matrix
from .images import render_images
from .lightcurves import LightCurves

if TYPE_CHECKING:  # pragma: no cover - typing only
    import keras

__all__ = [
    "CARD_FILE",
    "CARD_MARKDOWN_FILE",
    "DEFAULT_MODEL_DIR",
    "FEATURE_INPUT",
    "IMAGE_INPUT",
    "MODEL_FILE",
    "ModelError",
    "TrainedClassifier",
    "build_model",
    "fit_standardisation",
    "load_classifier",
    "model_inputs",
    "standardise",
]

#: Name of the image input (shape height x width x bands).
IMAGE_INPUT = "images"
#: Name of the numeric-feature input (see `tvs_classifier.features.feature_matrix`).
FEATURE_INPUT = "features"

#: File names of an exported classifier folder.
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

#: Convolution kernel sizes of the image branch, as in Szklenar et al. (2022).
_KERNELS = (7, 5, 3)


def build_model(
    n_classes: int,
    image_shape: tuple[int, int, int] = (32, 64, 6),
    n_features: int = 36,
    *,
    filters: tuple[int, int, int] = (16, 32, 64),
    image_units: int = 64,
    feature_units: int = 32,
    head_units: int = 64,
    spatial_dropout: float = 0.2,
    dropout: float = 0.3,
    image_dropout: float = 0.25,
    name: str = "tvs_cnn_mlp",
) -> keras.Model:
    """Build the untrained multiple-input CNN + MLP classifier.

    Parameters
    ----------
    n_classes : int
        Number of classes (at least 2); the output is a softmax over them.
    image_shape : tuple of int
        ``(height, width, n_bands)`` of the images (`tvs_classifier.images`).
    n_features : int
        Length of the numeric-feature vector; the default is the width of
        `tvs_classifier.features.feature_matrix` for the six LSST bands (log period,
        points and amplitude per band, five colours, each with its "has value" flag).
    filters : tuple of three int
        Filters of the 7x7, 5x5 and 3x3 convolution layers.
    image_units, feature_units, head_units : int
        Widths of the dense layers closing the image branch, of the feature branch,
        and after the concatenation.
    spatial_dropout, dropout : float
        Dropout rates after each convolution block (whole feature maps) and before
        the output layer.
    image_dropout : float
        Fraction of training objects whose whole image summary is dropped (modality
        dropout, as ModDrop of Neverova et al. 2016, IEEE TPAMI 38, 1692): the numeric
        branch must then classify on its own, so the network learns to use the period
        and colours rather than the shape alone (a delta Scuti star with an RR Lyrae
        shape is told apart by its period). No effect when classifying.
    name : str
        Model name.

    Returns
    -------
    keras.Model
        Inputs ``{"images": (None, *image_shape), "features": (None, n_features)}``;
        output ``(None, n_classes)`` class probabilities. Not compiled.

    Raises
    ------
    ValueError
        If a size is not positive, fewer than two classes are asked for, or the image
        is too small for the three pooling steps (at least 8x8).

    Examples
    --------
    >>> import numpy as np
    >>> model = build_model(4, image_shape=(8, 16, 1), n_features=2, filters=(2, 2, 2))
    >>> probs = model.predict(
    ...     {"images": np.zeros((1, 8, 16, 1)), "features": np.zeros((1, 2))}, verbose=0
    ... )
    >>> probs.shape, bool(np.isclose(probs.sum(), 1.0, atol=1e-5))
    ((1, 4), True)
    """
    import keras
    from keras import layers

    height, width, n_bands = (int(size) for size in image_shape)
    if n_classes < 2:
        raise ValueError(f"n_classes={n_classes}: a classifier needs at least 2 classes")
    if min(height, width, n_bands, n_features, *filters) < 1:
        raise ValueError("image_shape, n_features and filters must all be positive")
    if min(height, width) < 2 ** len(_KERNELS):
        raise ValueError(
            f"images of {height}x{width} are too small for {len(_KERNELS)} pooling steps: "
            f"use at least {2 ** len(_KERNELS)}x{2 ** len(_KERNELS)}"
        )
    images = keras.Input(shape=(height, width, n_bands), name=IMAGE_INPUT)
    features = keras.Input(shape=(n_features,), name=FEATURE_INPUT)

    x = images
    for block, (kernel, n_filters) in enumerate(zip(_KERNELS, filters, strict=True)):
        x = layers.Conv2D(
            n_filters, kernel, padding="same", activation="relu", name=f"conv{kernel}x{kernel}"
        )(x)
        x = layers.MaxPooling2D(2, name=f"pool{block + 1}")(x)
        x = layers.SpatialDropout2D(spatial_dropout, name=f"spatial_dropout{block + 1}")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(image_units, activation="relu", name="image_dense")(x)
    x = layers.Dropout(image_dropout, noise_shape=(None, 1), name="image_dropout")(x)

    y = layers.Dense(feature_units, activation="relu", name="feature_dense1")(features)
    y = layers.Dense(feature_units, activation="relu", name="feature_dense2")(y)

    z = layers.Concatenate(name="concatenate")([x, y])
    z = layers.Dense(head_units, activation="relu", name="head_dense")(z)
    z = layers.Dropout(dropout, name="dropout")(z)
    outputs = layers.Dense(n_classes, activation="softmax", name="probabilities")(z)
    return keras.Model(
        inputs={IMAGE_INPUT: images, FEATURE_INPUT: features}, outputs=outputs, name=name
    )


class ModelError(ValueError):
    """A classifier folder that is missing, incomplete or corrupt, with what to do."""


def model_inputs(
    light_curves: LightCurves,
    periods: object,
    *,
    bands: Sequence[str] = LSST_BANDS,
    height: int = 32,
    width: int = 64,
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Images and the raw numeric-feature matrix of every object.

    Parameters
    ----------
    light_curves : LightCurves
        Validated light curves.
    periods : DataFrame, Series, mapping or array_like
        Period per object, as `tvs_classifier.images.render_images` takes it.
    bands : sequence of str
        Bands, in channel order; missing ones are masked (empty channel, NaN features
        with their "has value" flag 0), never invented.
    height, width : int
        Image size.

    Returns
    -------
    images : ndarray of float32, shape (n_objects, height, width, n_bands)
    features : ndarray of float32, shape (n_objects, n_features)
        `tvs_classifier.features.feature_matrix` (not standardised).
    names : list of str
        Feature names.

    Examples
    --------
    >>> import pandas as pd
    >>> t = np.arange(30.0)
    >>> table = pd.DataFrame(
    ...     {"object_id": 1, "mjd": t, "band": "g", "mag": np.sin(t), "mag_err": 0.1}
    ... )
    >>> images, features, names = model_inputs(
    ...     LightCurves.from_table(table), [0.7], bands=("g", "r"), height=8, width=16
    ... )
    >>> images.shape, features.shape, names[:2]
    ((1, 8, 16, 2), (1, 12), ['log10_period', 'has_log10_period'])
    """
    bands = tuple(bands)
    period = aligned_periods(light_curves, periods)
    images = render_images(light_curves, period, bands=bands, height=height, width=width)
    matrix, names = feature_matrix(compute_features(light_curves, period, bands=bands))
    return images.images, matrix, names


def _value_columns(names: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the value columns and of their ``has_`` flag columns."""
    names = list(names)
    values = [k for k, name in enumerate(names) if not name.startswith("has_")]
    flags = [names.index(f"has_{names[k]}") for k in values]
    return np.asarray(values, dtype=np.int64), np.asarray(flags, dtype=np.int64)


def fit_standardisation(matrix: np.ndarray, names: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation of each feature over the objects where it is known.

    Flag columns (``has_...``) get mean 0 and std 1 (left as they are); a feature
    never known or constant gets std 1.

    Examples
    --------
    >>> m = np.array([[1.0, 1.0], [3.0, 1.0], [0.0, 0.0]], np.float32)
    >>> mean, std = fit_standardisation(m, ["x", "has_x"])
    >>> mean.tolist(), std.tolist()
    ([2.0, 0.0], [1.0, 1.0])
    """
    matrix = np.asarray(matrix, dtype=np.float64)
    mean = np.zeros(matrix.shape[1])
    std = np.ones(matrix.shape[1])
    values, flags = _value_columns(names)
    for value, flag in zip(values, flags, strict=True):
        known = matrix[:, flag] > 0
        if known.any():
            mean[value] = matrix[known, value].mean()
            spread = matrix[known, value].std()
            std[value] = spread if spread > 0 else 1.0
    return mean, std


def standardise(
    matrix: np.ndarray, names: Sequence[str], mean: np.ndarray, std: np.ndarray
) -> np.ndarray:
    """``(matrix - mean) / std``, with unknown values (flag 0) kept at 0.

    Examples
    --------
    >>> m = np.array([[1.0, 1.0], [0.0, 0.0]], np.float32)
    >>> standardise(m, ["x", "has_x"], np.array([2.0, 0.0]), np.array([1.0, 1.0])).tolist()
    [[-1.0, 1.0], [0.0, 0.0]]
    """
    out = (np.asarray(matrix, dtype=np.float64) - mean) / std
    values, flags = _value_columns(names)
    out[:, values] = np.where(np.asarray(matrix)[:, flags] > 0, out[:, values], 0.0)
    return out.astype(np.float32)


@dataclass(frozen=True, eq=False)
class TrainedClassifier:
    """A trained network with everything needed to classify with it.

    Attributes
    ----------
    model : keras.Model
        The network (`build_model`), output: uncalibrated subclass probabilities.
    subclasses : tuple of str
        The network's outputs, in order.
    class_of : dict of str to str
        Main class of every subclass; main-class probabilities are sums over them.
    bands : tuple of str
        Image channels and feature bands, in order.
    image_size : tuple of int
        ``(height, width)``.
    feature_names : list of str
        Columns of the feature matrix (`model_inputs`).
    feature_mean, feature_std : ndarray
        Standardisation of the features (`fit_standardisation` on the training split).
    temperature : float
        Calibration temperature (`tvs_classifier.calibration`).
    card : dict
        The model card (`tvs_classifier.training.export` writes it as JSON).

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
        ('untrained', 12)
        """
        import keras
        import pandas as pd

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
        """The model version recorded in the card (``"untrained"`` if none)."""
        return str(self.card.get("model_version", "untrained"))

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
        subclass_columns = [f"prob_{name}" for name in self.subclasses]
        class_columns = []
        for name in self.classes:
            members = [sub for sub in self.subclasses if self.class_of[sub] == name]
            if name in self.class_of and members != [name]:
                class_columns.append(f"prob_class_{name}")
            else:
                class_columns.append(f"prob_{name}")
        return subclass_columns, class_columns

    def inputs(self, light_curves: LightCurves, periods: object) -> tuple[np.ndarray, np.ndarray]:
        """Images and standardised features of ``light_curves`` for this model."""
        height, width = self.image_size
        images, matrix, names = model_inputs(
            light_curves, periods, bands=self.bands, height=height, width=width
        )
        if names != list(self.feature_names):
            raise ModelError(
                f"features {names} differ from the model's {list(self.feature_names)}"
            )
        return images, standardise(matrix, names, self.feature_mean, self.feature_std)

    def predict_proba(
        self,
        images: np.ndarray,
        features: np.ndarray,
        *,
        calibrated: bool = True,
        batch_size: int = 4096,
    ) -> np.ndarray:
        """Subclass probabilities, shape ``(n_objects, n_subclasses)`` (float64).

        The network is called with `keras.Model.predict_on_batch` on batches of
        ``batch_size``; ``calibrated`` applies the temperature.
        """
        from .calibration import apply_temperature

        parts = [
            np.asarray(
                self.model.predict_on_batch(
                    {
                        IMAGE_INPUT: images[start : start + batch_size],
                        FEATURE_INPUT: features[start : start + batch_size],
                    }
                ),
                dtype=np.float64,
            )
            for start in range(0, len(images), batch_size)
        ]
        raw = np.concatenate(parts) if parts else np.zeros((0, len(self.subclasses)))
        return apply_temperature(raw, self.temperature) if calibrated else raw

    def class_probabilities(self, probabilities: np.ndarray) -> np.ndarray:
        """Main-class probabilities: sums of subclass probabilities over each class."""
        classes = self.classes
        member = np.zeros((len(self.subclasses), len(classes)))
        for k, name in enumerate(self.subclasses):
            member[k, classes.index(self.class_of[name])] = 1.0
        return np.asarray(probabilities) @ member


def _file_sha256(path: Path) -> str:
    """SHA-256 hex digest of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_classifier(path: str | Path | None = None) -> TrainedClassifier:
    """Read and check a classifier folder (``model.keras`` and ``model_card.json``).

    Parameters
    ----------
    path : str or Path, optional
        The folder `tvs_classifier.training.export` wrote; the default model
        installed in the package (`DEFAULT_MODEL_DIR`) when omitted.

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
    tvs_classifier.model.ModelError: classifier folder '/nonexistent' does not exist ...
    """
    if path is None:
        folder = DEFAULT_MODEL_DIR
        if not (folder / CARD_FILE).is_file():
            raise ModelError(
                f"no default model is installed (expected {folder}): train one with "
                "'tvs-classifier train' and pass its folder (model=/--model)"
            )
    else:
        folder = Path(path)
    if not folder.is_dir():
        raise ModelError(
            f"classifier folder '{folder}' does not exist or is not a folder: "
            "give the folder written by tvs_classifier.training.export"
        )
    card_path, model_path = folder / CARD_FILE, folder / MODEL_FILE
    for needed in (card_path, model_path):
        if not needed.is_file():
            raise ModelError(f"{needed} is missing: export the classifier again")
    try:
        card = json.loads(card_path.read_text())
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelError(
            f"{card_path} is not valid JSON ({error}): the file is corrupt; export it again"
        ) from None
    if not isinstance(card, dict):
        raise ModelError(f"{card_path} is not a JSON object: the file is corrupt")
    missing = [key for key in _CARD_KEYS if key not in card]
    if missing:
        raise ModelError(f"{card_path} lacks {missing}: it is not a tvs-classifier model card")
    if _file_sha256(model_path) != card["model_sha256"]:
        raise ModelError(
            f"{model_path} does not match the checksum in its model card: the file is "
            "truncated, corrupt or from another model; export the classifier again"
        )
    import keras

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
            f"outputs, but the card says {expected} and {len(subclasses)}: export it again"
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
