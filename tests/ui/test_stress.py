"""Twenty thousand spans created and undone through the GUI's undo path, then checked in the DB."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from annotator.model import Project
from annotator.queries import span_table
from annotator.store import Store
from ui.commands import CreateSpans, execute
from ui.main_window import MainWindow

SPANS = 20_000
WORD = "claim "


@pytest.mark.slow
@pytest.mark.parametrize("backend_url", ["sqlite"], indirect=True)  # the binding is under test, not the DB
def test_create_and_undo_twenty_thousand_spans(
    qtbot: QtBot, open_window: Callable[..., MainWindow], store: Store, project: Project
) -> None:
    window = open_window("\n".join(WORD * 20 for _ in range(SPANS // 20)))
    ctx = window.edit_context()
    assert ctx is not None and window.session.doc_id is not None
    doc = window.session.doc_id
    window.session.ensure_complete()
    label = window.project.labels[0].id  # type: ignore[union-attr]
    step = len(WORD)
    for i in range(SPANS):
        line, word = divmod(i, 20)
        start = line * (20 * step) + word * step
        assert execute(window.stack, CreateSpans(ctx, doc, [(start, start + 5)], label, "Label"))
        if i % 2000 == 0:
            qtbot.wait(1)  # let the window repaint, as it would between key presses
    with store.session() as session:
        assert len(span_table(session, doc)) == SPANS
    assert len(window.session.index) == SPANS
    assert window.spans.model().rowCount() == SPANS
    while window.stack.canUndo():
        window.stack.undo()
    with store.session() as session:
        assert span_table(session, doc) == []
    assert len(window.session.index) == 0
    window.stack.redo()
    with store.session() as session:
        assert len(span_table(session, doc)) == 1
