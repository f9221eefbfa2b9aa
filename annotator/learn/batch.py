"""Suggestions for many documents on both cores, in bounded memory.

Worker processes (forked where that is safe, else spawned: ``annotator.forking``) each load the
engine once — the built-in rules or a model folder — and take documents in chunks; results come
back in order, so a caller can store them as they arrive and memory holds only a few chunks
whatever the corpus size. With the rules, where workers are forked (the CLI, scripts), this
process takes its turn too (a little under a worker's share of the chunks, ``HERE``; one worker
fewer): it would otherwise sit waiting for results while a core's worth of rules could run in
it, and the rules cost nothing to load. Beside Qt (spawned workers) it leaves the rules to the workers: its thread shares the
interpreter lock with the window's.
"""

from __future__ import annotations

import gc
import multiprocessing
import pickle
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from itertools import islice
from typing import Any

from annotator.forking import start_method
from annotator.suggest.rules import RelationSuggestion, RuleConfig, SpanSuggestion, Suggestions, suggest

Engine = Callable[[Any], Suggestions]  # a text, or (text, spans, linked, parts) for ``speakers``
# This process's share of the chunks against one worker's (4 to 5: 4 chunks of every 9 beside one
# worker; measured in ``benchmarks.bench_assist --rules-only``, where the two CPU times then match)
HERE = (4, 5)
_engine: Any = None


def _make(
    model_dir: str | None, gazetteer: list[str], config: RuleConfig | None, speakers: bool = False
) -> Engine:
    if model_dir is None:
        names = frozenset(gazetteer)  # (``suggest`` would copy anything else for each document)
        return lambda text: suggest(text, names, config)
    from annotator.learn.model import load

    model = load(model_dir)
    if speakers:  # the speakers of a person's quotes (``suggest.own``): its labels come along
        from annotator.suggest.speakers import speakers_of

        return lambda item: speakers_of(model, *item)
    return model.predict


def _init(
    model_dir: str | None, gazetteer: list[str], config: RuleConfig | None, speakers: bool = False
) -> None:
    global _engine
    _engine = _make(model_dir, gazetteer, config, speakers)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """The collector off for one chunk (``annotator.bulk`` has the same, but importing it would
    bring SQLAlchemy into every spawned worker)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _many(items: list[tuple[int, Any]], engine: Engine | None = None) -> list[tuple[int, Suggestions]]:
    run = engine or _engine
    with _gc_paused():  # thousands of small tuples, no cycles: the collector would rescan them
        return [(doc, run(text)) for doc, text in items]


def _packed(items: list[tuple[int, Any]]) -> bytes:
    """A worker's chunk, pickled here as plain tuples: the pool then moves bytes, and this process
    unpickles them in its own thread with the collector paused (named tuples and dataclasses would
    each cost it a Python call, and the pool's result thread runs with the collector on)."""
    found = _many(items)
    with _gc_paused():
        rows = [(doc, [tuple(s) for s in got.spans], [tuple(r) for r in got.relations]) for doc, got in found]
        return pickle.dumps(rows, pickle.HIGHEST_PROTOCOL)


_span = partial(tuple.__new__, SpanSuggestion)  # no Python call per span (a named tuple's __new__ is one)
_relation = partial(tuple.__new__, RelationSuggestion)


def _unpacked(data: bytes) -> list[tuple[int, Suggestions]]:
    with _gc_paused():
        return [
            (doc, Suggestions(list(map(_span, spans)), list(map(_relation, relations))))
            for doc, spans, relations in pickle.loads(data)
        ]


def suggest_many(
    docs: Iterable[tuple[int, Any]],
    *,
    model_dir: str | None = None,
    gazetteer: Iterable[str] = (),
    config: RuleConfig | None = None,
    workers: int = 2,
    chunk: int | None = None,
    speakers: bool = False,
) -> Iterator[tuple[int, Suggestions]]:
    """(document id, suggestions) for each (document id, text), in input order, on ``workers``
    cores. A chunk is 256 documents for the rules (each costs this process a message:
    fewer, larger ones leave it less to do), 64 for a model (slower per document: progress moves
    sooner). ``speakers``: each item is (document id, (text, spans, linked, parts)) and the model finds
    the speakers of those quotes (``suggest.speakers``)."""
    args = (model_dir, list(gazetteer), config, speakers)
    chunk = chunk or (64 if model_dir is not None else 256)
    if workers <= 1:
        yield from _many_lazily(docs, _make(*args))
        return
    method = start_method()  # forked where safe: no start-up imports
    # (a local engine, not the global one: the app may run jobs side by side)
    here = _make(*args) if model_dir is None and method == "fork" else None
    source = iter(docs)
    context = multiprocessing.get_context(method)
    with context.Pool(workers - (here is not None), initializer=_init, initargs=args) as pool:
        pending: deque[Any] = deque()
        sent = 0

        def submit() -> None:
            nonlocal sent
            items = list(islice(source, chunk))
            if items:
                mine = here is not None and _ours(sent, workers)
                pending.append(items if mine else pool.apply_async(_packed, (items,)))
                sent += 1

        for _ in range(2 * workers):  # at most this many chunks in flight: bounded memory
            submit()
        while pending:
            head = pending.popleft()
            if isinstance(head, list):  # this process's own chunk: the workers' go on meanwhile
                submit()
                yield from _many(head, here)
                continue
            done = _unpacked(head.get())
            submit()
            yield from done


def _ours(k: int, workers: int) -> bool:
    """Chunk ``k`` is this process's: it takes ``HERE[0]`` chunks for each ``HERE[1]`` of a
    worker, spread evenly (the first one here, while the workers start): besides its own rules it
    unpickles all the workers' results, so equal shares would leave it last."""
    num, den = HERE
    den = num + den * (workers - 1)
    return -(-(k + 1) * num // den) > -(-k * num // den)  # the ceiling of k·share went up


def _many_lazily(docs: Iterable[tuple[int, Any]], engine: Engine) -> Iterator[tuple[int, Suggestions]]:
    for doc, text in docs:
        yield doc, engine(text)
