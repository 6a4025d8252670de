"""Speed of folding and drawing light curves as images, against matplotlib drawing.

For 2-band light curves of 100 epochs (50 per band) with given periods, times
`tvs_classifier.images.render_images` (fold, align, scale and rasterise every band of
every light curve with vectorised numpy) and, on a sample in the same run, the
approach of the original papers (Szklenar et al. 2020, 2022): fold with numpy, draw
each band's two cycles with matplotlib and rasterise the figure to an array. Prints
light curves per second for both and their ratio; ``--json PATH`` writes them.

Validation of the input table (`LightCurves.from_table`) is done once, before timing,
for both: it is not part of fold + render.

Usage::

    python benchmarks/bench_render.py [--n 20000] [--anchor-n 100] [--json out.json]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import time
from pathlib import Path

import numpy as np
import pandas as pd

import tvs_classifier
from tvs_classifier import LightCurves, render_images
from tvs_classifier.folding import fold

HEIGHT, WIDTH = 32, 64
BANDS = ("g", "r")


def synthetic_light_curves(n: int, epochs_per_band: int = 50, seed: int = 0):
    """``n`` two-band light curves of random periodic variables, and their periods."""
    rng = np.random.default_rng(seed)
    n_rows = n * epochs_per_band * len(BANDS)
    period = 10 ** rng.uniform(-1.3, 1.5, n)
    obj = np.repeat(np.arange(n), epochs_per_band * len(BANDS))
    band = np.tile(np.repeat(np.arange(len(BANDS)), epochs_per_band), n)
    mjd = 60000.0 + rng.uniform(0.0, 1000.0, n_rows)
    phase = 2 * np.pi * mjd / period[obj]
    shape = np.sin(phase) + 0.4 * np.sin(2 * phase + 1.0) + 0.2 * np.sin(3 * phase + 2.0)
    mag = 17.0 + 0.3 * band + (0.4 - 0.1 * band) * shape + rng.normal(0.0, 0.02, n_rows)
    table = pd.DataFrame(
        {
            "object_id": obj,
            "mjd": mjd,
            "band": np.array(BANDS)[band],
            "mag": mag,
            "mag_err": np.full(n_rows, 0.02),
        }
    )
    return LightCurves.from_table(table), period


def matplotlib_render(light_curves: LightCurves, periods: np.ndarray) -> np.ndarray:
    """Fold with numpy; draw each band with matplotlib; rasterise to arrays (the anchor)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    dpi = 100
    fig = plt.figure(figsize=(WIDTH / dpi, HEIGHT / dpi), dpi=dpi)
    ax = fig.add_axes((0, 0, 1, 1))
    out = np.zeros((len(light_curves), HEIGHT, WIDTH, len(BANDS)), dtype=np.float32)
    for k, (_, lc) in enumerate(light_curves):
        phase = fold(lc["mjd"].to_numpy(), periods[k])
        for c, band in enumerate(BANDS):
            rows = (lc["band"] == band).to_numpy()
            mag = lc["mag"].to_numpy()[rows]
            ax.cla()
            ax.set_axis_off()
            ax.scatter(np.r_[phase[rows], phase[rows] + 1], np.r_[mag, mag], s=1, c="k")
            ax.set_xlim(0, 2)
            ax.set_ylim(mag.max(), mag.min())
            fig.canvas.draw()
            rgba = np.asarray(fig.canvas.buffer_rgba())
            out[k, :, :, c] = rgba[..., 0] < 128
    plt.close(fig)
    return out


def best_time(function, repeat: int) -> float:
    """Shortest wall time of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20000, help="light curves for render_images")
    parser.add_argument("--anchor-n", type=int, default=100, help="light curves for matplotlib")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, help="write the figures here as JSON")
    args = parser.parse_args(argv)

    light_curves, periods = synthetic_light_curves(args.n)
    ours = best_time(
        lambda: render_images(light_curves, periods, bands=BANDS, height=HEIGHT, width=WIDTH),
        args.repeat,
    )
    sample, sample_periods = synthetic_light_curves(args.anchor_n, seed=1)
    anchor = best_time(lambda: matplotlib_render(sample, sample_periods), 1)

    ours_rate = args.n / ours
    anchor_rate = args.anchor_n / anchor
    result = {
        "benchmark": "fold + render, 2 bands x 50 epochs, images 32x64",
        "tvs_classifier_version": tvs_classifier.__version__,
        "render_images_light_curves_per_s": ours_rate,
        "render_images_n": args.n,
        "matplotlib_light_curves_per_s": anchor_rate,
        "matplotlib_n": args.anchor_n,
        "speedup": ours_rate / anchor_rate,
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "matplotlib": importlib.metadata.version("matplotlib"),
    }
    print(
        f"render_images: {ours_rate:,.0f} light curves/s ({args.n} in {ours:.2f} s); "
        f"matplotlib: {anchor_rate:,.1f} light curves/s ({args.anchor_n} in {anchor:.2f} s); "
        f"ratio {ours_rate / anchor_rate:,.0f}x"
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
