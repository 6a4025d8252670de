"""Tests of offset, transform and to_lsst."""

from __future__ import annotations

import astropy.units as u
import numpy as np
import pytest
from astropy.table import Column
from sbpy.units import VEGAmag

from sbpy_filter_transform.spectra import SpectrumCoverageError, busdemeo_sun
from sbpy_filter_transform.systems import synthetic_magnitude
from sbpy_filter_transform.transform import offset, to_lsst, transform


def test_offset_is_difference_of_synphot_magnitudes():
    for spectrum in ("sun", "slope:15", busdemeo_sun("S")):
        expected = (
            synthetic_magnitude(spectrum, "LSST r").value
            - synthetic_magnitude(spectrum, "ATLAS o").value
        )
        assert offset("ATLAS o", "LSST r", spectrum).value == pytest.approx(expected, abs=1e-12)
    forward = offset("ATLAS o", "LSST g", "sun")
    assert offset("LSST g", "ATLAS o", "sun").value == pytest.approx(-forward.value, abs=1e-12)


def test_offset_mixed_systems():
    expected = (
        synthetic_magnitude("sun", "LSST r", "AB").value
        - synthetic_magnitude("sun", "Johnson V", "Vega").value
    )
    assert offset("Johnson V", "LSST r", "sun", "Vega", "AB").value == pytest.approx(
        expected, abs=1e-12
    )


def test_transform_inputs_and_units():
    shift = offset("ATLAS o", "LSST r", "sun").value
    for mags in (
        [18.0, 19.0],
        np.array([18.0, 19.0]),
        [18.0, 19.0] * u.mag,
        [18.0, 19.0] * u.ABmag,
        Column([18.0, 19.0]),
    ):
        result = transform(mags, "ATLAS o", "LSST r", "sun")
        assert result.unit == u.ABmag
        np.testing.assert_allclose(result.value, [18.0 + shift, 19.0 + shift], atol=1e-12)
    assert transform([18.0], "Johnson V", "LSST r", system="Vega").unit == VEGAmag
    with pytest.raises(u.UnitsError, match="system is AB"):
        transform([18.0] * u.STmag, "ATLAS o", "LSST r")
    with pytest.raises(ValueError, match="NaN"):
        transform([18.0, np.nan], "ATLAS o", "LSST r")
    with pytest.raises(ValueError, match="empty"):
        transform([], "ATLAS o", "LSST r")


def test_transform_per_object_slopes_match_synphot():
    slopes = np.array([0.0, 5.0, 12.0, 20.0])
    result = transform(
        np.full(4, 18.0), "ATLAS o", "LSST r", slope=slopes * u.percent / (100 * u.nm)
    )
    expected = [18.0 + offset("ATLAS o", "LSST r", f"slope:{s}").value for s in slopes]
    np.testing.assert_allclose(result.value, expected, rtol=0, atol=1e-4)
    with pytest.raises(ValueError, match="multiplies the Sun"):
        transform([18.0], "ATLAS o", "LSST r", "blackbody:5000", slope=[5.0])


def test_uncertainties_propagate():
    _, errs = transform([18.0], "ATLAS o", "LSST r", mag_err=[0.02])
    assert errs.value == pytest.approx([0.02])
    _, errs = transform([18.0], "ATLAS o", "LSST g", slope=[10.0], mag_err=[0.0], slope_err=[3.0])
    derivative = (
        offset("ATLAS o", "LSST g", "slope:10.5").value
        - offset("ATLAS o", "LSST g", "slope:9.5").value
    )
    assert errs.value[0] == pytest.approx(abs(derivative) * 3.0, rel=2e-3)
    with pytest.raises(ValueError, match="negative"):
        transform([18.0], "ATLAS o", "LSST r", mag_err=[-0.1])
    with pytest.raises(ValueError, match="needs slope"):
        transform([18.0], "ATLAS o", "LSST r", slope_err=[1.0])


def test_to_lsst_table_and_metadata():
    table = to_lsst([18.0, 19.0] * u.ABmag, "ATLAS o", "slope:10", mag_err=[0.01, 0.02])
    assert table.colnames[:3] == ["mag", "mag_err", "LSST_u"]
    assert table.meta["throughput_version"] == "1.9"
    assert "slope 10 %/100 nm" in table.meta["spectrum"]
    assert table.meta["from_system"] == "AB"
    assert table.meta["to_system"] == "AB"
    expected = 18.0 + offset("ATLAS o", "LSST i", "slope:10").value
    assert table["LSST_i"][0].value == pytest.approx(expected, abs=1e-12)
    assert table["LSST_y_err"][1].value == pytest.approx(0.02)


def test_to_lsst_coverage_and_extension_metadata():
    with pytest.raises(SpectrumCoverageError, match="LSST u"):
        to_lsst([18.0], "ATLAS o", busdemeo_sun("S"))
    table = to_lsst([18.0], "ATLAS o", busdemeo_sun("S", extension="constant"))
    assert table.meta["extension"] == "constant"


def test_transform_per_object_taxon_and_temperature():
    result = transform([18.0, 18.0, 18.0], "ATLAS o", "LSST r", taxon=["S", "C", "S"])
    expected_s = 18.0 + offset("ATLAS o", "LSST r", busdemeo_sun("S")).value
    expected_c = 18.0 + offset("ATLAS o", "LSST r", busdemeo_sun("C")).value
    np.testing.assert_allclose(result.value, [expected_s, expected_c, expected_s], atol=1e-12)
    with pytest.raises(SpectrumCoverageError, match="extension"):
        transform([18.0], "ATLAS o", "LSST u", taxon=["S"])
    extended = transform([18.0], "ATLAS o", "LSST u", taxon=["S"], extension="linear")
    expected = 18.0 + offset("ATLAS o", "LSST u", busdemeo_sun("S", extension="linear")).value
    assert extended.value[0] == pytest.approx(expected, abs=1e-12)
    mags, errs = transform(
        [18.0, 18.0],
        "ATLAS o",
        "LSST g",
        temperature=[4000.0, 9000.0],
        temperature_err=[100.0, 0.0],
    )
    reference = [18.0 + offset("ATLAS o", "LSST g", f"blackbody:{t}").value for t in (4000, 9000)]
    np.testing.assert_allclose(mags.value, reference, atol=1e-4)
    assert errs.value[1] == 0
    slope_k = (
        offset("ATLAS o", "LSST g", "blackbody:4050").value
        - offset("ATLAS o", "LSST g", "blackbody:3950").value
    ) / 100
    assert errs.value[0] == pytest.approx(abs(slope_k) * 100, rel=1e-2)


def test_transform_per_object_errors():
    with pytest.raises(ValueError, match="only one per-object"):
        transform([18.0], "ATLAS o", "LSST r", slope=[1.0], taxon=["S"])
    with pytest.raises(ValueError, match="temperature_err needs temperature"):
        transform([18.0], "ATLAS o", "LSST r", temperature_err=[1.0])
    with pytest.raises(ValueError, match="outside the grid"):
        transform([18.0], "ATLAS o", "LSST r", temperature=[500.0])
    with pytest.raises(ValueError, match="one value per magnitude"):
        transform([18.0, 19.0], "ATLAS o", "LSST r", slope=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="Did you mean 'Sq'"):
        transform([18.0], "ATLAS o", "LSST r", taxon=["Sqq"])


def test_to_lsst_per_object_metadata():
    table = to_lsst([18.0, 18.0], "ATLAS o", taxon=["S", "C"], extension="linear")
    assert table.meta["extension"] == "linear"
    assert "Bus-DeMeo" in table.meta["spectrum"]
    assert list(table["taxon"]) == ["S", "C"]
    table = to_lsst([18.0], "ATLAS o", temperature=[5000.0], mag_err=[0.1])
    assert table["LSST_r_err"][0].value == pytest.approx(0.1)
    assert "blackbody" in table.meta["spectrum"]


def test_transform_table_accepts_sbpy_obs():
    from sbpy.data import Obs

    from sbpy_filter_transform.transform import transform_table

    obs = Obs.from_dict(
        {
            "mag": [18.0, 18.5, 17.0] * u.mag,
            "mag_err": [0.01, 0.02, 0.03] * u.mag,
            "filter": ["ATLAS o", "ATLAS c", "ATLAS o"],
            "slope": [5.0, 10.0, 15.0],
        }
    )
    out = transform_table(
        obs, ["LSST r", "LSST i"], filter_col="filter", err_col="mag_err", slope_col="slope"
    )
    expected = [
        transform([m], f, "LSST i", slope=[s]).value[0]
        for m, f, s in ((18.0, "ATLAS o", 5.0), (18.5, "ATLAS c", 10.0), (17.0, "ATLAS o", 15.0))
    ]
    np.testing.assert_allclose(out["LSST_i"].value, expected, atol=1e-12)
    np.testing.assert_allclose(out["LSST_r_err"].value, [0.01, 0.02, 0.03])
    assert out.meta["throughput_version"] == "1.9"
    assert out.meta["system"] == "AB"
    assert "per-row slope" in out.meta["spectrum"]
    assert "LSST_r" not in obs.table.colnames  # input untouched


def test_transform_table_bad_input():
    from astropy.table import QTable

    from sbpy_filter_transform.transform import transform_table

    table = QTable({"mag": [18.0], "filter": ["ATLAS o"]})
    with pytest.raises(ValueError, match="exactly one of from_band and filter_col"):
        transform_table(table, "LSST r", from_band="ATLAS o", filter_col="filter")
    with pytest.raises(KeyError, match="columns are mag, filter"):
        transform_table(table, "LSST r", from_band="ATLAS o", mag_col="m")
    with pytest.raises(ValueError, match="no rows"):
        transform_table(table[:0], "LSST r", from_band="ATLAS o")
    bad = QTable({"mag": [18.0], "filter": ["ATLAS 0"]})
    with pytest.raises(ValueError, match="Did you mean 'ATLAS o'"):
        transform_table(bad, "LSST r", filter_col="filter")


def test_values_that_are_not_numbers_are_named_with_their_place():
    from astropy.table import QTable, Table

    from sbpy_filter_transform.transform import transform_table

    words = np.array(["18.0", "19.0", "abc"])  # numpy strings, shown as plain Python ones
    with pytest.raises(ValueError, match="is not a number") as error:
        transform(words, "ATLAS o", "LSST r")
    assert str(error.value) == "mags[2]: 'abc' is not a number; correct or remove it"
    with pytest.raises(ValueError, match=r"^slope\[1\]: 'steep' is not a number"):
        transform([18.0, 19.0], "ATLAS o", "LSST r", slope=[5.0, "steep"])
    with pytest.raises(ValueError, match=r"^mag_err\[0\]: 'n/a' is not a number"):
        to_lsst([18.0], "ATLAS o", mag_err=np.array(["n/a"]))
    table = Table({"mag": words, "err": ["0.1", "0.1", "0.1"]})
    with pytest.raises(ValueError, match="is not a number") as error:
        transform_table(table, "LSST r", from_band="ATLAS o", err_col="err")
    assert str(error.value) == "column 'mag' row 2: 'abc' is not a number; correct or remove it"
    table = QTable({"mag": [18.0, 19.0], "err": ["0.1", "x"]})
    with pytest.raises(ValueError, match=r"^column 'err' row 1: 'x' is not a number"):
        transform_table(table, "LSST r", from_band="ATLAS o", err_col="err")
    # Numbers written as text are numbers; a missing value names its row.
    text = transform_table(Table({"mag": ["18.0"]}), "LSST r", from_band="ATLAS o")
    assert text["LSST_r"].value[0] == pytest.approx(
        transform([18.0], "ATLAS o", "LSST r").value[0]
    )
    missing = Table({"mag": [18.0, 19.0]}, masked=True)
    missing["mag"].mask = [False, True]
    with pytest.raises(ValueError, match=r"^column 'mag' row 1: NaN, infinite or empty; correct"):
        transform_table(missing, "LSST r", from_band="ATLAS o")


def test_per_object_slopes_at_another_normalization_wavelength():
    # Slopes normalized at 1 um (sbpy's SpectralGradient.renormalize convention) give
    # the same magnitudes as the exact path with reddened_sun(..., wave0=1 um).
    from sbpy_filter_transform.spectra import reddened_sun

    slopes = np.array([3.0, 8.0])
    result = transform(np.zeros(2), "ATLAS o", "LSST g", slope=slopes, wave0=1 * u.um).value
    expected = [offset("ATLAS o", "LSST g", reddened_sun(s, wave0=1 * u.um)).value for s in slopes]
    np.testing.assert_allclose(result, expected, rtol=0, atol=1e-4)
    same_at_550 = transform(np.zeros(2), "ATLAS o", "LSST g", slope=slopes).value
    assert np.all(np.abs(result - same_at_550) > 1e-3)
