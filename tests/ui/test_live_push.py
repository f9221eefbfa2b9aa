"""On PostgreSQL a teammate's label reaches the open window at once, pushed by LISTEN/NOTIFY,
without waiting for (or needing) the poll timer (issue 20). The teammate is a real process."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from annotator.model import Project
from tests.core.test_live import bob_labels_in_another_process
from ui.main_window import MainWindow

ROOT = Path(__file__).parents[2]
Open = Callable[..., MainWindow]


@pytest.mark.parametrize("backend_url", ["postgresql"], indirect=True)
def test_a_teammates_label_is_pushed_to_the_open_window_without_the_poll_timer(
    qtbot: QtBot, open_window: Open, project: Project, backend_url: str
) -> None:
    window = open_window("Alice said the ferry timetable would change.", annotator="alice")
    window.actions_by_name["show_all"].setChecked(True)
    window._poll.stop()  # only the push can bring the change in now
    assert window.live.listening
    doc = window.session.doc_id
    assert doc is not None
    span = bob_labels_in_another_process(backend_url, project.id, doc)
    qtbot.waitUntil(lambda: span in window.session.index.spans, timeout=5000)


@pytest.mark.parametrize("backend_url", ["sqlite"], indirect=True)
def test_on_sqlite_the_window_keeps_polling(qtbot: QtBot, open_window: Open) -> None:
    window = open_window("Alice said hello.", annotator="alice")
    assert not window.live.listening and window._poll.isActive()


@pytest.mark.parametrize("backend_url", ["postgresql"], indirect=True)
def test_a_lost_listening_connection_falls_back_to_polling_and_comes_back(
    qtbot: QtBot, open_window: Open, project: Project, backend_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.live

    window = open_window("Alice said hello.", annotator="alice")
    listener = window.live._listener
    assert listener is not None
    listener._conn.pgconn.finish()  # the connection dies under the window (server restart, network)
    window.live._ready()  # what the socket notifier does when the socket closes
    assert not window.live.listening  # no busy loop on a dead socket; polling carries on
    monkeypatch.setattr(ui.live, "RETRY_SECONDS", 0.0)
    window._poll_store()  # a poll that works again
    assert window.live.listening
