"""Synthetic long-period variables (Miras, semi-regulars) and non-periodic sources. Not simulated yet."""

from __future__ import annotations

from .variability import StarModel

__all__ = ["MODELS"]

#: Long-period and non-periodic subclasses of the simulator.
MODELS: dict[str, StarModel] = {}
