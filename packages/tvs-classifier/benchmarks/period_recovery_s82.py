"""Period recovery on the SDSS Stripe 82 RR Lyrae of Sesar et al. (2010).

Finds the period of every star in ``shared/data/lightcurves/sesar2010_s82_dev`` with
`tvs_classifier.periods.find_periods` (multiband Lomb-Scargle over u g r i z) and
compares it with the published period. A period counts as recovered when it is
within ``--tolerance`` (fractional, default 1 %) of the published one.

This is a validation, not a timing: it is not named ``bench_*.py``, so ``nox -s
bench`` does not run it. Run it by hand (a few minutes for all 241 stars)::

    SHARED_DATA_DIR=../shared/data python benchmarks/period_recovery_s82.py --json out.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from tvs_classifier import find_periods
from tvs_classifier.io.readers import read_light_curve_files

#: The period range searched: RR Lyrae and their first aliases fit well inside it.
SEARCH = {"min_period": 0.1, "max_period": 2.0, "samples_per_peak": 5.0}


def lightcurve_folder(name: str) -> Path | None:
    """A light-curve folder of the shared data (``SHARED_DATA_DIR``); None, said, if absent."""
    root = Path(os.environ.get("SHARED_DATA_DIR", Path(__file__).parents[4] / "shared" / "data"))
    folder = root / "lightcurves" / name
    if not folder.is_dir():
        print(f"no {name} data at {folder}: set SHARED_DATA_DIR", file=sys.stderr)
        return None
    return folder


def s82_folder() -> Path | None:
    """The Stripe 82 folder of the shared data; None, said, if absent."""
    return lightcurve_folder("sesar2010_s82_dev")


def load_s82(folder: Path, every: int = 1):
    """The light curves and published periods of every ``every``-th star."""
    periods = pd.read_csv(folder / "periods.csv").iloc[::every]
    paths = [folder / "light-curves" / f"{num}.csv" for num in periods["Num"]]
    light_curves = read_light_curve_files(
        paths,
        object_ids=periods["Num"].tolist(),
        columns={"time": "mjd", "magerr": "mag_err"},
    )
    return light_curves, periods.set_index("Num")


def recovered(found: pd.Series, true: pd.Series, tolerance: float) -> pd.Series:
    """Whether each found period (by object id) is within ``tolerance`` of the true one.

    Objects without a true period (NaN) are left out.
    """
    true = true.dropna()
    ratio = found.reindex(true.index).to_numpy(float) / true.to_numpy(float)
    return pd.Series(np.abs(ratio - 1.0) < tolerance, index=true.index)


def recovery(found: pd.Series, true: pd.Series, types: pd.Series, tolerance: float) -> dict:
    """Fraction of objects whose found period is within ``tolerance`` of the true one.

    ``found``, ``true`` and ``types`` (the class or subtype of each object) are indexed
    by object id; objects without a true period are left out.
    """
    ok = recovered(found, true, tolerance)
    types = types.reindex(ok.index).astype(str)
    return {
        "n_stars": int(ok.size),
        "recovered": int(ok.sum()),
        "rate": float(ok.mean()),
        "rate_by_type": {t: float(ok[types == t].mean()) for t in sorted(set(types))},
        "tolerance": tolerance,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the result as JSON here")
    parser.add_argument("--every", type=int, default=1, help="use every N-th star only")
    parser.add_argument("--tolerance", type=float, default=0.01)
    parser.add_argument("--table", type=Path, help="write each star's periods here (CSV)")
    args = parser.parse_args(argv)
    folder = s82_folder()
    if folder is None:
        return 1
    light_curves, published = load_s82(folder, args.every)
    found = find_periods(light_curves, **SEARCH)
    periods = found.set_index("object_id")["period"]
    result = recovery(periods, published["Per"], published["Type"], args.tolerance)
    result |= {"search": SEARCH}
    print(json.dumps(result, indent=2))
    if args.table:
        truth = published.loc[found["object_id"], ["Type", "Per"]].to_numpy()
        found.assign(type=truth[:, 0], published_period=truth[:, 1]).to_csv(
            args.table, index=False
        )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
