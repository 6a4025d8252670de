"""Synthetic eclipsing binaries: detached, semi-detached and contact. Not simulated yet."""

from __future__ import annotations

from .variability import StarModel

__all__ = ["MODELS"]

#: Eclipsing-binary subclasses of the simulator.
MODELS: dict[str, StarModel] = {}
