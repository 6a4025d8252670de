"""Fit the novelty statistics of a saved classifier on new simulated stars, into its card.

The default-model recipe (``tools/tvs_train_default_model.py``) gets them from
`tvs_classifier.train` itself; this script gives them to a model saved without them
(the shipped ``tvs-cnn-a098c8cd0cb8`` was), without touching its network, so its version
stays. New stars of the training recipe (another seed) are simulated, half of each
subclass gives the subclass means and the shared covariance of the penultimate
activations, the other half the threshold (`tvs_classifier.classifier.novelty`). Run
from the repository root with tvs-classifier installed::

    python tools/tvs_fit_novelty.py [--model FOLDER] [--per-subclass N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from tvs_train_default_model import OUTPUT, YEARS, training_set

from tvs_classifier import load_classifier
from tvs_classifier.classifier.novelty import fit_novelty
from tvs_classifier.classifier.trained import update_card
from tvs_classifier.classifier.training import stratified_split

#: Seed of the new stars (the training set used 11).
SEED = 2026


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=OUTPUT)
    parser.add_argument("--per-subclass", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    classifier = load_classifier(args.model)
    light_curves, labels, periods = training_set(
        args.per_subclass, args.workers, seed=SEED, classes=classifier.subclasses
    )
    images, features = classifier.inputs(light_curves, periods)
    _, embeddings = classifier.predict(images, features)
    codes = np.array([classifier.subclasses.index(name) for name in labels["subclass"]])
    fit_at, _, calibrate_at = stratified_split(
        labels["subclass"], validation=0.0, test=0.5, seed=SEED
    )
    stats = fit_novelty(
        embeddings[fit_at], codes[fit_at], embeddings[calibrate_at], codes[calibrate_at]
    )
    update_card(
        args.model,
        {
            "novelty": stats,
            "novelty_data": (
                f"simulate: {args.per_subclass} light curves per subclass (seed {SEED}), "
                f"surveys of {YEARS} years and band subsets as in training; half for the "
                "means and covariance, half for the threshold; made by tools/tvs_fit_novelty.py"
            ),
        },
    )
    print(
        f"novelty threshold {stats['threshold']:.1f} (quantile {stats['quantile']}) from "
        f"{len(labels)} new light curves; wrote the card of {args.model} in "
        f"{time.perf_counter() - start:.0f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
