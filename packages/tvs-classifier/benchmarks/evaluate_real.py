"""Evaluate a trained classifier on the real light curves of the project's shared data.

* **Stripe 82 RR Lyrae** (Sesar et al. 2010; ``shared/data/lightcurves/sesar2010_s82_dev``,
  241 stars in u g r i z): the fraction classified as RR Lyrae (recall), and the
  fraction of those with the right subtype (ab or c).
* **ZTF sample** (the 25 ALeRCE light curves bundled with the package, g and r): the
  predicted class against the catalogue label (Cepheids count as right for any
  Cepheid class, as the label does not tell classical from type II).

The published periods are given to the classifier, so this measures the classifier,
not the period search; ``--search-periods`` instead lets `classify` find the periods
(as it does when given none; a few minutes more), which measures the whole chain. Not
a timing, so not named ``bench_*.py``; run it by hand::

    SHARED_DATA_DIR=../shared/data python benchmarks/evaluate_real.py [--model DIR] \
        [--search-periods] --json out.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd
from period_recovery_s82 import load_s82, s82_folder

from tvs_classifier.classify import classify
from tvs_classifier.datasets import load_alerce_ztf_sample
from tvs_classifier.model import load_classifier

#: Main classes counted as right for each ZTF label.
ZTF_LABELS = {
    "Ceph": {"CEP", "T2CEP", "ACEP"},
    "DSCT": {"DSCT"},
    "EA": {"ECL"},
    "LPV": {"LPV"},
    "RRL": {"RRL"},
}


def stripe82(folder: Path, classifier, search: bool = False) -> dict:
    """RR Lyrae recall and ab/c accuracy on the Stripe 82 stars."""
    light_curves, published = load_s82(folder)
    periods = None if search else published["Per"]
    result = classify(light_curves, periods, classifier=classifier, progress=False)
    result = result.set_index("object_id")
    truth = published["Type"].map({"ab": "RRab", "c": "RRc"}).reindex(result.index)
    is_rrl = result["class"] == "RRL"
    return {
        "n": len(result),
        "rr_lyrae_recall": float(is_rrl.mean()),
        "ab_c_accuracy_of_rr_lyrae": float((result["subclass"] == truth)[is_rrl].mean()),
        "predicted_subclasses": result["subclass"].value_counts().to_dict(),
    }


def ztf(classifier, search: bool = False) -> dict:
    """Accuracy on the bundled ZTF sample, per catalogue label."""
    light_curves, labels = load_alerce_ztf_sample()
    labels = labels.set_index("object_id")
    result = classify(
        light_curves,
        None if search else labels["catalogue_period"],
        classifier=classifier,
        band_map={"ztf_g": "g", "ztf_r": "r"},
        progress=False,
    ).set_index("object_id")
    label = labels.loc[result.index, "label"]
    right = [result.loc[i, "class"] in ZTF_LABELS[label[i]] for i in result.index]
    table = pd.crosstab(label, result["class"])
    return {
        "n": len(result),
        "accuracy": float(sum(right) / len(right)),
        "confusion": {row: table.loc[row][table.loc[row] > 0].to_dict() for row in table.index},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="model folder (default: the shipped one)")
    parser.add_argument("--json", type=Path, help="write the result as JSON here")
    parser.add_argument(
        "--search-periods",
        action="store_true",
        help="let classify find the periods instead of giving it the published ones",
    )
    args = parser.parse_args(argv)
    folder = s82_folder()
    if folder is None:
        return 1
    classifier = load_classifier(args.model)
    result = {
        "model_version": classifier.version,
        "periods": "searched" if args.search_periods else "published",
        "stripe82_rr_lyrae": stripe82(folder, classifier, args.search_periods),
        "ztf_sample": ztf(classifier, args.search_periods),
    }
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
