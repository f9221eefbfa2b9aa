"""The article's hot paths on long documents (issue 19), with real key events: an edit reads the
parts of its own spans only, and while Qt still lays a long text out the view highlights what is
on screen, never the blocks between the top and wherever that layout has got to."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pytestqt.qtbot import QtBot

from annotator.model import Project
from annotator.store import Store
from tests.ui.conftest import add_docs
from tests.ui.helpers import select_with_keys
from ui.article.view import FIRST_SCREEN_CHARS
from ui.main_window import MainWindow
from ui.qt import Qt

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
    assert added is not None and calls == [[added]]  # not every multi-part span of the document
    qtbot.keyClick(view, Qt.Key.Key_C)  # relabel: that span again
    assert calls == [[added], [added]]
    qtbot.keyClick(view, Qt.Key.Key_Delete)  # nothing to read
    assert calls == [[added], [added]]
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
