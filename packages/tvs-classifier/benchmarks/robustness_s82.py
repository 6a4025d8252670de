"""RR Lyrae recall on Stripe 82 in g and r, without and with injected gross outliers.

The 241 SDSS Stripe 82 RR Lyrae of Sesar et al. (2010), in ``shared/data/lightcurves/
sesar2010_s82_dev``, are reduced to their g and r points (about 50 per band) and
classified with their catalogue periods, once as they are and then ``--repeats``
times with outliers injected: each point moved with probability ``--fraction``
(default 3 %) by 1-5 mag (``--offsets``; log-uniform, random sign, errors untouched),
by `tvs_classifier.simulation.noise.add_outliers` (the simulator's own injection, so
there is one implementation). The figure is the RR Lyrae recall (the fraction
classified ``class == "RRL"``); with outliers, its mean and range over the repeats.
Where the installed package flags outliers (`tvs_classifier.outliers`), the script
also reports how many injected points are flagged (recall of the flagging), how many
points of the clean light curves are flagged (false flags), and the mean
``n_outliers`` of `classify`.

A third condition, ``old_survey``, makes the light curves look like those of a
two-band photographic-era or early CCD survey of the Magellanic Clouds: Gaussian noise
is added to every point so that its error becomes ``--old-errors`` (default 0.14 mag
in g, 0.19 mag in r: the median errors of such a survey at 19 mag), g is made redder
by ``--g-shift`` (default 0.35 mag: a broad blue band mapped to g gives RR Lyrae a
blue - red color 0.3-0.4 mag redder than LSST g - r), and the same outliers are
injected. It is classified as it is (`tvs_classifier.classify`'s default priors), with
the balanced training priors, with ``ignore_colors=True``, with the ``ogle3-lmc`` class
priors, with ``priors="adapt"``, and with colors ignored and the ``ogle3-lmc`` priors
(`OPTIONS`), so that the options a user of such data has are measured side by side; so
are the clean light curves.

Not a timing, so not named ``bench_*.py``; a minute or two. From the repository root::

    SHARED_DATA_DIR=../shared/data python packages/tvs-classifier/benchmarks/robustness_s82.py \
        [--model DIR] [--repeats 3] --json out.json
"""

from __future__ import annotations

import argparse
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from evaluate_real import versions, write_record
from period_recovery_s82 import load_s82, s82_folder

import tvs_classifier
from tvs_classifier import LightCurves, classify, load_classifier
from tvs_classifier.simulation.noise import add_outliers

#: The options of `classify` compared on the clean and the ``old_survey`` light curves.
OPTIONS = {
    "as_is": {},
    "training_priors": {"priors": "training"},
    "ignore_colors": {"ignore_colors": True},
    "priors_ogle3_lmc": {"priors": "ogle3-lmc"},
    "priors_adapt": {"priors": "adapt"},
    "ignore_colors_and_priors": {"ignore_colors": True, "priors": "ogle3-lmc"},
}

#: The bands kept: a two-band survey, as many real ones are.
BANDS = ("g", "r")
#: This script's path relative to the repository root, for the command in the JSON.
SCRIPT = "packages/tvs-classifier/benchmarks/robustness_s82.py"


def two_bands(light_curves: LightCurves) -> LightCurves:
    """The light curves' g and r points only."""
    table = light_curves.table
    return LightCurves.from_table(table[table["band"].isin(BANDS)].reset_index(drop=True))


def with_outliers(
    light_curves: LightCurves, fraction: float, offsets: tuple[float, float], seed: int
) -> tuple[LightCurves, np.ndarray]:
    """The light curves with injected outliers, and which rows were moved."""
    table = light_curves.table
    mag, moved, _ = add_outliers(
        table["mag"].to_numpy(),
        light_curves.object_index,
        rng=seed,
        fraction_range=(fraction, fraction),
        offset_range=offsets,
    )
    # Rows stay in order (same objects, times and bands), so ``moved`` stays aligned.
    return LightCurves(table.assign(mag=mag), light_curves.report), moved


def as_old_survey(
    light_curves: LightCurves, errors: dict[str, float], g_shift: float, seed: int
) -> LightCurves:
    """The light curves with the errors of an older survey and a redder g (see above)."""
    table = light_curves.table
    band = table["band"].to_numpy()
    error = table["mag_err"].to_numpy()
    target = np.array([errors[b] for b in band])
    extra = np.sqrt(np.clip(target**2 - error**2, 0.0, None))
    rng = np.random.default_rng([seed, 82])
    mag = table["mag"].to_numpy() + rng.normal(0.0, extra) + np.where(band == "g", g_shift, 0.0)
    return LightCurves(table.assign(mag=mag, mag_err=np.hypot(error, extra)), light_curves.report)


def rrl_recall(
    light_curves: LightCurves, periods, classifier, **options
) -> tuple[float, dict, float]:
    """RR Lyrae recall, the predicted classes, and the mean ``n_outliers`` (NaN if none).

    ``options`` go to `tvs_classifier.classify` (e.g. ``ignore_colors``, ``priors``).
    """
    result = classify(light_curves, periods, classifier=classifier, progress=False, **options)
    counts = {str(k): int(v) for k, v in result["class"].value_counts().items()}
    n_outliers = result["n_outliers"].mean() if "n_outliers" in result else np.nan
    return float((result["class"] == "RRL").mean()), counts, float(n_outliers)


def flagged(light_curves: LightCurves, periods) -> np.ndarray | None:
    """The rows `tvs_classifier.outliers.flag_outliers` flags, None if it is not installed."""
    try:
        from tvs_classifier.outliers import flag_outliers
    except ImportError:
        return None
    return flag_outliers(light_curves, periods)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="model folder (default: the shipped one)")
    parser.add_argument("--fraction", type=float, default=0.03, help="outlier probability")
    parser.add_argument("--offsets", type=float, nargs=2, default=(1.0, 5.0), metavar="MAG")
    parser.add_argument("--repeats", type=int, default=3, help="injections (seeds 0, 1, ...)")
    parser.add_argument(
        "--old-errors",
        type=float,
        nargs=2,
        default=(0.14, 0.19),
        metavar="MAG",
        help="g and r errors of the old_survey condition",
    )
    parser.add_argument(
        "--g-shift", type=float, default=0.35, help="how much redder g is in old_survey (mag)"
    )
    parser.add_argument("--json", type=Path, help="write the result as JSON here")
    args = parser.parse_args(argv)
    folder = s82_folder()
    if folder is None:
        return 1
    classifier = load_classifier(args.model)
    light_curves, published = load_s82(folder)
    light_curves = two_bands(light_curves)
    periods = published["Per"]

    clean = {
        name: rrl_recall(light_curves, periods, classifier, **options)
        for name, options in OPTIONS.items()
    }
    clean_recall, clean_classes, clean_n_outliers = clean["as_is"]
    clean_options = {name: recall for name, (recall, _, _) in clean.items()}
    clean_flags = flagged(light_curves, periods)
    runs = []
    for seed in range(args.repeats):
        noisy, moved = with_outliers(light_curves, args.fraction, tuple(args.offsets), seed)
        recall, classes, n_outliers = rrl_recall(noisy, periods, classifier)
        flags = flagged(noisy, periods)
        runs.append(
            {
                "seed": seed,
                "rr_lyrae_recall": recall,
                "predicted_classes": classes,
                "injected_points": int(moved.sum()),
                "flagged_injected": None if flags is None else float(flags[moved].mean()),
                "flagged_clean_points": None if flags is None else float(flags[~moved].mean()),
                "mean_n_outliers": None if np.isnan(n_outliers) else n_outliers,
            }
        )
    recalls = [run["rr_lyrae_recall"] for run in runs]
    errors = dict(zip(BANDS, args.old_errors, strict=True))
    old_runs = {name: [] for name in OPTIONS}
    for seed in range(args.repeats):
        old = as_old_survey(light_curves, errors, args.g_shift, seed)
        old, _ = with_outliers(old, args.fraction, tuple(args.offsets), seed)
        for name, options in OPTIONS.items():
            recall, classes, _ = rrl_recall(old, periods, classifier, **options)
            old_runs[name].append(
                {"seed": seed, "rr_lyrae_recall": recall, "predicted_classes": classes}
            )
    old_recall = {
        name: float(np.mean([run["rr_lyrae_recall"] for run in runs_]))
        for name, runs_ in old_runs.items()
    }
    results = {
        "n_stars": len(light_curves),
        "n_points": int(light_curves.n_points.sum()),
        "clean": {
            "rr_lyrae_recall": clean_recall,
            "predicted_classes": clean_classes,
            "flagged_points": None if clean_flags is None else float(clean_flags.mean()),
            "mean_n_outliers": None if np.isnan(clean_n_outliers) else clean_n_outliers,
            "rr_lyrae_recall_by_option": clean_options,
        },
        "with_outliers": {
            "fraction": args.fraction,
            "offsets_mag": list(args.offsets),
            "rr_lyrae_recall_mean": float(np.mean(recalls)),
            "rr_lyrae_recall_min": float(np.min(recalls)),
            "rr_lyrae_recall_max": float(np.max(recalls)),
            "runs": runs,
        },
        "old_survey": {
            "errors_mag": errors,
            "g_shift_mag": args.g_shift,
            "fraction": args.fraction,
            "offsets_mag": list(args.offsets),
            "rr_lyrae_recall_mean": old_recall,
            "runs": old_runs,
        },
    }
    print(
        f"Stripe 82 RR Lyrae, g and r, catalogue periods, model {classifier.version}: "
        f"recall {clean_recall:.3f} clean; {np.mean(recalls):.3f} "
        f"({np.min(recalls):.3f}-{np.max(recalls):.3f}) with {args.fraction:.0%} outliers of "
        f"{args.offsets[0]:g}-{args.offsets[1]:g} mag over {args.repeats} injections"
    )
    print(
        f"as an old two-band survey (errors g {errors['g']:g}, r {errors['r']:g} mag, g "
        f"{args.g_shift:+g} mag, {args.fraction:.0%} outliers): "
        + ", ".join(f"{name} {value:.3f}" for name, value in old_recall.items())
    )
    if clean_flags is not None:
        print(
            f"outlier flags: {np.mean([r['flagged_injected'] for r in runs]):.3f} of injected "
            f"points, {clean_flags.mean():.4f} of clean points"
        )
    if args.json:
        command = f"python {SCRIPT} --fraction {args.fraction:g} --repeats {args.repeats}"
        command += f" --model {args.model}" if args.model else ""
        record = {
            "model_version": classifier.version,
            "tvs_classifier_version": tvs_classifier.__version__,
            "data": {
                "name": "SDSS Stripe 82 RR Lyrae, g and r only",
                "source": "shared/data/lightcurves/sesar2010_s82_dev",
                "citation": "Sesar et al. 2010, ApJ 708, 717",
            },
            "periods": "catalog",
            "command": command,
            "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
            "versions": versions(),
            "results": results,
        }
        write_record(record, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
