"""Suggestions for many documents on both cores, in bounded memory.

Worker processes (forked where that is safe, else spawned: ``annotator.forking``) each load the
engine once — the built-in rules or a model folder — and take documents in chunks; results come
back in order, so a caller can store them as they arrive and memory holds only a few chunks
whatever the corpus size.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from annotator.forking import start_method
from annotator.suggest.rules import RuleConfig, Suggestions, suggest

_engine: Any = None


def _init(model_dir: str | None, gazetteer: list[str], config: RuleConfig | None) -> None:
    global _engine
    if model_dir is None:
        names = set(gazetteer)
        _engine = lambda text: suggest(text, names, config)  # noqa: E731
    else:
        from annotator.learn.model import load

        _engine = load(model_dir).predict


def _one(item: tuple[int, str]) -> tuple[int, Suggestions]:
    return item[0], _engine(item[1])


def _many(items: list[tuple[int, str]]) -> list[tuple[int, Suggestions]]:
    return [_one(item) for item in items]


def suggest_many(
    docs: Iterable[tuple[int, str]],
    *,
    model_dir: str | None = None,
    gazetteer: Iterable[str] = (),
    config: RuleConfig | None = None,
    workers: int = 2,
    chunk: int = 64,
) -> Iterator[tuple[int, Suggestions]]:
    """(document id, suggestions) for each (document id, text), in input order."""
    args = (model_dir, list(gazetteer), config)
    if workers <= 1:
        _init(*args)
        yield from map(_one, docs)
        return
    source = iter(docs)
    context = multiprocessing.get_context(start_method())  # forked where safe: no start-up imports
    with context.Pool(workers, initializer=_init, initargs=args) as pool:
        pending: deque[Any] = deque()

        def submit() -> None:
            items = list(islice(source, chunk))
            if items:
                pending.append(pool.apply_async(_many, (items,)))

        for _ in range(2 * workers):  # at most this many chunks in flight: bounded memory
            submit()
        while pending:
            done = pending.popleft().get()
            submit()
            yield from done
