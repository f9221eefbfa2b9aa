"""Guidelines where the work is: hover over a label (palette, article) shows its description,
the Guidelines panel follows the selected span and saves edits, F1 opens the project's
guidelines with the key list as a second tab."""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from annotator.model import Label, Project
from annotator.ops.labels import describe
from annotator.settings_project import get_guidelines, set_guidelines
from annotator.store import Store
from tests.ui.helpers import click, label_id, point_of, select_with_keys
from ui.guidelines_window import GuidelinesWindow
from ui.help import key_rows
from ui.main_window import MainWindow
from ui.qt import QApplication, QEvent, QHelpEvent, QPoint, Qt, QToolTip, QWidget

Open = Callable[..., MainWindow]
TEXT = 'Obi said: "No money for the bridge."'
QUOTE_RULE = "Words a person **said**, with the marks.\n\nExample: *“We will win”*.\n\nMore detail here."


def _describe(store: Store, project: Project) -> None:
    with store.transaction() as tx:
        describe(tx, project.id, "QUOTE", QUOTE_RULE)
        describe(tx, project.id, "ACTOR", "Who speaks: a *person* or an organisation.")


def _hover(qtbot: QtBot, widget: QWidget, pos: QPoint) -> str:
    """Send the tooltip request a resting mouse sends; the tooltip's text once shown."""
    QToolTip.hideText()
    event = QHelpEvent(QEvent.Type.ToolTip, pos, widget.mapToGlobal(pos))
    QApplication.sendEvent(widget, event)
    qtbot.waitUntil(QToolTip.isVisible)
    return QToolTip.text()


def test_hover_over_a_palette_label_shows_its_description_rendered(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    _describe(store, project)
    window = open_window(TEXT)
    button = window.palette_panel.buttons[label_id(store, project.id, "QUOTE")]
    text = _hover(qtbot, button, button.rect().center())
    assert "QUOTE" in text and "Words a person" in text
    assert "**" not in text and "font-weight" in text  # markdown rendered, not shown raw
    assert "More detail here" not in text and "Guidelines panel" in text  # the gist only


def test_hover_over_a_span_in_the_article_shows_its_labels_guideline(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    _describe(store, project)
    window = open_window(TEXT)
    view = window.pane.view
    select_with_keys(qtbot, view, 0, 3)
    qtbot.keyClick(view, Qt.Key.Key_A)
    text = _hover(qtbot, view.viewport(), point_of(view, 1))
    assert "ACTOR" in text and "Who speaks" in text and "organisation" in text
    table = window.spans  # and over its row in the span list
    listed = _hover(qtbot, table.viewport(), table.visualRect(table.model().index(0, 0)).center())
    assert listed.startswith("<b>ACTOR</b>") and "Who speaks" in listed  # rich text, so rendered


def test_the_panel_follows_the_selected_span_and_saves_an_edit(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    _describe(store, project)
    window = open_window(TEXT)
    view, panel = window.pane.view, window.guidelines
    select_with_keys(qtbot, view, 0, 3)
    qtbot.keyClick(view, Qt.Key.Key_A)
    select_with_keys(qtbot, view, TEXT.index('"'), len('"No money for the bridge."'))
    qtbot.keyClick(view, Qt.Key.Key_Q)
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    click(qtbot, view, TEXT.index("money"))
    assert panel.chooser.currentText() == "QUOTE"
    guide = next(d for d in window.docks if d.widget() is panel)
    guide.show()
    guide.raise_()
    qtbot.waitUntil(panel.edit_button.isVisible)
    assert "More detail here" in panel.text.toPlainText() and "**" not in panel.text.toPlainText()
    with qtbot.waitSignal(guide.visibilityChanged):
        window.docks[1].raise_()  # Labels, the tab over it: the chooser follows, the page waits

    click(qtbot, view, 1)
    assert panel.chooser.currentText() == "ACTOR"
    assert "Who speaks" not in panel.text.toPlainText()  # not rendered while out of sight
    guide.raise_()
    qtbot.waitUntil(panel.edit_button.isVisible)
    assert "Who speaks" in panel.text.toPlainText()
    qtbot.mouseClick(panel.edit_button, Qt.MouseButton.LeftButton)
    panel.editor.selectAll()
    qtbot.keyClicks(panel.editor, "Named people only")
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    with store.session() as s:
        assert s.scalar(select(Label.description).where(Label.name == "ACTOR")) == "Named people only"
    assert panel.text.toPlainText().strip() == "Named people only"
    assert panel.chooser.currentText() == "ACTOR"


def test_f1_opens_the_project_guidelines_then_the_keys(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    with store.transaction() as tx:
        set_guidelines(tx, project.id, "# Coding rules\n\nMark *whole* sentences.\n")
    _describe(store, project)
    window = open_window(TEXT)
    qtbot.keyClick(window.pane.view, Qt.Key.Key_F1)
    guide = window.findChild(GuidelinesWindow, "guidelines_window")
    assert guide is not None
    qtbot.waitUntil(guide.isVisible)
    assert guide.tabs.currentIndex() == 0 and guide.tabs.tabText(0) == "&Guidelines"
    shown = guide.text.toPlainText()
    assert "Coding rules" in shown and "Mark whole sentences" in shown
    assert "Words a person said" in shown  # each label's description follows
    assert guide.keys.rowCount() == len(key_rows(window.project))  # nothing of the key list lost
    qtbot.mouseClick(guide.edit_button, Qt.MouseButton.LeftButton)
    guide.editor.selectAll()
    qtbot.keyClicks(guide.editor, "Only whole quotes.")
    qtbot.mouseClick(guide.save_button, Qt.MouseButton.LeftButton)
    with store.session() as s:
        assert get_guidelines(s, project.id) == "Only whole quotes."
    assert "Only whole quotes." in guide.text.toPlainText()
    guide.close()
    with store.transaction() as tx:  # a teammate (or the CLI) changes them meanwhile
        set_guidelines(tx, project.id, "Quotes include their marks.")
    qtbot.keyClick(window.pane.view, Qt.Key.Key_F1)
    qtbot.waitUntil(guide.isVisible)
    assert "Quotes include their marks." in guide.text.toPlainText()
