"""The sbpy drop-in of sbpy_filter_transform.calib against sbpy 0.6 itself, in one run.

(a) Colours of the Sun reddened by N spectral slopes (default 100,000; ``--slopes``) in
    two bandpasses: ``Sun.from_default().redden(S).color_index(bands, ABmag)`` with the
    drop-in, all slopes in one call, against sbpy's own path, one slope at a time, timed
    on ``--sample`` slopes and scaled to N; the largest difference in colour and in
    effective wavelength over the sample.
(b) ``Sun.from_default()``: the drop-in keeps the spectrum, sbpy reads its file on
    every call.

The target of issue 15 is a speed-up of at least 100 at 10^5 rows, equal to 1e-10.
Run ``python bench_sbpy_calib.py --json out.json``; the numbers are printed and written.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
import timeit
import warnings

import astropy.units as u
import numpy as np
from sbpy.calib import Sun as SbpySun
from sbpy.photometry import bandpass
from sbpy.spectroscopy import SpectralGradient

import sbpy_filter_transform
from sbpy_filter_transform.calib import Sun

#: Issue 15: each drop-in at least 100x sbpy at 10^5 rows, equal to 1e-10.
TARGETS = {"speedup": 100, "max_diff_mag": 1e-10}
SLOPE_UNIT = u.percent / (100 * u.nm)
WAVE0 = 550 * u.nm


def bench_colors(n_slopes: int, n_sample: int, bands) -> dict:
    """Part (a): reddened-Sun colours, all slopes at once against sbpy per slope."""
    values = np.random.default_rng(0).uniform(-5.0, 25.0, n_slopes)
    slopes = SpectralGradient(values * SLOPE_UNIT, wave0=WAVE0)

    def ours():
        return Sun.from_default().redden(slopes).color_index(bands, u.ABmag)

    wave, color = ours()
    seconds = min(timeit.repeat(ours, number=1, repeat=3))
    start = time.perf_counter()
    reference = [
        SbpySun.from_default()
        .redden(SpectralGradient(v * SLOPE_UNIT, wave0=WAVE0))
        .color_index(bands, u.ABmag)
        for v in values[:n_sample]
    ]
    sbpy_seconds = (time.perf_counter() - start) * n_slopes / n_sample
    ref_color = np.array([r[1].value for r in reference])
    ref_wave = np.array([r[0].to_value(u.AA) for r in reference]).T
    return {
        "slopes": n_slopes,
        "seconds": seconds,
        "sbpy_seconds": sbpy_seconds,
        "sbpy_sample": n_sample,
        "speedup": sbpy_seconds / seconds,
        "max_diff_mag": float(np.max(np.abs(color.value[:n_sample] - ref_color))),
        "max_rel_diff_wave": float(
            np.max(np.abs(wave.to_value(u.AA)[:, :n_sample] / ref_wave - 1.0))
        ),
    }


def bench_default(repeat: int = 5) -> dict:
    """Part (b): the kept default solar spectrum against sbpy's read per call."""
    Sun.from_default()
    ours = min(timeit.repeat(Sun.from_default, number=1, repeat=repeat))
    theirs = min(timeit.repeat(SbpySun.from_default, number=1, repeat=repeat))
    return {"seconds": ours, "sbpy_seconds": theirs, "speedup": theirs / ours}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slopes", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=20, help="slopes sbpy runs one at a time")
    parser.add_argument(
        "--bands", nargs=2, default=["SDSS g", "SDSS r"], help="sbpy bandpass names"
    )
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args(argv)
    bands = tuple(bandpass(name) for name in args.bands)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        colors = bench_colors(args.slopes, min(args.sample, args.slopes), bands)
        default = bench_default()
    print(
        f"reddened-Sun colours ({' - '.join(args.bands)}), {colors['slopes']:,} slopes: "
        f"{colors['seconds'] * 1e3:.1f} ms; sbpy {colors['sbpy_seconds']:,.0f} s (one slope at a "
        f"time on {colors['sbpy_sample']}, scaled): ratio {colors['speedup']:,.0f}; max |diff| "
        f"{colors['max_diff_mag']:.1e} mag, effective wavelength {colors['max_rel_diff_wave']:.1e} "
        f"(relative) (targets {TARGETS['speedup']}x, {TARGETS['max_diff_mag']:g})"
    )
    print(
        f"Sun.from_default(): {default['seconds'] * 1e6:.1f} us; sbpy "
        f"{default['sbpy_seconds'] * 1e3:.1f} ms: ratio {default['speedup']:,.0f}"
    )
    if args.json:
        report = {
            "machine": {"platform": platform.platform(), "cpus": os.cpu_count()},
            "sbpy_filter_transform": sbpy_filter_transform.__version__,
            "bands": args.bands,
            "reddened_colors": colors,
            "from_default": default,
            "targets": TARGETS,
        }
        with open(args.json, "w") as handle:
            json.dump(report, handle, indent=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
