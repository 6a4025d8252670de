"""A feature-based baseline classifier: what the CNN has to beat.

Gradient-boosted trees (scikit-learn's `~sklearn.ensemble.HistGradientBoostingClassifier`)
on numbers that describe each folded light curve (`baseline_features`):

* the network's own numeric features (`tvs_classifier.features.compute_features`):
  decimal log of the period; per band the number of points and the amplitude; the
  colors between consecutive bands;
* per band, the Fourier parameters of a 3-harmonic fit of the folded curve
  (`tvs_classifier.fourier.fourier_parameters`): ``R21, phi21, R31, phi31``, the
  fit's peak-to-peak amplitude and its residual scatter over that amplitude.

Missing values (a band without enough points) stay NaN: the trees send them down
a branch of their own, so nothing is imputed. Like the network's inputs, the mean
magnitudes are left out (they measure distance and reddening, not class).

`train_baseline` trains it as `tvs_classifier.classifier.training.train` trains the
network: the same label checks, the same periods, the same stratified training,
validation and test splits (the same seed gives the same split), balanced class
weights, the number of boosting iterations chosen on the validation split, and the
same scores on the test split in its ``card``. `BaselineClassifier.classify` gives
`tvs_classifier.classify`'s columns where they apply, with ``model_version``
``"baseline-hgb"``.

Examples
--------
>>> from tvs_classifier import simulate
>>> lcs, labels = simulate(90, ["RRab", "EC", "Mira"], seed=4, years=2)
>>> baseline = train_baseline(lcs, labels, bands=("g", "r"), seed=0, progress=False)
>>> baseline.card["splits"]
{'train': 66, 'validation': 12, 'test': 12}
>>> out = baseline.classify(lcs, labels.set_index("object_id")["period"], progress=False)
>>> float((out["subclass"] == labels["subclass"]).mean()) > 0.9
True
"""

from __future__ import annotations

import datetime
import platform
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._aligned import aligned_periods
from .._grouped import group_counts, group_index
from .._version import VERSION
from ..bands import LSST_BANDS
from ..features import compute_features
from ..fourier import fourier_parameters
from ..lightcurves import LightCurveError, LightCurves, as_light_curves
from ..periods import find_periods
from .classify import MIN_POINTS, probability_frame
from .evaluation import classification_report, confusion_matrix
from .priors import DEFAULT_PRIORS, apply_priors
from .training import balanced_weights, check_labels, stratified_split, training_periods

__all__ = [
    "BASELINE_VERSION",
    "BaselineClassifier",
    "baseline_features",
    "train_baseline",
]

#: ``model_version`` of the baseline's output rows.
BASELINE_VERSION = "baseline-hgb"

#: Columns of `baseline_features` that the trees do not see (prefixes): distance, not class.
_LEFT_OUT = ("mean_",)


def baseline_features(
    light_curves: LightCurves, periods: object, *, bands: Sequence[str] = LSST_BANDS
) -> pd.DataFrame:
    """The numbers the baseline classifies on: period, per-band statistics, colors, shape.

    Parameters
    ----------
    light_curves : LightCurves
        Validated light curves.
    periods : DataFrame, Series, mapping or array_like
        Period per object (days), as `tvs_classifier.features.compute_features` takes it.
    bands : sequence of str
        Bands to describe, in order (colors are between consecutive ones).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``object_id``: the columns of
        `tvs_classifier.features.compute_features` followed by those of
        `tvs_classifier.fourier.fourier_parameters`; NaN where a band is missing or
        there is no period.

    Examples
    --------
    >>> t = np.arange(120) * 0.61
    >>> table = pd.DataFrame(
    ...     {
    ...         "object_id": "v",
    ...         "mjd": t,
    ...         "band": np.where(np.arange(120) % 2, "g", "r"),
    ...         "mag": 16 + 0.3 * np.cos(2 * np.pi * t / 0.5),
    ...         "mag_err": 0.02,
    ...     }
    ... )
    >>> f = baseline_features(LightCurves.from_table(table), [0.5], bands=("g", "r", "i"))
    >>> f.loc["v", ["log10_period", "r21_g", "fit_amp_r"]].round(3).tolist()
    [-0.301, 0.0, 0.6]
    >>> bool(np.isnan(f.loc["v", "r21_i"])), bool(np.isnan(f.loc["v", "color_r_i"]))
    (True, True)
    """
    bands = tuple(bands)
    period = aligned_periods(light_curves, periods)
    basic = compute_features(light_curves, period, bands=bands)
    shape = fourier_parameters(light_curves, period, bands=bands)
    return basic.join(shape)


def _used_columns(names: Sequence[str]) -> list[str]:
    """The feature columns the trees see."""
    return [name for name in names if not name.startswith(_LEFT_OUT)]


@dataclass(frozen=True, eq=False)
class BaselineClassifier:
    """Gradient-boosted trees on `baseline_features`, with what is needed to use them.

    Attributes
    ----------
    model : sklearn.ensemble.HistGradientBoostingClassifier
        The trees; their classes are positions in ``subclasses``.
    subclasses : tuple of str
        The subclasses, in order (sorted, as `tvs_classifier.train` orders them).
    class_of : dict of str to str
        Main class of every subclass; main-class probabilities are sums over them.
    bands : tuple of str
        Bands of the features, in order.
    feature_names : list of str
        Columns of `baseline_features` the trees see, in order.
    card : dict
        How it was trained and how well it did on the test split (as the network's
        model card records it).

    Examples
    --------
    >>> from tvs_classifier import simulate
    >>> lcs, labels = simulate(60, ["RRab", "EC"], seed=1, years=1)
    >>> baseline = train_baseline(lcs, labels, bands=("g",), max_iter=5, progress=False)
    >>> baseline.classes, baseline.version, baseline.feature_names[:3]
    (('ECL', 'RRL'), 'baseline-hgb', ['log10_period', 'n_g', 'amp_g'])
    """

    model: object
    subclasses: tuple[str, ...]
    class_of: dict[str, str]
    bands: tuple[str, ...]
    feature_names: list[str]
    card: dict = field(default_factory=dict)

    @property
    def classes(self) -> tuple[str, ...]:
        """Main classes, in order of their first subclass."""
        return tuple(dict.fromkeys(self.class_of[name] for name in self.subclasses))

    @property
    def version(self) -> str:
        """The ``model_version`` of its output: `BASELINE_VERSION`."""
        return BASELINE_VERSION

    def predict_proba(self, features: pd.DataFrame) -> np.ndarray:
        """Subclass probabilities, shape ``(n_objects, n_subclasses)`` (float64).

        ``features`` is `baseline_features`' table for this classifier's bands.

        Raises
        ------
        ValueError
            If a feature column of the classifier is missing.
        """
        missing = [name for name in self.feature_names if name not in features.columns]
        if missing:
            raise ValueError(
                f"the features lack the columns {missing[:5]}: compute them with "
                f"baseline_features(..., bands={self.bands})"
            )
        probabilities = np.zeros((len(features), len(self.subclasses)))
        if len(features):
            values = features[self.feature_names].to_numpy(dtype=np.float64)
            probabilities[:, self.model.classes_] = self.model.predict_proba(values)
        return probabilities

    def class_probabilities(self, probabilities: np.ndarray) -> np.ndarray:
        """Main-class probabilities: sums of subclass probabilities over each class."""
        member = np.array(
            [[self.class_of[sub] == name for name in self.classes] for sub in self.subclasses],
            dtype=np.float64,
        )
        return probabilities @ member

    def classify(
        self,
        light_curves: LightCurves | pd.DataFrame,
        periods: object = None,
        *,
        band_map: Mapping[str, str] | None = None,
        priors: Mapping[str, float] | str | None = DEFAULT_PRIORS,
        progress: bool = True,
    ) -> pd.DataFrame:
        """Classify every object, with the output columns of `tvs_classifier.classify`.

        Parameters
        ----------
        light_curves : LightCurves or pandas.DataFrame
            Validated light curves, or a long table (validated here).
        periods : mapping, Series, DataFrame or array_like, optional
            Known periods (days), as `tvs_classifier.classify` takes them; objects
            without a finite positive one get one from
            `tvs_classifier.periods.find_periods`.
        band_map : mapping of str to str, optional
            Renames of the light curves' bands to the classifier's (e.g.
            ``{"ztf_g": "g", "ztf_r": "r"}``).
        priors : mapping of str to float, str, optional
            The class mix of the data, as `tvs_classifier.classify` takes it (the same
            ``"default"``), so that the two classifiers are compared on equal terms.
        progress : bool
            Show the period search's progress bar.

        Returns
        -------
        pandas.DataFrame
            One row per object, in input order: ``object_id``, ``prob_<subclass>``,
            ``prob_<class>`` (named as `tvs_classifier.classify` names them),
            ``subclass, subclass_prob, class, class_prob, period, period_source,
            n_points, priors, model_version``. Objects with fewer than
            `tvs_classifier.classifier.classify.MIN_POINTS` points in the
            classifier's bands, or without a period, get NaN probabilities and no class.

        Raises
        ------
        LightCurveError
            If the table is invalid or has none of the classifier's bands.

        Examples
        --------
        >>> from tvs_classifier import simulate
        >>> lcs, labels = simulate(40, ["RRab", "EC"], seed=2, years=1)
        >>> baseline = train_baseline(lcs, labels, bands=("g", "r"), max_iter=5, progress=False)
        >>> out = baseline.classify(lcs.table, labels["period"].to_numpy(), progress=False)
        >>> out.columns.tolist()[:5], out["model_version"].iloc[0]
        (['object_id', 'prob_EC', 'prob_RRab', 'prob_ECL', 'prob_RRL'], 'baseline-hgb')
        """
        light_curves = as_light_curves(light_curves, band_map)
        if not light_curves.table["band"].isin(self.bands).any():
            raise LightCurveError(
                f"none of the classifier's bands {list(self.bands)} is in these light curves "
                f"(they have {list(light_curves.bands)}): rename them with band_map="
            )
        n = len(light_curves)
        period = np.full(n, np.nan) if periods is None else aligned_periods(light_curves, periods)
        given = np.isfinite(period) & (period > 0)
        period = np.where(given, period, np.nan)
        source = np.where(given, "given", "none").astype(object)
        if not given.all():
            todo = light_curves.object_ids[~given]
            found = find_periods(light_curves.select(todo), progress=progress)
            found = found.set_index("object_id")["period"].reindex(todo)
            period[~given] = found.to_numpy(dtype=np.float64)
            source[~given] = np.where(np.isfinite(period[~given]), "found", "none")
        group = group_index(
            light_curves.object_index, light_curves.band_index(self.bands), len(self.bands)
        )
        n_points = group_counts(group, n * len(self.bands)).reshape(n, -1).sum(axis=1)
        usable = np.isfinite(period) & (n_points >= MIN_POINTS)

        probabilities = np.full((n, len(self.subclasses)), np.nan)
        at = np.flatnonzero(usable)
        if at.size:
            part = light_curves.select(light_curves.object_ids[at])
            probabilities[at] = self.predict_proba(
                baseline_features(part, period[at], bands=self.bands)
            )
        probabilities, _, priors_name = apply_priors(probabilities, self, priors)
        class_probabilities = self.class_probabilities(probabilities)
        frame: dict[str, object] = {"object_id": light_curves.object_ids}
        frame |= probability_frame(
            probabilities, class_probabilities, self.subclasses, self.class_of, usable
        )
        frame["period"] = period
        frame["period_source"] = source
        frame["n_points"] = n_points
        frame["priors"] = priors_name
        frame["model_version"] = self.version
        return pd.DataFrame(frame)


def _report(true: np.ndarray, probabilities: np.ndarray, names: Sequence[str]) -> dict:
    """Scores and confusion matrix of the most probable label, as JSON-ready dicts."""
    labels = np.asarray(names, dtype=object)
    truth, predicted = labels[true], labels[probabilities.argmax(axis=1)]
    report = classification_report(truth, predicted, names)
    matrix = confusion_matrix(truth, predicted, names)
    rows = {
        str(name): {key: float(value) for key, value in row.items()}
        for name, row in report.iterrows()
    }
    return {
        "per_class": rows,
        "accuracy": report.attrs["accuracy"],
        "confusion_matrix": {"labels": list(names), "matrix": matrix.tolist()},
    }


def train_baseline(
    light_curves: LightCurves,
    labels: pd.DataFrame,
    *,
    periods: object = None,
    bands: Sequence[str] = LSST_BANDS,
    validation: float = 0.15,
    test: float = 0.15,
    max_iter: int = 200,
    learning_rate: float = 0.1,
    max_leaf_nodes: int = 31,
    class_weight: str | None = "balanced",
    seed: int = 0,
    description: str | dict | None = None,
    progress: bool = True,
) -> BaselineClassifier:
    """Train the baseline on labelled light curves, as `tvs_classifier.train` trains the CNN.

    Parameters
    ----------
    light_curves : LightCurves
        Validated light curves.
    labels : pandas.DataFrame
        ``object_id, class, subclass, period`` for every object (as for
        `tvs_classifier.train`).
    periods : DataFrame, Series, mapping or array_like, optional
        Periods to use instead of
        `tvs_classifier.classifier.training.training_periods` (label periods, else found).
    bands : sequence of str
        Bands of the features, in order.
    validation, test : float
        Fractions of each subclass for the validation and test splits
        (`tvs_classifier.classifier.training.stratified_split`, with ``seed``).
    max_iter : int
        Most boosting iterations; the number kept is the one with the lowest
        (weighted) log loss on the validation split.
    learning_rate, max_leaf_nodes : float, int
        Of `~sklearn.ensemble.HistGradientBoostingClassifier`.
    class_weight : {"balanced", None}
        Weight objects by inverse subclass frequency (as the network's loss), or not.
    seed : int
        Seed of the splits and of the trees.
    description : str or dict, optional
        Description of the training data for the card.
    progress : bool
        Show the period search's progress bar.

    Returns
    -------
    BaselineClassifier
        With ``card`` holding the splits, the iterations kept, and the scores on the
        test split (per subclass and per class, with confusion matrices).

    Raises
    ------
    ValueError
        If labels are missing or inconsistent, fewer than two subclasses remain, a
        split is empty, or ``class_weight`` or ``max_iter`` is not valid.

    Examples
    --------
    >>> from tvs_classifier import simulate
    >>> lcs, labels = simulate(40, ["RRab", "EC"], seed=2, years=1)
    >>> a = train_baseline(lcs, labels, bands=("r",), max_iter=5, seed=3, progress=False)
    >>> b = train_baseline(lcs, labels, bands=("r",), max_iter=5, seed=3, progress=False)
    >>> a.card["metrics"]["class"]["accuracy"] == b.card["metrics"]["class"]["accuracy"]
    True
    >>> train_baseline(lcs, labels, class_weight="even")
    Traceback (most recent call last):
    ...
    ValueError: class_weight='even': use 'balanced' or None
    """
    import sklearn
    from sklearn.ensemble import HistGradientBoostingClassifier

    if class_weight not in ("balanced", None):
        raise ValueError(f"class_weight={class_weight!r}: use 'balanced' or None")
    if int(max_iter) < 1:
        raise ValueError(f"max_iter={max_iter}: use at least 1")
    bands = tuple(bands)
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
    features = baseline_features(light_curves, periods, bands=bands)
    train_at, val_at, test_at = stratified_split(
        aligned["subclass"].astype(str), validation=validation, test=test, seed=seed
    )
    if min(len(train_at), len(val_at), len(test_at)) == 0:
        raise ValueError(
            f"splits of {len(train_at)}, {len(val_at)} and {len(test_at)} objects: "
            "give more light curves or larger validation/test fractions"
        )
    # A feature never known in the training split (e.g. the shape of a band too sparse
    # for a fit) can teach the trees nothing: it is left out.
    known = features.iloc[train_at].notna().any()
    names = [name for name in _used_columns(features.columns) if known[name]]
    values = features[names].to_numpy(dtype=np.float64)
    n_sub = len(subclasses)
    weights = (
        balanced_weights(codes, n_sub)[codes]
        if class_weight
        else np.ones(codes.size, dtype=np.float64)
    )

    # Weights within the training split, as the network's class weights.
    train_weights = (
        balanced_weights(codes[train_at], n_sub)[codes[train_at]]
        if class_weight
        else np.ones(len(train_at))
    )
    rows = np.arange(len(val_at))

    def fit(iterations: int) -> HistGradientBoostingClassifier:
        model = HistGradientBoostingClassifier(
            max_iter=iterations,
            learning_rate=learning_rate,
            max_leaf_nodes=max_leaf_nodes,
            early_stopping=False,
            random_state=seed,
        )
        return model.fit(values[train_at], codes[train_at], sample_weight=train_weights)

    model = fit(int(max_iter))
    losses = [
        float(
            np.average(
                -np.log(np.clip(p[rows, codes[val_at]], 1e-15, 1.0)), weights=weights[val_at]
            )
        )
        for p in model.staged_predict_proba(values[val_at])
    ]
    best = int(np.argmin(losses)) + 1
    if best < model.n_iter_:
        # The same first trees again (no subsampling), stopped at the best. (Growing
        # in steps with warm_start would bin the data again at every step: slower.)
        model = fit(best)

    classifier = BaselineClassifier(
        model=model,
        subclasses=subclasses,
        class_of=class_of,
        bands=bands,
        feature_names=names,
    )
    test_probabilities = classifier.predict_proba(features.iloc[test_at])
    classes = classifier.classes
    class_codes = pd.Index(classes).get_indexer([class_of[subclasses[c]] for c in codes[test_at]])
    priors = np.ones(n_sub) if class_weight else np.bincount(codes[train_at], minlength=n_sub)
    card = {
        "model_version": BASELINE_VERSION,
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "training_priors": dict(zip(subclasses, (priors / priors.sum()).tolist(), strict=True)),
        "model": {
            "name": "HistGradientBoostingClassifier",
            "max_iter": int(max_iter),
            "iterations_kept": int(model.n_iter_),
            "learning_rate": learning_rate,
            "max_leaf_nodes": max_leaf_nodes,
            "class_weight": class_weight,
            "best_val_loss": min(losses),
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
            "subclass": _report(codes[test_at], test_probabilities, subclasses),
            "class": _report(
                class_codes, classifier.class_probabilities(test_probabilities), classes
            ),
        },
        "versions": {
            "tvs_classifier": VERSION,
            "scikit-learn": sklearn.__version__,
            "numpy": np.__version__,
            "python": platform.python_version(),
        },
    }
    return BaselineClassifier(
        model=model,
        subclasses=subclasses,
        class_of=class_of,
        bands=bands,
        feature_names=names,
        card=card,
    )
