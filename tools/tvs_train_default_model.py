"""Train tvs-classifier's default model and write it into the package.

The recipe of the shipped model, so that it can be made again: simulate labelled LSST
light curves of every subclass, in equal parts for surveys of 1, 2, ... 10 years (so
that the numbers of points per band do not single out one survey length), keep a random subset of bands per
object (`tvs_classifier.augment.drop_bands`: six bands, no y, g r, g r i, r i z y) so
that the model works on any of them, give the non-periodic stars the period a search
would return on noise (a stand-in drawn log-uniformly over 0.05-1000 d), and train
with `tvs_classifier.training.train`.

Run from the repository root with tvs-classifier installed (about 5 minutes on 2 CPU
cores)::

    python tools/tvs_train_default_model.py [--output FOLDER]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from tvs_classifier.augment import BAND_SUBSETS, drop_bands
from tvs_classifier.lightcurves import LightCurves
from tvs_classifier.simulate import CLASSES, simulate
from tvs_classifier.training import export, train

OUTPUT = Path(__file__).parents[1] / "packages/tvs-classifier/src/tvs_classifier/data/model"
PER_SUBCLASS = 350
SEED = 11
YEARS = tuple(range(1, 11))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    n = PER_SUBCLASS * len(CLASSES)
    tables, label_tables = [], []
    for years in YEARS:
        part, part_labels = simulate(n // len(YEARS), seed=SEED + 100 * years, years=years)
        offset = sum(len(table) for table in label_tables)
        tables.append(part.table.assign(object_id=part.table["object_id"] + offset))
        label_tables.append(
            part_labels.assign(object_id=part_labels["object_id"] + offset, years=years)
        )
    light_curves = LightCurves.from_table(pd.concat(tables, ignore_index=True))
    labels = pd.concat(label_tables, ignore_index=True)
    light_curves, subset = drop_bands(light_curves, BAND_SUBSETS, seed=SEED + 1)
    labels = labels.assign(bands=["".join(BAND_SUBSETS[k]) for k in subset])
    rng = np.random.default_rng(SEED + 2)
    periods = labels.set_index("object_id")["period"].copy()
    missing = periods.isna()
    periods[missing] = 10 ** rng.uniform(np.log10(0.05), 3.0, int(missing.sum()))
    classifier = train(
        light_curves,
        labels,
        periods=periods,
        epochs=25,
        patience=5,
        seed=0,
        progress=False,
        description=(
            f"simulate: {PER_SUBCLASS} light curves per subclass, surveys of {YEARS} years, "
            f"one band subset each of {[''.join(s) for s in BAND_SUBSETS]} "
            "(drop_bands); non-periodic stars given log-uniform stand-in periods "
            "over 0.05-1000 d; made by tools/tvs_train_default_model.py"
        ),
    )
    export(classifier, args.output)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
