"""DP1 through TAP (with a fake service: no network) and the DP1 table checks."""

import builtins

import astropy.units as u
import numpy as np
import pytest
from astropy.table import QTable, Table

from tvs_classifier.io.rubin import DP1_TAP_TABLES, dp1_adql, from_dp1, query_dp1_tap
from tvs_classifier.lightcurves import LightCurveError


def dp1_rows(ids=(7, 7, 8), flux_unit=None):
    table = Table(
        {
            "diaObjectId": np.array(ids, dtype=np.int64),
            "midpointMjdTai": 60600.0 + np.arange(len(ids)),
            "band": ["r"] * len(ids),
            "psfFlux": 1000.0 + np.arange(len(ids)),
            "psfFluxErr": np.full(len(ids), 10.0),
        }
    )
    if flux_unit is not None:
        table["psfFlux"].unit = flux_unit
        table["psfFluxErr"].unit = flux_unit
    return table


class FakeService:
    """Stands in for pyvo.dal.TAPService: records queries, returns a fixed table."""

    def __init__(self, table):
        self.table = table
        self.queries = []
        self.options = []

    def search(self, query, **options):
        self.queries.append(query)
        self.options.append(options)
        return self.table


def test_adql_for_dia_sources_and_forced_photometry():
    (query,) = dp1_adql([3, np.int64(611255141361770267)])
    assert query == (
        "SELECT s.diaObjectId, s.midpointMjdTai, s.band, s.psfFlux, s.psfFluxErr "
        "FROM dp1.DiaSource AS s WHERE s.diaObjectId IN (3, 611255141361770267)"
    )
    (forced,) = dp1_adql([5], table="ForcedSourceOnDiaObject", where="s.band = 'g'")
    assert "FROM dp1.ForcedSourceOnDiaObject AS s JOIN dp1.Visit AS v ON v.visit = s.visit" in (
        forced
    )
    assert "v.expMidptMJD AS midpointMjdTai" in forced
    assert forced.endswith("WHERE s.diaObjectId IN (5) AND (s.band = 'g')")
    assert set(DP1_TAP_TABLES) == {"DiaSource", "ForcedSourceOnDiaObject"}


def test_adql_ids_are_integers_only():
    for bad in (["1 OR 1=1"], [1.5], [True], ["7"], [None]):
        with pytest.raises(LightCurveError, match="object_ids must be integers"):
            dp1_adql(bad)
    with pytest.raises(LightCurveError, match="object_ids is a string"):
        dp1_adql("1, 2")
    with pytest.raises(LightCurveError, match="object_ids is empty"):
        dp1_adql([])
    with pytest.raises(LightCurveError, match="contains ';'"):
        dp1_adql(where="s.band = 'g'; DROP TABLE dp1.DiaSource")
    with pytest.raises(LightCurveError, match="give object_ids or a where"):
        dp1_adql()
    with pytest.raises(LightCurveError, match="table='Object' is not known"):
        dp1_adql([1], table="Object")
    with pytest.raises(LightCurveError, match="chunk_size must be at least 1"):
        dp1_adql([1], chunk_size=0)


def test_adql_chunks_long_id_lists_without_repeats():
    ids = [*range(2500), 3, 3]
    queries = dp1_adql(ids, chunk_size=1000)
    assert len(queries) == 3
    listed = [q.split("IN (")[1].rstrip(")").split(", ") for q in queries]
    assert [len(chunk) for chunk in listed] == [1000, 1000, 500]
    assert sorted(int(v) for chunk in listed for v in chunk) == list(range(2500))


def test_query_converts_through_from_dp1():
    service = FakeService(dp1_rows())
    lcs = query_dp1_tap([7, 8], service=service, maxrec=10_000)
    assert lcs.object_ids.tolist() == [7, 8]
    assert lcs.table["mag"].iloc[0] == pytest.approx(31.4 - 2.5 * np.log10(1000.0))
    assert service.options == [{"maxrec": 10_000}]
    chunked = FakeService(dp1_rows())
    query_dp1_tap(range(5), service=chunked, chunk_size=2)
    assert len(chunked.queries) == 3  # repeated rows across chunks are merged as duplicates
    where = FakeService(dp1_rows())
    query_dp1_tap("s.band = 'r'", service=where, table="ForcedSourceOnDiaObject")
    assert where.queries[0].endswith("WHERE (s.band = 'r')")


def test_query_result_units_are_checked():
    jansky = query_dp1_tap([7], service=FakeService(dp1_rows(flux_unit=u.uJy)))
    assert jansky.table["mag"].iloc[0] == pytest.approx(31.4 - 2.5 * np.log10(1.0e6))
    with pytest.raises(LightCurveError, match=r"'psfFlux' is in mag\(AB\), not a flux density"):
        query_dp1_tap([7], service=FakeService(dp1_rows(flux_unit=u.ABmag)))
    quantity = QTable(dp1_rows(flux_unit=u.nJy))
    assert from_dp1(quantity).n_points.tolist() == [2, 1]
    with pytest.raises(LightCurveError, match="returned no rows"):
        query_dp1_tap([9], service=FakeService(dp1_rows()[:0]))


def test_pyvo_missing_names_the_extra(monkeypatch):
    real_import = builtins.__import__

    def no_pyvo(name, *args, **kwargs):
        if name == "pyvo" or name.startswith("pyvo."):
            raise ImportError("No module named 'pyvo'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyvo)
    with pytest.raises(ImportError, match=r"pip install tvs-classifier\[rubin\]"):
        query_dp1_tap([1], service="https://example.org/tap")
    with pytest.raises(LightCurveError, match="service must be a TAP service or its URL"):
        query_dp1_tap([1], service=42)


def test_service_url_builds_a_pyvo_service(monkeypatch):
    pyvo = pytest.importorskip("pyvo")
    made = []

    class Recorder(FakeService):
        def __init__(self, url):
            made.append(url)
            super().__init__(dp1_rows())

    monkeypatch.setattr(pyvo.dal, "TAPService", Recorder)
    assert len(query_dp1_tap([7], service="https://example.org/tap")) == 2
    assert made == ["https://example.org/tap"]


def test_dp1_bands_must_be_lsst_bands():
    table = dp1_rows().to_pandas().assign(band=["r", "x", "LSST_g"])
    with pytest.raises(LightCurveError, match=r"band\(s\) \['x'\] are not LSST bands"):
        from_dp1(table)
    assert from_dp1(table, band_map={"x": "i"}).bands == ("g", "r", "i")
