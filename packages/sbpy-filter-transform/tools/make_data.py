"""Rebuild the files in ``src/sbpy_filter_transform/data`` from ``../shared/data``.

Run from the repository root::

    python packages/sbpy-filter-transform/tools/make_data.py [SHARED_DATA_DIR]

The LSST throughputs are converted to ECSV (wavelengths rounded to 0.1 nm to drop the
floating-point noise of the source files, e.g. ``300.20000000000005``; throughputs copied
unchanged). The CALSPEC FITS files and the Bus-DeMeo CSV are copied byte for byte.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
from astropy import units as u
from astropy.table import QTable

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "src" / "sbpy_filter_transform" / "data"
LSST_COMMIT = "e70d1daf069e606caa3feb43eccc62ec21e0baf5"
SYSENG_SHA1 = "fcc05772f99427e4a45cd1b9da1628dded9a06d5"


def convert_lsst(shared: Path) -> None:
    """Write ``lsst_{band}.ecsv`` for every LSST band."""
    for band in "ugrizy":
        src = shared / "lsst_throughputs" / f"total_{band}.dat"
        raw = np.loadtxt(src)
        table = QTable()
        table["wavelength"] = np.round(raw[:, 0], 1) * u.nm
        table["throughput"] = raw[:, 1] * u.dimensionless_unscaled
        table.meta = {
            "name": f"LSST {band}",
            "description": (
                f"Rubin Observatory LSST {band} total system throughput: atmosphere "
                "(X=1.2 standard atmosphere with aerosols), mirrors, lenses, filter and "
                "detector, including 10-year average losses"
            ),
            "source": "https://github.com/lsst/throughputs, file baseline/total_" + band + ".dat",
            "version": "1.9",
            "commit": LSST_COMMIT,
            "upstream": f"lsst-pst/syseng_throughputs sha1 {SYSENG_SHA1}",
            "airmass": 1.2,
            "counting": "photon",
            "citation": (
                "LSST throughputs, lsst/throughputs tag 1.9 (2023); Ivezic et al. 2019, "
                "ApJ 873, 111"
            ),
            "processing": "wavelengths rounded to 0.1 nm; throughputs unchanged",
        }
        table.write(DATA / f"lsst_{band}.ecsv", overwrite=True)


def copy_files(shared: Path) -> None:
    """Copy the CALSPEC spectra and the Bus-DeMeo means unchanged."""
    for rel in (
        "calspec/alpha_lyr_stis_011.fits",
        "calspec/sun_reference_stis_002.fits",
        "busdemeo/busdemeo-meanspectra.csv",
    ):
        shutil.copyfile(shared / rel, DATA / Path(rel).name)


def make_sample() -> None:
    """Write ``atlas_sample.csv``: 20 illustrative (not observed) objects in ATLAS o and c.

    Ten S-like (slopes 8-14 %/100 nm) and ten C-like (0-4 %/100 nm) objects; o magnitudes
    drawn uniformly in 16-19.5 with a fixed seed, c magnitudes from the package's own
    synthetic c - o color of the Sun times each slope, plus Gaussian noise of the error.
    """
    from sbpy_filter_transform.transform import transform

    rng = np.random.default_rng(20261125)
    slopes = np.concatenate([rng.uniform(8, 14, 10), rng.uniform(0, 4, 10)]).round(1)
    kinds = ["S-like"] * 10 + ["C-like"] * 10
    o_mag = rng.uniform(16, 19.5, 20).round(3)
    o_err = (0.01 + 0.02 * (o_mag - 16) / 3.5).round(3)
    c_err = (o_err * 1.2).round(3)
    c_true = transform(o_mag, "ATLAS o", "ATLAS c", slope=slopes).value
    c_mag = (c_true + rng.normal(0, c_err)).round(3)
    table = QTable()
    table["object"] = [f"demo-{i + 1:02d}" for i in range(20)]
    table["kind"] = kinds
    table["slope"] = slopes
    table["o_mag"], table["o_err"] = o_mag, o_err
    table["c_mag"], table["c_err"] = c_mag, c_err
    table.meta["comments"] = [
        "ILLUSTRATIVE SAMPLE, NOT OBSERVED DATA: 20 made-up objects for the demo.",
        "Made by packages/sbpy-filter-transform/tools/make_data.py (make_sample, seed 20261125).",
        "slope: assumed spectral slope, %/100 nm at 550 nm (sbpy convention).",
        "o_mag, c_mag: ATLAS o and c AB magnitudes; *_err: 1-sigma uncertainties (mag).",
    ]
    table.write(DATA / "atlas_sample.csv", format="ascii.csv", overwrite=True, comment="# ")


if __name__ == "__main__":
    shared_dir = (
        Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parents[2].parent / "shared" / "data"
    )
    convert_lsst(shared_dir)
    make_sample()
    copy_files(shared_dir)
