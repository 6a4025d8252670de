"""Outputs are written whole or not at all, with the user's usual permissions.

Each package of the repository has its own copy of the writer and these tests.
"""

import os
import stat

import pytest

from tvs_classifier._output import write_atomic
from tvs_classifier.cli import main


@pytest.fixture
def umask_022():
    """Run the test under the common umask 022, then restore the previous one."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_gets_the_usual_mode(tmp_path, umask_022):
    target = write_atomic(tmp_path / "new" / "out.txt", lambda path: path.write_text("done\n"))
    assert target == tmp_path / "new" / "out.txt"
    assert target.read_text() == "done\n"
    assert _mode(target) == 0o644


def test_the_mode_follows_the_umask(tmp_path):
    previous = os.umask(0o077)
    try:
        target = write_atomic(tmp_path / "private.txt", lambda path: path.write_text("x"))
    finally:
        os.umask(previous)
    assert _mode(target) == 0o600


def test_a_failed_write_keeps_the_old_file_and_leaves_nothing(tmp_path):
    target = tmp_path / "table.csv"
    target.write_text("old\n")

    def write_half_then_fail(path):
        path.write_text("half a ta")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, write_half_then_fail)
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["table.csv"]


def test_command_line_outputs_get_the_usual_mode(tmp_path, umask_022):
    out = tmp_path / "simulated.parquet"
    assert main(["simulate", "-n", "2", "--seed", "0", "-o", str(out)]) == 0
    assert _mode(out) == 0o644
