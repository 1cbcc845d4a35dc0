"""Where the command line keeps its files: named connections, secrets, shell history.

One directory per user: ``$PINSQL_CONFIG_DIR`` when set (tests, portable
setups), else ``%APPDATA%\\pinsql`` on Windows, else ``$XDG_CONFIG_HOME/pinsql``
or ``~/.config/pinsql`` — the same place the OAuth token store defaults to, so
everything pinsql keeps about a user lives in one directory.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path

APP_DIR_NAME = "pinsql"


def config_dir() -> Path:
    """The user's pinsql config directory (not created here)."""
    try:  # one rule for the whole package: the token store defaults to the same place
        from pinsql.properties import default_settings_dir

        return Path(default_settings_dir())
    except ImportError:
        pass
    explicit = os.environ.get("PINSQL_CONFIG_DIR")
    if explicit:
        return Path(explicit).expanduser()
    if sys.platform == "win32":
        base = os.environ.get("APPDATA") or str(Path.home() / "AppData" / "Roaming")
        return Path(base) / APP_DIR_NAME
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base).expanduser() / APP_DIR_NAME


def history_file() -> Path:
    return config_dir() / "history"


def write_private_file(path: Path, text: str, *, mode: int = 0o600) -> None:
    """Replace ``path`` atomically with ``text``; the file has ``mode`` from its creation.

    The temporary file is created with ``mode`` (never world-readable, even
    briefly), fsynced, then renamed over the old file, so a crash leaves either
    the old or the new content, never half of it.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, mode)  # mkstemp creates 0600; widen only when asked
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
