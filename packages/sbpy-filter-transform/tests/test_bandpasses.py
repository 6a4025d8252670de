"""Tests of bandpasses.py: names, files, arrays, metadata and bad input."""

from __future__ import annotations

import astropy.units as u
import numpy as np
import pytest
import synphot
from astropy.table import QTable

from sbpy_filter_transform.bandpasses import (
    LSST_BANDS,
    get_bandpass,
    list_bandpasses,
    to_photon_counting,
)


@pytest.mark.parametrize("band", "ugrizy")
def test_lsst_matches_shared_throughputs(shared_data, band):
    raw = np.loadtxt(shared_data / "lsst_throughputs" / f"total_{band}.dat")
    bp = get_bandpass(f"LSST {band}")
    # Wavelengths are rounded to 0.1 nm (|change| < 1e-9 nm); throughputs are unchanged.
    rounded = np.round(raw[:, 0], 1)
    assert np.abs(rounded - raw[:, 0]).max() < 1e-9
    np.testing.assert_array_equal(bp(rounded * u.nm).value, raw[:, 1])
    meta = bp.meta
    assert meta["version"] == "1.9"
    assert meta["airmass"] == 1.2
    assert meta["counting"] == "photon"
    assert meta["commit"] == "e70d1daf069e606caa3feb43eccc62ec21e0baf5"
    assert "lsst/throughputs" in meta["source"]
    assert "citation" in meta


def test_lsst_pivots_published():
    # Pivot wavelengths of lsst/throughputs 1.9 total curves (nm), to 0.5 nm.
    expected = {"u": 371.6, "g": 478.7, "r": 620.8, "i": 754.9, "z": 867.4, "y": 974.6}
    for band, pivot in expected.items():
        assert get_bandpass(f"LSST {band}").pivot().to_value(u.nm) == pytest.approx(pivot, abs=0.5)


def test_every_listed_name_loads_case_insensitively():
    names = list_bandpasses()
    assert names[:6] == list(LSST_BANDS)
    assert len(names) == 33
    for name in names:
        bp = get_bandpass(name.upper().replace(" ", "_"))
        assert bp.meta["name"] == name
        assert bp.meta["counting"] == "photon"
        assert bp.model.is_tapered()


def test_sbpy_names_equal_sbpy_curves():
    from sbpy.photometry import bandpass

    for name in ("ATLAS o", "ATLAS c", "PS1 w", "SDSS r", "Johnson V", "2MASS J"):
        ours, theirs = get_bandpass(name), bandpass(name)
        wave = theirs.waveset
        np.testing.assert_array_equal(ours(wave).value, theirs(wave).value)


def test_energy_counting_wise_converted():
    from sbpy.photometry import bandpass

    bp = get_bandpass("WISE W1")
    assert bp.meta["converted_from"] == "energy"
    raw = bandpass("WISE W1")
    wave = raw.waveset[raw(raw.waveset).value > 0.1]
    ratio = bp(wave).value / (raw(wave).value / wave.value)
    np.testing.assert_allclose(ratio, ratio[0], rtol=1e-10)


def test_to_photon_counting_divides_by_wavelength():
    flat = synphot.SpectralElement(
        synphot.models.Empirical1D, points=[1000, 2000, 4000] * u.nm, lookup_table=[1.0, 1.0, 1.0]
    )
    photon = to_photon_counting(flat)
    assert photon(1000 * u.nm).value == pytest.approx(1.0)
    assert photon(4000 * u.nm).value == pytest.approx(0.25)


def test_unknown_name_suggests_close_names():
    with pytest.raises(ValueError, match=r"unknown bandpass 'ATLAS 0'.*Did you mean 'ATLAS o'"):
        get_bandpass("ATLAS 0")
    with pytest.raises(ValueError, match="Did you mean 'LSST r'"):
        get_bandpass("LSST rr")


def test_arrays_and_synphot_object():
    bp = get_bandpass([500, 501, 600, 601] * u.nm, [0, 1, 1, 0], name="box")
    assert bp.meta["name"] == "box"
    assert bp.pivot().to_value(u.nm) == pytest.approx(548.27, abs=0.01)
    same = get_bandpass(bp)
    assert same.meta["name"] == "box"
    assert get_bandpass(
        np.array([5000, 5010, 6000, 6010]), [0, 1, 1, 0], wave_unit="AA"
    ).pivot().to_value(u.nm) == pytest.approx(548.27, abs=0.01)


def test_ecsv_and_text_files(tmp_path):
    table = QTable({"wavelength": [500, 501, 600, 601] * u.nm, "throughput": [0, 1, 1, 0]})
    table.meta["counting"] = "energy"
    table.write(tmp_path / "box.ecsv")
    bp = get_bandpass(tmp_path / "box.ecsv")
    assert bp.meta["converted_from"] == "energy"
    assert bp.meta["name"] == "box"
    text = tmp_path / "box.dat"
    text.write_text("# wavelength throughput\n5000 0\n5010 1\n6000 1\n6010 0\n")
    assert get_bandpass(str(text), wave_unit="AA").pivot().to_value(u.nm) == pytest.approx(
        548.27, abs=0.01
    )
    with pytest.raises(u.UnitsError, match="wave_unit"):
        get_bandpass(text)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        get_bandpass(tmp_path / "missing.ecsv")


@pytest.mark.parametrize(
    ("wave", "values", "error", "match"),
    [
        ([500, 600, 550] * u.nm, [0, 1, 0], ValueError, "not strictly increasing"),
        ([500, 500, 600] * u.nm, [0, 1, 0], ValueError, "not strictly increasing"),
        ([500, np.nan, 600] * u.nm, [0, 1, 0], ValueError, "NaN"),
        ([500, 550, 600] * u.nm, [0, np.nan, 0], ValueError, "NaN"),
        ([500, 550, 600] * u.nm, [0, 1], ValueError, "equal length"),
        ([500, 550, 600] * u.nm, [0, 0, 0], ValueError, "no positive throughput"),
        ([500, 550, 600] * u.nm, [0, -1, 0], ValueError, "negative"),
        ([] * u.nm, [], ValueError, "empty"),
        ([500, 550, 600] * u.s, [0, 1, 0], u.UnitsError, "not a length"),
        ([500, 550, 600], [0, 1, 0], u.UnitsError, "no unit"),
        ([500, 550, 600] * u.nm, [0, 1, 0] * u.m, u.UnitsError, "dimensionless"),
    ],
)
def test_bad_arrays(wave, values, error, match):
    with pytest.raises(error, match=match):
        get_bandpass(wave, values)


def test_bad_types():
    with pytest.raises(TypeError, match="cannot make a bandpass"):
        get_bandpass(42)
    with pytest.raises(ValueError, match="needs its throughput"):
        get_bandpass([1, 2] * u.nm)


def test_counting_flag_on_arrays():
    wave, values = [500, 501, 600, 601] * u.nm, [0, 1, 1, 0]
    photon = get_bandpass(wave, values)
    energy = get_bandpass(wave, values, counting="energy")
    assert energy.meta["converted_from"] == "energy"
    assert energy.meta["counting"] == "photon"
    # At the tabulated wavelengths the photon-counting curve is T / lambda.
    ratio = energy(501 * u.nm).value / energy(600 * u.nm).value
    assert ratio == pytest.approx(600 / 501, rel=1e-9)
    assert photon(550 * u.nm).value == photon(590 * u.nm).value
    with pytest.raises(ValueError, match="counting must be"):
        get_bandpass(wave, values, counting="photons")
    with pytest.raises(ValueError, match="bundled name"):
        get_bandpass("LSST r", counting="energy")


def test_every_name_sbpy_documents_is_listed():
    # The names in the table of sbpy.photometry.bandpass's docstring (the installed sbpy)
    # must all be accepted: a newer sbpy that adds a band makes this fail, not the user.
    import re

    from sbpy.photometry import bandpass

    documented = re.findall(r"^\s*\|\s*([^|+=]+?)\s*\|\s*[^|]+\|\s*$", bandpass.__doc__, re.M)
    documented = [name for name in documented if name != "Name"]
    assert len(documented) >= 27
    ours = {name.lower() for name in list_bandpasses()}
    assert {name.lower() for name in documented} <= ours
