"""Two processes race over one document on PostgreSQL: one inserts spans into it (the import's
COPY), the other deletes it. Whichever comes first, the other waits for it (the check of the new
spans locks the document FOR KEY SHARE, as a foreign key does), and the end is consistent: the
document is gone with every span, or the insert is refused. Real processes, real locks."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from annotator.ops.projects import create_project, ensure_annotator
from annotator.store import Store, open_store
from tests.conftest import TEMPLATE, pg_database
from tests.core.helpers import add_doc, label_id

ROOT = Path(__file__).parents[2]


@pytest.fixture
def pg_store(pg_template: str) -> Iterator[Store]:
    with pg_database(TEMPLATE) as url:
        store = open_store(url)
        yield store
        store.close()


def _side(store: Store, action: str, ids: tuple[int, int, int]) -> subprocess.Popen[str]:
    url = store.engine.url.render_as_string(hide_password=False)
    return subprocess.Popen(
        [sys.executable, "-m", "tests.core.reference_race_process", url, action, *map(str, ids)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _line(proc: subprocess.Popen[str]) -> str:
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    assert line, proc.stderr.read() if proc.stderr else ""
    return line


def _release(proc: subprocess.Popen[str]) -> None:
    assert proc.stdin is not None
    proc.stdin.write("\n")
    proc.stdin.flush()


def _wait_for_lock(store: Store, proc: subprocess.Popen[str]) -> None:
    """Until a backend of this database waits on a lock (the second side, blocked by the first)."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    deadline = time.monotonic() + 120
    while True:
        with store.engine.connect() as conn:
            if conn.execute(query).scalar():
                return
        assert proc.poll() is None, f"the second side did not wait: {proc.communicate()}"
        assert time.monotonic() < deadline, "the second side never waited for the first"
        time.sleep(0.05)


def _setup(store: Store) -> tuple[int, int, int]:
    with store.transaction() as tx:
        project = create_project(tx, "Race").id
        who = ensure_annotator(tx, project, "alice").id
    doc = add_doc(store, project, "x" * 100)
    return doc, label_id(store, project, "CLAIM"), who


def _orphans(store: Store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(
            text(
                "SELECT count(*) FROM annotation a WHERE NOT EXISTS "
                "(SELECT 1 FROM document d WHERE d.id = a.document_id)"
            )
        ).scalar_one()


def _state(store: Store, doc: int) -> tuple[int, int]:
    with store.engine.connect() as conn:
        documents = conn.execute(text("SELECT count(*) FROM document WHERE id = :d"), {"d": doc}).scalar_one()
        spans = conn.execute(text("SELECT count(*) FROM annotation WHERE document_id = :d"), {"d": doc})
        return documents, spans.scalar_one()


def _race(store: Store, first: str, second: str) -> tuple[tuple[int, int, int], subprocess.Popen[str]]:
    """``first`` acts and holds its transaction open; ``second`` starts and must wait for it;
    then ``first`` commits. Returns the ids and the second side, still running."""
    ids = _setup(store)
    holder = _side(store, first, ids)
    assert _line(holder) == "done"
    waiter = _side(store, second, ids)
    _wait_for_lock(store, waiter)
    _release(holder)
    assert _line(holder) == "committed"
    return ids, waiter


def test_a_delete_waits_for_spans_being_inserted_and_takes_them_along(pg_store: Store) -> None:
    ids, deleter = _race(pg_store, "insert", "delete")
    assert _line(deleter) == "done"
    _release(deleter)
    assert _line(deleter) == "committed"
    assert _state(pg_store, ids[0]) == (0, 0)
    assert _orphans(pg_store) == 0


def test_an_insert_into_a_document_being_deleted_waits_and_is_refused(pg_store: Store) -> None:
    ids, inserter = _race(pg_store, "delete", "insert")
    assert _line(inserter) == "refused 23503"
    assert _state(pg_store, ids[0]) == (0, 0)
    assert _orphans(pg_store) == 0
