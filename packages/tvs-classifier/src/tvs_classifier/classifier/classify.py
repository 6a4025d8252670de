"""Classification of light curves with a trained classifier, one row per object.

`classify` takes validated light curves (or a long table), periods where known, and a
`~tvs_classifier.classifier.trained.TrainedClassifier` (the default model when none is given), and
returns a table with every subclass's and main class's calibrated probability, the
most probable of each, the period used and where it came from, and quality flags.
Objects that cannot be classified get a flagged row with NaN probabilities, never an
exception.

The fast path is vectorised: the objects are taken in batches of ``batch_size``;
each batch is folded, drawn (`tvs_classifier.images.render_images`), described
(`tvs_classifier.features.compute_features`) and passed to the network in one call
(`keras.Model.predict_on_batch`).

Flags (the ``flags`` column, ``;``-separated, empty when all is well):

``too_few_points``
    fewer than `MIN_POINTS` measurements in the model's bands (probabilities NaN);
``no_period``
    no period given and the period search failed (probabilities NaN);
``out_of_distribution``
    the object lies far from every simulated star the network was trained on (its
    ``novelty`` score is above the model's threshold; see
    `tvs_classifier.classifier.novelty`): its probabilities are not to be trusted;
``bands_missing:<b>,...``
    model bands with too few points in this light curve (their channels are empty);
``extra_bands:<b>,...``
    bands of the light curve that the model does not use (ignored).

Examples
--------
>>> from tvs_classifier.classifier.trained import TrainedClassifier
>>> from tvs_classifier import simulate
>>> lcs, labels = simulate(3, ["RRab", "RRc"], seed=2, years=1)
>>> clf = TrainedClassifier.untrained(
...     {"RRab": "RRL", "RRc": "RRL"}, bands=("g", "r"), image_size=(16, 32), filters=(2, 2, 2)
... )
>>> out = classify(lcs, labels.set_index("object_id")["period"], classifier=clf, progress=False)
>>> out[["object_id", "period_source", "flags"]].values.tolist()[0]
[0, 'given', 'extra_bands:u,i,z,y']
>>> round(float(out["prob_RRL"].iloc[0]), 6)  # RRab + RRc, summed in float32
1.0
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from .._aligned import aligned_periods
from .._grouped import group_counts, group_index
from ..lightcurves import LightCurveError, LightCurves, as_light_curves
from ..outliers import flag_outliers
from .novelty import novelty_score
from .priors import DEFAULT_PRIORS, apply_priors
from .trained import TrainedClassifier, load_classifier, probability_columns

__all__ = ["MIN_POINTS", "classify", "object_slices", "probability_frame"]

#: Fewest measurements (in the model's bands) for an object to be classified.
MIN_POINTS = 10
#: Fewest points of a band for it to count as present (as in the images).
_BAND_POINTS = 3


def object_slices(light_curves: LightCurves, batch_size: int) -> list[LightCurves]:
    """The light curves cut into consecutive batches of at most ``batch_size`` objects.

    Cheap: each batch is a slice of the sorted long table (no validation again).

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame(
    ...     {"object_id": [1, 2, 3], "mjd": 1.0, "band": "g", "mag": 15.0, "mag_err": 0.1}
    ... )
    >>> [len(part) for part in object_slices(LightCurves.from_table(table), 2)]
    [2, 1]
    """
    if batch_size < 1:
        raise ValueError(f"batch_size={batch_size}: use at least 1")
    offsets = light_curves.offsets
    parts = []
    for start in range(0, len(light_curves), batch_size):
        stop = min(start + batch_size, len(light_curves))
        rows = light_curves.table.iloc[offsets[start] : offsets[stop]].reset_index(drop=True)
        parts.append(LightCurves(rows, light_curves.report))
    return parts


def _periods(
    light_curves: LightCurves, periods: object, progress: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Period, source, false-alarm probability and search flag of every object."""
    n = len(light_curves)
    period = np.full(n, np.nan) if periods is None else aligned_periods(light_curves, periods)
    given = np.isfinite(period) & (period > 0)
    period = np.where(given, period, np.nan)
    source = np.where(given, "given", "none").astype(object)
    fap = np.full(n, np.nan)
    failed = np.zeros(n, dtype=bool)
    if not given.all():
        from ..periods import find_periods

        todo = light_curves.select(light_curves.object_ids[~given])
        found = find_periods(todo, progress=progress).set_index("object_id")
        found = found.reindex(light_curves.object_ids[~given])
        ok = np.isfinite(found["period"].to_numpy(dtype=np.float64))
        at = np.flatnonzero(~given)
        period[at] = found["period"].to_numpy(dtype=np.float64)
        fap[at] = found["false_alarm_probability"].to_numpy(dtype=np.float64)
        source[at] = np.where(ok, "found", "none")
        failed[at] = ~ok
    return period, source, fap, failed


def _band_flags(light_curves: LightCurves, bands: tuple[str, ...]) -> tuple[np.ndarray, list]:
    """Points in the model's bands per object, and each object's band flags."""
    n = len(light_curves)
    all_bands = tuple(dict.fromkeys((*bands, *light_curves.bands)))
    group = group_index(
        light_curves.object_index, light_curves.band_index(all_bands), len(all_bands)
    )
    counts = group_counts(group, n * len(all_bands)).reshape(n, len(all_bands))
    in_model = counts[:, : len(bands)].sum(axis=1)
    flags = []
    for row in counts:
        parts = []
        missing = [b for b, c in zip(bands, row[: len(bands)], strict=True) if c < _BAND_POINTS]
        extra = [b for b, c in zip(all_bands[len(bands) :], row[len(bands) :], strict=True) if c]
        if missing:
            parts.append("bands_missing:" + ",".join(missing))
        if extra:
            parts.append("extra_bands:" + ",".join(extra))
        flags.append(parts)
    return in_model, flags


def classify(
    light_curves: LightCurves | pd.DataFrame,
    periods: object = None,
    *,
    classifier: TrainedClassifier | None = None,
    bands: Sequence[str] | None = None,
    band_map: Mapping[str, str] | None = None,
    priors: Mapping[str, float] | str | None = DEFAULT_PRIORS,
    ignore_colors: Sequence[str] | bool = (),
    batch_size: int = 4096,
    progress: bool = True,
) -> pd.DataFrame:
    """Classify every object: calibrated subclass and class probabilities, with flags.

    Parameters
    ----------
    light_curves : LightCurves or pandas.DataFrame
        Validated light curves, or a long table ``object_id, mjd, band, mag,
        mag_err`` (validated here).
    periods : mapping, Series, DataFrame or array_like, optional
        Known periods (days) by object id, or one per object in order; objects
        without a finite positive period get one from
        `tvs_classifier.periods.find_periods`.
    classifier : TrainedClassifier, optional
        The model; `tvs_classifier.classifier.trained.load_classifier()` (the default model) if
        omitted.
    bands : sequence of str, optional
        Use only these of the model's bands (others are treated as missing).
    band_map : mapping of str to str, optional
        Renames of the light curves' bands to the model's, e.g. ``{"ztf_g": "g"}``
        to classify ZTF data with an LSST model (an approximation: the filters
        differ).
    priors : mapping of str to float, str, optional
        The class mix of the data. ``"default"``: periodic variables as common as in
        the OGLE-III LMC catalog, the objects that are not periodic variables
        (``constant``, ``stochastic``) with their training share
        (`tvs_classifier.classifier.priors.default_priors`). Or frequencies by class or
        subclass (e.g. ``{"RRL": 0.6, "ECL": 0.3, "CEP": 0.1}``; names left out are
        taken as absent), a preset of catalog counts (``"ogle3-lmc"``, no constant
        stars), ``"adapt"`` to estimate the mix of these light curves by EM, or
        ``"training"`` (or None) for the balanced training mix, every subclass equally
        common. The probabilities move by Bayes' rule (see
        `tvs_classifier.classifier.priors`).
    ignore_colors : sequence of str or bool
        Model bands whose colors the network is given as unknown, or True for all:
        for light curves of other surveys' filters (renamed with ``band_map``), whose
        shapes carry over but whose colors may not. Best with a model trained with
        ``color_dropout``.
    batch_size : int
        Objects per batch (memory is about ``batch_size * height * width * bands * 4``
        bytes for the images).
    progress : bool
        Show progress bars (period search, batches).

    Returns
    -------
    pandas.DataFrame
        One row per object, in input order: ``object_id``, ``prob_<subclass>`` for
        every subclass, ``prob_<class>`` for every main class (see
        `TrainedClassifier.probability_columns` for a class named like a subclass),
        ``subclass, subclass_prob, class,
        class_prob``, ``period, period_source`` (``"given"``, ``"found"`` or
        ``"none"``), ``false_alarm_probability`` (of found periods), ``n_points``
        (in the model's bands), ``n_outliers`` (of those points, the gross outliers
        that `tvs_classifier.outliers.flag_outliers` finds; they set neither the
        images' scales nor the features), ``novelty`` (how far the object lies from the
        training stars, `tvs_classifier.classifier.novelty`; NaN for a model without
        novelty statistics), ``flags`` (see module notes), ``priors`` (``default``,
        ``training``, the preset's name, ``custom`` or ``adapt``) and ``model_version``; the priors
        used, by subclass, are in ``result.attrs["priors"]``.

    Raises
    ------
    ValueError
        If ``bands`` names a band the model does not use, or periods are malformed.
    LightCurveError
        If the table is invalid or none of the model's bands occurs in it.
    tvs_classifier.classifier.trained.ModelError
        If no classifier is given and no default model is installed.
    """
    if classifier is None:
        classifier = load_classifier()
    light_curves = as_light_curves(light_curves, band_map)
    model_bands = classifier.bands
    used = model_bands
    if bands is not None:
        unknown = [b for b in bands if b not in model_bands]
        if unknown:
            raise ValueError(
                f"bands {unknown} are not bands of the model (it uses {list(model_bands)})"
            )
        used = tuple(bands)
        band = light_curves.table["band"]
        keep = (band.isin(used) | ~band.isin(model_bands)).to_numpy()
        light_curves = LightCurves(
            light_curves.table[keep].reset_index(drop=True), light_curves.report
        )
    if not light_curves.table["band"].isin(used).any():
        raise LightCurveError(
            f"none of the model's bands {list(used)} is in these light curves (they have "
            f"{list(light_curves.bands)}): rename them with band_map= (--band-map)"
        )

    ignored = tuple(model_bands) if ignore_colors is True else tuple(ignore_colors or ())
    unknown = [b for b in ignored if b not in model_bands]
    if unknown:
        raise ValueError(
            f"ignore_colors names {unknown}, not bands of the model (it uses {list(model_bands)})"
        )
    period, source, fap, failed = _periods(light_curves, periods, progress)
    n_points, band_flags = _band_flags(light_curves, model_bands)
    too_few = n_points < MIN_POINTS
    usable = ~too_few & ~failed

    probabilities = np.full((len(light_curves), len(classifier.subclasses)), np.nan)
    novelty = np.full(len(light_curves), np.nan)
    # Found once for all objects: they set the images and features and are counted.
    outliers = flag_outliers(light_curves, period, bands=model_bands)
    start = 0
    for part in tqdm(
        object_slices(light_curves, batch_size),
        desc="classify",
        unit="batch",
        disable=not progress,
    ):
        stop = start + len(part)
        points = slice(light_curves.offsets[start], light_curves.offsets[stop])
        images, features = classifier.inputs(
            part, period[start:stop], ignore_colors=ignored, outliers=outliers[points]
        )
        probabilities[start:stop], embedded = classifier.predict(
            images, features, batch_size=batch_size
        )
        if classifier.card.get("novelty"):
            novelty[start:stop] = novelty_score(embedded, classifier.card["novelty"])
        start = stop
    probabilities[~usable] = np.nan
    novelty[~usable] = np.nan
    unknown = novelty > classifier.card.get("novelty", {}).get("threshold", np.inf)
    probabilities, used_priors, priors_name = apply_priors(probabilities, classifier, priors)
    class_probabilities = classifier.class_probabilities(probabilities)

    frame = {"object_id": light_curves.object_ids}
    frame |= probability_frame(
        probabilities,
        class_probabilities,
        classifier.subclasses,
        classifier.class_of,
        usable,
    )
    rows = np.arange(len(light_curves))
    frame["period"] = period
    frame["period_source"] = source
    frame["false_alarm_probability"] = fap
    frame["n_points"] = n_points
    frame["n_outliers"] = np.bincount(
        light_curves.object_index[outliers], minlength=len(light_curves)
    )
    flags = []
    for k in rows:
        parts = (["too_few_points"] if too_few[k] else []) + (["no_period"] if failed[k] else [])
        parts += ["out_of_distribution"] if unknown[k] else []
        flags.append(";".join(parts + band_flags[k]))
    frame["novelty"] = novelty
    frame["flags"] = flags
    frame["priors"] = priors_name
    frame["model_version"] = classifier.version
    result = pd.DataFrame(frame)
    result.attrs["priors"] = dict(zip(classifier.subclasses, used_priors.tolist(), strict=True))
    return result


def probability_frame(
    probabilities: np.ndarray,
    class_probabilities: np.ndarray,
    subclasses: Sequence[str],
    class_of: Mapping[str, str],
    usable: np.ndarray,
) -> dict[str, np.ndarray]:
    """The probability columns and the most probable subclass and class of every object.

    Shared by every classifier's output (the CNN's `classify` and the feature
    baseline's): ``prob_<subclass>``, ``prob_<class>`` (see
    `tvs_classifier.classifier.trained.probability_columns`), ``subclass``,
    ``subclass_prob``, ``class``, ``class_prob``; objects not ``usable`` get None.

    Examples
    --------
    >>> out = probability_frame(
    ...     np.array([[0.2, 0.8]]),
    ...     np.array([[1.0]]),
    ...     ("RRab", "RRc"),
    ...     {"RRab": "RRL", "RRc": "RRL"},
    ...     np.array([True]),
    ... )
    >>> list(out), out["subclass"].tolist()
    (['prob_RRab', 'prob_RRc', 'prob_RRL', 'subclass', 'subclass_prob', 'class', 'class_prob'], ['RRc'])
    """
    subclass_columns, class_columns = probability_columns(tuple(subclasses), dict(class_of))
    classes = tuple(dict.fromkeys(class_of[name] for name in subclasses))
    frame = dict(zip(subclass_columns, probabilities.T, strict=True))
    frame |= dict(zip(class_columns, class_probabilities.T, strict=True))
    rows = np.arange(len(probabilities))
    best_sub = np.nan_to_num(probabilities, nan=-1).argmax(axis=1)
    best_class = np.nan_to_num(class_probabilities, nan=-1).argmax(axis=1)
    frame["subclass"] = np.where(usable, np.asarray(subclasses, object)[best_sub], None)
    frame["subclass_prob"] = probabilities[rows, best_sub]
    frame["class"] = np.where(usable, np.asarray(classes, object)[best_class], None)
    frame["class_prob"] = class_probabilities[rows, best_class]
    return frame
