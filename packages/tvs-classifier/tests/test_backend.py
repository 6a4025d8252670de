"""Keras backends: the classifier runs on whichever of JAX and TensorFlow is installed.

The Rubin Science Platform has JAX and no TensorFlow. ``nox -s jax`` runs this file (and
``test_classify.py``) where only ``tvs-classifier[jax]`` is installed and ``KERAS_BACKEND``
is unset; ``nox -s tests`` runs it with TensorFlow and ``KERAS_BACKEND=tensorflow``. A
package that is not installed is simulated in a subprocess, where
``sys.modules[name] = None`` makes it impossible to find or import.
"""

import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from tvs_classifier import classify, load_classifier
from tvs_classifier.classifier._keras import BACKENDS, NoBackendError, import_keras
from tvs_classifier.datasets import load_alerce_ztf_sample

#: Main classes of the model that count as right for each ALeRCE label of the ZTF sample.
ZTF_CLASSES = {
    "Ceph": {"CEP", "T2CEP", "ACEP"},
    "DSCT": {"DSCT"},
    "EA": {"ECL"},
    "LPV": {"LPV"},
    "RRL": {"RRL"},
}

#: Run in a subprocess: import Keras through the package and print what happened.
IMPORT_KERAS = """
import sys
for name in sys.argv[1:]:
    sys.modules[name] = None  # as if not installed
from tvs_classifier.classifier._keras import NoBackendError, import_keras
try:
    keras = import_keras()
except NoBackendError as error:
    print(f"NoBackendError: {error}")
else:
    print(f"backend: {keras.backend.backend()}")
"""


def installed(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


@pytest.fixture(scope="module")
def ztf():
    """The bundled ZTF sample classified with the shipped model, and its labels."""
    light_curves, labels = load_alerce_ztf_sample()
    result = classify(
        light_curves,
        labels.set_index("object_id")["catalog_period"],
        classifier=load_classifier(),
        band_map={"ztf_g": "g", "ztf_r": "r"},
        progress=False,
    )
    return result, labels


def import_keras_in_subprocess(tmp_path, blocked=(), keras_json=None, **environment):
    """What `import_keras` does in a fresh Python with ``blocked`` modules missing.

    ``KERAS_BACKEND`` is unset unless given; Keras' home is ``tmp_path``, with a
    ``keras.json`` naming ``keras_json`` as the backend if given.
    """
    if keras_json is not None:
        (tmp_path / "keras.json").write_text(json.dumps({"backend": keras_json}))
    env = {key: value for key, value in os.environ.items() if key != "KERAS_BACKEND"}
    env.update({"KERAS_HOME": str(tmp_path), **environment})
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_KERAS, *blocked], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_the_default_model_classifies_the_ztf_sample(ztf):
    result, labels = ztf
    assert sorted(result["object_id"]) == sorted(labels["object_id"])
    assert (result["model_version"] == load_classifier().version).all()
    assert result["model_version"].iloc[0].startswith("tvs-cnn-")
    subclasses = result[[f"prob_{name}" for name in load_classifier().subclasses]]
    np.testing.assert_allclose(subclasses.sum(axis=1), 1.0, atol=1e-5)
    assert result["class_prob"].between(0, 1).all()


def test_the_default_model_gets_the_ztf_sample_right(ztf):
    # nox -s validate gives 19 of 25 (docs/tvs-classifier/validation/ztf-catalog-periods.json);
    # the two backends agree to 1e-4 in probability.
    result, labels = ztf
    label = labels.set_index("object_id")["label"]
    right = [
        cls in ZTF_CLASSES[label[obj]]
        for obj, cls in zip(result["object_id"], result["class"], strict=True)
    ]
    assert sum(right) >= 19, result[["object_id", "class", "class_prob"]]


def test_keras_runs_on_an_installed_backend(ztf):
    backend = import_keras().backend.backend()
    assert backend in BACKENDS
    assert installed(backend)
    if os.environ.get("KERAS_BACKEND"):  # given, or set by import_keras when it chose
        assert backend == os.environ["KERAS_BACKEND"]
    if not installed("tensorflow"):
        assert backend == "jax"


def test_no_backend_names_the_extras(tmp_path):
    line = import_keras_in_subprocess(tmp_path, blocked=("jax", "tensorflow"))
    assert line.startswith("NoBackendError: no Keras backend")
    assert "pip install 'tvs-classifier[jax]'" in line
    assert "pip install 'tvs-classifier[tensorflow]'" in line


def test_no_keras_names_the_extras(tmp_path):
    line = import_keras_in_subprocess(tmp_path, blocked=("keras",))
    assert line.startswith("NoBackendError: Keras is not installed")
    assert "tvs-classifier[jax]" in line


def test_a_keras_backend_that_is_not_installed_is_named(tmp_path):
    line = import_keras_in_subprocess(tmp_path, KERAS_BACKEND="not_a_keras_backend")
    assert line.startswith("NoBackendError: KERAS_BACKEND is 'not_a_keras_backend'")
    assert "tvs-classifier[jax]" in line


@pytest.mark.skipif(not installed("jax"), reason="JAX is not installed")
def test_jax_is_chosen_where_tensorflow_is_missing(tmp_path):
    # Keras writes keras.json with its default, TensorFlow, on its first import, even
    # where TensorFlow is missing: that file must not stop the classifier using JAX.
    line = import_keras_in_subprocess(tmp_path, blocked=("tensorflow",), keras_json="tensorflow")
    assert line == "backend: jax"


def test_no_backend_error_is_an_import_error():
    assert issubclass(NoBackendError, ImportError)
