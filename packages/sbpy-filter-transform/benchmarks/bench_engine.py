"""Benchmark the fast engine and the per-object slope path against synphot, in one run.

(a) N spectra (the Sun times linear reflectances of random slopes) x 6 LSST bands through
    `Engine.magnitudes`, against synphot ``Observation(sp, bp).effstim`` timed on a sample
    of the same spectra; prints the speed ratio and the largest disagreement.
(b) M magnitudes with a per-object slope through `transform` (ATLAS o -> LSST r), against
    the per-object synphot path (`offset` for each object) timed on a sample.

Usage::

    python bench_engine.py --json result.json [--spectra 10000] [--sample 10]
                           [--magnitudes 10000000] [--objects 5]

The default run takes well under a minute.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import synphot
from astropy import units as u

import sbpy_filter_transform
from sbpy_filter_transform.bandpasses import LSST_BANDS, get_bandpass
from sbpy_filter_transform.engine import Engine
from sbpy_filter_transform.spectra import reddened_sun
from sbpy_filter_transform.transform import offset, transform


def _best(func, repeat: int = 3) -> float:
    """Best wall time of ``repeat`` calls of ``func``, seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def bench_engine(n_spectra: int, n_sample: int, rng: np.random.Generator) -> dict:
    """Part (a): engine vs synphot effstim for N spectra x 6 LSST bands."""
    start = time.perf_counter()
    engine = Engine(LSST_BANDS, "AB")
    setup = time.perf_counter() - start
    slopes = rng.uniform(-5, 25, n_spectra)
    wave = engine.wavelength.to_value(u.nm)
    sun_flux = engine.sample(engine.solar)
    gradient = sun_flux * (wave - 550.0) / 100.0 / 100.0  # d flux / d slope, slope in %/100 nm

    def run_engine(chunk: int = 512) -> np.ndarray:
        out = np.empty((n_spectra, len(LSST_BANDS)))
        for first in range(0, n_spectra, chunk):
            block = slopes[first : first + chunk]
            flux = sun_flux + block[:, None] * gradient
            out[first : first + chunk] = engine.magnitudes(flux)
        return out

    t_engine = _best(run_engine)
    mags = run_engine()
    sample = rng.choice(n_spectra, size=n_sample, replace=False)
    bands = [get_bandpass(b) for b in LSST_BANDS]
    spectra = [reddened_sun(slopes[i]) for i in sample]
    start = time.perf_counter()
    reference = np.array(
        [[synphot.Observation(sp, bp).effstim(u.ABmag).value for bp in bands] for sp in spectra]
    )
    t_synphot_sample = time.perf_counter() - start
    per_call = t_synphot_sample / (n_sample * len(bands))
    t_synphot = per_call * n_spectra * len(bands)
    return {
        "spectra": n_spectra,
        "bands": len(bands),
        "grid_points": int(engine.wavelength.size),
        "engine_setup_s": setup,
        "engine_s": t_engine,
        "synphot_sample_pairs": n_sample * len(bands),
        "synphot_per_effstim_s": per_call,
        "synphot_extrapolated_s": t_synphot,
        "speedup": t_synphot / t_engine,
        "max_abs_diff_mag": float(np.abs(mags[sample] - reference).max()),
        "target": "speedup >= 1000 at <= 1e-4 mag (issue 3, item 10a)",
    }


def bench_transform(n_mags: int, n_objects: int, rng: np.random.Generator) -> dict:
    """Part (b): per-object slope transform vs the per-object synphot path."""
    mags = rng.uniform(14, 22, n_mags)
    slopes = rng.uniform(-5, 25, n_mags)
    transform(mags[:10], "ATLAS o", "LSST r", slope=slopes[:10])  # builds and caches engines
    t_fast = _best(lambda: transform(mags, "ATLAS o", "LSST r", slope=slopes), repeat=2)
    result = transform(mags, "ATLAS o", "LSST r", slope=slopes).value
    sample = rng.choice(n_mags, size=n_objects, replace=False)
    start = time.perf_counter()
    reference = np.array(
        [mags[i] + offset("ATLAS o", "LSST r", reddened_sun(slopes[i])).value for i in sample]
    )
    per_object = (time.perf_counter() - start) / n_objects
    return {
        "magnitudes": n_mags,
        "transform_s": t_fast,
        "magnitudes_per_s": n_mags / t_fast,
        "synphot_per_object_s": per_object,
        "synphot_extrapolated_s": per_object * n_mags,
        "speedup": per_object * n_mags / t_fast,
        "max_abs_diff_mag": float(np.abs(result[sample] - reference).max()),
        "target": ">= 1e7 magnitudes per second on one core (issue 3, item 10b)",
    }


def main(argv: list[str] | None = None) -> int:
    """Run both benchmarks, print a summary and write JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, required=True, help="output JSON file")
    parser.add_argument("--spectra", type=int, default=10_000)
    parser.add_argument("--sample", type=int, default=10, help="spectra timed with synphot")
    parser.add_argument("--magnitudes", type=int, default=10_000_000)
    parser.add_argument("--objects", type=int, default=5, help="objects timed with synphot")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    engine = bench_engine(args.spectra, args.sample, rng)
    print(
        f"(a) engine: {engine['spectra']} spectra x {engine['bands']} LSST bands in "
        f"{engine['engine_s']:.3f} s; synphot effstim {engine['synphot_per_effstim_s'] * 1e3:.2f} "
        f"ms/pair -> {engine['synphot_extrapolated_s']:.0f} s; ratio {engine['speedup']:.0f}x; "
        f"max |engine - synphot| = {engine['max_abs_diff_mag']:.2e} mag"
    )
    slope = bench_transform(args.magnitudes, args.objects, rng)
    print(
        f"(b) transform with per-object slope: {slope['magnitudes']} mags in "
        f"{slope['transform_s']:.3f} s ({slope['magnitudes_per_s']:.3g} mag/s); synphot "
        f"{slope['synphot_per_object_s'] * 1e3:.1f} ms/object; ratio {slope['speedup']:.3g}x; "
        f"max |diff| = {slope['max_abs_diff_mag']:.2e} mag"
    )
    payload = {
        "package": "sbpy-filter-transform",
        "version": sbpy_filter_transform.__version__,
        "python": sys.version.split()[0],
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "engine_vs_synphot": engine,
        "slope_transform_vs_synphot": slope,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(payload, indent=2))
    print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
