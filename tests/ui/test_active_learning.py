"""Go ▸ Next document: most uncertain first — Ctrl+PgDn opens the document whose pending
suggestions the model is least sure of, skipping done ones; unticked, the list order again."""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.qtbot import QtBot

from annotator.model import Project
from annotator.ops.documents import set_status
from annotator.store import Store
from annotator.suggest import engines
from annotator.suggest.rules import SpanSuggestion, Suggestions
from ui.main_window import MainWindow
from ui.qt import QAction, Qt

Open = Callable[..., MainWindow]
SCORES = {
    "Sure text one.": 0.97,
    "Unsure text two.": 0.52,
    "Fairly sure three.": 0.8,
    "Unsure but done.": 0.5,
}


def _engine() -> engines.Engine:
    return engines.Engine(
        "model:toy@1", lambda text: Suggestions([SpanSuggestion(0, 4, "QUOTE", SCORES[text])])
    )


def test_next_document_follows_uncertainty(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window = open_window(*SCORES)
    rows = window.project.documents()
    by_text = {window.project.document(r.id).text: r.id for r in rows}
    engines.run(store, project.id, _engine(), list(by_text.values()))
    with store.transaction() as tx:
        set_status(tx, [by_text["Unsure but done."]], "done")
    window.open_document(by_text["Sure text one."])
    action = next(
        a for a in window.findChildren(QAction) if a.text().replace("&", "").startswith("Next document: most")
    )
    action.trigger()
    assert action.isChecked()

    def step() -> int:
        before = window.session.doc_id
        qtbot.keyClick(window.pane.view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: window.session.doc_id != before)
        return window.session.doc_id

    assert step() == by_text["Unsure text two."]  # 0.52 beats 0.8 and 0.97; the done one is skipped
    assert step() == by_text["Fairly sure three."]
    action.trigger()  # back to list order: the row after, done or not
    assert not action.isChecked()
    assert step() == by_text["Unsure but done."]
