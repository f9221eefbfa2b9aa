"""The project's own JSONL: one document per line with its spans and relations.

Offsets are code points, end exclusive; every span carries its text so a reader can check it.
See README.md ("Native JSONL") for the field list.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from annotator.atomic import atomic_write
from annotator.errors import InputError
from annotator.formats import guards
from annotator.formats.base import ExportReport
from annotator.formats.encoding import decode
from annotator.formats.peerkit import ReadReport
from annotator.hashing import content_hash
from annotator.records import DocRecord, RelationRecord, SpanRecord

FIELDS = ("title", "author", "published", "source_url", "source_file", "status")


def to_json(record: DocRecord) -> dict[str, Any]:
    """One document as a native JSON object (span ids are the records' keys, as ints when numeric)."""
    line: dict[str, Any] = {} if record.doc_id is None else {"id": record.doc_id}
    line["text"] = record.text
    for name in FIELDS:
        value = getattr(record, name)
        if value is not None:
            line[name] = value
    line["meta"] = record.meta
    line["hash"] = content_hash(record.text)
    line["spans"] = [
        {
            "id": _id(s.key),
            "start": s.start,
            "end": s.end,
            "label": s.label,
            "text": record.text[s.start : s.end],
            "annotator": s.annotator,
        }
        for s in record.spans
    ]
    line["relations"] = [
        {"from": _id(r.source), "to": _id(r.target), "type": r.type, "annotator": r.annotator}
        for r in record.relations
    ]
    return line


def _id(key: str | None) -> int | str | None:
    return int(key) if key is not None and key.isdigit() else key


def write(records: Iterable[DocRecord], out: Path, report: ExportReport) -> None:
    """Stream records as native JSONL into ``out``, atomically."""
    with atomic_write(out) as fh:
        for record in records:
            fh.write(json.dumps(to_json(record), ensure_ascii=False))
            fh.write("\n")
            report.count(record)


def _need(
    obj: dict[str, Any], key: str, kind: type | tuple[type, ...], path: Path, line: int, what: str
) -> Any:
    if key not in obj:
        raise InputError(str(path), f"{what} has no {key!r} field", line)
    value = obj[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise InputError(str(path), f"{what}: {key!r} must be {getattr(kind, '__name__', kind)}", line)
    return value


_IDS = (int, str)


def _relation(rel: Any, path: Path, line: int, what: str) -> RelationRecord:
    if not isinstance(rel, dict):
        raise InputError(str(path), f"{what} must be an object", line)
    return RelationRecord(
        source=str(_need(rel, "from", (int, str), path, line, what)),
        target=str(_need(rel, "to", (int, str), path, line, what)),
        type=_need(rel, "type", str, path, line, what),
        annotator=rel.get("annotator"),
    )


def _span(span: Any, path: Path, line: int, what: str) -> SpanRecord:
    if not isinstance(span, dict):
        raise InputError(str(path), f"{what} must be an object", line)
    key = span.get("id")
    return SpanRecord(
        start=_need(span, "start", int, path, line, what),
        end=_need(span, "end", int, path, line, what),
        label=_need(span, "label", str, path, line, what),
        annotator=span.get("annotator"),
        text=span.get("text"),
        key=None if key is None else str(key),
    )


def parse_line(obj: Any, path: Path, line: int) -> DocRecord:
    """One parsed JSON line → DocRecord, with the file and line in every error."""
    if not isinstance(obj, dict):
        raise InputError(str(path), "expected a JSON object", line)
    text = _need(obj, "text", str, path, line, "document")
    meta = obj.get("meta") or {}
    if not isinstance(meta, dict):
        raise InputError(str(path), "'meta' must be an object", line)
    record = DocRecord(text=text, meta=meta, line=line, source_file=str(path))
    for name in FIELDS:
        value = obj.get(name)
        if value is not None:
            if not isinstance(value, str):
                raise InputError(str(path), f"{name!r} must be a string", line)
            setattr(record, name, value)
    record.source_file = obj.get("source_file") or str(path)
    spans = obj.get("spans") or []
    if not isinstance(spans, list):
        raise InputError(str(path), "'spans' must be a list", line)
    append = record.spans.append
    for i, span in enumerate(spans):
        # Fast path for well-formed spans; anything odd goes through _span for a precise error.
        try:
            start, end, label = span["start"], span["end"], span["label"]
            if type(start) is int and type(end) is int and type(label) is str:
                key = span.get("id")
                append(
                    SpanRecord(
                        start,
                        end,
                        label,
                        span.get("annotator"),
                        span.get("text"),
                        None if key is None else str(key),
                    )
                )
                continue
        except (KeyError, TypeError):
            pass
        append(_span(span, path, line, f"span {i + 1}"))
    relations = obj.get("relations") or []
    if not isinstance(relations, list):
        raise InputError(str(path), "'relations' must be a list", line)
    for i, rel in enumerate(relations):
        try:
            source, target, kind = rel["from"], rel["to"], rel["type"]
            if type(source) in _IDS and type(target) in _IDS and type(kind) is str:
                record.relations.append(RelationRecord(str(source), str(target), kind, rel.get("annotator")))
                continue
        except (KeyError, TypeError):
            pass
        record.relations.append(_relation(rel, path, line, f"relation {i + 1}"))
    return record


def read(path: Path, report: ReadReport | None = None) -> Iterator[DocRecord]:
    """Read native JSONL; malformed JSON, a truncated last line or a bad field names its line.

    Records pass ``guards`` (names, nesting, duplicate span ids, NUL); replacements go to ``report``.
    """
    path = Path(path)
    return guards.checked(_read(path), path, report)


def _read(path: Path) -> Iterator[DocRecord]:
    text, _encoding = decode(path, path.read_bytes())
    lines = text.split("\n")
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except RecursionError:
            raise InputError(str(path), "JSON nested too deeply", number) from None
        except json.JSONDecodeError as exc:
            last = number == len(lines) or all(not rest.strip() for rest in lines[number:])
            reason = "truncated last line" if last and not raw.rstrip().endswith("}") else "malformed JSON"
            raise InputError(str(path), f"{reason}: {exc.msg} (column {exc.colno})", number) from None
        yield parse_line(obj, path, number)
