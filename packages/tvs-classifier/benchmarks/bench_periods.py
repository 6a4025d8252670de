"""Survey-scale period search: light curves per second of `find_periods` against astropy's.

On ``--n`` simulated RR Lyrae (RRab and RRc, `tvs_classifier.simulate`) with ten years
of LSST cadence in the six bands u g r i z y, one run times:

* **find_periods**: `tvs_classifier.periods.find_periods` with its default
  ``workers`` (every usable core, one light curve per thread): the coarse multiband
  periodogram (with nifty-ls: one batched transform over a light curve's bands), the
  refinement of the 5 highest peaks, their Fourier comparison, the doubling test and
  the false-alarm probability;
* the same with ``workers=1`` (one light curve after the other), to show what the
  threads add;
* **the anchor**: astropy's `~astropy.timeseries.LombScargleMultiband` per light curve
  (``method="fast"``, ``sb_method="fast"``, the highest peak) on the same frequency
  grid, on the first ``--n-anchor`` light curves (at about 4 s each, all of them would
  take most of the run).

It prints light curves per second of each, the ratio of ours to the anchor (above 1:
ours is faster), and the fraction of periods within 1 % of the true one, for ours on
all light curves and, beside the anchor's, on the anchor's subset. Ours does more work
than the anchor (which is only the coarse periodogram), and recovers more.

Usage::

    python benchmarks/bench_periods.py [--n 200] [--n-anchor 20] [--workers N] [--json out.json]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import os
import platform
from pathlib import Path

import numpy as np
from bench_simulate_periods import SEARCH, YEARS, astropy_periods, timed

import tvs_classifier
from tvs_classifier import find_periods, simulate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="light curves searched")
    parser.add_argument("--n-anchor", type=int, default=20, help="of them, searched by the anchor")
    parser.add_argument("--workers", type=int, help="find_periods workers (default: all cores)")
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--json", type=Path, help="write the figures here as JSON")
    args = parser.parse_args(argv)
    if not 1 <= args.n_anchor <= args.n:
        parser.error("--n-anchor must be between 1 and --n")

    light_curves, labels = simulate(args.n, ["RRab", "RRc"], seed=args.seed, years=YEARS)
    truth = labels["period"].to_numpy()
    anchor_set = light_curves.select(list(range(args.n_anchor)))
    find_periods(anchor_set.select([0]), progress=False, **SEARCH)  # imports, first calls

    def recovered(periods) -> float:
        periods = np.asarray(periods, dtype=float)
        return float(np.mean(np.abs(periods / truth[: periods.size] - 1) < 0.01))

    found, seconds = timed(
        lambda: find_periods(light_curves, progress=False, workers=args.workers, **SEARCH)
    )
    serial, serial_seconds = timed(
        lambda: find_periods(anchor_set, progress=False, workers=1, **SEARCH)
    )
    anchor, anchor_seconds = timed(lambda: astropy_periods(anchor_set)[0])
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    rate = args.n / seconds
    serial_rate = args.n_anchor / serial_seconds
    anchor_rate = args.n_anchor / anchor_seconds
    periods = found["period"].to_numpy()
    same = np.allclose(serial["period"], periods[: args.n_anchor], rtol=1e-9)

    result = {
        "benchmark": "find_periods on 10-year six-band LSST light curves vs astropy per light curve",
        "tvs_classifier_version": tvs_classifier.__version__,
        "light_curves": args.n,
        "anchor_light_curves": args.n_anchor,
        "mean_points_per_light_curve": float(np.mean(light_curves.n_points)),
        "search": SEARCH,
        "workers": args.workers or cores,
        "find_periods_light_curves_per_s": rate,
        "find_periods_workers_1_light_curves_per_s": serial_rate,
        "astropy_multiband_light_curves_per_s": anchor_rate,
        "ratio_vs_astropy_multiband": rate / anchor_rate,
        "find_periods_recovered_1pc": recovered(periods),
        "find_periods_recovered_1pc_anchor_subset": recovered(periods[: args.n_anchor]),
        "astropy_multiband_recovered_1pc": recovered(anchor),
        "workers_1_same_periods": bool(same),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "astropy": importlib.metadata.version("astropy"),
        "nifty_ls": (
            importlib.metadata.version("nifty-ls")
            if importlib.util.find_spec("nifty_ls")
            else None
        ),
    }
    print(
        f"{args.n} light curves, {result['mean_points_per_light_curve']:.0f} points each, "
        f"{result['workers']} workers, nifty-ls {result['nifty_ls']}"
    )
    print(
        f"find_periods: {rate:.1f} light curves/s (recovered {recovered(periods):.1%}; "
        f"on the anchor's {args.n_anchor}: {recovered(periods[: args.n_anchor]):.1%})"
    )
    print(
        f"find_periods workers=1: {serial_rate:.1f} light curves/s "
        f"(same periods: {'yes' if same else 'NO'})"
    )
    print(
        f"astropy LombScargleMultiband per light curve: {anchor_rate:.2f} light curves/s "
        f"(recovered {recovered(anchor):.1%} of {args.n_anchor})"
    )
    print(f"ratio: {rate / anchor_rate:.1f}x")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
