"""Train tvs-classifier's default model and write it into the package.

The recipe of the shipped model, so that it can be made again: simulate labelled LSST
light curves of every subclass, in equal parts for surveys of 1, 2, ... 10 years (so
that the numbers of points per band do not single out one survey length), keep a
random subset of bands per object (`tvs_classifier.simulation.augment.drop_bands`: six bands, no
y, g r, g r i, r i z y) so that the model works on any of them, give the non-periodic
stars the period a search would return on noise (a stand-in drawn log-uniformly over
0.05-1000 d), and train with `tvs_classifier.classifier.training.train`.

Half of the light curves of every survey length are LSST's; the other half are made as
another, older or noisier survey would see them (``--imperfect``): a single-visit depth
brighter than LSST's by 0-5 mag (errors of 0.1-0.2 mag at 19 mag at the shallow end),
0-5 % of the points moved by 0.3-5 mag with ordinary error bars
(`tvs_classifier.simulation.noise`), the mean magnitude of every band shifted by its
own offset of up to 0.3 mag (`PASSBAND_OFFSET_RANGE`: another survey's passbands
mapped onto LSST's give the same star other colors), and other numbers of visits:
that half is made in
`OTHER_CADENCES` parts, each with LSST's numbers of visits per band times factors drawn
log-uniformly over `VISITS_FACTOR`, one per band (so 2.5 years may give 10 or 130
points in g, independently of r). Training hides the colors of a random
``--color-dropout`` share of the objects (`tvs_classifier.classifier.training.train`),
so that the network also classifies without them (``classify(...,
ignore_colors=...)`` for other surveys' bands).

The survey lengths are simulated in parallel processes (``--workers``); each has its
own seed, so the data do not depend on the number of workers. Run from the
repository root with tvs-classifier installed::

    python tools/tvs_train_default_model.py [--output FOLDER] [--per-subclass N]

Keras runs on its configured backend (``KERAS_BACKEND``) and on a GPU where that
backend sees one; the model card records the backend, versions, machine and wall time
(``recipe``). With TensorFlow on 2 CPU cores the default recipe takes one to two hours
(the shipped model tvs-cnn-03622bd9140c: 102 min, 59 epochs, with other work on the
machine at times; its predecessor 62 min); on a GPU, minutes. Backends give
models of the same recipe, not the same weights: their arithmetic differs.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import pandas as pd

from tvs_classifier.classifier.trained import update_card
from tvs_classifier.classifier.training import STAND_IN_PERIODS, stand_in_periods, train
from tvs_classifier.lightcurves import LightCurves
from tvs_classifier.simulation import CLASSES, simulate
from tvs_classifier.simulation.augment import BAND_SUBSETS, drop_bands
from tvs_classifier.simulation.cadence import LSST_WFD_VISITS
from tvs_classifier.simulation.noise import (
    DEPTH_OFFSET_RANGE,
    OUTLIER_FRACTION_RANGE,
    PASSBAND_OFFSET_RANGE,
)

OUTPUT = Path(__file__).parents[1] / "packages/tvs-classifier/src/tvs_classifier/data/model"
PER_SUBCLASS = 1500
EPOCHS = 60
BATCH_SIZE = 64
SEED = 11
YEARS = tuple(range(1, 11))
#: Share of the light curves with a shallower depth, outliers and other cadences.
IMPERFECT = 0.5
#: Parts of the imperfect light curves of one survey length, each with its own cadence.
OTHER_CADENCES = 4
#: Range of the factors (log-uniform) on LSST's numbers of visits of those parts.
VISITS_FACTOR = (0.5, 8.0)
#: Share of the objects whose colors training hides.
COLOR_DROPOUT = 0.3


def other_visits(years: int, part: int, seed: int) -> dict[str, int]:
    """Ten-year visits per band of one part of the imperfect light curves (see above)."""
    rng = np.random.default_rng([seed, years, part])
    factor = np.exp(rng.uniform(*np.log(VISITS_FACTOR), size=len(LSST_WFD_VISITS)))
    return {
        band: round(count * f)
        for (band, count), f in zip(LSST_WFD_VISITS.items(), factor, strict=True)
    }


def _simulate_survey(
    job: tuple[int, int, int, int | None, tuple[str, ...]],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Light curves (long table) and labels of one survey length: LSST's (``part`` None)
    or one part of the imperfect ones, of the subclasses ``classes``."""
    n, years, seed, part, classes = job
    options = {}
    if part is not None:
        options = {
            "depth_offset_range": DEPTH_OFFSET_RANGE,
            "outlier_fraction_range": OUTLIER_FRACTION_RANGE,
            "passband_offset_range": PASSBAND_OFFSET_RANGE,
            "visits": other_visits(years, part, seed),
        }
    shift = 0 if part is None else 10 * (part + 1)
    light_curves, labels = simulate(
        n, seed=seed + 100 * years + shift, years=years, classes=classes, **options
    )
    return light_curves.table, labels.assign(years=years, imperfect=part is not None)


def training_set(
    per_subclass: int,
    workers: int,
    seed: int = SEED,
    imperfect: float = IMPERFECT,
    classes: Sequence[str] = tuple(CLASSES),
) -> tuple[LightCurves, pd.DataFrame, pd.Series]:
    """Light curves, labels and periods of the training set (see the module docstring).

    Another ``seed`` gives new stars of the same recipe (e.g. for
    ``tools/tvs_fit_novelty.py``); ``imperfect`` is the share of light curves with a
    shallower depth and outliers; ``classes`` the subclasses (a model trained before
    the simulator gained some has fewer).
    """
    classes = tuple(classes)
    n = per_subclass * len(classes) // len(YEARS)
    n_imperfect = round(imperfect * n)
    parts = [(n - n_imperfect, None)] + [
        (len(share), k)
        for k, share in enumerate(np.array_split(np.arange(n_imperfect), OTHER_CADENCES))
    ]
    jobs = [
        (count, years, seed, part, classes)
        for years in YEARS
        for count, part in parts
        if count > 0
    ]
    # Spawned, not forked: the caller may have started Keras's threads (JAX) already.
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        parts = list(pool.map(_simulate_survey, jobs))
    tables, label_tables, offset = [], [], 0
    for table, labels in parts:
        tables.append(table.assign(object_id=table["object_id"] + offset))
        label_tables.append(labels.assign(object_id=labels["object_id"] + offset))
        offset += len(labels)
    light_curves = LightCurves.from_table(pd.concat(tables, ignore_index=True))
    labels = pd.concat(label_tables, ignore_index=True)
    light_curves, subset = drop_bands(light_curves, BAND_SUBSETS, seed=seed + 1)
    labels = labels.assign(bands=["".join(BAND_SUBSETS[k]) for k in subset])
    rng = np.random.default_rng(seed + 2)
    periods = stand_in_periods(labels.set_index("object_id")["period"], rng)
    return light_curves, labels, periods


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--per-subclass", type=int, default=PER_SUBCLASS)
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    parser.add_argument("--workers", type=int, default=min(len(YEARS), os.cpu_count() or 1))
    parser.add_argument(
        "--image-dropout",
        type=float,
        default=0.25,
        help="image-branch dropout of training.train (0: the network of Szklenar et al. 2022)",
    )
    parser.add_argument(
        "--imperfect",
        type=float,
        default=IMPERFECT,
        help="share of light curves with a shallower depth and outliers",
    )
    parser.add_argument(
        "--color-dropout",
        type=float,
        default=COLOR_DROPOUT,
        help="share of objects whose colors training hides",
    )
    args = parser.parse_args(argv)
    start = time.perf_counter()
    light_curves, labels, periods = training_set(
        args.per_subclass, args.workers, imperfect=args.imperfect
    )
    print(f"simulated {len(light_curves)} light curves in {time.perf_counter() - start:.0f} s")
    classifier = train(
        light_curves,
        labels,
        periods=periods,
        epochs=args.epochs,
        batch_size=args.batch_size,
        patience=6,
        image_dropout=args.image_dropout,
        color_dropout=args.color_dropout,
        seed=0,
        progress=True,
        description=(
            f"simulate: {args.per_subclass} light curves per subclass, surveys of "
            f"{YEARS} years, one band subset each of "
            f"{[''.join(s) for s in BAND_SUBSETS]} (drop_bands); non-periodic stars given "
            f"log-uniform stand-in periods over {STAND_IN_PERIODS[0]}-{STAND_IN_PERIODS[1]:g} "
            f"d; {args.imperfect:.0%} of them with a depth shallower by "
            f"{DEPTH_OFFSET_RANGE[0]:g}-{DEPTH_OFFSET_RANGE[1]:g} mag, "
            f"{OUTLIER_FRACTION_RANGE[0]:.0%}-{OUTLIER_FRACTION_RANGE[1]:.0%} outliers, "
            f"passband offsets of {PASSBAND_OFFSET_RANGE[0]:g} to "
            f"{PASSBAND_OFFSET_RANGE[1]:g} mag per band and "
            f"LSST's visits per band times {VISITS_FACTOR[0]:g}-{VISITS_FACTOR[1]:g} "
            f"(log-uniform, per band, {OTHER_CADENCES} cadences per survey length); "
            f"colors hidden for {args.color_dropout:.0%} of the objects; "
            "made by tools/tvs_train_default_model.py"
        ),
    )
    classifier.save(args.output)
    seconds = time.perf_counter() - start
    machine = {
        "cpu_count": os.cpu_count(),
        "keras_backend": classifier.card["versions"].get("backend"),
    }
    update_card(args.output, {"recipe": {"wall_seconds": round(seconds), "machine": machine}})
    print(f"wrote {args.output} after {seconds:.0f} s")
    macro = classifier.card["metrics"]["class"]["per_class"]["macro"]
    print(f"test split, main classes: macro recall {macro['recall']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
