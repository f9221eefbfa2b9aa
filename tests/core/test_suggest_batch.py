"""The rules at scale (``annotator.learn.batch``): where workers are forked this process takes
4 chunks of every 9 itself beside one worker, in input order; spawned workers (the app's way,
where this process's thread shares the interpreter with the window's) suggest what one process
does."""

from __future__ import annotations

import os
import sys

import pytest

from annotator import forking
from annotator.learn import batch
from annotator.suggest.rules import RelationSuggestion, SpanSuggestion, Suggestions, suggest
from benchmarks.quotes_corpus import corpus
from tests.core.test_forking import _alone, _start_methods


def _whose(text: str, gazetteer: object = (), config: object = None) -> Suggestions:
    """A stand-in for the rules that says which process ran it (fork copies it into workers)."""
    return Suggestions([SpanSuggestion(0, len(text), str(os.getpid()), 1.0)])


def _not_here(text: str, gazetteer: object = (), config: object = None) -> Suggestions:
    raise AssertionError("the rules ran in the app's process")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux only")
def test_this_process_takes_4_chunks_of_9_beside_one_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """A little under half: it also unpickles the worker's results."""
    _alone(monkeypatch)
    monkeypatch.setattr(batch, "suggest", _whose)
    docs = [(i, f"document {i}") for i in range(18 * 8)]
    found = list(batch.suggest_many(docs, workers=2, chunk=8))
    assert [i for i, _s in found] == list(range(18 * 8))  # in input order
    runners = [s.spans[0].label for _i, s in found]
    chunks = [set(runners[k : k + 8]) for k in range(0, 18 * 8, 8)]
    assert all(len(c) == 1 for c in chunks)  # a chunk runs in one process
    here = str(os.getpid())
    assert [c == {here} for c in chunks] == [True, False, True, False, True, False, True, False, False] * 2
    assert len({*runners} - {here}) == 1  # one worker


def test_a_spawned_worker_suggests_what_one_process_does(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in the app (Qt loaded): each worker is a fresh interpreter, the gazetteer and the
    configuration travel to it."""
    monkeypatch.setattr(forking, "_qt_loaded", lambda: True)
    monkeypatch.setattr(batch, "suggest", _not_here)  # (a spawned worker imports the real one)
    methods = _start_methods(monkeypatch)
    docs = [(i, r.text) for i, r in enumerate(corpus(90, seed=8))]
    found = list(batch.suggest_many(docs, gazetteer=["Ilona Varga"], workers=2, chunk=20))
    assert methods == ["spawn"]
    assert [(i, s.spans, s.relations) for i, s in found] == [
        (i, *(lambda s: (s.spans, s.relations))(suggest(t, {"Ilona Varga"}))) for i, t in docs
    ]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux only")
def test_a_forked_workers_chunks_come_back_as_suggestions(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker's chunk travels as plain tuples (``batch._packed``); what this process yields is
    the rules' own types again, equal to what one process suggests."""
    _alone(monkeypatch)
    docs = [(i, r.text) for i, r in enumerate(corpus(90, seed=8))]
    found = list(batch.suggest_many(docs, gazetteer=["Ilona Varga"], workers=2, chunk=10))
    assert [(i, s) for i, s in found] == [(i, suggest(t, {"Ilona Varga"})) for i, t in docs]
    spans = [sp for _i, s in found for sp in s.spans]
    relations = [r for _i, s in found for r in s.relations]
    assert spans and relations
    assert {type(s) for _i, s in found} == {Suggestions}
    assert {type(sp) for sp in spans} == {SpanSuggestion} and {type(r) for r in relations} == {
        RelationSuggestion
    }
    assert {type(sp.start) for sp in spans} == {int} and {type(sp.score) for sp in spans} == {float}
