"""End-to-end classification speed against a matplotlib-drawing pipeline, in one run.

For 2-band (g, r) light curves of 100 epochs with given periods (the synthetic light
curves of ``bench_render.py``), times `tvs_classifier.classifier.classify.classify`: fold, draw
(`render_images`), features and network inference in vectorised batches. In the same
run, on a smaller sample, times the approach of the original papers (Szklenar et al.
2020, 2022): each band's folded curve drawn with matplotlib on a canvas of the image
size and read back as pixels (``bench_render.matplotlib_render``), then the same
features and the same inference. Prints light curves per second for both and their
ratio; ``--json PATH`` writes them.

The model is the installed default one (the JSON records its version). Validation of the input table is done once,
before timing, for both.

``--image-sizes`` instead measures what chose the default image size (the table in
the training chapter of the documentation): for 16x32, 24x48 and 32x64, trains on
``--study-n`` simulated light curves of all subclasses (two years, two seeds) and
reports validation loss and test-split scores, plus the speed of `classify` (minutes).

Usage::

    python benchmarks/bench_classify.py [--n 20000] [--anchor-n 200] [--json out.json]
    python benchmarks/bench_classify.py --image-sizes [--study-n 3600] [--json out.json]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
from pathlib import Path

import numpy as np
from bench_render import BANDS, HEIGHT, WIDTH, best_time, matplotlib_render, synthetic_light_curves

import tvs_classifier
from tvs_classifier import classify
from tvs_classifier.classifier.inputs import standardize
from tvs_classifier.classifier.trained import TrainedClassifier, load_classifier
from tvs_classifier.features import compute_features, feature_matrix
from tvs_classifier.simulation import CLASSES


def get_classifier() -> tuple[TrainedClassifier, str]:
    """The default model, and its version."""
    classifier = load_classifier()
    return classifier, f"default model {classifier.version}"


def matplotlib_pipeline(classifier: TrainedClassifier, light_curves, periods) -> np.ndarray:
    """The anchor: matplotlib-drawn images, then the same features and inference."""
    drawn = matplotlib_render(light_curves, periods)
    images = np.zeros((len(light_curves), HEIGHT, WIDTH, len(classifier.bands)), np.float32)
    for k, band in enumerate(BANDS):
        images[..., classifier.bands.index(band)] = drawn[..., k]
    matrix, names = feature_matrix(compute_features(light_curves, periods, bands=classifier.bands))
    features = standardize(matrix, names, classifier.feature_mean, classifier.feature_std)
    return classifier.predict_proba(images, features)


def image_size_study(n: int, speed_n: int = 8000) -> list[dict]:
    """Scores and speed of models trained with each image size (two seeds each)."""
    from tvs_classifier import simulate, train

    light_curves, labels = simulate(n, seed=21, years=2)
    period = labels["period"].to_numpy().copy()
    missing = ~np.isfinite(period)
    # Random stand-ins for the periods a search would find for non-periodic stars.
    period[missing] = 10 ** np.random.default_rng(0).uniform(-1.3, 2.5, missing.sum())
    sample, sample_periods = synthetic_light_curves(speed_n)
    rows = []
    for seed in (0, 1):
        for size in ((16, 32), (24, 48), (32, 64)):
            classifier = train(
                light_curves,
                labels,
                periods=period,
                image_size=size,
                epochs=40,
                patience=5,
                seed=seed,
                progress=False,
            )
            metrics = classifier.card["metrics"]
            fast = TrainedClassifier.untrained(dict(CLASSES), image_size=size, seed=0)
            classify(sample, sample_periods, classifier=fast, progress=False)
            seconds = best_time(
                lambda fast=fast: classify(
                    sample, sample_periods, classifier=fast, progress=False
                ),
                1,
            )
            row = {
                "image_size": f"{size[0]}x{size[1]}",
                "seed": seed,
                "best_val_loss": classifier.card["training"]["best_val_loss"],
                "test_accuracy_subclass": metrics["subclass"]["accuracy"],
                "test_macro_f1_subclass": metrics["subclass"]["per_class"]["macro"]["f1"],
                "test_accuracy_class": metrics["class"]["accuracy"],
                "test_ece_calibrated": metrics["ece_test_calibrated"],
                "classify_light_curves_per_s": speed_n / seconds,
            }
            print(json.dumps(row), flush=True)
            rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20000, help="light curves for classify")
    parser.add_argument("--anchor-n", type=int, default=200, help="light curves for matplotlib")
    parser.add_argument("--batch-size", type=int, default=4096, help="objects per batch")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, help="write the figures here as JSON")
    parser.add_argument("--image-sizes", action="store_true", help="run the image-size study")
    parser.add_argument("--study-n", type=int, default=3600, help="light curves to train on")
    args = parser.parse_args(argv)
    if args.image_sizes:
        rows = image_size_study(args.study_n)
        if args.json:
            args.json.write_text(json.dumps(rows, indent=2) + "\n")
        return 0

    classifier, which = get_classifier()
    if classifier.image_size != (HEIGHT, WIDTH):
        raise SystemExit(
            f"the model's images are {classifier.image_size}, the anchor draws {HEIGHT}x{WIDTH}"
        )
    light_curves, periods = synthetic_light_curves(args.n)

    def run() -> object:
        return classify(
            light_curves,
            periods,
            classifier=classifier,
            batch_size=args.batch_size,
            progress=False,
        )

    run()  # warm-up: traces the network once
    ours = best_time(run, args.repeat)
    sample, sample_periods = synthetic_light_curves(args.anchor_n, seed=1)
    anchor = best_time(lambda: matplotlib_pipeline(classifier, sample, sample_periods), 1)

    ours_rate = args.n / ours
    anchor_rate = args.anchor_n / anchor
    result = {
        "benchmark": "classify: fold + render + features + inference, 2 bands x 50 epochs",
        "tvs_classifier_version": tvs_classifier.__version__,
        "model": which,
        "model_version": classifier.version,
        "image_size": list(classifier.image_size),
        "model_bands": list(classifier.bands),
        "batch_size": args.batch_size,
        "classify_light_curves_per_s": ours_rate,
        "classify_n": args.n,
        "matplotlib_light_curves_per_s": anchor_rate,
        "matplotlib_n": args.anchor_n,
        "speedup": ours_rate / anchor_rate,
        "target_light_curves_per_s": 1000,
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "keras": importlib.metadata.version("keras"),
        "backend": os.environ.get("KERAS_BACKEND", "tensorflow"),
        "matplotlib": importlib.metadata.version("matplotlib"),
    }
    print(
        f"classify: {ours_rate:,.0f} light curves/s ({args.n} in {ours:.2f} s); "
        f"matplotlib pipeline: {anchor_rate:,.1f} light curves/s ({args.anchor_n} in "
        f"{anchor:.2f} s); ratio {ours_rate / anchor_rate:,.0f}x  [{which}]"
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
