"""Tests of the sbpy-phasefit command line."""

import subprocess
import sys

import pytest

from sbpy_phasefit import __version__
from sbpy_phasefit.cli import main


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_console_script_runs_as_module():
    out = subprocess.run(
        [sys.executable, "-m", "sbpy_phasefit", "--version"], capture_output=True, text=True, check=True
    )
    assert __version__ in out.stdout
