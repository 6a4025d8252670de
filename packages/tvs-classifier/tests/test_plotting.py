"""matplotlib figures of folded light curves and their images."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from tvs_classifier.images import render_images
from tvs_classifier.lightcurves import LightCurves
from tvs_classifier.plotting import image_rgb, plot_folded, plot_gallery


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
