"""The classifier network: a CNN over light-curve images joined with an MLP over numbers.

The architecture follows the multiple-input network of Szklenar et al. (2022, ApJ
938, 37): a small convolutional stack over the images (7x7, 5x5 and 3x3 kernels,
each followed by max pooling and spatial dropout) and a dense head over the numeric
features, each ending in a dense layer; the two are concatenated and a softmax layer
gives the class probabilities.

Only Keras 3 layers are used, no backend-specific operation, so the same code runs on
TensorFlow and JAX (set ``KERAS_BACKEND=jax`` before Keras is imported). Keras is
imported when a network is built, not when this package is imported.

What a network is fed is made in `tvs_classifier.classifier.inputs`; a trained
network with everything needed to use it is a
`tvs_classifier.classifier.trained.TrainedClassifier`.

Examples
--------
>>> model = build_model(n_classes=3, image_shape=(16, 32, 2), n_features=4)
>>> tuple(model.get_layer("images").output.shape), tuple(model.get_layer("features").output.shape)
((None, 16, 32, 2), (None, 4))
>>> tuple(model.output.shape)
(None, 3)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._keras import import_keras

if TYPE_CHECKING:  # pragma: no cover - typing only
    import keras

__all__ = ["EMBEDDING_LAYER", "FEATURE_INPUT", "IMAGE_INPUT", "build_model"]

#: Name of the image input (shape height x width x bands).
IMAGE_INPUT = "images"
#: Name of the numeric-feature input (see `tvs_classifier.features.feature_matrix`).
FEATURE_INPUT = "features"
#: The penultimate layer: its activations are an object's representation in the network
#: (`tvs_classifier.classifier.novelty` measures distances there).
EMBEDDING_LAYER = "head_dense"

#: Convolution kernel sizes of the image branch, as in Szklenar et al. (2022).
_KERNELS = (7, 5, 3)


def build_model(
    n_classes: int,
    image_shape: tuple[int, int, int] = (32, 64, 6),
    n_features: int = 24,
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
        amplitude per band, five colors, each with its "has value" flag).
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
        and colors rather than the shape alone (a delta Scuti star with an RR Lyrae
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
    keras = import_keras()
    layers = keras.layers

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
    z = layers.Dense(head_units, activation="relu", name=EMBEDDING_LAYER)(z)
    z = layers.Dropout(dropout, name="dropout")(z)
    outputs = layers.Dense(n_classes, activation="softmax", name="probabilities")(z)
    return keras.Model(
        inputs={IMAGE_INPUT: images, FEATURE_INPUT: features}, outputs=outputs, name=name
    )
