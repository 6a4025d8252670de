"""Validation of light-curve tables: every kind of bad input."""

import numpy as np
import pandas as pd
import pytest

from tvs_classifier.lightcurves import COLUMNS, LightCurveError, LightCurves


def small(**changes) -> pd.DataFrame:
    base = {
        "object_id": ["a", "a", "b", "a"],
        "mjd": [60003.0, 60001.0, 60002.0, 60002.0],
        "band": ["g", "LSST_g", "r", "r"],
        "mag": [18.0, 18.1, 19.0, 17.5],
        "mag_err": [0.02, 0.02, 0.05, 0.03],
    }
    base.update(changes)
    return pd.DataFrame(base)


def test_valid_table_is_sorted_per_object_in_first_appearance_order():
    lcs = LightCurves.from_table(small())
    assert lcs.table.columns.tolist() == list(COLUMNS)
    assert lcs.object_ids.tolist() == ["a", "b"]
    assert lcs["a"]["mjd"].tolist() == [60001.0, 60002.0, 60003.0]
    assert lcs.n_points.tolist() == [3, 1]
    assert lcs.offsets.tolist() == [0, 3, 4]
    assert lcs.report.resorted
    assert lcs.report.n_dropped == 0
    assert lcs.bands == ("g", "r")
    assert lcs.report.band_names == {"LSST_g": "g", "g": "g", "r": "r"}


def test_sorted_input_is_not_reported_as_resorted():
    lcs = LightCurves.from_table(
        small(mjd=[60001.0, 60002.0, 60002.0, 60003.0], object_id=["a", "a", "b", "b"])
    )
    assert not lcs.report.resorted


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("mag", np.nan, "nonfinite_mag"),
        ("mag", np.inf, "nonfinite_mag"),
        ("mjd", np.nan, "nonfinite_mjd"),
        ("mag_err", np.nan, "bad_mag_err"),
        ("mag_err", 0.0, "bad_mag_err"),
        ("mag_err", -0.1, "bad_mag_err"),
        ("mag_err", np.inf, "bad_mag_err"),
        ("mag", 99.99, "placeholder_value"),
        ("mag", -99.0, "placeholder_value"),
        ("mag", -9999.0, "placeholder_value"),
        ("mag_err", 99.999, "placeholder_value"),
        ("band", None, "missing_id_or_band"),
        ("object_id", None, "missing_id_or_band"),
    ],
)
def test_bad_rows_are_dropped_and_counted(column, value, reason):
    table = small()
    table[column] = table[column].astype(object)
    table.loc[1, column] = value
    lcs = LightCurves.from_table(table)
    assert lcs.report.dropped[reason] == 1
    assert lcs.report.n_dropped == 1
    assert lcs.report.n_output == 3
    assert reason in lcs.report.summary()


def test_a_row_with_several_faults_is_counted_once():
    lcs = LightCurves.from_table(
        small(mag=[np.nan, 18.1, 19.0, 17.5], mag_err=[-1.0, 0.02, 0.05, 0.03])
    )
    assert lcs.report.n_dropped == 1


def test_exact_duplicates_are_dropped_and_counted():
    table = pd.concat([small(), small().iloc[[0]]], ignore_index=True)
    lcs = LightCurves.from_table(table)
    assert lcs.report.dropped["duplicate_rows"] == 1
    assert lcs.report.merged == 0
    assert len(lcs.table) == 4


def test_same_time_measurements_are_merged_by_weighted_mean():
    table = small(
        mjd=[60001.0, 60001.0, 60002.0, 60002.0],
        band=["g", "g", "r", "r"],
        mag=[18.0, 18.3, 19.0, 17.5],
        mag_err=[0.01, 0.02, 0.05, 0.03],
    )
    lcs = LightCurves.from_table(table)
    merged = lcs["a"].iloc[0]
    w = np.array([1 / 0.01**2, 1 / 0.02**2])
    assert merged["mag"] == pytest.approx(np.sum(w * [18.0, 18.3]) / w.sum())
    assert merged["mag_err"] == pytest.approx(0.01)  # not shrunk: same exposure
    assert lcs.report.merged == 1


def test_same_time_first_and_raise_policies():
    table = small(mjd=[60001.0, 60001.0, 60002.0, 60002.0], band=["g", "g", "r", "r"])
    first = LightCurves.from_table(table, duplicates="first")
    assert first["a"]["mag"].tolist() == [18.0, 17.5]
    with pytest.raises(LightCurveError, match="repeat an object, band and time"):
        LightCurves.from_table(table, duplicates="raise")
    with pytest.raises(LightCurveError, match="duplicates='average' is not known"):
        LightCurves.from_table(table, duplicates="average")


def test_repeats_apart_in_the_input_are_found_and_first_means_first_given():
    # Same object, band and time, separated by other rows and out of time order:
    # "first" keeps the value given first, not the smallest one; an exact duplicate
    # given far apart is still dropped, and another band at that time is kept.
    table = pd.DataFrame(
        {
            "object_id": ["a", "b", "a", "a", "b", "a", "a"],
            "mjd": [60003.0, 60001.0, 60001.0, 60002.0, 60001.0, 60001.0, 60001.0],
            "band": ["g", "g", "g", "g", "g", "r", "g"],
            "mag": [18.0, 15.0, 18.4, 18.1, 15.0, 17.0, 18.2],
            "mag_err": [0.02] * 7,
        }
    )
    first = LightCurves.from_table(table, duplicates="first")
    assert first.report.dropped["duplicate_rows"] == 1
    assert first.report.merged == 1
    assert first.report.resorted
    a = first["a"]
    assert a["mjd"].tolist() == [60001.0, 60001.0, 60002.0, 60003.0]
    assert a.loc[a["band"] == "g", "mag"].tolist() == [18.4, 18.1, 18.0]
    merged = LightCurves.from_table(table)["a"]
    at_start = merged[merged["mjd"] == 60001.0].set_index("band")["mag"]
    assert at_start.to_dict() == {"g": pytest.approx(18.3), "r": 17.0}


def test_missing_column_names_the_column_and_the_fix():
    with pytest.raises(LightCurveError, match=r"no column\(s\) \['mag_err'\].*columns="):
        LightCurves.from_table(small().drop(columns="mag_err"))


def test_renames_and_unknown_renames():
    table = small().rename(columns={"mjd": "time"})
    assert len(LightCurves.from_table(table, columns={"time": "mjd"})) == 2
    with pytest.raises(LightCurveError, match="renames unknown column"):
        LightCurves.from_table(table, columns={"t": "mjd"})
    with pytest.raises(LightCurveError, match="not light-curve columns"):
        LightCurves.from_table(table, columns={"time": "when"})


def test_empty_table_and_all_rows_dropped():
    with pytest.raises(LightCurveError, match="empty"):
        LightCurves.from_table(small().iloc[:0])
    with pytest.raises(LightCurveError, match="all 4 rows were dropped"):
        LightCurves.from_table(small(mag_err=[-1.0] * 4))


def test_non_numeric_values_and_non_tables_are_refused():
    with pytest.raises(LightCurveError) as error:
        LightCurves.from_table(small(mag=["18.0", "bright", "19", "17"]))
    assert str(error.value) == "column 'mag' row 1: 'bright' is not a number; correct or remove it"
    words = np.array(["60001.0", "60002.0", "60003.0", "soon"])  # numpy strings, shown plainly
    with pytest.raises(LightCurveError, match=r"^column 'mjd' row 3: 'soon' is not a number"):
        LightCurves.from_table(small(mjd=words))
    with pytest.raises(
        LightCurveError, match=r"^column 'mag_err' row 0: \[0\.1\] is not a number"
    ):
        LightCurves.from_table(small(mag_err=[[0.1], 0.02, 0.05, 0.03]))
    renamed = small(mag=["18.0", "18.1", "abc", "17.5"]).rename(columns={"mag": "psfMag"})
    with pytest.raises(LightCurveError, match=r"^column 'mag' row 2: 'abc'"):
        LightCurves.from_table(renamed, columns={"psfMag": "mag"})
    with pytest.raises(LightCurveError, match="expected a pandas DataFrame"):
        LightCurves.from_table({"mjd": [1.0]})


def test_numbers_as_text_and_missing_values_are_read():
    lcs = LightCurves.from_table(small(mag=["18.0", "18.1", None, "17.5"]))
    assert lcs.table["mag"].dtype == np.float64
    assert lcs.report.dropped["nonfinite_mag"] == 1


def test_the_command_line_names_the_column_and_row_of_a_bad_value(tmp_path, capsys):
    from tvs_classifier.cli import main

    source = tmp_path / "bad.csv"
    source.write_text(
        "object_id,mjd,band,mag,mag_err\n"
        "a,60001.0,g,18.0,0.02\n"
        "a,60002.0,g,18.1,0.02\n"
        "a,60003.0,g,abc,0.02\n"
    )
    output = tmp_path / "classes.csv"
    assert main(["classify", str(source), "-o", str(output), "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert "column 'mag' row 2: 'abc' is not a number" in err
    assert err.count("\n") == 1
    assert "np.str_" not in err
    assert not output.exists()


def test_julian_dates_are_refused_with_the_fix():
    with pytest.raises(LightCurveError, match=r"subtract 2400000\.5"):
        LightCurves.from_table(small(mjd=[2460001.5, 2460002.5, 2460003.5, 2460004.5]))


def test_numeric_ids_band_index_select_and_iteration(table):
    table = table.assign(object_id=table["object_id"].str[3:].astype(int))
    lcs = LightCurves.from_table(table)
    assert lcs.object_ids.tolist() == [0, 1, 2]
    assert set(lcs.band_index(("r",)).tolist()) == {-1, 0}
    assert [object_id for object_id, _ in lcs] == [0, 1, 2]
    assert all(np.all(np.diff(lc["mjd"]) >= 0) for _, lc in lcs)
    assert len(lcs.select([1, 2])) == 2
    with pytest.raises(KeyError):
        lcs[99]
    with pytest.raises(KeyError):
        lcs.select([99])
