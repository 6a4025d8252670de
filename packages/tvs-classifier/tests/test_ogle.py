"""Tests of the bundled OGLE-III LMC catalog tables."""

import numpy as np
import pandas as pd
import pytest

from tvs_classifier.simulation.ogle import KINDS, load_ogle3

COUNTS = {
    "RRd": 986,
    "RRc": 4958,
    "ACep_F": 62,
    "ACep_1O": 21,
    "T2Cep": 203,
    "DSct": 2696,
    "DSct_multi": 92,
    "ECL": 26121,
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_tables_have_their_rows_and_valid_periods(kind):
    table = load_ogle3(kind)
    assert len(table) == COUNTS[kind]
    assert table["object"].is_unique
    assert table["period" if "period" in table else "period_1"].gt(0).all()
    assert table["I"].between(10, 23).all()


def test_ecl_columns_and_subtypes():
    ecl = load_ogle3("ECL")
    assert list(ecl.columns) == ["object", "period", "I", "V", "depth1", "depth2", "subtype"]
    counts = ecl["subtype"].value_counts()
    assert counts["ED"] == 16443
    assert counts["ESD"] == 6502
    assert counts["EC"] == 1048
    assert ecl["V"].isna().sum() == 222  # OGLE's "-"
    assert (ecl["depth1"] > 0).all()
    row = ecl.iloc[0]
    assert row["object"] == "OGLE-LMC-ECL-00001"
    assert (row["period"], row["I"], row["V"], row["depth1"], row["depth2"]) == (
        7.346722,
        18.659,
        19.646,
        0.337,
        0.092,
    )


def test_multimode_delta_scuti_rows_are_the_stars_lines():
    table = load_ogle3("DSct_multi")
    star = table.set_index("object").loc["OGLE-LMC-DSCT-0048"]  # the file's first star
    assert (star["I"], star["V"]) == (14.258, 14.716)
    assert (star["period_1"], star["A_1"], star["term_1"]) == (0.078967356, 0.094, "F")
    assert (star["period_3"], star["A_3"], star["term_3"]) == (0.061827407, 0.025, "1O")
    assert star["term_2"] == "=1/(P1/2)"
    assert star["period_8"] == 0.109255418
    n_terms = table.filter(like="period_").notna().sum(axis=1)
    assert n_terms.value_counts().to_dict() == {2: 68, 3: 18, 4: 3, 5: 1, 6: 1, 8: 1}
    # the first line is the strongest term (two stars: within 0.002 mag of it)
    amplitudes = table.filter(regex=r"^A_").to_numpy()
    shortfall = np.nanmax(amplitudes, axis=1) - amplitudes[:, 0]
    assert np.count_nonzero(shortfall > 0) == 2
    assert shortfall.max() <= 0.002 + 1e-12


def test_pulsator_columns():
    columns = ["object", "I", "V", "period", "amp_I", "R21", "phi21", "R31", "phi31"]
    assert list(load_ogle3("ACep_F").columns) == columns
    assert list(load_ogle3("T2Cep").columns) == [*columns, "subtype"]
    assert list(load_ogle3("DSct").columns) == columns[:7]
    rrd = load_ogle3("RRd")
    assert list(rrd.columns) == columns + [f"{c}_F" for c in columns[3:]]
    ratio = rrd["period"] / rrd["period_F"]
    assert ratio.between(0.72, 0.76).all()  # the RRd period ratio, P1O/PF ~ 0.745


def test_missing_values_are_nan_and_copies_are_independent():
    rrd = load_ogle3("RRd")
    first = rrd.iloc[0]
    assert first["R31"] == 0
    assert np.isnan(first["phi31"])
    rrd.loc[:, "period"] = -1.0
    assert (load_ogle3("RRd")["period"] > 0).all()


def test_unknown_kind_raises():
    with pytest.raises(ValueError, match="unknown OGLE-III table 'Cep'; choose from RRd"):
        load_ogle3("Cep")


def test_bundled_values_equal_the_original_tables(shared_data):
    folder = shared_data / "templates" / "ogle3_lmc_catalog_parameters"
    original = pd.read_csv(folder / "T2Cep" / "t2cep.dat", sep=r"\s+", header=None, na_values="-")
    t2cep = load_ogle3("T2Cep")
    assert t2cep["object"].tolist() == original[0].tolist()
    np.testing.assert_array_equal(t2cep["period"], original[3])
    np.testing.assert_array_equal(t2cep["phi31"], original[10])
    ident = pd.read_csv(folder / "ECL" / "ident.dat", sep=r"\s+", header=None, usecols=[0, 3])
    assert load_ogle3("ECL")["subtype"].tolist() == ident[3].tolist()
