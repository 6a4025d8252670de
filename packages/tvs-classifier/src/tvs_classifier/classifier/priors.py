"""Class priors: what a classifier assumed in training, and probabilities for another mix.

A network trained with balanced class weights answers as if every subclass were equally
common. Real samples are not: in the LMC there are about 300 RR Lyrae stars for every
anomalous Cepheid. Where the mix of the data differs from the training mix, Bayes' rule
moves the probabilities (Saerens, Latinne & Decaestecker 2002, Neural Computation 14,
21, their Eq. 2.4):

.. math:: p'(s \\mid x) \\propto p(s \\mid x) \\, \\pi'(s) / \\pi(s),

with :math:`\\pi` the training priors (`training_priors`) and :math:`\\pi'` the new ones.
The new priors come from

* ``"default"`` (`DEFAULT_PRIORS`, what `tvs_classifier.classify` assumes unless told
  otherwise): the periodic variables in the proportions of the ``ogle3-lmc`` preset,
  and the objects that are not periodic variables (the subclasses of the class
  ``constant``) with the share they had in training (`default_priors`). A balanced mix
  is wrong for every real sample (it makes an anomalous Cepheid as likely as an RR
  Lyrae star of the same period), and the counts of the largest census of periodic
  variables are a better guess for data whose mix is unknown;
* ``"training"``: the training mix itself (no change);
* a mapping of class or subclass frequencies (any positive numbers, e.g. counts);
* a named preset of published catalog counts (`PRESETS`);
* ``"adapt"``: the mix of the batch itself, estimated by the EM algorithm of Saerens
  et al. (2002, Section 2.3) on the calibrated probabilities (`estimate_priors`).

The numbers of a mapping or preset are the mix of the data: they are normalized to sum
to one, a class's share is split among its subclasses in proportion to their training
priors, and a subclass not named gets prior 0 (it is taken to be absent, and is never
predicted). A catalog of variable stars has no constant stars, so the presets leave
``constant`` and ``stochastic`` out; name them in a mapping where they occur.

Examples
--------
>>> import numpy as np
>>> old = np.array([0.5, 0.5])
>>> shift_priors(np.array([[0.5, 0.5], [0.9, 0.1]]), old, np.array([0.9, 0.1])).round(3)
array([[0.9  , 0.1  ],
       [0.988, 0.012]])
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover - typing only
    from .trained import TrainedClassifier

__all__ = [
    "DEFAULT_PRIORS",
    "NON_VARIABLE_CLASS",
    "PRESETS",
    "PRESET_SOURCES",
    "apply_priors",
    "default_priors",
    "estimate_priors",
    "fixed_priors_name",
    "resolve_priors",
    "shift_priors",
    "training_priors",
]

#: Catalog counts by subclass, usable as ``priors=`` by name.
PRESETS: dict[str, dict[str, float]] = {
    # OGLE-III Catalog of Variable Stars, Large Magellanic Cloud. Subclasses the
    # classifier does not have (RRe, 2O, 1O/3O and triple-mode Cepheids, peculiar W Vir
    # stars, OSARGs, ellipsoidal and other eclipsing subtypes) are left out.
    "ogle3-lmc": {
        "RRab": 17692,
        "RRc": 4957,
        "RRd": 986,
        "CEP_F": 1848,
        "CEP_1O": 1228,
        "CEP_F1O": 61,
        "CEP_1O2O": 203,
        "T2CEP_BLHer": 64,
        "T2CEP_WVir": 80,
        "T2CEP_RVTau": 42,
        "ACEP_F": 62,
        "ACEP_1O": 21,
        "DSCT": 2696,
        "DSCT_MM": 92,
        "ED": 16443,
        "ESD": 6502,
        "EC": 1048,
        "Mira": 1667,
        "SR": 11128,
    },
}

#: Where the numbers of each preset come from.
PRESET_SOURCES: dict[str, str] = {
    "ogle3-lmc": (
        "OGLE-III Catalog of Variable Stars, LMC: RR Lyrae (Soszynski et al. 2009, AcA 59, "
        "1), classical Cepheids (Soszynski et al. 2008, AcA 58, 163), type II and "
        "anomalous Cepheids (Soszynski et al. 2008, AcA 58, 293), delta Scuti stars, single "
        "and multi-mode (Poleski et al. 2010, AcA 60, 1), eclipsing binaries (Graczyk et "
        "al. 2011, AcA 61, 103), Miras and semiregular variables (Soszynski et al. 2009, "
        "AcA 59, 239)"
    ),
}

#: The priors `tvs_classifier.classify` uses unless told otherwise (`default_priors`).
DEFAULT_PRIORS = "default"
#: The preset that gives the default mix of the periodic variables.
DEFAULT_PRESET = "ogle3-lmc"
#: The main class of the objects that are not periodic variables.
NON_VARIABLE_CLASS = "constant"

#: Smallest prior or probability used in a ratio.
_TINY = 1e-12


def training_priors(classifier: TrainedClassifier) -> np.ndarray:
    """The subclass priors the classifier's probabilities assume, in its subclass order.

    The card's ``training_priors`` where it has them (`tvs_classifier.train` records
    them); for an older card, uniform when the loss was weighted by inverse subclass
    frequency (``class_weight="balanced"``, which makes every subclass count the same),
    else the subclass frequencies of the training data.

    Examples
    --------
    >>> from tvs_classifier import load_classifier
    >>> priors = training_priors(load_classifier())
    >>> priors.shape, bool(np.allclose(priors, 1 / 21))
    ((21,), True)
    """
    card = classifier.card
    names = classifier.subclasses
    if "training_priors" in card:
        given = card["training_priors"]
        return _normalized(np.array([float(given[name]) for name in names]), "training_priors")
    counts = card.get("training_data", {})
    counts = counts.get("subclass_counts") if isinstance(counts, dict) else None
    if card.get("training", {}).get("class_weight", "balanced") == "balanced" or not counts:
        return np.full(len(names), 1.0 / len(names))
    return _normalized(np.array([float(counts.get(name, 0)) for name in names]), "counts")


def default_priors(classifier: TrainedClassifier) -> np.ndarray:
    """The default mix: periodic variables as ``ogle3-lmc``, the rest as in training.

    The subclasses of `NON_VARIABLE_CLASS` (``constant``, ``stochastic``) keep the
    total share they had in training; the periodic-variable subclasses share the rest in
    the proportions of the `DEFAULT_PRESET` counts (a subclass the preset does not count
    gets 0). A model without non-variable subclasses gets the preset alone; a model
    none of whose subclasses the preset counts keeps its training priors.

    Examples
    --------
    >>> from tvs_classifier import load_classifier
    >>> clf = load_classifier()
    >>> priors = dict(zip(clf.subclasses, default_priors(clf)))
    >>> round(float(priors["constant"] + priors["stochastic"]), 4)  # 2 of 21 in training
    0.0952
    >>> round(priors["RRab"] / priors["ACEP_F"])  # OGLE-III LMC: 17692 / 62
    285
    """
    old = training_priors(classifier)
    names = list(classifier.subclasses)
    if not set(PRESETS[DEFAULT_PRESET]) & set(names):
        return old  # a model of other classes: nothing to go by
    other = np.array([classifier.class_of[name] == NON_VARIABLE_CLASS for name in names])
    variables = resolve_priors(DEFAULT_PRESET, classifier)
    return _normalized(np.where(other, old, variables * (1.0 - old[other].sum())), "priors")


def apply_priors(
    probabilities: np.ndarray,
    classifier: TrainedClassifier,
    priors: Mapping[str, float] | str | None,
) -> tuple[np.ndarray, np.ndarray, str]:
    """Probabilities under the requested priors, with the priors and their name.

    Parameters
    ----------
    probabilities : ndarray, shape (n_objects, n_subclasses)
        Calibrated probabilities under the training priors (rows of NaN stay NaN).
    classifier : TrainedClassifier or BaselineClassifier
        The model that gave them (its subclasses, classes and card's training priors).
    priors : mapping of str to float, str or None
        ``"default"``, ``"training"`` (or None), ``"adapt"``, a preset's name, or a
        mapping of class or subclass frequencies (see the module notes).

    Returns
    -------
    probabilities : ndarray
        The probabilities under the new priors.
    priors : ndarray
        The new priors, in the classifier's subclass order.
    name : str
        ``"default"``, ``"training"``, ``"adapt"``, the preset's name or ``"custom"``.

    Examples
    --------
    >>> from tvs_classifier import load_classifier
    >>> clf = load_classifier()
    >>> p = np.full((1, len(clf.subclasses)), 1 / len(clf.subclasses))
    >>> shifted, used, name = apply_priors(p, clf, "training")
    >>> name, bool(np.allclose(shifted, p))
    ('training', True)
    >>> shifted, used, name = apply_priors(p, clf, "default")
    >>> name, bool(np.allclose(shifted, used))  # flat evidence: the priors themselves
    ('default', True)
    """
    old = training_priors(classifier)
    if priors is None or (isinstance(priors, str) and priors == "training"):
        return probabilities, old, "training"
    if isinstance(priors, str) and priors == "adapt":
        new, adjusted = estimate_priors(probabilities, old)
        return adjusted, new, "adapt"
    if isinstance(priors, str) and priors == DEFAULT_PRIORS:
        new = default_priors(classifier)
    else:
        new = resolve_priors(priors, classifier)
    name = priors if isinstance(priors, str) else "custom"
    return shift_priors(probabilities, old, new), new, name


def fixed_priors_name(
    classifier: TrainedClassifier, priors: Mapping[str, float] | str | None
) -> str:
    """Check priors that must be the same for every batch; return their name.

    For work done in parts (a catalog's partitions, an update's batches), where
    ``priors="adapt"`` would estimate another class mix for each part.

    Raises
    ------
    ValueError
        For ``"adapt"``, or priors the model cannot take.

    Examples
    --------
    >>> from tvs_classifier import load_classifier
    >>> fixed_priors_name(load_classifier(), "default")
    'default'
    """
    if isinstance(priors, str) and priors == "adapt":
        raise ValueError(
            "priors='adapt' estimates the class mix of one batch, and this work is done in "
            "batches that would each get their own: give a preset, 'default' or a mapping"
        )
    flat = np.full((1, len(classifier.subclasses)), 1.0 / len(classifier.subclasses))
    return apply_priors(flat, classifier, priors)[2]


def resolve_priors(priors: Mapping[str, float] | str, classifier: TrainedClassifier) -> np.ndarray:
    """New subclass priors, in the classifier's subclass order, from a mapping or a preset.

    Parameters
    ----------
    priors : mapping of str to float, or str
        Frequencies (or counts) by class or by subclass name (not both), or the name of
        a preset in `PRESETS` (of which the subclasses the model lacks are left out).
        Subclasses not named get prior 0.
    classifier : TrainedClassifier
        The classifier whose subclasses and classes the names refer to.

    Returns
    -------
    ndarray
        Non-negative priors summing to 1.

    Raises
    ------
    ValueError
        For an unknown preset or name, a mix of class and subclass names, or a value
        that is negative, zero everywhere or not finite.

    Examples
    --------
    >>> from tvs_classifier import load_classifier
    >>> clf = load_classifier()
    >>> new = resolve_priors({"RRL": 6, "ECL": 3, "CEP": 1}, clf)
    >>> float(new[list(clf.subclasses).index("RRab")].round(4))  # 0.6 shared by RRab, RRc, RRd
    0.2
    >>> float(new[list(clf.subclasses).index("DSCT")])
    0.0
    """
    subclasses = list(classifier.subclasses)
    old = training_priors(classifier)
    if isinstance(priors, str):
        if priors not in PRESETS:
            raise ValueError(
                f"priors={priors!r} is not a preset: use one of {sorted(PRESETS)}, "
                f"{DEFAULT_PRIORS!r}, 'training', 'adapt', or a mapping of class frequencies"
            )
        # A preset serves every model: the subclasses this model lacks are left out.
        priors = {name: n for name, n in PRESETS[priors].items() if name in subclasses}
    if not isinstance(priors, Mapping) or not priors:
        raise ValueError("priors must be a preset name, 'adapt' or a non-empty mapping")
    names = [str(name) for name in priors]
    classes = set(classifier.classes)
    is_class = [name in classes and name not in subclasses for name in names]
    unknown = [name for name in names if name not in classes and name not in subclasses]
    if unknown:
        raise ValueError(
            f"priors name {unknown}, which are neither classes {sorted(classes)} nor "
            f"subclasses {sorted(subclasses)} of the model"
        )
    if any(is_class) and not all(is_class):
        raise ValueError("priors mix class and subclass names: give one kind")
    values = np.array([float(value) for value in priors.values()])
    if not np.isfinite(values).all() or (values < 0).any() or values.sum() <= 0:
        raise ValueError(f"priors must be non-negative, finite numbers, not {dict(priors)}")
    weight = np.zeros(len(subclasses))
    for name, value in zip(names, values, strict=True):
        if all(is_class):
            members = [k for k, s in enumerate(subclasses) if classifier.class_of[s] == name]
            weight[members] = value * old[members] / old[members].sum()
        else:
            weight[subclasses.index(name)] = value
    return _normalized(weight, "priors")


def shift_priors(probabilities: np.ndarray, old: np.ndarray, new: np.ndarray) -> np.ndarray:
    """Posterior probabilities under new priors (Saerens et al. 2002, Eq. 2.4).

    Rows of NaN (objects not classified) stay NaN.

    Examples
    --------
    >>> shift_priors(np.array([[0.2, 0.8]]), np.array([0.5, 0.5]), np.array([0.8, 0.2]))
    array([[0.5, 0.5]])
    """
    p = np.asarray(probabilities, dtype=np.float64)
    weighted = p * (np.asarray(new, float) / np.maximum(np.asarray(old, float), _TINY))
    total = weighted.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, weighted / total, p)


def estimate_priors(
    probabilities: np.ndarray,
    old: np.ndarray,
    *,
    max_iterations: int = 200,
    tolerance: float = 1e-8,
) -> tuple[np.ndarray, np.ndarray]:
    """The class mix of a batch, by EM on calibrated probabilities (Saerens et al. 2002).

    Starting from the training priors, alternately move every object's probabilities
    to the current priors (`shift_priors`) and take the new priors as their mean, until
    the priors change by less than ``tolerance``. Rows with NaN are left out.

    Parameters
    ----------
    probabilities : ndarray, shape (n_objects, n_subclasses)
        Calibrated probabilities under the training priors ``old``.
    old : ndarray
        Training priors.
    max_iterations : int
        At most this many EM steps.
    tolerance : float
        Largest change of a prior that ends the iteration.

    Returns
    -------
    priors : ndarray
        The estimated mix of the batch.
    adjusted : ndarray
        The probabilities under it.

    Examples
    --------
    Two classes with measurements x ~ N(+1, 1) and N(-1, 1), 80 % of the first; a
    classifier calibrated for equal priors gives p0 = 1 / (1 + exp(-2 x)):

    >>> rng = np.random.default_rng(1)
    >>> x = np.where(rng.random(20000) < 0.8, 1.0, -1.0) + rng.normal(0, 1, 20000)
    >>> p0 = 1 / (1 + np.exp(-2 * x))
    >>> priors, _ = estimate_priors(np.column_stack([p0, 1 - p0]), np.array([0.5, 0.5]))
    >>> float(priors[0].round(2))
    0.8
    """
    p = np.asarray(probabilities, dtype=np.float64)
    old = _normalized(np.asarray(old, dtype=np.float64), "old priors")
    rows = np.isfinite(p).all(axis=1)
    if not rows.any():
        return old, p.copy()
    priors = old.copy()
    for _ in range(max_iterations):
        updated = shift_priors(p[rows], old, priors).mean(axis=0)
        updated = np.maximum(updated, _TINY)
        updated /= updated.sum()
        done = np.max(np.abs(updated - priors)) < tolerance
        priors = updated
        if done:
            break
    return priors, shift_priors(p, old, priors)


def _normalized(values: np.ndarray, what: str) -> np.ndarray:
    """``values / values.sum()``, or a ValueError naming ``what``."""
    values = np.asarray(values, dtype=np.float64)
    if not np.isfinite(values).all() or (values < 0).any() or values.sum() <= 0:
        raise ValueError(f"{what} must be non-negative and finite, with a positive sum")
    return values / values.sum()
