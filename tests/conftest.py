"""Shared fixtures: a fresh database per test, on SQLite and (when configured) PostgreSQL.

PostgreSQL tests need ``ANNOTATOR_TEST_PG`` (a SQLAlchemy URL of a database the tests may use to
create and drop others); `.ci/run` starts a throw-away cluster and sets it. Under CI a missing
PostgreSQL fails the run instead of skipping.
"""

from __future__ import annotations

import compileall
import os
import shutil
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
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
# Each test process has its own template database: under pytest-xdist (`make test` runs two
# workers) and when two runs share a server, one run's set-up and teardown (DROP DATABASE) never
# touch another's template, and PostgreSQL never refuses a clone because another session is
# connected to its template.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
TEMPLATE = f"annotator_template_{WORKER}_{os.getpid()}"


def pytest_configure(config: pytest.Config) -> None:
    """Where bytecode is not written (``PYTHONDONTWRITEBYTECODE``, as on the CI machine), every
    ``annotator`` or app process a test starts compiled ~80-250 of the project's modules from source
    anew; compiled once here (the controller, before the workers start) each start reads them."""
    if sys.dont_write_bytecode and not hasattr(config, "workerinput"):
        root = Path(__file__).resolve().parents[1]
        for package in ("annotator", "ui", "benchmarks"):
            compileall.compile_dir(root / package, quiet=1)


@pytest.hookimpl(trylast=True)  # after pytest-randomly's shuffle, when it is installed
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist the files of ``slow`` tests go out first, then the others by their number
    of tests, largest first: one minutes-long file handed out last would leave the other worker
    idle while it runs. The order within files is kept. `make test` passes
    ``--no-loadscope-reorder``: xdist's own reordering (by number of tests alone) sent the one-test
    GUI stress file out last."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        dispatch_order(items)


def dispatch_order(items: list[pytest.Item]) -> None:
    """Sort ``items`` (in place, stable): files with a ``slow`` test, then by number of tests."""
    slow_files = {item.path for item in items if item.get_closest_marker("slow")}
    tests_in = Counter(item.path for item in items)
    first = {path: i for i, path in reversed(list(enumerate(item.path for item in items)))}
    items.sort(key=lambda item: (item.path not in slow_files, -tests_in[item.path], first[item.path]))


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


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once per session (per xdist worker); tests get a copy of it.

    Migrating a new file takes about a second and ~500 tests ask for one; copying it takes
    milliseconds. The migrations themselves stay tested: here, and by the tests that open new
    files with ``db_url`` or their own paths.
    """
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    open_store(f"sqlite:///{path}").close()
    leftovers = [p.name for p in path.parent.iterdir() if p != path]
    assert not leftovers, f"closing the template store left {leftovers} beside it"
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def backend_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database on each backend (a copy of a migrated template)."""
    if request.param == "sqlite":
        shutil.copyfile(request.getfixturevalue("sqlite_template"), tmp_path / "test.db")
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
        clone = f" TEMPLATE {template}" if template else ""
        if template and _server_version() >= 150000:
            # PostgreSQL 15's default (WAL_LOG) writes the whole template through the WAL: ~0.6 s
            # a clone here against ~0.07 s for a plain copy of its files (the same database).
            clone += " STRATEGY FILE_COPY"
        conn.execute(text(f"CREATE DATABASE {name}{clone}"))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


@cache
def _server_version() -> int:
    """The test server's version number (150000 for 15.0), asked once per run."""
    assert PG_URL is not None
    engine = create_engine(PG_URL)
    with engine.connect() as conn:
        version = int(conn.execute(text("SHOW server_version_num")).scalar_one())
    engine.dispose()
    return version


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
