"""Class priors: the training mix, presets and mappings, Bayes' rule and EM."""

import numpy as np
import pandas as pd
import pytest

from tvs_classifier import classify, load_classifier
from tvs_classifier.classifier.priors import (
    PRESET_SOURCES,
    PRESETS,
    apply_priors,
    default_priors,
    estimate_priors,
    resolve_priors,
    shift_priors,
    training_priors,
)
from tvs_classifier.classifier.trained import TrainedClassifier
from tvs_classifier.cli import main
from tvs_classifier.datasets import load_alerce_ztf_sample
from tvs_classifier.simulation import CLASSES

CLASS_OF = {"RRab": "RRL", "RRc": "RRL", "ED": "ECL", "constant": "constant"}


@pytest.fixture(scope="module")
def small():
    return TrainedClassifier.untrained(
        CLASS_OF, bands=("g", "r"), image_size=(16, 32), filters=(2, 2, 2), seed=0
    )


def test_shift_is_bayes_rule():
    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.ones(4), 50)
    old, new = np.array([0.1, 0.2, 0.3, 0.4]), np.array([0.4, 0.3, 0.2, 0.1])
    expected = p * new / old
    expected /= expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(shift_priors(p, old, new), expected, rtol=1e-12)
    np.testing.assert_allclose(shift_priors(p, old, old), p, rtol=1e-12)
    with_nan = np.vstack([p[:1], np.full((1, 4), np.nan)])
    assert np.isnan(shift_priors(with_nan, old, new)[1]).all()


def test_em_recovers_the_mix_of_a_batch():
    """Calibrated probabilities of a 70/20/10 batch, made under uniform priors."""
    rng = np.random.default_rng(3)
    truth = rng.choice(3, size=6000, p=[0.7, 0.2, 0.1])
    means = np.eye(3)[truth] * 2.0
    likelihood = np.exp(
        -0.5 * ((rng.normal(means, 1.0)[:, None, :] - np.eye(3) * 2.0) ** 2).sum(-1)
    )
    posterior = likelihood / likelihood.sum(axis=1, keepdims=True)  # uniform priors
    priors, adjusted = estimate_priors(posterior, np.full(3, 1 / 3))
    np.testing.assert_allclose(priors, [0.7, 0.2, 0.1], atol=0.03)
    assert (adjusted.argmax(1) == truth).mean() > (posterior.argmax(1) == truth).mean()


def test_training_priors_of_a_balanced_model_are_uniform(small):
    np.testing.assert_allclose(training_priors(small), 0.25)
    recorded = TrainedClassifier.untrained(
        CLASS_OF, bands=("g",), image_size=(8, 16), filters=(2, 2, 2)
    )
    recorded.card["training_priors"] = {"RRab": 4, "RRc": 2, "ED": 1, "constant": 1}
    np.testing.assert_allclose(training_priors(recorded), [0.5, 0.25, 0.125, 0.125])


def test_class_frequencies_are_shared_by_training_priors(small):
    new = resolve_priors({"RRL": 3, "ECL": 1}, small)
    np.testing.assert_allclose(new, [0.375, 0.375, 0.25, 0.0])
    np.testing.assert_allclose(resolve_priors({"RRab": 1, "constant": 1}, small), [0.5, 0, 0, 0.5])


@pytest.mark.parametrize(
    ("priors", "message"),
    [
        ("nope", "not a preset"),
        ({"XYZ": 1}, "neither classes"),
        ({"RRL": 1, "RRab": 1}, "mix class and subclass"),
        ({"RRL": -1}, "non-negative"),
        ({"RRL": float("nan")}, "non-negative"),
        ({"RRL": 0}, "non-negative"),
        ({}, "non-empty mapping"),
    ],
)
def test_bad_priors_are_named(small, priors, message):
    with pytest.raises(ValueError, match=message):
        resolve_priors(priors, small)


def test_presets_name_only_subclasses_of_the_simulator_and_cite_a_source():
    default = load_classifier()
    for name, counts in PRESETS.items():
        assert set(counts) <= set(CLASSES), name
        assert PRESET_SOURCES[name]
        assert resolve_priors(name, default).sum() == pytest.approx(1.0)


def test_a_preset_leaves_out_the_subclasses_a_model_lacks(small):
    counts = PRESETS["ogle3-lmc"]  # RRab, RRc, ED of `small` (no constant stars in it)
    total = counts["RRab"] + counts["RRc"] + counts["ED"]
    expected = [counts["RRab"] / total, counts["RRc"] / total, counts["ED"] / total, 0.0]
    np.testing.assert_allclose(resolve_priors("ogle3-lmc", small), expected, rtol=1e-12)


def test_default_keeps_the_non_variables_share_and_the_catalog_proportions(small):
    counts = PRESETS["ogle3-lmc"]
    total = counts["RRab"] + counts["RRc"] + counts["ED"]
    variable = 0.75  # constant had 1 of 4 in training
    expected = [variable * counts[name] / total for name in ("RRab", "RRc", "ED")] + [0.25]
    np.testing.assert_allclose(default_priors(small), expected, rtol=1e-12)
    p = np.array([[0.25, 0.25, 0.25, 0.25], [np.nan] * 4])
    shifted, used, name = apply_priors(p, small, "default")
    assert name == "default"
    np.testing.assert_allclose(shifted[0], expected, rtol=1e-12)  # flat evidence
    assert np.isnan(shifted[1]).all()
    for no_change in (None, "training"):
        same, used, name = apply_priors(p, small, no_change)
        assert name == "training"
        assert same is p
        np.testing.assert_allclose(used, 0.25)


def test_default_of_a_model_the_catalog_does_not_cover_is_its_training_mix():
    other = TrainedClassifier.untrained(
        {"A": "X", "B": "Y"}, bands=("g",), image_size=(8, 16), filters=(2, 2, 2)
    )
    np.testing.assert_allclose(default_priors(other), [0.5, 0.5])


@pytest.fixture(scope="module")
def ztf():
    light_curves, labels = load_alerce_ztf_sample()
    return light_curves, labels.set_index("object_id")["catalog_period"]


def test_classify_with_a_preset_and_with_adapt(ztf):
    light_curves, periods = ztf
    kwargs = {"band_map": {"ztf_g": "g", "ztf_r": "r"}, "progress": False}
    plain = classify(light_curves, periods, priors="training", **kwargs)
    assert (plain["priors"] == "training").all()
    default = classify(light_curves, periods, **kwargs)
    assert (default["priors"] == "default").all()
    assert (default["prob_constant"] > 0).all()  # non-variables keep their share
    preset = classify(light_curves, periods, priors="ogle3-lmc", **kwargs)
    assert (preset["priors"] == "ogle3-lmc").all()
    assert (preset["prob_constant"].fillna(0) == 0).all()  # absent from a catalog of variables
    assert sum(preset.attrs["priors"].values()) == pytest.approx(1.0)
    sub = [f"prob_{name}" for name in load_classifier().subclasses]
    np.testing.assert_allclose(preset[sub].sum(axis=1), 1.0, atol=1e-9)
    adapted = classify(light_curves, periods, priors="adapt", **kwargs)
    assert (adapted["priors"] == "adapt").all()
    assert set(adapted.attrs["priors"]) == set(load_classifier().subclasses)
    # The preset's probabilities are the training-mix ones moved by Bayes' rule.
    old = np.array(list(plain.attrs["priors"].values()))
    new = np.array(list(preset.attrs["priors"].values()))
    np.testing.assert_allclose(
        preset[sub], shift_priors(plain[sub].to_numpy(), old, new), atol=1e-12
    )


def test_command_line_priors(tmp_path, capsys):
    light_curves, _ = load_alerce_ztf_sample()
    path = tmp_path / "ztf.csv"
    light_curves.table.to_csv(path, index=False)
    out = tmp_path / "out.csv"
    argv = [
        "classify",
        str(path),
        "-o",
        str(out),
        "--band-map",
        "ztf_g=g,ztf_r=r",
        "--no-progress",
    ]
    assert main([*argv, "--priors", "RRL=0.6,ECL=0.3,CEP=0.1"]) == 0
    assert (pd.read_csv(out)["priors"] == "custom").all()
    assert main(argv) == 0
    assert (pd.read_csv(out)["priors"] == "default").all()
    capsys.readouterr()
    assert main([*argv, "--priors", "nothing"]) == 1
    assert "not a preset" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([*argv, "--priors", "RRL=x"])
