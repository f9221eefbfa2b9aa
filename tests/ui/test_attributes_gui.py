"""Setting a span's attributes from the keyboard, with real key events; checked in the database."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from annotator.attributes import define_attribute, list_attributes
from annotator.model import Annotation, Project
from annotator.store import Store
from tests.ui.helpers import select_with_keys, stored_spans
from ui.attributes import AttributeEditor
from ui.main_window import MainWindow
from ui.qt import QApplication, Qt

Open = Callable[..., MainWindow]
PLAIN = "Mayor Elena Varga said the bridge is unsafe. Councillor Obi disagreed with her."


def _codebook(store: Store, project: Project) -> None:
    with store.transaction() as tx:
        define_attribute(tx, project.id, "QUOTE", "type", "choice", ["direct", "indirect", "mixed"])
        define_attribute(tx, project.id, "QUOTE", "verified", "bool")
        define_attribute(tx, project.id, "QUOTE", "note", "text")


def _values(store: Store, span_id: int) -> Any:
    with store.session() as s:
        return s.scalar(select(Annotation.attributes).where(Annotation.id == span_id))


def _quote(qtbot: QtBot, window: MainWindow) -> int:
    view = window.pane.view
    select_with_keys(qtbot, view, PLAIN.index("the bridge"), len("the bridge is unsafe"))
    qtbot.keyClick(view, Qt.Key.Key_Q)
    assert window.session.doc_id is not None
    return stored_spans(window.project.store, window.session.doc_id)[0][2]  # type: ignore[union-attr]


def _editor(qtbot: QtBot) -> AttributeEditor:
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), AttributeEditor))
    editor = QApplication.activeModalWidget()
    assert isinstance(editor, AttributeEditor)
    return editor


def test_keyboard_only_editor_sets_values_in_one_undo_step(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    _codebook(store, project)
    window = open_window(PLAIN)
    span = _quote(qtbot, window)
    qtbot.keyClick(window.pane.view, Qt.Key.Key_F2)
    editor = _editor(qtbot)
    qtbot.keyClick(editor, Qt.Key.Key_2)  # type = indirect
    qtbot.keyClick(editor, Qt.Key.Key_Down)
    qtbot.keyClick(editor, Qt.Key.Key_Y)  # verified = yes
    qtbot.keyClick(editor, Qt.Key.Key_Down)
    qtbot.keyClicks(editor.edit, "front page")  # note: typed into the line edit, which has focus
    qtbot.keyClick(editor.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not editor.isVisible())
    assert _values(store, span) == {"type": "indirect", "verified": True, "note": "front page"}
    # the span list shows them in its Attributes column
    spans = window.spans
    assert not spans.isColumnHidden(4)
    assert spans.model().index(0, 4).data() == "type=indirect; verified=yes; note=front page"
    # one step: Ctrl+Z takes all three back
    qtbot.keyClick(window.pane.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _values(store, span) is None
    assert spans.model().index(0, 4).data() == ""


def test_letters_choose_escape_changes_nothing_and_a_bad_number_is_said(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    _codebook(store, project)
    with store.transaction() as tx:
        define_attribute(tx, project.id, "QUOTE", "words", "number")
    window = open_window(PLAIN)
    span = _quote(qtbot, window)
    qtbot.keyClick(window.pane.view, Qt.Key.Key_F2)
    editor = _editor(qtbot)
    qtbot.keyClick(editor, Qt.Key.Key_M)  # first letter: mixed
    assert editor.values["type"] == "mixed"
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not editor.isVisible())
    assert _values(store, span) is None
    qtbot.keyClick(window.pane.view, Qt.Key.Key_F2)
    editor = _editor(qtbot)
    for _ in range(3):
        qtbot.keyClick(editor, Qt.Key.Key_Down)
    assert editor.current.name == "words"
    qtbot.keyClicks(editor.edit, "many")
    qtbot.keyClick(editor.edit, Qt.Key.Key_Return)
    assert editor.isVisible() and "is a number" in editor.hint.text()
    editor.edit.clear()
    qtbot.keyClicks(editor.edit, "12")
    qtbot.keyClick(editor.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not editor.isVisible())
    assert _values(store, span) == {"words": 12}


def test_a_label_without_attributes_says_so(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window = open_window(PLAIN)
    _quote(qtbot, window)
    qtbot.keyClick(window.pane.view, Qt.Key.Key_F2)
    assert QApplication.activeModalWidget() is None
    assert "QUOTE has no attributes" in window.statusBar().currentMessage()
    with store.session() as s:
        assert list_attributes(s, project.id) == []


def test_review_lists_attribute_differs_and_a_number_key_takes_that_annotators_values(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    from annotator.attributes_values import set_value
    from annotator.model import Role
    from annotator.ops.importer import import_records
    from annotator.ops.projects import ensure_annotator
    from annotator.records import DocRecord, SpanRecord

    start = PLAIN.index("the bridge")
    end = start + len("the bridge is unsafe")
    record = DocRecord(PLAIN, spans=[SpanRecord(start, end, "QUOTE", who) for who in ("alice", "bob")])
    with store.transaction() as tx:
        ensure_annotator(tx, project.id, "riley", Role.REVIEWER)
        define_attribute(tx, project.id, "QUOTE", "type", "choice", ["direct", "indirect"])
        doc = import_records(tx, project.id, [record], keep_annotators=True).document_ids[0]
        ids = list(tx.session.scalars(select(Annotation.id).order_by(Annotation.annotator_id)))
        set_value(tx, "span", ids[0], "type", "direct")
        set_value(tx, "span", ids[1], "type", "indirect")
    window = open_window(annotator="riley")
    window.open_document(doc)
    qtbot.keyClick(window.pane.view, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    view = window.review.view
    qtbot.waitUntil(lambda: view.isVisible() and view.doc is not None)
    assert [u.kind.value for u in view.list.model().units] == ["attribute differs"]
    qtbot.keyClick(view.list, "2")  # bob's reading, with bob's values
    with store.session() as s:
        gold = s.scalars(select(Annotation).where(Annotation.id.not_in(ids))).one()
        assert (gold.attributes, gold.sources) == ({"type": "indirect"}, ["bob"])


def test_agreement_panel_shows_a_table_per_attribute(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    from annotator.attributes_values import set_value
    from annotator.model import Role
    from annotator.ops.annotations import create_span
    from annotator.ops.projects import ensure_annotator
    from tests.ui.conftest import add_docs
    from tests.ui.helpers import label_id

    [doc] = add_docs(store, project.id, PLAIN)
    quote = label_id(store, project.id, "QUOTE")
    with store.transaction() as tx:
        ensure_annotator(tx, project.id, "riley", Role.REVIEWER)
        define_attribute(tx, project.id, "QUOTE", "type", "choice", ["direct", "indirect"])
        people = {n: ensure_annotator(tx, project.id, n).id for n in ("alice", "bob")}
        for i, (a, b) in enumerate([("direct", "direct"), ("indirect", "indirect"), ("direct", "indirect")]):
            for who, value in (("alice", a), ("bob", b)):
                span = create_span(tx, doc, i * 10, i * 10 + 5, quote, people[who])
                set_value(tx, "span", span.id, "type", value)
    window = open_window(annotator="riley")
    panel = window.review.show_agreement()
    assert panel is not None
    qtbot.waitUntil(lambda: panel.figures is not None, timeout=15000)
    table = panel.attributes
    assert table.isVisible() and table.rowCount() == 1
    cells = [table.item(0, c).text() for c in range(4)]
    assert cells[0] == "QUOTE.type" and cells[3] == "3"
    assert cells[1] == f"{panel.figures.by_attribute['QUOTE.type']['kappa']:.2f}" and cells[1] != "n/a"
    panel.close()


def test_document_attributes_from_the_keyboard_shown_in_the_header(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    from annotator.attributes_documents import document_values

    with store.transaction() as tx:
        define_attribute(tx, project.id, "", "genre", "choice", ["news", "opinion"], scope="document")
    window = open_window(PLAIN)
    doc = window.session.doc_id
    line = window.pane.document_values
    assert line.isVisible() and line.plain == "genre=—"  # not set yet, and where to set it
    qtbot.keyClick(window.pane.view, Qt.Key.Key_F2, Qt.KeyboardModifier.ShiftModifier)
    editor = _editor(qtbot)
    qtbot.keyClick(editor, Qt.Key.Key_2)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not editor.isVisible())
    alice = window.project.annotator_id  # type: ignore[union-attr]
    with store.session() as s:
        assert document_values(s, [doc]) == {(doc, alice): {"genre": "opinion"}}
    assert line.isVisible() and line.plain == "genre=opinion"
    qtbot.keyClick(window.pane.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    with store.session() as s:
        assert document_values(s, [doc]) == {}
    assert line.plain == "genre=—"
