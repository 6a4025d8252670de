"""Band-name normalization."""

import numpy as np
import pytest

from tvs_classifier.bands import LSST_BANDS, normalize_band, normalize_bands


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("g", "g"),
        ("LSST_g", "g"),
        ("lsst-r", "r"),
        ("LSST i", "i"),
        ("LSST_Z", "z"),
        ("lsst.y", "y"),
        (" u ", "u"),
        ("G", "G"),  # Gaia G, not LSST g
        ("R", "R"),  # Johnson-Cousins R
        ("ztf_g", "ztf_g"),
        ("R_E", "R_E"),
        ("lsst_w", "lsst_w"),
    ],
)
def test_normalize_band(given, expected):
    assert normalize_band(given) == expected


def test_band_map_applies_before_normalization():
    assert normalize_band("SDSS_g", {"SDSS_g": "LSST_g"}) == "g"


def test_empty_band_name_is_refused():
    with pytest.raises(ValueError, match="empty band name"):
        normalize_band("  ")


def test_normalize_bands_keeps_order():
    names = np.array(["r", "LSST_u", "r", "B"], dtype=object)
    assert normalize_bands(names).tolist() == ["r", "u", "r", "B"]
    assert LSST_BANDS == ("u", "g", "r", "i", "z", "y")
