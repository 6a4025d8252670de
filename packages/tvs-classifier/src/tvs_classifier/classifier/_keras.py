"""Importing Keras with a backend that is installed, or saying which extra installs one.

``pip install tvs-classifier`` (or ``tvs-classifier[jax]``) brings Keras with JAX, the
backend of the Rubin Science Platform; ``tvs-classifier[tensorflow]`` adds TensorFlow.
Keras itself defaults to TensorFlow and, on its first import, writes that default into
``keras.json``, so neither Keras' default nor ``keras.json`` says which backend a user
has; only ``KERAS_BACKEND`` is taken as a demand.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path
from types import ModuleType

__all__ = ["BACKENDS", "EXTRAS", "NoBackendError", "import_keras"]

#: Keras backends the classifier runs on, in the order one is picked when the configured
#: backend is not installed: JAX (what the Rubin Science Platform has), then TensorFlow.
BACKENDS: tuple[str, ...] = ("jax", "tensorflow")

#: How to install a backend, named in every `NoBackendError`.
EXTRAS = (
    "install one: pip install 'tvs-classifier[jax]' (the Rubin Science Platform's "
    "backend) or pip install 'tvs-classifier[tensorflow]'"
)


class NoBackendError(ImportError):
    """Keras is there but none of its backends is, with the extra that installs one."""


def _installed(name: str) -> bool:
    """Whether module ``name`` can be imported (without importing it)."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # a missing parent package; a module without spec
        return False


def _keras_json_backend() -> str | None:
    """The backend in ``keras.json``, where Keras looks for it, or None.

    Keras reads ``$KERAS_HOME/keras.json``, else ``~/.keras/keras.json`` (``/tmp/.keras``
    where the home folder is not writable).
    """
    if "KERAS_HOME" in os.environ:
        home = Path(os.environ["KERAS_HOME"])
    else:
        base = Path.home() if os.access(Path.home(), os.W_OK) else Path("/tmp")
        home = base / ".keras"
    try:
        backend = json.loads((home / "keras.json").read_text()).get("backend")
    except (OSError, ValueError, AttributeError):
        return None
    return str(backend) if backend else None


def import_keras() -> ModuleType:
    """Import Keras on an installed backend.

    When Keras is already imported it is returned as it is. A backend set in
    ``KERAS_BACKEND`` must be installed. Otherwise Keras' own choice (``keras.json``,
    else TensorFlow) is kept if that backend is installed; if not, the first installed
    of `BACKENDS` is chosen (``KERAS_BACKEND`` is set for this process), so that an
    install with JAX only works without any setting.

    Returns
    -------
    module
        ``keras``.

    Raises
    ------
    NoBackendError
        If Keras is missing, the backend in ``KERAS_BACKEND`` is not installed, or no
        backend is; the message names the extra to install.

    Examples
    --------
    >>> keras = import_keras()
    >>> keras.backend.backend() in BACKENDS
    True
    """
    if sys.modules.get("keras") is not None:  # None there: blocked, as if not installed
        return sys.modules["keras"]
    if not _installed("keras"):
        raise NoBackendError(f"Keras is not installed; {EXTRAS}")
    demanded = os.environ.get("KERAS_BACKEND")  # Keras ignores it when empty, as here
    if demanded:
        if not _installed(demanded):
            raise NoBackendError(
                f"KERAS_BACKEND is {demanded!r}, which is not installed: install it or "
                f"unset KERAS_BACKEND; or {EXTRAS}"
            )
    elif not _installed(_keras_json_backend() or "tensorflow"):
        available = [name for name in BACKENDS if _installed(name)]
        if not available:
            raise NoBackendError(f"no Keras backend (JAX or TensorFlow) is installed; {EXTRAS}")
        os.environ["KERAS_BACKEND"] = available[0]
    import keras

    return keras
