"""Read a plain ``.txt`` file as one document."""

from __future__ import annotations

from pathlib import Path

from annotator.errors import InputError
from annotator.formats.encoding import decode, guess_meta
from annotator.records import DocRecord

# A first line longer than this is prose, not a title.
MAX_TITLE_CHARS = 200


def first_line_title(text: str) -> str | None:
    """The first non-empty line, trimmed, if it is short enough to serve as a title."""
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            return stripped if len(stripped) < MAX_TITLE_CHARS else None
    return None


def read(path: Path) -> list[DocRecord]:
    """One DocRecord holding the whole decoded text, unchanged apart from newline normalisation.

    The text is kept verbatim (title line included) so that offsets computed elsewhere against
    the same file, e.g. a brat standoff file, stay valid.
    """
    text, encoding = decode(path, path.read_bytes())
    if not text.strip():
        raise InputError(str(path), "no text (the file contains only whitespace)")
    return [
        DocRecord(
            text=text,
            title=first_line_title(text),
            source_file=str(path),
            meta=guess_meta(encoding),
            line=1,
        )
    ]
