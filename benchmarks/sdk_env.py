"""The official SDK's own virtual environment: ``benchmarks/.venv-sdk`` (git-ignored).

``pinterest-api-sdk`` pins an old urllib3 (and its generated client), so it
must not share a venv with pinsql. Created on first use with the running
Python's ``venv`` and ``pip install pinterest-api-sdk==0.2.7`` from PyPI.
Run alone to (re)create it: ``python benchmarks/sdk_env.py``.
"""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

SDK_REQUIREMENT = "pinterest-api-sdk==0.2.7"
VENV = Path(__file__).resolve().parent / ".venv-sdk"
PYTHON = VENV / "bin" / "python"
_MARKER = VENV / ".installed"


def ensure_sdk_python(quiet: bool = True) -> Path:
    """Path to the SDK venv's python, creating and installing it if needed."""
    if _MARKER.exists() and _MARKER.read_text().strip() == SDK_REQUIREMENT and PYTHON.exists():
        return PYTHON
    print(f"creating {VENV} with {SDK_REQUIREMENT} (first use only)...", file=sys.stderr, flush=True)
    venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    cmd = [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", SDK_REQUIREMENT]
    subprocess.run(cmd + (["-q"] if quiet else []), check=True)
    _MARKER.write_text(SDK_REQUIREMENT + "\n")
    return PYTHON


if __name__ == "__main__":
    print(ensure_sdk_python(quiet=False))
