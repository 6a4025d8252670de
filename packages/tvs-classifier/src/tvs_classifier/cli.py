"""The ``tvs-classifier`` command line.

Subcommands:

``demo --output DIR``
    Read the ZTF light curves bundled with the package, find their periods, and write
    a table of the periods and a figure of the folded light curves next to the images
    the classifier sees. When a default model is installed, also classify them
    (``classification.csv``; ZTF g, r taken as LSST g, r); otherwise say that none is.

``simulate -n N -o OUTPUT.parquet [--seed S] [--years Y]``
    Simulate N labelled LSST light curves of every subclass `tvs_classifier.simulate`
    knows and write them as one long Parquet table with the
    labels ``class, subclass, period`` on every row. The file is written whole or not
    at all; its metadata records the version, seed and survey length.

``train DATASET.parquet -o MODEL_DIR [--seed S] [--epochs E] [--bands g,r,...] ...``
    Train, calibrate and evaluate the classifier on a table written by ``simulate``
    (see `tvs_classifier.training`) and export it to MODEL_DIR.

``classify INPUT -o OUTPUT [--period-col COL] [--bands g,r] [--band-map ztf_g=g] [--model DIR]``
    Classify the light curves of a CSV or Parquet long table (``object_id, mjd,
    band, mag, mag_err`` or Rubin DP1's names) and write one row per object (CSV or
    Parquet by OUTPUT's suffix; see `tvs_classifier.classify`).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__

__all__ = ["main"]

#: Printed wherever a class would be: nothing is predicted before a model is trained.
NO_MODEL_MESSAGE = (
    "classification is not available yet: no trained model ships with "
    f"tvs-classifier {__version__} (periods, images and features only)"
)

#: Period search of the demo: from delta Scuti (hours) to the ~1-year ZTF baseline.
_DEMO_SEARCH = {"min_period": 0.05, "samples_per_peak": 5.0}
#: ZTF's g and r taken as LSST's when the demo classifies (an approximation).
_DEMO_BAND_MAP = {"ztf_g": "g", "ztf_r": "r"}


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``tvs-classifier`` command.

    Examples
    --------
    >>> build_parser().parse_args(["demo", "--output", "out"]).output
    PosixPath('out')
    """
    parser = argparse.ArgumentParser(prog="tvs-classifier", description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser(
        "demo",
        help="find periods and draw images of the ZTF light curves bundled with the package",
    )
    demo.add_argument("-o", "--output", type=Path, required=True, help="output folder")
    demo.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    simulate = sub.add_parser(
        "simulate",
        help="simulate labelled LSST light curves of the subclasses in tvs_classifier.simulate",
    )
    simulate.add_argument("-n", type=int, required=True, help="number of light curves")
    simulate.add_argument("-o", "--output", type=Path, required=True, help="output Parquet file")
    simulate.add_argument("--seed", type=int, default=None, help="random seed")
    simulate.add_argument(
        "--years", type=float, default=10.0, help="survey length in years (default 10)"
    )
    train = sub.add_parser("train", help="train a classifier on a simulated data set")
    train.add_argument("dataset", type=Path, help="Parquet table written by 'simulate'")
    train.add_argument("-o", "--output", type=Path, required=True, help="model folder")
    train.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    train.add_argument("--epochs", type=int, default=50, help="most epochs (default 50)")
    train.add_argument("--batch-size", type=int, default=64, help="batch size (default 64)")
    train.add_argument("--patience", type=int, default=8, help="early-stopping patience")
    train.add_argument(
        "--bands", type=_band_list, default=None, help="bands, e.g. g,r (default u,g,r,i,z,y)"
    )
    train.add_argument(
        "--image-size", type=_image_size, default=(32, 64), help="HEIGHTxWIDTH (default 32x64)"
    )
    train.add_argument("--no-progress", action="store_true", help="hide the progress bars")
    classify = sub.add_parser("classify", help="classify light curves from a CSV or Parquet file")
    classify.add_argument("input", type=Path, help="CSV or Parquet long table of light curves")
    classify.add_argument(
        "-o", "--output", type=Path, required=True, help="output table (.csv or .parquet)"
    )
    classify.add_argument("--period-col", default=None, help="column of known periods (days)")
    classify.add_argument("--bands", type=_band_list, default=None, help="use only these bands")
    classify.add_argument(
        "--band-map", type=_band_map, default=None, help="renames, e.g. ztf_g=g,ztf_r=r"
    )
    classify.add_argument(
        "--model", type=Path, default=None, help="model folder (default: installed)"
    )
    classify.add_argument("--batch-size", type=int, default=4096, help="objects per batch")
    classify.add_argument("--no-progress", action="store_true", help="hide the progress bars")
    return parser


def _band_list(text: str) -> tuple[str, ...]:
    """``"g,r"`` as ``("g", "r")``."""
    bands = tuple(part.strip() for part in text.split(",") if part.strip())
    if not bands:
        raise argparse.ArgumentTypeError(f"no bands in {text!r}: give e.g. g,r")
    return bands


def _band_map(text: str) -> dict[str, str]:
    """``"ztf_g=g,ztf_r=r"`` as a dict."""
    pairs = [part.split("=") for part in text.split(",") if part.strip()]
    if not pairs or any(len(pair) != 2 for pair in pairs):
        raise argparse.ArgumentTypeError(f"bad band map {text!r}: give e.g. ztf_g=g,ztf_r=r")
    return {old.strip(): new.strip() for old, new in pairs}


def _image_size(text: str) -> tuple[int, int]:
    """``"32x64"`` as ``(32, 64)``."""
    try:
        height, width = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad image size {text!r}: give e.g. 32x64") from None
    return height, width


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``tvs-classifier`` command line; return the exit status.

    Errors in the input end the command with status 1 and one line on stderr.

    Examples
    --------
    >>> main(["--version"])  # doctest: +SKIP
    tvs-classifier 0.1.0
    """
    args = build_parser().parse_args(argv)
    try:
        if args.command == "demo":
            return run_demo(args.output, progress=not args.no_progress)
        if args.command == "simulate":
            return run_simulate(args.n, args.output, seed=args.seed, years=args.years)
        if args.command == "train":
            return run_train(
                args.dataset,
                args.output,
                seed=args.seed,
                epochs=args.epochs,
                batch_size=args.batch_size,
                patience=args.patience,
                bands=args.bands,
                image_size=args.image_size,
                progress=not args.no_progress,
            )
        if args.command == "classify":
            return run_classify(
                args.input,
                args.output,
                period_col=args.period_col,
                bands=args.bands,
                band_map=args.band_map,
                model=args.model,
                batch_size=args.batch_size,
                progress=not args.no_progress,
            )
    except (ValueError, OSError) as error:
        print(f"tvs-classifier: error: {error}", file=sys.stderr)
        return 1
    return 2  # pragma: no cover - argparse rejects unknown commands


def run_demo(output: Path, *, progress: bool = True) -> int:
    """Periods, images and a figure of the bundled ZTF sample, written to ``output``.

    Writes ``periods.csv`` (object, label, catalogue and found periods, false-alarm
    probability, numbers of points), ``folded_light_curves.png`` and ``summary.json``
    (versions, validation report, period agreement). Files are written whole or not
    at all.

    Parameters
    ----------
    output : Path
        Output folder (created if needed).
    progress : bool
        Show a progress bar during the period search.

    Returns
    -------
    int
        0 on success.

    Examples
    --------
    >>> import tempfile
    >>> run_demo(Path(tempfile.mkdtemp()), progress=False)  # doctest: +SKIP
    0
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from ._output import write_atomic
    from .datasets import ALERCE_ZTF_SAMPLE, load_alerce_ztf_sample
    from .images import render_images
    from .model import CARD_FILE, DEFAULT_MODEL_DIR
    from .periods import find_periods
    from .plotting import plot_gallery

    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    light_curves, labels = load_alerce_ztf_sample()
    print(f"tvs-classifier demo: {ALERCE_ZTF_SAMPLE}: {light_curves.report.summary()}")
    found = find_periods(light_curves, progress=progress, **_DEMO_SEARCH)
    table = labels.merge(found, on="object_id", how="right")
    ratio = table["period"] / table["catalogue_period"]
    table["agrees_with_catalogue"] = np.where(
        table["catalogue_period"].notna(), np.abs(ratio - 1.0) < 0.01, None
    )
    columns = [
        "object_id",
        "label",
        "catalogue_class",
        "catalogue_period",
        "period",
        "period_err",
        "false_alarm_probability",
        "period_source",
        "n_points",
        "n_bands",
        "agrees_with_catalogue",
        "flag",
    ]
    table = table[columns]
    images = render_images(light_curves, found, bands=("ztf_g", "ztf_r"))
    figure = plot_gallery(
        light_curves,
        found,
        images,
        labels=dict(zip(labels["object_id"], labels["label"], strict=True)),
        columns=3,
    )
    with_catalogue = table["catalogue_period"].notna()
    agree = int(table.loc[with_catalogue, "agrees_with_catalogue"].sum())
    summary = {
        "tvs_classifier_version": __version__,
        "data": ALERCE_ZTF_SAMPLE,
        "validation": light_curves.report.summary(),
        "period_search": _DEMO_SEARCH | {"max_period": "baseline"},
        "periods_within_1pct_of_catalogue": f"{agree} of {int(with_catalogue.sum())}",
        "classification": NO_MODEL_MESSAGE,
    }
    classified = None
    if (DEFAULT_MODEL_DIR / CARD_FILE).is_file():
        from .classify import classify

        classified = classify(
            light_curves, found, band_map=_DEMO_BAND_MAP, progress=progress
        ).merge(labels[["object_id", "label"]], on="object_id", how="left")
        summary["classification"] = {
            "model_version": str(classified["model_version"].iloc[0]),
            "band_map": _DEMO_BAND_MAP,
            "class_counts": classified["class"].value_counts().to_dict(),
        }
        write_atomic(
            output / "classification.csv", lambda path: classified.to_csv(path, index=False)
        )
    write_atomic(output / "periods.csv", lambda path: table.to_csv(path, index=False))
    write_atomic(
        output / "folded_light_curves.png",
        lambda path: figure.savefig(path, dpi=80, format="png"),
    )
    plt.close(figure)
    write_atomic(
        output / "summary.json", lambda path: path.write_text(json.dumps(summary, indent=2) + "\n")
    )
    print(
        f"periods found for {int(table['period'].notna().sum())} of {len(table)} objects; "
        f"{agree} of {int(with_catalogue.sum())} within 1 % of the catalogue period"
    )
    if classified is None:
        print(f"wrote periods.csv, folded_light_curves.png and summary.json to {output}")
        print(f"NOTE: {NO_MODEL_MESSAGE}.")
    else:
        print(
            f"classified {int(classified['class'].notna().sum())} of {len(classified)} objects "
            f"with model {classified['model_version'].iloc[0]}"
        )
        print(
            "wrote periods.csv, classification.csv, folded_light_curves.png and "
            f"summary.json to {output}"
        )
    return 0


def run_simulate(n: int, output: Path, *, seed: int | None = None, years: float = 10.0) -> int:
    """Simulate ``n`` labelled LSST light curves and write them to ``output`` (Parquet).

    One long table, ``object_id, mjd, band, mag, mag_err, class, subclass, period``;
    the Parquet metadata key ``tvs_classifier`` holds the version, ``n``, seed and
    years as JSON. Written whole or not at all.

    Parameters
    ----------
    n : int
        Number of light curves.
    output : Path
        Output file; must end in ``.parquet``; its folder must exist.
    seed : int, optional
        Random seed.
    years : float
        Survey length in years.

    Returns
    -------
    int
        0 on success.

    Raises
    ------
    ValueError
        For a bad ``n``, ``years`` or output name.

    Examples
    --------
    >>> import tempfile
    >>> run_simulate(2, Path(tempfile.mkdtemp()) / "sim.parquet", seed=1, years=1)
    wrote 2 light curves (86 points) to ...sim.parquet
    0
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ._output import write_atomic
    from .simulate import simulate

    output = Path(output)
    if output.suffix != ".parquet":
        raise ValueError(f"output must be a .parquet file, not {str(output)!r}")
    if not output.parent.is_dir():
        raise ValueError(f"output folder {str(output.parent)!r} does not exist")
    light_curves, labels = simulate(n, seed=seed, years=years)
    table = light_curves.table.merge(
        labels[["object_id", "class", "subclass", "period"]], on="object_id", how="left"
    )
    arrow = pa.Table.from_pandas(table, preserve_index=False)
    metadata = {"tvs_classifier_version": __version__, "n": n, "seed": seed, "years": years}
    arrow = arrow.replace_schema_metadata(
        (arrow.schema.metadata or {}) | {b"tvs_classifier": json.dumps(metadata).encode()}
    )
    write_atomic(output, lambda path: pq.write_table(arrow, path))
    print(f"wrote {len(light_curves)} light curves ({len(table)} points) to {output}")
    return 0


def run_train(
    dataset: Path,
    output: Path,
    *,
    seed: int = 0,
    epochs: int = 50,
    batch_size: int = 64,
    patience: int = 8,
    bands: Sequence[str] | None = None,
    image_size: tuple[int, int] = (32, 64),
    progress: bool = True,
) -> int:
    """Train a classifier on a table written by ``simulate`` and export it to ``output``.

    Parameters
    ----------
    dataset : Path
        Long Parquet table ``object_id, mjd, band, mag, mag_err, class, subclass,
        period`` (labels repeated on every row).
    output : Path
        Model folder (`tvs_classifier.training.export`).
    seed, epochs, batch_size, patience, bands, image_size, progress
        As in `tvs_classifier.training.train` (``bands`` None: LSST's six).

    Returns
    -------
    int
        0 on success.

    Raises
    ------
    ValueError
        For a file without labels or an invalid table.
    """
    from .bands import LSST_BANDS
    from .lightcurves import LightCurves
    from .readers import read_table
    from .training import LABEL_COLUMNS, export, train

    table = read_table(dataset)
    missing = [name for name in LABEL_COLUMNS if name not in table.columns]
    if missing:
        raise ValueError(
            f"{dataset}: no label column(s) {missing}; give a table written by "
            "'tvs-classifier simulate'"
        )
    labels = table[list(LABEL_COLUMNS)].drop_duplicates("object_id")
    light_curves = LightCurves.from_table(table)
    classifier = train(
        light_curves,
        labels,
        bands=tuple(bands or LSST_BANDS),
        image_size=image_size,
        epochs=epochs,
        batch_size=batch_size,
        patience=patience,
        seed=seed,
        description={
            "file": Path(dataset).name,
            "n_objects": len(light_curves),
            "n_points": int(light_curves.n_points.sum()),
            "subclass_counts": labels["subclass"].value_counts().sort_index().to_dict(),
        },
        progress=progress,
    )
    export(classifier, output)
    metrics = classifier.card["metrics"]
    print(
        f"trained on {classifier.card['splits']} objects; test accuracy "
        f"{metrics['subclass']['accuracy']:.3f} (subclass), {metrics['class']['accuracy']:.3f} "
        f"(class); temperature {classifier.temperature:.3g}; wrote {output}"
    )
    return 0


def run_classify(
    input: Path,
    output: Path,
    *,
    period_col: str | None = None,
    bands: Sequence[str] | None = None,
    band_map: dict[str, str] | None = None,
    model: Path | None = None,
    batch_size: int = 4096,
    progress: bool = True,
) -> int:
    """Classify the light curves of a CSV or Parquet file and write one row per object.

    Parameters
    ----------
    input : Path
        Long table ``object_id, mjd, band, mag, mag_err``, or DP1's
        ``diaObjectId, midpointMjdTai, band, psfFlux, psfFluxErr`` (nJy).
    output : Path
        ``.csv`` or ``.parquet``; written whole or not at all.
    period_col : str, optional
        Column of known periods (days), per row or per object (one value per object).
    bands, band_map, batch_size, progress
        As in `tvs_classifier.classify.classify`.
    model : Path, optional
        Model folder; the installed default model if omitted.

    Returns
    -------
    int
        0 on success.

    Raises
    ------
    ValueError
        For an unknown output suffix, a missing period column, several periods for
        one object, an invalid table or a missing model.
    """
    from ._output import write_atomic
    from .classify import classify
    from .lightcurves import LightCurves
    from .model import load_classifier
    from .readers import read_table
    from .rubin import from_dp1, is_dp1_table

    output = Path(output)
    if output.suffix not in (".csv", ".parquet"):
        raise ValueError(f"output must end in .csv or .parquet, not {str(output)!r}")
    if not output.parent.is_dir():
        raise ValueError(f"output folder {str(output.parent)!r} does not exist")
    classifier = load_classifier(model)
    table = read_table(input)
    dp1 = is_dp1_table(table)
    periods = None
    if period_col is not None:
        if period_col not in table.columns:
            raise ValueError(f"{input}: no period column {period_col!r}")
        id_col = "diaObjectId" if dp1 else "object_id"
        per_object = table[[id_col, period_col]].dropna().drop_duplicates()
        if per_object[id_col].duplicated().any():
            raise ValueError(f"{input}: column {period_col!r} gives several periods for an object")
        periods = per_object.set_index(id_col)[period_col].astype(float)
    if dp1:
        light_curves = from_dp1(table, band_map=band_map)
    else:
        light_curves = LightCurves.from_table(table, band_map=band_map)
    result = classify(
        light_curves,
        periods,
        classifier=classifier,
        bands=bands,
        batch_size=batch_size,
        progress=progress,
    )
    if output.suffix == ".csv":
        write_atomic(output, lambda path: result.to_csv(path, index=False))
    else:
        write_atomic(output, lambda path: result.to_parquet(path, index=False))
    n_flagged = int(result["class"].isna().sum())
    print(
        f"classified {len(result) - n_flagged} of {len(result)} objects "
        f"({n_flagged} flagged) with model {classifier.version}; wrote {output}"
    )
    return 0
