"""The attributes tab of the schema editor, standalone, with real keys: add through its form,
refuse deleting an attribute in use (naming the count), reorder and delete; checked in the database."""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.qtbot import QtBot

from annotator.attributes import list_attributes
from annotator.attributes_values import set_value
from annotator.model import Project
from annotator.ops.annotations import create_span
from annotator.store import Store
from tests.ui.conftest import add_docs
from tests.ui.helpers import label_id
from ui.attributes_schema import AttributeForm, AttributesEditor
from ui.project import open_project
from ui.qt import QApplication, Qt, QTimer


def _defs(store: Store, project: Project) -> list[tuple[str, str, str, tuple[str, ...]]]:
    with store.session() as s:
        return [(a.owner, a.name, a.kind, a.choices) for a in list_attributes(s, project.id)]


def _editor(qtbot: QtBot, project: Project, backend_url: str) -> AttributesEditor:
    editor = AttributesEditor(open_project(backend_url, project.name, "alice"))
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    return editor


def _fill_form(qtbot: QtBot, owner: str, name: str, kind: str, values: str) -> Callable[[], None]:
    def fill() -> None:
        form = QApplication.activeModalWidget()
        assert isinstance(form, AttributeForm)
        form.owner.setCurrentIndex(form.owner.findText(owner))
        form.kind.setCurrentText(kind)
        qtbot.keyClicks(form.name, name)
        qtbot.keyClicks(form.values, values)
        qtbot.keyClick(form.description, Qt.Key.Key_Return)  # the OK button is the default

    return fill


def test_add_refuse_reorder_delete_with_keys(
    qtbot: QtBot, store: Store, project: Project, backend_url: str
) -> None:
    editor = _editor(qtbot, project, backend_url)
    for name, kind, values in (("type", "choice", "direct,indirect"), ("verified", "bool", "")):
        QTimer.singleShot(0, _fill_form(qtbot, "QUOTE", name, kind, values))
        qtbot.keyClick(editor.table, Qt.Key.Key_Insert)
    assert _defs(store, project) == [
        ("QUOTE", "type", "choice", ("direct", "indirect")),
        ("QUOTE", "verified", "bool", ()),
    ]
    assert editor.table.rowCount() == 2 and editor.table.item(0, 3).text() == "direct, indirect"
    # a value in use: Delete is refused, the count named, nothing changes
    [doc] = add_docs(store, project.id, "Mayor Ana Ruiz said the bridge opens in May.")
    with store.transaction() as tx:
        span = create_span(tx, doc, 0, 5, label_id(store, project.id, "QUOTE"), editor.project.annotator_id)
        set_value(tx, "span", span.id, "type", "direct")
    editor.table.selectRow(0)
    qtbot.keyClick(editor.table, Qt.Key.Key_Delete)
    assert "set on 1 span" in editor.status.text() and len(_defs(store, project)) == 2
    # Ctrl+Down moves "type" below "verified"
    qtbot.keyClick(editor.table, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert [d[1] for d in _defs(store, project)] == ["verified", "type"]
    assert editor.current is not None and editor.current.name == "type"
    editor.table.selectRow(0)
    qtbot.keyClick(editor.table, Qt.Key.Key_Delete)
    assert [d[1] for d in _defs(store, project)] == ["type"]


def test_a_bad_definition_is_refused_in_the_status_line(
    qtbot: QtBot, store: Store, project: Project, backend_url: str
) -> None:
    editor = _editor(qtbot, project, backend_url)
    QTimer.singleShot(0, _fill_form(qtbot, "QUOTE", "type", "choice", ""))
    qtbot.keyClick(editor.table, Qt.Key.Key_Insert)
    assert "needs its values" in editor.status.text()
    assert _defs(store, project) == []
