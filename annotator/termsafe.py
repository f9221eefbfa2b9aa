"""Terminal output that data cannot take over.

Titles, labels and names come from files strangers wrote: an ESC sequence in a title printed raw
clears the screen, sets the window title or rewrites what the user sees; a carriage return
overwrites a line; a bidirectional override reverses it; a lone surrogate cannot be encoded and
would crash the print. The CLI prints through ``escaped_stdout`` so every such character is
shown as ``\\uXXXX`` (which also reads back as the same character inside JSON strings, so
``--json`` output stays valid). Newlines and tabs pass: the CLI's own layout uses them; table
cells escape newlines too (``cell``).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_UNSAFE_IN_CELL = re.compile("[\n\t]|" + _UNSAFE.pattern)


def _code(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def escape(text: str) -> str:
    """``text`` with control characters (but newline and tab) shown as ``\\uXXXX``."""
    return _UNSAFE.sub(_code, text)


def cell(value: object) -> str:
    """A value for one cell of a table or one line: newlines and tabs escaped as well."""
    return _UNSAFE_IN_CELL.sub(_code, str(value))


class EscapingWriter:
    """A text stream that escapes what it writes (see ``escape``) and passes the rest through."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(escape(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextmanager
def escaped_stdout() -> Iterator[None]:
    """Standard output escaped for the duration (the CLI's ``main`` runs every command in it)."""
    stream = sys.stdout
    sys.stdout = EscapingWriter(stream)
    try:
        yield
    finally:
        sys.stdout = stream
