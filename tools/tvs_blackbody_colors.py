"""Write tvs-classifier's table of blackbody colors in the LSST bands.

Synthetic AB magnitudes of blackbodies through the LSST 1.9 total throughputs bundled
with sbpy-filter-transform (synphot's effective stimulus), on a grid of temperatures.
tvs-classifier's simulator gives its synthetic stars these colors (relative to r).

Run from the repository root with sbpy-filter-transform installed::

    python tools/tvs_blackbody_colors.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import sbpy_filter_transform as sft

OUTPUT = (
    Path(__file__).parents[1]
    / "packages/tvs-classifier/src/tvs_classifier/data/lsst_blackbody_colors.csv"
)
BANDS = "ugrizy"


def main() -> None:
    temperatures = np.round(np.geomspace(2000.0, 30000.0, 121), 1)
    lines = [
        "# Blackbody AB magnitudes relative to LSST r, LSST 1.9 total throughputs",
        f"# (sbpy-filter-transform {sft.__version__}, synphot effective stimulus);",
        "# written by tools/tvs_blackbody_colors.py. Columns: temperature in K, then",
        "# m_band - m_r for u g r i z y.",
        "teff," + ",".join(f"{band}_minus_r" for band in BANDS),
    ]
    for teff in temperatures:
        spectrum = sft.blackbody(teff)
        mags = [sft.synthetic_magnitude(spectrum, f"LSST {band}").value for band in BANDS]
        mags = np.asarray(mags) - mags[BANDS.index("r")]
        lines.append(f"{teff:.1f}," + ",".join(f"{value:.5f}" for value in mags))
    OUTPUT.write_text("\n".join(lines) + "\n")
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
