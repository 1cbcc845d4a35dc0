#!/usr/bin/env python3
"""Check pinsql inside a real Apache Superset 6.1.

Usage: ``python tools/superset_check.py [--rebuild] [--keep-home]``

1. Creates (or reuses) a virtual environment with ``apache-superset==6.1.0``
   installed under ``../shared/superset/constraints-superset-6.1.txt``. It lives in
   ``.superset-cache/venv-<hash>`` at the repository root; the hash covers the
   Superset version, the constraints file and the Python version, so the slow
   install (minutes) happens once.
2. Installs pinsql into it (editable) with that venv's own ``pip freeze`` as
   constraints, so nothing Superset pinned moves. Redone only when
   pyproject.toml changes.
3. Runs ``tools/superset/scenario.py`` with the venv's Python: it confirms
   Superset's engine-spec loader finds ``PinterestEngineSpec``, initialises
   Superset in a temporary SUPERSET_HOME (SQLite metadata DB; the initialised
   DB is kept in the venv's ``home-template/`` and copied on later runs),
   starts the pinsql emulator, registers a ``pinterest://`` database through
   the REST API and runs a SQL Lab query and a chart-data query with a time
   grain, asserting on the rows.

Run time: about 4 minutes cold (venv build and Superset initialisation), about
20 seconds warm.

Exit status 0 when every check passed. Only the standard library is used here,
so any Python >= 3.10 can run it.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import time
import venv
from pathlib import Path

SUPERSET_REQUIREMENT = "apache-superset==6.1.0"
REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CONSTRAINTS = SHARED / "superset" / "constraints-superset-6.1.txt"
CACHE = REPO / ".superset-cache"
SCENARIO = REPO / "tools" / "superset" / "scenario.py"


def log(msg: str) -> None:
    print(f"[superset_check {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def run(cmd: list[str], **kw) -> None:
    log("$ " + " ".join(str(c) for c in cmd))
    subprocess.run([str(c) for c in cmd], check=True, **kw)


def venv_key() -> str:
    """Hash of everything that decides the Superset venv's contents."""
    h = hashlib.sha256()
    h.update(SUPERSET_REQUIREMENT.encode())
    h.update(CONSTRAINTS.read_bytes())
    h.update(f"{sys.version_info.major}.{sys.version_info.minor}".encode())
    return h.hexdigest()[:16]


def ensure_superset_venv(rebuild: bool) -> Path:
    """The cached venv with Superset installed; built when missing."""
    env_dir = CACHE / f"venv-{venv_key()}"
    done_marker = env_dir / ".superset-installed"
    if rebuild and env_dir.exists():
        shutil.rmtree(env_dir)
    if done_marker.exists():
        log(f"reusing {env_dir}")
        return env_dir
    if env_dir.exists():  # a previous build was interrupted
        shutil.rmtree(env_dir)
    CACHE.mkdir(exist_ok=True)
    log(f"building {env_dir} (takes a few minutes, once)")
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    py = python_of(env_dir)
    pip_env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_PROGRESS_BAR": "off"}
    run([py, "-m", "pip", "install", "-q", "-U", "pip", "setuptools", "wheel"], env=pip_env)
    run([py, "-m", "pip", "install", "-q", "-c", CONSTRAINTS, SUPERSET_REQUIREMENT], env=pip_env)
    done_marker.write_text(SUPERSET_REQUIREMENT + "\n")
    return env_dir


def python_of(env_dir: Path) -> Path:
    return env_dir / ("Scripts" if os.name == "nt" else "bin") / "python"


def ensure_pinsql(env_dir: Path) -> None:
    """Install pinsql (editable) without moving anything Superset pinned."""
    stamp = env_dir / ".pinsql-installed"
    key = hashlib.sha256((REPO / "pyproject.toml").read_bytes() + str(REPO).encode()).hexdigest()
    if stamp.exists() and stamp.read_text() == key:
        log("pinsql already installed (pyproject.toml unchanged)")
        return
    py = python_of(env_dir)
    freeze = subprocess.run([py, "-m", "pip", "freeze", "--exclude-editable"], check=True, capture_output=True, text=True).stdout
    pins = env_dir / "superset-freeze.txt"
    # Only pins (name==version): editable or URL lines are not valid constraints.
    pins.write_text("".join(line + "\n" for line in freeze.splitlines() if "==" in line and not line.startswith("pinsql")))
    pip_env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_PROGRESS_BAR": "off"}
    try:
        run([py, "-m", "pip", "install", "-q", "-c", pins, "-e", REPO], env=pip_env)
    except subprocess.CalledProcessError:
        log("pip could not install pinsql without changing Superset's pins: pinsql's requirements are too "
            f"narrow for Superset 6.1 (compare pyproject.toml with {pins})")
        raise
    stamp.write_text(key)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached Superset venv (and metadata DB)")
    parser.add_argument("--prepare-only", action="store_true", help="build the venv and install pinsql, run nothing")
    parser.add_argument("--keep-home", action="store_true", help="keep the temporary SUPERSET_HOME for inspection")
    args = parser.parse_args(argv)
    if not CONSTRAINTS.is_file():
        log(f"missing {CONSTRAINTS}: the shared directory must sit next to the repository")
        return 2
    started = time.monotonic()
    env_dir = ensure_superset_venv(args.rebuild)
    ensure_pinsql(env_dir)
    if args.prepare_only:
        log(f"prepared in {time.monotonic() - started:.0f} s")
        return 0
    cmd = [str(python_of(env_dir)), str(SCENARIO), "--template", str(env_dir / "home-template")]
    if args.keep_home:
        cmd.append("--keep-home")
    log("$ " + " ".join(cmd))
    rc = subprocess.run(cmd, cwd=REPO).returncode
    log(f"{'PASSED' if rc == 0 else 'FAILED'} in {time.monotonic() - started:.0f} s")
    return rc


if __name__ == "__main__":
    sys.exit(main())
