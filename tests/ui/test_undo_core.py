"""The GUI's undo is the core log's: Ctrl+Z undoes "done", the CLI undoes what the app did,
and a step someone else's work overlaps is refused without touching it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

from pytestqt.qtbot import QtBot

from annotator.model import Document, Project
from annotator.ops.annotations import update_span
from annotator.store import Store
from tests.ui.helpers import label_id, select_with_keys, stored_spans
from ui.main_window import MainWindow
from ui.qt import Qt

Open = Callable[..., MainWindow]
TEXT = "Mayor Elena Varga said the bridge is unsafe. Councillor Obi disagreed with her."
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
# The installed command, run as a separate process (as a script or a second person would).
ANNOTATOR = [sys.executable, "-c", "import sys; from annotator.cli import main; sys.exit(main())"]


def _status(store: Store, doc: int) -> str:
    with store.session() as s:
        return s.get_one(Document, doc).status


def _labelled(qtbot: QtBot, open_window: Open, store: Store) -> tuple[MainWindow, int]:
    """A window on TEXT where alice labelled "Mayor Elena Varga" with the A key."""
    window = open_window(TEXT)
    doc = window.session.doc_id
    assert doc is not None
    select_with_keys(qtbot, window.pane.view, 0, len("Mayor Elena Varga"))
    qtbot.keyClick(window.pane.view, Qt.Key.Key_A)
    assert len(stored_spans(store, doc)) == 1
    return window, doc


def test_ctrl_z_undoes_marking_done_and_ctrl_shift_z_redoes_it(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window = open_window(TEXT)
    view = window.pane.view
    doc = window.session.doc_id
    assert doc is not None
    before = _status(store, doc)
    qtbot.keyClick(view, Qt.Key.Key_Return, CTRL)
    assert _status(store, doc) == "done" and window.session.doc is not None
    assert window.session.doc.status == "done"
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    assert _status(store, doc) == before != "done"
    assert window.session.doc.status == before
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL | SHIFT)
    assert _status(store, doc) == "done" == window.session.doc.status


def test_the_command_line_undoes_what_the_app_did(
    qtbot: QtBot, open_window: Open, store: Store, project: Project, backend_url: str
) -> None:
    window, doc = _labelled(qtbot, open_window, store)
    view = window.pane.view
    done = subprocess.run(
        [*ANNOTATOR, "--db", backend_url, "undo", "--annotator", "alice"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "undid" in done.stdout and "Mayor Elena Varga" in done.stdout
    assert stored_spans(store, doc) == []
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)  # the app's step was undone elsewhere: refused, said
    assert "already undone" in window.statusBar().currentMessage()
    assert stored_spans(store, doc) == []


def test_ctrl_z_refuses_to_overwrite_a_change_made_since(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window, doc = _labelled(qtbot, open_window, store)
    view = window.pane.view
    [span] = stored_spans(store, doc)
    claim = label_id(store, project.id, "CLAIM")
    with store.transaction() as tx:  # another process relabels it
        update_span(tx, span[2], label_id=claim)
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    assert "was changed since" in window.statusBar().currentMessage()
    [kept] = stored_spans(store, doc)
    assert kept[2] == span[2] and kept[3] == claim
