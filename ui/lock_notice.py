"""Telling the user when the project database had to be reopened because SQLite's locks were lost.

``annotator.sqlite_guard`` reopens the database before writing when something dropped the
process's locks; it may run on a worker thread, so its message reaches the window through a queued
signal and is shown where the user looks: the status bar and a (non-blocking) message box.
"""

from __future__ import annotations

from annotator import sqlite_guard
from ui.qt import QMainWindow, QMessageBox, QObject, Qt, Signal

TITLE = "Project database reopened"


class LockNotice(QObject):
    heard = Signal(str)

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.heard.connect(self._show, Qt.ConnectionType.QueuedConnection)
        listener = self.heard.emit
        sqlite_guard.listeners.append(listener)
        self.destroyed.connect(lambda *_: sqlite_guard.listeners.remove(listener))

    def _show(self, message: str) -> None:
        self.window.statusBar().showMessage(message, 30000)
        box = QMessageBox(
            QMessageBox.Icon.Warning, TITLE, message, QMessageBox.StandardButton.Ok, self.window
        )
        box.setObjectName("lock_notice")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()


def watch_database_locks(window: QMainWindow) -> LockNotice:
    """Show the guard's messages in ``window`` for as long as it exists."""
    return LockNotice(window)
