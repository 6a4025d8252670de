"""Synthetic eclipsing binaries: detached (ED), semi-detached (ESD) and contact (EC).

Each simulated binary copies one real OGLE-III LMC eclipsing binary of the same OGLE
subtype (Graczyk et al. 2011, AcA 61, 103; `tvs_classifier.simulation.ogle.load_ogle3`), drawn at
random: its orbital period, its I-band primary eclipse depth, its V - I color and
(ED, ESD) its I-band secondary eclipse depth. The light curve is that of two limb-darkened
spheres on a circular orbit, computed band by band:

* **Geometry.** Radii ``r1, r2`` in units of the separation, circular orbit of
  inclination ``i``; at phase ``phi`` the projected separation of the centers is
  ``d = sqrt(sin^2(2 pi phi) + cos^2 i cos^2(2 pi phi))``. At phase 0 star 2 passes in
  front of star 1 (the primary eclipse), at phase 0.5 star 1 in front of star 2. The
  light lost is summed over 32 annuli of the eclipsed disc: the area of each annulus
  inside the other disc (exact, from the area common to two discs) times the annulus's
  intensity, with linear limb darkening ``I(mu) = 1 - u_b (1 - mu)`` of band-dependent
  coefficient `LIMB_DARKENING` (rounded values typical of 5000-10000 K dwarfs after
  Claret 2004, A&A 428, 1001; the same for both stars).
* **Sum of the radii.** ED: from Kepler's third law, ``a = 4.21 R_sun (M / M_sun)^(1/3)
  (P / d)^(2/3)``, with a total mass drawn log-uniformly over 3-20 M_sun and
  ``R1 + R2`` over 2-10 R_sun (OGLE-III LMC binaries are mostly B-A main-sequence
  and slightly evolved stars), capped at 0.6 (both stars inside their Roche lobes);
  long periods therefore give narrow eclipses and a flat light curve between them.
  ESD: uniform 0.4-0.6 (one star fills its Roche lobe). EC: uniform 0.7-0.85 (both
  fill it). Radius ratio ``k = r2 / r1``: ED uniform 0.6-1, ESD uniform 0.8-1.5 (the
  lobe-filling, cooler secondary of an Algol is often the larger star), EC ``q^0.46``
  (ratio of Roche-lobe radii, Paczyński 1971) with mass ratio ``q`` uniform 0.1-1.
  Where the drawn ``k`` cannot give the catalog's primary depth, ``k = 1``.
* **Ellipsoidal variation.** The tidally distorted stars add
  ``-a cos(4 pi phi)`` to the relative flux (minima at both conjunctions), with
  ``a = sum_k l_k 0.15 (15 + u)(1 + tau) / (3 - u) q_k r_k^3 sin^2 i`` (Morris 1985,
  ApJ 295, 143; ``u = 0.5``, gravity darkening ``tau = 0.5``, ``l_k`` the light
  fraction of star k, ``q_1 = q`` and ``q_2 = 1 / q``, mass ratio ``q = k^1.25`` for ED
  and uniform 0.4-1 for ESD): negligible for wide detached pairs, a few hundredths of
  a magnitude for semi-detached ones, and, together with the wide eclipses, the
  continuous W UMa-like variation of contact binaries. Reflection and Doppler beaming
  are left out. Orbits are circular (no displaced secondary eclipses).
* **Depths and temperatures.** OGLE's depths are measured in I, taken here as LSST i.
  The primary's temperature ``T1`` follows from the catalog's ``V - I`` de-reddened
  by the mean LMC ``E(V-I) = 0.09`` (Haschke et al. 2011, AJ 141, 158), through the
  blackbody colors of `tvs_classifier.simulation.colors.lsst_colors` converted to Johnson-Cousins
  V and I with Lupton's (2005) SDSS transformations (the system's light is taken to be
  the primary's), so that the simulated system has about the catalog star's color.
  (The pulsating stars use the Casagrande et al. 2010 relation instead, which is
  calibrated for FGK stars only, 0.46 <= (V-I)_0 <= 1.47; most OGLE-III LMC binaries
  are bluer, B-A stars of 8000-25000 K.) For a circular orbit both eclipses cover the same area, so the ratio
  of the depths (in flux) is the ratio of the surface brightnesses ``J_i = S2 / S1``,
  up to limb darkening, which the model includes; ``i`` then follows from the primary
  depth. ``T2`` is the blackbody temperature with ``S2 / S1 = J_i`` at the mean
  wavelength of LSST i (755 nm). In every other band ``J_b = J_i 10^(-0.4 [(m_b - m_i)(T2) -
  (m_b - m_i)(T1)])`` from the blackbody colors, so a cooler secondary makes the
  primary eclipse deeper and the secondary shallower in u than in y. The system's
  colors are the flux-weighted sum of the two blackbodies.
* **Contact binaries.** A common envelope makes the two stars of a contact binary
  nearly equally hot (Lucy 1968, ApJ 151, 1123): ``T2 / T1`` is drawn uniform 0.93-1
  and the secondary depth follows from the model, so that EC minima are nearly equal.
  The ``depth2`` of the OGLE-III table is not used for EC: its ratio to ``depth1`` lies
  within 0.26-0.33 for 90 % of the EC stars (as for ED and ESD), which contact
  binaries cannot have.

Catalog stars without V (under 2 %) are not drawn. Temperatures are kept within
3000-30000 K. For the few catalog systems no pair of spheres can reproduce
(primary and secondary flux depths summing to nearly one), the deepest eclipse the
drawn geometry allows is used; the ``depth1_i`` label gives the model's depth.

Examples
--------
>>> import numpy as np
>>> stars = MODELS["ED"].draw(3, np.random.default_rng(0))
>>> stars.period.shape, stars.colors.shape
((3,), (3, 6))
>>> bool(np.all(stars.labels["depth2_i"] <= stars.labels["depth1_i"]))
True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import ArrayLike

from ..bands import LSST_BANDS, LSST_WAVELENGTH
from ._pulsation import E_VI_LMC
from .base import SimulatedStars, StarModel
from .cadence import LSST_START_MJD
from .colors import lsst_colors
from .ogle import load_ogle3

__all__ = ["LIMB_DARKENING", "MODELS", "eclipse_light_loss"]

#: Linear limb-darkening coefficient per band u g r i z y (approximate).
LIMB_DARKENING: np.ndarray = np.array([0.60, 0.55, 0.47, 0.40, 0.34, 0.30])

_SUBTYPES = {"ED": "detached", "ESD": "semi-detached", "EC": "contact"}
_N_ANNULI = 32
_I_BAND = LSST_BANDS.index("i")
_R_BAND = LSST_BANDS.index("r")
_LAMBDA_I_UM = LSST_WAVELENGTH[_I_BAND] / 1000.0  # mean wavelength of LSST i, micron
_HC_OVER_K = 14387.77  # h c / k in micron K
_TEFF = (3000.0, 30000.0)
_MORRIS = 0.15 * (15 + 0.5) * (1 + 0.5) / (3 - 0.5)  # Morris (1985), u = 0.5, tau = 0.5
_N_PHASE = 101  # phases across each eclipse for the mean magnitude
_CHUNK = 20000  # points per annulus computation (bounds memory)


_EDGES = np.linspace(0.0, 1.0, _N_ANNULI + 1)  # annulus edges, units of the disc radius


@cache
def _annulus_intensity() -> np.ndarray:
    """Limb-darkened intensity of each annulus per band, (annuli, bands), at its mid radius."""
    x = 0.5 * (_EDGES[1:] + _EDGES[:-1])
    mu = np.sqrt(1.0 - x**2)
    return 1.0 - LIMB_DARKENING[None, :] * (1.0 - mu[:, None])


def _overlap_area(rho: np.ndarray, radius: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Area common to two discs of radii ``rho`` and ``radius`` with centers ``d`` apart."""
    rho, radius, d = np.broadcast_arrays(rho, radius, np.maximum(d, 1e-12))
    safe_rho = np.maximum(rho, 1e-12)
    a = np.arccos(np.clip((d**2 + rho**2 - radius**2) / (2 * d * safe_rho), -1, 1))
    b = np.arccos(np.clip((d**2 + radius**2 - rho**2) / (2 * d * radius), -1, 1))
    kite = (-d + rho + radius) * (d + rho - radius) * (d - rho + radius) * (d + rho + radius)
    lens = rho**2 * a + radius**2 * b - 0.5 * np.sqrt(np.clip(kite, 0, None))
    inside = np.pi * np.minimum(rho, radius) ** 2
    return np.where(d >= rho + radius, 0.0, np.where(d <= np.abs(radius - rho), inside, lens))


def eclipse_light_loss(
    radius: ArrayLike, occulter: ArrayLike, separation: ArrayLike
) -> np.ndarray:
    """Fraction of a limb-darkened disc's light hidden by an opaque disc, in every band.

    Parameters
    ----------
    radius : array_like
        Radius of the eclipsed disc.
    occulter : array_like
        Radius of the disc in front, in the same units.
    separation : array_like
        Distance between the centers on the sky, in the same units.

    Returns
    -------
    ndarray, shape (..., 6)
        Hidden fraction of the eclipsed disc's light, 0 to 1, for the broadcast shape of
        the inputs and the bands u g r i z y (limb darkening `LIMB_DARKENING`).

    Examples
    --------
    >>> eclipse_light_loss([1.0, 1.0], [2.0, 1.0], [0.0, 3.0])[:, 3]  # i band
    array([1., 0.])
    """
    radius, occulter, separation = np.broadcast_arrays(
        *(np.asarray(value, dtype=float) for value in (radius, occulter, separation))
    )
    shape = radius.shape
    radius, occulter, separation = radius.ravel(), occulter.ravel(), separation.ravel()
    intensity = _annulus_intensity()
    weights = intensity / (np.pi * np.diff(_EDGES**2) @ intensity)  # per unit disc flux
    lost = np.zeros((radius.size, len(LSST_BANDS)))
    # Only points with overlapping discs need the annuli. In units of the eclipsed radius,
    # each annulus loses its area inside the occulter (exact) times its intensity.
    close = np.flatnonzero(separation < radius + occulter)
    for start in range(0, close.size, _CHUNK):
        rows = close[start : start + _CHUNK]
        size = occulter[rows, None] / radius[rows, None]
        d = separation[rows, None] / radius[rows, None]
        lost[rows] = np.diff(_overlap_area(_EDGES[None, :], size, d), axis=1) @ weights
    return np.clip(lost, 0.0, 1.0).reshape(*shape, len(LSST_BANDS))


def _johnson_v_minus_i(teff: np.ndarray) -> np.ndarray:
    """Blackbody V - I (Vega) from the LSST colors with Lupton's (2005) SDSS relations."""
    c = lsst_colors(teff)
    g, r, i, z = (c[:, LSST_BANDS.index(b)] for b in "griz")
    v = g - 0.5784 * (g - r) - 0.0038
    return v - (i - 0.3780 * (i - z) - 0.3974)


@cache
def _v_minus_i_grid() -> tuple[np.ndarray, np.ndarray]:
    """(V - I) increasing, and the matching log10 temperatures, for inversion."""
    teff = np.geomspace(_TEFF[1], _TEFF[0], 400)
    return _johnson_v_minus_i(teff), np.log10(teff)


def _teff_from_v_minus_i(v_minus_i: np.ndarray) -> np.ndarray:
    """Blackbody temperature of a de-reddened V - I, kept within 3000-30000 K."""
    color, log_teff = _v_minus_i_grid()
    return np.clip(10 ** np.interp(v_minus_i, color, log_teff), *_TEFF)


def _teff_from_i_ratio(teff1: np.ndarray, ratio: np.ndarray) -> np.ndarray:
    """Temperature with i-band blackbody surface brightness ``ratio`` times that at teff1."""
    x1 = _HC_OVER_K / (_LAMBDA_I_UM * teff1)
    x2 = np.log1p(np.expm1(x1) / np.maximum(ratio, 1e-6))
    return np.clip(_HC_OVER_K / (_LAMBDA_I_UM * x2), *_TEFF)


def _i_ratio_from_teff(teff1: np.ndarray, teff2: np.ndarray) -> np.ndarray:
    """i-band blackbody surface-brightness ratio of teff2 to teff1."""
    x1 = _HC_OVER_K / (_LAMBDA_I_UM * teff1)
    x2 = _HC_OVER_K / (_LAMBDA_I_UM * teff2)
    return np.expm1(x1) / np.expm1(x2)


def _band_ratios(ratio_i: np.ndarray, teff1: np.ndarray, teff2: np.ndarray) -> np.ndarray:
    """Surface-brightness ratio S2 / S1 in every band, (n, 6), from the one in i."""
    c1, c2 = lsst_colors(teff1), lsst_colors(teff2)
    relative = (c2 - c2[:, [_I_BAND]]) - (c1 - c1[:, [_I_BAND]])
    return ratio_i[:, None] * 10 ** (-0.4 * relative)


def _flux_fraction(magnitude: np.ndarray) -> np.ndarray:
    """Fraction of the light lost in an eclipse of the given depth in magnitudes."""
    return 1.0 - 10 ** (-0.4 * magnitude)


@dataclass(frozen=True)
class _Binary:
    """Geometry and brightness of n binaries, and their noiseless magnitudes."""

    r1: np.ndarray  # radius of star 1 (eclipsed at phase 0), units of the separation
    r2: np.ndarray  # radius of star 2
    cos_i: np.ndarray  # cosine of the inclination
    ratio: np.ndarray  # surface-brightness ratio S2 / S1 per band, (n, 6)
    ellipsoidal: np.ndarray  # flux semi-amplitude of the ellipsoidal variation, (n, 6)

    def delta_mag(self, star: np.ndarray, phase: np.ndarray) -> np.ndarray:
        """Magnitude minus that at quadrature (out of eclipse), (m, 6), of stars at phases."""
        angle = 2.0 * np.pi * phase
        d = np.sqrt(np.sin(angle) ** 2 + (self.cos_i[star] * np.cos(angle)) ** 2)
        first_behind = (np.cos(angle) > 0)[:, None]  # near phase 0 star 1 is eclipsed
        r1, r2, j = self.r1[star], self.r2[star], self.ratio[star]
        radius = np.where(first_behind[:, 0], r1, r2)
        occulter = np.where(first_behind[:, 0], r2, r1)
        brightness = np.where(first_behind, 1.0, j) * (radius**2)[:, None]
        lost = brightness * eclipse_light_loss(radius, occulter, d)
        total = (r1**2)[:, None] + j * (r2**2)[:, None]
        a = self.ellipsoidal[star]
        flux = (1.0 - lost / total) * (1.0 - a * np.cos(2.0 * angle)[:, None]) / (1.0 + a)
        return -2.5 * np.log10(flux)


def _ellipsoidal(
    r1: np.ndarray, r2: np.ndarray, q: np.ndarray, sin2_i: np.ndarray, ratio: np.ndarray
) -> np.ndarray:
    """Flux semi-amplitude of the ellipsoidal variation per band (Morris 1985)."""
    light1 = r1[:, None] ** 2 / (r1[:, None] ** 2 + ratio * r2[:, None] ** 2)
    star1 = _MORRIS * q * r1**3 * sin2_i
    star2 = _MORRIS / q * r2**3 * sin2_i
    return np.clip(light1 * star1[:, None] + (1 - light1) * star2[:, None], 0.0, 0.3)


def _solve_impact(
    r1: np.ndarray, r2: np.ndarray, ratio_i: np.ndarray, target: np.ndarray
) -> np.ndarray:
    """cos i giving the primary eclipse a flux depth ``target`` (0 where unreachable)."""
    n = len(r1)
    grid = np.linspace(0.0, 1.0, 65)[None, :] * (r1 + r2)[:, None]  # impact parameters
    lost = eclipse_light_loss(r1[:, None], r2[:, None], grid)[..., _I_BAND]
    depth = lost * r1[:, None] ** 2 / (r1**2 + ratio_i * r2**2)[:, None]  # decreasing
    above = (depth >= target[:, None]).sum(axis=1)  # grid points deep enough
    k = np.clip(above - 1, 0, grid.shape[1] - 2)
    rows = np.arange(n)
    d0, d1 = depth[rows, k], depth[rows, k + 1]
    fraction = np.clip((d0 - target) / np.where(d0 > d1, d0 - d1, 1.0), 0.0, 1.0)
    return np.where(
        above == 0, 0.0, grid[rows, k] + fraction * (grid[rows, k + 1] - grid[rows, k])
    )


def _geometry(
    subtype: str, period: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Radii r1, r2 (units of the separation) and mass ratio q of ``subtype`` binaries."""
    n = len(period)
    if subtype == "ED":
        mass = np.exp(rng.uniform(np.log(3.0), np.log(20.0), n))
        radii = np.exp(rng.uniform(np.log(2.0), np.log(10.0), n))
        separation = 4.208 * mass ** (1 / 3) * period ** (2 / 3)
        r_sum = np.minimum(radii / separation, 0.6)
        k = rng.uniform(0.6, 1.0, n)
        q = k**1.25
    elif subtype == "ESD":
        r_sum = rng.uniform(0.4, 0.6, n)
        k = rng.uniform(0.8, 1.5, n)
        q = rng.uniform(0.4, 1.0, n)
    else:
        r_sum = rng.uniform(0.7, 0.85, n)
        q = rng.uniform(0.1, 1.0, n)
        k = q**0.46
    return r_sum, k, q


@cache
def _catalog(subtype: str) -> dict[str, np.ndarray]:
    """Period, depths and de-reddened V - I of the OGLE-III LMC binaries of ``subtype``."""
    table = load_ogle3("ECL")
    table = table[(table["subtype"] == subtype) & table["V"].notna()]
    return {
        "object": table["object"].to_numpy(),
        "period": table["period"].to_numpy(dtype=float),
        "depth1": table["depth1"].to_numpy(dtype=float),
        "depth2": table["depth2"].to_numpy(dtype=float),
        "v_minus_i": (table["V"] - table["I"]).to_numpy(dtype=float) - E_VI_LMC,
    }


def _phase_mean(binary: _Binary, r_sum: np.ndarray) -> np.ndarray:
    """Mean over phase of ``delta_mag`` per band, (n, 6), integrated across the eclipses."""
    n = len(r_sum)
    # The ellipsoidal term alone, -2.5 log10((1 - a cos)/(1 + a)), has an exact mean.
    a = binary.ellipsoidal
    mean = -2.5 * np.log10((1 + np.sqrt(1 - a**2)) / 2 / (1 + a))
    half = np.arcsin(np.minimum(r_sum, 1.0)) / (2 * np.pi)  # eclipse half-width in phase
    offset = np.linspace(-1.0, 1.0, _N_PHASE)
    star = np.repeat(np.arange(n), _N_PHASE)
    for center in (0.0, 0.5):
        phase = (center + half[:, None] * offset[None, :]).ravel()
        ellipsoid = -2.5 * np.log10(
            (1 - a[star] * np.cos(4 * np.pi * phase)[:, None]) / (1 + a[star])
        )
        excess = (binary.delta_mag(star, phase) - ellipsoid).reshape(n, _N_PHASE, len(LSST_BANDS))
        mean += np.trapezoid(excess, dx=2.0 / (_N_PHASE - 1), axis=1) * half[:, None]
    return mean


def _match_depths(
    geometry: tuple[np.ndarray, np.ndarray, np.ndarray],
    teff: tuple[np.ndarray, np.ndarray | None],
    depth: tuple[np.ndarray, np.ndarray],
) -> tuple[_Binary, np.ndarray]:
    """Binaries whose I-band eclipses have the catalog's depths, and their ``T2``.

    ``geometry`` is ``(r_sum, k, q)``, ``teff`` is ``(T1, T2)`` with ``T2`` None where
    it follows from the secondary depth (ED, ESD), ``depth`` the catalog's primary
    and secondary depths as fractions of the light at maximum.
    """
    (r_sum, k, q), (teff1, teff2), (depth1, depth2) = geometry, teff, depth
    ratio_i = depth2 / depth1 if teff2 is None else _i_ratio_from_teff(teff1, teff2)
    # A smaller star 2 hides at most about k^2 of star 1: make the stars equal in size.
    k = np.where((k < 1) & (depth1 > k**2 / (1 + ratio_i * k**2)), 1.0, k)
    r1 = r_sum / (1 + k)
    r2 = r1 * k
    cos_i = np.zeros(len(r1))
    limb_correction = np.ones(len(r1))
    for _ in range(3):  # the ellipsoidal variation and limb darkening depend on i
        t2 = _teff_from_i_ratio(teff1, ratio_i) if teff2 is None else teff2
        ellipsoidal = _ellipsoidal(r1, r2, q, 1.0 - cos_i**2, _band_ratios(ratio_i, teff1, t2))
        # OGLE's depths are from maximum light (quadrature): remove the ellipsoidal part.
        boost = (1 + ellipsoidal[:, _I_BAND]) / (1 - ellipsoidal[:, _I_BAND])
        target1 = np.clip(1.0 - (1.0 - depth1) * boost, 1e-3, None)
        if teff2 is None:
            # Both eclipses hide the same area, so the depth ratio is the surface-
            # brightness ratio, up to limb darkening.
            target2 = np.clip(1.0 - (1.0 - depth2) * boost, 1e-4, None)
            ratio_i = target2 / target1 * limb_correction
        cos_i = _solve_impact(r1, r2, ratio_i, target1)
        lost1 = eclipse_light_loss(r1, r2, cos_i)[:, _I_BAND] * r1**2
        lost2 = eclipse_light_loss(r2, r1, cos_i)[:, _I_BAND] * r2**2
        limb_correction = lost1 / np.maximum(lost2, 1e-12)
    t2 = _teff_from_i_ratio(teff1, ratio_i) if teff2 is None else teff2
    ratio = _band_ratios(ratio_i, teff1, t2)
    ellipsoidal = _ellipsoidal(r1, r2, q, 1.0 - cos_i**2, ratio)
    return _Binary(r1, r2, cos_i, ratio, ellipsoidal), t2


def _draw(subtype: str, n: int, rng: np.random.Generator) -> SimulatedStars:
    """``n`` binaries copying random OGLE-III LMC binaries of ``subtype``."""
    catalog = _catalog(subtype)
    pick = rng.integers(0, len(catalog["period"]), size=n)
    period = catalog["period"][pick]
    teff1 = _teff_from_v_minus_i(catalog["v_minus_i"][pick])
    geometry = _geometry(subtype, period, rng)
    # Contact binaries: nearly equal temperatures (common envelope), not OGLE's depth2.
    teff2 = np.clip(teff1 * rng.uniform(0.93, 1.0, n), *_TEFF) if subtype == "EC" else None
    depths = (_flux_fraction(catalog["depth1"][pick]), _flux_fraction(catalog["depth2"][pick]))
    binary, teff2 = _match_depths(geometry, (teff1, teff2), depths)
    # delta_mag is 0 at quadrature (maximum light), where the ellipsoidal flux is 1 + a
    # times its mean; the colors are those of the mean magnitudes over the orbit.
    primary, secondary = (binary.delta_mag(np.arange(n), np.full(n, p)) for p in (0.0, 0.5))
    mean = _phase_mean(binary, geometry[0])
    light2 = binary.ratio * (binary.r2 / binary.r1)[:, None] ** 2  # F2 / F1 per band
    mean_mag = (
        lsst_colors(teff1)
        - 2.5 * np.log10(1 + light2)
        - 2.5 * np.log10(1 + binary.ellipsoidal)
        + mean
    )
    phase0 = rng.uniform(0.0, 1.0, n)

    def variation(index: np.ndarray, time: np.ndarray, band: np.ndarray) -> np.ndarray:
        shape = np.shape(time)
        index, time, band = (np.asarray(value).ravel() for value in (index, time, band))
        phase = (time / period[index] + phase0[index]) % 1.0
        rows = np.arange(index.size)
        value = binary.delta_mag(index, phase)[rows, band] - mean[index, band]
        return value.reshape(shape)

    return SimulatedStars(
        period=period,
        colors=mean_mag - mean_mag[:, [_R_BAND]],
        amplitude=np.maximum(primary, secondary),
        variation=variation,
        labels={
            "epoch_min": LSST_START_MJD + (1.0 - phase0) * period,
            "ogle_id": catalog["object"][pick],
            "depth1_i": primary[:, _I_BAND],
            "depth2_i": secondary[:, _I_BAND],
            "teff1": teff1,
            "teff2": teff2,
            "inclination": np.degrees(np.arccos(binary.cos_i)),
        },
    )


#: Eclipsing-binary subclasses of the simulator.
MODELS: dict[str, StarModel] = {
    name: StarModel(
        "ECL",
        lambda n, rng, name=name: _draw(name, n, rng),
        f"{kind} binaries copying OGLE-III LMC ECL periods and I depths (Graczyk et al. 2011); "
        "limb-darkened spheres with ellipsoidal variation, blackbody bands",
    )
    for name, kind in _SUBTYPES.items()
}
