"""The real-data figures the documentation quotes belong to the model that ships.

``nox -s validate`` evaluates tvs-classifier's default model on real light curves and
writes one JSON file per evaluation into ``docs/tvs-classifier/validation/``, which the
documentation reads (``docs/_ext/validation_figures.py``). Shipping a new model without
rerunning it would leave the documentation quoting the old model's figures: these tests
fail instead.
"""

import json
from importlib import resources
from pathlib import Path

import pytest

VALIDATION = Path(__file__).resolve().parents[1] / "docs" / "tvs-classifier" / "validation"
#: What ``nox -s validate`` writes: each data set with catalog and with searched periods.
PERIOD_RUNS = [
    f"{data}-{periods}-periods.json"
    for data in ("stripe82", "ztf")
    for periods in ("catalog", "searched")
]
#: ... the EROS-2 Cepheid with its searched period, Stripe 82 in g and r only (clean, with
#: injected outliers, as an old survey) and the feature baseline beside the CNN.
EXPECTED = [
    *PERIOD_RUNS,
    "eros2-searched-periods.json",
    "stripe82-gr-outliers.json",
    "baseline-vs-cnn.json",
]


def shipped_model_version() -> str:
    """Version of the default model in the installed tvs-classifier."""
    card = resources.files("tvs_classifier").joinpath("data", "model", "model_card.json")
    return json.loads(card.read_text(encoding="utf-8"))["model_version"]


def test_every_evaluation_is_there():
    assert sorted(path.name for path in VALIDATION.glob("*.json")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", EXPECTED)
def test_validation_is_of_the_shipped_model(name):
    result = json.loads((VALIDATION / name).read_text(encoding="utf-8"))
    version = result.get("model_version", result.get("cnn_model_version"))
    assert version == shipped_model_version(), (
        f"{name} was made with another model than the one shipped: run nox -s validate"
    )
    if name in PERIOD_RUNS:
        assert result["periods"] == name.split("-")[1]
        assert {"tvs_classifier_version", "data", "command", "date", "results"} <= set(result)
