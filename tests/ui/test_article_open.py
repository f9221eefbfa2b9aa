"""Opening a long article (issue 19: first paint ≤ 5× a bare setPlainText): the highlighter is
asked about the primed blocks only, the first screen looks as a full re-highlight paints it, and
the background read of all spans starts once the article's first frame is on screen."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

import ui.session
from annotator.model import Project
from annotator.records import SpanRecord
from annotator.store import Store
from tests.ui.conftest import add_docs
from ui.article.highlighter import SpanHighlighter
from ui.main_window import MainWindow
from ui.qt import QEvent, QImage, QObject, QRunnable, QThreadPool

Open = Callable[..., MainWindow]

LINE = "Taxes will go down, the mayor said, and 北京 prices will fall 😀 next year."


def _long(open_window: Open, store: Store, project: Project) -> tuple[MainWindow, int]:
    """A window, and 3,000 paragraphs with a quote and a nested claim in each (not opened yet)."""
    window = open_window()
    lines = [f"Paragraph {i:05d}: {LINE}" for i in range(3000)]
    spans, at = [], 0
    for line in lines:
        start = at + line.index("Taxes")
        spans.append(SpanRecord(start, start + len("Taxes will go down"), "QUOTE", "alice"))
        spans.append(SpanRecord(start + 6, start + 10, "CLAIM", "alice"))
        at += len(line) + 1
    (doc,) = add_docs(store, project.id, "\n".join(lines), spans=spans)
    return window, doc


def test_opening_asks_the_highlighter_about_the_primed_blocks_only(
    qtbot: QtBot, open_window: Open, store: Store, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, doc = _long(open_window, store, project)
    asked: list[int] = []
    real = SpanHighlighter.highlightBlock

    def highlight(self: SpanHighlighter, text: str) -> None:
        asked.append(self.currentBlock().blockNumber())
        real(self, text)

    monkeypatch.setattr(SpanHighlighter, "highlightBlock", highlight)
    window.open_document(doc)
    view = window.pane.view
    primed = [n for n in range(view.document().blockCount()) if view.highlighter.is_ready(range(n, n + 1))]
    assert 0 < len(primed) < 100
    # Not once per block of the text when the document got its layout (3,000 Python calls).
    assert sorted(asked) == primed


def _grab(window: MainWindow) -> QImage:
    view = window.pane.view
    view.viewport().repaint()
    return view.viewport().grab().toImage()


def test_the_first_screen_is_painted_as_a_full_re_highlight_paints_it(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window, doc = _long(open_window, store, project)
    window.open_document(doc)
    view = window.pane.view
    view.setCursorWidth(0)  # no caret blinking between the two pictures
    first = _grab(window)
    view.highlighter.refresh_all()  # every block through Qt's own path: all formats cleared and redone
    view.ensure_visible_ready()
    again = _grab(window)
    assert first == again
    blank = QImage(first)
    blank.fill(0)
    assert first != blank


def test_the_background_read_starts_after_the_first_frame(
    qtbot: QtBot, open_window: Open, store: Store, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, doc = _long(open_window, store, project)
    events: list[str] = []
    pool = QThreadPool.globalInstance()

    class Pool:
        @staticmethod
        def globalInstance() -> Pool:
            return Pool()

        def start(self, job: QRunnable) -> None:
            events.append("read")
            pool.start(job)

    class AtPaint(QObject):
        def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                events.append("paint")
            return False

    monkeypatch.setattr(ui.session, "QThreadPool", Pool)
    spy = AtPaint()
    window.pane.view.viewport().installEventFilter(spy)
    window.open_document(doc)
    assert "read" not in events  # its Python would hold the GIL while the article paints
    qtbot.waitUntil(lambda: window.session.complete, timeout=10_000)
    window.pane.view.viewport().removeEventFilter(spy)
    assert events[0] == "paint" and "read" in events
    assert len(window.session.index) == 6000
