"""ChangeSets committed on a worker thread reach the widgets on the GUI thread."""

from __future__ import annotations

import threading

from pytestqt.qtbot import QtBot

from annotator.events import ChangeSet
from annotator.model import Project
from annotator.ops.documents import set_status
from annotator.store import Store
from tests.ui.conftest import add_docs
from ui.qt import QObject, QThread, StoreSignals


class Receiver(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.got: list[tuple[ChangeSet, bool]] = []

    def changed(self, changeset: ChangeSet) -> None:
        self.got.append((changeset, QThread.currentThread() is self.thread()))


def test_worker_thread_changes_arrive_on_the_gui_thread(qtbot: QtBot, store: Store, project: Project) -> None:
    (doc,) = add_docs(store, project.id, "An article.")
    signals = StoreSignals(store)
    receiver = Receiver()
    signals.changed.connect(receiver.changed)

    def work() -> None:
        with store.transaction(origin="worker") as tx:
            set_status(tx, [doc], "done")

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert receiver.got == []  # queued: nothing ran on the worker thread
    qtbot.waitUntil(lambda: bool(receiver.got), timeout=2000)
    (changeset, on_gui_thread), *_ = receiver.got
    assert on_gui_thread and changeset.origin == "worker" and doc in changeset.document_ids()
    signals.detach()
    with store.transaction() as tx:
        set_status(tx, [doc], "new")
    qtbot.wait(20)
    assert len(receiver.got) == 1
