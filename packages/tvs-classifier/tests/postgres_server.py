"""A real PostgreSQL server for the tests, on 127.0.0.1, in a throw-away folder.

`PostgresServer` finds Debian's server programs (``initdb``, ``pg_ctl``: on PATH or
under ``/usr/lib/postgresql/<version>/bin``), makes a cluster in a new temporary
folder, starts it listening on 127.0.0.1 only, on a free port, with trust
authentication for local connections, and removes everything when stopped. PostgreSQL
refuses to run as root; as root, the programs run as the ``postgres`` user (which
Debian's package makes), and the folder is theirs.

Used as a context manager::

    with PostgresServer() as server:
        url = server.url("tvs")  # postgresql+psycopg://postgres@127.0.0.1:PORT/tvs
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

#: The superuser the cluster is made with.
USER = "postgres"


def server_programs() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl``, or None if PostgreSQL is not installed."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(candidates[-1]).parent if candidates else None


class PostgresServer:
    """A PostgreSQL cluster of the tests' own, started and stopped with ``with``."""

    def __init__(self) -> None:
        programs = server_programs()
        if programs is None:
            raise RuntimeError("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
        self.programs = programs
        self.port = _free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="tvs-postgres-"))
        self.data = self.folder / "data"

    def url(self, database: str = "postgres") -> str:
        """SQLAlchemy URL of a database of this server (psycopg 3 driver)."""
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Make a new database; return its URL."""
        self._run(
            "psql",
            "-h", "127.0.0.1", "-p", str(self.port), "-U", USER, "-d", "postgres",
            "-v", "ON_ERROR_STOP=1", "-c", f'CREATE DATABASE "{name}"',
        )  # fmt: skip
        return self.url(name)

    def __enter__(self) -> PostgresServer:
        if os.geteuid() == 0:
            account = pwd.getpwnam(USER)
            os.chown(self.folder, account.pw_uid, account.pw_gid)
        self._run(
            "initdb", "-D", str(self.data), "-U", USER, "--auth=trust", "--no-sync",
            "--encoding=UTF8", "--locale=C",
        )  # fmt: skip
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} "
            f"-c unix_socket_directories={self.folder} -c fsync=off"
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"),
            "-w", "-t", "60", "start",
        )  # fmt: skip
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def _run(self, program: str, *args: str) -> None:
        """Run a server program (as ``postgres`` when we are root); fail with its output."""
        path = self.programs / program
        command = [str(path if path.exists() else shutil.which(program)), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", USER, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd="/")
        if done.returncode != 0:
            raise RuntimeError(
                f"{program} failed ({done.returncode}): {done.stderr or done.stdout}"
            )


def _free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
