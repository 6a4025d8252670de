"""The ``tvs-classifier`` command line.

The command line only parses arguments and calls the library; each subcommand is one
or two of its functions. Subcommands:

``demo --output DIR``
    Read the ZTF light curves bundled with the package, find their periods, classify
    them with the default model (ZTF g, r taken as LSST g, r) and write the tables and
    a figure of the folded light curves next to the images the classifier sees
    (`tvs_classifier.demo.run_demo`).

``simulate -n N -o OUTPUT.parquet [--seed S] [--years Y]``
    Simulate N labelled LSST light curves of every subclass `tvs_classifier.simulation`
    knows and write them as one long Parquet table with the
    labels ``class, subclass, period`` on every row. The file is written whole or not
    at all; its metadata records the version, seed and survey length.

``train DATASET.parquet -o MODEL_DIR [--seed S] [--epochs E] [--bands g,r,...] ...``
    Train, calibrate and evaluate the classifier on a table written by ``simulate``
    (see `tvs_classifier.classifier.training`) and save it to MODEL_DIR.

``classify INPUT -o OUTPUT [--period-col COL] [--bands g,r] [--band-map ztf_g=g] [--model DIR]``
    Classify the light curves of a CSV or Parquet long table (``object_id, mjd,
    band, mag, mag_err`` or Rubin DP1's names) and write one row per object (CSV or
    Parquet by OUTPUT's suffix; see `tvs_classifier.classifier.classify`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ._version import VERSION

__all__ = ["main"]


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``tvs-classifier`` command.

    Examples
    --------
    >>> build_parser().parse_args(["demo", "--output", "out"]).output
    PosixPath('out')
    """
    parser = argparse.ArgumentParser(prog="tvs-classifier", description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", action="version", version=f"%(prog)s {VERSION}")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser(
        "demo",
        help="find periods and draw images of the ZTF light curves bundled with the package",
    )
    demo.add_argument("-o", "--output", type=Path, required=True, help="output folder")
    demo.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    simulate = sub.add_parser(
        "simulate",
        help="simulate labelled LSST light curves of the subclasses in tvs_classifier.simulation",
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
    classify = sub.add_parser(
        "classify", help="classify light curves from a CSV or Parquet file or a HATS catalog"
    )
    classify.add_argument(
        "input",
        type=Path,
        help="CSV or Parquet long table of light curves, or the folder of a HATS catalog "
        "with nested light curves (classified with Dask, partition by partition)",
    )
    classify.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        help="output table (.csv, .parquet, .ecsv or .vot); for a HATS input, a new folder for a HATS "
        "catalog (or a table)",
    )
    _add_classification_options(classify)
    _add_catalog_options(classify)
    update = sub.add_parser(
        "update",
        help="classify the new and changed objects of a table into a store (SQLite, PostgreSQL)",
    )
    update.add_argument(
        "input",
        type=Path,
        help="CSV or Parquet long table of light curves (or a DP1 table), or the folder of "
        "a HATS catalog with nested light curves (updated partition by partition)",
    )
    update.add_argument(
        "--store",
        required=True,
        help="a .sqlite file (made if missing) or a database URL "
        "(postgresql+psycopg://user@host/db)",
    )
    _add_classification_options(update)
    _add_catalog_options(update)
    update.add_argument(
        "--recheck",
        action="store_true",
        help="HATS input: read every partition, also those whose file is unchanged",
    )
    update.set_defaults(batch_size=2000)
    serve = sub.add_parser(
        "serve", help="serve the dashboard of a store or a results table as a web app"
    )
    serve.add_argument(
        "--store",
        required=True,
        help="a .sqlite store, a database URL, or a results table written by classify or "
        "export (.csv, .parquet, .ecsv, .vot)",
    )
    serve.add_argument(
        "--light-curves",
        type=Path,
        default=None,
        help="the objects' light curves (CSV or Parquet), for folded curves in the page",
    )
    serve.add_argument("--port", type=int, default=5006, help="port (default 5006)")
    serve.add_argument(
        "--address", default="127.0.0.1", help="address to listen on (default: this machine)"
    )
    serve.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        help="a further HOST:PORT the page may be opened from (e.g. a proxy's); repeatable",
    )
    export = sub.add_parser("export", help="write a store's classifications as a table")
    export.add_argument("--store", required=True, help="the .sqlite file or database URL")
    export.add_argument(
        "-o", "--output", type=Path, required=True, help="output (.csv, .parquet, .ecsv or .vot)"
    )
    export.add_argument(
        "--history",
        action="store_true",
        help="every classification ever made (one row per object and run), not the latest",
    )
    return parser


def _add_classification_options(parser: argparse.ArgumentParser) -> None:
    """The options of ``classify`` and ``update``: periods, model, bands, priors, batches."""
    parser.add_argument("--period-col", default=None, help="column of known periods (days)")
    parser.add_argument(
        "--periods",
        type=Path,
        default=None,
        help="a table (CSV, Parquet) with an object id column and --period-col, e.g. a "
        "broker's features or a catalog: its periods are joined by object id; objects "
        "without one get a searched period",
    )
    parser.add_argument("--bands", type=_band_list, default=None, help="use only these bands")
    parser.add_argument(
        "--band-map", type=_band_map, default=None, help="renames, e.g. ztf_g=g,ztf_r=r"
    )
    parser.add_argument(
        "--model", type=Path, default=None, help="model folder (default: installed)"
    )
    parser.add_argument(
        "--priors",
        type=_priors,
        default="default",
        help="class mix of the data: 'default' (periodic variables as common as in the "
        "OGLE-III LMC catalog, non-variables as in training), a preset (ogle3-lmc: a "
        "catalog of known variables), 'adapt' (estimated from the data), 'training' (every "
        "subclass equally common), or frequencies such as RRL=0.6,ECL=0.3,CEP=0.1",
    )
    parser.add_argument(
        "--ignore-colors",
        type=lambda text: True if text == "all" else _band_list(text),
        default=(),
        help="bands whose colors the model must not use (other surveys' filters), or 'all'",
    )
    parser.add_argument("--batch-size", type=int, default=4096, help="objects per batch")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bars")


def _add_catalog_options(parser: argparse.ArgumentParser) -> None:
    """The options of ``classify`` and ``update`` for a HATS catalog input: Dask, columns."""
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="HATS input: start a local Dask cluster of this many worker processes",
    )
    parser.add_argument(
        "--scheduler",
        default=None,
        help="HATS input: address of a running Dask scheduler (instead of --workers)",
    )
    parser.add_argument(
        "--nested-col", default=None, help="HATS input: the nested light-curve column"
    )


def _band_list(text: str) -> tuple[str, ...]:
    """``"g,r"`` as ``("g", "r")``."""
    bands = tuple(part.strip() for part in text.split(",") if part.strip())
    if not bands:
        raise argparse.ArgumentTypeError(f"no bands in {text!r}: give e.g. g,r")
    return bands


def _pairs(text: str, example: str) -> list[tuple[str, str]]:
    """``"a=b,c=d"`` as ``[("a", "b"), ("c", "d")]``, or an error showing ``example``."""
    pairs = [part.split("=") for part in text.split(",") if part.strip()]
    if not pairs or any(len(pair) != 2 for pair in pairs):
        raise argparse.ArgumentTypeError(f"bad value {text!r}: give e.g. {example}")
    return [(key.strip(), value.strip()) for key, value in pairs]


def _band_map(text: str) -> dict[str, str]:
    """``"ztf_g=g,ztf_r=r"`` as a dict."""
    return dict(_pairs(text, "ztf_g=g,ztf_r=r"))


def _priors(text: str) -> str | dict[str, float]:
    """A name (``"default"``, ``"ogle3-lmc"``, ``"adapt"``) as it is; ``"RRL=0.6,ECL=0.4"`` as a dict."""
    if "=" not in text:
        return text.strip()
    try:
        return {name.strip(): float(value) for name, value in _pairs(text, "RRL=0.6,ECL=0.4")}
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"bad priors {text!r}: give e.g. RRL=0.6,ECL=0.4, a preset or 'adapt'"
        ) from None


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
    from .classifier._keras import NoBackendError

    args = build_parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except (ValueError, OSError, ImportError, NoBackendError) as error:
        print(f"tvs-classifier: error: {error}", file=sys.stderr)
        return 1


def _demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    summary = run_demo(args.output, progress=not args.no_progress)
    print(f"tvs-classifier demo: {summary['data']}: {summary['validation']}")
    print(
        f"periods found for {summary['n_periods_found']} of {summary['n_objects']} objects; "
        f"{summary['periods_within_1pct_of_catalog']} within 1 % of the catalog period"
    )
    classification = summary["classification"]
    print(
        f"classified {classification['n_classified']} of {summary['n_objects']} objects "
        f"with model {classification['model_version']}"
    )
    names = ", ".join(Path(path).name for path in summary["files"])
    print(f"wrote {names} to {args.output}")
    return 0


def _simulate(args: argparse.Namespace) -> int:
    from .io.writers import check_output, write_labelled
    from .simulation import simulate

    output = check_output(args.output, (".parquet",))
    light_curves, labels = simulate(args.n, seed=args.seed, years=args.years)
    metadata = {
        "tvs_classifier_version": VERSION,
        "n": args.n,
        "seed": args.seed,
        "years": args.years,
    }
    write_labelled(light_curves, labels, output, metadata=metadata)
    n_points = int(light_curves.n_points.sum())
    print(f"wrote {len(light_curves)} light curves ({n_points} points) to {output}")
    return 0


def _train(args: argparse.Namespace) -> int:
    from .bands import LSST_BANDS
    from .classifier.training import train
    from .io.readers import read_labelled

    light_curves, labels = read_labelled(args.dataset)
    classifier = train(
        light_curves,
        labels,
        bands=args.bands or LSST_BANDS,
        image_size=args.image_size,
        epochs=args.epochs,
        batch_size=args.batch_size,
        patience=args.patience,
        seed=args.seed,
        description={
            "file": Path(args.dataset).name,
            "n_objects": len(light_curves),
            "n_points": int(light_curves.n_points.sum()),
            "subclass_counts": labels["subclass"].value_counts().sort_index().to_dict(),
        },
        progress=not args.no_progress,
    )
    folder = classifier.save(args.output)
    metrics = classifier.card["metrics"]
    print(
        f"trained on {classifier.card['splits']} objects; test accuracy "
        f"{metrics['subclass']['accuracy']:.3f} (subclass), {metrics['class']['accuracy']:.3f} "
        f"(class); temperature {classifier.temperature:.3g}; wrote {folder}"
    )
    return 0


def _classify(args: argparse.Namespace) -> int:
    from .classifier.classify import classify
    from .classifier.trained import load_classifier
    from .io.readers import is_hats_catalog, read_light_curves, read_periods
    from .io.writers import check_output, write_table

    if is_hats_catalog(args.input):
        return _classify_catalog(args)
    if args.workers is not None or args.scheduler is not None:
        raise ValueError("--workers and --scheduler are for a HATS catalog input (a folder)")
    if args.periods is not None and args.period_col is None:
        raise ValueError("--periods needs --period-col, the column of periods in that table")
    output = check_output(args.output)
    classifier = load_classifier(args.model)
    light_curves = read_light_curves(args.input, band_map=args.band_map)
    periods = None
    if args.period_col is not None:
        periods = read_periods(args.periods or args.input, args.period_col)
    result = classify(
        light_curves,
        periods,
        classifier=classifier,
        bands=args.bands,
        priors=args.priors,
        ignore_colors=args.ignore_colors,
        batch_size=args.batch_size,
        progress=not args.no_progress,
    )
    write_table(result, output)
    n_flagged = int(result["class"].isna().sum())
    print(
        f"classified {len(result) - n_flagged} of {len(result)} objects "
        f"({n_flagged} flagged) with model {classifier.version}; wrote {output}"
    )
    sources = result["period_source"].value_counts()
    where = f" from {args.periods}" if args.periods is not None else ""
    print(
        f"periods: {sources.get('given', 0)} given{where}, {sources.get('found', 0)} "
        f"searched, {sources.get('none', 0)} without"
    )
    return 0


def _classify_catalog(args: argparse.Namespace) -> int:
    """``classify`` of a HATS catalog folder: Dask, partition by partition."""
    import lsdb

    from .classifier.catalog import classify_catalog, dask_client
    from .io.writers import (
        TABLE_SUFFIXES,
        check_hats_output,
        check_output,
        write_hats,
        write_table,
    )

    if args.periods is not None:
        raise ValueError(
            "--periods is for a table input: a HATS catalog's periods are a column of the "
            "catalog (--period-col)"
        )
    table_output = args.output.suffix in TABLE_SUFFIXES
    if table_output:  # the output is checked before any work
        check_output(args.output)
    else:
        check_hats_output(args.output)
    catalog = lsdb.open_catalog(args.input)
    result = classify_catalog(
        catalog,
        nested_column=args.nested_col,
        period_column=args.period_col,
        model=args.model,
        band_map=args.band_map,
        priors=args.priors,
        ignore_colors=args.ignore_colors,
        bands=args.bands,
        batch_size=args.batch_size,
    )
    with dask_client(args.workers, args.scheduler):
        if table_output:
            frame = result.compute()
            write_table(frame.reset_index(drop=True), args.output)
            n, n_flagged = len(frame), int(frame["class"].isna().sum())
        else:
            write_hats(result, args.output)
            written = lsdb.open_catalog(args.output, columns=["class"]).compute()
            n, n_flagged = len(written), int(written["class"].isna().sum())
    print(
        f"classified {n - n_flagged} of {n} objects ({n_flagged} flagged) of the HATS catalog "
        f"{args.input} in {catalog.npartitions} partitions; wrote {args.output}"
    )
    return 0


def _update(args: argparse.Namespace) -> int:
    """``update``: classify what is new or changed into the store; say what was done."""
    from .store import update

    report = update(
        args.input,
        args.store,
        period_column=args.period_col,
        periods=args.periods,
        classifier=args.model,
        band_map=args.band_map,
        bands=args.bands,
        priors=args.priors,
        ignore_colors=args.ignore_colors,
        batch_size=args.batch_size,
        nested_column=args.nested_col,
        workers=args.workers,
        scheduler=args.scheduler,
        recheck=args.recheck,
        progress=not args.no_progress,
    )
    print(report.summary())
    return 0


def _serve(args: argparse.Namespace) -> int:
    """``serve``: the dashboard as a web app, until interrupted."""
    from .ui import serve

    serve(
        args.store,
        light_curves=args.light_curves,
        port=args.port,
        address=args.address,
        allow_origins=args.allow_origin,
    )
    return 0


def _export(args: argparse.Namespace) -> int:
    """``export``: the store's latest results (or its history) as a table."""
    from .store import ClassificationStore

    store = ClassificationStore.open(args.store)
    frame = store.history() if args.history else store.latest()
    path = store.export(args.output, history=args.history)
    what = "classifications" if args.history else "objects"
    print(f"wrote {len(frame)} {what} from {args.store} to {path}")
    return 0


#: The function run by each subcommand.
_COMMANDS = {
    "demo": _demo,
    "simulate": _simulate,
    "train": _train,
    "classify": _classify,
    "update": _update,
    "serve": _serve,
    "export": _export,
}
