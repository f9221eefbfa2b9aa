"""Writers' waits are watched by one thread, not a thread per write (issue 19: a timer thread
started in every write transaction cost each edit a thread start), and a long wait is still told."""

from __future__ import annotations

import threading
import time

import pytest

from annotator import waiting
from annotator.model import Project
from annotator.ops.annotations import create_span
from annotator.store import Store
from tests.core.helpers import add_doc, annotator_id, label_id


def test_many_writes_start_at_most_one_thread(
    store: Store, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = add_doc(store, project.id, "Mayor Ana Ruiz said the bridge opens in May.")
    actor, alice = label_id(store, project.id, "ACTOR"), annotator_id(store, project.id, "alice")
    started: list[str] = []
    real = threading.Thread.start

    def counted(self: threading.Thread) -> None:
        started.append(self.name)
        real(self)

    monkeypatch.setattr(threading.Thread, "start", counted)
    for n in range(12):
        with store.transaction() as tx:
            create_span(tx, doc, n, n + 1, actor, alice)
    assert len(started) <= 1, started


def test_a_long_wait_is_told_and_its_end_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(waiting, "NOTICE", 0.05)
    heard: list[str] = []
    stop = waiting.listen(heard.append)
    try:
        with waiting.announced():
            pass  # a short wait: nobody hears of it
        assert heard == []
        with waiting.announced():
            deadline = time.monotonic() + 5
            while not heard and time.monotonic() < deadline:
                time.sleep(0.01)
        assert heard == [waiting.MESSAGE, ""]
    finally:
        stop()


def test_writes_do_not_wake_the_watcher_each_time(
    store: Store, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write's wait is due ``NOTICE`` from now, never before the watcher's own next wake: only
    a watcher asleep with no deadline is woken (issue 19: woken at every write, the thread took
    the GIL in the middle of the edit's frame)."""
    doc = add_doc(store, project.id, "Mayor Ana Ruiz said the bridge opens in May.")
    actor, alice = label_id(store, project.id, "ACTOR"), annotator_id(store, project.id, "alice")
    with store.transaction() as tx:  # the watcher runs (started now, or from an earlier write)
        create_span(tx, doc, 0, 1, actor, alice)
    watch = waiting._watch
    woken: list[int] = []
    real = watch._cond.notify

    def counted(n: int = 1) -> None:
        woken.append(n)
        real(n)

    monkeypatch.setattr(watch._cond, "notify", counted)
    for n in range(1, 12):
        with store.transaction() as tx:
            create_span(tx, doc, n, n + 1, actor, alice)
    assert len(woken) <= 1, woken  # at most once: the watcher may have slept past its linger
