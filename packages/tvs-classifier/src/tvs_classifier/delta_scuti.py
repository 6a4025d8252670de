"""Synthetic delta Scuti stars. Not simulated yet."""

from __future__ import annotations

from .variability import StarModel

__all__ = ["MODELS"]

#: delta Scuti subclasses of the simulator.
MODELS: dict[str, StarModel] = {}
