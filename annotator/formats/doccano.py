"""doccano JSONL, both flavours: sequence labeling ``{"text", "label": [[start, end, "LABEL"]]}``
and relation extraction ``{"text", "entities": [...], "relations": [...]}``.

doccano's browser front end measures JavaScript strings, so its offsets count UTF-16 code units; they
are converted to and from code points here (an emoji before a span shifts it by one unit each).
doccano keeps no annotator in a record: it exports one file per user. The reader therefore gives
every span the annotator it is told, and the writer either merges everyone into one file (and
reports the lost identities) or writes a folder with one file per annotator, named after them
(``peerkit.annotator_filename``), which the reader maps back with ``by_annotator=True``.
Real exports are sometimes pretty-printed objects one after another, or one JSON array; both are
read. Document fields (title, author, published, source_url) are top-level keys, as doccano puts
its meta columns there; other unknown top-level keys become the document's meta.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from annotator.atomic import atomic_write
from annotator.errors import InputError
from annotator.formats.base import ExportReport
from annotator.formats.peerkit import (
    AnnotatorFiles,
    Layer,
    ReadReport,
    annotator_from_filename,
    check_range,
    dumps,
    json_items,
    layers,
    leave_out,
    line_of,
    need,
    read_text,
    span_keys,
)
from annotator.records import DocRecord, RelationRecord, SpanRecord
from annotator.text import OffsetMap

FIELDS = ("title", "author", "published", "source_url")
_KNOWN = {"id", "text", "data", "label", "entities", "relations", "meta", "Comments", *FIELDS}
LOST_ANNOTATORS = "annotator names of spans and relations (one merged doccano file keeps none)"
NO_RELATIONS = "relations (doccano sequence labeling has none; use the relation extraction flavour)"
CROSS_LAYER = "relations whose ends are not both spans of the relation's annotator"
DANGLING = "relations to a span that is not in the document"


def _line(record: DocRecord, spans: list[SpanRecord], rels: list[RelationRecord], relations: bool) -> str:
    omap = OffsetMap(record.text)
    obj: dict[str, Any] = {} if record.doc_id is None else {"id": record.doc_id}
    obj["text"] = record.text
    for name in FIELDS:
        value = getattr(record, name)
        if value is not None:
            obj[name] = value
    if record.meta:
        obj["meta"] = record.meta
    if not relations:
        obj["label"] = [[omap.to_utf16(s.start), omap.to_utf16(s.end), s.label] for s in spans]
        return dumps(obj)
    ids = {key: i for i, key in enumerate(span_keys(spans))}
    obj["entities"] = [
        {
            "id": i,
            "label": s.label,
            "start_offset": omap.to_utf16(s.start),
            "end_offset": omap.to_utf16(s.end),
        }
        for s, i in zip(spans, ids.values(), strict=True)
    ]
    obj["relations"] = [
        {"id": n, "from_id": ids[r.source], "to_id": ids[r.target], "type": r.type}
        for n, r in enumerate(rels)
    ]
    return dumps(obj)


def write(
    records: Iterable[DocRecord],
    out: Path,
    report: ExportReport,
    *,
    relations: bool = False,
    by_annotator: bool = False,
) -> None:
    """Write doccano JSONL to ``out`` (a file), or with ``by_annotator`` one file per annotator into
    the folder ``out``; documents nobody annotated go to the "(no annotator)" file there."""
    out = Path(out)
    if by_annotator:
        out.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        files: dict[str, IO[str]] = {}
        names = AnnotatorFiles(".jsonl")

        def file(annotator: str | None) -> IO[str]:
            name = names(annotator) if by_annotator else out.name
            if name not in files:
                files[name] = stack.enter_context(atomic_write(out / name if by_annotator else out))
            return files[name]

        for record in records:
            report.count(record)
            if by_annotator:
                parts, homeless = layers(record)
                report.leave_out(CROSS_LAYER, homeless, "relations")
                for part in parts or [Layer(None)]:
                    file(part.annotator).write(_line(record, part.spans, part.relations, relations) + "\n")
                if not relations:
                    report.leave_out(NO_RELATIONS, sum(len(p.relations) for p in parts), "relations")
                continue
            named = sum(s.annotator is not None for s in record.spans)
            if relations:
                named += sum(r.annotator is not None for r in record.relations)
            else:
                report.leave_out(NO_RELATIONS, len(record.relations), "relations")
            leave_out(report, LOST_ANNOTATORS, named)
            kept = _kept(record)
            if relations:
                report.leave_out(DANGLING, len(record.relations) - len(kept), "relations")
            file(None).write(_line(record, record.spans, kept, relations) + "\n")
        if not by_annotator:
            file(None)  # an empty export is still a (empty) file


def _kept(record: DocRecord) -> list[RelationRecord]:
    keys = set(span_keys(record.spans))
    return [r for r in record.relations if r.source in keys and r.target in keys]


@dataclass(frozen=True, slots=True)
class Columns:
    """The columns holding the text and the spans (doccano lets a project name them, as in its
    own example ``column_data``/``column_label``)."""

    text: str = "text"
    label: str = "label"


def read(
    path: Path,
    annotator: str | None = None,
    report: ReadReport | None = None,
    *,
    by_annotator: bool = False,
    text_field: str = "text",
    label_field: str = "label",
) -> Iterator[DocRecord]:
    """Read a doccano file (every span gets ``annotator``) or a folder of them; with
    ``by_annotator`` each file in the folder is named after its annotator."""
    path = Path(path)
    report = report if report is not None else ReadReport(path)
    columns = Columns(text_field, label_field)
    if not path.is_dir():
        yield from _read_file(path, annotator, report, columns)
        return
    files = sorted(
        p for p in path.iterdir() if p.suffix in (".jsonl", ".json") and not p.name.startswith(".")
    )
    if not files:
        raise InputError(str(path), "no .jsonl or .json files in this folder")
    for file in files:
        who = annotator_from_filename(file.stem, annotator) if by_annotator else annotator
        yield from _read_file(file, who, report, columns)


def _read_file(
    path: Path, annotator: str | None, report: ReadReport, columns: Columns
) -> Iterator[DocRecord]:
    for obj, line in json_items(path, read_text(path)):
        record = _record(obj, path, line_of(obj, line) or line, annotator, report, columns)
        report.count(record)
        yield record


def _offset(omap: OffsetMap, u16: Any, path: Path, line: int, what: str) -> int:
    if not isinstance(u16, int) or isinstance(u16, bool):
        raise InputError(str(path), f"{what}: offsets must be whole numbers", line)
    try:
        return omap.to_cp(u16)
    except ValueError as exc:
        raise InputError(str(path), f"{what}: {exc} (doccano counts UTF-16 code units)", line) from None


def _looks_like_spans(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(x, list) and len(x) == 3 and isinstance(x[2], str) for x in value)
    )


def _record(
    obj: Any, path: Path, line: int, annotator: str | None, report: ReadReport, columns: Columns
) -> DocRecord:
    if not isinstance(obj, dict):
        raise InputError(str(path), "expected a JSON object per document", line)
    candidates = [columns.text] if columns.text != "text" else ["text", "data"]
    key = next((k for k in candidates if k in obj), None)
    if key is None:
        found = ", ".join(sorted(obj)) or "none"
        raise InputError(
            str(path),
            f"document has no {columns.text!r} field (fields: {found}; --text-field names the text column)",
            line,
        )
    text = need(obj, key, str, path, line, "document")
    record = DocRecord(text=text, source_file=str(path), line=line)
    meta = obj.get("meta")
    record.meta = dict(meta) if isinstance(meta, dict) else {}
    known = _KNOWN | {key, columns.label}
    for name, value in obj.items():
        if name in FIELDS and isinstance(value, str):
            setattr(record, name, value)
        elif name not in known:
            record.meta[name] = value
            hint = (
                " (it holds spans: --label-field names the label column)" if _looks_like_spans(value) else ""
            )
            report.note(f"column {name!r} is not doccano's: kept in the document's metadata{hint}")
    if obj.get("Comments"):
        report.skip("doccano comments", len(obj["Comments"]))
    omap = OffsetMap(text)
    if "entities" in obj:
        _entities(obj, record, omap, path, line, annotator)
        return record
    labels = obj.get(columns.label, [])
    if not isinstance(labels, list):
        raise InputError(str(path), f"{columns.label!r} must be a list of [start, end, label]", line)
    for i, item in enumerate(labels):
        what = f"label {i + 1}"
        if isinstance(item, str):
            raise InputError(
                str(path), f"{what} is a category ({item!r}), not a span: not a labeling file", line
            )
        if not (isinstance(item, list) and len(item) == 3 and isinstance(item[2], str)):
            raise InputError(str(path), f"{what} must be [start, end, label]", line)
        start = _offset(omap, item[0], path, line, what)
        end = _offset(omap, item[1], path, line, what)
        check_range(path, line, text, start, end, what)
        record.spans.append(SpanRecord(start, end, item[2], annotator, key=str(i)))
    return record


def _entities(
    obj: dict[str, Any], record: DocRecord, omap: OffsetMap, path: Path, line: int, annotator: str | None
) -> None:
    entities = need(obj, "entities", list, path, line, "document")
    for i, ent in enumerate(entities):
        what = f"entity {i + 1}"
        ent_line = line_of(ent, line) or line
        ident = need(ent, "id", (int, str), path, ent_line, what)
        start = _offset(omap, need(ent, "start_offset", int, path, ent_line, what), path, ent_line, what)
        end = _offset(omap, need(ent, "end_offset", int, path, ent_line, what), path, ent_line, what)
        check_range(path, ent_line, record.text, start, end, what)
        label = need(ent, "label", str, path, ent_line, what)
        record.spans.append(SpanRecord(start, end, label, annotator, key=str(ident)))
    keys = {s.key for s in record.spans}
    relations = obj.get("relations") or []
    if not isinstance(relations, list):
        raise InputError(str(path), "'relations' must be a list", line)
    for i, rel in enumerate(relations):
        what = f"relation {i + 1}"
        rel_line = line_of(rel, line) or line
        ends = [str(need(rel, k, (int, str), path, rel_line, what)) for k in ("from_id", "to_id")]
        for ref in ends:
            if ref not in keys:
                raise InputError(str(path), f"{what} refers to a missing entity {ref!r}", rel_line)
        kind = need(rel, "type", str, path, rel_line, what)
        record.relations.append(RelationRecord(ends[0], ends[1], kind, annotator))
