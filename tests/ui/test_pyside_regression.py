"""PySide6 6.12.0 on CPython 3.11 aborts ("deallocating None") after a few thousand calls of Qt
methods that return void. We pin PySide6 < 6.12; this test makes ~21,000 such calls so a binding
with the bug crashes the test run instead of a researcher's session."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from ui.qt import QLabel, QTextCursor, QTextDocument, QWidget

ROUNDS = 7_000  # three void calls each


def test_twenty_thousand_void_calls_leave_the_process_alive_and_correct(qtbot: QtBot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    label = QLabel(widget)
    text = "word " * 400
    doc = QTextDocument()
    doc.setPlainText(text)
    cursor = QTextCursor(doc)
    expected = 0
    for i in range(ROUNDS):
        label.setText(str(i))  # void
        widget.setToolTip(f"tip {i}")  # void
        cursor.clearSelection()  # void
        widget.setProperty("round", i)
        cursor.movePosition(QTextCursor.MoveOperation.NextCharacter)
        expected += 1
        if cursor.atEnd():
            cursor.movePosition(QTextCursor.MoveOperation.Start)
            expected = 0
    assert label.text() == str(ROUNDS - 1)
    assert widget.toolTip() == f"tip {ROUNDS - 1}"
    assert widget.property("round") == ROUNDS - 1
    assert cursor.position() == expected == ROUNDS % len(text)
