"""The ``tvs-classifier``command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__

__all__ = ["main"]


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``tvs-classifier`` command."""
    parser = argparse.ArgumentParser(prog="tvs-classifier", description=__doc__)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="run the main job on the data bundled with the package")
    demo.add_argument("-o", "--output", type=Path, required=True, help="output folder")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``tvs-classifier`` command line; return the exit status.

    Examples
    --------
    >>> main(["--version"])  # doctest: +SKIP
    """
    args = build_parser().parse_args(argv)
    if args.command == "demo":
        print("tvs-classifier demo: nothing is built yet.", file=sys.stderr)
        return 0
    return 2
