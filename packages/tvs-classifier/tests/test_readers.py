"""File readers and the Rubin DP1 conversion."""

import astropy.units as u
import numpy as np
import pandas as pd
import pytest

from tvs_classifier.io.readers import (
    read_light_curve_files,
    read_light_curves,
    read_table,
    table_periods,
)
from tvs_classifier.io.rubin import AB_ZEROPOINT_NJY, from_dp1, is_dp1_table, njy_to_ab_mag
from tvs_classifier.lightcurves import LightCurveError


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
    with pytest.raises(LightCurveError, match=r"no column\(s\) \['psfFlux and psfFluxErr"):
        from_dp1(dp1_table().drop(columns="psfFluxErr"))


def test_bad_files_name_the_problem(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(LightCurveError, match=r"empty.csv: cannot be read as csv"):
        read_light_curves(empty)
    header = tmp_path / "header.csv"
    header.write_text("object_id,mjd,band,mag,mag_err\n")
    with pytest.raises(LightCurveError, match=r"header.csv: the light-curve table is empty"):
        read_light_curves(header)
    jd = tmp_path / "jd.csv"
    jd.write_text("object_id,mjd,band,mag,mag_err\nA,2460000.5,g,18.0,0.1\n")
    with pytest.raises(LightCurveError, match="Julian Date"):
        read_light_curves(jd)
    text = tmp_path / "text.csv"
    text.write_text("object_id,mjd,band,mag,mag_err\nA,1.0,g,bright,0.1\n")
    with pytest.raises(LightCurveError, match="column 'mag' row 0: 'bright' is not a number"):
        read_light_curves(text)


def test_reader_duplicates_bands_and_sorting(tmp_path):
    path = tmp_path / "lc.csv"
    path.write_text(
        "object_id,mjd,band,mag,mag_err\n"
        "B,3.0,LSST_g,15.0,0.1\n"
        "B,1.0,g,15.2,0.1\n"
        "B,1.0,g,15.2,0.1\n"  # exact copy: dropped
        "B,2.0,ztf_r,15.1,0.1\n"  # another survey's band: kept as it is
        "B,4.0,g,15.1,nan\n"  # NaN error: dropped
        "A,1.0,G,14.0,0.1\n"
        "A,1.0,G,14.2,0.1\n"  # same time, other value: merged
        "A,0.5,G,14.1,0.0\n"  # zero error: dropped
    )
    lcs = read_light_curves(path)
    assert lcs.object_ids.tolist() == ["B", "A"]
    assert lcs["B"]["mjd"].tolist() == [1.0, 2.0, 3.0]
    assert lcs["B"]["band"].tolist() == ["g", "ztf_r", "g"]
    assert lcs["A"]["band"].tolist() == ["G"]  # Gaia G is kept, not taken for LSST g
    assert lcs["A"]["mag"].tolist() == pytest.approx([14.1])
    assert lcs.report.dropped["duplicate_rows"] == 1
    assert lcs.report.dropped["bad_mag_err"] == 2
    assert lcs.report.merged == 1
    assert lcs.report.band_names["ztf_r"] == "ztf_r"
    with pytest.raises(LightCurveError, match=r"lc.csv: 1 measurement\(s\) repeat"):
        read_light_curves(path, duplicates="raise")


def test_dp1_file_with_unknown_band_names_the_file(tmp_path):
    path = tmp_path / "dp1.csv"
    dp1_table().assign(band=["g", "g", "r", "Y"]).to_csv(path, index=False)
    with pytest.raises(LightCurveError, match=r"dp1.csv: band\(s\) \['Y'\] are not LSST"):
        read_light_curves(path)
    assert read_light_curves(path, band_map={"Y": "y"}).bands == ("g",)


def nested_frame(nested_name="diaSource", sources=None):
    from nested_pandas import NestedFrame

    objects = pd.DataFrame(
        {"diaObjectId": [21, 22, 23], "ra": [1.0, 2.0, 3.0], "dec": [0.0, 0.0, 0.0]},
        index=[10, 11, 12],
    )
    if sources is None:
        sources = pd.DataFrame(
            {
                "midpointMjdTai": [60610.3, 60610.1, 60611.0, 60612.0, 60613.0],
                "band": ["g", "g", "r", "i", "i"],
                "psfFlux": [1000.0, 1200.0, -3.0, 900.0, 950.0],
                "psfFluxErr": [10.0, 12.0, 5.0, 5.0, np.nan],
            },
            index=[10, 10, 10, 12, 12],  # object 22 has no source
        )
    return NestedFrame(objects).join_nested(sources, nested_name)


def test_nested_dp1_frame_is_converted():
    from tvs_classifier.io.readers import from_nested

    lcs = from_nested(nested_frame())
    assert lcs.object_ids.tolist() == [21, 23]
    assert lcs[21]["mjd"].tolist() == [60610.1, 60610.3]
    assert lcs[21]["mag"].iloc[1] == pytest.approx(31.4 - 2.5 * np.log10(1000.0))
    assert lcs.report.dropped["nonpositive_flux"] == 1
    assert lcs.report.dropped["bad_mag_err"] == 1


def test_nested_magnitudes_with_renames_and_errors():
    from tvs_classifier.io.readers import from_nested

    lc = pd.DataFrame(
        {
            "time": [2.0, 1.0, 1.5],
            "band": ["LSST_r", "r", "ztf_g"],
            "m": [15.0, 15.1, 15.3],
            "e": [0.01, 0.01, 0.02],
        },
        index=[10, 10, 11],
    )
    frame = nested_frame("lc", lc).rename(columns={"diaObjectId": "sourceid"})
    with pytest.raises(LightCurveError, match="no object id column among the base columns"):
        from_nested(frame)
    lcs = from_nested(
        frame, id_column="sourceid", columns={"time": "mjd", "m": "mag", "e": "mag_err"}
    )
    assert lcs[21]["mjd"].tolist() == [1.0, 2.0]
    assert lcs[21]["band"].tolist() == ["r", "r"]
    assert lcs[22]["band"].tolist() == ["ztf_g"]
    with pytest.raises(LightCurveError, match="id_column='oid' is not a base column"):
        from_nested(frame, id_column="oid")
    with pytest.raises(LightCurveError, match=r"no column\(s\) \['mjd', 'mag', 'mag_err'\]"):
        from_nested(frame, id_column="sourceid")
    both = frame.join_nested(nested_frame()["diaSource"].nest.to_flat(), "diaSource")
    with pytest.raises(LightCurveError, match="several nested columns"):
        from_nested(both, id_column="sourceid")
    assert len(from_nested(both, nested_column="diaSource", id_column="sourceid")) == 2
    with pytest.raises(LightCurveError, match="nested_column='dia' is not a nested column"):
        from_nested(both, nested_column="dia")
    with pytest.raises(LightCurveError, match="expected a nested-pandas NestedFrame"):
        from_nested(pd.DataFrame({"diaObjectId": [1]}))


def test_nested_forced_photometry_joins_visits():
    from tvs_classifier.io.readers import from_nested

    forced = pd.DataFrame(
        {"visit": [1, 2], "band": ["z", "z"], "psfFlux": [500.0, 600.0], "psfFluxErr": [5.0, 5.0]},
        index=[10, 10],
    )
    visits = pd.DataFrame({"visit": [1, 2], "expMidptMJD": [60601.0, 60600.0]})
    lcs = from_nested(nested_frame("diaObjectForcedSource", forced), visits=visits)
    assert lcs.table["mjd"].tolist() == [60600.0, 60601.0]
    with pytest.raises(LightCurveError, match="pass the Visit table"):
        from_nested(nested_frame("diaObjectForcedSource", forced))


@pytest.mark.slow
def test_nested_lsdb_catalog_is_computed():
    lsdb = pytest.importorskip("lsdb")
    from tvs_classifier.io.readers import from_nested

    catalog = lsdb.from_dataframe(nested_frame(), ra_column="ra", dec_column="dec")
    lcs = from_nested(catalog, nested_column="diaSource")
    assert sorted(lcs.object_ids.tolist()) == [21, 23]
    assert lcs.report.dropped["nonpositive_flux"] == 1


def test_dp1_parquet_units_written_by_astropy_are_checked(tmp_path):
    from astropy.table import Table

    table = Table.from_pandas(dp1_table().iloc[:2])
    table["psfFlux"].unit = table["psfFluxErr"].unit = u.uJy
    table.write(tmp_path / "ujy.parquet")
    lcs = read_light_curves(tmp_path / "ujy.parquet")
    assert lcs.table["mag"].iloc[1] == pytest.approx(31.4 - 2.5 * np.log10(1.0e6))
    table["psfFlux"].unit = table["psfFluxErr"].unit = u.mag
    table.write(tmp_path / "mag.parquet")
    with pytest.raises(
        LightCurveError, match=r"mag.parquet: column 'psfFlux' is in mag, not a flux"
    ):
        read_light_curves(tmp_path / "mag.parquet")


def test_paths_given_as_strings_are_read(tmp_path, table):
    csv = tmp_path / "lc.csv"
    parquet = tmp_path / "lc.parquet"
    table.to_csv(csv, index=False)
    table.to_parquet(parquet)
    for path in (csv, parquet):
        assert len(read_light_curves(str(path))) == 3


def test_table_periods_one_per_object_and_conflicts_named():
    table = pd.DataFrame({"object_id": ["B", "A", "A", "B", "C"], "P": [0.7, 0.5, 0.5, 0.7, None]})
    assert table_periods(table, "P").to_dict() == {"B": 0.7, "A": 0.5}
    with pytest.raises(LightCurveError, match="several periods for object 'A'"):
        table_periods(table.assign(P=[0.7, 0.5, 0.6, 0.7, None]), "P")
    with pytest.raises(LightCurveError, match="row 1: 'x' is not a number"):
        table_periods(table.assign(P=["0.7", "x", "0.5", "0.7", None]), "P")
