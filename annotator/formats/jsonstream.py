"""JSON files read a record at a time: the elements of a top-level array (a Label Studio export,
a Prodigy or W3C list) or the values one after another (JSON Lines), in bounded memory.

``peerkit.json_items`` decodes the whole file to one string (4 bytes a character once a single
emoji is in it) and parses it with the pure-Python scanner so that every object knows its line:
a 60 MB Label Studio export of 10,000 tasks took ~500 MB and most of the import's time. Here the
file is decoded a chunk at a time and each record parsed by the C scanner; what a reader needs
the finer lines for, an error, is served by ``Item.precise``: the record parsed again the slow
way, with the lines of all its objects. Anything this reader does not expect (another encoding,
malformed JSON) is handed to the whole-file path, which raises exactly the error it always did.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.errors import InputError
from annotator.formats.peerkit import json_items, json_values, read_text

CHUNK = 1 << 18  # characters decoded at a time
_WS = " \t\r\n\ufeff"
_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_decoder = json.JSONDecoder()


@dataclass(slots=True)
class Item:
    """One record: its value (plain dicts and lists), the line it starts on, and its source text
    ("" when the whole-file path read it: its objects know their lines already)."""

    value: Any
    line: int
    source: str

    def precise(self, path: Path) -> Any:
        """The record parsed again with every object's line (``peerkit.line_of``), for errors."""
        if not self.source:
            return self.value
        padded = "\n" * (self.line - 1) + self.source
        return next(json_values(path, padded))[0]


def _plain_utf8(path: Path) -> bool:
    """Whether the file is non-empty UTF-8 (a UTF-8 BOM allowed) without NUL bytes: what the
    streaming path reads; anything else goes the whole-file way (encoding detection, errors)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as fh:
            head = fh.read(4)
            if not head or head.startswith(_BOMS) or head.rstrip(b"\xef\xbb\xbf") == b"":
                return False
            fh.seek(0)
            while data := fh.read(CHUNK):
                if b"\x00" in data:
                    return False
                decoder.decode(data)
            decoder.decode(b"", final=True)
    except (OSError, UnicodeDecodeError):
        return False
    return True


class _Text:
    """The file's text (newlines normalised as ``encoding.decode`` does), read a chunk at a time.

    ``pos`` is the reading position in ``buf``; the text before it is dropped whenever more is
    read, and ``line()`` counts lines incrementally, so each character is looked at a few times.
    """

    def __init__(self, path: Path) -> None:
        self.fh = path.open("rb")
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.buf = ""
        self.pos = 0
        self.eof = False
        self._line, self._counted = 1, 0  # the line at buf[_counted]
        self._cr = False  # the last chunk ended in "\r": a "\n" opening the next one belongs to it

    def close(self) -> None:
        self.fh.close()

    def fill(self, at_least: int = CHUNK) -> bool:
        """Read on (at least ``at_least`` bytes) after dropping what is consumed; False at the end."""
        if self.eof:
            return False
        self.line()
        self.buf, self.pos, self._counted = self.buf[self.pos :], 0, 0
        data = self.fh.read(max(at_least, CHUNK))
        text = self.decoder.decode(data, final=not data)
        if self._cr and text.startswith("\n"):
            text = text[1:]
        self._cr = text.endswith("\r")
        self.buf += text.replace("\r\n", "\n").replace("\r", "\n")
        self.eof = not data
        return True

    def line(self) -> int:
        """The line of the reading position."""
        self._line += self.buf.count("\n", self._counted, self.pos)
        self._counted = self.pos
        return self._line

    def skip_ws(self) -> str:
        """Move past whitespace (reading on as needed); the next character, "" at the end."""
        while True:
            buf, pos, n = self.buf, self.pos, len(self.buf)
            while pos < n and buf[pos] in _WS:
                pos += 1
            self.pos = pos
            if pos < n:
                return buf[pos]
            if not self.fill():
                return ""

    def value(self) -> tuple[Any, str] | None:
        """The JSON value at the reading position and its text (moving past it); None if malformed."""
        while True:
            try:
                value, end = _decoder.raw_decode(self.buf, self.pos)
            except RecursionError:
                return None
            except json.JSONDecodeError:
                # Incomplete, or malformed: read on (doubling what is pending) until the end.
                if not self.fill(len(self.buf) - self.pos):
                    return None
                continue
            if end == len(self.buf) and self.fill():
                continue  # a number may go on in the next chunk
            source, self.pos = self.buf[self.pos : end], end
            return value, source


class _Malformed(Exception):
    """Something the streaming reader does not expect: the whole-file path says what."""


def _stream(text: _Text) -> Iterator[Item]:
    char = text.skip_ws()
    while char:
        top_line = text.line()
        if char != "[":
            found = text.value()
            if found is None:
                raise _Malformed
            yield Item(found[0], top_line, found[1])
            char = text.skip_ws()
            continue
        text.pos += 1
        char = text.skip_ws()
        while char != "]":
            line = text.line()
            found = text.value()
            if found is None:
                raise _Malformed
            yield Item(found[0], line if isinstance(found[0], dict) else top_line, found[1])
            char = text.skip_ws()
            if char == ",":
                text.pos += 1
                char = text.skip_ws()
                if char == "]":
                    raise _Malformed  # a trailing comma
            elif char != "]":
                raise _Malformed
        text.pos += 1
        char = text.skip_ws()


def stream_items(path: Path) -> Iterator[Item]:
    """Each record of a JSON file (see the module docstring) with its line, like
    ``peerkit.json_items``; the first malformed one raises the InputError that function raises."""
    path = Path(path)
    if not _plain_utf8(path):
        for value, line in json_items(path, read_text(path)):
            yield Item(value, line, "")
        return
    text = _Text(path)
    try:
        yield from _stream(text)
    except _Malformed:
        for _ in json_items(path, read_text(path)):  # raises the whole-file path's error
            pass
        raise InputError(str(path), "malformed JSON") from None
    finally:
        text.close()
