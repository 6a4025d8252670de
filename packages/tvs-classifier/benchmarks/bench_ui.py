"""Opening the dashboard on a store of 10^5 objects: time to the first table render.

A SQLite store gets ``--n`` objects: the results of ``--templates`` simulated stars
classified once (`tvs_classifier.store.results.store_results`), copied under new ids
and written with `ClassificationStore.write` (so the rows are real classifications,
but the copies were not classified again). Then ``tvs-classifier serve`` starts on
the store, and headless chromium (Debian's, through playwright) opens the page. Timed,
in one run:

* the anchor: reading the store's latest results (`ClassificationStore.latest`), what
  any use of the store costs;
* the server's start (reading the store once, before it answers);
* opening the page until the first row of the table is drawn (the target of issue
  14: under 2 s).

Prints the times and the ratio of the page opening to the anchor; ``--json PATH``
writes them.

Usage::

    python benchmarks/bench_ui.py [--n 100000] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np
import pandas as pd

import tvs_classifier
from tvs_classifier import load_classifier, simulate
from tvs_classifier.store import ClassificationStore
from tvs_classifier.store.digest import light_curve_digests
from tvs_classifier.store.results import store_results

TARGET_S = 2.0


def fill_store(path: Path, n: int, n_templates: int) -> ClassificationStore:
    """A store of ``n`` objects, copies of ``n_templates`` classified simulated stars."""
    classifier = load_classifier()
    light_curves, labels = simulate(n_templates, seed=4, years=3)
    periods = labels.set_index("object_id")["period"]
    rows = store_results(
        light_curves.table, light_curves.object_ids, periods, classifier=classifier
    )
    rows["digest"] = light_curve_digests(light_curves.table, "object_id").to_numpy()
    store = ClassificationStore.open(path)
    run_id = store.start_run("bench_ui", classifier.version)
    copies = np.arange(n) % len(rows)
    for start in range(0, n, 5000):
        batch = rows.iloc[copies[start : start + 5000]].copy()
        batch["object_id"] = np.arange(start, start + len(batch))
        store.write(run_id, batch.reset_index(drop=True))
    store.finish_run(run_id, n_objects=n, n_classified=n, n_unchanged=0)
    return store


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def open_page(store_path: Path, chromium: str) -> dict[str, float]:
    """Start the server, then time opening the page until the table's first row shows."""
    from playwright.sync_api import sync_playwright

    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    command = [sys.executable, "-m", "tvs_classifier", "serve", "--store", str(store_path),
               "--port", str(port)]  # fmt: skip
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError("the server ended")
            try:
                with urllib.request.urlopen(url, timeout=30):
                    break
            except OSError:
                time.sleep(0.2)
        server_s = time.perf_counter() - start
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            page = browser.new_page()
            page.goto(url)  # a first visit, so that the timed one is not the very first
            page.locator(".tabulator-row").first.wait_for(timeout=120_000)
            times = []
            for _ in range(3):
                page = browser.new_page()
                begin = time.perf_counter()
                page.goto(url)
                page.locator(".tabulator-row").first.wait_for(timeout=120_000)
                times.append(time.perf_counter() - begin)
                page.close()
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=30)
    return {"server_start_s": server_s, "first_render_s": min(times), "first_render_all_s": times}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="objects in the store")
    parser.add_argument("--templates", type=int, default=200, help="stars classified")
    parser.add_argument("--json", type=Path, help="write the figures here as JSON")
    args = parser.parse_args(argv)
    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("bench_ui needs Debian's chromium (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tvs.sqlite"
        store = fill_store(path, args.n, args.templates)
        start = time.perf_counter()
        latest = store.latest()
        anchor_s = time.perf_counter() - start
        if len(latest) != args.n:
            raise RuntimeError(f"the store holds {len(latest)} objects, not {args.n}")
        store.close()
        page = open_page(path, chromium)
    result = {
        "benchmark": "tvs-classifier serve: opening the dashboard of a SQLite store until "
        "the first table row is drawn (headless chromium)",
        "tvs_classifier_version": tvs_classifier.__version__,
        "n_objects": args.n,
        "anchor_store_latest_s": anchor_s,
        **page,
        "ratio_first_render_to_anchor": page["first_render_s"] / anchor_s,
        "target_first_render_s": TARGET_S,
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "pandas": pd.__version__,
    }
    print(
        f"{args.n:,} stored objects: reading the store {anchor_s:.2f} s (anchor); server "
        f"start {page['server_start_s']:.1f} s; opening the page to the first table row "
        f"{page['first_render_s']:.2f} s (target {TARGET_S} s; "
        f"{result['ratio_first_render_to_anchor']:.2f}x the anchor)"
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
