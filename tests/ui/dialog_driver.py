"""The app as a separate process for tests/ui/test_file_dialog_locks.py (killed with -9 at the end).

``python -m tests.ui.dialog_driver URL SIGNALS``, run with the project's folder as working
directory (as a user starts the app from there): opens the project in a real main window, opens
every file dialog of the app through its real actions, lets each list the working directory
(every file's type and icon known) and cancels it; writes ``SIGNALS/dialogs-done``; waits for
``SIGNALS/go``; double-clicks the first word of the article and presses A; writes
``SIGNALS/labelled`` with the number of spans the window shows; then idles until killed.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

from ui.app import ensure_app
from ui.export_form import ExportForm
from ui.main_window import MainWindow
from ui.project import open_project
from ui.qt import (
    QApplication,
    QDialog,
    QFileDialog,
    QFileSystemModel,
    QPoint,
    QPushButton,
    QSettings,
    QStandardPaths,
    Qt,
    QTextCursor,
    QTimer,
    QWidget,
)
from ui.transfer import ImportDialog

Step = tuple[Callable[[QWidget], bool], Callable[[QWidget], None]]
HERE = Path.cwd()


def listed(widget: QWidget) -> bool:
    """A file dialog showing the working directory, with the type of every entry known: by then
    Qt's file-information thread has asked the icon provider about each file."""
    if not isinstance(widget, QFileDialog):
        return False
    if Path(widget.directory().absolutePath()) != HERE:
        widget.setDirectory(str(HERE))
        return False
    model = widget.findChild(QFileSystemModel)
    assert model is not None
    widget.grab()  # paint it: the view asks for every visible row's icon and type
    names = [p.name for p in HERE.iterdir()]
    index = [model.index(str(HERE / n)) for n in names]
    return all(model.type(i) for i in index if i.isValid()) and any(i.isValid() for i in index)


def is_a(kind: type) -> Callable[[QWidget], bool]:
    return lambda widget: isinstance(widget, kind) and not isinstance(widget, QFileDialog)


def click(text: str) -> Callable[[QWidget], None]:
    def act(widget: QWidget) -> None:
        button = next(b for b in widget.findChildren(QPushButton) if b.text().replace("&", "") == text)
        QTimer.singleShot(0, button.click)  # its dialog runs after this step returns

    return act


def cancel(widget: QWidget) -> None:
    assert isinstance(widget, QDialog)
    QTimer.singleShot(0, widget.reject)


def folder_mode(widget: QWidget) -> None:
    form = widget.findChild(ExportForm)
    assert form is not None
    form.split.setChecked(True)  # a split export is written into a folder: the folder dialog
    click("Browse…")(widget)


class Driver:
    """Runs each step on the modal dialog it expects, as soon as that dialog is up."""

    def __init__(self, steps: list[Step], finished: Callable[[], None]) -> None:
        self.steps, self.finished = steps, finished
        self.last: QWidget | None = None
        self.timer = QTimer()
        self.timer.timeout.connect(self.tick)
        self.timer.start(20)

    def tick(self) -> None:
        if not self.steps:
            self.timer.stop()
            self.finished()
            return
        widget = QApplication.activeModalWidget()
        ready, act = self.steps[0]
        if widget is None or widget is self.last or not ready(widget):
            return
        self.steps.pop(0)
        self.last = widget
        act(widget)


def label_first_word(window: MainWindow, signals: Path) -> None:
    from PySide6.QtTest import QTest

    view = window.pane.view
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.to_qt(1))
    rect = view.cursorRect(cursor)
    QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.x(), rect.center().y()))
    QTest.keyClick(view, Qt.Key.Key_A)
    shown = len(window.session.index)
    _signal(signals / "labelled", str(shown))


def _signal(path: Path, content: str) -> None:
    """Write a signal file whole: the test waits for the name, so it must never see it empty."""
    part = path.with_name(path.name + ".part")
    part.write_text(content)
    os.replace(part, path)


def main(url: str, signals: Path) -> int:
    QStandardPaths.setTestModeEnabled(True)
    app = ensure_app()
    QSettings().setValue("annotator/name", "alice")
    window = MainWindow("alice", restore=False)
    window.resize(1200, 800)
    window.set_project(open_project(url, None, "alice"))
    window.show()
    window.activateWindow()
    acts = window.actions_by_name
    merge_source = window.review.merge
    triggers: list[tuple[Callable[[], object], list[Step]]] = [
        (acts["open"].trigger, [(listed, cancel)]),
        (acts["new"].trigger, [(is_a(QDialog), click("Browse…")), (listed, cancel), (is_a(QDialog), cancel)]),
        (
            acts["import"].trigger,
            [
                (is_a(ImportDialog), click("Add files…")),
                (listed, cancel),
                (is_a(ImportDialog), click("Add folder…")),
                (listed, cancel),
                (is_a(ImportDialog), cancel),
            ],
        ),
        (
            acts["export"].trigger,
            [
                (is_a(QDialog), click("Browse…")),
                (listed, cancel),
                (is_a(QDialog), folder_mode),
                (listed, cancel),
                (is_a(QDialog), cancel),
            ],
        ),
        (merge_source, [(listed, cancel)]),
    ]

    def next_dialog() -> None:
        if not triggers:
            _signal(signals / "dialogs-done", "ok")
            wait_for_go()
            return
        trigger, steps = triggers.pop(0)
        drivers.append(Driver(steps, lambda: QTimer.singleShot(0, next_dialog)))
        QTimer.singleShot(0, trigger)

    def wait_for_go() -> None:
        if (signals / "go").exists():
            window.activateWindow()
            label_first_word(window, signals)
        else:
            QTimer.singleShot(20, wait_for_go)

    drivers: list[Driver] = []
    QTimer.singleShot(0, next_dialog)
    return app.exec()


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.exit(main(sys.argv[1], Path(sys.argv[2])))
