"""Write tvs-classifier's bundled OGLE-III LMC tables and Yoachim et al. Cepheid templates.

Reads (never writes) the project's reference data in ``shared/data/templates/`` and
writes compact files into ``packages/tvs-classifier/src/tvs_classifier/data/``:

* ``ogle3_lmc_<kind>.csv.gz`` for the kinds of `tvs_classifier.simulation.ogle.KINDS`: the columns
  the simulator needs from the OGLE-III Catalog of Variable Stars tables (values copied
  unchanged; OGLE's ``-`` (not measured) becomes an empty field), with the subtype from
  ``ident.dat`` where a family has several;
* ``yoachim2009_cepheid_pca.npz``: the arrays of Yoachim et al. (2009)
  ``short_struc.fits`` and ``long_struc.fits`` that make a template from a period
  (``EIGENVECTORS``, ``POLY_FITS``, ``POLY_SPREAD``, ``AVE_VALS``; not the per-star ``PCA``
  coefficients), unchanged, named ``short_<name>``/``long_<name>`` in lower case.

The gzip headers carry no time stamp, so the files are byte-identical from run to run.
Provenance and citations: ``data/ogle3_lmc.PROVENANCE.txt`` and
``data/yoachim2009_cepheid_pca.PROVENANCE.txt``.

Run from the repository root with astropy and pandas installed::

    python tools/tvs_ogle_tables.py
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import numpy as np
import pandas as pd
from astropy.io import fits

ROOT = Path(__file__).parents[1]
SHARED = ROOT.parent / "shared" / "data" / "templates"
if not SHARED.is_dir():  # a checkout beside shared/ or inside it
    SHARED = ROOT / "shared" / "data" / "templates"
OGLE = SHARED / "ogle3_lmc_catalog_parameters"
YOACHIM = SHARED / "yoachim2009_cepheid_BVI_pca"
OUTPUT = ROOT / "packages" / "tvs-classifier" / "src" / "tvs_classifier" / "data"

#: OGLE's block of columns for one pulsation mode (after ID, <I>, <V>).
MODE = ["period", "sigma_period", "epoch_max", "amp_I", "R21", "phi21", "R31", "phi31"]
#: Columns kept of one mode.
KEEP = ["period", "amp_I", "R21", "phi21", "R31", "phi31"]


def _read(path: Path, names: list[str]) -> pd.DataFrame:
    """An OGLE table of whitespace-separated columns; ``-`` becomes NaN."""
    return pd.read_csv(
        path, sep=r"\s+", header=None, names=names, usecols=range(len(names)), na_values="-"
    )


def _subtypes(path: Path) -> pd.Series:
    """Subtype of every star of an OGLE ``ident.dat``, indexed by its ID."""
    ident = pd.read_csv(path, sep=r"\s+", header=None, usecols=[0, 3], names=["object", "subtype"])
    return ident.set_index("object")["subtype"]


#: Most terms (lines) of one star in OGLE's multimode.dat.
MAX_TERMS = 8


def _multimode(path: Path) -> pd.DataFrame:
    """OGLE's ``multimode.dat``, one row per star: ``object, I, V`` and per term ``k``
    (the file's lines of the star, in its order) ``period_k``, ``A_k`` (its amplitude
    column) and ``term_k`` (its label: a mode such as ``F`` or ``1O``, a combination
    such as ``=1/(1/P1+1/P2)``, or empty)."""
    stars: list[dict] = []
    for line in path.read_text().splitlines():
        fields = line.split()
        if not fields:
            continue
        if fields[0].startswith("OGLE"):
            star = {"object": fields[0], "I": float(fields[5]), "V": float(fields[6])}
            stars.append(star)
            label, k = " ".join(fields[7:]), 1
        else:  # "---" then period, sigma, amplitude, epoch, "-", "-", label
            label, k = " ".join(fields[7:]), sum(name.startswith("period_") for name in star) + 1
        period, amplitude = float(fields[1]), float(fields[3])
        star.update({f"period_{k}": period, f"A_{k}": amplitude, f"term_{k}": label})
    table = pd.DataFrame(stars)
    if table.filter(like="period_").shape[1] > MAX_TERMS:
        raise RuntimeError(f"{path}: a star with more than {MAX_TERMS} terms")
    return table


def tables() -> dict[str, pd.DataFrame]:
    """The bundled tables, by kind."""
    base = ["object", "I", "V"]
    out = {}
    rrd = _read(OGLE / "RRLyr" / "RRd.dat", base + MODE + [f"{c}_F" for c in MODE])
    out["RRd"] = rrd[base + KEEP + [f"{c}_F" for c in KEEP]]
    out["RRc"] = _read(OGLE / "RRLyr" / "RRc.dat", base + MODE)[base + KEEP]
    for kind, name in (("ACep_F", "acepF.dat"), ("ACep_1O", "acep1O.dat")):
        out[kind] = _read(OGLE / "ACep" / name, base + MODE)[base + KEEP]
    t2cep = _read(OGLE / "T2Cep" / "t2cep.dat", base + MODE)[base + KEEP]
    out["T2Cep"] = t2cep.assign(
        subtype=t2cep["object"].map(_subtypes(OGLE / "T2Cep" / "ident.dat"))
    )
    dsct = _read(
        OGLE / "DSct" / "singlemode.dat",
        [*base, "period", "sigma_period", "epoch_max", "amp_I", "R21", "phi21"],
    )
    out["DSct"] = dsct[[*base, "period", "amp_I", "R21", "phi21"]]
    out["DSct_multi"] = _multimode(OGLE / "DSct" / "multimode.dat")
    ecl = _read(
        OGLE / "ECL" / "ecl.dat",
        ["object", "I", "V", "period", "epoch_min", "depth1", "depth2"],
    )
    out["ECL"] = ecl[["object", "period", "I", "V", "depth1", "depth2"]].assign(
        subtype=ecl["object"].map(_subtypes(OGLE / "ECL" / "ident.dat"))
    )
    for kind, table in out.items():
        if "subtype" in table and table["subtype"].isna().any():
            raise RuntimeError(f"{kind}: stars without a subtype in ident.dat")
    return out


def _write_gzip(path: Path, data: bytes) -> None:
    """``data`` gzipped into ``path`` without a time stamp (reproducible bytes)."""
    with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
        gz.write(data)


def main() -> None:
    for kind, table in tables().items():
        path = OUTPUT / f"ogle3_lmc_{kind.lower()}.csv.gz"
        _write_gzip(path, table.to_csv(index=False, float_format="%.10g").encode())
        print(f"wrote {path} ({len(table)} rows)")
    arrays = {}
    for part in ("short", "long"):
        with fits.open(YOACHIM / f"{part}_struc.fits") as hdul:
            row = hdul[1].data[0]
            for name in ("EIGENVECTORS", "POLY_FITS", "POLY_SPREAD", "AVE_VALS"):
                arrays[f"{part}_{name.lower()}"] = np.asarray(row[name], dtype=np.float64)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    path = OUTPUT / "yoachim2009_cepheid_pca.npz"
    path.write_bytes(buffer.getvalue())
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
