"""Shared fixtures for the data-model tests: the tools module and the official spec."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SPEC_PATH = REPO / ".." / "shared" / "pinterest-openapi" / "openapi.json"


def _load_tools():
    """tools/ is not a package: load tools/schemas.py under a private module name."""
    name = "pinsql_schema_tools"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, REPO / "tools" / "schemas.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def tools():
    return _load_tools()


@pytest.fixture(scope="session")
def openapi(tools):
    if not SPEC_PATH.is_file():
        pytest.skip(f"official OpenAPI spec not found at {SPEC_PATH.resolve()} (expected in ../shared next to the repository)")
    return tools.Spec.load(SPEC_PATH)
