"""Classification of a HATS catalog with LSDB and Dask against the in-memory path, in one run.

The light curves of ``bench_classify.py`` (2 bands x 50 epochs, given periods) are
written as a HATS catalog (nested light curves, a period column, random positions over
the sky) in a temporary folder. The anchor is `tvs_classifier.classify` on the same
light curves in memory. Then `tvs_classifier.classify_catalog` classifies the catalog
read from disk, on a `dask.distributed.LocalCluster` of 1 and of 2 worker processes (one
thread each): the first run of each cluster (``cold``: the workers import Keras and load
the model) and the best of ``--repeat`` later runs (``warm``). Prints light curves per
second and the ratios against the anchor; ``--json PATH`` writes them. Targets (issue
13): warm 2-worker throughput at least 0.75 of the in-memory one, 2 workers faster
than 1.

Usage::

    python benchmarks/bench_catalog.py [--n 20000] [--partition-rows 2500] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from bench_render import best_time, synthetic_light_curves

import tvs_classifier
from tvs_classifier import classify, classify_catalog, load_classifier
from tvs_classifier.classifier.catalog import dask_client


def write_catalog(
    table: pd.DataFrame, periods: pd.Series, folder: Path, partition_rows: int
) -> Path:
    """A long table of light curves as a HATS catalog: id, ra, dec, period, nested ``lc``.

    ``periods`` are by object id; the stars are spread uniformly over the sky.
    """
    import lsdb
    import nested_pandas as npd

    rng = np.random.default_rng(5)
    ids = periods.index.to_numpy()
    base = pd.DataFrame(
        {
            "object_id": ids,
            "ra": rng.uniform(0.0, 360.0, len(ids)),
            "dec": np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, len(ids)))),
            "period": periods.to_numpy(np.float64),
        },
        index=ids,
    )
    sources = table.set_index("object_id")
    frame = npd.NestedFrame(base).join_nested(sources, "lc")
    catalog = lsdb.from_dataframe(
        frame, ra_column="ra", dec_column="dec", partition_rows=partition_rows
    )
    path = folder / "bench"
    catalog.write_catalog(path, catalog_name="bench", progress_bar=False)
    return path


def timed_catalog(path: Path, workers: int, repeat: int) -> dict:
    """Cold and warm seconds of classifying the catalog on a local cluster."""
    import lsdb

    with dask_client(workers=workers):
        start = time.perf_counter()
        result = classify_catalog(lsdb.open_catalog(path), period_column="period").compute()
        cold = time.perf_counter() - start
        warm = best_time(
            lambda: classify_catalog(lsdb.open_catalog(path), period_column="period").compute(),
            repeat,
        )
    return {"cold_s": cold, "warm_s": warm, "n_classified": int(result["class"].notna().sum())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20000, help="light curves")
    parser.add_argument("--partition-rows", type=int, default=2500, help="objects per partition")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--json", type=Path, help="write the figures here as JSON")
    args = parser.parse_args(argv)

    classifier = load_classifier()
    light_curves, periods = synthetic_light_curves(args.n)
    classify(light_curves, periods, classifier=classifier, progress=False)  # warm-up
    memory = best_time(
        lambda: classify(light_curves, periods, classifier=classifier, progress=False),
        args.repeat,
    )
    with tempfile.TemporaryDirectory() as folder:
        by_id = pd.Series(periods, index=light_curves.object_ids)
        path = write_catalog(light_curves.table, by_id, Path(folder), args.partition_rows)
        import lsdb

        n_partitions = lsdb.open_catalog(path).npartitions
        runs = {workers: timed_catalog(path, workers, args.repeat) for workers in (1, 2)}
    memory_rate = args.n / memory
    rates = {workers: args.n / run["warm_s"] for workers, run in runs.items()}
    result = {
        "benchmark": "classify_catalog (HATS + Dask LocalCluster) vs classify in memory, "
        "2 bands x 50 epochs, given periods",
        "tvs_classifier_version": tvs_classifier.__version__,
        "model_version": classifier.version,
        "n": args.n,
        "n_partitions": n_partitions,
        "in_memory_light_curves_per_s": memory_rate,
        "catalog": {
            f"{workers}_workers": {
                **run,
                "warm_light_curves_per_s": rates[workers],
                "ratio_to_in_memory": rates[workers] / memory_rate,
            }
            for workers, run in runs.items()
        },
        "two_workers_over_one": rates[2] / rates[1],
        "target_ratio_to_in_memory": 0.75,
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
    }
    print(
        f"in memory: {memory_rate:,.0f} light curves/s; HATS + Dask, warm: 1 worker "
        f"{rates[1]:,.0f}/s ({rates[1] / memory_rate:.2f}x), 2 workers {rates[2]:,.0f}/s "
        f"({rates[2] / memory_rate:.2f}x); 2 workers / 1 = {rates[2] / rates[1]:.2f}; cold "
        f"(start, model load) {runs[1]['cold_s']:.1f} s and {runs[2]['cold_s']:.1f} s; "
        f"{n_partitions} partitions"
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
