"""Shared fixtures for the Python tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def tdir(tmp_path: Path) -> Path:
    d = tmp_path / ".empathy"
    d.mkdir()
    return d
