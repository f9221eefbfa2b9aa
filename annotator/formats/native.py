"""The project's own JSONL: one document per line with its spans and relations.

Offsets are code points, end exclusive; every span carries its text so a reader can check it.
See README.md ("Native JSONL") for the field list.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from annotator.actors_json import actors_from_json, actors_json, span_actor_json
from annotator.atomic import atomic_write
from annotator.codebook_json import definitions_from_json, definitions_json
from annotator.comments_json import comments_from_json, comments_json
from annotator.errors import InputError
from annotator.formats import guards
from annotator.formats.base import ExportReport
from annotator.formats.encoding import decode
from annotator.formats.peerkit import ReadReport
from annotator.hashing import content_hash
from annotator.records import (
    DocRecord,
    RejectionRecord,
    RelationRecord,
    RelationRejectionRecord,
    ReviewRecord,
    SpanRecord,
)
from annotator.tokens import from_json as tokens_from_json
from annotator.tokens import to_json as tokens_json

try:
    import orjson as _orjson
except ImportError:  # optional: the standard library's json reads the same
    _orjson = None  # type: ignore[assignment]

FIELDS = ("title", "author", "published", "source_url", "source_file", "status")
# What ``json.dumps(obj, ensure_ascii=False)`` builds for every line, built once. Not orjson: its
# separators (no spaces) and float formatting differ, and the file must stay byte for byte the same.
_ENCODER = json.JSONEncoder(ensure_ascii=False)


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
    line["spans"] = [_span_json(record.text, s) for s in record.spans]
    line["relations"] = [_relation_json(r) for r in record.relations]
    line.update(tokens_json(record))
    if record.review is not None:
        line.update(_review_json(record.review))
    if record.as_of is not None:
        line["as_of"] = record.as_of
    line.update(comments_json(record))
    line.update(actors_json(record))
    if record.attributes:
        line["attributes"] = record.attributes
    if record.codebook:  # the definitions the line's values use (annotator.codebook_json)
        line.update(definitions_json(record))
    return line


def _span_json(text: str, s: SpanRecord) -> dict[str, Any]:
    key = s.key  # ``_id``, inline: one call fewer per span of a large export
    item: dict[str, Any] = {
        "id": int(key) if key is not None and key.isdigit() else key,
        "start": s.start,
        "end": s.end,
        "label": s.label,
        "text": text[s.start : s.end],
        "annotator": s.annotator,
    }
    # The optional fields in this order, each written when set (spelt out: a large export writes
    # millions of spans, and a loop of getattr cost a tenth of its time).
    if s.updated_at is not None:
        item["updated_at"] = s.updated_at
    if s.sources is not None:
        item["sources"] = s.sources
    if s.adjudicator is not None:
        item["adjudicator"] = s.adjudicator
    if s.attributes is not None:
        item["attributes"] = s.attributes
    if s.origin is not None:
        item["origin"] = s.origin
    if s.score is not None:  # a suggestion (the suggestions layer), never a label
        item["score"] = s.score
    if s.actor_key is not None:
        span_actor_json(item, s.actor_key)
    if s.fragments:  # a multi-part span's parts (start/end are their hull)
        item["fragments"] = [[a, b] for a, b in s.fragments]
    return item


def _relation_json(r: RelationRecord) -> dict[str, Any]:
    item: dict[str, Any] = {
        "from": _id(r.source),
        "to": _id(r.target),
        "type": r.type,
        "annotator": r.annotator,
    }
    if r.sources is not None:
        item["sources"] = r.sources
    if r.adjudicator is not None:
        item["adjudicator"] = r.adjudicator
    if r.attributes:
        item["attributes"] = r.attributes
    if r.score is not None:
        item["score"] = r.score
    return item


def _review_json(review: ReviewRecord) -> dict[str, Any]:
    """The review's decisions on a document (gold spans and relations carry their own provenance)."""
    out: dict[str, Any] = {}
    if review.status is not None:
        out["review_status"] = review.status
    if review.rejections:
        out["rejections"] = [
            {"start": r.start, "end": r.end, "label": r.label, "reviewer": r.reviewer}
            for r in review.rejections
        ]
    if review.relation_rejections:
        out["relation_rejections"] = [
            {
                "type": r.type,
                "from": dict(zip(("start", "end", "label"), r.source, strict=True)),
                "to": dict(zip(("start", "end", "label"), r.target, strict=True)),
                "reviewer": r.reviewer,
            }
            for r in review.relation_rejections
        ]
    return out


def _id(key: str | None) -> int | str | None:
    return int(key) if key is not None and key.isdigit() else key


def write(records: Iterable[DocRecord], out: Path, report: ExportReport) -> None:
    """Stream records as native JSONL into ``out``, atomically."""
    encode = _ENCODER.encode
    with atomic_write(out) as fh:
        for record in records:
            fh.write(encode(to_json(record)))
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


# What a span may carry beyond offsets, label, annotator, text and id (read by _gold_fields).
_SPAN_EXTRAS = frozenset({"updated_at", "sources", "adjudicator", "attributes", "fragments", "score"})
_SPAN_OTHER = _SPAN_EXTRAS | {"actor"}  # the fast path's one test for anything beyond the usual


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
    named = False  # some span names a registry actor (read by actors_from_json)
    for i, span in enumerate(spans):
        # Fast path for well-formed spans; anything odd goes through _span for a precise error.
        try:
            start, end, label = span["start"], span["end"], span["label"]
            if type(start) is int and type(end) is int and type(label) is str:
                if len(span) == 6:  # the usual six fields (what an export writes), nothing else
                    try:
                        key, who, quote = span["id"], span["annotator"], span["text"]
                    except KeyError:
                        pass
                    else:
                        append(SpanRecord(start, end, label, who, quote, None if key is None else str(key)))
                        continue
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
                if not span.keys().isdisjoint(_SPAN_OTHER):
                    if not span.keys().isdisjoint(_SPAN_EXTRAS):
                        _gold_fields(record.spans[-1], span, path, line, f"span {i + 1}")
                    named = named or "actor" in span
                continue
        except (KeyError, TypeError):
            pass
        append(_span(span, path, line, f"span {i + 1}"))
        _gold_fields(record.spans[-1], span, path, line, f"span {i + 1}")
        named = True
    relations = obj.get("relations") or []
    if not isinstance(relations, list):
        raise InputError(str(path), "'relations' must be a list", line)
    for i, rel in enumerate(relations):
        try:
            source, target, kind = rel["from"], rel["to"], rel["type"]
            if type(source) in _IDS and type(target) in _IDS and type(kind) is str:
                record.relations.append(RelationRecord(str(source), str(target), kind, rel.get("annotator")))
                if "sources" in rel or "adjudicator" in rel or "attributes" in rel or "score" in rel:
                    _gold_fields(record.relations[-1], rel, path, line, f"relation {i + 1}")
                continue
        except (KeyError, TypeError):
            pass
        record.relations.append(_relation(rel, path, line, f"relation {i + 1}"))
        _gold_fields(record.relations[-1], rel, path, line, f"relation {i + 1}")
    _review(record, obj, path, line)
    values = obj.get("attributes")  # document-level, by annotator; checked on import
    if values is not None and not (
        isinstance(values, dict) and all(isinstance(v, dict) for v in values.values())
    ):
        raise InputError(str(path), "'attributes' must map annotator names to objects of name: value", line)
    record.attributes = values or None
    record.tokens, record.sentences = tokens_from_json(obj, str(path), line)
    if obj.get("comments"):  # (most lines have none: the checks cost a pass over the spans)
        comments_from_json(obj, record, path, line)
    if named or obj.get("actors") is not None:
        actors_from_json(obj, spans, record, path, line)
    record.codebook = definitions_from_json(obj, path, line)
    return record


def fragments_json(value: Any, path: Path, line: int) -> list[tuple[int, int]]:
    """A span's ``"fragments"``: a list of [start, end] pairs (checked against the text on import)."""
    if not isinstance(value, list) or not all(
        isinstance(p, list) and len(p) == 2 and all(type(v) is int for v in p) for p in value
    ):
        raise InputError(str(path), "'fragments' must be a list of [start, end] pairs of whole numbers", line)
    return [(p[0], p[1]) for p in value]


def _gold_fields(
    item: SpanRecord | RelationRecord, obj: dict[str, Any], path: Path, line: int, what: str
) -> None:
    """A span's ``updated_at``, and a gold span's or relation's ``sources`` and ``adjudicator``."""
    if isinstance(item, SpanRecord) and obj.get("updated_at") is not None:
        item.updated_at = _need(obj, "updated_at", str, path, line, what)
    if isinstance(item, SpanRecord) and obj.get("fragments") is not None:
        item.fragments = fragments_json(obj["fragments"], path, line)
    sources = obj.get("sources")
    if sources is not None:
        if not isinstance(sources, list) or not all(isinstance(n, str) for n in sources):
            raise InputError(str(path), f"{what}: 'sources' must be a list of annotator names", line)
        item.sources = sources
    if obj.get("adjudicator") is not None:
        item.adjudicator = _need(obj, "adjudicator", str, path, line, what)
    if obj.get("score") is not None:  # a suggestion's (the suggestions layer): the import refuses it
        item.score = float(_need(obj, "score", (int, float), path, line, what))
    values = obj.get("attributes")  # checked against the codebook on import (annotator.attributes_io)
    if values is not None and not isinstance(values, dict):
        raise InputError(str(path), f"{what}: 'attributes' must be an object of name: value", line)
    item.attributes = values or None


def _offsets(obj: Any, path: Path, line: int, what: str) -> tuple[int, int, str]:
    if not isinstance(obj, dict):
        raise InputError(str(path), f"{what} must be an object", line)
    return (
        _need(obj, "start", int, path, line, what),
        _need(obj, "end", int, path, line, what),
        _need(obj, "label", str, path, line, what),
    )


def _reviewer(obj: dict[str, Any], path: Path, line: int, what: str) -> str | None:
    return None if obj.get("reviewer") is None else _need(obj, "reviewer", str, path, line, what)


def _review(record: DocRecord, obj: dict[str, Any], path: Path, line: int) -> None:
    """The review's decisions and the ``as_of`` time, when the line carries them."""
    if obj.get("as_of") is not None:
        record.as_of = _need(obj, "as_of", str, path, line, "document")
    status = obj.get("review_status")
    rejections = obj.get("rejections") or []
    relation_rejections = obj.get("relation_rejections") or []
    if status is None and not rejections and not relation_rejections:
        return
    if status is not None and status not in ("unreviewed", "in review", "adjudicated"):
        raise InputError(str(path), f"unknown review_status {status!r}", line)
    review = ReviewRecord(status=status)
    if not isinstance(rejections, list) or not isinstance(relation_rejections, list):
        raise InputError(str(path), "'rejections' and 'relation_rejections' must be lists", line)
    for i, rej in enumerate(rejections):
        what = f"rejection {i + 1}"
        start, end, label = _offsets(rej, path, line, what)
        review.rejections.append(RejectionRecord(start, end, label, _reviewer(rej, path, line, what)))
    for i, rej in enumerate(relation_rejections):
        what = f"relation rejection {i + 1}"
        if not isinstance(rej, dict):
            raise InputError(str(path), f"{what} must be an object", line)
        review.relation_rejections.append(
            RelationRejectionRecord(
                _need(rej, "type", str, path, line, what),
                _offsets(rej.get("from"), path, line, f"{what} 'from'"),
                _offsets(rej.get("to"), path, line, f"{what} 'to'"),
                _reviewer(rej, path, line, what),
            )
        )
    record.review = review


def read(path: Path, report: ReadReport | None = None) -> Iterator[DocRecord]:
    """Read native JSONL; malformed JSON, a truncated last line or a bad field names its line.

    Records pass ``guards`` (names, nesting, duplicate span ids, NUL); replacements go to ``report``.
    """
    path = Path(path)
    return guards.checked(_read(path), path, report)


def _loads(raw: str | bytes) -> Any:
    """One line's JSON: through orjson when installed (a third faster on a large import); a line
    orjson refuses is read by ``json``, whose leniency (lone surrogates, NaN, integers past 64
    bits) and error messages stay the reference."""
    if _orjson is not None:
        try:
            return _orjson.loads(raw)
        except _orjson.JSONDecodeError:
            pass
    return json.loads(_str(raw))


def _str(raw: str | bytes) -> str:
    return raw.decode("utf-8") if isinstance(raw, bytes) else raw


# Byte-order marks ``decode`` looks for (UTF-32's begin as UTF-16's, or with NUL).
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_SLICE = 1 << 16  # bytes validated at a time (a str of at most 256 KB, its memory reused)


def _plain_utf8(data: bytes) -> bool:
    """Whether ``decode`` would give these bytes back as UTF-8 unchanged: not empty, no
    byte-order mark, no NUL, no CR (newlines it rewrites), valid UTF-8."""
    if not data or data.startswith(_BOMS) or b"\x00" in data or b"\r" in data:
        return False
    if data.isascii():
        return True
    # Validated a slice at a time: decoding it whole made a str of 4 bytes a character (137 MB
    # for a 34 MB file with one emoji), whose fresh pages cost more system time than the check.
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for at in range(0, len(data), _SLICE):
            decoder.decode(view[at : at + _SLICE])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _read(path: Path) -> Iterator[DocRecord]:
    data = path.read_bytes()
    # A plain UTF-8 file is split and parsed as bytes (orjson reads UTF-8 as it is): no str of
    # the whole file (4 bytes a character once one emoji is in it) and of its lines, ~0.1-0.2 s
    # of CPU for 10,000 documents. Anything else goes through ``decode`` as before.
    lines: Sequence[str | bytes] = (
        data.split(b"\n") if _orjson is not None and _plain_utf8(data) else decode(path, data)[0].split("\n")
    )
    del data
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            obj = _loads(raw)
        except RecursionError:
            raise InputError(str(path), "JSON nested too deeply", number) from None
        except json.JSONDecodeError as exc:
            raw = _str(raw)
            if not raw.strip():  # only Unicode blanks (bytes.strip takes ASCII ones): skipped, as before
                continue
            last = number == len(lines) or all(not _str(rest).strip() for rest in lines[number:])
            reason = "truncated last line" if last and not raw.rstrip().endswith("}") else "malformed JSON"
            raise InputError(str(path), f"{reason}: {exc.msg} (column {exc.colno})", number) from None
        yield parse_line(obj, path, number)
