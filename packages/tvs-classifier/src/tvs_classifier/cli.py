"""The ``tvs-classifier`` command line.

Subcommands:

``demo --output DIR``
    Read the ZTF light curves bundled with the package, find their periods, and write
    a table of the periods and a figure of the folded light curves next to the images
    the classifier will see. No class is predicted yet: no trained model ships with
    this version, and the demo says so.

``simulate -n N -o OUTPUT.parquet [--seed S] [--years Y]``
    Simulate N labelled LSST light curves (RR Lyrae ab and c, constant stars; see
    `tvs_classifier.simulate`) and write them as one long Parquet table with the
    labels ``class, subclass, period`` on every row. The file is written whole or not
    at all; its metadata records the version, seed and survey length.
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
        help="simulate labelled LSST light curves (RR Lyrae ab, c and constant stars)",
    )
    simulate.add_argument("-n", type=int, required=True, help="number of light curves")
    simulate.add_argument("-o", "--output", type=Path, required=True, help="output Parquet file")
    simulate.add_argument("--seed", type=int, default=None, help="random seed")
    simulate.add_argument(
        "--years", type=float, default=10.0, help="survey length in years (default 10)"
    )
    return parser


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
    print(f"wrote periods.csv, folded_light_curves.png and summary.json to {output}")
    print(f"NOTE: {NO_MODEL_MESSAGE}.")
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
