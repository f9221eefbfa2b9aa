"""The article's hot paths on long documents (issue 19), with real key events: an edit reads the
parts of its own spans only, and while Qt still lays a long text out the view highlights what is
on screen, never the blocks between the top and wherever that layout has got to."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pytestqt.qtbot import QtBot

from annotator.model import Project
from annotator.records import SpanRecord
from annotator.store import Store
from tests.ui.conftest import add_docs
from tests.ui.helpers import select_with_keys
from ui.article.view import FIRST_SCREEN_CHARS, ArticleView
from ui.main_window import MainWindow
from ui.qt import QRectF, Qt

Open = Callable[..., MainWindow]

TEXT = "Taxes will go down, the mayor said, and prices will fall next year. Critics doubt it on Monday."


def test_an_edit_reads_the_parts_of_its_own_spans_only(qtbot: QtBot, open_window: Open) -> None:
    window = open_window(TEXT)
    view, session = window.pane.view, window.session
    project = window.project
    assert project is not None
    select_with_keys(qtbot, view, TEXT.index("Taxes"), len("Taxes will go down"))
    qtbot.keyClick(view, Qt.Key.Key_Q)
    quote = session.selected
    assert quote is not None
    select_with_keys(qtbot, view, TEXT.index("prices"), len("prices will fall"))
    session.select(quote)
    qtbot.keyClick(view, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)  # a second part
    parts = view.parts.by_span[quote]
    assert len(parts) == 2
    calls: list[Sequence[int] | None] = []
    real = project.span_parts

    def spy(doc_id: int, span_ids: Sequence[int] | None = None) -> dict[int, list[tuple[int, int]]]:
        calls.append(None if span_ids is None else list(span_ids))
        return real(doc_id, span_ids)

    project.span_parts = spy
    select_with_keys(qtbot, view, TEXT.index("Critics"), len("Critics"))
    qtbot.keyClick(view, Qt.Key.Key_A)
    added = session.selected
    # Not every multi-part span of the document, not even its own: the undo step's rows of the
    # span say it has no parts (SpanDelta.stored).
    assert added is not None and calls == []
    qtbot.keyClick(view, Qt.Key.Key_C)  # relabel: that span again
    assert calls == []
    qtbot.keyClick(view, Qt.Key.Key_Delete)  # nothing to read
    assert calls == []
    assert view.parts.by_span == {quote: parts}  # the quote keeps its parts (and its tint)
    session.select(quote)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert view.parts.by_span == {}


def test_a_long_text_still_being_laid_out_highlights_only_the_screen(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window = open_window()
    text = "\n".join(f"Paragraph {i:05d}: {TEXT}" for i in range(3000))
    (doc,) = add_docs(store, project.id, text)
    window.open_document(doc)
    view = window.pane.view
    assert view.visible_blocks().start == 0  # at the top, whatever Qt has laid out so far
    qtbot.waitUntil(lambda: window.session.complete, timeout=5000)
    qtbot.wait(100)  # the paints after the open, and Qt's layout steps
    last = view.document().blockCount() - 1
    ready = [n for n in range(last + 1) if view.highlighter.is_ready(range(n, n + 1))]
    first_screen = window.session.index.block_of(FIRST_SCREEN_CHARS)  # primed before the text went in
    assert max(ready) <= max(first_screen, view.visible_blocks().stop + 2)
    qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)  # the end is reachable
    qtbot.waitUntil(lambda: view.highlighter.is_ready(range(last, last + 1)), timeout=5000)
    assert view.visible_blocks().stop == last + 1


def _long_with_spans(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> tuple[MainWindow, int]:
    """A long article with a quote in every paragraph, opened and fully read."""
    window = open_window()
    lines = [f"Paragraph {i:05d}: {TEXT}" for i in range(3000)]
    text = "\n".join(lines)
    spans, at = [], 0
    for line in lines:
        start = at + line.index("Taxes")
        spans.append(SpanRecord(start, start + len("Taxes will go down"), "QUOTE", "alice"))
        at += len(line) + 1
    (doc,) = add_docs(store, project.id, text, spans=spans)
    window.open_document(doc)
    view = window.pane.view
    window.session.ensure_complete()
    view.document().documentLayout().documentSize()  # laid out: scroll positions are final
    qtbot.waitUntil(lambda: view.verticalScrollBar().maximum() > 100 * view.viewport().height())
    return window, doc


def test_page_down_finds_the_next_screen_highlighted_once_idle(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window, _doc = _long_with_spans(qtbot, open_window, store, project)
    view = window.pane.view
    view.setFocus()
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum() // 3)  # past the first screen's
    for _ in range(3):
        qtbot.wait(50)  # idle: the screens below are highlighted now
        height = view.viewport().height()
        below = view.visible_blocks(QRectF(0, height, view.viewport().width(), height))
        assert view.highlighter.is_ready(below)
        qtbot.keyClick(view, Qt.Key.Key_PageDown)
        shown = view.visible_blocks()
        assert view.highlighter.is_ready(shown)
        quote = window.session.index.block_spans(shown.start + 1)[0]
        assert _tinted(view, quote[0]) and not _tinted(view, quote[0] - 2)


def test_a_jump_highlights_the_screen_in_one_layout_pass(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window, _doc = _long_with_spans(qtbot, open_window, store, project)
    view = window.pane.view
    passes: list[object] = []
    view.document().documentLayout().update.connect(lambda *rect: passes.append(rect))
    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)  # as a drag of the scroll bar: no idle time before the paint
    shown = view.visible_blocks()
    assert view.highlighter.is_ready(shown)
    assert len(passes) == 1  # one re-layout for the whole screen, not one per paragraph
    for n in shown:
        quote = window.session.index.block_spans(n)[0]
        assert _tinted(view, quote[0]) and _tinted(view, quote[1] - 1) and not _tinted(view, quote[1])


def _tinted(view: ArticleView, cp: int) -> bool:
    qt_pos = view.to_qt(cp)
    block = view.document().findBlock(qt_pos)
    offset = qt_pos - block.position()
    return any(
        r.start <= offset < r.start + r.length and r.format.background().style() != Qt.BrushStyle.NoBrush
        for r in block.layout().formats()
    )
