"""Speed of simulating LSST light curves, and of our period search against astropy's.

Two timings in one run, on 10-year LSST-cadence light curves of `tvs_classifier.simulation`:

* **Simulation**: light curves per second of `tvs_classifier.simulation.simulate` (all
  its classes, the six bands), with a per-object anchor measured in the same run: the
  same call made once per light curve (``n=1``), which is what a simple loop over
  stars would cost.
* **Period search**: seconds per light curve of `tvs_classifier.periods.find_periods`
  (the coarse periodogram, refinement of the 5 highest peaks, their Fourier
  comparison, the doubling test and the false-alarm probability) with the astropy
  backend and, where the optional nifty-ls is installed, the nifty-ls backend; against
  astropy's `~astropy.timeseries.LombScargleMultiband` (``method="fast"``, the highest
  peak) on the same frequency grid and the same RR Lyrae light curves. The ratio is
  anchor time over ours (above 1: ours is faster); the fraction recovered within 1 %
  is printed beside each, since ours does more work than the anchor.

Usage::

    python benchmarks/bench_simulate_periods.py [--n-sim 2000] [--n-periods 8] [--json out.json]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

import tvs_classifier
from tvs_classifier import find_periods, simulate

#: The period search of both: RR Lyrae and their first aliases fit inside it.
SEARCH = {"min_period": 0.1, "max_period": 2.0, "samples_per_peak": 5.0}
YEARS = 10


def astropy_periods(light_curves) -> tuple[np.ndarray, int]:
    """Highest peak of astropy's fast multiband periodogram per object; grid size."""
    from astropy.timeseries import LombScargleMultiband

    found = []
    for _, lc in light_curves:
        periodogram = LombScargleMultiband(
            lc["mjd"].to_numpy(), lc["mag"].to_numpy(), lc["band"].to_numpy(), lc["mag_err"]
        )
        frequency = periodogram.autofrequency(
            samples_per_peak=SEARCH["samples_per_peak"],
            minimum_frequency=1.0 / SEARCH["max_period"],
            maximum_frequency=1.0 / SEARCH["min_period"],
        )
        power = periodogram.power(frequency, method="fast", sb_method="fast")
        found.append(1.0 / frequency[int(np.nanargmax(power))])
    return np.asarray(found), frequency.size


def timed(function):
    """Result and wall time of one call."""
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-sim", type=int, default=2000, help="light curves simulated")
    parser.add_argument("--n-anchor-sim", type=int, default=50, help="one-by-one simulations")
    parser.add_argument("--n-periods", type=int, default=8, help="light curves searched")
    parser.add_argument("--json", type=Path, help="write the figures here as JSON")
    args = parser.parse_args(argv)

    simulate(10, seed=0, years=YEARS)  # warm caches (templates, imports) for both timings
    _, sim_time = timed(lambda: simulate(args.n_sim, seed=1, years=YEARS))
    _, loop_time = timed(
        lambda: [simulate(1, seed=k, years=YEARS) for k in range(args.n_anchor_sim)]
    )
    sim_rate, loop_rate = args.n_sim / sim_time, args.n_anchor_sim / loop_time

    light_curves, labels = simulate(args.n_periods, ["RRab", "RRc"], seed=2, years=YEARS)
    truth = labels["period"].to_numpy()
    n_points = float(np.mean(light_curves.n_points))
    find_periods(light_curves.select([0]), progress=False, backend="astropy", **SEARCH)  # imports

    def recovered(periods: np.ndarray) -> float:
        return float(np.mean(np.abs(np.asarray(periods) / truth - 1) < 0.01))

    (anchor_periods, grid_size), anchor_time = timed(lambda: astropy_periods(light_curves))
    searches = {}
    backends = ["astropy"] + (["nifty-ls"] if importlib.util.find_spec("nifty_ls") else [])
    for backend in backends:
        found, seconds = timed(
            lambda backend=backend: find_periods(
                light_curves, progress=False, backend=backend, **SEARCH
            )
        )
        searches[backend] = {
            "s_per_light_curve": seconds / args.n_periods,
            "recovered_1pc": recovered(found["period"]),
            "ratio_vs_astropy_multiband": anchor_time / seconds,
        }
    anchor_per = anchor_time / args.n_periods

    result = {
        "benchmark": "simulate + period search, 10-year LSST cadence, u g r i z y",
        "tvs_classifier_version": tvs_classifier.__version__,
        "simulate_light_curves_per_s": sim_rate,
        "simulate_n": args.n_sim,
        "simulate_one_by_one_light_curves_per_s": loop_rate,
        "simulate_ratio": sim_rate / loop_rate,
        "period_light_curves": args.n_periods,
        "period_mean_points_per_light_curve": n_points,
        "period_frequency_grid": int(grid_size),
        "period_search": SEARCH,
        "astropy_multiband_s_per_light_curve": anchor_per,
        "astropy_multiband_recovered_1pc": recovered(anchor_periods),
        "find_periods": searches,
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "astropy": importlib.metadata.version("astropy"),
        "nifty_ls": importlib.metadata.version("nifty-ls") if "nifty-ls" in searches else None,
    }
    print(
        f"simulate: {sim_rate:,.0f} light curves/s ({args.n_sim} in {sim_time:.1f} s); "
        f"one by one: {loop_rate:,.1f}/s; ratio {sim_rate / loop_rate:,.0f}x"
    )
    print(
        f"period search, {args.n_periods} RR Lyrae, {n_points:.0f} points, "
        f"{grid_size:,} frequencies: astropy LombScargleMultiband {anchor_per:.2f} s each "
        f"(recovered {recovered(anchor_periods):.0%})"
    )
    for backend, figures in searches.items():
        print(
            f"  find_periods backend={backend}: {figures['s_per_light_curve']:.2f} s each "
            f"(recovered {figures['recovered_1pc']:.0%}); "
            f"ratio {figures['ratio_vs_astropy_multiband']:.2f}x"
        )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
