"""Fixtures for the command-line tests: an isolated config dir, a runner for main(argv), an emulator."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from pinsql.cli import main

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture(autouse=True)
def isolated_config(tmp_path, monkeypatch):
    """Every test gets its own config dir and no ambient Pinterest credentials."""
    cfg = tmp_path / "config"
    monkeypatch.setenv("PINSQL_CONFIG_DIR", str(cfg))
    for name in ("PINSQL_CONNECTION", "PINTEREST_APP_ID", "PINTEREST_APP_SECRET", "PINTEREST_ACCESS_TOKEN",
                 "PINTEREST_REFRESH_ACCESS_TOKEN", "PINTEREST_API_URI"):
        monkeypatch.delenv(name, raising=False)
    return cfg


@pytest.fixture
def cli(capsys):
    """Run ``main(argv)`` in-process; returns exit code, stdout and stderr."""

    def run(*argv: str) -> Run:
        code = main(list(argv))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


def run_subprocess(*argv: str, input: str | bytes | None = None, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """``python -m pinsql.cli ARGV`` as a user would run it (stdin/stdout are pipes, not a terminal)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "pinsql.cli", *argv],
        input=input.encode() if isinstance(input, str) else input,
        capture_output=True,
        env=full_env,
        timeout=timeout,
        cwd=str(REPO),
    )


@pytest.fixture
def subproc():
    """The ``run_subprocess`` helper, as a fixture."""
    return run_subprocess


@pytest.fixture(scope="module")
def emulator():
    """A tiny emulator shared by the tests of one module."""
    emulator_module = pytest.importorskip("pinsql.emulator")
    with emulator_module.Emulator(seed=7, size="tiny") as emu:
        yield emu


@pytest.fixture
def emu_props(emulator):
    """``--property K=V`` arguments that point the CLI at the shared emulator."""
    args: list[str] = []
    for key, value in emulator.connection_properties().items():
        args += ["--property", f"{key}={value}"]
    return args
