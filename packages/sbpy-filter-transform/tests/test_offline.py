"""Nothing reaches the network at run time (issue 3): every data file is local."""

from __future__ import annotations

import importlib
import socket

import numpy as np
import pytest

from sbpy_filter_transform import bandpasses, spectra, systems

# The package exports a function named transform; this is the module of that name.
transform = importlib.import_module("sbpy_filter_transform.transform")


@pytest.fixture
def no_network(monkeypatch):
    """Make every socket connection fail, and empty the caches of loaded data."""

    def refuse(*args, **kwargs):
        raise OSError("network access attempted during an offline test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    for cached in (
        bandpasses._named,
        spectra._load_sun,
        spectra._busdemeo_table,
        systems._vega,
        transform._cached_engine,
        transform._cached_grid,
    ):
        cached.cache_clear()


def test_every_path_runs_offline(no_network):
    import urllib.request

    with pytest.raises(OSError, match="network access attempted"):  # the guard works
        urllib.request.urlopen("http://127.0.0.1:9/", timeout=1)
    assert transform.offset("ATLAS o", "LSST r", "sun:calspec", "Vega").unit == "mag"
    table = transform.to_lsst([18.0], "PS1 w", taxon=["C"], extension="linear", system="JM")
    assert np.isfinite([table[f"LSST_{b}"][0].value for b in "ugrizy"]).all()
    mags = transform.transform([18.0, 18.5], "ATLAS c", "LSST g", slope=[2.0, 12.0])
    assert np.isfinite(mags.value).all()
    assert np.isfinite(transform.transform([18.0], "WISE W1", "LSST y", temperature=[4000.0]))
