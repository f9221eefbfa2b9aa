"""Checks every reader's records pass before they reach a project: what a hostile or broken file
could carry that the readers' own parsing lets through.

- Names (labels, relation types, annotators) must be strings without control characters
  (``annotator.names``); a span whose annotator is an object or a number is refused.
- Metadata nested deeper than ``MAX_DEPTH`` is refused: it would pass the reader and break a later
  export (msgpack, spaCy) far from its cause.
- A span id used twice in one document is refused: a relation would attach to whichever came last.
- NUL characters and unpaired surrogates in text, titles and metadata are replaced by U+FFFD, one
  code point for one so every offset still holds, and the import reports how many. PostgreSQL cannot
  store NUL in text and no file can encode a lone surrogate, so one rule on both backends keeps
  every project movable between them (``db copy`` applies the same rule to older SQLite projects).

Errors name the file and the document's line, like every import error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from annotator.errors import InputError
from annotator.formats.peerkit import ReadReport
from annotator.names import name_problem
from annotator.records import DocRecord

MAX_DEPTH = 100
REPLACEMENT = "\ufffd"
UNSAFE_TEXT = re.compile("[\x00\ud800-\udfff]")
REPLACED = "NUL characters or unpaired surrogates replaced by U+FFFD (offsets unchanged)"
_FLAT = frozenset({str, int, float, bool, type(None)})
_FIELDS = ("title", "author", "published", "source_url", "source_file", "status")


def clean_text(value: str) -> tuple[str, int]:
    """``value`` with NUL and unpaired surrogates replaced by U+FFFD, and how many there were."""
    if _clean(value):
        return value, 0  # the common case, far faster than the regular expression
    return UNSAFE_TEXT.subn(REPLACEMENT, value)


def _encodable(value: str) -> bool:
    """Whether ``value`` has no unpaired surrogate (UTF-8 cannot encode one)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class Guard:
    """Checks and cleans the records of one file (names already checked are not checked again)."""

    def __init__(self, path: Path | str, report: ReadReport | None = None) -> None:
        self.path = str(path)
        self.report = report
        self.replaced = 0
        self._names: set[str | None] = {None}

    def fail(self, record: DocRecord, reason: str) -> InputError:
        return InputError(self.path, reason, record.line)

    def name(self, record: DocRecord, value: Any, what: str) -> None:
        if value is None or (isinstance(value, str) and value in self._names):
            return
        if not isinstance(value, str):
            kind = "an object" if isinstance(value, dict) else f"a {type(value).__name__}"
            raise self.fail(record, f"{what} must be a string, not {kind}")
        problem = name_problem(value)
        if problem is not None:
            raise self.fail(record, f"{what} {value!r} {problem}")
        self._names.add(value)

    def meta(self, record: DocRecord, value: Any, depth: int) -> int:
        """How many strings in ``value`` need cleaning; refused if nested deeper than MAX_DEPTH."""
        if isinstance(value, str):
            return clean_text(value)[1]
        if isinstance(value, dict | list | tuple):
            if depth >= MAX_DEPTH:
                raise self.fail(record, f"metadata nested more than {MAX_DEPTH} levels deep")
            items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
            return sum(self.meta(record, v, depth + 1) for v in items)
        return 0

    def check(self, record: DocRecord) -> DocRecord:
        """Refuse or clean one record (in place); returns it."""
        if not isinstance(record.text, str):
            raise self.fail(record, "the document's text must be a string")
        record.text, count = clean_text(record.text)
        self.replaced += count
        for field in _FIELDS:
            value = getattr(record, field)
            if isinstance(value, str):
                cleaned, n = clean_text(value)
                setattr(record, field, cleaned)
                self.replaced += n
        if record.meta and _suspect(record.meta):
            dirty = self.meta(record, record.meta, 0)
            if dirty:
                record.meta = _cleaned(record.meta)
                self.replaced += dirty
        spans, relations = record.spans, record.relations
        try:  # the common case: every name already seen, checked set-wise
            names = {s.label for s in spans} | {s.annotator for s in spans}
            names |= {r.type for r in relations} | {r.annotator for r in relations}
            seen = names <= self._names
        except TypeError:  # an unhashable name: the loop below says which
            seen = False
        if not seen:
            for i, span in enumerate(spans, 1):
                self.name(record, span.label, f"span {i}: label")
                self.name(record, span.annotator, f"span {i}: annotator")
            for i, rel in enumerate(relations, 1):
                self.name(record, rel.type, f"relation {i}: type")
                self.name(record, rel.annotator, f"relation {i}: annotator")
        if count:
            for span in spans:
                if isinstance(span.text, str):
                    span.text = clean_text(span.text)[0]
        keys = [s.key for s in spans if s.key is not None]
        if len(set(keys)) != len(keys):
            twice = next(k for i, k in enumerate(keys) if k in keys[:i])
            raise self.fail(record, f"span id {twice!r} is used twice in this document")
        return record

    def note(self) -> None:
        if self.report is not None and self.replaced:
            self.report.note(REPLACED, self.replaced)
            self.replaced = 0


def _suspect(meta: Any) -> bool:
    """Whether ``meta`` may be nested too deeply or hold NUL or a lone surrogate; False is certain.

    A flat dict (the usual metadata) is checked as one string; anything nested by one C-speed
    serialisation instead of a Python walk (nesting deeper than MAX_DEPTH takes 2 × MAX_DEPTH
    brackets).
    """
    if type(meta) is dict and all(type(v) in _FLAT for v in meta.values()):
        text = "".join(meta) + "".join(v for v in meta.values() if type(v) is str)
    else:
        try:
            text = json.dumps(meta, ensure_ascii=False)
        except (TypeError, ValueError, RecursionError):
            return True
        if len(text) >= 2 * MAX_DEPTH or "\\u0000" in text:
            return True
    return not _clean(text)


def _clean(text: str) -> bool:
    """Whether ``text`` has no NUL and no lone surrogate (the fast test of ``clean_text``)."""
    return "\x00" not in text and (text.isascii() or _encodable(text))


def _cleaned(value: Any) -> Any:
    """A copy of JSON-like ``value`` with every string cleaned (``clean_text``)."""
    if isinstance(value, str):
        return clean_text(value)[0]
    if isinstance(value, dict):
        return {_cleaned(k): _cleaned(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_cleaned(v) for v in value]
    return value


def checked(
    records: Iterable[DocRecord], path: Path | str, report: ReadReport | None = None
) -> Iterator[DocRecord]:
    """Each record checked and cleaned (see the module docstring); replacements go to ``report``."""
    guard = Guard(path, report)
    try:
        for record in records:
            yield guard.check(record)
    finally:
        guard.note()


def check_all(
    records: list[DocRecord], path: Path | str, reports: list[ReadReport] | None
) -> list[DocRecord]:
    """``checked`` for a whole file's records; a report of the replacements joins ``reports``."""
    report = ReadReport(Path(path))
    return keep_report(list(checked(records, path, report)), report, reports)


def keep_report(
    records: list[DocRecord], report: ReadReport, reports: list[ReadReport] | None
) -> list[DocRecord]:
    """``records``; ``report`` (counting them) joins ``reports`` if it noted anything."""
    if report.notes and reports is not None:
        for record in records:
            report.count(record)
        reports.append(report)
    return records
