"""Scores of a classifier on labelled data: confusion matrix, precision, recall, F1.

Plain numpy implementations (no scikit-learn): `confusion_matrix` counts, for each true
class (row) and predicted class (column), the objects; `classification_report` turns it
into per-class precision, recall, F1 and support, with their unweighted (macro) means
and the accuracy.

Examples
--------
>>> true = ["RRab", "RRab", "RRc", "constant"]
>>> pred = ["RRab", "RRc", "RRc", "constant"]
>>> confusion_matrix(true, pred, ["RRab", "RRc", "constant"]).tolist()
[[1, 1, 0], [0, 1, 0], [0, 0, 1]]
>>> report = classification_report(true, pred, ["RRab", "RRc", "constant"])
>>> report.loc["RRc", ["precision", "recall"]].tolist()
[0.5, 1.0]
>>> round(float(report.loc["macro", "f1"]), 3)
0.778
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["classification_report", "confusion_matrix"]


def _codes(values: Sequence[object], labels: Sequence[object], what: str) -> np.ndarray:
    """Position of each value in ``labels``; an unknown value raises `ValueError`."""
    codes = pd.Index(list(labels)).get_indexer(pd.Index(np.asarray(values, dtype=object)))
    if (codes < 0).any():
        unknown = sorted({str(v) for v, c in zip(values, codes, strict=True) if c < 0})
        raise ValueError(f"{what} has classes {unknown} not in labels {list(labels)}")
    return codes


def confusion_matrix(
    true: Sequence[object], predicted: Sequence[object], labels: Sequence[object]
) -> np.ndarray:
    """Counts of objects by true class (rows) and predicted class (columns).

    Parameters
    ----------
    true, predicted : sequence
        True and predicted class of each object (same length).
    labels : sequence
        The classes, in the order of rows and columns.

    Returns
    -------
    ndarray of int64, shape (n_labels, n_labels)

    Raises
    ------
    ValueError
        If the lengths differ, ``labels`` repeats a class, or a class is not in
        ``labels``.

    Examples
    --------
    >>> confusion_matrix([0, 1, 1], [0, 0, 1], [0, 1]).tolist()
    [[1, 0], [1, 1]]
    """
    labels = list(labels)
    if len(set(labels)) != len(labels):
        raise ValueError(f"labels repeat a class: {labels}")
    if len(true) != len(predicted):
        raise ValueError(
            f"{len(true)} true and {len(predicted)} predicted classes: give one of each per object"
        )
    t = _codes(true, labels, "true")
    p = _codes(predicted, labels, "predicted")
    n = len(labels)
    return np.bincount(t * n + p, minlength=n * n).reshape(n, n).astype(np.int64)


def classification_report(
    true: Sequence[object], predicted: Sequence[object], labels: Sequence[object]
) -> pd.DataFrame:
    """Precision, recall, F1 and support of every class, their macro means, accuracy.

    A class never predicted has precision 0; a class with no true member has recall
    0 (and is left out of nothing: the macro mean is over all ``labels``).

    Parameters
    ----------
    true, predicted, labels
        As in `confusion_matrix`.

    Returns
    -------
    pandas.DataFrame
        Indexed by class, then ``"macro"``; columns ``precision, recall, f1,
        support``. ``DataFrame.attrs["accuracy"]`` holds the accuracy.

    Examples
    --------
    >>> r = classification_report(["a", "b"], ["a", "a"], ["a", "b"])
    >>> r["precision"].round(2).tolist(), r.attrs["accuracy"]
    ([0.5, 0.0, 0.25], 0.5)
    """
    matrix = confusion_matrix(true, predicted, labels)
    hits = np.diag(matrix).astype(np.float64)
    predicted_count = matrix.sum(axis=0)
    support = matrix.sum(axis=1)
    precision = np.divide(
        hits, predicted_count, out=np.zeros_like(hits), where=predicted_count > 0
    )
    recall = np.divide(hits, support, out=np.zeros_like(hits), where=support > 0)
    total = precision + recall
    f1 = np.divide(2 * precision * recall, total, out=np.zeros_like(hits), where=total > 0)
    frame = pd.DataFrame(
        {"precision": precision, "recall": recall, "f1": f1, "support": support},
        index=pd.Index([str(label) for label in labels], name="class"),
    )
    frame.loc["macro"] = [precision.mean(), recall.mean(), f1.mean(), support.sum()]
    frame["support"] = frame["support"].astype(np.int64)
    frame.attrs["accuracy"] = float(hits.sum() / max(matrix.sum(), 1))
    return frame
