"""Training the classifier: splits, class weights, early stopping, calibration, model card.

`train` takes labelled light curves (e.g. from `tvs_classifier.simulation`, passed in as
data: training knows nothing of the simulator) and returns a
`~tvs_classifier.classifier.trained.TrainedClassifier`:

1. **Periods**: the label's period; where it is NaN (constant stars) the period
   that `tvs_classifier.periods.find_periods` finds, as it would be at
   classification time.
2. **Inputs** (`tvs_classifier.classifier.inputs.model_inputs`): one image per object with a
   channel per band, and the numeric features with their "has value" flags,
   standardized with the mean and standard deviation of the training split.
3. **Splits**: stratified by subclass into training, validation and test sets.
4. **Fit**: Adam, cross-entropy weighted by inverse subclass frequency ("balanced"),
   early stopping on the validation loss (best weights kept). The network predicts
   subclasses; main-class probabilities are sums over each class's subclasses.
5. **Calibration**: temperature scaling on the validation split
   (`tvs_classifier.classifier.calibration`), and the statistics of the novelty score
   (`tvs_classifier.classifier.novelty`): subclass means and covariance of the
   penultimate activations of the training split, threshold from the validation split.
6. **Evaluation** on the test split (`tvs_classifier.classifier.evaluation`): per-subclass and
   per-class precision, recall, F1, confusion matrices, expected calibration error.

The classifier's ``save`` writes its folder (``model.keras``, ``model_card.json`` and
``MODEL_CARD.md``) and `tvs_classifier.load_classifier` reads it back. The same seed gives the same splits and weights
(`keras.utils.set_random_seed`; on one machine and backend).

Examples
--------
>>> from tvs_classifier import simulate
>>> lcs, labels = simulate(60, ["RRab", "RRc"], seed=1, years=1)
>>> clf = train(
...     lcs,
...     labels,
...     bands=("g", "r"),
...     image_size=(16, 32),
...     epochs=1,
...     filters=(2, 2, 2),
...     seed=0,
...     progress=False,
... )
>>> clf.subclasses, clf.card["splits"]
(('RRab', 'RRc'), {'train': 44, 'validation': 8, 'test': 8})
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import importlib.metadata
from collections.abc import Sequence

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from .._version import VERSION
from ..bands import LSST_BANDS
from ..io.writers import LABEL_COLUMNS
from ..lightcurves import LightCurves
from ..periods import find_periods
from ._keras import import_keras
from .calibration import apply_temperature, expected_calibration_error, fit_temperature
from .evaluation import classification_report, confusion_matrix
from .inputs import fit_standardization, model_inputs, standardize
from .network import FEATURE_INPUT, IMAGE_INPUT, build_model
from .novelty import fit_novelty
from .trained import TrainedClassifier

__all__ = [
    "STAND_IN_PERIODS",
    "balanced_weights",
    "check_labels",
    "color_dropout_rows",
    "stand_in_periods",
    "stratified_split",
    "train",
    "training_periods",
]


def stratified_split(
    labels: Sequence[object],
    *,
    validation: float = 0.15,
    test: float = 0.15,
    seed: int | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions of the training, validation and test objects, stratified by label.

    Each label's objects are shuffled and shared out by the fractions (rounded), with
    at least one object left for training.

    Parameters
    ----------
    labels : sequence
        The label (subclass) of every object.
    validation, test : float
        Fractions of each label for validation and test (sum below 1).
    seed : int, optional
        Seed of the shuffle.

    Returns
    -------
    train, validation, test : ndarray of int
        Sorted positions.

    Examples
    --------
    >>> tr, va, te = stratified_split(["a"] * 10 + ["b"] * 10, seed=0)
    >>> len(tr), len(va), len(te)
    (12, 4, 4)
    """
    if not (0 <= validation < 1 and 0 <= test < 1 and validation + test < 1):
        raise ValueError(
            f"validation={validation} and test={test} must be fractions summing to below 1"
        )
    rng = np.random.default_rng(seed)
    codes, _ = pd.factorize(pd.Series(np.asarray(labels, dtype=object)), sort=True)
    parts: tuple[list, list, list] = ([], [], [])
    for code in range(codes.max() + 1 if codes.size else 0):
        members = rng.permutation(np.flatnonzero(codes == code))
        n_val = round(validation * members.size)
        n_test = round(test * members.size)
        n_test = min(n_test, max(members.size - 1 - n_val, 0))
        parts[2].append(members[:n_test])
        parts[1].append(members[n_test : n_test + n_val])
        parts[0].append(members[n_test + n_val :])
    return tuple(
        np.sort(np.concatenate(part)).astype(np.int64) if part else np.zeros(0, np.int64)
        for part in parts
    )


def check_labels(light_curves: LightCurves, labels: pd.DataFrame) -> pd.DataFrame:
    """Labels aligned with the light curves' objects, or a clear error.

    Every classifier trained here (`train`, and the feature baseline of
    `tvs_classifier.classifier.baseline`) takes its labels through this check.

    Returns
    -------
    pandas.DataFrame
        One row per object of ``light_curves``, in their order (extra rows dropped).

    Raises
    ------
    ValueError
        If ``labels`` is not a table, lacks a column, repeats or misses an object, or
        puts a subclass in two classes.

    Examples
    --------
    >>> from tvs_classifier import simulate
    >>> lcs, labels = simulate(2, ["RRab"], seed=1, years=1)
    >>> check_labels(lcs, labels[::-1])["object_id"].tolist()
    [0, 1]
    >>> check_labels(lcs, labels.drop(columns="subclass"))
    Traceback (most recent call last):
    ...
    ValueError: labels lack the column(s) ['subclass']: give object_id, class, subclass, period
    """
    if not isinstance(labels, pd.DataFrame):
        raise ValueError(f"labels must be a pandas DataFrame, not {type(labels).__name__}")
    missing = [name for name in LABEL_COLUMNS if name not in labels.columns]
    if missing:
        raise ValueError(
            f"labels lack the column(s) {missing}: give object_id, class, subclass, period"
        )
    if labels["object_id"].duplicated().any():
        raise ValueError("labels give some object twice: one row per object")
    aligned = labels.set_index("object_id").reindex(light_curves.object_ids)
    unlabelled = aligned["subclass"].isna() | aligned["class"].isna()
    if unlabelled.any():
        ids = aligned.index[unlabelled][:5].tolist()
        raise ValueError(
            f"{int(unlabelled.sum())} objects have no class or subclass in labels "
            f"(e.g. {ids}): label them or drop them with LightCurves.select"
        )
    class_of = aligned.groupby("subclass")["class"].unique()
    mixed = [name for name, values in class_of.items() if len(values) > 1]
    if mixed:
        raise ValueError(f"subclasses {mixed} belong to more than one class in labels")
    return aligned.reset_index()


#: Range (days) of the log-uniform stand-in periods of `stand_in_periods`.
STAND_IN_PERIODS: tuple[float, float] = (0.05, 1000.0)


def stand_in_periods(
    periods: pd.Series,
    rng: np.random.Generator,
    period_range: tuple[float, float] = STAND_IN_PERIODS,
) -> pd.Series:
    """``periods`` with every NaN (a non-periodic star) replaced by a stand-in period.

    A search on a non-periodic light curve returns some period all the same; a
    classifier trained on simulated stars should see such stars with periods too. The
    stand-ins are drawn log-uniformly over ``period_range``, a cheaper stand-in for
    running the search (`training_periods`) on every one of them.

    Parameters
    ----------
    periods : pandas.Series
        Period of each object (days), NaN where it has none.
    rng : numpy.random.Generator
        Random numbers (one per NaN, in order).
    period_range : tuple of float
        Shortest and longest stand-in period (days).

    Returns
    -------
    pandas.Series
        A copy, without NaN.

    Examples
    --------
    >>> filled = stand_in_periods(pd.Series([0.5, np.nan]), np.random.default_rng(0))
    >>> filled[0], bool(0.05 <= filled[1] <= 1000.0)
    (np.float64(0.5), True)
    """
    filled = periods.astype(float).copy()
    missing = filled.isna()
    low, high = np.log10(period_range)
    filled[missing] = 10 ** rng.uniform(low, high, int(missing.sum()))
    return filled


def training_periods(
    light_curves: LightCurves, labels: pd.DataFrame, *, progress: bool = True
) -> pd.DataFrame:
    """Period of each object for training: the label's, else one found.

    Objects whose label period is NaN (e.g. constant stars) get the period that
    `tvs_classifier.periods.find_periods` finds, as they would when classified.

    Returns
    -------
    pandas.DataFrame
        `tvs_classifier.periods.find_periods`' table, one row per object.

    Examples
    --------
    >>> from tvs_classifier import simulate
    >>> lcs, labels = simulate(2, ["RRab"], seed=1, years=1)
    >>> training_periods(lcs, labels, progress=False)["period_source"].tolist()
    ['given', 'given']
    """
    given = labels.set_index("object_id")["period"].astype(float)
    return find_periods(light_curves, given, progress=progress, min_period=0.05)


def color_dropout_rows(rows: np.ndarray, fraction: float, seed: int | None) -> np.ndarray:
    """A random ``fraction`` of ``rows`` (sorted), whose colors training hides.

    Examples
    --------
    >>> color_dropout_rows(np.arange(10), 0.3, seed=0).size
    3
    """
    if not 0 <= fraction <= 1:
        raise ValueError(f"color_dropout={fraction}: give a fraction between 0 and 1")
    rng = np.random.default_rng([seed or 0, 7])  # apart from the split's stream
    return np.sort(rng.choice(rows, size=round(fraction * len(rows)), replace=False))


def _color_columns(names: Sequence[str]) -> list[int]:
    """Positions of the color values and their ``has_`` flags in a feature matrix."""
    return [k for k, name in enumerate(names) if name.removeprefix("has_").startswith("color_")]


def balanced_weights(codes: np.ndarray, n_classes: int) -> np.ndarray:
    """Balanced weight of each class, ``n / (n_present_classes * count)`` (0 if absent).

    Every classifier trained here weights its loss so (the CNN by class, the feature
    baseline by object: ``balanced_weights(codes, n)[codes]``).

    Examples
    --------
    >>> balanced_weights(np.array([0, 0, 0, 1]), 3).tolist()
    [0.6666666666666666, 2.0, 0.0]
    """
    counts = np.bincount(codes, minlength=n_classes)
    present = counts > 0
    return np.where(present, codes.size / (present.sum() * np.maximum(counts, 1)), 0.0)


def _epoch_bar(epochs: int, progress: bool):
    """A Keras callback showing a tqdm bar over epochs (with the losses)."""
    keras = import_keras()

    class EpochBar(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.bar = tqdm(total=epochs, desc="training", unit="epoch", disable=not progress)

        def on_epoch_end(self, epoch, logs=None):
            self.bar.set_postfix({k: f"{v:.3f}" for k, v in (logs or {}).items()})
            self.bar.update(1)

        def on_train_end(self, logs=None):
            self.bar.close()

    return EpochBar()


def _scores(
    true: np.ndarray, probabilities: np.ndarray, names: Sequence[str]
) -> tuple[pd.DataFrame, np.ndarray]:
    """Report and confusion matrix of the most probable label."""
    predicted = np.asarray(names, dtype=object)[probabilities.argmax(axis=1)]
    truth = np.asarray(names, dtype=object)[true]
    return classification_report(truth, predicted, names), confusion_matrix(
        truth, predicted, names
    )


def _report_dict(report: pd.DataFrame) -> dict:
    """A report as JSON-ready nested dicts, with the accuracy."""
    rows = {
        str(name): {key: float(value) for key, value in row.items()}
        for name, row in report.iterrows()
    }
    return {"per_class": rows, "accuracy": report.attrs["accuracy"]}


def train(
    light_curves: LightCurves,
    labels: pd.DataFrame,
    *,
    bands: Sequence[str] = LSST_BANDS,
    periods: object = None,
    image_size: tuple[int, int] = (32, 64),
    validation: float = 0.15,
    test: float = 0.15,
    epochs: int = 50,
    batch_size: int = 64,
    patience: int = 8,
    learning_rate: float = 1e-3,
    class_weight: str | None = "balanced",
    filters: tuple[int, int, int] = (16, 32, 64),
    image_dropout: float = 0.25,
    color_dropout: float = 0.0,
    seed: int = 0,
    description: str | dict | None = None,
    progress: bool = True,
) -> TrainedClassifier:
    """Train, calibrate and evaluate the CNN + MLP classifier on labelled light curves.

    Parameters
    ----------
    light_curves : LightCurves
        Validated light curves.
    labels : pandas.DataFrame
        One row per object: ``object_id, class, subclass, period`` (NaN period for
        non-periodic stars); every object of ``light_curves`` must be labelled (extra
        rows are ignored).
    bands : sequence of str
        Bands the model uses (image channels), in order.
    periods : DataFrame, Series, mapping or array_like, optional
        Periods to use instead of `training_periods` (label periods, else found).
    image_size : tuple of int
        ``(height, width)`` of the images.
    validation, test : float
        Fractions of each subclass for the validation and test splits.
    epochs, batch_size, patience, learning_rate : int, int, int, float
        At most ``epochs`` epochs (Adam, starting at ``learning_rate``); halve the
        learning rate after ``max(1, patience // 2)`` epochs without a lower validation
        loss, stop after ``patience`` such epochs and keep the best weights.
    class_weight : {"balanced", None}
        Weight the loss by inverse subclass frequency, or not.
    filters : tuple of three int
        Filters of the convolution layers (`tvs_classifier.classifier.network.build_model`).
    image_dropout : float
        Fraction of training objects whose image summary is dropped whole
        (`tvs_classifier.classifier.network.build_model`; 0 gives the network of Szklenar et al.
        2022 as it was).
    color_dropout : float
        Fraction of training objects (and of validation objects, so that calibration
        sees them too) whose colors are given as unknown (`color_dropout_rows`), so
        that the network learns to classify without them: then colors of other surveys'
        filters can be left out when classifying (``classify(..., ignore_colors=...)``).
    seed : int
        Seed of the splits, the weights and the shuffling.
    description : str or dict, optional
        Description of the training data for the model card.
    progress : bool
        Show progress bars (period search, epochs).

    Returns
    -------
    TrainedClassifier
        With ``card`` holding the splits, metrics on the test split (per subclass,
        per class, macro), confusion matrices, temperature and calibration errors.

    Raises
    ------
    ValueError
        If labels are missing, inconsistent or for objects not given, fewer than two
        subclasses remain, a split is empty, or ``class_weight`` is unknown.
    """
    keras = import_keras()
    if class_weight not in ("balanced", None):
        raise ValueError(f"class_weight={class_weight!r}: use 'balanced' or None")
    bands = tuple(bands)
    height, width = (int(size) for size in image_size)
    aligned = check_labels(light_curves, labels)
    subclasses = tuple(sorted(aligned["subclass"].astype(str).unique()))
    if len(subclasses) < 2:
        raise ValueError(f"only the subclass {list(subclasses)}: training needs at least two")
    class_of = {
        name: str(aligned.loc[aligned["subclass"] == name, "class"].iloc[0]) for name in subclasses
    }
    codes = pd.Index(subclasses).get_indexer(aligned["subclass"].astype(str))

    if periods is None:
        periods = training_periods(light_curves, aligned, progress=progress)
    images, matrix, names = model_inputs(
        light_curves, periods, bands=bands, height=height, width=width
    )
    train_at, val_at, test_at = stratified_split(
        aligned["subclass"].astype(str), validation=validation, test=test, seed=seed
    )
    if min(len(train_at), len(val_at), len(test_at)) == 0:
        raise ValueError(
            f"splits of {len(train_at)}, {len(val_at)} and {len(test_at)} objects: "
            "give more light curves or larger validation/test fractions"
        )
    if color_dropout:
        rows = color_dropout_rows(np.concatenate([train_at, val_at]), color_dropout, seed)
        matrix[np.ix_(rows, _color_columns(names))] = 0.0
    mean, std = fit_standardization(matrix[train_at], names)
    features = standardize(matrix, names, mean, std)

    keras.utils.set_random_seed(seed)
    network = build_model(
        len(subclasses),
        image_shape=(height, width, len(bands)),
        n_features=len(names),
        filters=filters,
        image_dropout=image_dropout,
    )
    network.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )

    def split(at: np.ndarray) -> dict[str, np.ndarray]:
        return {IMAGE_INPUT: images[at], FEATURE_INPUT: features[at]}

    history = network.fit(
        split(train_at),
        codes[train_at],
        validation_data=(split(val_at), codes[val_at]),
        epochs=epochs,
        batch_size=batch_size,
        class_weight=(
            dict(enumerate(balanced_weights(codes[train_at], len(subclasses)).tolist()))
            if class_weight
            else None
        ),
        callbacks=[
            keras.callbacks.ReduceLROnPlateau(
                monitor="val_loss", factor=0.5, patience=max(1, patience // 2)
            ),
            keras.callbacks.EarlyStopping(
                monitor="val_loss", patience=patience, restore_best_weights=True
            ),
            _epoch_bar(epochs, progress),
        ],
        shuffle=True,
        verbose=0,
    )
    classifier = TrainedClassifier(
        model=network,
        subclasses=subclasses,
        class_of=class_of,
        bands=bands,
        image_size=(height, width),
        feature_names=names,
        feature_mean=mean,
        feature_std=std,
        temperature=1.0,
    )
    raw_val, val_embeddings = classifier.predict(
        images[val_at], features[val_at], calibrated=False
    )
    _, train_embeddings = classifier.predict(images[train_at], features[train_at])
    novelty = fit_novelty(train_embeddings, codes[train_at], val_embeddings, codes[val_at])
    temperature = fit_temperature(raw_val, codes[val_at])
    raw_test = classifier.predict_proba(images[test_at], features[test_at], calibrated=False)
    calibrated_test = apply_temperature(raw_test, temperature)
    sub_report, sub_matrix = _scores(codes[test_at], calibrated_test, subclasses)
    classes = classifier.classes
    class_codes = pd.Index(classes).get_indexer([class_of[subclasses[c]] for c in codes[test_at]])
    class_report, class_matrix = _scores(
        class_codes, classifier.class_probabilities(calibrated_test), classes
    )
    train_counts = np.bincount(codes[train_at], minlength=len(subclasses))
    weights = np.ones(len(subclasses)) if class_weight else train_counts.astype(float)
    record = {
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        # The mix the probabilities assume: balanced weights count every subclass alike.
        "novelty": novelty,
        "training_priors": dict(zip(subclasses, (weights / weights.sum()).tolist(), strict=True)),
        "architecture": {
            "name": network.name,
            "filters": list(filters),
            "image_dropout": image_dropout,
            "color_dropout": color_dropout,
        },
        "training": {
            "epochs_run": len(history.history["loss"]),
            "epochs_max": epochs,
            "batch_size": batch_size,
            "patience": patience,
            "learning_rate": learning_rate,
            "class_weight": class_weight,
            "best_val_loss": float(min(history.history["val_loss"])),
        },
        "training_data": description
        or {
            "n_objects": len(light_curves),
            "n_points": int(light_curves.n_points.sum()),
            "subclass_counts": aligned["subclass"].value_counts().sort_index().to_dict(),
        },
        "seed": seed,
        "splits": {"train": len(train_at), "validation": len(val_at), "test": len(test_at)},
        "metrics": {
            "subclass": _report_dict(sub_report),
            "class": _report_dict(class_report),
            "ece_validation_uncalibrated": expected_calibration_error(raw_val, codes[val_at]),
            "ece_validation_calibrated": expected_calibration_error(
                apply_temperature(raw_val, temperature), codes[val_at]
            ),
            "ece_test_calibrated": expected_calibration_error(calibrated_test, codes[test_at]),
        },
        "confusion_matrix": {
            "subclass": {"labels": list(subclasses), "matrix": sub_matrix.tolist()},
            "class": {"labels": list(classes), "matrix": class_matrix.tolist()},
        },
        "versions": _versions(),
    }
    return dataclasses.replace(classifier, temperature=temperature, card=record)


def _versions() -> dict[str, str]:
    """Versions of the software that made a model."""
    keras = import_keras()

    versions = {
        "tvs_classifier": VERSION,
        "keras": keras.__version__,
        "backend": keras.backend.backend(),
        "numpy": np.__version__,
    }
    with contextlib.suppress(importlib.metadata.PackageNotFoundError):
        versions[versions["backend"]] = importlib.metadata.version(versions["backend"])
    return versions
