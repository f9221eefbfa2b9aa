"""Worker processes are forked where that is safe (no Qt, no other thread) and spawned elsewhere;
the rules suggest the same either way (``annotator.learn.batch``)."""

from __future__ import annotations

import threading

import pytest

from annotator import forking
from annotator.learn import batch
from annotator.suggest.rules import suggest
from benchmarks.quotes_corpus import corpus


def test_fork_only_without_qt_and_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forking, "_qt_loaded", lambda: False)
    assert forking.start_method() == "fork"
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
    monkeypatch.setattr(forking, "_qt_loaded", lambda: False)  # pytest-qt imports Qt; no app runs
    methods: list[str] = []
    real = batch.multiprocessing.get_context
    monkeypatch.setattr(batch.multiprocessing, "get_context", lambda m=None: methods.append(m) or real(m))
    docs = [(i, r.text) for i, r in enumerate(corpus(150, seed=4))]
    found = list(batch.suggest_many(docs, gazetteer=["Ana Ruiz"], workers=2, chunk=16))
    assert methods == ["fork"]
    assert [(i, s.spans, s.relations) for i, s in found] == [
        (i, *(lambda s: (s.spans, s.relations))(suggest(t, {"Ana Ruiz"}))) for i, t in docs
    ]
