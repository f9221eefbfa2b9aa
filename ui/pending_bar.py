"""The bar over the article (and the review view) that says what the database has not saved.

It sits directly above the text, where the user is looking when a label does not stick, not in the
status bar: "Not saved: the database is unreachable — 2 changes pending, retrying… (Ctrl+Shift+R
retry now)". It goes away by itself once the waiting changes are saved; changes the database
refused once it answered stay named in it until dismissed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from ui.actions import keymap
from ui.article.view import ArticleView
from ui.pending import PendingChanges
from ui.project import ProjectContext
from ui.qt import QFrame, QHBoxLayout, QLabel, QMainWindow, QPushButton, Qt, QUndoStack, QVBoxLayout, QWidget

T = TypeVar("T")
WARNING = "background: #fff3cd; color: #5c4400; border-bottom: 1px solid #e0c36a;"
REFUSED = "background: #f8d7da; color: #6b1a21; border-bottom: 1px solid #e2a3aa;"


def banner_text(pending: PendingChanges, retry_key: str) -> str:
    """What the bar says (empty: nothing to say, the bar hides)."""
    n = len(pending.items)
    retry = f"retrying… ({retry_key} retry now)" if retry_key else "retrying…"
    if n:
        changes = f"{n} change{'s' if n != 1 else ''} pending"
        return f"Not saved: the database is unreachable — {changes}, {retry}"
    if pending.refused:
        lines = "; ".join(pending.refused)
        return f"Saved what waited, except what the database now refuses — {lines}"
    if pending.down is not None:
        note = f" {pending.note}" if pending.note else ""
        return f"The database is unreachable ({pending.down}).{note} Changes you make wait here — {retry}"
    return ""


class PendingBar(QFrame):
    """Shows ``PendingChanges`` above the central widget; the button retries (or dismisses)."""

    def __init__(self, pending: PendingChanges, retry: Callable[[], object], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("pending_bar")
        self.pending = pending
        self._retry = retry
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.button = QPushButton("Retry now", self)
        self.button.clicked.connect(self._clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        pending.changed.connect(self.refresh)
        self.refresh()

    @property
    def text(self) -> str:
        return self.label.text()

    def refresh(self) -> None:
        keys = keymap().of("retry_saving")
        text = banner_text(self.pending, keys[0] if keys else "")
        if text == self.label.text() and self.isHidden() != bool(text):
            return  # nothing new: no restyle, no relayout of the window
        refused = bool(self.pending.refused) and not self.pending.items
        self.setStyleSheet(f"#pending_bar {{{REFUSED if refused else WARNING}}}")
        self.button.setText("Dismiss" if refused else "Retry now")
        self.label.setText(text)
        self.setVisible(bool(text))

    def _clicked(self) -> None:
        if self.pending.refused and not self.pending.items:
            self.pending.dismiss()
        else:
            self._retry()


class PendingWatch:
    """The window's waiting changes, their bar over the central widget, and the retry key."""

    def __init__(
        self,
        window: QMainWindow,
        stack: QUndoStack,
        view: ArticleView,
        report: Callable[[str], None],
        project: Callable[[], ProjectContext | None],
    ) -> None:
        self.window = window
        self.view = view
        self.changes = PendingChanges(stack, report, window)
        self.project = project  # the window's open project, whose database is polled
        self.changes.changed.connect(self._draw)
        view.session.reset.connect(self._shown)
        central = window.takeCentralWidget()
        holder = QWidget(window)
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.bar = PendingBar(self.changes, self.retry_now, holder)
        layout.addWidget(self.bar)
        if central is not None:
            layout.addWidget(central, 1)
        window.setCentralWidget(holder)

    def ask(self) -> None:
        """The window's poll of the database: it answers (others' changes come in), or it raises."""
        project = self.project()
        if project is not None:
            project.store.poll()

    def _draw(self) -> None:
        self.view.unsaved = self.changes.unsaved(self.view.session.doc_id)
        self.view.viewport().update()

    def _shown(self) -> None:
        """A document is on screen: also read the project's rules now (labelling while the
        database is away needs them), and draw what waits for it."""
        self.read(lambda: self.view.session.settings)
        self._draw()

    def forget(self) -> None:
        """The project closes: what still waits cannot be saved any more (``may_close`` asked)."""
        self.changes.items.clear()
        self.changes.down = None
        self.changes.changed.emit()

    def poll(self) -> bool:
        """The poll timer's turn (backing off while the database is down). True if it answered."""
        return self.changes.poll(self.ask)

    def retry_now(self) -> None:
        """The retry key: ask the database at once (no backoff) and save what waits."""
        self.changes.poll(self.ask, now=True)

    def could_not_open(self, exc: BaseException) -> bool:
        """A document switch the database did not answer: the bar says so (False: another error)."""
        return self.changes.unreachable(exc, "Could not open that document: you stay on this one.")

    def read(self, read: Callable[[], T]) -> T | None:
        """``read()``, or None when the database does not answer (the bar says so)."""
        try:
            return read()
        except Exception as exc:
            if not self.changes.unreachable(exc):
                raise
            return None

    def may_close(self, doing: str = "closing the window", go: str = "Close") -> bool:
        """Whether ``doing`` may go on: nothing waits, or the user chose to lose it."""
        return self.changes.may_close(self.window, self.retry_now, doing, go)
