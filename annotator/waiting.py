"""Waiting for SQLite's write lock: writers keep waiting, and say so.

Another process (a merge, an import, the app) may hold the write lock for a while. A writer that
must wait never gives up after the busy timeout as SQLite would ("database is locked"): it tries
again, up to ``LIMIT`` seconds, and after ``NOTICE`` seconds tells its listeners (the command line
prints a line on stderr) so a person knows why nothing happens yet. A label a person made is not
dropped because someone else was writing.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

NOTICE = 2.0  # seconds of waiting before listeners hear of it
LINGER = 60.0  # seconds after the last write that the idle watcher still wakes by itself
LIMIT = 3600.0  # then the writer fails with a clear error
MESSAGE = "waiting for the database (another process is writing)…"
# The watcher's thread: it lives on after the first write, and a fork remakes it (``_forked``), so
# ``annotator.forking`` does not count it as a thread that makes forking unsafe.
THREAD_NAME = "annotator-waiting"

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


class _Watch:
    """One daemon thread for every writer's wait: ``arm`` when a wait starts, ``disarm`` when it
    ends; a wait still armed after ``NOTICE`` seconds is told to the listeners. (A timer thread
    per write transaction cost every edit a thread start: milliseconds on a busy machine.)

    ``arm`` wakes the thread only when it sleeps with no deadline: a new wait is due ``NOTICE``
    from now, never before the deadline the thread already sleeps to (it wakes at most every
    ``NOTICE`` seconds while writes come, ``LINGER`` seconds after the last). Woken at every write,
    the thread took the GIL in the middle of the edit's frame, on a loaded machine for a whole
    time slice (issue 19's wall-over-CPU tail).
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._armed: dict[int, float] = {}  # wait → when it is to be told
        self._told: set[int] = set()
        self._count = 0
        self._thread: threading.Thread | None = None
        self._wakes_at = math.inf  # when the thread's sleep ends by itself (inf: only if woken)
        self._linger_until = 0.0  # until when the idle thread keeps waking by itself

    def arm(self) -> int:
        with self._cond:
            self._count += 1
            now = time.monotonic()
            due = self._armed[self._count] = now + NOTICE
            self._linger_until = now + LINGER
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name=THREAD_NAME, daemon=True)
                self._thread.start()
            elif due < self._wakes_at:
                self._cond.notify()
            return self._count

    def disarm(self, wait: int) -> bool:
        """End a wait; True when the listeners were told of it."""
        with self._cond:
            self._armed.pop(wait, None)
            told = wait in self._told
            self._told.discard(wait)
            return told

    def _run(self) -> None:
        with self._cond:
            while True:
                now = time.monotonic()
                due = [w for w, at in self._armed.items() if at <= now]
                for w in due:
                    del self._armed[w]
                    self._told.add(w)
                if due:
                    self._cond.release()
                    try:
                        _tell(MESSAGE)
                    finally:
                        self._cond.acquire()
                    continue
                if self._armed:
                    self._wakes_at = min(self._armed.values())
                else:  # idle: wake by itself a while longer, so the next writes need not wake it
                    self._wakes_at = now + NOTICE if now < self._linger_until else math.inf
                self._cond.wait(None if self._wakes_at == math.inf else max(0.0, self._wakes_at - now))
                self._wakes_at = 0.0  # awake: a wait armed now is seen before the next sleep


_watch = _Watch()


def _forked() -> None:  # a forked worker starts with no watcher thread and a fresh lock
    global _watch
    _watch = _Watch()


os.register_at_fork(after_in_child=_forked)


@contextmanager
def announced() -> Iterator[None]:
    """Tell listeners when the enclosed wait lasts longer than ``NOTICE`` seconds."""
    watch = _watch
    wait = watch.arm()
    try:
        yield
    finally:
        if watch.disarm(wait):
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
