"""Train tvs-classifier's default model and write it into the package.

The recipe of the shipped model, so that it can be made again: simulate labelled LSST
light curves of every subclass, in equal parts for surveys of 1, 2, ... 10 years (so
that the numbers of points per band do not single out one survey length), keep a
random subset of bands per object (`tvs_classifier.simulation.augment.drop_bands`: six bands, no
y, g r, g r i, r i z y) so that the model works on any of them, give the non-periodic
stars the period a search would return on noise (a stand-in drawn log-uniformly over
0.05-1000 d), and train with `tvs_classifier.classifier.training.train`.

The survey lengths are simulated in parallel processes (``--workers``); each has its
own seed, so the data do not depend on the number of workers. Run from the
repository root with tvs-classifier installed::

    python tools/tvs_train_default_model.py [--output FOLDER] [--per-subclass N]

Keras runs on its configured backend (``KERAS_BACKEND``) and on a GPU where that
backend sees one; the model card records the backend and versions. The shipped model
was made with JAX on one NVIDIA H200 GPU with 16 CPU cores (128 s in all); with
TensorFlow on 2 CPU cores the same command takes 11 minutes. The two give models
of the same recipe, not the same weights: the backends' arithmetic differs.
"""

from __future__ import annotations

import argparse
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from tvs_classifier.classifier.training import STAND_IN_PERIODS, stand_in_periods, train
from tvs_classifier.lightcurves import LightCurves
from tvs_classifier.simulation import CLASSES, simulate
from tvs_classifier.simulation.augment import BAND_SUBSETS, drop_bands

OUTPUT = Path(__file__).parents[1] / "packages/tvs-classifier/src/tvs_classifier/data/model"
PER_SUBCLASS = 1500
EPOCHS = 60
BATCH_SIZE = 64
SEED = 11
YEARS = tuple(range(1, 11))


def _simulate_survey(job: tuple[int, int, int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Light curves (long table) and labels of one survey length."""
    n, years, seed = job
    light_curves, labels = simulate(n, seed=seed + 100 * years, years=years)
    return light_curves.table, labels.assign(years=years)


def training_set(
    per_subclass: int, workers: int, seed: int = SEED
) -> tuple[LightCurves, pd.DataFrame, pd.Series]:
    """Light curves, labels and periods of the training set (see the module docstring).

    Another ``seed`` gives new stars of the same recipe (e.g. for
    ``tools/tvs_fit_novelty.py``).
    """
    n = per_subclass * len(CLASSES) // len(YEARS)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        parts = list(pool.map(_simulate_survey, [(n, years, seed) for years in YEARS]))
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
    args = parser.parse_args(argv)
    start = time.perf_counter()
    light_curves, labels, periods = training_set(args.per_subclass, args.workers)
    print(f"simulated {len(light_curves)} light curves in {time.perf_counter() - start:.0f} s")
    classifier = train(
        light_curves,
        labels,
        periods=periods,
        epochs=args.epochs,
        batch_size=args.batch_size,
        patience=6,
        image_dropout=args.image_dropout,
        seed=0,
        progress=True,
        description=(
            f"simulate: {args.per_subclass} light curves per subclass, surveys of "
            f"{YEARS} years, one band subset each of "
            f"{[''.join(s) for s in BAND_SUBSETS]} (drop_bands); non-periodic stars given "
            f"log-uniform stand-in periods over {STAND_IN_PERIODS[0]}-{STAND_IN_PERIODS[1]:g} "
            "d; made by tools/tvs_train_default_model.py"
        ),
    )
    classifier.save(args.output)
    print(f"wrote {args.output} after {time.perf_counter() - start:.0f} s")
    macro = classifier.card["metrics"]["class"]["per_class"]["macro"]
    print(f"test split, main classes: macro recall {macro['recall']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
