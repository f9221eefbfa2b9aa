"""Errors the core raises; each names what the user can act on."""

from __future__ import annotations


class AnnotatorError(Exception):
    """Base of every error the core raises on purpose (the CLI prints these without a traceback)."""


class ValidationError(AnnotatorError):
    """A change was refused because it would break an invariant (bad offsets, duplicate, wrong type)."""


class ConflictError(ValidationError):
    """Somebody else changed the same row meanwhile; the later change is refused, not merged."""


class NotPermitted(AnnotatorError):
    """The database refused the login a table (PostgreSQL: no grant on it); names what to ask for."""


class NotFoundError(AnnotatorError):
    """A project, document, label, annotation or annotator that was asked for does not exist."""


class InputError(AnnotatorError):
    """A file could not be read or parsed; names the file, line (when known) and reason."""

    def __init__(self, path: str, reason: str, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.reason = reason
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {reason}")


class Cancelled(AnnotatorError):
    """Raised from a progress callback to stop long work; the transaction is rolled back."""
