"""Confusion matrix and per-class scores (numpy implementations)."""

import numpy as np
import pytest

from tvs_classifier.classifier.evaluation import classification_report, confusion_matrix


def test_confusion_matrix_counts_and_order():
    true = ["b", "a", "a", "c", "c", "c"]
    pred = ["b", "a", "b", "c", "a", "c"]
    matrix = confusion_matrix(true, pred, ["c", "b", "a"])
    assert matrix.tolist() == [[2, 0, 1], [0, 1, 0], [0, 1, 1]]
    assert matrix.sum() == len(true)


def test_report_matches_hand_computation():
    true = ["a"] * 4 + ["b"] * 2
    pred = ["a", "a", "a", "b", "b", "a"]
    report = classification_report(true, pred, ["a", "b"])
    # a: tp 3, fp 1, fn 1 -> p = r = 0.75; b: tp 1, fp 1, fn 1 -> 0.5
    assert report.loc["a", ["precision", "recall", "f1"]].tolist() == [0.75, 0.75, 0.75]
    assert report.loc["b", "f1"] == pytest.approx(0.5)
    assert report.loc["macro", "f1"] == pytest.approx(0.625)
    assert report.loc["macro", "support"] == 6
    assert report.attrs["accuracy"] == pytest.approx(4 / 6)


def test_class_never_predicted_or_absent_scores_zero():
    report = classification_report(["a", "a"], ["a", "a"], ["a", "b"])
    assert report.loc["b"].tolist()[:3] == [0.0, 0.0, 0.0]
    assert np.isfinite(report.to_numpy(dtype=float)).all()


@pytest.mark.parametrize(
    ("true", "pred", "labels", "message"),
    [
        (["a"], ["a", "b"], ["a", "b"], "1 true and 2 predicted"),
        (["a", "x"], ["a", "a"], ["a", "b"], r"true has classes \['x'\]"),
        (["a"], ["z"], ["a", "b"], "predicted has classes"),
        (["a"], ["a"], ["a", "a"], "repeat"),
    ],
)
def test_bad_input(true, pred, labels, message):
    with pytest.raises(ValueError, match=message):
        confusion_matrix(true, pred, labels)
