"""Writing output files whole or not at all (private).

The same helper, with the same behaviour, is in each package of this repository
(they share no code): an output is either complete or not there, a failure leaves an
existing file as it was, and a new file gets the user's usual permissions.

Examples
--------
>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> write_atomic(folder / "notes.txt", lambda path: path.write_text("done\\n")).read_text()
'done\\n'
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

__all__ = ["write_atomic"]


def write_atomic(path: Path | str, write: Callable[[Path], object]) -> Path:
    """Call ``write(temporary_path)``, then move the file it wrote to ``path``.

    The temporary file is in the folder of ``path`` (made if missing), so the move is
    one atomic rename: afterwards ``path`` is the complete new file or, if ``write``
    raised, what it was before (an existing file untouched, no partial file left). The
    new file has the mode that ``open(path, "w")`` would give it (``0o666`` less the
    umask, e.g. ``0o644``), not the ``0o600`` of a temporary file.

    Parameters
    ----------
    path : path-like
        The output file.
    write : callable
        Writes the whole output to the path it is given (a `~pathlib.Path` with the
        suffix of ``path``).

    Returns
    -------
    pathlib.Path
        ``path``.

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "table.csv"
    >>> _ = target.write_text("old\\n")
    >>> def fail(temporary):
    ...     temporary.write_text("half a ta")
    ...     raise OSError("disk full")
    >>> write_atomic(target, fail)
    Traceback (most recent call last):
    ...
    OSError: disk full
    >>> target.read_text(), [p.name for p in target.parent.iterdir()]
    ('old\\n', ['table.csv'])
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        write(temporary)
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes 0600; use the usual mode
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def _umask() -> int:
    """The process's file-creation mask, read without changing it where Linux allows."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0)  # elsewhere: set and restore (briefly 0 for other threads)
    os.umask(mask)
    return mask
