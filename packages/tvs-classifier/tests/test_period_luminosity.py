"""The period-luminosity diagram: relations fitted with clipping, Wesenheit indices,
the stars of each subclass, bad input; and its tab in the dashboard."""

import numpy as np
import pandas as pd
import pytest

from tvs_classifier import simulate
from tvs_classifier.extinction import LSST_EXTINCTION
from tvs_classifier.period_luminosity import (
    PL_CLASSES,
    fit_relation,
    fit_relations,
    period_luminosity,
    pulsator_magnitudes,
    wesenheit_factor,
)

SLOPE, INTERCEPT = -2.5, 18.0  # the made-up relation of `on_relation`


@pytest.fixture(scope="module")
def pulsators():
    light_curves, labels = simulate(60, ["RRab", "RRc", "CEP_F", "ED"], seed=21, years=3)
    results = labels[["object_id", "class", "subclass", "period"]]
    return light_curves, labels, results


def test_a_relation_is_recovered_and_the_stars_off_it_are_clipped():
    rng = np.random.default_rng(3)
    log_p = rng.uniform(-0.4, 0.0, 200)
    magnitude = INTERCEPT + SLOPE * log_p + rng.normal(0.0, 0.05, 200)
    off = np.array([3, 50, 120])
    magnitude[off] += [1.0, -0.8, 2.5]
    relation = fit_relation(log_p, magnitude)
    assert relation.slope == pytest.approx(SLOPE, abs=0.1)
    assert relation.intercept == pytest.approx(INTERCEPT, abs=0.03)
    assert relation.scatter == pytest.approx(0.05, rel=0.2)
    assert relation.n == 200
    assert 190 <= relation.n_used <= 197
    np.testing.assert_allclose(
        relation(log_p[:3]),
        INTERCEPT + relation.slope * log_p[:3] + (relation.intercept - INTERCEPT),
    )
    stars = pd.DataFrame({"subclass": "RRab", "log_period": log_p, "magnitude": magnitude})
    table, relations = fit_relations(stars)
    assert set(np.flatnonzero(table["off_relation"])) >= set(off)
    assert table["off_relation"].sum() <= 6  # about 0.3 % of a normal sample lie beyond 3 sigma
    assert relations["RRab"] == relation


def test_stars_on_a_relation_give_it_back_per_subclass(pulsators, on_relation):
    light_curves, labels, results = pulsators
    moved = on_relation(light_curves, labels, slope=SLOPE, intercept=INTERCEPT)
    table, relations = period_luminosity(results, moved, "r")
    # Eclipsing binaries are not pulsators; every RR Lyrae star and Cepheid is there.
    assert set(table["class"]) <= set(PL_CLASSES)
    assert len(table) == (labels["class"] != "ECL").sum()
    assert sorted(relations) == ["CEP_F", "RRab", "RRc"]
    for relation in relations.values():  # mean magnitudes of noisy, pulsating stars
        assert relation.slope == pytest.approx(SLOPE, abs=0.15)
        assert relation.scatter < 0.08
    assert not table["off_relation"].any()
    # A star moved 1.5 mag off its relation is marked, and only it.
    star = table.loc[table["subclass"] == "RRab", "object_id"].iloc[0]
    frame = moved.table.copy()
    frame.loc[frame["object_id"] == star, "mag"] += 1.5
    from tvs_classifier.lightcurves import LightCurves

    table, _ = period_luminosity(results, LightCurves.from_table(frame), "r")
    assert table.loc[table["off_relation"], "object_id"].tolist() == [star]


def test_the_wesenheit_index_does_not_change_with_reddening(pulsators, on_relation):
    light_curves, labels, results = pulsators
    clean = on_relation(light_curves, labels)
    ebv = np.random.default_rng(4).uniform(0.0, 0.8, len(labels))
    reddened = on_relation(light_curves, labels, ebv=ebv)
    r_clean, r_red = (pulsator_magnitudes(results, lcs, "r") for lcs in (clean, reddened))
    w_clean, w_red = (pulsator_magnitudes(results, lcs, ("g", "r")) for lcs in (clean, reddened))
    dimmed = (r_red["magnitude"] - r_clean["magnitude"]).to_numpy()
    expected = LSST_EXTINCTION[2] * ebv[r_clean["object_id"].to_numpy()]
    np.testing.assert_allclose(dimmed, expected, atol=1e-9)
    np.testing.assert_allclose(w_red["magnitude"], w_clean["magnitude"], atol=1e-9)
    assert wesenheit_factor("g", "r") == pytest.approx(
        LSST_EXTINCTION[2] / (LSST_EXTINCTION[1] - LSST_EXTINCTION[2])
    )


def test_subclasses_of_few_stars_get_no_relation_and_no_mark(pulsators):
    light_curves, _, results = pulsators
    few = results[results["subclass"] != "RRc"].copy()
    few = pd.concat([few, results[results["subclass"] == "RRc"].head(3)])
    few.loc[few.index[0], "period"] = np.nan  # without a period: left out
    table, relations = period_luminosity(few, light_curves, "g")
    assert "RRc" not in relations
    assert table.loc[table["subclass"] == "RRc", "relation"].isna().all()
    assert not table.loc[table["subclass"] == "RRc", "off_relation"].any()
    assert few["object_id"].iloc[0] not in set(table["object_id"])
    empty, none = period_luminosity(results[results["class"] == "ECL"], light_curves, "r")
    assert empty.empty
    assert none == {}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"bands": "w"}, "unknown band 'w'"),
        ({"bands": ("r", "g")}, "bluer first band"),
        ({"bands": ("g", "r", "i")}, "one band or two"),
        ({"clip": 0.0}, "clip must be"),
        ({"clip": float("nan")}, "clip must be"),
        ({"min_stars": 2}, "min_stars must be"),
    ],
)
def test_bad_arguments_are_named(pulsators, kwargs, message):
    light_curves, _, results = pulsators
    with pytest.raises(ValueError, match=message):
        period_luminosity(results, light_curves, **kwargs)


def test_bad_tables_and_arrays_are_named(pulsators):
    light_curves, _, results = pulsators
    with pytest.raises(ValueError, match=r"lack the columns \['period'\]"):
        period_luminosity(results.drop(columns="period"), light_curves)
    with pytest.raises(ValueError, match="finite"):
        fit_relation([0.1, 0.2, np.nan], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="at least 3 stars"):
        fit_relation([0.1, 0.2], [1.0, 2.0])
    with pytest.raises(ValueError, match="one period"):
        fit_relation([0.1, 0.1, 0.1], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="one length"):
        fit_relation([0.1, 0.2, 0.3], [1.0, 2.0])


def test_the_dashboard_draws_the_diagram_of_the_selection(pulsators, on_relation):
    pytest.importorskip("panel")
    from tvs_classifier.ui import Dashboard, Results

    light_curves, labels, results = pulsators
    moved = on_relation(light_curves, labels)
    frame = results.assign(class_prob=0.9)
    board = Dashboard(Results(frame, name="pl"), light_curves=moved)
    assert board.pl_figure.object is None  # drawn when its tab opens
    assert board.pl_index.options == [
        "W(u, g)", "W(g, r)", "W(r, i)", "W(i, z)", "W(z, y)", *"ugrizy"
    ]  # fmt: skip
    assert board.pl_index.value == "W(g, r)"  # a Wesenheit index of good bands first
    board.pl_index.value = "r"
    board.tabs.active = 2
    (axes,) = board.pl_figure.object.axes
    assert axes.get_ylabel() == "mean r (mag)"
    n_pulsators = (labels["class"] != "ECL").sum()
    assert f"**{n_pulsators}** RR Lyrae stars and Cepheids" in board.pl_summary.object
    board.classes.value = ["RRL"]  # the filters reach the diagram
    n_rr = (labels["class"] == "RRL").sum()
    assert f"**{n_rr}** RR Lyrae stars and Cepheids" in board.pl_summary.object
    without = Dashboard(Results(frame, name="pl"))
    without.tabs.active = 2
    assert without.pl_figure.object is None
    assert "needs the objects' light curves" in without.pl_summary.object
