"""Suggestions in the article and the Suggestions dock, driven with real key and mouse events."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from annotator.demo import create_demo
from annotator.model import Annotation, Annotator, DocStatus, Document, Project, Suggestion, SuggestionShown
from annotator.ops.annotations import create_span
from annotator.ops.documents import set_status
from annotator.ops.projects import ensure_annotator
from annotator.store import Store, open_store
from annotator.suggest import engines
from annotator.suggest.store import mark_shown
from tests.core.test_suggestions import QUOTE, TEXT, VARGA, fake_engine
from tests.ui.conftest import add_docs
from tests.ui.helpers import click, label_id, stored_relations, stored_spans
from ui import settings
from ui.main_window import MainWindow
from ui.project import open_project
from ui.qt import QImage, Qt

Open = Callable[..., MainWindow]


def _window(open_window: Open, store: Store, project: Project) -> tuple[MainWindow, int]:
    [doc] = add_docs(store, project.id, TEXT)
    engines.run(store, project.id, fake_engine(), [doc])
    window = open_window()
    window.open_document(doc)
    assert window.session.doc_id == doc
    return window, doc


def _tab_from_start(qtbot: QtBot, window: MainWindow, times: int) -> int | None:
    """Tab ``times`` from the text's start; the start of the suggestion then selected."""
    view, layer = window.pane.view, window.pane.controller.suggestions
    view.setFocus()
    view.place_caret(0)
    for _ in range(times):
        qtbot.keyClick(view, Qt.Key.Key_Tab)
    row = layer.row(layer.selected) if layer.selected is not None else None
    return None if row is None else row.start


def _spans(store: Store, doc: int) -> list[tuple[int, int]]:
    return sorted((s[0], s[1]) for s in stored_spans(store, doc))


def test_tab_selects_enter_accepts_and_ctrl_z_brings_the_suggestion_back(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window, doc = _window(open_window, store, project)
    view, layer = window.pane.view, window.pane.controller.suggestions
    assert [s[:2] for s in view.suggestions] == [VARGA, QUOTE]
    assert _tab_from_start(qtbot, window, 1) == VARGA[0]
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert _spans(store, doc) == [VARGA]
    assert [s[:2] for s in view.suggestions] == [QUOTE]  # the accepted one left the dashed layer
    assert layer.selected == layer.items[0].id  # and the next one is selected
    assert any(s[2] for s in stored_spans(store, doc))  # the article shows the new span too
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _spans(store, doc) == []
    assert [s[:2] for s in view.suggestions] == [VARGA, QUOTE]
    with store.session() as s:  # shown before the document was done: recorded for agreement
        assert s.scalar(select(SuggestionShown.document_id)) == doc


def test_x_rejects_and_the_suggestion_stays_away(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window, doc = _window(open_window, store, project)
    view, layer = window.pane.view, window.pane.controller.suggestions
    assert _tab_from_start(qtbot, window, 2) == QUOTE[0]
    qtbot.keyClick(view, Qt.Key.Key_X)
    assert _spans(store, doc) == []
    assert [s[:2] for s in view.suggestions] == [VARGA]
    engines.run(store, project.id, fake_engine(), [doc])  # the rules again: still not shown to alice
    layer.reload()
    assert [s[:2] for s in view.suggestions] == [VARGA]


def test_tab_walks_spans_and_suggestions_in_text_order_and_shift_tab_walks_back(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    [doc] = add_docs(store, project.id, TEXT)
    engines.run(store, project.id, fake_engine(), [doc])
    critics = TEXT.index("Critics")
    with store.transaction() as tx:
        alice = ensure_annotator(tx, project.id, "alice").id
        create_span(tx, doc, critics, critics + 7, label_id(store, project.id, "ACTOR"), alice)
    window = open_window()
    window.open_document(doc)
    view, layer, session = window.pane.view, window.pane.controller.suggestions, window.session
    assert _tab_from_start(qtbot, window, 2) == QUOTE[0]
    qtbot.keyClick(view, Qt.Key.Key_Tab)  # past the suggestions: the hand-made span
    assert layer.selected is None and session.span(session.selected)[:2] == (critics, critics + 7)  # type: ignore[index]
    qtbot.keyClick(view, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert session.selected is None and layer.row(layer.selected or 0) == layer.items[1]
    qtbot.keyClick(view, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert layer.row(layer.selected or 0) == layer.items[0]
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert layer.selected is None


def test_a_click_on_plain_text_drops_the_selected_suggestion_and_tab_walks_on_from_there(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window, _doc = _window(open_window, store, project)
    view, layer = window.pane.view, window.pane.controller.suggestions
    assert _tab_from_start(qtbot, window, 2) == QUOTE[0]
    click(qtbot, view, VARGA[1] + 2)  # "said", between the two suggestions
    assert layer.selected is None
    qtbot.keyClick(view, Qt.Key.Key_Tab)  # from the click, not from the quote selected before it
    row = layer.row(layer.selected) if layer.selected is not None else None
    assert row is not None and (row.start, row.end) == QUOTE


def test_the_key_accepts_everything_above_the_threshold(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window, doc = _window(open_window, store, project)
    settings.put(settings.SUGGEST_THRESHOLD, 0.65)
    view = window.pane.view
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Return, Qt.KeyboardModifier.AltModifier)
    # the actor (0.9) and the speaker link (0.7), which brings its quote (0.6) along
    assert _spans(store, doc) == [VARGA, QUOTE]
    assert len(stored_relations(store, doc)) == 1
    assert view.suggestions == []


def test_panel_filters_and_bulk_accepts_then_undo(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window, doc = _window(open_window, store, project)
    panel = window.suggestions
    assert panel.model.rowCount() == 3  # two spans and the relation
    panel.labels.setCurrentText("ACTOR")
    assert panel.model.rowCount() == 1
    panel.labels.setCurrentText("(all)")
    panel.least.setValue(0.95)
    assert panel.model.rowCount() == 0 and not panel.accept_button.isEnabled()
    panel.least.setValue(0.0)
    panel.sources.setCurrentText("rules@1")
    assert panel.model.rowCount() == 3
    qtbot.mouseClick(panel.accept_button, Qt.MouseButton.LeftButton)
    assert _spans(store, doc) == [VARGA, QUOTE]
    with store.session() as s:
        assert set(s.scalars(select(Annotation.origin))) == {"suggestion:rules@1"}
    assert panel.model.rowCount() == 0
    window.stack.undo()
    assert _spans(store, doc) == [] and panel.model.rowCount() == 3


def test_suggestions_are_dashed_outlines_without_fill(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window, _ = _window(open_window, store, project)
    view = window.pane.view
    rect = view.range_rects(*VARGA)[0].toRect()
    drawn: QImage = view.viewport().grab().toImage()
    kept, view.suggestions = view.suggestions, []
    plain: QImage = view.viewport().grab().toImage()
    view.suggestions = kept

    def differs(x: int, y: int) -> bool:
        return drawn.pixelColor(x, y).rgb() != plain.pixelColor(x, y).rgb()

    inside = [
        differs(x, y)
        for x in range(rect.left() + 3, rect.right() - 3)
        for y in range(rect.top() + 3, rect.bottom() - 3)
    ]
    assert not any(inside)  # no fill: the text and its background are as without the suggestion
    top = [
        any(differs(x, y) for y in range(rect.top() - 1, rect.top() + 2))
        for x in range(rect.left() + 3, rect.right() - 3)
    ]
    assert any(top) and not all(top)  # a dashed line: ink and gaps along the top edge


def test_clicking_a_suggestion_selects_it_and_hover_names_score_and_source(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window, _ = _window(open_window, store, project)
    controller = window.pane.controller
    click(qtbot, window.pane.view, 2)
    assert controller.suggestions.selected == controller.suggestions.items[0].id
    tip = controller.tooltip(2)
    assert "score 0.90" in tip and "rules@1" in tip
    assert "→ speaker (0.70): “Varga”" in controller.tooltip(QUOTE[0] + 3)  # the proposed link


@pytest.mark.parametrize("backend_url", ["sqlite"], indirect=True)
def test_agreement_panel_can_leave_out_documents_where_suggestions_were_shown(
    qtbot: QtBot, backend_url: str
) -> None:
    store = open_store(backend_url)
    create_demo(store)
    with store.transaction() as tx:
        first = tx.session.scalars(select(Document.id).order_by(Document.id)).first()
        assert first is not None
        set_status(tx, [first], DocStatus.IN_PROGRESS)  # shown before it was done
        alice = tx.session.scalars(select(Annotator.id).where(Annotator.name == "alice")).one()
        assert mark_shown(tx, [first], alice) == [first]
    store.close()
    window = MainWindow("riley", restore=False)
    qtbot.addWidget(window)
    window.set_project(open_project(backend_url, "Demo", "riley"))
    window.show()
    panel = window.review.show_agreement()
    assert panel is not None
    qtbot.waitUntil(lambda: panel.figures is not None, timeout=15000)
    every = panel.figures
    assert every is not None and every.documents == 3
    qtbot.mouseClick(panel.without_suggested, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.compute_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.figures is not every and panel.figures is not None, timeout=15000)
    assert panel.figures is not None and panel.figures.documents == 2
    panel.close()
    window.close()


def test_suggest_menu_runs_the_rules_here_and_on_all_documents_as_a_job(
    qtbot: QtBot, open_window: Open, store: Store, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.suggest import rules

    monkeypatch.setattr(rules, "suggest", lambda text, gazetteer=(), config=None: fake_engine().suggest(text))
    first, second = add_docs(store, project.id, TEXT, TEXT + " Again.")
    window = open_window()
    window.open_document(first)
    view = window.pane.view
    assert view.suggestions == []
    window.actions_by_name["suggest_rules"].trigger()
    assert [s[:2] for s in view.suggestions] == [VARGA, QUOTE]
    window.actions_by_name["suggest_rules_all"].trigger()

    def stored() -> bool:
        with store.session() as s:
            return s.scalar(select(Suggestion.id).where(Suggestion.document_id == second)) is not None

    qtbot.waitUntil(stored, timeout=15000)
    window.open_document(second)
    assert [s[:2] for s in view.suggestions] == [VARGA, QUOTE]
