"""Long work (import, export) on a worker thread, with a progress dialog and a Cancel button.

The work function gets a ``Progress``; calling it reports units done, and it raises
``annotator.errors.Cancelled`` once the user pressed Cancel, which aborts the work and rolls its
transaction back. Results come back by signal to a QObject that lives on the GUI thread, so the
handlers run there and the window keeps repainting meanwhile.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from annotator.errors import AnnotatorError, Cancelled
from ui.qt import (
    QApplication,
    QCursor,
    QEventLoop,
    QMessageBox,
    QObject,
    QProgressDialog,
    QRunnable,
    Qt,
    QThreadPool,
    QTimer,
    QWidget,
    Signal,
)


class Progress:
    """Handed to the work function: ``progress(n)`` adds n units, ``progress.stage(text, total)``."""

    def __init__(self, job: Job) -> None:
        self._job = job
        self.done = 0

    def __call__(self, units: int = 1) -> None:
        if self._job.cancel_requested.is_set():
            raise Cancelled("cancelled by the user")
        self.done += units
        self._job.progressed.emit(self.done)

    def stage(self, text: str, total: int) -> None:
        if self._job.cancel_requested.is_set():
            raise Cancelled("cancelled by the user")
        self.done = 0
        self._job.staged.emit(text, total)


Work = Callable[[Progress], Any]


class Job(QObject):
    """One piece of background work and its outcome signals."""

    progressed = Signal(int)
    staged = Signal(str, int)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, work: Work, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.work = work
        self.cancel_requested = threading.Event()
        self.finished = threading.Event()

    def cancel(self) -> None:
        self.cancel_requested.set()

    def run(self) -> None:
        """Runs on the worker thread; ``finished`` is set last (the outcome's handlers may delete
        the job, so nothing touches it after that)."""
        try:
            result = self.work(Progress(self))
        except Cancelled:
            self.cancelled.emit()
        except AnnotatorError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # a bug must reach the user, not vanish with the thread
            traceback.print_exc()
            self.failed.emit(f"{type(exc).__name__}: {exc}")
        else:
            self.succeeded.emit(result)
        finally:
            self.finished.set()


class _Runner(QRunnable):
    def __init__(self, job: Job) -> None:
        super().__init__()
        self.job = job

    def run(self) -> None:
        self.job.run()


class JobDialog(QProgressDialog):
    """Shows a job's progress; its slots run on the GUI thread whatever thread emitted."""

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        job: Job,
        on_success: Callable[[Any], None],
        on_failure: Callable[[str], None],
    ) -> None:
        super().__init__(title, "Cancel", 0, 0, parent)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumDuration(400)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.job = job
        self._on_success = on_success
        self._on_failure = on_failure
        self.canceled.connect(job.cancel)
        job.progressed.connect(self._progress)
        job.staged.connect(self._stage)
        job.succeeded.connect(self._succeeded)
        job.failed.connect(self._failed)
        job.cancelled.connect(self._cancelled)

    def silence(self) -> None:
        """Drop the outcome handlers: the window is closing, nobody is left to tell."""
        self._on_success = lambda _result: None
        self._on_failure = lambda _message: None

    def _progress(self, done: int) -> None:
        if self.maximum():
            self.setValue(min(done, self.maximum()))

    def _stage(self, text: str, total: int) -> None:
        self.setLabelText(text)
        self.setRange(0, max(total, 0))
        self.setValue(0)

    def _end(self) -> None:
        """Leave the parent, then go: the callbacks (often the parent's own methods) may hold the
        last reference to a parent that Python owns, which is then destroyed with this dialog's
        wrapper; were this dialog still its child, the parent would delete it a second time."""
        self.setParent(None)
        self.deleteLater()

    def _succeeded(self, result: object) -> None:
        self.close()
        self._on_success(result)
        self._end()

    def _failed(self, message: str) -> None:
        self.close()
        self._on_failure(message)
        self._end()

    def _cancelled(self) -> None:
        self.close()
        self._on_failure("Cancelled: nothing was changed.")
        self._end()


def start(
    parent: QWidget | None,
    title: str,
    work: Work,
    on_success: Callable[[Any], None],
    on_failure: Callable[[str], None],
) -> JobDialog:
    """Run ``work`` on the thread pool behind a progress dialog; returns the dialog (and its job)."""
    job = Job(work)
    dialog = JobDialog(parent, title, job, on_success, on_failure)
    job.setParent(dialog)
    QThreadPool.globalInstance().start(_Runner(job))
    return dialog


def running(dialogs: list[JobDialog]) -> list[JobDialog]:
    """The jobs of ``dialogs`` still at work (finished ones' dialogs may already be deleted)."""
    alive = []
    for dialog in dialogs:
        try:
            if not dialog.job.finished.is_set():
                alive.append(dialog)
        except RuntimeError:  # the dialog was deleted: its job is over
            continue
    return alive


def stop_before_closing(parent: QWidget, dialogs: list[JobDialog]) -> bool:
    """Ask whether to cancel running imports/exports; on yes cancel them and wait until each has
    rolled back (or removed its partial output). False: the user keeps the window open.

    Waiting runs an event loop, so the window keeps repainting while a large import rolls back.
    """
    active = running(dialogs)
    if not active:
        return True
    titles = ", ".join(d.windowTitle().lower() for d in active)
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Work in progress")
    box.setText(f"Still {titles}. Cancel and close?")
    box.setInformativeText("Cancelling stores nothing of an unfinished import and leaves no partial export.")
    stop = box.addButton("&Cancel it and close", QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton("&Keep working", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.exec()
    if box.clickedButton() is not stop:
        return False
    loop = QEventLoop()
    for dialog in active:
        dialog.silence()
        dialog.job.cancel()
    # ``finished`` is a plain flag set from the worker thread: look at it often, and keep the
    # window painting meanwhile.
    check = QTimer()
    check.setInterval(20)
    check.timeout.connect(lambda: None if running(active) else loop.quit())
    check.start()
    QApplication.setOverrideCursor(QCursor(Qt.CursorShape.WaitCursor))
    try:
        if running(active):
            loop.exec()
    finally:
        check.stop()
        QApplication.restoreOverrideCursor()
    return True  # every job has let go of the database and its files: the store may close
