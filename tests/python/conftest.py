"""Shared fixtures for the Python tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def tdir(tmp_path: Path) -> Path:
    d = tmp_path / ".empathy"
    d.mkdir()
    return d


@pytest.fixture(autouse=True)
def _private_cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Index caches (sidecar warm start) go to the test's tmp dir, never the user's ~/.cache."""
    monkeypatch.setenv("EMPATHY_CACHE_DIR", str(tmp_path / "index-cache"))
