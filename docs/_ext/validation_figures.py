"""The measured figures of tvs-classifier's default model, read where they are made.

Two sources, never copied by hand into the pages:

* the model card of the installed default model
  (``tvs_classifier/data/model/model_card.json``): the synthetic test-split metrics that
  training wrote;
* the JSON files of ``nox -s validate`` in ``docs/tvs-classifier/validation/``: the
  real-data evaluations (Stripe 82 RR Lyrae, the bundled ZTF sample; catalog and
  searched periods) of ``packages/tvs-classifier/benchmarks/evaluate_real.py``.

Each figure becomes a substitution usable on any page (``|s82-catalog-recall|``; the
list is `FIGURES` and `CARD_FIGURES`), and two directives draw tables from the files:
``.. validation-runs::`` (what made each file) and ``.. validation-ztf::`` (every ZTF
star with the class given by catalog and by searched periods). A validation file made
with another model than the installed one is a warning, which the ``-W`` build turns
into an error: rerun ``nox -s validate`` after shipping a new model.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

#: Where ``nox -s validate`` writes its JSON files.
VALIDATION = Path(__file__).resolve().parents[1] / "tvs-classifier" / "validation"
#: The files ``nox -s validate`` writes, by the name the figures use.
RUNS = {
    "s82-catalog": "stripe82-catalog-periods.json",
    "s82-searched": "stripe82-searched-periods.json",
    "ztf-catalog": "ztf-catalog-periods.json",
    "ztf-searched": "ztf-searched-periods.json",
    "s82-gr": "stripe82-gr-outliers.json",
    "eros2": "eros2-searched-periods.json",
}

#: How a figure is written: ``count`` as is, ``fraction`` to 3 decimals (``fraction2``
#: to 2), ``percent`` as a percentage to 0.1, ``minutes`` (of seconds) to the minute.
FORMATS = {
    "count": "{:d}".format,
    "fraction": "{:.3f}".format,
    "fraction2": "{:.2f}".format,
    "percent": lambda x: f"{100 * x:.1f} %",
    "text": str,
    "minutes": lambda seconds: f"{seconds / 60:.0f}",
}

#: Substitution -> (run, dotted path in its ``results``, format). A path ending in a
#: name absent from a table of counts (a subclass never predicted) counts 0.
FIGURES: dict[str, tuple[str, str, str]] = {
    "s82-n": ("s82-catalog", "n", "count"),
    "s82-catalog-rrl": ("s82-catalog", "rr_lyrae", "count"),
    "s82-catalog-recall": ("s82-catalog", "rr_lyrae_recall", "fraction"),
    "s82-catalog-abc": ("s82-catalog", "ab_c_accuracy_of_rr_lyrae", "fraction"),
    "s82-catalog-rrd": ("s82-catalog", "predicted_subclasses.RRd", "count"),
    "s82-catalog-cep1o": ("s82-catalog", "predicted_subclasses.CEP_1O", "count"),
    "s82-searched-rrl": ("s82-searched", "rr_lyrae", "count"),
    "s82-searched-recall": ("s82-searched", "rr_lyrae_recall", "fraction"),
    "s82-searched-abc": ("s82-searched", "ab_c_accuracy_of_rr_lyrae", "fraction"),
    "s82-searched-periods": ("s82-searched", "period_recovery.rate", "percent"),
    "s82-searched-periods-n": ("s82-searched", "period_recovery.recovered", "count"),
    "s82-searched-recall-right-period": (
        "s82-searched",
        "rr_lyrae_recall_right_period",
        "percent",
    ),
    "s82-searched-recall-wrong-period": (
        "s82-searched",
        "rr_lyrae_recall_wrong_period",
        "percent",
    ),
    "ztf-n": ("ztf-catalog", "n", "count"),
    "ztf-catalog-right": ("ztf-catalog", "right", "count"),
    "ztf-catalog-accuracy": ("ztf-catalog", "accuracy", "fraction2"),
    "ztf-searched-right": ("ztf-searched", "right", "count"),
    "ztf-searched-accuracy": ("ztf-searched", "accuracy", "fraction2"),
    "ztf-searched-periods-n": ("ztf-searched", "period_recovery.recovered", "count"),
    "ztf-searched-periods-of": ("ztf-searched", "period_recovery.n_stars", "count"),
    "s82-gr-recall": ("s82-gr", "clean.rr_lyrae_recall", "fraction"),
    "s82-gr-outliers-recall": ("s82-gr", "with_outliers.rr_lyrae_recall_mean", "fraction"),
    "s82-gr-outliers-min": ("s82-gr", "with_outliers.rr_lyrae_recall_min", "fraction"),
    "s82-gr-outliers-max": ("s82-gr", "with_outliers.rr_lyrae_recall_max", "fraction"),
    "s82-gr-clean-flagged": ("s82-gr", "clean.flagged_points", "percent"),
    **{
        f"s82-gr-{name}": ("s82-gr", f"clean.rr_lyrae_recall_by_option.{key}", "fraction")
        for name, key in (
            ("training", "training_priors"),
            ("ignore-colors", "ignore_colors"),
            ("priors", "priors_ogle3_lmc"),
            ("adapt", "priors_adapt"),
        )
    },
    **{
        f"s82-old-{name}": ("s82-gr", f"old_survey.rr_lyrae_recall_mean.{key}", "fraction")
        for name, key in (
            ("as-is", "as_is"),
            ("training", "training_priors"),
            ("ignore-colors", "ignore_colors"),
            ("priors", "priors_ogle3_lmc"),
            ("adapt", "priors_adapt"),
            ("both", "ignore_colors_and_priors"),
        )
    },
    "eros2-period": ("eros2", "period", "fraction"),
    "eros2-class": ("eros2", "class", "text"),
    "eros2-subclass": ("eros2", "subclass", "text"),
    "eros2-prob": ("eros2", "class_prob", "fraction2"),
    "eros2-baseline-class": ("eros2", "baseline.class", "text"),
}
#: The feature baseline against the CNN, measured in one run (``baseline_vs_cnn.py``).
BASELINE_FILE = "baseline-vs-cnn.json"
#: Substitution -> (dotted path in the baseline file's ``results``, format).
BASELINE_FIGURES: dict[str, tuple[str, str]] = {
    f"{who}-{what}": (f"{where}.{who}.{key}", kind)
    for who in ("baseline", "cnn")
    for what, (where, key, kind) in {
        "sim-recall": ("simulated_held_out", "macro_recall", "fraction"),
        "s82-recall": ("stripe82.ugriz", "rr_lyrae_recall", "fraction"),
        "s82-gr-recall": ("stripe82.gr", "rr_lyrae_recall", "fraction"),
        "ztf-right": ("ztf", "right", "count"),
    }.items()
}

#: Substitution -> (dotted path in the model card, format).
CARD_FIGURES: dict[str, tuple[str, str]] = {
    "model-test-n": ("splits.test", "count"),
    "model-macro-recall": ("metrics.class.per_class.macro.recall", "fraction"),
    "model-subclass-accuracy": ("metrics.subclass.accuracy", "fraction"),
    "model-ece": ("metrics.ece_test_calibrated", "fraction"),
    "model-temperature": ("temperature", "fraction"),
    "model-epochs": ("training.epochs_run", "count"),
    "model-train-minutes": ("recipe.wall_seconds", "minutes"),
}


@cache
def model_card() -> dict[str, Any]:
    """The model card of the installed default model."""
    path = resources.files("tvs_classifier").joinpath("data", "model", "model_card.json")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ModuleNotFoundError) as err:
        raise ExtensionError(f"no tvs-classifier default model installed ({err})") from err


@cache
def run(name: str) -> dict[str, Any]:
    """The JSON file of one ``nox -s validate`` run (``s82-catalog``, ...)."""
    path = VALIDATION / RUNS[name]
    if not path.is_file():
        raise ExtensionError(f"{path} is missing: run nox -s validate")
    return json.loads(path.read_text(encoding="utf-8"))


def _lookup(data: dict[str, Any], path: str, where: str) -> Any:
    """The value at a dotted ``path`` of ``data``; 0 for a name missing from counts."""
    *parents, last = path.split(".")
    for key in parents:
        if key not in data:
            raise ExtensionError(f"{where} has no {path!r}: rerun nox -s validate")
        data = data[key]
    if last not in data:
        if parents and all(isinstance(v, int) for v in data.values()):
            return 0
        raise ExtensionError(f"{where} has no {path!r}: rerun nox -s validate")
    return data[last]


def substitutions() -> dict[str, str]:
    """Every figure of `FIGURES` and `CARD_FIGURES`, formatted, by substitution name."""
    card = model_card()
    found = {
        "model-version": f"``{card['model_version']}``",
        "model-date": card["created"][:10],
        "validation-date": max(run(name)["date"] for name in RUNS),
    }
    for name, (path, kind) in CARD_FIGURES.items():
        found[name] = FORMATS[kind](_lookup(card, path, "model_card.json"))
    for name, (source, path, kind) in FIGURES.items():
        found[name] = FORMATS[kind](_lookup(run(source)["results"], path, RUNS[source]))
    baseline = _baseline()
    for name, (path, kind) in BASELINE_FIGURES.items():
        found[name] = FORMATS[kind](_lookup(baseline["results"], path, BASELINE_FILE))
    return found


@cache
def _baseline() -> dict[str, Any]:
    """The baseline file, checked to be of the installed default model."""
    path = VALIDATION / BASELINE_FILE
    if not path.is_file():
        raise ExtensionError(f"{path} is missing: run nox -s validate")
    baseline = json.loads(path.read_text(encoding="utf-8"))
    if baseline["cnn_model_version"] != model_card()["model_version"]:
        logger.warning("%s was made with another model: rerun nox -s validate", path)
    return baseline


def _check_model_versions() -> None:
    """Warn about validation files made with another model than the installed one."""
    shipped = model_card()["model_version"]
    for name, filename in RUNS.items():
        made_with = run(name)["model_version"]
        if made_with != shipped:
            logger.warning(
                "%s was made with model %s, but the installed default model is %s: "
                "rerun nox -s validate",
                VALIDATION / filename,
                made_with,
                shipped,
            )


def _add_substitutions(app, config) -> None:
    """Append a ``.. |name| replace::`` line for every figure to ``rst_epilog``."""
    lines = [f".. |{name}| replace:: {value}" for name, value in substitutions().items()]
    config.rst_epilog = "\n".join([config.rst_epilog or "", *lines]) + "\n"
    _check_model_versions()


def _table(directive: SphinxDirective, lines: list[str]) -> list[nodes.Node]:
    """Parse reStructuredText ``lines`` in place of ``directive``."""
    for filename in RUNS.values():
        directive.env.note_dependency(str(VALIDATION / filename))
    container = nodes.container()
    directive.state.nested_parse(StringList(lines, source=__file__), 0, container)
    return container.children


class ValidationRuns(SphinxDirective):
    """A table of the ``nox -s validate`` files: data, periods, model, versions, command."""

    def run(self) -> list[nodes.Node]:
        lines = [
            ".. list-table::",
            "   :header-rows: 1",
            "   :widths: 22 12 20 12 12 22",
            "",
            "   * - Data",
            "     - Periods",
            "     - Model",
            "     - tvs-classifier, Keras backend",
            "     - Date",
            "     - Command (from the repository root)",
        ]
        for name, filename in RUNS.items():
            data = run(name)
            lines += [
                f"   * - {data['data']['name']} (``{filename}``)",
                f"     - {data['periods']}",
                f"     - ``{data['model_version']}``",
                f"     - {data['tvs_classifier_version']}, {data['versions']['keras_backend']}",
                f"     - {data['date']}",
                f"     - ``{data['command']}``",
            ]
        return _table(self, lines)


class ValidationZTF(SphinxDirective):
    """Every star of the ZTF sample: its label and class with catalog and searched periods."""

    def run(self) -> list[nodes.Node]:
        given = {row["object_id"]: row for row in run("ztf-catalog")["results"]["objects"]}
        searched = {row["object_id"]: row for row in run("ztf-searched")["results"]["objects"]}
        lines = [
            ".. list-table::",
            "   :header-rows: 1",
            "",
            "   * - Star",
            "     - Label",
            "     - Catalog period (d)",
            "     - Class (catalog period)",
            "     - Period found (d)",
            "     - Class (period found)",
        ]

        def cell(row: dict[str, Any]) -> str:
            mark = "" if row["right"] else " (wrong)"
            return f"{row['class']} ({row['subclass']}), {row['class_prob']:.2f}{mark}"

        for object_id, row in given.items():
            other = searched[object_id]
            period = row["catalog_period"]
            lines += [
                f"   * - {object_id}",
                f"     - {row['label']}",
                f"     - {period:.4f}" if period is not None else "     - none (searched)",
                f"     - {cell(row)}",
                f"     - {other['period']:.4f}",
                f"     - {cell(other)}",
            ]
        return _table(self, lines)


def setup(app) -> dict[str, Any]:
    """Register the substitutions and the two directives."""
    app.connect("config-inited", _add_substitutions)
    app.add_directive("validation-runs", ValidationRuns)
    app.add_directive("validation-ztf", ValidationZTF)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
