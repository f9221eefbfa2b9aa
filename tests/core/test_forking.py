"""Worker processes are forked where that is safe (no Qt, no other thread) and spawned elsewhere;
the rules suggest the same either way (``annotator.learn.batch``)."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from annotator import forking
from annotator.learn import batch
from annotator.model import Project
from annotator.ops.importer import import_records
from annotator.store import Store
from annotator.suggest import engines
from annotator.suggest.rules import suggest
from benchmarks.quotes_corpus import corpus
from tests.core.test_suggest_parallel import _stored


def _alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in the CLI: no Qt (pytest-qt imports it; no app runs here) and no other thread (other
    tests may leave one behind)."""
    monkeypatch.setattr(forking, "_qt_loaded", lambda: False)
    monkeypatch.setattr(forking, "_threads", lambda: 1)


def _start_methods(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """The start methods ``suggest_many`` asks for, as it asks."""
    methods: list[str | None] = []
    real = batch.multiprocessing.get_context

    def context(method: str | None = None) -> object:
        methods.append(method)
        return real(method)

    monkeypatch.setattr(batch.multiprocessing, "get_context", context)
    return methods


def test_fork_only_without_qt_and_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    _alone(monkeypatch)
    assert forking.start_method() == "fork"
    monkeypatch.undo()
    monkeypatch.setattr(forking, "_qt_loaded", lambda: False)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert forking.start_method() == "spawn"
    finally:
        stop.set()
        other.join()
    monkeypatch.setattr(forking, "_qt_loaded", lambda: True)
    assert forking.start_method() == "spawn"


def test_no_fork_off_linux(monkeypatch: pytest.MonkeyPatch) -> None:
    """macOS offers fork, but its system libraries start threads: spawn there, as Python does."""
    _alone(monkeypatch)
    monkeypatch.setattr(forking.sys, "platform", "darwin")
    assert forking.start_method() == "spawn"


def test_forked_workers_suggest_what_one_process_does(monkeypatch: pytest.MonkeyPatch) -> None:
    _alone(monkeypatch)
    methods = _start_methods(monkeypatch)
    docs = [(i, r.text) for i, r in enumerate(corpus(150, seed=4))]
    found = list(batch.suggest_many(docs, gazetteer=["Ana Ruiz"], workers=2, chunk=16))
    assert methods == ["fork"]
    assert [(i, s.spans, s.relations) for i, s in found] == [
        (i, *(lambda s: (s.spans, s.relations))(suggest(t, {"Ana Ruiz"}))) for i, t in docs
    ]


def test_a_forked_run_stores_what_one_process_does(
    store: Store, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``annotator suggest`` forks its workers while its transaction is open (SQLite file or
    PostgreSQL socket inherited, never used by them): it stores what one process stores, and the
    connection goes on serving."""
    with store.transaction() as tx:
        docs = import_records(
            tx, project.id, [r.__class__(r.text) for r in corpus(engines.PARALLEL_FROM + 10)]
        ).document_ids
    _alone(monkeypatch)
    methods = _start_methods(monkeypatch)
    engine = engines.rules_engine(store, project.id)
    report = engines.run(store, project.id, engine, docs)
    assert methods == ["fork"]
    forked = _stored(store)
    assert report.spans == len(forked) > len(docs)
    monkeypatch.setattr(engines, "PARALLEL_FROM", 10**9)
    engines.run(store, project.id, engine, docs)
    assert _stored(store) == forked


# After a write the lock-wait watcher's thread lives on; a fresh process (no Qt) may still fork.
AFTER_A_WRITE = """
import sys, threading
from annotator import forking
from annotator.ops.projects import create_project
from annotator.store import open_store
store = open_store(sys.argv[1])
with store.transaction() as tx:
    create_project(tx, "p")
names = [t.name for t in threading.enumerate()]
print(forking.start_method(), "annotator-waiting" in names)
"""


def test_a_process_that_has_written_still_forks(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", AFTER_A_WRITE, f"sqlite:///{tmp_path / 'w.db'}"],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert done.stdout.split() == ["fork", "True"]  # the watcher runs, and forking is still allowed
