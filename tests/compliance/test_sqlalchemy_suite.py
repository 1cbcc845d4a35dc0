"""Runs SQLAlchemy's bundled dialect compliance suite (tests/compliance/sqla) as one test.

The suite needs SQLAlchemy's own pytest plugin and configuration, which would
take over the main run, so it runs in a child pytest process from its own
directory. This test fails when the suite fails, and also when it passes too
little of itself to mean anything (a broken requirements class can silently
skip everything).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import sqlalchemy

SUITE_DIR = Path(__file__).resolve().parent / "sqla"

# Far below the passing counts of the last runs (392 on SQLAlchemy 2.1, 285 on
# 1.4), far above what a suite that skips itself wholesale would pass.
MIN_PASSED = 200


def test_sqlalchemy_dialect_compliance_suite() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-x"],
        cwd=SUITE_DIR,
        capture_output=True,
        text=True,
        timeout=600,
    )
    tail = "\n".join(proc.stdout.splitlines()[-25:])
    assert proc.returncode == 0, f"SQLAlchemy {sqlalchemy.__version__} compliance suite failed:\n{tail}\n{proc.stderr[-2000:]}"
    passed = re.search(r"(\d+) passed", proc.stdout)
    assert passed, tail
    assert int(passed.group(1)) >= MIN_PASSED, f"only {passed.group(1)} tests of the suite ran:\n{tail}"
    failed = re.search(r"(\d+) failed", proc.stdout)
    assert failed is None, tail
