"""The feature baseline against the shipped CNN, on simulated and real light curves, in one run.

Trains the baseline (`tvs_classifier.classifier.baseline.train_baseline`: gradient-boosted
trees on period, amplitudes, colors and Fourier parameters) on simulated light curves
made by the recipe of the shipped model (``tools/tvs_train_default_model.py``'s
``training_set``: surveys of 1 to 10 years, random band subsets, stand-in periods for
non-periodic stars; ``--per-subclass`` light curves per subclass, fewer than the
model's 1500 by default so that the run takes minutes), then scores it and the shipped
CNN (`tvs_classifier.load_classifier`) on the same data in the same run:

* **simulated, held out**: the same recipe with other seeds (``--test-per-subclass``
  per subclass); macro recall over the main classes, with the training priors (the
  set is balanced as the training set is);
* **Stripe 82 RR Lyrae** (Sesar et al. 2010; ``SHARED_DATA_DIR``): RR Lyrae recall with
  u g r i z, and with g and r only, catalog periods;
* **ZTF sample** (the 25 ALeRCE light curves bundled with the package; ztf_g, ztf_r
  taken as g, r): right main classes against the catalog labels, catalog periods.

On the real sets both classifiers use `tvs_classifier.classify`'s default priors.

Not a timing (a comparison of classifiers), so not named ``bench_*.py``. From the
repository root, with tvs-classifier (and scikit-learn) installed::

    SHARED_DATA_DIR=../shared/data python packages/tvs-classifier/benchmarks/baseline_vs_cnn.py \\
        [--per-subclass 300] [--json out.json]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
from evaluate_real import versions, write_record
from period_recovery_s82 import load_s82, s82_folder

import tvs_classifier
from tvs_classifier import classify, load_classifier
from tvs_classifier.classifier.baseline import train_baseline
from tvs_classifier.classifier.evaluation import classification_report
from tvs_classifier.classifier.training import stand_in_periods
from tvs_classifier.datasets import load_alerce_ztf_sample
from tvs_classifier.lightcurves import LightCurves
from tvs_classifier.simulation import CLASSES, simulate
from tvs_classifier.simulation.augment import BAND_SUBSETS, drop_bands

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "tools"))
import tvs_train_default_model as recipe

#: Main classes counted as right for each ZTF label (as evaluate_real.py counts them).
ZTF_LABELS = {
    "Ceph": {"CEP", "T2CEP", "ACEP"},
    "DSCT": {"DSCT"},
    "EA": {"ECL"},
    "LPV": {"LPV"},
    "RRL": {"RRL"},
}
ZTF_BANDS = {"ztf_g": "g", "ztf_r": "r"}
#: Seed of the held-out simulated set (the training set's are recipe.SEED + ...).
TEST_SEED = 7919
SCRIPT = "packages/tvs-classifier/benchmarks/baseline_vs_cnn.py"


def held_out_set(per_subclass: int, seed: int = TEST_SEED):
    """Light curves, labels and periods made as the training set, with other seeds."""
    n = max(1, per_subclass * len(CLASSES) // len(recipe.YEARS))
    tables, label_tables, offset = [], [], 0
    for years in recipe.YEARS:
        light_curves, labels = simulate(n, seed=seed + 100 * years, years=years)
        tables.append(
            light_curves.table.assign(object_id=light_curves.table["object_id"] + offset)
        )
        label_tables.append(labels.assign(object_id=labels["object_id"] + offset))
        offset += len(labels)
    light_curves = LightCurves.from_table(pd.concat(tables, ignore_index=True))
    labels = pd.concat(label_tables, ignore_index=True)
    light_curves, _ = drop_bands(light_curves, BAND_SUBSETS, seed=seed + 1)
    periods = stand_in_periods(
        labels.set_index("object_id")["period"], np.random.default_rng(seed + 2)
    )
    return light_curves, labels, periods


def _run(name, model, light_curves, periods, **options) -> pd.DataFrame:
    """``classify``'s table from the CNN or the baseline (same call for both)."""
    if name == "cnn":
        return classify(light_curves, periods, classifier=model, progress=False, **options)
    return model.classify(light_curves, periods, progress=False, **options)


def simulated_scores(models, light_curves, labels, periods) -> dict:
    """Macro recall (and accuracy) over the main classes of the held-out set."""
    truth = labels.set_index("object_id")["class"].reindex(light_curves.object_ids)
    classes = sorted(set(CLASSES.values()))
    out = {}
    for name, model in models.items():
        result = _run(name, model, light_curves, periods, priors="training")
        predicted = result["class"].fillna("none")
        report = classification_report(truth.to_numpy(), predicted.to_numpy(), [*classes, "none"])
        out[name] = {
            "macro_recall": float(report.loc[classes, "recall"].mean()),
            "accuracy": report.attrs["accuracy"],
            "recall_by_class": {c: round(float(report.loc[c, "recall"]), 4) for c in classes},
        }
    return out


def stripe82_scores(models, folder: Path) -> dict:
    """RR Lyrae recall on the Stripe 82 stars, all five bands and g, r only."""
    light_curves, published = load_s82(folder)
    gr = LightCurves(
        light_curves.table[light_curves.table["band"].isin(["g", "r"])].reset_index(drop=True),
        light_curves.report,
    )
    out = {"n": len(light_curves)}
    for bands, curves in (("ugriz", light_curves), ("gr", gr)):
        out[bands] = {}
        for name, model in models.items():
            result = _run(name, model, curves, published["Per"])
            out[bands][name] = {
                "rr_lyrae_recall": float((result["class"] == "RRL").mean()),
                "predicted_classes": {
                    str(k): int(v) for k, v in result["class"].value_counts().items()
                },
            }
    return out


def ztf_scores(models) -> dict:
    """Right main classes on the bundled ZTF sample, by catalog label."""
    light_curves, labels = load_alerce_ztf_sample()
    labels = labels.set_index("object_id")
    out = {"n": len(light_curves)}
    for name, model in models.items():
        result = _run(
            name, model, light_curves, labels["catalog_period"], band_map=ZTF_BANDS
        ).set_index("object_id")
        label = labels.loc[result.index, "label"]
        right = pd.Series(
            [result.loc[i, "class"] in ZTF_LABELS[label[i]] for i in result.index], result.index
        )
        out[name] = {
            "right": int(right.sum()),
            "right_by_label": {k: int(v) for k, v in right.groupby(label).sum().items()},
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-subclass", type=int, default=300, help="baseline training set")
    parser.add_argument("--test-per-subclass", type=int, default=100, help="held-out set")
    parser.add_argument("--workers", type=int, default=2, help="processes that simulate")
    parser.add_argument("--model", type=Path, help="CNN model folder (default: the shipped one)")
    parser.add_argument("--json", type=Path, help="write the result as JSON here")
    args = parser.parse_args(argv)
    folder = s82_folder()
    if folder is None:
        return 1

    start = time.perf_counter()
    light_curves, labels, periods = recipe.training_set(args.per_subclass, args.workers)
    simulated_s = time.perf_counter() - start
    start = time.perf_counter()
    baseline = train_baseline(light_curves, labels, periods=periods, seed=0, progress=False)
    trained_s = time.perf_counter() - start
    cnn = load_classifier(args.model)
    models = {"baseline": baseline, "cnn": cnn}
    print(
        f"baseline trained on {len(light_curves)} light curves in {trained_s:.0f} s "
        f"({baseline.card['model']['iterations_kept']} iterations)",
        file=sys.stderr,
    )

    test_curves, test_labels, test_periods = held_out_set(args.test_per_subclass)
    results = {
        "simulated_held_out": {
            "n": len(test_curves),
            **simulated_scores(models, test_curves, test_labels, test_periods),
        },
        "stripe82": stripe82_scores(models, folder),
        "ztf": ztf_scores(models),
    }
    command = f"python {SCRIPT} --per-subclass {args.per_subclass}"
    command += f" --test-per-subclass {args.test_per_subclass}"
    command += f" --model {args.model}" if args.model else ""
    macro = baseline.card["metrics"]["class"]["per_class"]["macro"]
    result = {
        "cnn_model_version": cnn.version,
        "cnn_training_data": cnn.card.get("training_data"),
        "baseline": {
            "model_version": baseline.version,
            "training_set": {
                "per_subclass": args.per_subclass,
                "n_objects": len(light_curves),
                "recipe": "tools/tvs_train_default_model.py training_set (the CNN's recipe)",
            },
            "features": baseline.feature_names,
            "iterations_kept": baseline.card["model"]["iterations_kept"],
            "test_split_macro_recall": macro["recall"],
            "simulate_seconds": round(simulated_s, 1),
            "train_seconds": round(trained_s, 1),
        },
        "held_out": {"per_subclass": args.test_per_subclass, "seed": TEST_SEED},
        "tvs_classifier_version": tvs_classifier.__version__,
        "command": command,
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "versions": versions(),
        "results": results,
    }
    write_record(result, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
