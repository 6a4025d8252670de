"""The ``sbpy-phasefit`` command line: fit phase functions to tables, or run the demo.

``sbpy-phasefit fit INPUT -o OUTPUT --model HG12 --id-col ID --phase-col ALPHA
--mag-col MAG [--err-col ERR] [--rh-col R --delta-col DELTA] [--band-col BAND
[--shared-shape]]`` fits every object (each band on its own, or with
``--shared-shape`` one shape and an H per band) of a CSV or Parquet table and writes
the result table (ECSV, CSV, Parquet or FITS, by suffix), with the fit flags as a bit
mask (``flags``) and as names (``flag_names``, e.g. ``converged;at_bound``). With
``--rh-col`` and ``--delta-col`` the magnitudes are apparent and are reduced to 1 au
first; ``--rubin`` reads a Rubin DiaSource + SSSource table by its own column names
(`sbpy_phasefit.rubin`). ``sbpy-phasefit demo --output DIR`` fits the bundled Carbognani et al.
(2019) phase curves and writes result tables and a figure into ``DIR``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import astropy.units as u
import numpy as np
from astropy.table import QTable, Table

from . import __version__
from ._output import write_atomic
from ._validate import as_numbers
from .fit import fit_phase_curves
from .models import MODELS
from .results import flag_names, param_names
from .rubin import fit_rubin
from .spin import SHG1G2, fit_shg1g2

__all__ = ["build_parser", "main"]

#: Models fitted by the demo, in this order.
DEMO_MODELS = ("HG", "HG12", "HG12PEN16", "HG1G2")
_READ_FORMATS = {".csv": "ascii.csv", ".parquet": "parquet", ".pq": "parquet"}
_WRITE_FORMATS = {
    ".ecsv": "ascii.ecsv",
    ".csv": "ascii.csv",
    ".parquet": "parquet",
    ".fits": "fits",
}


class CommandError(Exception):
    """A problem the user can fix; reported as one line and exit status 1."""


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``sbpy-phasefit`` command.

    Examples
    --------
    >>> build_parser().parse_args(["demo", "--output", "out"]).command
    'demo'
    """
    parser = argparse.ArgumentParser(
        prog="sbpy-phasefit", description=__doc__.split("\n\n")[0].strip()
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="fit the phase curves bundled with the package")
    demo.add_argument("-o", "--output", type=Path, required=True, help="output folder")

    fit = sub.add_parser("fit", help="fit a phase function to every object of a table")
    fit.add_argument("input", type=Path, help="CSV or Parquet table, one row per observation")
    fit.add_argument("-o", "--output", type=Path, required=True,
                     help="result table (.ecsv, .csv, .parquet or .fits)")  # fmt: skip
    fit.add_argument("--model", default="HG12", type=str.upper,
                     choices=sorted([*MODELS, SHG1G2.name]),
                     help="phase function (SHG1G2 needs --ra-col and --dec-col)")  # fmt: skip
    fit.add_argument("--rubin", action="store_true",
                     help="INPUT is Rubin's DiaSource joined with SSSource (DP1, LSSTCam, "
                          "alert database or DP0.3 names): apparent fluxes or magnitudes, "
                          "distances (and ra, dec for SHG1G2) are read from their columns, "
                          "every band fitted")  # fmt: skip
    fit.add_argument("--id-col", help="column of object ids (not with --rubin)")
    fit.add_argument("--phase-col", help="column of phase angles (deg)")
    fit.add_argument("--mag-col",
                     help="column of reduced magnitudes, or of apparent ones with --rh-col "
                          "and --delta-col")  # fmt: skip
    fit.add_argument("--err-col", help="column of magnitude errors (unweighted fit without)")
    fit.add_argument("--rh-col", help="column of heliocentric distances (au): --mag-col is "
                                      "apparent and is reduced to 1 au")  # fmt: skip
    fit.add_argument("--delta-col", help="column of observer distances (au), with --rh-col")
    fit.add_argument("--ra-col", help="with --model SHG1G2: column of the target's RA (deg)")
    fit.add_argument("--dec-col", help="with --model SHG1G2: column of the target's Dec (deg)")
    fit.add_argument("--band-col",
                     help="column of band names: each band is fitted on its own")  # fmt: skip
    fit.add_argument("--shared-shape", action="store_true",
                     help="with --band-col: one shape per object, an H per band")  # fmt: skip
    fit.add_argument("--error-floor", type=float, default=0.0,
                     help="added in quadrature to the errors (mag)")  # fmt: skip
    fit.add_argument("--invalid", choices=("raise", "flag"), default="raise",
                     help="unusable rows: stop with an error (default) or skip and flag them")  # fmt: skip
    fit.add_argument("--loss", default="linear", choices=("linear", "soft_l1", "huber", "cauchy"),
                     help="robust loss of the first fit")  # fmt: skip
    fit.add_argument("--f-scale", type=float, default=1.0,
                     help="residual (in sigma) where the robust loss turns")  # fmt: skip
    fit.add_argument("--clip", type=float, default=None,
                     help="clip points beyond this many sigma, then refit")  # fmt: skip
    fit.add_argument("--threads", type=int, default=None, help="OpenMP threads (default: all)")
    fit.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    fit.add_argument("--overwrite", action="store_true", help="replace an existing OUTPUT")
    return parser


def _flat_covariance(table: QTable) -> QTable:
    """Replace the covariance column by one column per pair (for flat formats)."""
    out = table.copy()
    names = param_names(table)
    cov = np.asarray(out["covariance"])
    del out["covariance"]
    position = out.colnames.index("chi2")
    for i, a in enumerate(names):
        for j in range(i, len(names)):
            out.add_column(cov[:, i, j], name=f"cov_{a}_{names[j]}", index=position)
            position += 1
    return out


def _column(
    data: Table, name: str | None, source: Path, *, numeric: bool = False
) -> np.ndarray | None:
    """A column of the input table as a plain array, with a readable error if missing.

    A ``numeric`` column comes as float64 (empty cells as NaN); a value that is not a
    number is an error naming the column and the row.
    """
    if name is None:
        return None
    if name not in data.colnames:
        raise CommandError(
            f"column {name!r} not in {source} (columns: {', '.join(data.colnames)})"
        )
    column = data[name]
    if numeric:
        return as_numbers(column, name, column=True)
    if getattr(column, "mask", None) is not None and np.any(column.mask):
        column = column.filled(np.nan) if column.dtype.kind == "f" else column.filled()
    return np.asarray(column)


def _read_table(path: Path) -> Table:
    """Read a CSV (astropy) or Parquet (pyarrow, no pandas needed) table."""
    if _READ_FORMATS[path.suffix.lower()] != "parquet":
        return Table.read(path, format="ascii.csv")
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise CommandError(
            "reading Parquet needs pyarrow: pip install 'sbpy-phasefit[parquet]'"
        ) from None
    arrow = pq.read_table(path)
    columns = {}
    for name in arrow.column_names:
        values = arrow.column(name).to_numpy(zero_copy_only=False)
        if values.dtype == object:  # strings come as Python objects
            values = np.asarray([str(v) for v in values])
        columns[name] = values
    return Table(columns)


def _run_fit(args: argparse.Namespace) -> Path:
    """The ``fit`` subcommand; returns the path written."""
    suffix = args.input.suffix.lower()
    if suffix not in _READ_FORMATS:
        raise CommandError(f"cannot read {args.input}: use a .csv or .parquet file")
    out_format = _WRITE_FORMATS.get(args.output.suffix.lower())
    if out_format is None:
        raise CommandError(f"cannot write {args.output}: use .ecsv, .csv, .parquet or .fits")
    if args.output.exists() and not args.overwrite:
        raise CommandError(f"{args.output} exists; pass --overwrite to replace it")
    if not args.input.is_file():
        raise CommandError(f"input file {args.input} not found")
    data = _read_table(args.input)
    options = {
        "shared_shape": args.shared_shape, "model": args.model,
        "error_floor": args.error_floor, "invalid": args.invalid, "loss": args.loss,
        "f_scale": args.f_scale, "clip": args.clip, "n_threads": args.threads,
        "progress": not args.no_progress,
    }  # fmt: skip
    if args.rubin:
        given = [f"--{n.replace('_', '-')}" for n in _COLUMN_OPTIONS if getattr(args, n)]
        if given:
            raise CommandError(f"--rubin reads Rubin's column names: leave out {', '.join(given)}")
        if args.model == SHG1G2.name:
            options = _spin_options(args, options)
        table = fit_rubin(data, **options)
    else:
        table = _fit_columns(data, args, options)
    table.meta["input"] = str(args.input)
    position = table.colnames.index("flags") + 1
    table.add_column(flag_names(table["flags"]), name="flag_names", index=position)
    if out_format != "ascii.ecsv":
        table = _flat_covariance(table)
        if out_format == "fits":
            table.meta = {k: v for k, v in table.meta.items() if isinstance(v, str | int | float)}
    write_atomic(args.output, lambda tmp: table.write(tmp, format=out_format, overwrite=True))
    return args.output


#: Column options of ``fit`` (attribute names), which ``--rubin`` replaces.
_COLUMN_OPTIONS = (
    "id_col", "phase_col", "mag_col", "err_col", "rh_col", "delta_col", "band_col", "ra_col",
    "dec_col",
)  # fmt: skip


def _fit_columns(data: Table, args: argparse.Namespace, options: dict) -> QTable:
    """`fit_phase_curves` of the columns named on the command line."""
    missing = [f"--{name}" for name in ("id-col", "phase-col", "mag-col")
               if getattr(args, name.replace("-", "_")) is None]  # fmt: skip
    if missing:
        raise CommandError(f"give {', '.join(missing)} (or --rubin for Rubin's tables)")
    if (args.rh_col is None) != (args.delta_col is None):
        raise CommandError("--rh-col and --delta-col go together (apparent magnitudes)")
    ids = _column(data, args.id_col, args.input)
    phase = _column(data, args.phase_col, args.input, numeric=True)
    mag = _column(data, args.mag_col, args.input, numeric=True)
    err = _column(data, args.err_col, args.input, numeric=True)
    rh = _column(data, args.rh_col, args.input, numeric=True)
    delta = _column(data, args.delta_col, args.input, numeric=True)
    if args.shared_shape and args.band_col is None:
        raise CommandError("--shared-shape needs --band-col: the column of band names")
    bands = _column(data, args.band_col, args.input)
    if bands is not None and np.ma.is_masked(data[args.band_col]):
        raise CommandError(f"column {args.band_col!r} of {args.input} has empty band names")
    spin = args.model == SHG1G2.name
    if spin != (args.ra_col is not None and args.dec_col is not None) or (
        (args.ra_col is None) != (args.dec_col is None)
    ):
        raise CommandError("--model SHG1G2 needs --ra-col and --dec-col, and only it takes them")
    if spin:
        ra = _column(data, args.ra_col, args.input, numeric=True)
        dec = _column(data, args.dec_col, args.input, numeric=True)
        options = _spin_options(args, options)
        del options["model"]
        return fit_shg1g2(
            phase * u.deg, mag * u.mag, ids, None if err is None else err * u.mag,
            ra=ra * u.deg, dec=dec * u.deg, bands=bands,
            rh=None if rh is None else rh * u.au, delta=None if delta is None else delta * u.au,
            **options,
        )  # fmt: skip
    return fit_phase_curves(
        phase * u.deg, mag * u.mag, ids, None if err is None else err * u.mag,
        rh=None if rh is None else rh * u.au, delta=None if delta is None else delta * u.au,
        bands=bands, **options,
    )  # fmt: skip


def _spin_options(args: argparse.Namespace, options: dict) -> dict:
    """The options of an sHG1G2 fit: those of the other models less ``shared_shape``."""
    if args.shared_shape:
        raise CommandError("SHG1G2 has its own G1 and G2 per band: leave out --shared-shape")
    return {k: v for k, v in options.items() if k != "shared_shape"}


def _run_demo(output: Path) -> list[Path]:
    """The ``demo`` subcommand: fit the bundled phase curves; returns the paths written."""
    from .datasets import load_carbognani2019

    data = load_carbognani2019()
    written = []
    fits = {}
    for name in DEMO_MODELS:
        fits[name] = fit_phase_curves(data["alpha"], data["v"], data["id"], model=name)
        fits[name].meta["data"] = data.meta["source"]
        path = output / f"carbognani2019_{name}.ecsv"
        write_atomic(
            path, lambda tmp, t=fits[name]: t.write(tmp, format="ascii.ecsv", overwrite=True)
        )
        written.append(path)
    try:
        import matplotlib

        matplotlib.use("Agg")
    except ImportError:
        print(
            "sbpy-phasefit demo: matplotlib is not installed, so no figure was drawn "
            "(pip install 'sbpy-phasefit[plot]')",
            file=sys.stderr,
        )
        return written
    from .plotting import plot_fits

    fig = plot_fits(fits["HG12"], data["alpha"], data["v"], data["id"],
                    title="Carbognani et al. (2019) asteroids: H, G12 fits")  # fmt: skip
    path = output / "carbognani2019_HG12.png"
    write_atomic(path, lambda tmp: fig.savefig(tmp, dpi=120, format="png"))
    written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``sbpy-phasefit`` command line; return the exit status.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:  # doctest: +ELLIPSIS
    ...     main(["demo", "--output", tmp])
    wrote .../carbognani2019_HG.ecsv
    ...
    0
    """
    args = build_parser().parse_args(argv)
    try:
        if args.command == "demo":
            for path in _run_demo(args.output):
                print(f"wrote {path}")
        else:
            path = _run_fit(args)
            print(f"wrote {path}")
    except (CommandError, ValueError, TypeError, KeyError, OSError, u.UnitsError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"sbpy-phasefit: error: {message}", file=sys.stderr)
        return 1
    return 0
