"""The article finds the blocks on screen from the layout's block rectangles (issue 19): the same
blocks a hit test finds, without one, without laying out far past the screen while Qt still lays
a long text out, and the screens ahead are highlighted after the frame, not inside it."""

from __future__ import annotations

import random
from collections.abc import Callable

from pytestqt.qtbot import QtBot

from annotator.model import Project
from annotator.records import SpanRecord
from annotator.store import Store
from tests.ui.conftest import add_docs
from ui.article.view import ArticleView
from ui.main_window import MainWindow
from ui.qt import QEvent, QObject, QPoint, QRectF, Qt

Open = Callable[..., MainWindow]

SENTENCE = "Taxes will go down, the mayor said, and 北京 prices will fall 😀 next year."


def _text() -> str:
    """Paragraphs of one to nine lines, blank lines between some: blocks of many heights."""
    rng = random.Random(5)
    paragraphs = []
    for i in range(1500):
        paragraphs.append(f"Paragraph {i:05d}. " + " ".join([SENTENCE] * rng.randint(1, 9)))
        if i % 7 == 0:
            paragraphs.append("")
    return "\n".join(paragraphs)


def _hit_tested(view: ArticleView, rect: QRectF) -> range:
    """What the view found before: the blocks under the rectangle's top and bottom, hit-tested
    inside the text column."""
    margin = int(view.document().documentMargin()) + 1
    x = margin - view.horizontalScrollBar().value()
    top = max(int(rect.top()), margin - view.verticalScrollBar().value())
    first = view.cursorForPosition(QPoint(x, top)).block().blockNumber()
    last = view.cursorForPosition(QPoint(x, max(top, int(rect.bottom())))).block().blockNumber()
    return range(max(first, 0), max(last, first) + 1)


def _opened(
    qtbot: QtBot, open_window: Open, store: Store, project: Project, spans: bool = False
) -> MainWindow:
    window = open_window()
    text = _text()
    records = []
    if spans:
        at = 0
        for line in text.split("\n"):
            if line:
                records.append(SpanRecord(at, at + len("Paragraph"), "QUOTE", "alice"))
            at += len(line) + 1
    (doc,) = add_docs(store, project.id, text, spans=records)
    window.open_document(doc)
    return window


def test_the_blocks_on_screen_are_those_a_hit_test_finds(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window = _opened(qtbot, open_window, store, project)
    view = window.pane.view
    view.document().documentLayout().documentSize()  # all laid out: every scroll position exists
    bar = view.verticalScrollBar()
    height, width = view.viewport().height(), view.viewport().width()
    rng = random.Random(7)
    values = [0, 1, bar.maximum(), bar.maximum() - 1, *(rng.randint(0, bar.maximum()) for _ in range(60))]
    for value in values:  # jumps both ways: the search starts from the last block it found
        bar.setValue(value)
        rects = [
            QRectF(view.viewport().rect()),
            QRectF(0, height, width, 2 * height),  # the screens ahead
            QRectF(0, -height, width, height),
            QRectF(0, 17.5, width, 3.25),  # a few rows (an overlay's clip)
            QRectF(0, -40, width, height + 80),
        ]
        for rect in rects:
            assert view.visible_blocks(rect) == _hit_tested(view, rect), (value, rect)
    assert view.visible_blocks() == _hit_tested(view, QRectF(view.viewport().rect()))


def test_finding_the_blocks_on_screen_hit_tests_nothing(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window = _opened(qtbot, open_window, store, project)
    view = window.pane.view
    probes: list[QPoint] = []
    real = view.cursorForPosition

    def spy(point: QPoint) -> object:
        probes.append(point)
        return real(point)

    view.cursorForPosition = spy  # type: ignore[method-assign]
    bar = view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 20 * view.viewport().height(), timeout=5000)
    for _ in range(5):
        qtbot.keyClick(view, Qt.Key.Key_PageDown)
        qtbot.wait(20)
    assert view.visible_blocks().start > 0
    assert probes == []  # a hit test shapes its line again (font fallback): none is needed


def test_while_qt_lays_the_text_out_the_search_lays_out_little_more(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window = _opened(qtbot, open_window, store, project)  # no event loop since: laid out lazily
    view = window.pane.view
    doc = view.document()
    height, width = view.viewport().height(), view.viewport().width()
    assert view.visible_blocks().start == 0
    ahead = view.visible_blocks(QRectF(0, height, width, 2 * height))
    assert ahead.start > 0
    assert view.visible_blocks().start == 0  # back from there

    def laid_out(n: int) -> bool:
        return doc.findBlockByNumber(n).layout().lineCount() > 0

    assert all(laid_out(n) for n in ahead)
    # Not the rest of the text: about as far again at most (the search gallops, 1, 2, 4 …).
    assert not laid_out(2 * ahead.stop + 2) and not laid_out(doc.blockCount() - 1)


def test_the_screens_ahead_are_highlighted_after_the_frame_not_inside_it(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window = _opened(qtbot, open_window, store, project, spans=True)
    window.session.ensure_complete()
    view = window.pane.view
    view.document().documentLayout().documentSize()
    view.setFocus()
    qtbot.wait(50)
    events: list[str] = []
    real = view.highlighter.ensure

    def ensure(first: int, last: int) -> None:
        events.append("ensure")
        real(first, last)

    view.highlighter.ensure = ensure  # type: ignore[method-assign]

    class AtPaint(QObject):
        def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                events.append("paint")
            return False

    spy = AtPaint()
    view.viewport().installEventFilter(spy)
    height, width = view.viewport().height(), view.viewport().width()
    for _ in range(3):
        events.clear()
        qtbot.keyClick(view, Qt.Key.Key_PageDown)
        qtbot.wait(50)
        # The scroll makes its screen ready, the frame paints it, then the screens ahead follow.
        assert events[:3] == ["ensure", "paint", "ensure"], events
        below = view.visible_blocks(QRectF(0, height, width, 2 * height))
        assert view.highlighter.is_ready(below)
    view.viewport().removeEventFilter(spy)
