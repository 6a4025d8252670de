"""matplotlib figures of folded light curves, their images and classifier scores."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from tvs_classifier import LightCurves, render_images
from tvs_classifier.classifier.calibration import reliability
from tvs_classifier.plotting import (
    image_rgb,
    plot_class_history,
    plot_confusion_matrix,
    plot_folded,
    plot_gallery,
    plot_probabilities,
    plot_reliability,
)


def test_plot_folded_draws_two_cycles_per_band(table):
    lcs = LightCurves.from_table(table)
    ax = plot_folded(lcs["obj0"], 0.7)
    assert ax.get_xlim() == (0.0, 2.0)
    assert ax.yaxis_inverted()
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["g", "r"]
    plt.close(ax.figure)


def test_gallery_has_a_curve_and_an_image_per_object(table):
    lcs = LightCurves.from_table(table)
    periods = pd.DataFrame({"object_id": ["obj0", "obj1", "obj2"], "period": [0.7, np.nan, 1.0]})
    images = render_images(lcs, periods, bands=("g", "r"))
    fig = plot_gallery(lcs, periods, images, labels={"obj0": "RRL"}, columns=2)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 4  # obj1 has no period and is skipped
    assert "RRL" in visible[0].get_title()
    plt.close(fig)


def test_image_rgb_is_white_where_empty():
    rgb = image_rgb(np.zeros((3, 4, 2)), ["g", "r"])
    assert rgb.shape == (3, 4, 3)
    assert (rgb == 1.0).all()


def test_confusion_matrix_writes_every_count():
    ax = plot_confusion_matrix(np.array([[3, 1, 0], [0, 2, 2], [1, 0, 5]]), ["a", "b", "c"])
    assert sorted(text.get_text() for text in ax.texts) == sorted("310022105")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b", "c"]
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="n x n"):
        plot_confusion_matrix(np.zeros((2, 3)), ["a", "b"])


def test_reliability_draws_used_bins_and_diagonal():
    rng = np.random.default_rng(0)
    p = rng.dirichlet([1, 1, 1], 100)
    ax = plot_reliability(reliability(p, rng.integers(0, 3, 100), bins=5), label="raw")
    diagonal, curve = ax.lines
    assert diagonal.get_xdata().tolist() == [0, 1]
    assert 1 <= len(curve.get_xdata()) <= 5
    plt.close(ax.figure)


def test_probabilities_figure_has_curve_and_bars(table):
    lcs = LightCurves.from_table(table)
    row = pd.Series(
        {
            "object_id": "obj0",
            "period": 1.1,
            "prob_RRab": 0.7,
            "prob_RRc": 0.2,
            "prob_constant": 0.1,
            "prob_RRL": 0.9,
            "subclass": "RRab",
            "class": "RRL",
        }
    )
    fig = plot_probabilities(lcs["obj0"], row)
    curve, bars = fig.axes[:2]
    assert curve.get_xlabel() == "phase"
    assert [t.get_text() for t in bars.get_yticklabels()] == ["RRab", "RRc", "constant", "RRL"]
    assert [round(p.get_width(), 2) for p in bars.patches] == [0.7, 0.2, 0.1, 0.9]
    plt.close(fig)
    flagged = row.copy()
    flagged[["period", "prob_RRab"]] = np.nan
    fig = plot_probabilities(lcs["obj0"], flagged)
    assert "no period" in fig.axes[0].get_title()
    plt.close(fig)


def test_class_history_marks_each_class_and_model_change():
    history = pd.DataFrame(
        {
            "run_id": [3, 1, 2],
            "classified_at": pd.to_datetime(["2026-03-01", "2026-01-01", "2026-02-01"], utc=True),
            "class": ["RRL", "ECL", "RRL"],
            "class_prob": [0.97, 0.55, 0.8],
            "model_version": ["tvs-cnn-b", "tvs-cnn-a", "tvs-cnn-a"],
        }
    )
    ax = plot_class_history(history)
    (line,) = [line for line in ax.get_lines() if line.get_linestyle() == "-"]
    # In time order, whatever the order of the rows.
    assert list(line.get_ydata()) == [0.55, 0.8, 0.97]
    assert sorted(t.get_text() for t in ax.get_legend().get_texts()) == ["ECL", "RRL"]
    assert sum(line.get_linestyle() == ":" for line in ax.get_lines()) == 1
