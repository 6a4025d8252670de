"""The interface every simulated class of variable star implements.

`tvs_classifier.simulation` makes labelled LSST light curves of many classes. Each
class (a *subclass* such as ``"RRab"``, belonging to a main class such as ``"RRL"``)
is a `StarModel`: a function that draws ``n`` stars of the subclass with everything
needed to compute their noiseless magnitudes at any time, returned as a
`SimulatedStars`. The simulator then draws visit times (`tvs_classifier.simulation.cadence`),
places the stars at a mean r magnitude, evaluates ``variation`` at the visits and adds
noise (`tvs_classifier.simulation.noise`). A model therefore only describes the star: its period,
its colors and how its magnitude varies in each band.

Bands are indexed in the order of `tvs_classifier.bands.LSST_BANDS` (u g r i z y)
everywhere.

Examples
--------
A sinusoidal variable with a period of one day and the same amplitude in every band:

>>> import numpy as np
>>> def draw(n, rng):
...     period = np.ones(n)
...
...     def variation(star, time, band):
...         return 0.25 * np.sin(2 * np.pi * time / period[star])
...
...     return SimulatedStars(
...         period=period,
...         colors=np.zeros((n, 6)),
...         amplitude=np.full((n, 6), 0.5),
...         variation=variation,
...     )
>>> model = StarModel("toy", draw, "a sinusoid")
>>> stars = model.draw(2, np.random.default_rng(0))
>>> stars.variation(np.array([0, 1]), np.array([0.25, 0.75]), np.array([2, 2])).round(2)
array([ 0.25, -0.25])
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from ..bands import LSST_BANDS

__all__ = ["SimulatedStars", "StarModel", "Variation"]

#: ``variation(star, time, band) -> magnitude minus mean magnitude``, all arrays of one
#: shape: ``star`` indexes the drawn stars (0 .. n-1), ``time`` is in days since
#: `tvs_classifier.simulation.cadence.LSST_START_MJD`, ``band`` indexes `LSST_BANDS`.
Variation = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


@dataclass(frozen=True, eq=False)
class SimulatedStars:
    """``n`` stars of one subclass, drawn but not yet observed.

    Attributes
    ----------
    period : ndarray, shape (n,)
        Period in days (the one a classifier should use); NaN for non-periodic stars.
    colors : ndarray, shape (n, 6)
        Mean magnitude (over time) in each band minus the mean r magnitude.
    amplitude : ndarray, shape (n, 6)
        Peak-to-peak amplitude of the noiseless light curve in each band.
    variation : Variation
        Magnitude minus the mean magnitude at given times and bands.
    labels : mapping of str to ndarray
        Further per-star label columns for the simulator's label table (e.g. the
        template or catalog star copied, an epoch of maximum as MJD).
    """

    period: np.ndarray
    colors: np.ndarray
    amplitude: np.ndarray
    variation: Variation
    labels: Mapping[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = len(self.period)
        for name in ("colors", "amplitude"):
            if np.shape(getattr(self, name)) != (n, len(LSST_BANDS)):
                raise ValueError(
                    f"{name} must have shape ({n}, {len(LSST_BANDS)}), "
                    f"not {np.shape(getattr(self, name))}"
                )
        for name, values in self.labels.items():
            if len(values) != n:
                raise ValueError(f"label column {name!r} has {len(values)} values, not {n}")


@dataclass(frozen=True)
class StarModel:
    """How to draw stars of one subclass.

    Attributes
    ----------
    main_class : str
        The main class the subclass belongs to (e.g. ``"RRL"`` for ``"RRab"``).
    draw : callable
        ``draw(n, rng) -> SimulatedStars`` with a `numpy.random.Generator`.
    description : str
        One line for documentation: the data and papers the model follows.
    """

    main_class: str
    draw: Callable[[int, np.random.Generator], SimulatedStars]
    description: str
