"""Where the command line keeps its files: the user's pinsql directory (see pinsql.userfiles)."""

from __future__ import annotations

from pathlib import Path

from pinsql.userfiles import config_dir, write_private_file

__all__ = ["config_dir", "history_file", "write_private_file"]


def history_file() -> Path:
    return config_dir() / "history"
