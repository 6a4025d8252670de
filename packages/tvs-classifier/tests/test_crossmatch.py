"""Cross-matching a labelled catalog with survey objects, and training sets."""

import astropy.units as u
import numpy as np
import pandas as pd
import pytest
from astropy.table import QTable

from tvs_classifier import LightCurves
from tvs_classifier.classifier.crossmatch import (
    CrossmatchError,
    build_training_set,
    crossmatch,
    mean_magnitudes,
)

ARCSEC = 1.0 / 3600.0


def catalog_and_objects(n=300, seed=1):
    """Catalog entries with a survey counterpart 0.3 arcsec away, plus field objects."""
    rng = np.random.default_rng(seed)
    ra = rng.uniform(0, 360, n)
    dec = np.degrees(np.arcsin(rng.uniform(-1, 1, n)))
    catalog = pd.DataFrame(
        {
            "ra": ra,
            "dec": dec,
            "class": rng.choice(["RRLyr", "Cep", "EB"], n),
            "subclass": rng.choice(["a", "b"], n),
            "period": rng.uniform(0.2, 10, n),
            "mag": rng.uniform(14, 20, n),
        }
    )
    # counterpart 0.3 arcsec north (valid at any RA and up to the pole)
    objects = pd.DataFrame(
        {
            "object_id": np.arange(n) + 1000,
            "ra": ra,
            "dec": np.clip(dec + 0.3 * ARCSEC, -90, 90),
            "mag": catalog["mag"] + rng.normal(0, 0.05, n),
        }
    )
    field = pd.DataFrame(
        {
            "object_id": np.arange(50) + 5000,
            "ra": rng.uniform(0, 360, 50),
            "dec": rng.uniform(-60, 60, 50),
            "mag": 18.0,
        }
    )
    return catalog, pd.concat([objects, field], ignore_index=True)


def test_known_matches_are_found():
    catalog, objects = catalog_and_objects()
    result = crossmatch(catalog, objects.sample(frac=1, random_state=0))
    stats = result.statistics
    assert stats["matched"] == len(catalog)
    assert stats["unmatched"] == stats["ambiguous"] == stats["magnitude_outliers"] == 0
    assert stats["n_objects"] == len(objects)
    matches = result.matches
    assert (matches["object_id"].to_numpy() == matches["catalog_index"].to_numpy() + 1000).all()
    assert np.allclose(matches["separation_arcsec"], 0.3, atol=1e-3)
    assert (matches["class"].to_numpy() == catalog["class"].to_numpy()).all()
    assert "ra" not in matches.columns  # positions are the catalog's; not repeated
    clash = crossmatch(catalog.assign(object_id="OGLE-1"), objects).matches
    assert (clash["catalog_object_id"] == "OGLE-1").all()
    assert "300 catalog entries: 300 matched" in result.summary()


def test_radius_and_unmatched():
    catalog, objects = catalog_and_objects(n=20)
    result = crossmatch(catalog, objects, radius=0.2 * u.arcsec)
    assert result.statistics["matched"] == 0
    assert result.statistics["unmatched"] == 20
    assert crossmatch(catalog, objects, radius=0.01 * u.arcmin).statistics["matched"] == 20


def test_ambiguous_pairs_are_reported_and_left_out():
    catalog = pd.DataFrame(
        {
            "ra": [10.0, 20.0, 20.0 + 0.6 * ARCSEC, 30.0],
            "dec": [0.0, 0.0, 0.0, 0.0],
            "class": ["A", "B", "C", "D"],
        }
    )
    objects = pd.DataFrame(
        {
            # two objects near entry 0; one object between entries 1 and 2; one for 3
            "object_id": ["x1", "x2", "y", "z"],
            "ra": [10.0 + 0.2 * ARCSEC, 10.0 - 0.5 * ARCSEC, 20.0 + 0.25 * ARCSEC, 30.0],
            "dec": [0.0, 0.0, 0.0, 0.0],
        }
    )
    result = crossmatch(catalog, objects)
    assert result.statistics["matched"] == 1
    assert result.statistics["ambiguous"] == 3
    assert result.matches["class"].tolist() == ["D"]
    table = result.ambiguous.sort_values(["catalog_index", "object_id"])
    assert table["object_id"].tolist() == ["x1", "x2", "y", "y"]
    assert table["reason"].tolist() == [
        "several_objects",
        "several_objects",
        "several_catalog_entries",
        "several_catalog_entries",
    ]
    assert not table["used"].any()
    nearest = crossmatch(catalog, objects, ambiguous="nearest")
    assert dict(zip(nearest.matches["class"], nearest.matches["object_id"], strict=True)) == {
        "A": "x1",
        "B": "y",
        "D": "z",
    }
    assert nearest.statistics["ambiguous_resolved"] == 2
    assert "resolved to the nearest" in nearest.summary()
    with pytest.raises(CrossmatchError, match="ambiguous='best' is not known"):
        crossmatch(catalog, objects, ambiguous="best")


def test_magnitudes_reject_and_disambiguate():
    catalog = pd.DataFrame(
        {"ra": [10.0, 50.0], "dec": [5.0, 5.0], "class": ["A", "B"], "mag": [15.0, 17.0]}
    )
    objects = pd.DataFrame(
        {
            "object_id": [1, 2, 3],
            # two objects near entry 0, only one of the right brightness; entry 1's
            # only neighbour is 3 magnitudes too faint
            "ra": [10.0, 10.0 + 0.3 * ARCSEC, 50.0],
            "dec": [5.0, 5.0, 5.0],
            "mag": [19.0, 15.2, 20.0],
        }
    )
    result = crossmatch(catalog, objects, max_mag_difference=1.0 * u.mag)
    assert result.matches["object_id"].tolist() == [2]
    assert result.matches["mag_difference"].iloc[0] == pytest.approx(-0.2)
    assert result.statistics["magnitude_outliers"] == 1
    assert result.outliers["object_id"].tolist() == [3]
    assert crossmatch(catalog, objects, max_mag_difference=None).statistics["ambiguous"] == 1
    # a catalog in another band: the offset brings entry 1 into agreement
    shifted = crossmatch(catalog, objects, max_mag_difference=0.5, mag_offset=3.0)
    assert shifted.matches["object_id"].tolist() == [3]
    # a missing magnitude is judged by position alone
    no_mag = objects.assign(mag=[np.nan, np.nan, np.nan])
    assert crossmatch(catalog, no_mag).statistics["ambiguous"] == 1


def test_poles_and_ra_wrap_around():
    catalog = pd.DataFrame(
        {
            "ra": [359.99995, 0.0, 45.0, 0.00002],
            "dec": [0.0, 90.0, -89.99995, 10.0],
            "class": ["wrap", "north", "south", "negative"],
        }
    )
    objects = pd.DataFrame(
        {
            "object_id": [1, 2, 3, 4],
            # across RA 0/360; at the pole any RA is the same point; 0.36" across the
            # south pole; an RA given as a small negative angle
            "ra": [0.00005, 123.0, 225.0, -0.00002],
            "dec": [0.0, 90.0, -89.99995, 10.0],
        }
    )
    result = crossmatch(catalog, objects)
    assert dict(zip(result.matches["class"], result.matches["object_id"], strict=True)) == {
        "wrap": 1,
        "north": 2,
        "south": 3,
        "negative": 4,
    }
    sep = result.matches.set_index("class")["separation_arcsec"]
    assert sep["wrap"] == pytest.approx(0.36, abs=1e-6)
    assert sep["south"] == pytest.approx(0.36, abs=1e-6)


def test_empty_inputs():
    catalog, objects = catalog_and_objects(n=5)
    result = crossmatch(catalog.iloc[:0], objects)
    assert result.matches.empty
    assert result.statistics["n_catalog"] == 0
    result = crossmatch(catalog, objects.iloc[:0])
    assert result.statistics["unmatched"] == 5
    assert result.matches.empty


def test_bad_coordinates_and_units():
    catalog, objects = catalog_and_objects(n=5)
    with pytest.raises(CrossmatchError, match=r"catalog has 1 row\(s\) with a NaN"):
        crossmatch(catalog.assign(dec=[0.0, np.nan, 1.0, 2.0, 3.0]), objects)
    with pytest.raises(CrossmatchError, match="objects has 1 row"):
        crossmatch(catalog, objects.assign(ra=np.r_[np.inf, objects["ra"].iloc[1:]]))
    with pytest.raises(CrossmatchError, match=r"dec reaches .* must be in degrees"):
        crossmatch(catalog.assign(dec=catalog["dec"] * 3600.0 + 100.0), objects)
    with pytest.raises(CrossmatchError, match="ra spans"):
        crossmatch(catalog.assign(ra=catalog["ra"] * 60.0 + 400.0), objects)
    with pytest.raises(CrossmatchError, match=r"radius=1\.0 m is not an angle"):
        crossmatch(catalog, objects, radius=1.0 * u.m)
    with pytest.raises(CrossmatchError, match="positive angle"):
        crossmatch(catalog, objects, radius=0.0)
    with pytest.raises(CrossmatchError, match="not in magnitudes"):
        crossmatch(catalog, objects, max_mag_difference=1.0 * u.Jy)
    with pytest.raises(CrossmatchError, match="zero or positive"):
        crossmatch(catalog, objects, max_mag_difference=-1.0)
    with pytest.raises(CrossmatchError, match=r"no column\(s\) \['class'\].*catalog_columns="):
        crossmatch(catalog.drop(columns="class"), objects)
    with pytest.raises(CrossmatchError, match="renames unknown column"):
        crossmatch(catalog, objects, object_columns={"id": "object_id"})
    with pytest.raises(CrossmatchError, match="repeated object_id"):
        crossmatch(catalog, pd.concat([objects, objects.iloc[:1]]))
    with pytest.raises(CrossmatchError, match="must be a pandas DataFrame"):
        crossmatch(catalog.to_dict(), objects)


def test_astropy_tables_with_units_and_renames():
    catalog, objects = catalog_and_objects(n=10)
    table = QTable(
        {
            "RAJ2000": np.radians(catalog["ra"].to_numpy()) * u.rad,
            "DEJ2000": np.radians(catalog["dec"].to_numpy()) * u.rad,
            "Type": catalog["class"].to_numpy(),
            "Imag": catalog["mag"].to_numpy() * u.mag,
        }
    )
    result = crossmatch(
        table,
        objects,
        catalog_columns={"RAJ2000": "ra", "DEJ2000": "dec", "Type": "class", "Imag": "mag"},
    )
    assert result.statistics["matched"] == 10
    bad = QTable({"ra": [1.0] * u.m, "dec": [0.0] * u.deg, "class": ["A"]})
    with pytest.raises(CrossmatchError, match="is in m, not an angle"):
        crossmatch(bad, objects)
    flux = QTable({"ra": [1.0] * u.deg, "dec": [0.0] * u.deg, "class": ["A"], "mag": [1] * u.Jy})
    with pytest.raises(CrossmatchError, match="is in Jy, not magnitudes"):
        crossmatch(flux, objects)


def light_curves_of(objects, band="i"):
    rows = []
    for object_id, mag in zip(objects["object_id"], objects["mag"], strict=True):
        rows.append(
            pd.DataFrame(
                {
                    "object_id": object_id,
                    "mjd": [60000.0, 60001.0, 60002.0],
                    "band": band,
                    "mag": mag + np.array([-0.1, 0.0, 0.1]),
                    "mag_err": 0.02,
                }
            )
        )
    return LightCurves.from_table(pd.concat(rows, ignore_index=True))


def test_mean_magnitudes_from_light_curves():
    catalog, objects = catalog_and_objects(n=8)
    lcs = light_curves_of(objects)
    means = mean_magnitudes(lcs)
    assert np.allclose(means.to_numpy(), objects["mag"].to_numpy())
    with pytest.raises(CrossmatchError, match="band 'u' is not in the light curves"):
        mean_magnitudes(lcs, "u")
    bright = objects.drop(columns="mag")
    result = crossmatch(catalog.assign(mag=catalog["mag"] - 5), bright, light_curves=lcs)
    assert result.statistics["magnitude_outliers"] == 8


def test_build_training_set():
    catalog, objects = catalog_and_objects(n=12)
    lcs = light_curves_of(objects.iloc[::2])  # half the objects have light curves
    train, labels = build_training_set(lcs, objects.drop(columns="mag"), catalog)
    assert labels.columns.tolist() == ["object_id", "class", "subclass", "period"]
    assert labels["object_id"].tolist() == train.object_ids.tolist()
    assert len(train) == 6 + 0  # the field objects are not in the catalog
    expected = catalog.set_index(np.arange(12) + 1000).loc[labels["object_id"]]
    assert labels["class"].tolist() == expected["class"].tolist()
    assert np.allclose(labels["period"], expected["period"])
    assert labels.attrs["crossmatch"]["matched"] == 12
    minimal = catalog[["ra", "dec", "class"]]
    _, labels = build_training_set(lcs, objects, minimal)
    assert labels["subclass"].isna().all()
    assert labels["period"].isna().all()
    far = catalog.assign(dec=-catalog["dec"] + 1.0)
    with pytest.raises(CrossmatchError, match="no catalog entry was matched"):
        build_training_set(lcs, objects, far)


def test_many_objects_vectorised():
    rng = np.random.default_rng(3)
    n = 20_000
    ra, dec = rng.uniform(0, 360, n), rng.uniform(-80, 80, n)
    catalog = pd.DataFrame({"ra": ra, "dec": dec, "class": "RRLyr"})
    objects = pd.DataFrame({"object_id": np.arange(n), "ra": ra, "dec": dec + 0.1 * ARCSEC})
    assert crossmatch(catalog, objects).statistics["matched"] == n


@pytest.mark.slow
def test_lsdb_catalogs_match_like_tables():
    lsdb = pytest.importorskip("lsdb")
    catalog, objects = catalog_and_objects(n=40)
    catalog = catalog.assign(ra=np.mod(catalog["ra"], 90.0))  # few partitions
    objects = objects.assign(ra=np.mod(objects["ra"], 90.0))
    expected = crossmatch(catalog, objects)
    result = crossmatch(lsdb.from_dataframe(catalog), lsdb.from_dataframe(objects))
    assert result.statistics["matched"] == expected.statistics["matched"]
    got = result.matches.sort_values("object_id")
    want = expected.matches.sort_values("object_id")
    assert got["object_id"].tolist() == want["object_id"].tolist()
    assert got["class"].tolist() == want["class"].tolist()
    assert np.allclose(got["separation_arcsec"], want["separation_arcsec"], atol=1e-6)
    with pytest.raises(CrossmatchError, match="one input is an lsdb Catalog"):
        crossmatch(lsdb.from_dataframe(catalog), objects)
