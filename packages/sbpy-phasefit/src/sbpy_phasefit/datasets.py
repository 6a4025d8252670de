"""Phase curves bundled with the package (see ``data/PROVENANCE.md``).

Examples
--------
>>> curves = load_carbognani2019()
>>> len(curves), curves.colnames
(47, ['id', 'alpha', 'v'])
"""

from __future__ import annotations

from importlib.resources import files

import astropy.units as u
from astropy.table import QTable

__all__ = ["load_carbognani2019"]


def load_carbognani2019() -> QTable:
    """Reduced V magnitudes of seven main-belt asteroids (Carbognani et al. 2019, Table 2).

    Returns
    -------
    astropy.table.QTable
        Columns ``id`` (asteroid number), ``alpha`` (phase angle, deg) and ``v``
        (reduced V magnitude of the light-curve maximum, mag); 47 rows.

    Examples
    --------
    >>> sorted(set(load_carbognani2019()["id"]))[:3]
    [np.int64(85), np.int64(208), np.int64(236)]
    """
    path = files("sbpy_phasefit") / "data" / "carbognani2019.csv"
    table = QTable.read(str(path), format="ascii.csv")
    table["alpha"].unit = u.deg
    table["v"].unit = u.mag
    table = QTable(table)
    table.meta["source"] = "Carbognani, Cellino & Caminiti (2019), PSS 169, 15, Table 2"
    return table
