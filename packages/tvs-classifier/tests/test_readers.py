"""File readers and the Rubin DP1 conversion."""

import astropy.units as u
import numpy as np
import pandas as pd
import pytest

from tvs_classifier.lightcurves import LightCurveError
from tvs_classifier.readers import read_light_curve_files, read_light_curves, read_table
from tvs_classifier.rubin import AB_ZEROPOINT_NJY, from_dp1, is_dp1_table, njy_to_ab_mag


@pytest.mark.parametrize("name", ["lc.csv", "lc.csv.gz", "lc.parquet"])
def test_csv_and_parquet_round_trip(tmp_path, table, name):
    path = tmp_path / name
    if name.endswith(".parquet"):
        table.to_parquet(path)
    else:
        table.to_csv(path, index=False)
    lcs = read_light_curves(path)
    assert len(lcs) == 3
    assert lcs.report.n_output == len(table)
    assert np.isclose(lcs.table["mag"].sum(), table["mag"].sum())


def test_reader_renames_columns_and_reports_bad_rows(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("oid,t,f,m,e\nx,1.0,g,15.0,0.1\nx,2.0,g,,0.1\nx,3.0,g,15.2,-0.1\n")
    lcs = read_light_curves(
        path, columns={"oid": "object_id", "t": "mjd", "f": "band", "m": "mag", "e": "mag_err"}
    )
    assert lcs.report.dropped["nonfinite_mag"] == 1
    assert lcs.report.dropped["bad_mag_err"] == 1


def test_reader_errors_name_the_file(tmp_path):
    with pytest.raises(LightCurveError, match="no such file"):
        read_light_curves(tmp_path / "missing.csv")
    odd = tmp_path / "lc.fits"
    odd.write_bytes(b"SIMPLE")
    with pytest.raises(LightCurveError, match="cannot tell the format"):
        read_light_curves(odd)
    with pytest.raises(LightCurveError, match="format='hdf5' is not known"):
        read_table(odd, format="hdf5")
    corrupt = tmp_path / "lc.parquet"
    corrupt.write_bytes(b"PAR1 this is not parquet")
    with pytest.raises(LightCurveError, match=r"lc.parquet: cannot be read as parquet"):
        read_light_curves(corrupt)
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a,b\n1,2\n")
    with pytest.raises(LightCurveError, match=r"wrong.csv: the table has no column"):
        read_light_curves(wrong)


def test_one_file_per_object(tmp_path, table):
    paths = []
    for object_id, rows in table.groupby("object_id"):
        path = tmp_path / f"{object_id}.csv"
        rows.drop(columns="object_id").to_csv(path, index=False)
        paths.append(path)
    lcs = read_light_curve_files(paths)
    assert sorted(lcs.object_ids.tolist()) == ["obj0", "obj1", "obj2"]
    with pytest.raises(LightCurveError, match="no files given"):
        read_light_curve_files([])
    with pytest.raises(LightCurveError, match="3 files but 1 object ids"):
        read_light_curve_files(paths, object_ids=["x"])
    table.to_csv(tmp_path / "all.csv", index=False)
    with pytest.raises(LightCurveError, match="already has an object_id"):
        read_light_curve_files([tmp_path / "all.csv"])


def test_njy_to_ab_mag_matches_astropy():
    flux = np.array([1.0, 250.0, 1.0e6, 3.631e12])
    mag, err = njy_to_ab_mag(flux, 0.01 * flux)
    expected = (flux * u.nJy).to_value(u.ABmag)
    assert np.allclose(mag, expected, rtol=0, atol=1e-9)
    assert np.allclose(err, 2.5 / np.log(10) * 0.01)
    assert AB_ZEROPOINT_NJY == 31.4


def dp1_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "diaObjectId": [11, 11, 11, 12],
            "midpointMjdTai": [60610.2, 60610.1, 60611.0, 60612.0],
            "band": ["g", "g", "r", "i"],
            "psfFlux": [1000.0, 1200.0, -3.0, np.nan],
            "psfFluxErr": [10.0, 12.0, 5.0, 5.0],
            "extendedness": [0.0, 0.0, 0.0, 0.0],
        }
    )


def test_dp1_table_is_converted_and_counted(tmp_path):
    assert is_dp1_table(dp1_table())
    path = tmp_path / "dp1.parquet"
    dp1_table().to_parquet(path)
    lcs = read_light_curves(path)
    assert lcs.object_ids.tolist() == [11]
    assert lcs.table["mjd"].tolist() == [60610.1, 60610.2]
    assert lcs.table["mag"].iloc[1] == pytest.approx(31.4 - 2.5 * np.log10(1000.0))
    assert lcs.table["mag_err"].iloc[1] == pytest.approx(2.5 / np.log(10) * 0.01)
    assert lcs.report.dropped["nonpositive_flux"] == 1
    assert lcs.report.dropped["nonfinite_mag"] == 1
    assert lcs.report.n_input == 4


def test_dp1_forced_photometry_joins_visit_times():
    forced = dp1_table().drop(columns="midpointMjdTai").assign(visit=[1, 2, 3, 4])
    visits = pd.DataFrame(
        {"visit": [1, 2, 3, 4], "expMidptMJD": [60600.0, 60601.0, 60602.0, 60603.0]}
    )
    lcs = from_dp1(forced, visits)
    assert lcs.table["mjd"].tolist() == [60600.0, 60601.0]
    with pytest.raises(LightCurveError, match="pass the Visit table"):
        from_dp1(forced)
    with pytest.raises(LightCurveError, match="missing from the Visit table"):
        from_dp1(forced, visits.iloc[:2])
    with pytest.raises(LightCurveError, match="needs the columns 'visit'"):
        from_dp1(forced, visits.rename(columns={"expMidptMJD": "mjd"}))
    with pytest.raises(LightCurveError, match=r"no column\(s\) \['psfFluxErr'\]"):
        from_dp1(dp1_table().drop(columns="psfFluxErr"))
