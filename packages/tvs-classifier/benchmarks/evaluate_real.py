"""Evaluate a trained classifier on the real light curves of the project's shared data.

* **Stripe 82 RR Lyrae** (``--data stripe82``; Sesar et al. 2010,
  ``shared/data/lightcurves/sesar2010_s82_dev``, 241 stars in u g r i z): the fraction
  classified as RR Lyrae (recall), and the fraction of those with the right subtype
  (ab or c).
* **ZTF sample** (``--data ztf``; the 25 ALeRCE light curves bundled with the package,
  g and r): the predicted class against the catalog label (Cepheids count as right for
  any Cepheid class, as the label does not tell classical from type II).

* **EROS-2 LMC Cepheid** (``--data eros2``; the one EROS-2 light curve the UPSILoN
  package ships, lm0010n22323, ``shared/data/lightcurves/upsilon_eros2_cepheid_example``):
  a Cepheid in EROS's broad blue and red bands (B_E, R_E, taken as g and r), 584
  points in each over 6.7 years, classified with the period the search finds (the
  source gives none): the class, and whether it is a Cepheid.

The catalog periods are given to the classifier, so this measures the classifier, not
the period search; ``--search-periods`` instead lets `classify` find the periods (as it
does when given none), which measures the whole chain, and also reports how many
periods the search recovered. The search dominates the time: about 45 minutes for the
Stripe 82 stars on two cores with astropy's periodogram, about a tenth of that with
nifty-ls (the ``fast`` extra). Not a timing, so not named
``bench_*.py``. ``nox -s validate`` runs it for both data sets, with catalog and with
searched periods, on the shipped model and writes the JSON files the documentation
quotes (``docs/tvs-classifier/validation/``); by hand, from the repository root::

    SHARED_DATA_DIR=../shared/data python packages/tvs-classifier/benchmarks/evaluate_real.py \
        --data stripe82 [--search-periods] [--model DIR] --json out.json

Beside the CNN, every run reports the feature baseline
(`tvs_classifier.classifier.baseline`) under ``results["baseline"]``: trained in the same
run on ``--baseline-per-subclass`` simulated light curves per subclass made by the CNN's
recipe (``baseline_vs_cnn.py``; about two minutes; 0 skips it) and given the periods the
CNN had (so a search runs once).

The JSON records the model version, the package and library versions, the data and the
command next to the figures.
"""

from __future__ import annotations

import argparse
import json
import platform
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

import pandas as pd
from period_recovery_s82 import lightcurve_folder, load_s82, recovered, recovery, s82_folder

import tvs_classifier
from tvs_classifier import LightCurves, classify, load_classifier
from tvs_classifier.datasets import load_alerce_ztf_sample

#: Main classes counted as right for each ZTF label.
ZTF_LABELS = {
    "Ceph": {"CEP", "T2CEP", "ACEP"},
    "DSCT": {"DSCT"},
    "EA": {"ECL"},
    "LPV": {"LPV"},
    "RRL": {"RRL"},
}
#: A searched period counts as recovered within this fraction of the catalog period.
TOLERANCE = 0.01
#: What each ``--data`` choice evaluates, for the JSON's record of the data.
DATA = {
    "stripe82": {
        "name": "SDSS Stripe 82 RR Lyrae (ugriz)",
        "source": "shared/data/lightcurves/sesar2010_s82_dev",
        "citation": "Sesar et al. 2010, ApJ 708, 717",
    },
    "eros2": {
        "name": "EROS-2 LMC Cepheid lm0010n22323 (B_E, R_E taken as LSST g, r)",
        "source": "shared/data/lightcurves/upsilon_eros2_cepheid_example (from UPSILoN 1.2.10)",
        "citation": "Kim & Bailer-Jones 2016, A&A 587, A18; EROS-2 (Tisserand et al. 2007, "
        "A&A 469, 387)",
    },
    "ztf": {
        "name": "ALeRCE ZTF periodic sample (ztf_g, ztf_r taken as LSST g, r)",
        "source": "tvs_classifier/data/alerce_ztf_periodic_sample.csv (bundled)",
        "citation": "Forster et al. 2021, AJ 161, 242; Sanchez-Saez et al. 2021, AJ 161, 141",
    },
}
#: This script's path relative to the repository root, for the command recorded in the JSON.
SCRIPT = "packages/tvs-classifier/benchmarks/evaluate_real.py"


def _counts(values: pd.Series) -> dict[str, int]:
    """Occurrences of each value, most frequent first, as plain ints."""
    return {str(k): int(v) for k, v in values.value_counts().items()}


def _number(value) -> float | None:
    """A float for JSON, None where missing (JSON has no NaN)."""
    return None if pd.isna(value) else float(value)


def stripe82(folder: Path, classifier, search: bool = False, baseline=None) -> dict:
    """RR Lyrae recall and ab/c accuracy on the Stripe 82 stars (and the baseline's)."""
    light_curves, published = load_s82(folder)
    periods = None if search else published["Per"]
    result = classify(light_curves, periods, classifier=classifier, progress=False)
    result = result.set_index("object_id")
    truth = published["Type"].map({"ab": "RRab", "c": "RRc"}).reindex(result.index)
    is_rrl = result["class"] == "RRL"
    right_type = (result["subclass"] == truth) & is_rrl
    out = {
        "n": len(result),
        "rr_lyrae": int(is_rrl.sum()),
        "rr_lyrae_recall": float(is_rrl.mean()),
        "ab_c_right": int(right_type.sum()),
        "ab_c_accuracy_of_rr_lyrae": float(right_type.sum() / is_rrl.sum()),
        "predicted_classes": _counts(result["class"]),
        "predicted_subclasses": _counts(result["subclass"]),
    }
    if search:
        ok = recovered(result["period"], published["Per"], TOLERANCE).reindex(result.index)
        out["period_recovery"] = recovery(
            result["period"], published["Per"], published["Type"], TOLERANCE
        )
        out["rr_lyrae_recall_right_period"] = float(is_rrl[ok].mean())
        out["rr_lyrae_recall_wrong_period"] = float(is_rrl[~ok].mean())
        out["predicted_classes_wrong_period"] = _counts(result.loc[~ok, "class"])
    if baseline is not None:  # on the periods the CNN had (searched once, not twice)
        other = baseline.classify(light_curves, result["period"], progress=False)
        out["baseline"] = {
            "rr_lyrae_recall": float((other["class"] == "RRL").mean()),
            "predicted_classes": _counts(other["class"]),
        }
    return out


def ztf(classifier, search: bool = False, baseline=None) -> dict:
    """Accuracy on the bundled ZTF sample, per catalog label (and the baseline's)."""
    light_curves, labels = load_alerce_ztf_sample()
    labels = labels.set_index("object_id")
    period_column = "catalog_period"
    result = classify(
        light_curves,
        None if search else labels[period_column],
        classifier=classifier,
        band_map={"ztf_g": "g", "ztf_r": "r"},
        progress=False,
    ).set_index("object_id")
    label = labels.loc[result.index, "label"]
    right = pd.Series(
        [result.loc[i, "class"] in ZTF_LABELS[label[i]] for i in result.index], result.index
    )
    table = pd.crosstab(label, result["class"])
    out = {
        "n": len(result),
        "right": int(right.sum()),
        "accuracy": float(right.mean()),
        "right_by_label": {k: int(v) for k, v in right.groupby(label).sum().items()},
        "confusion": {
            row: {k: int(v) for k, v in table.loc[row][table.loc[row] > 0].items()}
            for row in table.index
        },
        "objects": [
            {
                "object_id": str(i),
                "label": str(label[i]),
                "catalog_period": _number(labels.loc[i, period_column]),
                "class": str(result.loc[i, "class"]),
                "subclass": str(result.loc[i, "subclass"]),
                "class_prob": round(float(result.loc[i, "class_prob"]), 4),
                "period": _number(result.loc[i, "period"]),
                "period_source": str(result.loc[i, "period_source"]),
                "right": bool(right[i]),
            }
            for i in result.index
        ],
    }
    if search:
        out["period_recovery"] = recovery(
            result["period"], labels[period_column], labels["label"], TOLERANCE
        )
    if baseline is not None:  # on the periods the CNN had (searched once, not twice)
        other = baseline.classify(
            light_curves, result["period"], band_map={"ztf_g": "g", "ztf_r": "r"}, progress=False
        ).set_index("object_id")
        hit = pd.Series([other.loc[i, "class"] in ZTF_LABELS[label[i]] for i in other.index])
        out["baseline"] = {
            "right": int(hit.sum()),
            "right_by_label": {k: int(v) for k, v in hit.groupby(label.to_numpy()).sum().items()},
        }
    return out


def eros2_light_curve(folder: Path) -> LightCurves:
    """The EROS-2 light curve as LSST g (B_E) and r (R_E); EROS's 99.999 dropped on reading."""
    columns = ["time", "R", "R_err", "B", "B_err"]
    table = pd.read_csv(folder / "lm0010n22323.time", sep=r"\s+", comment="#", names=columns)
    long = pd.concat(
        [
            pd.DataFrame(
                {
                    "object_id": "lm0010n22323",
                    "mjd": table["time"],
                    "band": band,
                    "mag": table[name],
                    "mag_err": table[f"{name}_err"],
                }
            )
            for band, name in (("g", "B"), ("r", "R"))
        ],
        ignore_index=True,
    )
    return LightCurves.from_table(long)


def eros2(folder: Path, classifier, baseline=None) -> dict:
    """The class of the EROS-2 Cepheid, given the period the search finds."""
    light_curves = eros2_light_curve(folder)
    row = classify(light_curves, classifier=classifier, progress=False).iloc[0]
    out = {
        "n_points": {
            band: int(n) for band, n in light_curves.table["band"].value_counts().items()
        },
        "period": float(row["period"]),
        "class": str(row["class"]),
        "subclass": str(row["subclass"]),
        "class_prob": round(float(row["class_prob"]), 4),
        "flags": str(row["flags"]),
        "right": bool(row["class"] in ZTF_LABELS["Ceph"]),
    }
    if baseline is not None:
        other = baseline.classify(light_curves, [row["period"]], progress=False).iloc[0]
        out["baseline"] = {
            "class": str(other["class"]),
            "right": bool(other["class"] in ZTF_LABELS["Ceph"]),
        }
    return out


def versions() -> dict[str, str]:
    """Versions of what the figures depend on (also for the other validation scripts)."""
    import keras

    found = {"python": platform.python_version(), "keras_backend": keras.backend.backend()}
    names = ("numpy", "astropy", "nifty-ls", "scikit-learn", "keras", keras.backend.backend())
    for name in names:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", choices=sorted(DATA), required=True, help="what to evaluate")
    parser.add_argument("--model", type=Path, help="model folder (default: the shipped one)")
    parser.add_argument("--json", type=Path, help="write the result as JSON here")
    parser.add_argument(
        "--search-periods",
        action="store_true",
        help="let classify find the periods instead of giving it the catalog ones",
    )
    parser.add_argument(
        "--baseline-per-subclass",
        type=int,
        default=300,
        help="train the feature baseline on this many simulated light curves per subclass "
        "(the CNN's recipe) and report it beside the CNN; 0: no baseline",
    )
    args = parser.parse_args(argv)
    classifier = load_classifier(args.model)
    baseline = None
    if args.baseline_per_subclass > 0:
        from baseline_vs_cnn import recipe

        from tvs_classifier.classifier.baseline import train_baseline

        curves, labels, periods = recipe.training_set(args.baseline_per_subclass, 2)
        baseline = train_baseline(curves, labels, periods=periods, seed=0, progress=False)
    if args.data == "stripe82":
        folder = s82_folder()
        if folder is None:
            return 1
        results = stripe82(folder, classifier, args.search_periods, baseline)
    elif args.data == "eros2":
        folder = lightcurve_folder("upsilon_eros2_cepheid_example")
        if folder is None:
            return 1
        results = eros2(folder, classifier, baseline)
    else:
        results = ztf(classifier, args.search_periods, baseline)
    command = f"python {SCRIPT} --data {args.data}"
    command += " --search-periods" if args.search_periods else ""
    command += f" --model {args.model}" if args.model else ""
    command += f" --baseline-per-subclass {args.baseline_per_subclass}"
    if baseline is not None:
        results["baseline"]["model"] = {
            "model_version": baseline.version,
            "per_subclass": args.baseline_per_subclass,
            "n_objects": baseline.card["training_data"]["n_objects"],
            "iterations_kept": baseline.card["model"]["iterations_kept"],
        }
    result = {
        "model_version": classifier.version,
        "tvs_classifier_version": tvs_classifier.__version__,
        "data": DATA[args.data],
        "periods": "searched" if args.search_periods or args.data == "eros2" else "catalog",
        "command": command,
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "versions": versions(),
        "results": results,
    }
    write_record(result, args.json)
    return 0


def write_record(record: dict, path: Path | None) -> None:
    """Print a validation record as JSON, and write it to ``path`` if one is given."""
    text = json.dumps(record, indent=2) + "\n"
    print(text, end="")
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


if __name__ == "__main__":
    raise SystemExit(main())
