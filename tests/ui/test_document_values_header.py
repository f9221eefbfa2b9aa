"""Document labels are set in the article's header: its "set…" link opens the editor, the line
lists every document attribute (a dash for one not set), and a project without any shows none."""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.qtbot import QtBot

from annotator.attributes import define_attribute
from annotator.attributes_documents import document_values
from annotator.model import Project
from annotator.store import Store
from ui.attributes import AttributeEditor
from ui.main_window import MainWindow
from ui.qt import QApplication, QPoint, Qt

Open = Callable[..., MainWindow]
TEXT = "The council met on Monday and said little about the budget."


def test_the_header_link_sets_the_documents_values(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    with store.transaction() as tx:
        define_attribute(tx, project.id, "", "genre", "choice", ["news", "opinion"], scope="document")
        define_attribute(tx, project.id, "", "topic", "text", scope="document")
    window = open_window(TEXT)
    line = window.pane.document_values
    assert line.isVisible() and line.plain == "genre=—  ·  topic=—"
    assert 'href="#set"' in line.text()
    metrics = line.fontMetrics()
    x = metrics.horizontalAdvance(line.plain + "  ·  ") + metrics.horizontalAdvance("se") // 2
    qtbot.mouseClick(
        line, Qt.MouseButton.LeftButton, pos=QPoint(x + line.contentsMargins().left(), line.height() // 2)
    )
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), AttributeEditor))
    editor = QApplication.activeModalWidget()
    assert isinstance(editor, AttributeEditor)
    qtbot.keyClick(editor, Qt.Key.Key_1)  # genre: the first choice
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not editor.isVisible())
    doc, alice = window.session.doc_id, window.project.annotator_id
    with store.session() as s:
        assert document_values(s, [doc]) == {(doc, alice): {"genre": "news"}}
    assert line.plain == "genre=news  ·  topic=—"


def test_no_line_without_document_attributes(open_window: Open) -> None:
    window = open_window(TEXT)
    assert not window.pane.document_values.isVisible()
