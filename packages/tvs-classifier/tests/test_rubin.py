"""DP1 through TAP and the DP1 table checks.

The TAP tests run a real TAP service on 127.0.0.1 (`tests/tap_server.py`: HTTP, UWS
async jobs, VOTables in DP1's schema, made here from simulated stars) and reach it
through pyvo and lsst-rsp's own service discovery; a stand-in object with ``search``
covers the duck-typed path.
"""

import builtins

import astropy.units as u
import numpy as np
import pandas as pd
import pytest
from astropy.table import QTable, Table

from tvs_classifier.io.rubin import (
    DP1_FLAGS,
    DP1_TAP_TABLES,
    TapError,
    dp1_adql,
    from_dp1,
    query_dp1_tap,
    rsp_tap_service,
)
from tvs_classifier.lightcurves import LightCurveError
from tvs_classifier.simulation import simulate


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
    flags = ", ".join(f"s.{flag}" for flag in DP1_FLAGS["DiaSource"])
    assert query == (
        "SELECT s.diaObjectId, s.midpointMjdTai, s.band, s.scienceFlux, s.scienceFluxErr, "
        f"{flags} FROM dp1.DiaSource AS s WHERE s.diaObjectId IN (3, 611255141361770267)"
    )
    (objects,) = dp1_adql([4], table="ForcedSource")
    assert objects.startswith("SELECT s.objectId, v.expMidptMJD AS midpointMjdTai, s.band, ")
    assert objects.endswith(
        "FROM dp1.ForcedSource AS s JOIN dp1.Visit AS v ON v.visit = "
        "s.visit WHERE s.objectId IN (4)"
    )
    (forced,) = dp1_adql([5], table="ForcedSourceOnDiaObject", where="s.band = 'g'")
    assert "FROM dp1.ForcedSourceOnDiaObject AS s JOIN dp1.Visit AS v ON v.visit = s.visit" in (
        forced
    )
    assert "v.expMidptMJD AS midpointMjdTai" in forced
    assert forced.endswith("WHERE s.diaObjectId IN (5) AND (s.band = 'g')")
    assert set(DP1_TAP_TABLES) == {"DiaSource", "ForcedSourceOnDiaObject", "ForcedSource"}


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


# --- a real TAP service on localhost ----------------------------------------------------

TOKEN = "test-token-0123"
#: DP1 object ids are large 64-bit integers.
FIRST_ID = 611255141361770000


@pytest.fixture(scope="module")
def stars():
    """Four simulated RR Lyrae stars, one year of LSST visits."""
    light_curves, _ = simulate(4, ["RRab"], seed=3, years=1)
    return light_curves


def dp1_tables(light_curves):
    """The stars as DP1 would give them: ForcedSource (with its Visit time held on it, as
    the join gives it) and DiaSource, fluxes in nJy as float32, flags, two bad points."""
    table = light_curves.table
    n = len(table)
    flux = 10 ** (-0.4 * (table["mag"].to_numpy() - 31.4))
    error = flux * table["mag_err"].to_numpy() * np.log(10) / 2.5
    visit = 2024110800000 + pd_codes(table["mjd"].to_numpy())
    columns = {
        "objectId": FIRST_ID + table["object_id"].to_numpy(np.int64),
        "diaObjectId": FIRST_ID + table["object_id"].to_numpy(np.int64),
        "visit": visit,
        "detector": np.full(n, 4, dtype=np.int64),
        "expMidptMJD": table["mjd"].to_numpy(),
        "midpointMjdTai": table["mjd"].to_numpy(),
        "band": table["band"].astype(str).to_numpy(),
    }
    forced = Table({k: columns[k] for k in ("objectId", "visit", "detector", "band")})
    forced["expMidptMJD"] = columns["expMidptMJD"]
    forced["psfFlux"] = flux.astype(np.float32)
    forced["psfFluxErr"] = error.astype(np.float32)
    forced["psfDiffFlux"] = (flux - np.median(flux)).astype(np.float32)
    for name in ("psfFlux", "psfFluxErr", "psfDiffFlux"):
        forced[name].unit = u.nJy
    for flag in DP1_FLAGS["ForcedSource"]:
        forced[flag] = np.zeros(n, dtype=bool)
    forced["pixelFlags_saturatedCenter"][0] = True
    forced["psfFlux"][1] = -3.0  # a forced flux below zero
    dia = Table({k: columns[k] for k in ("diaObjectId", "visit", "midpointMjdTai", "band")})
    dia["psfFlux"] = forced["psfDiffFlux"]  # DiaSource's psfFlux is a difference flux
    dia["psfFluxErr"] = forced["psfFluxErr"]
    dia["scienceFlux"] = forced["psfFlux"]
    dia["scienceFluxErr"] = forced["psfFluxErr"]
    for flag in DP1_FLAGS["DiaSource"]:
        dia[flag] = np.zeros(n, dtype=bool)
    return {"ForcedSource": forced, "DiaSource": dia}


def pd_codes(values):
    """Consecutive integer codes of the distinct values (visit numbers)."""
    return np.unique(values, return_inverse=True)[1].astype(np.int64)


@pytest.fixture
def server(stars, tap_server_type):
    with tap_server_type(dp1_tables(stars), token=TOKEN) as running:
        yield running


@pytest.fixture
def on_the_rsp(server, monkeypatch, tmp_path):
    """The environment of an RSP notebook, pointing at the local service."""
    monkeypatch.setenv("EXTERNAL_TAP_URL", server.url)
    monkeypatch.setenv("ACCESS_TOKEN", TOKEN)
    monkeypatch.setenv("NUBLADO_RUNTIME_MOUNTS_DIR", str(tmp_path))  # no token file here
    return server


def test_forced_photometry_through_the_rsp_service(on_the_rsp, stars):
    pytest.importorskip("lsst.rsp")
    ids = FIRST_ID + stars.object_ids
    lcs = query_dp1_tap(ids, table="ForcedSource", chunk_size=3, progress=False)
    assert len(on_the_rsp.queries) == 2  # 4 ids, 3 per job
    assert sorted(on_the_rsp.deleted) == ["1", "2"]  # every job deleted afterwards
    assert lcs.report.dropped["flagged"] == 1
    assert lcs.report.dropped["nonpositive_flux"] == 1
    expected = stars.table.iloc[2:].reset_index(drop=True)
    got = lcs.table
    np.testing.assert_array_equal(got["object_id"], FIRST_ID + expected["object_id"])
    np.testing.assert_allclose(got["mjd"], expected["mjd"], rtol=0, atol=1e-9)
    # float32 fluxes in DP1: magnitudes agree to a few 1e-7 mag
    np.testing.assert_allclose(got["mag"], expected["mag"], rtol=0, atol=2e-6)
    np.testing.assert_allclose(got["mag_err"], expected["mag_err"], rtol=2e-6)


def test_dia_sources_use_the_direct_image_flux(server, stars):
    pyvo = pytest.importorskip("pyvo")
    session = requests_session(TOKEN)
    service = pyvo.dal.TAPService(server.url, session=session)
    ids = FIRST_ID + stars.object_ids[:1]
    lcs = query_dp1_tap(ids, service=service, progress=False)
    assert "s.scienceFlux" in server.queries[0]
    assert lcs.report.dropped["nonpositive_flux"] == 1  # the forced flux below zero
    first = stars.table.drop(index=1)
    expected = first[first["object_id"] == stars.object_ids[0]]
    np.testing.assert_allclose(lcs.table["mag"], expected["mag"], rtol=0, atol=2e-6)


def requests_session(token):
    import requests

    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    return session


def test_a_wrong_token_is_a_clear_error(on_the_rsp, monkeypatch):
    pytest.importorskip("lsst.rsp")
    monkeypatch.setenv("ACCESS_TOKEN", "expired")
    with pytest.raises(TapError, match=r"refused the request \(HTTP 401\).*ACCESS_TOKEN"):
        query_dp1_tap([FIRST_ID], table="ForcedSource", progress=False)


def test_a_server_failure_is_a_clear_error(on_the_rsp):
    pytest.importorskip("lsst.rsp")
    on_the_rsp.fail = True
    with pytest.raises(TapError, match=r"failed \(HTTP 500\) on query 1 of 1"):
        query_dp1_tap([FIRST_ID], table="ForcedSource", progress=False)


def test_a_job_in_phase_error_gives_the_service_message(on_the_rsp):
    pytest.importorskip("lsst.rsp")
    on_the_rsp.error = "Query timeout: the query ran past 30 minutes"
    with pytest.raises(TapError, match=r"job of query 1 of 1 on dp1\.ForcedSource failed.*30 min"):
        query_dp1_tap([FIRST_ID], table="ForcedSource", progress=False)
    assert on_the_rsp.deleted == ["1"]  # deleted although it failed


def test_a_job_that_does_not_finish_times_out(on_the_rsp):
    pytest.importorskip("lsst.rsp")
    on_the_rsp.hang = True
    with pytest.raises(TapError, match=r"did not finish within 1 s \(phase EXECUTING\)"):
        query_dp1_tap([FIRST_ID], table="ForcedSource", timeout=1, progress=False)
    assert on_the_rsp.deleted == ["1"]


def test_without_lsst_rsp_the_extra_is_named(monkeypatch):
    real_import = builtins.__import__

    def no_rsp(name, *args, **kwargs):
        if name == "lsst.rsp" or name.startswith("lsst"):
            raise ImportError("No module named 'lsst'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_rsp)
    with pytest.raises(ImportError, match=r"pip install tvs-classifier\[rsp\]"):
        rsp_tap_service()


def test_flags_and_ids_of_forced_photometry_on_objects():
    table = pd.DataFrame(
        {
            "objectId": [5, 5, 5],
            "midpointMjdTai": [1.0, 2.0, 3.0],
            "band": ["g", "g", "g"],
            "psfFlux": [100.0, 110.0, 120.0],
            "psfFluxErr": [1.0, 1.0, 1.0],
            "psfFlux_flag": [False, True, None],
        }
    )
    lcs = from_dp1(table)
    assert lcs.n_points.tolist() == [2]
    assert lcs.report.dropped["flagged"] == 1
    assert from_dp1(table, flags=()).n_points.tolist() == [3]
    with pytest.raises(LightCurveError, match=r"no flag column\(s\) \['pixelFlags_bad'\]"):
        from_dp1(table, flags=["pixelFlags_bad"])
    with pytest.raises(LightCurveError, match="both objectId and diaObjectId"):
        from_dp1(table.assign(diaObjectId=5))
    with pytest.raises(LightCurveError, match="no column"):
        from_dp1(table.drop(columns="objectId"))
