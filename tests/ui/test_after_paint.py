"""What an edit leaves to the frame after the article's (ui/article/after_paint.py): the span
list, the label counts and the actor picker follow it once the event loop runs, and show what
they showed before that work was deferred. Real key events; the pixels are the screen's."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

import pytest
from pytestqt.qtbot import QtBot

from annotator.model import Project
from annotator.project import ProjectContext
from annotator.project_actors import ActorReads
from annotator.store import Store
from tests.ui.helpers import label_id, select_with_keys, stored_spans
from ui.article.after_paint import AfterPaint
from ui.main_window import MainWindow
from ui.qt import QApplication, QImage, Qt, QWidget

Open = Callable[..., MainWindow]
TEXT = "Minister Ana Lopes spoke first. Later the harbour bridge plan was praised by everyone."
CTRL = Qt.KeyboardModifier.ControlModifier


def _on_screen(window: MainWindow, widget: QWidget) -> QImage:
    """The widget's pixels as last drawn (the screen's copy of the window, not a new paint)."""
    origin = widget.mapTo(window, widget.rect().topLeft())
    screen = window.screen()
    assert screen is not None
    shot = screen.grabWindow(window.winId(), origin.x(), origin.y(), widget.width(), widget.height())
    return shot.toImage().convertToFormat(QImage.Format.Format_RGB32)


def _settled(qtbot: QtBot, window: MainWindow) -> None:
    """Let the event loop run until the article's deferred work is done and drawn."""
    qtbot.waitUntil(lambda: not window.pane.view.after_paint.pending)
    QApplication.processEvents()


def _drawn_as_repainted(window: MainWindow, widget: QWidget) -> bool:
    shown = _on_screen(window, widget)
    widget.repaint()
    return shown == _on_screen(window, widget)


def _rows(window: MainWindow) -> list[str]:
    model = window.spans.model()
    return [str(model.index(row, 1).data()) for row in range(model.rowCount())]


def test_the_span_list_and_the_counts_follow_add_relabel_delete_and_undo(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window = open_window(TEXT)
    view, spans = window.pane.view, window.spans
    claim = window.palette_panel.buttons[label_id(store, project.id, "CLAIM")]
    quote = window.palette_panel.buttons[label_id(store, project.id, "QUOTE")]
    _settled(qtbot, window)
    empty_list = _on_screen(window, spans.viewport())
    select_with_keys(qtbot, view, TEXT.index("harbour bridge"), len("harbour bridge"))
    qtbot.keyClick(view, Qt.Key.Key_C)  # add a CLAIM
    assert _rows(window) == ["harbour bridge"] and claim.count == 1  # the data: at once
    _settled(qtbot, window)
    assert _on_screen(window, spans.viewport()) != empty_list  # the list drew its new row
    assert _drawn_as_repainted(window, spans.viewport())
    assert _drawn_as_repainted(window, claim)
    qtbot.keyClick(view, Qt.Key.Key_Q)  # relabel it
    assert (claim.count, quote.count) == (0, 1)
    _settled(qtbot, window)
    assert _drawn_as_repainted(window, spans.viewport())
    assert _drawn_as_repainted(window, claim) and _drawn_as_repainted(window, quote)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert _rows(window) == [] and quote.count == 0
    _settled(qtbot, window)
    assert _drawn_as_repainted(window, spans.viewport())  # the row is gone from the screen too
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)  # undo the delete: the QUOTE is back, listed and counted
    assert _rows(window) == ["harbour bridge"] and quote.count == 1
    _settled(qtbot, window)
    assert _drawn_as_repainted(window, spans.viewport()) and _drawn_as_repainted(window, quote)
    doc = window.session.doc_id
    assert doc is not None and len(stored_spans(store, doc)) == 1


def test_an_actor_span_made_by_a_key_reads_neither_its_parts_nor_its_link(
    qtbot: QtBot, open_window: Open, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The undo step's rows say the new span has no parts and names no actor (SpanDelta.stored)."""
    window = open_window(TEXT)
    parts: list[list[int] | None] = []
    links: list[set[int] | None] = []
    whole_parts, whole_links = ProjectContext.span_parts, ActorReads.span_actors

    def spy_parts(
        self: ProjectContext, doc_id: int, ids: Sequence[int] | None = None
    ) -> dict[int, list[tuple[int, int]]]:
        parts.append(None if ids is None else list(ids))
        return whole_parts(self, doc_id, ids)

    def spy_links(
        self: ActorReads, doc_id: int, ids: Collection[int] | None = None
    ) -> dict[int, tuple[int, str]]:
        links.append(None if ids is None else set(ids))
        return whole_links(self, doc_id, ids)

    monkeypatch.setattr(ProjectContext, "span_parts", spy_parts)
    monkeypatch.setattr(ActorReads, "span_actors", spy_links)
    view = window.pane.view
    select_with_keys(qtbot, view, TEXT.index("Ana Lopes"), len("Ana Lopes"))
    qtbot.keyClick(view, Qt.Key.Key_A)
    qtbot.keyClick(view, Qt.Key.Key_C)  # relabel: the span keeps its (no) parts
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)  # undo: the restored row is the step's too
    assert len(window.session.index) == 1
    assert parts == [] and links == []
    assert view.parts.by_span == {} and window.actors.tagging.names.linked == {}


def test_a_relabel_takes_its_span_from_the_step_and_an_undo_reads_it_back(
    qtbot: QtBot, open_window: Open, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A step just recorded read its rows after the change (no read after the commit); an undo's
    restore lets the database decide the version, so that one is read (ui.step_rows)."""
    window = open_window(TEXT)
    reads: list[list[int]] = []
    whole = ProjectContext.span_tuples

    def spy(self: ProjectContext, ids: Sequence[int]) -> list[tuple[int, int, int, int, int, int]]:
        reads.append(list(ids))
        return whole(self, ids)

    monkeypatch.setattr(ProjectContext, "span_tuples", spy)
    view, session = window.pane.view, window.session
    doc = session.doc_id
    assert doc is not None
    select_with_keys(qtbot, view, TEXT.index("harbour bridge"), len("harbour bridge"))
    qtbot.keyClick(view, Qt.Key.Key_C)
    qtbot.keyClick(view, Qt.Key.Key_Q)  # relabel: version 2
    assert reads == []
    assert list(session.index.spans.values()) == stored_spans(store, doc)
    assert stored_spans(store, doc)[0][5] == 2
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)  # back to CLAIM
    assert len(reads) == 1
    assert list(session.index.spans.values()) == stored_spans(store, doc)


def test_a_job_that_raises_leaves_the_later_jobs_their_turn(qtbot: QtBot) -> None:
    """The actor question queued after a panel's refresh is still asked when that refresh fails."""
    widget = QWidget()
    qtbot.addWidget(widget)
    queue = AfterPaint(widget)
    ran: list[str] = []

    def broken() -> None:
        ran.append("broken")
        raise RuntimeError("a panel could not refresh")

    queue.later("panel", broken)
    queue.later("question", lambda: ran.append("question"))
    with pytest.raises(RuntimeError, match="could not refresh"):
        queue.run()
    assert ran == ["broken", "question"] and not queue.pending
