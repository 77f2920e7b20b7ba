"""Shared fixtures: the recorded suite and small helpers."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness import cases  # noqa: E402


@pytest.fixture(scope="session")
def suite():
    return cases.load_suite()
