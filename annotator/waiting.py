"""Waiting for SQLite's write lock: writers keep waiting, and say so.

Another process (a merge, an import, the app) may hold the write lock for a while. A writer that
must wait never gives up after the busy timeout as SQLite would ("database is locked"): it tries
again, up to ``LIMIT`` seconds, and after ``NOTICE`` seconds tells its listeners (the command line
prints a line on stderr) so a person knows why nothing happens yet. A label a person made is not
dropped because someone else was writing.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

NOTICE = 2.0  # seconds of waiting before listeners hear of it
LIMIT = 3600.0  # then the writer fails with a clear error
MESSAGE = "waiting for the database (another process is writing)…"

Listener = Callable[[str], None]
_listeners: list[Listener] = []


def busy_timeout_ms() -> int:
    """SQLite's busy timeout for one attempt (``ANNOTATOR_SQLITE_BUSY_MS`` shortens it for tests)."""
    return int(os.environ.get("ANNOTATOR_SQLITE_BUSY_MS", "30000"))


def listen(listener: Listener) -> Callable[[], None]:
    """Call ``listener`` (from another thread) when a writer has waited ``NOTICE`` seconds and
    when it gets the lock after that; returns a function that stops listening."""
    _listeners.append(listener)
    return lambda: _listeners.remove(listener) if listener in _listeners else None


def _tell(message: str) -> None:
    for listener in list(_listeners):
        listener(message)


@contextmanager
def announced() -> Iterator[None]:
    """Tell listeners when the enclosed wait lasts longer than ``NOTICE`` seconds."""
    told = threading.Event()

    def notice() -> None:
        told.set()
        _tell(MESSAGE)

    timer = threading.Timer(NOTICE, notice)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        if told.is_set():
            _tell("")


def until_unlocked(attempt: Callable[[], object], is_locked: Callable[[BaseException], bool]) -> None:
    """Run ``attempt`` (BEGIN IMMEDIATE) until it gets the lock, announcing a long wait."""
    deadline = time.monotonic() + LIMIT
    with announced():
        while True:
            try:
                attempt()
                return
            except Exception as exc:
                if not is_locked(exc) or time.monotonic() > deadline:
                    raise
