"""The per-user files pinsql keeps: where they live and how they are written.

Tokens, named connections, their secrets and the shell history all live in
one directory: ``$PINSQL_CONFIG_DIR`` when set (tests, portable setups), else
``%APPDATA%\\pinsql`` on Windows, else ``$XDG_CONFIG_HOME/pinsql`` or
``~/.config/pinsql``. Files holding secrets are written with
:func:`write_private_file`: private from the first byte and replaced
atomically, so a crash never leaves half a token file behind.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path

APP_DIR_NAME = "pinsql"


def config_dir() -> Path:
    """The user's pinsql directory (not created here)."""
    explicit = os.environ.get("PINSQL_CONFIG_DIR")
    if explicit:
        return Path(explicit).expanduser()
    if sys.platform == "win32":
        base = os.environ.get("APPDATA") or str(Path.home() / "AppData" / "Roaming")
        return Path(base) / APP_DIR_NAME
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base).expanduser() / APP_DIR_NAME


def write_private_file(path: Path, text: str, *, mode: int = 0o600) -> None:
    """Replace ``path`` atomically with ``text``; the file has ``mode`` from its creation.

    mkstemp creates the temporary file 0600 with O_EXCL, so it is never readable
    by others, even briefly; it is fsynced, renamed over the old file, and the
    rename itself is made durable, so readers see the old or the new content.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        if mode != 0o600:
            os.chmod(tmp, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    """Make a rename durable (best effort; not every platform can open a directory)."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
