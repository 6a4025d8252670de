"""The dashboard: a table of classified objects, an object view, uploads and export.

`dashboard` builds it for a store or a results table, to show inline in JupyterLab;
`serve` serves it as a web app (``tvs-classifier serve``). It is a Panel (HoloViz)
app: Panel renders inside JupyterLab and behind the Rubin Science Platform's proxy
from the same Python, with no JavaScript to build.

* **Objects**: a Tabulator table of the filtered objects, paged on the server (only
  the page shown travels to the browser, so a million rows page as fast as a hundred),
  filtered by class, minimum class probability, flags and model version; the filtered
  selection downloads as CSV, Parquet or VOTable.
* **Object**: the selected object's folded light curve per band and the images the
  network sees at that period, per band of the shipped model and in color (when light
  curves are given), its period editable (curve and images redrawn at once), the bars
  of its subclass and class probabilities, and its history in the store.
* **P-L**: the period-luminosity diagram of the RR Lyrae stars and Cepheids of the
  filtered selection (when light curves are given): mean magnitude in a band, or the
  Wesenheit index of two, against log period, each subclass's relation fitted to the
  selection and the stars off it circled (`tvs_classifier.period_luminosity`).
* **Upload**: a CSV, Parquet or ECSV file of light curves, parsed in memory,
  validated and classified with the shipped model, then shown like a stored object;
  a bad file gets its message in the page (`tvs_classifier.ui.uploads`).

Examples
--------
>>> import pandas as pd
>>> from tvs_classifier.ui.results import Results
>>> frame = pd.DataFrame({"object_id": [1, 2], "class": ["RRL", "ECL"], "class_prob": [0.9, 0.7]})
>>> board = Dashboard(Results(frame, name="example"))
>>> len(board.table.value), board.count.object
(2, '**2** of 2 objects (example)')
>>> board.classes.value = ["ECL"]
>>> board.table.value["object_id"].tolist()
[2]
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..bands import LSST_BANDS
from ..io.readers import read_light_curves
from ..lightcurves import LightCurves
from ..period_luminosity import CLIP, fit_relations, pulsator_magnitudes
from .results import EXPORT_FORMATS, TABLE_COLUMNS, Results
from .uploads import MAX_UPLOAD_BYTES, UPLOAD_FORMATS, UploadError, classify_upload

__all__ = ["PL_INDICES", "Dashboard", "dashboard", "pl_options", "serve"]

#: Rows per page of the objects table.
PAGE_SIZE = 25

#: Index of the P-L tab among the tabs.
PL_TAB = 2

#: Columns of an object's history shown.
HISTORY_COLUMNS = (
    "run_id",
    "classified_at",
    "class",
    "class_prob",
    "subclass",
    "subclass_prob",
    "period",
    "n_points",
    "model_version",
)


def _panel() -> Any:
    """Panel, with the Tabulator extension loaded (the ``ui`` extra)."""
    try:
        import panel as pn
    except ImportError:
        raise ImportError("the dashboard needs Panel: pip install 'tvs-classifier[ui]'") from None
    pn.extension("tabulator", notifications=False)
    return pn


class Dashboard:
    """The dashboard's widgets and their behaviour, for one browser session.

    Parameters
    ----------
    results : Results
        The classifications shown.
    light_curves : LightCurves, optional
        The objects' light curves, for the folded curves and images.
    classifier : TrainedClassifier, optional
        The model for uploads (the installed one, loaded at the first upload, if
        omitted).
    """

    def __init__(
        self,
        results: Results,
        *,
        light_curves: LightCurves | None = None,
        classifier: Any = None,
    ) -> None:
        pn = _panel()
        self.results = results
        self.light_curves = light_curves
        self._classifier = classifier
        self._uploaded: tuple[LightCurves, pd.DataFrame] | None = None
        self._current: pd.Series | None = None
        self._current_uploaded = False
        self._setting_period = False

        self.classes = pn.widgets.CheckBoxGroup(
            name="Class", options=results.classes, value=results.classes
        )
        self.min_probability = pn.widgets.FloatSlider(
            name="Minimum class probability", start=0.0, end=1.0, step=0.05, value=0.0
        )
        flag_options = ["none", *results.flag_names]
        self.flags = pn.widgets.CheckBoxGroup(
            name="Flags", options=flag_options, value=flag_options
        )
        self.model_versions = pn.widgets.CheckBoxGroup(
            name="Model version", options=results.model_versions, value=results.model_versions
        )
        self.count = pn.pane.Markdown("", name="count")
        self.table = pn.widgets.Tabulator(
            self._shown_columns(results.frame),
            pagination="remote",
            page_size=PAGE_SIZE,
            selectable=1,
            disabled=True,
            show_index=False,
            sizing_mode="stretch_width",
            name="objects",
        )
        self.export_format = pn.widgets.Select(
            name="Export as", options=list(EXPORT_FORMATS), value=EXPORT_FORMATS[0]
        )
        self.download = pn.widgets.FileDownload(
            callback=self._export,
            filename=f"selection{EXPORT_FORMATS[0]}",
            label="Download the selection",
            button_type="primary",
        )
        self.upload = pn.widgets.FileInput(
            accept=",".join(UPLOAD_FORMATS), multiple=False, name="upload"
        )
        self.message = pn.pane.Alert("", alert_type="danger", visible=False, name="message")

        self.period = pn.widgets.FloatInput(name="Period (d)", value=None, start=0.0, step=1e-4)
        self.object_title = pn.pane.Markdown("Select an object in the table.", name="object")
        self.curve = pn.pane.Matplotlib(None, dpi=96, tight=True, format="png", name="curve")
        self.bars = pn.pane.Matplotlib(None, dpi=96, tight=True, format="png", name="bars")
        self.images = pn.pane.Matplotlib(None, dpi=96, tight=True, format="png", name="images")
        self.history_chart = pn.pane.Matplotlib(
            None, dpi=96, tight=True, format="png", name="history_chart"
        )
        self.history = pn.widgets.Tabulator(
            pd.DataFrame(columns=list(HISTORY_COLUMNS)),
            disabled=True,
            show_index=False,
            sizing_mode="stretch_width",
            name="history",
        )
        options = pl_options(light_curves)
        preferred = [name for name in PL_PREFERRED if name in options]
        self.pl_index = pn.widgets.Select(
            name="P-L magnitude",
            options=options,
            value=(preferred or options or [None])[0],
        )
        self.pl_clip = pn.widgets.FloatSlider(
            name="Off relation beyond (robust sigma)", start=2.0, end=5.0, step=0.5, value=CLIP
        )
        self.pl_figure = pn.pane.Matplotlib(None, dpi=96, tight=True, format="png", name="pl")
        self.pl_summary = pn.pane.Markdown("", name="pl_summary")
        self._pl_stars: dict[str, pd.DataFrame] = {}
        self.tabs = pn.Tabs(
            ("Objects", pn.Column(self.count, self.table, sizing_mode="stretch_width")),
            (
                "Object",
                pn.Column(
                    self.object_title,
                    self.period,
                    pn.Row(self.curve, self.bars),
                    self.images,
                    pn.pane.Markdown("**History**"),
                    self.history_chart,
                    self.history,
                    sizing_mode="stretch_width",
                ),
            ),
            (
                "P-L",
                pn.Column(
                    pn.Row(self.pl_index, self.pl_clip),
                    self.pl_figure,
                    self.pl_summary,
                    sizing_mode="stretch_width",
                ),
            ),
            dynamic=False,
            sizing_mode="stretch_width",
        )

        for widget in (self.classes, self.min_probability, self.flags, self.model_versions):
            widget.param.watch(self._refilter, "value")
        self.table.param.watch(self._on_select, "selection")
        self.export_format.param.watch(self._on_format, "value")
        self.upload.param.watch(self._on_upload, "value")
        self.period.param.watch(self._on_period, "value")
        for widget in (self.pl_index, self.pl_clip):
            widget.param.watch(self._draw_pl, "value")
        self.tabs.param.watch(self._draw_pl, "active")
        self._refilter()

    # Objects --------------------------------------------------------------------------

    def selection(self) -> pd.DataFrame:
        """The objects that pass the filters now."""
        return self.results.select(
            classes=self.classes.value,
            min_probability=float(self.min_probability.value),
            flags=self.flags.value,
            model_versions=self.model_versions.value,
        )

    def _refilter(self, *_: Any) -> None:
        selection = self.selection()
        self.table.value = self._shown_columns(selection)
        where = f" ({self.results.name})" if self.results.name else ""
        self.count.object = f"**{len(selection):,}** of {len(self.results):,} objects{where}"
        self._draw_pl()

    @staticmethod
    def _shown_columns(frame: pd.DataFrame) -> pd.DataFrame:
        columns = [name for name in TABLE_COLUMNS if name in frame.columns]
        return frame[columns].reset_index(drop=True)

    def _export(self) -> Any:
        import io

        return io.BytesIO(self.results.export(self.selection(), self.export_format.value))

    def _on_format(self, event: Any) -> None:
        self.download.filename = f"selection{event.new}"

    # Object view ----------------------------------------------------------------------

    def _on_select(self, event: Any) -> None:
        if not event.new:
            return
        object_id = self.table.value["object_id"].iloc[event.new[0]]
        self.show_object(object_id)

    def show_object(self, object_id: object, *, uploaded: bool = False) -> None:
        """Open one object (stored, or of the last upload) in the object view."""
        if uploaded and self._uploaded is not None:
            results = self._uploaded[1]
            row = results[results["object_id"].astype(str) == str(object_id)].iloc[0]
        else:
            row = self.results.row(object_id)
        self._current, self._current_uploaded = row, uploaded and self._uploaded is not None
        prob = row.get("class_prob", np.nan)
        self.object_title.object = (
            f"### {row['object_id']}: {row.get('class', '?')} / {row.get('subclass', '?')}"
            f" (p = {float(prob):.3f})" + (" — uploaded" if uploaded else "")
        )
        self.bars.object = _bars_figure(row)
        period = row.get("period", np.nan)
        self._setting_period = True  # shown in the box, drawn once below
        try:
            self.period.value = float(period) if np.isfinite(period) else None
        finally:
            self._setting_period = False
        self._draw_curve()
        history = pd.DataFrame(columns=list(HISTORY_COLUMNS))
        self.history_chart.object = None
        if not uploaded:
            found = self.results.history(row["object_id"])
            if len(found) and {"class", "class_prob"} <= set(found.columns):
                self.history_chart.object = _history_figure(found)
            history = found[[name for name in HISTORY_COLUMNS if name in found.columns]].copy()
            if "classified_at" in history.columns:  # a readable time, not epoch milliseconds
                history["classified_at"] = history["classified_at"].dt.strftime(
                    "%Y-%m-%d %H:%M:%S UTC"
                )
        self.history.value = history.reset_index(drop=True)
        self.tabs.active = 1

    def _on_period(self, _: Any) -> None:
        if self._current is not None and not self._setting_period:
            self._draw_curve()

    def _draw_curve(self) -> None:
        row = self._current
        light_curves = self._light_curves_of(row)
        period = self.period.value
        if light_curves is None or period is None or not period > 0:
            self.curve.object = None
            self.images.object = None
            return
        self.curve.object = _curve_figure(light_curves, row["object_id"], float(period))
        self.images.object = _images_figure(
            self._model(), light_curves, row["object_id"], float(period)
        )

    def _model(self) -> Any:
        """The shipped classifier (loaded once, when first needed)."""
        if self._classifier is None:
            from ..classifier.trained import load_classifier

            self._classifier = load_classifier()
        return self._classifier

    def _light_curves_of(self, row: pd.Series) -> LightCurves | None:
        """The light curves holding the object shown: the upload's or the given ones."""
        light_curves = self._uploaded[0] if self._current_uploaded else self.light_curves
        if light_curves is None or row["object_id"] not in set(light_curves.object_ids):
            return None
        return light_curves

    # Period-luminosity diagram --------------------------------------------------------

    def _draw_pl(self, *_: Any) -> None:
        """Draw the P-L diagram of the selection, when its tab is open."""
        if self.tabs.active != PL_TAB:
            return
        if self.light_curves is None or not self.pl_index.options:
            self.pl_figure.object = None
            self.pl_summary.object = (
                "The P-L diagram needs the objects' light curves: ``tvs-classifier serve "
                "--light-curves FILE`` or ``dashboard(..., light_curves=...)``."
            )
            return
        choice = self.pl_index.value
        if choice not in self._pl_stars:  # magnitudes of every star, once per index
            self._pl_stars[choice] = pulsator_magnitudes(
                self.results.frame, self.light_curves, PL_INDICES[choice]
            )
        stars = self._pl_stars[choice]
        stars = stars[stars["object_id"].isin(self.selection()["object_id"])]
        table, relations = fit_relations(stars, clip=float(self.pl_clip.value))
        self.pl_figure.object = _pl_figure(table, relations, choice)
        self.pl_summary.object = _pl_summary(table, relations, choice)

    # Uploads --------------------------------------------------------------------------

    def _on_upload(self, event: Any) -> None:
        if event.new is None:
            return
        self.message.visible = False
        try:
            self._uploaded = classify_upload(event.new, self.upload.filename or "", self._model())
        except UploadError as error:
            self.message.object = str(error)
            self.message.visible = True
            return
        first = self._uploaded[1]["object_id"].iloc[0]
        self.show_object(first, uploaded=True)

    # Layout ---------------------------------------------------------------------------

    def view(self) -> Any:
        """The whole page: filters, export and upload beside the tabs."""
        pn = _panel()
        sidebar = pn.Column(
            pn.pane.Markdown("## tvs-classifier"),
            self.classes,
            self.min_probability,
            pn.pane.Markdown("Flags"),
            self.flags,
            pn.pane.Markdown("Model version"),
            self.model_versions,
            self.export_format,
            self.download,
            pn.pane.Markdown(
                f"**Classify a file** (CSV, Parquet or ECSV light curves, up to "
                f"{MAX_UPLOAD_BYTES // 2**20} MB)"
            ),
            self.upload,
            self.message,
            width=300,
        )
        return pn.Row(sidebar, self.tabs, sizing_mode="stretch_width")


def dashboard(
    source: str | Path | Results | pd.DataFrame,
    *,
    light_curves: str | Path | LightCurves | None = None,
) -> Any:
    """The dashboard of a store or a results table, to show in JupyterLab.

    Parameters
    ----------
    source : str, Path, Results or pandas.DataFrame
        A store (``.sqlite`` path or database URL), a results file written by
        ``tvs-classifier classify`` or ``export``, or such a table in memory.
    light_curves : str, Path or LightCurves, optional
        The objects' light curves (a file as ``tvs-classifier classify`` reads), for
        the folded curves, the images the network sees and the P-L diagram.

    Returns
    -------
    panel.viewable.Viewable
        Displayed inline by JupyterLab.

    Examples
    --------
    >>> import pandas as pd
    >>> page = dashboard(pd.DataFrame({"object_id": [1], "class": ["RRL"]}))
    >>> type(page).__name__
    'Row'
    """
    return _board(source, light_curves).view()


def serve(
    source: str | Path,
    *,
    light_curves: str | Path | None = None,
    port: int = 5006,
    address: str = "127.0.0.1",
    allow_origins: Sequence[str] = (),
    show: bool = False,
) -> None:
    """Serve the dashboard as a web app until interrupted (``tvs-classifier serve``).

    The store or file is read once, before the server starts (a bad one is an error
    here, not in the page); every browser session gets its own dashboard on it. The
    server listens on ``address`` only (this machine, by default).

    Parameters
    ----------
    source : str or Path
        A store or a results file, as in `dashboard`.
    light_curves : str or Path, optional
        A light-curve file for the folded curves.
    port : int
        The port (0: any free one).
    address : str
        The address to listen on.
    allow_origins : sequence of str
        Further ``host:port`` the page may be opened from (e.g. a proxy's).
    show : bool
        Open a browser.
    """
    pn = _panel()
    results = Results.open(source)
    curves = read_light_curves(light_curves) if light_curves is not None else None
    origins = [f"localhost:{port}", f"127.0.0.1:{port}", f"{address}:{port}", *allow_origins]
    pn.serve(
        lambda: Dashboard(results, light_curves=curves).view(),
        port=port,
        address=address,
        websocket_origin=origins,
        show=show,
        title="tvs-classifier",
        print_url=True,
        # an upload travels base64-encoded in one message: room for an oversize one,
        # so that the page can say it is too large rather than lose its connection
        websocket_max_message_size=4 * MAX_UPLOAD_BYTES,
    )


def _board(source: Any, light_curves: Any) -> Dashboard:
    """A `Dashboard` of any source `dashboard` takes."""
    if isinstance(source, Results):
        results = source
    elif isinstance(source, pd.DataFrame):
        results = Results(source, name="table")
    else:
        results = Results.open(source)
    if light_curves is not None and not isinstance(light_curves, LightCurves):
        light_curves = read_light_curves(light_curves)
    return Dashboard(results, light_curves=light_curves)


#: What the P-L diagram's magnitude axis can show: a band's mean magnitude, or the
#: Wesenheit index of two consecutive bands.
PL_INDICES: dict[str, tuple[str, ...]] = {
    **{f"W({blue}, {red})": (blue, red) for blue, red in pairwise(LSST_BANDS)},
    **{band: (band,) for band in LSST_BANDS},
}


#: The P-L magnitude shown first, the first of these the light curves have: a
#: Wesenheit index of well-measured bands, else a red band's mean magnitude.
PL_PREFERRED = ("W(g, r)", "W(r, i)", "r", "i", "g")


def pl_options(light_curves: LightCurves | None) -> list[str]:
    """The P-L magnitudes `PL_INDICES` offers for the bands of ``light_curves``.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame(
    ...     {"object_id": 1, "mjd": [1.0, 2.0], "band": ["g", "r"], "mag": 18.0, "mag_err": 0.1}
    ... )
    >>> pl_options(LightCurves.from_table(table))
    ['W(g, r)', 'g', 'r']
    >>> pl_options(None)
    []
    """
    if light_curves is None:
        return []
    present = set(light_curves.bands)
    return [name for name, bands in PL_INDICES.items() if set(bands) <= present]


def _pl_figure(table: pd.DataFrame, relations: dict, label: str) -> Any:
    """A figure of the P-L diagram."""
    from matplotlib.figure import Figure

    from ..plotting import plot_period_luminosity

    figure = Figure(figsize=(6.5, 4.5))
    axis = f"{label} (mag)" if len(PL_INDICES[label]) == 2 else f"mean {label} (mag)"
    plot_period_luminosity(table, relations, label=axis, ax=figure.add_subplot())
    figure.tight_layout()
    return figure


def _pl_summary(table: pd.DataFrame, relations: dict, label: str) -> str:
    """Markdown: the fitted relations and the stars off them."""
    if not len(table):
        return "No RR Lyrae star or Cepheid with a period and light curves in the selection."
    lines = [
        f"**{len(table):,}** RR Lyrae stars and Cepheids ({label}); "
        f"**{int(table['off_relation'].sum())}** off the relation of their subclass.",
        "",
        "| subclass | stars | kept | slope | at P = 1 d | scatter |",
        "|---|---|---|---|---|---|",
    ]
    for name, relation in relations.items():
        lines.append(
            f"| {name} | {relation.n} | {relation.n_used} | {relation.slope:.3f} | "
            f"{relation.intercept:.3f} | {relation.scatter:.3f} |"
        )
    lines += [
        "",
        "Relations fitted to the selection (a check for stars at one distance); the "
        "published LSST-band relations are not drawn (see the documentation).",
    ]
    return "\n".join(lines)


def _bars_figure(row: pd.Series) -> Any:
    """A figure of one object's probability bars."""
    from matplotlib.figure import Figure

    from ..plotting import plot_probability_bars

    names = [key for key in row.index if str(key).startswith("prob_")]
    figure = Figure(figsize=(4.0, max(3.0, 0.8 + 0.17 * len(names))))
    plot_probability_bars(row, ax=figure.add_subplot())
    figure.tight_layout()
    return figure


def _curve_figure(light_curves: LightCurves, object_id: object, period: float) -> Any:
    """A figure of one object's folded light curve (two cycles, every band)."""
    from matplotlib.figure import Figure

    from ..plotting import plot_folded

    figure = Figure(figsize=(6.0, 3.6))
    plot_folded(
        light_curves[object_id],
        period,
        ax=figure.add_subplot(),
        title=f"{object_id}  P = {period:.6g} d",
    )
    figure.tight_layout()
    return figure


def _images_figure(
    classifier: Any, light_curves: LightCurves, object_id: object, period: float
) -> Any:
    """A figure of the images the network sees for one object at ``period``: one
    panel per band of the model, and all bands in color; None where no band of the
    model has points."""
    from matplotlib.figure import Figure

    from ..plotting import image_rgb

    one = light_curves.select([object_id])
    if not set(one.bands) & set(classifier.bands):
        return None
    images, _ = classifier.inputs(one, [period])
    image = images[0]
    bands = list(classifier.bands)
    figure = Figure(figsize=(1.2 * (len(bands) + 2), 1.7))
    axes = figure.subplots(1, len(bands) + 1, width_ratios=[1] * len(bands) + [2])
    for k, band in enumerate(bands):
        axes[k].imshow(image[:, :, k], cmap="gray_r", vmin=0, vmax=1, aspect="auto",
                       interpolation="nearest")  # fmt: skip
        axes[k].set_title(band, fontsize="small")
    axes[-1].imshow(image_rgb(image, bands), aspect="auto", interpolation="nearest")
    axes[-1].set_title("all bands", fontsize="small")
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    figure.suptitle(
        f"What the network ({classifier.version}) sees: two cycles at P = {period:.6g} d",
        fontsize="small",
    )
    figure.tight_layout()
    return figure


def _history_figure(history: pd.DataFrame) -> Any:
    """A figure of one object's class and probability at each run."""
    from matplotlib.figure import Figure

    from ..plotting import plot_class_history

    figure = Figure(figsize=(6.0, 2.4))
    ax = plot_class_history(history, ax=figure.add_subplot())
    figure.autofmt_xdate()
    ax.set_title("Class at each run", fontsize="small")
    figure.tight_layout()
    return figure
