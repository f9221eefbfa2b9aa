"""Changes made while the database does not answer: kept in order, retried, never dropped silently.

When a label, undo, redo or review decision cannot reach the database (``annotator.reachability``),
its command waits here instead of raising: it stays on the undo stack (Ctrl+Z takes a waiting
change back without the database), and the bar over the article says "Not saved". The window's
poll timer retries with backoff, and the retry key at once; once the database answers, the waiting
steps run in the order they were made, each through the core's usual checks: a step a teammate's
change now refuses is named in the bar, never dropped without a word.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import Concatenate, ParamSpec, Protocol, TypeVar
from weakref import WeakKeyDictionary

from annotator.errors import AnnotatorError
from annotator.queries import SpanTuple
from annotator.reachability import is_unreachable, reason
from ui.qt import QMessageBox, QObject, QUndoStack, QWidget, Signal

log = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")
BACKOFF = (2.0, 4.0, 8.0, 15.0)  # seconds between automatic attempts while it does not answer


class Replayable(Protocol):
    """What of an undo command (``ui.commands.StepCommand``) a waiting step needs."""

    title: str
    doc_id: int
    step_id: int | None
    failed: bool

    def forward(self) -> None: ...

    def unsaved(self) -> list[SpanTuple]: ...

    def backward(self) -> None: ...


class PendingChanges(QObject):
    """The window's waiting steps, and whether the database answered last time it was asked."""

    changed = Signal()

    def __init__(self, stack: QUndoStack, report: Callable[[str], None], parent: QObject | None = None):
        super().__init__(parent)
        self.items: list[tuple[Replayable, bool]] = []  # (command, forward?) in the order made
        self.down: str | None = None  # why the database did not answer, while it does not
        self.note = ""  # what else could not be done meanwhile (a document that did not open)
        self.refused: list[str] = []  # waiting steps the database refused once it answered
        self.report = report
        self._attempts = 0
        self._next_try = 0.0
        _queues[stack] = self

    # --- holding ----------------------------------------------------------------------------------

    def hold(self, command: Replayable, forward: bool, exc: BaseException | None = None) -> None:
        """Keep a step that could not be saved; it runs when the database answers."""
        self.items.append((command, forward))
        if exc is not None:
            self.unreachable(exc)
        self.changed.emit()

    def take_back(self, command: Replayable, forward: bool) -> bool:
        """Undo (or redo) of a step still waiting for the opposite move: both go, nothing to save."""
        if not self.items or self.items[-1] != (command, not forward):
            return False
        self.items.pop()
        self.changed.emit()
        return True

    def unreachable(self, exc: BaseException, note: str = "") -> bool:
        """Note that the database did not answer (True), or False when ``exc`` is something else."""
        if not is_unreachable(exc):
            return False
        self.down = reason(exc)
        if note:
            self.note = note
        self._next_try = time.monotonic() + BACKOFF[min(self._attempts, len(BACKOFF) - 1)]
        self._attempts += 1
        self.changed.emit()
        return True

    # --- retrying ---------------------------------------------------------------------------------

    def due(self) -> bool:
        """Whether the poll timer should ask the database now (backing off while it is down)."""
        return self.down is None or time.monotonic() >= self._next_try

    def poll(self, ask: Callable[[], object], *, now: bool = False) -> bool:
        """Ask the database (the window's poll) when due; then save what waits. True if it answered."""
        if not now and not self.due():
            return False
        try:
            ask()
        except Exception as exc:  # a dropped connection must not take the window down
            if not self.unreachable(exc):
                self.report(f"Could not check for others' changes: {exc}")
            elif now:
                self.report(f"The database still does not answer: {self.down}")
            return False
        self.answered()
        return self.down is None

    def answered(self) -> None:
        """The database answers: run the waiting steps in order, then clear the bar."""
        was_down = self.down is not None or bool(self.items)
        if not was_down:
            return  # the usual poll: nothing waited, nothing to redraw
        refused = len(self.refused)
        while self.items:
            command, forward = self.items[0]
            try:
                command.forward() if forward else command.backward()
            except AnnotatorError as exc:  # e.g. a teammate changed or deleted that span meanwhile
                self._refuse(command, str(exc))
            except Exception as exc:
                if self.unreachable(exc):
                    return  # down again: the rest keeps waiting, in order
                log.exception("a waiting change failed")
                self._refuse(command, f"{type(exc).__name__}: {exc}")
            else:
                self.items.pop(0)
                if command.step_id is None:  # it changed nothing: nothing to undo either
                    command.failed = True
        self.down, self.note, self._attempts = None, "", 0
        refused = len(self.refused) - refused
        self.report(
            f"The database answers again: {refused} waiting change(s) refused, named above the article"
            if refused
            else "The database answers again: every change is saved"
        )
        self.changed.emit()

    def _refuse(self, command: Replayable, why: str) -> None:
        self.items.pop(0)
        command.failed = True  # its undo entry goes at the next Ctrl+Z / Ctrl+Shift+Z
        self.refused.append(f"{command.title}: {why}")

    def dismiss(self) -> None:
        """The user read which waiting changes were refused."""
        self.refused.clear()
        self.changed.emit()

    def unsaved(self, doc_id: int | None) -> list[SpanTuple]:
        """The labels on document ``doc_id`` that wait to be saved (drawn dashed in the article)."""
        return [s for c, forward in self.items if forward and c.doc_id == doc_id for s in c.unsaved()]

    # --- closing ----------------------------------------------------------------------------------

    def may_close(self, parent: QWidget, retry: Callable[[], object], doing: str, go: str) -> bool:
        """Ask before ``doing`` (closing the window or the project) loses changes never saved:
        retry, go on and lose them, or stay."""
        while self.items:
            n = len(self.items)
            box = QMessageBox(QMessageBox.Icon.Warning, "Changes not saved", "", parent=parent)
            box.setObjectName("pending_close")
            box.setText(
                f"{n} change{'s' if n != 1 else ''} could not be saved: the database does not answer "
                f"({self.down or 'unreachable'}).\n\nThey exist only in this window: {doing} loses them."
            )
            again = box.addButton("Try saving again", QMessageBox.ButtonRole.AcceptRole)
            lose = box.addButton(f"{go} and lose them", QMessageBox.ButtonRole.DestructiveRole)
            box.addButton(QMessageBox.StandardButton.Cancel)
            box.setDefaultButton(again)
            box.exec()
            if box.clickedButton() is lose:
                self.items.clear()
                self.changed.emit()
                return True
            if box.clickedButton() is not again:
                return False
            retry()
        return True


_queues: WeakKeyDictionary[QUndoStack, PendingChanges] = WeakKeyDictionary()


def pending_for(stack: QUndoStack) -> PendingChanges | None:
    """The waiting steps of the window whose undo stack this is (None: no window keeps them)."""
    return _queues.get(stack)


NOTHING_DONE = "That needed the database: nothing was changed."


def said(stack: QUndoStack, exc: BaseException) -> bool:
    """Whether ``exc`` is the database not answering, now said in the bar (else the caller raises)."""
    queue = pending_for(stack)
    return queue is not None and queue.unreachable(exc, NOTHING_DONE)


def guarded(stack: QUndoStack, handler: Callable[P, R], default: R) -> Callable[P, R]:
    """``handler`` (a key's or menu entry's), which says an unreachable database instead of raising
    out of a Qt override (a read before any change: nothing waits, the bar says so)."""

    @functools.wraps(handler)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return handler(*args, **kwargs)
        except Exception as exc:
            if not said(stack, exc):
                raise
            return default

    return run


class _HasStack(Protocol):
    stack: QUndoStack


S = TypeVar("S", bound=_HasStack)


def when_unreachable_say_so(method: Callable[Concatenate[S, P], bool]) -> Callable[Concatenate[S, P], bool]:
    """A key or click handler of an object with the window's ``stack``: an unreachable database
    is said in the bar and the event counts as handled (it must not raise out of Qt's override)."""

    @functools.wraps(method)
    def run(self: S, *args: P.args, **kwargs: P.kwargs) -> bool:
        try:
            return method(self, *args, **kwargs)
        except Exception as exc:
            if not said(self.stack, exc):
                raise
            return True

    return run
