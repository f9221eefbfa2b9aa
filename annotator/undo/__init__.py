"""Undo in the core: one log of typed steps for the app, a second app and the CLI (see ``log``)."""

from annotator.undo.log import Step, merge, redo, schema_step, summary, undo, undoable

__all__ = ["Step", "merge", "redo", "schema_step", "summary", "undo", "undoable"]
