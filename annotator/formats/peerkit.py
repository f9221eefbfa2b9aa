"""What the peer-tool formats (doccano, Prodigy, brat, Label Studio, W3C) share.

Readers report what they skip or convert in a ReadReport instead of dropping it silently; JSON is
parsed so that every object knows its line, so an error can name the line of the bad record even
in a pretty-printed file; offsets from tools that may count UTF-16 are resolved against the span
text the file carries.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from json import decoder as _json_decoder
from json import scanner as _json_scanner
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from annotator.errors import InputError
from annotator.formats.base import ExportReport, Tally
from annotator.formats.encoding import decode
from annotator.records import DocRecord, RelationRecord, SpanRecord
from annotator.text import OffsetMap

# Not in the type stubs: the pure-Python scanner and object parser, which let us see positions.
_py_make_scanner: Any = _json_scanner.__dict__["py_make_scanner"]
_json_object: Any = _json_decoder.__dict__["JSONObject"]

NO_ANNOTATOR = "(no annotator)"  # file/folder name for spans without an annotator; never a quoted name


@dataclass(slots=True)
class ReadReport(Tally):
    """What a reader read, skipped (with why) and converted; the import prints its summary."""

    skipped: dict[str, int] = field(default_factory=dict)
    notes: dict[str, int] = field(default_factory=dict)

    def skip(self, reason: str, count: int = 1) -> None:
        if count:
            self.skipped[reason] = self.skipped.get(reason, 0) + count

    def note(self, reason: str, count: int = 1) -> None:
        if count:
            self.notes[reason] = self.notes.get(reason, 0) + count

    def summary(self) -> str:
        text = (
            f"read {self.documents} document(s), {self.spans} span(s), "
            f"{self.relations} relation(s) from {self.path}"
        )
        for reason, count in sorted(self.skipped.items()):
            text += f"\nskipped {count}: {reason}"
        for reason, count in sorted(self.notes.items()):
            text += f"\nnote ({count}): {reason}"
        return text


_LINE_BREAKS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})


def dumps(obj: Any) -> str:
    """Compact UTF-8 JSON on one line, even for readers that split lines with str.splitlines."""
    return one_line(json.dumps(obj, ensure_ascii=False))


def one_line(text: str) -> str:
    """JSON text with the line breaks str.splitlines sees escaped (``dumps`` without the dumping)."""
    # translate() looks every character up (seconds on a large export); most lines need nothing.
    if "\u2028" in text or "\u2029" in text or "\x85" in text:
        return text.translate(_LINE_BREAKS)
    return text


def leave_out(report: ExportReport, reason: str, count: int) -> None:
    """ExportReport.leave_out, but nothing is recorded for a count of zero."""
    if count:
        report.leave_out(reason, count)


class Obj(dict[str, Any]):
    """A parsed JSON object that remembers the line it starts on."""

    __slots__ = ("line",)

    def __init__(self, pairs: dict[str, Any], line: int) -> None:
        super().__init__(pairs)
        self.line = line


def line_of(value: Any, default: int | None = None) -> int | None:
    return value.line if isinstance(value, Obj) else default


def _decoder(newlines: list[int]) -> json.JSONDecoder:
    dec = json.JSONDecoder()

    def parse_object(s_and_end: tuple[str, int], *args: Any) -> tuple[Obj, int]:
        start = s_and_end[1] - 1  # the "{"
        pairs, end = _json_object(s_and_end, *args)
        return Obj(pairs, bisect.bisect_right(newlines, start) + 1), end

    dec.parse_object = parse_object  # type: ignore[attr-defined]
    dec.scan_once = _py_make_scanner(dec)  # type: ignore[attr-defined]
    return dec


def read_text(path: Path) -> str:
    """A file's text (decoded, newlines normalised), or InputError if it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from None
    return decode(path, data)[0]


def json_values(path: Path, text: str) -> Iterator[tuple[Any, int]]:
    """Each top-level JSON value with its line: JSON Lines, pretty-printed objects one after
    another (real doccano exports), or a single document; the first bad one raises InputError."""
    newlines = [m.start() for m in re.finditer("\n", text)]
    dec = _decoder(newlines)
    i, n = 0, len(text)
    while True:
        while i < n and text[i] in " \t\r\n\ufeff":
            i += 1
        if i >= n:
            return
        line = bisect.bisect_right(newlines, i) + 1
        try:
            value, i = dec.raw_decode(text, i)
        except RecursionError:
            raise InputError(str(path), "JSON nested too deeply", line) from None
        except json.JSONDecodeError as exc:
            if exc.pos >= len(text.rstrip()):
                raise InputError(
                    str(path), "malformed JSON: the file ends inside this record", line
                ) from None
            reason = f"malformed JSON: {exc.msg} (column {exc.colno})"
            raise InputError(str(path), reason, exc.lineno) from None
        yield value, line


def json_items(path: Path, text: str) -> Iterator[tuple[Any, int]]:
    """Like json_values, but the elements of a top-level array come one by one."""
    for value, line in json_values(path, text):
        if isinstance(value, list):
            for item in value:
                yield item, line_of(item, line) or line
        else:
            yield value, line


def need(obj: Any, key: str, kind: type | tuple[type, ...], path: Path, line: int | None, what: str) -> Any:
    """obj[key] if it has the expected type, else InputError naming what is wrong."""
    if not isinstance(obj, dict):
        raise InputError(str(path), f"{what} must be a JSON object", line)
    if key not in obj:
        raise InputError(str(path), f"{what} has no {key!r} field", line)
    value = obj[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        names = kind if isinstance(kind, tuple) else (kind,)
        expected = " or ".join(getattr(k, "__name__", str(k)) for k in names)
        raise InputError(str(path), f"{what}: {key!r} must be {expected}", line)
    return value


def check_range(path: Path, line: int | None, text: str, start: int, end: int, what: str) -> None:
    """InputError unless 0 <= start < end <= len(text)."""
    if not 0 <= start < end <= len(text):
        raise InputError(
            str(path), f"{what}: offsets {start}–{end} are not a non-empty range in 0–{len(text)}", line
        )


def resolve(
    text: str, omap: OffsetMap, start: int, end: int, quote_: str | None
) -> tuple[int, int, str] | None:
    """Code point offsets of a span whose tool may have counted code points or UTF-16 units.

    Returns (start, end, "code points" | "UTF-16" | "unchecked"), or None if the quoted text is
    at neither reading (the caller reports a mismatch rather than importing a shifted span).
    """
    in_cp = 0 <= start < end <= len(text)
    if quote_ is None:
        return (start, end, "unchecked") if in_cp else None
    if in_cp and text[start:end] == quote_:
        return start, end, "code points"
    try:
        s, e = omap.to_cp(start), omap.to_cp(end)
    except ValueError:
        return None
    if s < e and text[s:e] == quote_:
        return s, e, "UTF-16"
    return None


def shown(text: str, limit: int = 40) -> str:
    """A span text for an error message, cut short."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


def annotator_filename(name: str | None) -> str:
    """A file or folder name for an annotator that survives any name (and reads back exactly)."""
    if name is None:
        return NO_ANNOTATOR
    safe = quote(name, safe=" @+,;=")
    return "%2E" + safe[1:] if safe.startswith(".") else safe or "%00"


class AnnotatorFiles:
    """Allocates one file name per annotator, distinct even on case-insensitive file systems."""

    def __init__(self, suffix: str = "") -> None:
        self.suffix = suffix
        self.names: dict[str | None, str] = {}
        self._taken: set[str] = set()

    def __call__(self, annotator: str | None) -> str:
        if annotator not in self.names:
            name = annotator_filename(annotator)
            if name.casefold() in self._taken and annotator is not None:
                name = "".join(f"%{ord(c):02X}" if c.isupper() and c.isascii() else c for c in name)
            self._taken.add(name.casefold())
            self.names[annotator] = name + self.suffix
        return self.names[annotator]


def annotator_from_filename(stem: str, fallback: str | None) -> str | None:
    """Inverse of annotator_filename; the no-annotator file gives ``fallback``."""
    if stem == NO_ANNOTATOR:
        return fallback
    return "" if stem == "%00" else unquote(stem)


@dataclass(slots=True)
class Layer:
    """One annotator's spans and relations in one document (a Prodigy line, a Label Studio
    annotation, a brat/doccano file in the per-annotator layout)."""

    annotator: str | None
    spans: list[SpanRecord] = field(default_factory=list)
    relations: list[RelationRecord] = field(default_factory=list)


def layers(record: DocRecord) -> tuple[list[Layer], int]:
    """Split a document by annotator; relations go with their annotator when both ends are that
    annotator's spans. Returns the layers and how many relations fit no layer."""
    by_name: dict[str | None, Layer] = {}
    owner: dict[str, str | None] = {}
    for span in record.spans:
        by_name.setdefault(span.annotator, Layer(span.annotator)).spans.append(span)
        if span.key is not None:
            owner[span.key] = span.annotator
    homeless = 0
    for rel in record.relations:
        a, b = owner.get(rel.source, ()), owner.get(rel.target, ())
        if a == b == rel.annotator and rel.annotator in by_name:
            by_name[rel.annotator].relations.append(rel)
        else:
            homeless += 1
    return list(by_name.values()), homeless


def span_keys(spans: list[SpanRecord]) -> list[str]:
    """Each span's key, or a made-up one unique in the list (records from other code may lack keys)."""
    used = {s.key for s in spans if s.key is not None}
    keys: list[str] = []
    n = 0
    for span in spans:
        if span.key is not None:
            keys.append(span.key)
            continue
        n += 1
        while f"_{n}" in used:
            n += 1
        keys.append(f"_{n}")
    return keys
