"""Kill test of the update store: a real process killed at random moments, then a clean run.

``tvs-classifier update`` of 10^5 objects (``TVS_KILL_TEST_OBJECTS`` to change it) is
started and killed (SIGKILL, no chance to clean up) up to 20 times at random moments, each
run going on from what the last one committed (on a fast machine the kills stop once 90 %
of the objects are stored); then a clean run finishes. Afterwards
every object is in the store once, with the current model version, classified exactly
once (a killed batch left no row, a committed one was not redone), and the database is
intact. Bounded: each killed run lives at most `MAX_LIFE` times `MAX_STRETCH` seconds.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest

from tvs_classifier import load_classifier, simulate
from tvs_classifier.store import ClassificationStore

N_OBJECTS = int(os.environ.get("TVS_KILL_TEST_OBJECTS", "100000"))
N_KILLS = 20
#: A killed run lives a random time in this range (s; starting takes about 10): some die while starting,
#: reading or digesting, most while classifying or committing a batch.
MIN_LIFE, MAX_LIFE = 8.0, 40.0
#: Most that the lives are stretched on a slow machine (see the test).
MAX_STRETCH = 2.5
#: On a fast machine a run is killed early once the store holds this share of the objects, and
#: the kills stop there, so that the last clean run still has work to do (batches are 2000).
CEILING = 0.9
#: How often (s) a running update's store is counted while it lives.
POLL = 0.25
#: The simulated stars copied (with new ids) to make the input.
N_TEMPLATES = 400


@pytest.fixture(scope="module")
def big_input(tmp_path_factory):
    """N_OBJECTS one-year light curves with periods: copies of simulated stars."""
    light_curves, labels = simulate(N_TEMPLATES, seed=5, years=1)
    table = light_curves.table.merge(labels[["object_id", "period"]], on="object_id")
    copies = -(-N_OBJECTS // N_TEMPLATES)
    frames = [table.assign(object_id=table["object_id"] + k * N_TEMPLATES) for k in range(copies)]
    big = pd.concat(frames, ignore_index=True)
    big = big[big["object_id"] < N_OBJECTS]
    path = tmp_path_factory.mktemp("kill") / "big.parquet"
    big.to_parquet(path, index=False)
    return path


def _command(path, store):
    return [
        sys.executable, "-m", "tvs_classifier", "update", str(path), "--store", str(store),
        "--period-col", "period", "--no-progress",
    ]  # fmt: skip


def _stored(store) -> int:
    with sqlite3.connect(store) as connection:
        try:
            return connection.execute("SELECT count(*) FROM objects").fetchone()[0]
        except sqlite3.OperationalError:  # killed before the tables were made
            return 0


def test_update_survives_random_kills(big_input, tmp_path):
    store = tmp_path / "tvs.sqlite"
    env = os.environ | {"KERAS_BACKEND": "jax", "TF_CPP_MIN_LOG_LEVEL": "2"}
    rng = np.random.default_rng(2026)
    progress = []
    # On a slow or busy machine a run may not reach its first commit within MAX_LIFE:
    # after two kills in a row that stored nothing new, the lives grow (at most
    # MAX_STRETCH times), so that kills still land while objects are being stored.
    # On a fast machine the runs could store everything within their lives: a run is then
    # killed as soon as the store holds CEILING of the objects, and no more runs are started.
    stretch = 1.0
    ceiling = int(CEILING * N_OBJECTS)
    for life in rng.uniform(MIN_LIFE, MAX_LIFE, N_KILLS):
        process = subprocess.Popen(
            _command(big_input, store), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + life * stretch
        while time.monotonic() < deadline:
            time.sleep(min(POLL, max(deadline - time.monotonic(), 0.0)))
            if store.exists() and _stored(store) >= ceiling:
                break
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        progress.append(_stored(store) if store.exists() else 0)
        if progress[-1] >= ceiling:
            break
        if len(progress) >= 3 and progress[-1] == progress[-3]:
            stretch = min(stretch * 1.5, MAX_STRETCH)
    assert progress == sorted(progress), "a kill lost objects already stored"
    assert progress[-1] < N_OBJECTS, "the runs were not killed before the end"
    assert len(set(progress)) > 3, "too few kills landed while objects were being stored"

    done = subprocess.run(
        _command(big_input, store), env=env, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stderr
    assert f"classified {N_OBJECTS - progress[-1]} of {N_OBJECTS} objects" in done.stdout

    with sqlite3.connect(store) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    opened = ClassificationStore.open(store)
    latest = opened.latest()
    assert len(latest) == N_OBJECTS
    assert sorted(latest["object_id"]) == list(range(N_OBJECTS))
    assert set(latest["model_version"]) == {load_classifier().version}
    history = opened.history()
    assert len(history) == N_OBJECTS, "an object was classified twice, or a killed batch left rows"
    runs = opened.runs()
    assert len(runs) >= 2
    assert runs["finished_at"].iloc[-1] is not pd.NaT
    assert runs["n_classified"].iloc[-1] == N_OBJECTS - progress[-1]

    again = subprocess.run(
        _command(big_input, store), env=env, capture_output=True, text=True, timeout=900
    )
    assert f"classified 0 of {N_OBJECTS} objects" in again.stdout
