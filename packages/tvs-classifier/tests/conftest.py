"""Shared fixtures: the project's reference data beside the checkout."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The project's reference data folder: ``$SHARED_DATA_DIR``, else ``../shared/data``.

    The default is the ``shared/data`` folder beside the checkout (this file is
    ``packages/<package>/tests/conftest.py``). Tests that use it are skipped when the
    folder is missing, unless ``REQUIRE_SHARED_DATA`` is set (the nox sessions set it):
    then a missing folder is a failure. Every package's conftest.py has this fixture.
    """
    checkout = Path(__file__).resolve().parent / ".." / ".." / ".."
    default = Path(os.path.normpath(checkout / ".." / "shared" / "data"))
    folder = Path(os.environ.get("SHARED_DATA_DIR") or default).expanduser()
    if not folder.is_dir():
        if os.environ.get("REQUIRE_SHARED_DATA"):
            pytest.fail(f"REQUIRE_SHARED_DATA is set but {folder} is not a folder")
        pytest.skip(f"no shared reference data at {folder} (set SHARED_DATA_DIR)")
    return folder


def _make_table(
    n_objects: int = 3,
    epochs: int = 60,
    bands: tuple[str, ...] = ("g", "r"),
    periods: np.ndarray | None = None,
    seed: int = 0,
) -> tuple[pd.DataFrame, np.ndarray]:
    """A long table of sinusoidal variables with random times, and their periods."""
    rng = np.random.default_rng(seed)
    if periods is None:
        periods = 10 ** rng.uniform(-0.5, 0.5, n_objects)
    rows = []
    for k in range(n_objects):
        for b, band in enumerate(bands):
            t = rng.uniform(60000.0, 60300.0, epochs)
            mag = 16.0 + 0.2 * b + (0.5 - 0.1 * b) * np.sin(2 * np.pi * t / periods[k])
            mag = mag + rng.normal(0, 0.01, epochs)
            rows.append(
                pd.DataFrame(
                    {"object_id": f"obj{k}", "mjd": t, "band": band, "mag": mag, "mag_err": 0.01}
                )
            )
    return pd.concat(rows, ignore_index=True), np.asarray(periods)


@pytest.fixture
def make_table():
    """The factory of synthetic tables (tests import nothing from conftest)."""
    return _make_table


@pytest.fixture
def table() -> pd.DataFrame:
    """Three two-band sinusoidal variables, 60 epochs per band, unsorted times."""
    return _make_table()[0]


@pytest.fixture(scope="session")
def classifier():
    """The shipped default model, loaded once (a test module may override it)."""
    from tvs_classifier import load_classifier

    return load_classifier()


def _sky_stars(simulation_seed: int, position_seed: int):
    """Twelve simulated stars of four kinds (two years) at random positions.

    Returns the light curves, a table of ``object_id, period, ra, dec`` in which the
    first star has no period (to be searched), and the id of the second star, which a
    catalog made by `_write_hats` holds without a light curve.
    """
    from tvs_classifier import simulate

    light_curves, labels = simulate(
        12, ["RRab", "EC", "Mira", "DSCT"], seed=simulation_seed, years=2
    )
    rng = np.random.default_rng(position_seed)
    n = len(labels)
    base = labels[["object_id", "period"]].assign(
        ra=rng.uniform(0, 360, n), dec=np.degrees(np.arcsin(rng.uniform(-0.9, 0.2, n)))
    )
    base.loc[0, "period"] = np.nan  # searched
    return light_curves, base, int(labels["object_id"].iloc[1])


def _write_hats(
    table: pd.DataFrame, base: pd.DataFrame, empty: int, folder, partition_rows: int
) -> str:
    """The stars as a HATS catalog (a collection with a margin), ``empty`` with no light curve."""
    import lsdb
    import nested_pandas as npd

    sources = table[table["object_id"] != empty].set_index("object_id")
    frame = npd.NestedFrame(base.set_index(base["object_id"].to_numpy())).join_nested(
        sources, "lc"
    )
    catalog = lsdb.from_dataframe(
        frame, ra_column="ra", dec_column="dec", partition_rows=partition_rows
    )
    catalog.write_catalog(folder, catalog_name="stars", progress_bar=False)
    return str(folder)


def _on_relation(light_curves, labels, *, ebv=None, slope=-2.5, intercept=18.0):
    """``light_curves`` moved so that every star lies on a made-up P-L relation.

    Each star's magnitudes in all bands are shifted by one amount, so that its mean r
    magnitude (label ``mean_r``) becomes ``intercept + slope * log10(P)``, its colors
    kept; with ``ebv`` (one E(B-V) per star) each band is then dimmed by
    ``LSST_EXTINCTION[band] * ebv``. Only the magnitudes change (noise included).
    """
    from tvs_classifier.bands import LSST_BANDS
    from tvs_classifier.extinction import LSST_EXTINCTION
    from tvs_classifier.lightcurves import LightCurves

    shift = intercept + slope * np.log10(labels["period"]) - labels["mean_r"]
    table = light_curves.table.copy()
    row_shift = table["object_id"].map(dict(zip(labels["object_id"], shift, strict=True)))
    table["mag"] = table["mag"] + row_shift.to_numpy()
    if ebv is not None:
        per_star = dict(zip(labels["object_id"], ebv, strict=True))
        extinction = table["band"].map(dict(zip(LSST_BANDS, LSST_EXTINCTION, strict=True)))
        table["mag"] = table["mag"] + (extinction * table["object_id"].map(per_star)).to_numpy()
    return LightCurves.from_table(table)


@pytest.fixture(scope="session")
def on_relation():
    """The mover of simulated stars onto a made-up P-L relation (`_on_relation`)."""
    return _on_relation


@pytest.fixture(scope="session")
def sky_stars():
    """The factory of simulated stars with positions, for catalogs (`_sky_stars`)."""
    return _sky_stars


@pytest.fixture(scope="session")
def write_hats():
    """The writer of such stars as a HATS catalog (`_write_hats`; needs lsdb)."""
    return _write_hats


@pytest.fixture(scope="session")
def tap_server_type() -> type:
    """`TapServer` of ``tests/tap_server.py``: a TAP service on 127.0.0.1 for the tests.

    Loaded from its file, as the tests are imported in importlib mode (no package).
    """
    return _load_test_module("tap_server").TapServer


def _load_test_module(name: str):
    """A helper module of this folder (the tests are imported in importlib mode)."""
    path = Path(__file__).with_name(f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"tvs_tests_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def postgres_server():
    """A real PostgreSQL server on 127.0.0.1 (``tests/postgres_server.py``), for the session.

    Skipped where PostgreSQL's server programs are not installed, unless
    ``REQUIRE_POSTGRESQL`` is set (the nox sessions set it): then that is a failure.
    """
    module = _load_test_module("postgres_server")
    if module.server_programs() is None:
        if os.environ.get("REQUIRE_POSTGRESQL"):
            pytest.fail(
                "REQUIRE_POSTGRESQL is set but PostgreSQL is not installed (apt-get install postgresql)"
            )
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    with module.PostgresServer() as server:
        yield server


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's chromium, for playwright (``executable_path``; it downloads no browser).

    Skipped where chromium or playwright is missing, unless ``REQUIRE_BROWSER`` is set
    (the nox sessions set it): then that is a failure.
    """
    import shutil

    path = shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        path = None
    if path is None:
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail("REQUIRE_BROWSER is set but chromium or playwright is missing")
        pytest.skip(
            "no chromium and playwright (apt-get install chromium; pip install playwright)"
        )
    return path
