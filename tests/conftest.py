"""Shared fixtures: a fresh database per test, on SQLite and (when configured) PostgreSQL.

PostgreSQL tests need ``ANNOTATOR_TEST_PG`` (a SQLAlchemy URL of a database the tests may use to
create and drop others); `.ci/run` starts a throw-away cluster and sets it. Under CI a missing
PostgreSQL fails the run instead of skipping.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from annotator.model import Project
from annotator.ops.projects import create_project, ensure_annotator
from annotator.store import Store, open_store

if TYPE_CHECKING:
    from tests.core.pg_team import Team

PG_URL = os.environ.get("ANNOTATOR_TEST_PG")
TEMPLATE = "annotator_template"


@pytest.fixture(autouse=True)
def _no_user_database(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may touch the user's real database: the default URL points into a temp folder."""
    monkeypatch.setenv("ANNOTATOR_DB", str(tmp_path_factory.mktemp("default-db") / "default.db"))


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """A migrated template database; each test clones it (much faster than migrating anew)."""
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("CI must test PostgreSQL: ANNOTATOR_TEST_PG is not set (see .ci/run)")
        pytest.skip("PostgreSQL not configured (set ANNOTATOR_TEST_PG, e.g. from .ci/postgres start)")
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {TEMPLATE}"))
        conn.execute(text(f"CREATE DATABASE {TEMPLATE}"))
    template_url = make_url(PG_URL).set(database=TEMPLATE).render_as_string(hide_password=False)
    open_store(template_url).close()
    yield template_url
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {TEMPLATE}"))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    request.getfixturevalue("pg_template")
    with pg_database(TEMPLATE) as url:
        yield url


@contextmanager
def pg_database(template: str | None = None) -> Iterator[str]:
    """A new database on the test server, a clone of ``template`` or empty, dropped afterwards.

    Callers first request the ``pg_template`` fixture, which skips (or fails under CI) without
    PostgreSQL.
    """
    assert PG_URL is not None
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else "")))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """A SQLite file, for tests about SQLite itself."""
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def store(backend_url: str) -> Iterator[Store]:
    s = open_store(backend_url)
    yield s
    s.close()


@pytest.fixture
def project(store: Store) -> Project:
    with store.transaction() as tx:
        p = create_project(tx, "Test")
        ensure_annotator(tx, p.id, "alice")
        ensure_annotator(tx, p.id, "bob")
    return p


@pytest.fixture
def team(request: pytest.FixtureRequest) -> Iterator[Team]:
    """A PostgreSQL database with alice, bob and riley as real logins (``tests.core.pg_team``)."""
    request.getfixturevalue("pg_template")  # skips, or fails under CI, without PostgreSQL
    from tests.core.pg_team import make_team  # it imports this module

    with make_team() as made:
        yield made
