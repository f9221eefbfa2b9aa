"""Worker processes are forked where that is safe (no Qt, no other thread) and spawned elsewhere;
the rules suggest the same either way (``annotator.learn.batch``)."""

from __future__ import annotations

import threading

import pytest

from annotator import forking
from annotator.learn import batch
from annotator.suggest.rules import suggest
from benchmarks.quotes_corpus import corpus


def _alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in the CLI: no Qt (pytest-qt imports it; no app runs here) and no other thread (other
    tests may leave one behind)."""
    monkeypatch.setattr(forking, "_qt_loaded", lambda: False)
    monkeypatch.setattr(forking, "_threads", lambda: 1)


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


def test_forked_workers_suggest_what_one_process_does(monkeypatch: pytest.MonkeyPatch) -> None:
    _alone(monkeypatch)
    methods: list[str | None] = []
    real = batch.multiprocessing.get_context

    def context(method: str | None = None) -> object:
        methods.append(method)
        return real(method)

    monkeypatch.setattr(batch.multiprocessing, "get_context", context)
    docs = [(i, r.text) for i, r in enumerate(corpus(150, seed=4))]
    found = list(batch.suggest_many(docs, gazetteer=["Ana Ruiz"], workers=2, chunk=16))
    assert methods == ["fork"]
    assert [(i, s.spans, s.relations) for i, s in found] == [
        (i, *(lambda s: (s.spans, s.relations))(suggest(t, {"Ana Ruiz"}))) for i, t in docs
    ]
