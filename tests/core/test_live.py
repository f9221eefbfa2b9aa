"""PostgreSQL pushes other clients' writes at once (LISTEN/NOTIFY); SQLite keeps polling."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from annotator.model import Project
from annotator.ops.annotations import create_span
from annotator.ops.projects import ensure_annotator
from annotator.store import Actor, Store, open_store
from tests.core.helpers import label_id

ROOT = Path(__file__).parents[2]


def _span_as(store: Store, project: Project, name: str, doc: int) -> int:
    with store.transaction(actor=Actor(name)) as tx:
        person = ensure_annotator(tx, project.id, name)
    with store.transaction(actor=Actor(name, person.id)) as tx:
        return create_span(tx, doc, 0, 5, label_id(store, project.id, "ACTOR"), person.id).id


@pytest.fixture
def pg_url(pg_template: str) -> object:
    from tests.conftest import TEMPLATE, pg_database

    with pg_database(TEMPLATE) as url:
        yield url


def _project(store: Store, text: str) -> tuple[Project, int]:
    from annotator.ops.projects import create_project
    from tests.core.helpers import add_doc

    with store.transaction() as tx:
        project = create_project(tx, "Live")
    return project, add_doc(store, project.id, text)


WRITER = """
import sys
from annotator.model import Label
from annotator.ops.annotations import create_span
from annotator.ops.projects import ensure_annotator
from annotator.store import Actor, open_store
from sqlalchemy import select
store = open_store(sys.argv[1])
project, doc = int(sys.argv[2]), int(sys.argv[3])
with store.transaction(actor=Actor("bob")) as tx:
    bob = ensure_annotator(tx, project, "bob")
with store.transaction(actor=Actor("bob", bob.id)) as tx:
    label = tx.session.scalar(select(Label.id).where(Label.project_id == project, Label.name == "QUOTE"))
    print(create_span(tx, doc, 6, 11, label, bob.id).id)
store.close()
"""


def bob_labels_in_another_process(url: str, project_id: int, doc: int) -> int:
    """bob (a separate process, as a teammate's app or the CLI) labels a quote; its span id."""
    done = subprocess.run(
        [sys.executable, "-c", WRITER, url, str(project_id), str(doc)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        timeout=60,
    )
    return int(done.stdout.split()[-1])


def test_another_process_write_wakes_the_listener_and_the_poll_brings_it(pg_url: str) -> None:
    store = open_store(pg_url)
    try:
        project, doc = _project(store, "Alice said hello.")
        listener = store.listener()
        assert listener is not None
        store.poll()  # the starting point
        span = bob_labels_in_another_process(pg_url, project.id, doc)
        assert listener.wait(10.0)  # woken by bob's commit, not by a timer
        changes = store.poll()
        assert changes is not None and any(span in c.ids for c in changes.changes)
        listener.close()
    finally:
        store.close()


def test_own_writes_and_rolled_back_ones_do_not_wake_the_listener(pg_url: str) -> None:
    store = open_store(pg_url)
    other = open_store(pg_url)
    try:
        project, doc = _project(store, "Alice said hello.")
        listener = store.listener()
        assert listener is not None
        _span_as(store, project, "alice", doc)  # this store's own write: its payload is our client
        assert not listener.wait(0.3)
        with pytest.raises(RuntimeError), other.transaction(actor=Actor("carol")) as tx:
            ensure_annotator(tx, project.id, "carol")
            raise RuntimeError("the action fails: nothing is committed, nobody is told")
        assert not listener.wait(0.3)
        _span_as(other, project, "dave", doc)
        assert listener.wait(5.0)
        listener.close()
    finally:
        other.close()
        store.close()


def test_sqlite_has_no_listener_and_keeps_polling(db_url: str) -> None:
    store = open_store(db_url)
    try:
        assert store.listener() is None
    finally:
        store.close()
