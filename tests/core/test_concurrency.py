"""Several processes writing at once lose nothing; a killed writer loses nothing it acknowledged."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from annotator.model import Annotation, Project
from annotator.store import SCHEMA_HEAD, Store, open_store
from tests.conftest import pg_database
from tests.core.helpers import add_doc, label_id

ROOT = Path(__file__).parents[2]
TEXT = "x" * 2000


def _writer(url: str, doc: int, label: int, name: str, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.core.writer_process", url, str(doc), str(label), name, str(count)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_concurrent_writer_processes_lose_no_write(store: Store, project: Project, backend_url: str) -> None:
    doc = add_doc(store, project.id, TEXT)
    label = label_id(store, project.id, "CLAIM")
    procs = [_writer(backend_url, doc, label, f"writer{i}", 150) for i in range(4)]
    acknowledged: set[int] = set()
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert "locked" not in err
        acknowledged.update(int(line) for line in out.split())
    assert len(acknowledged) == 600
    with store.session() as s:
        stored = set(s.scalars(select(Annotation.id).where(Annotation.document_id == doc)))
    assert stored == acknowledged


@pytest.mark.slow
def test_killed_writer_keeps_every_acknowledged_span(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'crash.db'}"
    store = open_store(url)
    from annotator.ops.projects import create_project

    with store.transaction() as tx:
        project_id = create_project(tx, "Crash").id
    doc = add_doc(store, project_id, TEXT)
    label = label_id(store, project_id, "CLAIM")
    store.close()
    rng = random.Random(20261127)
    acknowledged: set[int] = set()
    for round_ in range(8):
        proc = _writer(url, doc, label, f"w{round_}", 100_000)
        assert proc.stdout is not None
        # Wait for the writer to get going, then kill it at a random moment mid-stream.
        first = proc.stdout.readline()
        assert first.strip().isdigit(), proc.stderr.read() if proc.stderr else ""
        acknowledged.add(int(first))
        time.sleep(rng.uniform(0.05, 0.6))
        os.kill(proc.pid, signal.SIGKILL)
        rest, _ = proc.communicate()
        lines = rest.split("\n")
        # The last line may have been cut by the kill: only whole lines are acknowledgements.
        acknowledged.update(int(line) for line in lines[:-1] if line.strip())
        con = sqlite3.connect(tmp_path / "crash.db")
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = {row[0] for row in con.execute("SELECT id FROM annotation")}
        con.close()
        assert acknowledged <= stored, f"round {round_}: lost {sorted(acknowledged - stored)[:5]}"
    assert len(acknowledged) > 8
    reopened = open_store(url)
    with reopened.session() as s:
        assert (s.scalar(select(func.count()).select_from(Annotation)) or 0) >= len(acknowledged)
    reopened.close()


_OPEN_AT = """
import sys, time
from annotator.store import open_store
while time.time() < float(sys.argv[2]):
    time.sleep(0.001)
open_store(sys.argv[1]).close()
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database that exists but holds nothing yet (a new SQLite file, a new PostgreSQL database)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'new.db'}"
        return
    request.getfixturevalue("pg_template")  # skips, or fails under CI, without PostgreSQL
    with pg_database() as url:
        yield url


@pytest.mark.slow
def test_processes_opening_a_new_database_at_once_migrate_it_once(empty_url: str) -> None:
    """Six processes open a database with no tables yet at the same instant: without the
    migration lock some failed creating tables another had just created, and without waiting for
    the switch to WAL some failed with "database is locked"."""
    url = empty_url
    start = time.time() + 2.0  # past every interpreter's start-up
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _OPEN_AT, url, str(start)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    for proc in procs:
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err[-2000:]
    store = open_store(url)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Project)) == 0
        assert s.scalar(text("SELECT version_num FROM alembic_version")) == SCHEMA_HEAD
    store.close()
