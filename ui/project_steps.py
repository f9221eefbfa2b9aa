"""Edits of the project as a whole as steps of the main window's undo stack.

Project settings, the guidelines document and the labels' descriptions are written inside the
core log's ``schema_step`` (``SchemaCommand``), so Ctrl+Z in the window takes them back and
``annotator undo`` sees the same step. A merge or a suggestion run, which a background job already
recorded as a step of the core log, is pushed as done (``push_done``): Ctrl+Z undoes it there too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from annotator.store import Tx
from ui.commands import execute
from ui.project import ProjectContext
from ui.qt import QUndoStack, QWidget
from ui.schema_editor_commands import SchemaCommand, SchemaContext


def stack_of(widget: QWidget | None) -> QUndoStack | None:
    """The undo stack of the window ``widget`` is in (a dialog: of its parent window)."""
    while widget is not None:
        stack = getattr(widget, "stack", None)
        if isinstance(stack, QUndoStack):
            return stack
        widget = widget.parentWidget()
    return None


def run_project_step(
    widget: QWidget, project: ProjectContext, title: str, edit: Callable[[Tx], Any]
) -> str | None:
    """Run ``edit`` as one undoable step on the window's stack; the error message when refused."""
    said: list[str] = []
    command = SchemaCommand(SchemaContext(project, said.append), title, edit)
    stack = stack_of(widget)
    if stack is None:  # no window around it (a test's bare widget): still one step of the log
        stack = QUndoStack(widget)
    execute(stack, command)
    return said[-1] if said else None


def push_done(
    widget: QWidget, project: ProjectContext, title: str, step_id: int, report: Callable[[str], None]
) -> None:
    """Put a step the core already recorded (a merge, a suggestion run) on the window's stack."""
    stack = stack_of(widget)
    if stack is None:
        return
    command = SchemaCommand(SchemaContext(project, report), title, lambda _tx: None)
    command.step_id = step_id
    stack.push(command)  # its first redo is skipped: the step is done already
