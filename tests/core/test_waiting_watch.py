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
