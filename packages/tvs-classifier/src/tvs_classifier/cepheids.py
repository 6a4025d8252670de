"""Synthetic Cepheids: classical (F, 1O), type II and anomalous. Not simulated yet."""

from __future__ import annotations

from .variability import StarModel

__all__ = ["MODELS"]

#: Cepheid subclasses of the simulator.
MODELS: dict[str, StarModel] = {}
