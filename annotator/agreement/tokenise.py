"""The token boundaries of every text of a project, made on both cores while agreement goes on.

Token-level κ and α need every text tokenised (about a quarter of ``annotator agree`` on a big
project). ``tokens_of`` hands the texts to forked worker processes in chunks and returns at once:
the mapping it gives waits for them only when first read (the token grid comes after span and
relation F1), so tokenising overlaps the rest of the work. The workers run the same
``annotator.text.tokenize``, so the tokens, and every figure, are the ones one process makes.

Forking is only safe in a process without Qt and without other threads (``annotator.forking``):
the GUI, and any caller with threads, tokenises in-process as before.
Each chunk comes back as one array (not thousands of tuples), so the handover costs little.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Mapping
from itertools import chain
from typing import Any

import numpy as np

from annotator.agreement.data import IntArray
from annotator.forking import can_fork

PARALLEL_FROM = 2_000
"""Fewer texts than this are tokenised in-process (starting workers would cost more)."""
CHUNK = 1_000

Tokenizer = Callable[[str], list[tuple[int, int]]]
_work: tuple[list[str], Tokenizer] | None = None  # what forked workers inherit


def _chunk(bounds: tuple[int, int]) -> tuple[IntArray, IntArray]:
    """Tokens of texts ``lo .. hi`` of the inherited list: (tokens per text, all of them n × 2)."""
    assert _work is not None
    texts, tokenize = _work
    found = [tokenize(text) for text in texts[bounds[0] : bounds[1]]]
    sizes = np.fromiter(map(len, found), dtype=np.int64, count=len(found))
    flat = np.fromiter(
        chain.from_iterable(chain.from_iterable(found)), dtype=np.int64, count=2 * int(sizes.sum())
    )
    return sizes, flat.reshape(-1, 2)


class Tokens(Mapping[Any, Any]):
    """Document id -> its tokens (an n × 2 array, or the tokenizer's list in-process); reading it
    the first time waits for the workers."""

    def __init__(self, texts: Mapping[Any, str], tokenize: Tokenizer, workers: int) -> None:
        self._ids, self._size = list(texts), CHUNK
        self._done: dict[Any, Any] | None = None
        self._pending: list[Any] = []
        self._pool: Any = None
        global _work
        _work = ([texts[d] for d in self._ids], tokenize)
        self._pool = multiprocessing.get_context("fork").Pool(workers)
        _work = None  # the children have their copy; the parent's list can go
        self._pending = [
            self._pool.apply_async(_chunk, ((lo, min(lo + self._size, len(self._ids))),))
            for lo in range(0, len(self._ids), self._size)
        ]

    def _wait(self) -> dict[Any, Any]:
        if self._done is None:
            done: dict[Any, Any] = {}
            try:
                for lo, result in zip(range(0, len(self._ids), self._size), self._pending, strict=True):
                    sizes, flat = result.get()
                    parts = np.split(flat, np.cumsum(sizes)[:-1])
                    done.update(zip(self._ids[lo : lo + len(sizes)], parts, strict=True))
            finally:
                self._pool.terminate()
                self._pool.join()
            self._done, self._pending = done, []
        return self._done

    def __del__(self) -> None:  # never read (an error came first): stop the workers
        if self._pending and self._pool is not None:
            self._pool.terminate()

    def __getitem__(self, doc: Any) -> Any:
        return self._wait()[doc]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._wait())

    def __len__(self) -> int:
        return len(self._ids)


def tokens_of(texts: Mapping[Any, str], tokenize: Tokenizer, *, workers: int = 2) -> Mapping[Any, Any]:
    """Every text's tokens: from forked workers on a large set (see the module), else in-process."""
    if workers < 2 or len(texts) < PARALLEL_FROM or not can_fork():
        return {doc: tokenize(text) for doc, text in texts.items()}
    return Tokens(texts, tokenize, workers)
