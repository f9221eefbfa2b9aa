"""Shared fixtures: a fresh database per test (SQLite file in tmp_path)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from annotator.model import Project
from annotator.ops.projects import create_project, ensure_annotator
from annotator.store import Store, open_store


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = open_store(db_url)
    yield s
    s.close()


@pytest.fixture
def project(store: Store) -> Project:
    with store.transaction() as tx:
        p = create_project(tx, "Test")
        ensure_annotator(tx, p.id, "alice")
        ensure_annotator(tx, p.id, "bob")
    return p
