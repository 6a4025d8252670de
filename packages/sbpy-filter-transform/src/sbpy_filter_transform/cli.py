"""The ``sbpy-filter-transform`` command line.

``demo`` converts a bundled illustrative table of ATLAS o magnitudes to the six LSST bands
and draws the offsets against spectral slope. ``convert`` converts a CSV, ECSV or Parquet
table of magnitudes from one band to others.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from astropy import units as u
from astropy.table import QTable, Table

from . import __version__
from ._data import data_path
from ._output import write_atomic
from .bandpasses import LSST_BANDS
from .spectra import SLOPE_UNIT
from .transform import to_lsst, transform_table

__all__ = ["build_parser", "demo", "main"]

_FORMATS = {".csv": "ascii.csv", ".ecsv": "ascii.ecsv", ".parquet": "parquet"}


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``sbpy-filter-transform`` command.

    Examples
    --------
    >>> build_parser().parse_args(["demo", "--output", "out"]).command
    'demo'
    """
    parser = argparse.ArgumentParser(prog="sbpy-filter-transform", description=__doc__)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="convert the bundled ATLAS sample to LSST; draw a figure")
    demo.add_argument("-o", "--output", type=Path, required=True, help="output folder")
    conv = sub.add_parser("convert", help="convert a table of magnitudes between bands")
    conv.add_argument("input", type=Path, help="CSV, ECSV or Parquet table")
    conv.add_argument("-o", "--output", type=Path, required=True, help="output table")
    conv.add_argument("--from", dest="from_band", help="input band, e.g. 'ATLAS o'")
    conv.add_argument("--filter-col", help="per-row input band column (instead of --from)")
    conv.add_argument("--to", required=True, help="output band(s), comma-separated, or 'LSST'")
    conv.add_argument("--spectrum", default="sun", help="e.g. sun, slope:10, busdemeo:S")
    conv.add_argument("--mag-col", default="mag", help="magnitude column (default: mag)")
    conv.add_argument("--err-col", help="magnitude uncertainty column")
    per_row = conv.add_mutually_exclusive_group()
    per_row.add_argument("--slope-col", help="per-row spectral slope column (%%/100 nm)")
    per_row.add_argument("--class-col", help="per-row Bus-DeMeo class column")
    conv.add_argument(
        "--extension", choices=["linear", "constant"], help="blue extension of Bus-DeMeo means"
    )
    conv.add_argument("--system", default="AB", help="magnitude system: AB, ST, Vega, JM")
    conv.add_argument("--overwrite", action="store_true", help="replace an existing output")
    return parser


def _write_table(table: Table, path: Path) -> None:
    """Write ``table`` atomically in the format its suffix names."""
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(f"output {path.name}: unknown format; use {', '.join(_FORMATS)}")
    write_atomic(path, lambda tmp: table.write(tmp, format=fmt, overwrite=True))


def _read(path: Path) -> QTable:
    """Read an input table, naming the fix if the format is unknown or the file missing."""
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(f"input {path.name}: unknown format; use {', '.join(_FORMATS)}")
    if not path.is_file():
        raise FileNotFoundError(f"input {path} does not exist; check the path")
    return QTable.read(path, format=fmt, **({"comment": "#"} if fmt == "ascii.csv" else {}))


def _convert(args: argparse.Namespace) -> Path:
    """Run ``convert``; return the output path."""
    if args.output.exists() and not args.overwrite:
        raise FileExistsError(f"{args.output} exists; pass --overwrite to replace it")
    table = transform_table(
        _read(args.input),
        list(LSST_BANDS) if args.to.strip().upper() == "LSST" else args.to.split(","),
        args.spectrum,
        from_band=args.from_band,
        mag_col=args.mag_col,
        err_col=args.err_col,
        filter_col=args.filter_col,
        slope_col=args.slope_col,
        class_col=args.class_col,
        extension=args.extension,
        system=args.system,
    )
    table.meta["software"] = f"sbpy-filter-transform {__version__}"
    _write_table(table, args.output)
    return args.output


def demo(output: Path) -> list[Path]:
    """Convert the bundled illustrative ATLAS sample to LSST; return the files written.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     [p.name for p in demo(Path(folder))]
    ['atlas_sample_lsst.ecsv', 'offsets_vs_slope.png']
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .plotting import plot_offsets_vs_slope

    sample = QTable.read(data_path("atlas_sample.csv"), format="ascii.csv", comment="#")
    slopes = np.asarray(sample["slope"], dtype=float)
    table = to_lsst(
        np.asarray(sample["o_mag"], dtype=float),
        "ATLAS o",
        "sun",
        slope=slopes * SLOPE_UNIT,
        mag_err=np.asarray(sample["o_err"], dtype=float),
    )
    table.add_column(sample["object"], index=0)
    table.add_column(sample["kind"], index=1)
    table.meta["input"] = "bundled atlas_sample.csv (ILLUSTRATIVE, NOT OBSERVED)"
    output.mkdir(parents=True, exist_ok=True)
    table_path = output / "atlas_sample_lsst.ecsv"
    _write_table(table, table_path)
    offsets = {b: (table[b.replace(" ", "_")].value - table["mag"].value) for b in LSST_BANDS}
    fig = plot_offsets_vs_slope("ATLAS o", points=(slopes, offsets))
    fig.axes[0].text(
        0.99,
        0.02,
        "points: bundled ILLUSTRATIVE sample (not observed)",
        ha="right",
        va="bottom",
        fontsize="x-small",
        transform=fig.axes[0].transAxes,
    )
    figure_path = output / "offsets_vs_slope.png"
    write_atomic(figure_path, lambda tmp: fig.savefig(tmp, dpi=120, format="png"))
    plt.close(fig)
    return [table_path, figure_path]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``sbpy-filter-transform`` command line; return the exit status.

    Bad input gives one readable line on standard error and exit status 1.

    Examples
    --------
    >>> main(["convert", "missing.csv", "-o", "out.csv", "--from", "ATLAS o", "--to", "LSST r"])
    1
    """
    args = build_parser().parse_args(argv)
    try:
        if args.command == "demo":
            for path in demo(args.output):
                print(f"wrote {path}")
            return 0
        print(f"wrote {_convert(args)}")
        return 0
    except (ValueError, KeyError, OSError, u.UnitsError) as err:
        message = err.args[0] if isinstance(err, KeyError) and err.args else err
        print(f"sbpy-filter-transform {args.command}: error: {message}", file=sys.stderr)
        return 1
