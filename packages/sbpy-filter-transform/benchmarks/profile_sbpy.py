"""Where sbpy 0.6 spends its time on LSST-sized inputs (issue 15, item 4).

For each call a Rubin user makes for small-body photometry (phase-function models,
``sbpy.data`` tables, unit equivalencies, the solar spectrum, spectral slopes), on
10^4, 10^5 and 10^6 rows, the script times sbpy and, with ``cProfile`` at 10^5 rows,
names the functions that take the time. Calls that sbpy can only make one object at a
time are timed on a sample and scaled to the row count (marked ``per object``).

Run ``python profile_sbpy.py [--rows 10000 100000 1000000] [--json out.json]``; it
prints the table that ``docs/sbpy-at-scale.rst`` quotes.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import platform
import pstats
import time
import timeit
import warnings
from collections.abc import Callable
from typing import NamedTuple

import astropy.units as u
import numpy as np
from astropy.modeling.fitting import SLSQPLSQFitter
from astropy.time import Time
from sbpy.calib import Sun
from sbpy.data import Ephem, Obs
from sbpy.photometry import HG, HG1G2, HG12, bandpass
from sbpy.spectroscopy import SpectralGradient
from sbpy.units import VEGAmag, reflectance, spectral_density_vega

#: Points per object where a call works object by object (a phase curve).
POINTS_PER_OBJECT = 50
PER_CENT_SLOPE = u.percent / (100 * u.nm)


class Case(NamedTuple):
    """One sbpy call: ``make(rows)`` returns ``(callable, units it handles)``."""

    topic: str
    call: str
    make: Callable[[int], tuple[Callable[[], object], int]]
    per_object: bool = False


def _columns(rows: int, seed: int = 1) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "alpha": rng.uniform(0.0, np.deg2rad(40.0), rows),
        "H": rng.uniform(12.0, 22.0, rows),
        "G": rng.uniform(0.0, 0.8, rows),
        "G2": rng.uniform(0.0, 0.3, rows),
        "r": rng.uniform(1.5, 4.0, rows),
        "delta": rng.uniform(0.5, 3.5, rows),
        "color": rng.normal(0.1, 0.05, rows),
        "radius": rng.uniform(0.5, 10.0, rows),
    }


def _hg12_rows(rows):
    c = _columns(min(rows, 2000))
    n = c["H"].size

    def run():
        return [HG12.evaluate(c["alpha"][i], c["H"][i], c["G"][i]) for i in range(n)]

    return run, n


def _from_obs(rows):
    n_obj = min(rows // POINTS_PER_OBJECT, 40)
    c = _columns(n_obj * POINTS_PER_OBJECT)
    mag = HG1G2.evaluate(c["alpha"], 15.0, 0.4, 0.2)
    tables = [
        Obs.from_dict(
            {
                "alpha": c["alpha"][k::n_obj] * u.rad,
                "mag": mag[k::n_obj] * u.mag,
            }
        )
        for k in range(n_obj)
    ]

    def run():
        for obs in tables:
            HG1G2.from_obs(obs, SLSQPLSQFitter(), "mag", verblevel=0)

    return run, n_obj * POINTS_PER_OBJECT


def _reddened_colors(rows):
    n = min(rows, 20)
    slopes = np.linspace(-5.0, 20.0, n)
    bands = (bandpass("SDSS g"), bandpass("SDSS r"))

    def run():
        for s in slopes:
            S = SpectralGradient(s * PER_CENT_SLOPE, wave0=550 * u.nm)
            Sun.from_default().redden(S).color_index(bands, u.ABmag)

    return run, n


def _vectorised(build):
    """A case whose whole input is one call: ``build(columns)`` returns the callable."""

    def make(rows):
        return build(_columns(rows)), rows

    return make


CASES = [
    Case("photometry", "HG1G2.evaluate(alpha, H, G1, G2), arrays",
         _vectorised(lambda c: lambda: HG1G2.evaluate(c["alpha"], c["H"], c["G"] / 2, c["G2"]))),
    Case("photometry", "HG.evaluate(alpha, H, G), arrays",
         _vectorised(lambda c: lambda: HG.evaluate(c["alpha"], c["H"], c["G"]))),
    Case("photometry", "HG12.evaluate(alpha, H, G12), a G12 per row", _hg12_rows, per_object=True),
    Case("photometry", "HG12(H, G12).to_mag(Ephem with alpha, r, delta)",
         _vectorised(lambda c: (lambda m, e: lambda: m.to_mag(e))(
             HG12(H=15 * u.mag, G12=0.3),
             Ephem.from_dict({"alpha": c["alpha"] * u.rad, "r": c["r"] * u.au,
                              "delta": c["delta"] * u.au})))),
    Case("photometry", f"HG1G2.from_obs(obs, SLSQP), {POINTS_PER_OBJECT} points per object",
         _from_obs, per_object=True),
    Case("data", "Ephem.from_dict(alpha, r, delta)",
         _vectorised(lambda c: lambda: Ephem.from_dict(
             {"alpha": c["alpha"] * u.rad, "r": c["r"] * u.au, "delta": c["delta"] * u.au}))),
    Case("data", "Obs.from_dict(epoch Time, alpha, mag)",
         _vectorised(lambda c: (lambda t: lambda: Obs.from_dict(
             {"epoch": t, "alpha": c["alpha"] * u.rad, "mag": c["H"] * u.mag}))(
             Time(60000.0 + np.arange(c["H"].size) * 0.01, format="mjd")))),
    Case("units", "VEGAmag -> Jy, spectral_density_vega(wavelength)",
         _vectorised(lambda c: lambda: (c["H"] * VEGAmag).to(u.Jy, spectral_density_vega(550 * u.nm)))),
    Case("units", "VEGAmag -> 1/sr, reflectance(wavelength, cross_section)",
         _vectorised(lambda c: lambda: (c["H"] * VEGAmag).to(
             "1/sr", reflectance(550 * u.nm, cross_section=np.pi * (c["radius"] * u.km) ** 2)))),
    Case("calib", "Sun.from_default() (once per call)",
         lambda rows: (Sun.from_default, rows)),
    Case("spectroscopy", "SpectralGradient.from_color(wavelengths, colors)",
         _vectorised(lambda c: lambda: SpectralGradient.from_color(
             [0.477, 0.623] * u.um, c["color"] * u.mag))),
    Case("spectroscopy", "Sun.redden(S).color_index(bandpasses), a slope per object",
         _reddened_colors, per_object=True),
]  # fmt: skip


#: Libraries whose functions name where the time goes.
LIBRARIES = ("sbpy/", "synphot/", "astropy/", "numpy/")


def _where(run: Callable[[], object], top: int = 3) -> list[str]:
    """The library functions under ``run`` with the most time inside them, with their share.

    Ranked by cumulative time below the call itself (functions taking 90 % or more are
    the call's own wrappers); of a chain of nested functions with about the same time
    only the outermost is named.
    """
    profile = cProfile.Profile()
    profile.enable()
    start = time.perf_counter()
    run()
    total = time.perf_counter() - start
    profile.disable()
    shares = []
    for (path, _, function), entry in pstats.Stats(profile).stats.items():
        library = next((lib for lib in LIBRARIES if lib in path), None)
        share = entry[3] / total
        if library and share < 0.9:
            module = library + path.split(library, 1)[1].removesuffix(".py")
            shares.append((share, f"{module.replace('/', '.')}:{function}"))
    names: list[str] = []
    kept: list[float] = []
    for share, name in sorted(shares, reverse=True):
        if all(abs(share - other) > 0.03 for other in kept):
            kept.append(share)
            names.append(f"{name} {100 * share:.0f}%")
        if len(names) == top:
            break
    return names


def profile(rows_list: list[int]) -> list[dict]:
    """Seconds per call of every case at every row count, and where the time goes."""
    results = []
    profiled = 100_000 if 100_000 in rows_list else rows_list[-1]
    for case in CASES:
        entry = {"topic": case.topic, "call": case.call, "per_object": case.per_object}
        for rows in rows_list:
            run, handled = case.make(rows)
            run()  # warm caches and imports
            seconds = min(timeit.repeat(run, number=1, repeat=1 if case.per_object else 3))
            entry[f"seconds_{rows}"] = seconds * rows / handled
            if rows == profiled:
                entry["where"] = _where(run)
        results.append(entry)
        print(_row(entry, rows_list), flush=True)
    return results


def _row(entry: dict, rows_list: list[int]) -> str:
    times = "  ".join(f"{entry[f'seconds_{rows}']:10.4g}" for rows in rows_list)
    mark = " (per object, scaled)" if entry["per_object"] else ""
    return f"{entry['topic']:13s} {entry['call'][:62]:62s} {times}{mark}\n    {'; '.join(entry['where'])}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args(argv)
    import sbpy

    print(f"sbpy {sbpy.__version__}, seconds per call at rows = {args.rows}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = profile(args.rows)
    if args.json:
        meta = {"sbpy": sbpy.__version__, "machine": platform.processor() or platform.machine()}
        with open(args.json, "w") as handle:
            json.dump({"meta": meta, "rows": args.rows, "results": results}, handle, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
