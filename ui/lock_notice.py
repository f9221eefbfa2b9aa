"""Telling the user when the project database had to be reopened because SQLite's locks were lost.

``annotator.sqlite_guard`` reopens the database before writing when something dropped the
process's locks; it may run on a worker thread, so its message reaches the window through a queued
signal and is shown where the user looks, in the window that has that database open: the status
bar and a (non-blocking) message box.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from annotator import sqlite_guard
from ui.qt import QMainWindow, QMessageBox, QObject, Qt, Signal

TITLE = "Project database reopened"


class LockNotice(QObject):
    heard = Signal(str, str)

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.heard.connect(self._show, Qt.ConnectionType.QueuedConnection)

        def listener(path: Path, message: str) -> None:
            with contextlib.suppress(RuntimeError):  # the window is being deleted: nobody to tell
                self.heard.emit(str(path), message)

        sqlite_guard.listeners.append(listener)
        self.destroyed.connect(lambda *_: sqlite_guard.listeners.remove(listener))

    def _show(self, path: str, message: str) -> None:
        project = getattr(self.window, "project", None)
        guard = getattr(getattr(project, "store", None), "guard", None)
        if guard is None or str(guard.path) != path or not self.window.isVisible():
            return  # another window's (or a closed project's) database
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
