"""Label Studio JSON: a list of tasks ``{"id", "data": {"text", ...}, "annotations": [...]}`` with
one annotation per annotator holding ``labels`` results (regions) and ``relation`` results.

Offsets are code points in current Label Studio. Old versions counted UTF-16 units; every region's
``value.text`` is checked against both readings, a UTF-16 one is converted and reported, and a
region whose text is at neither raises InputError instead of importing a shifted span.
Who annotated: ``completed_by`` — its email, else first and last name, else ``user-<id>`` (the
same for a bare user id); annotations without it get the ``annotator`` argument. Predictions,
cancelled annotations and results that are not text regions (choices, text areas, ...) are
skipped and reported. A region with several labels becomes one span per label; a relation with
several labels one relation per label (direction "left" is reversed). A flat task list
(``[{"text": …}]``, which Label Studio imports) reads like tasks with that ``data``; data fields
other than the text are kept in the document's metadata under ``data`` (and written back there);
image, audio and other tasks without text are skipped and reported.

The writer fills ``value.text``, writes one annotation per annotator, and beside ``tasks.json``
writes ``tasks.label_config.xml``: a labeling config whose names match the results. A span's
codebook values are per-region results (``choices``, ``number``, ``textarea`` by the attribute's
kind; ``annotator.formats.labelstudio_values``), read back onto the region's spans; the config
declares those controls. Relation values and actor links have no place in Label Studio and are
reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from annotator.atomic import atomic_write
from annotator.errors import InputError
from annotator.formats.base import ExportReport, Writer
from annotator.formats.carried import declare_values, report_lost
from annotator.formats.jsonstream import stream_items
from annotator.formats.labelstudio_values import (
    FROM_NAME,
    TO_NAME,
    VALUE_TYPES,
    Control,
    Kinds,
    config_kinds,
    control_xml,
    per_region,
    per_task,
    take_back,
)
from annotator.formats.peerkit import (
    Layer,
    ReadReport,
    dumps,
    layers,
    line_of,
    need,
    resolve,
    shown,
    span_keys,
)
from annotator.records import DocRecord, RelationRecord, SpanRecord
from annotator.text import OffsetMap

FIELDS = ("title", "author", "published", "source_url")
CROSS_LAYER = "relations whose ends are not both spans of the relation's annotator"


def config_path(out: Path) -> Path:
    return out.with_name(out.stem + ".label_config.xml")


def _completed_by(name: str, people: dict[str, int]) -> dict[str, Any]:
    """A Label Studio user for an annotator name that reads back as the same name."""
    ident = people.setdefault(name, len(people) + 1)
    if "@" in name:
        return {"id": ident, "email": name, "first_name": "", "last_name": ""}
    return {"id": ident, "email": "", "first_name": name, "last_name": ""}


def _task(
    record: DocRecord,
    number: int,
    people: dict[str, int],
    report: ExportReport,
    controls: dict[str, Control] | None = None,
    kinds: Kinds | None = None,
) -> dict[str, Any]:
    controls = controls if controls is not None else {}
    report_lost(report, record, "Label Studio", spans=False, relations=True, actors=True)
    extra = record.meta.get("data") if record.meta else None
    data: dict[str, Any] = dict(extra) if isinstance(extra, dict) else {}
    data["text"] = record.text
    for name in FIELDS:
        if getattr(record, name) is not None:
            data[name] = getattr(record, name)
    parts, homeless = layers(record)
    report.leave_out(CROSS_LAYER, homeless, "relations")
    annotations = []
    pending = dict(record.attributes or {})  # document values, by annotator
    # An annotator with document values but no labels here gets an annotation of those alone.
    parts += [Layer(who) for who in pending if who not in {p.annotator for p in parts}]
    for n, part in enumerate(parts, start=1):
        result: list[dict[str, Any]] = per_task(pending.get(part.annotator or ""), controls, kinds or {})
        for key, s in zip(span_keys(part.spans), part.spans, strict=True):
            value = {
                "start": s.start,
                "end": s.end,
                "text": record.text[s.start : s.end],
                "labels": [s.label],
            }
            result.append(
                {
                    "id": key,
                    "from_name": FROM_NAME,
                    "to_name": TO_NAME,
                    "type": "labels",
                    "origin": "manual",
                    "value": value,
                }
            )
            result += per_region(key, s, value, controls, kinds or {})
        for r in part.relations:
            result.append(
                {
                    "from_id": r.source,
                    "to_id": r.target,
                    "type": "relation",
                    "direction": "right",
                    "labels": [r.type],
                }
            )
        annotation: dict[str, Any] = {"id": number * 1000 + n, "result": result, "was_cancelled": False}
        if part.annotator is not None:
            annotation["completed_by"] = _completed_by(part.annotator, people)
        annotations.append(annotation)
    task: dict[str, Any] = {"id": record.doc_id if record.doc_id is not None else number, "data": data}
    meta = {k: v for k, v in (record.meta or {}).items() if not (k == "data" and isinstance(v, dict))}
    if meta:
        task["meta"] = meta
    task["annotations"] = annotations
    task["predictions"] = []
    return task


def writer(kinds: Kinds | None = None) -> Writer:
    """A writer that knows the codebook's kinds (``labelstudio_values.Kinds``), e.g. which
    values are short texts (written as text areas, not choices)."""

    def write(records: Iterable[DocRecord], out: Path, report: ExportReport) -> None:
        """Stream the tasks as one JSON array into ``out``, then write the labeling config beside it."""
        out = Path(out)
        people: dict[str, int] = {}
        labels: set[str] = set()
        types: set[str] = set()
        controls: dict[str, Control] = {}
        with atomic_write(out) as fh:
            fh.write("[")
            for i, record in enumerate(records):
                report.count(record)
                task = _task(record, i + 1, people, report, controls, kinds)
                fh.write(("\n" if i == 0 else ",\n") + dumps(task))
                labels.update(s.label for s in record.spans)
                types.update(r.type for r in record.relations)
            fh.write("\n]\n")
        with atomic_write(config_path(out)) as fh:
            fh.write("<View>\n")
            fh.write(f'  <Labels name="{FROM_NAME}" toName="{TO_NAME}">\n')
            fh.writelines(f"    <Label value={quoteattr(name)}/>\n" for name in sorted(labels))
            fh.write("  </Labels>\n  <Relations>\n")
            fh.writelines(f"    <Relation value={quoteattr(name)}/>\n" for name in sorted(types))
            fh.write(f'  </Relations>\n  <Text name="{TO_NAME}" value="$text"/>\n')
            fh.writelines(control_xml(name, control) for name, control in sorted(controls.items()))
            fh.write("</View>\n")

    return write


write = writer()


def person(completed_by: Any, fallback: str | None) -> str | None:
    """The annotator's name from ``completed_by`` (see the module docstring for the rule)."""
    if isinstance(completed_by, dict):
        email = completed_by.get("email")
        if isinstance(email, str) and email:
            return email
        parts = (completed_by.get("first_name"), completed_by.get("last_name"))
        name = " ".join(p for p in parts if isinstance(p, str) and p).strip()
        if name:
            return name
        completed_by = completed_by.get("id")
    if isinstance(completed_by, int | str) and not isinstance(completed_by, bool) and completed_by != "":
        return f"user-{completed_by}"
    return fallback


# Data keys of Label Studio's non-text object tags: such tasks are not text documents.
MEDIA = frozenset({"image", "audio", "video", "pdf", "timeseries", "url", "img", "video_url", "audio_url"})
_MEDIA_VALUE = re.compile(
    r"^(?:https?://|s3://|gs://|azure-blob://|/data/)\S*$|\.(?:png|jpe?g|gif|bmp|tiff?|webp|svg|wav|mp3|"
    r"ogg|flac|m4a|mp4|webm|mov|avi|pdf)$",
    re.IGNORECASE,
)
MEDIA_SKIP = "tasks without text (image, audio, video, … tasks are not text documents)"
_TASK_KEYS = {"id", "annotations", "completions", "predictions", "meta", "drafts", "created_at", "updated_at"}


_MIN_KEYS = {"annotation_id", "annotator", "lead_time"}


def task_data(task: dict[str, Any]) -> Any:
    """A task's data: ``data``, or the task itself in a flat task list (``[{"text": …}]``), which
    Label Studio imports too. A JSON-MIN export (results flattened in as lists, ``annotator``…)
    is not one: None, refused by the caller."""
    if "data" in task or not any(isinstance(v, str) for v in task.values()):
        return task.get("data")
    if _MIN_KEYS & task.keys() or any(isinstance(v, list) for v in task.values()):
        return None
    return {k: v for k, v in task.items() if k not in _TASK_KEYS}


def _text_field(data: Any, path: Path, line: int) -> str | None:
    """Which data field holds the task's text: ``text``, else the only string field; None for an
    image/audio/… task (reported and skipped by the caller)."""
    if not isinstance(data, dict):
        raise InputError(str(path), "task has no 'data' object (a JSON-MIN export? export as JSON)", line)
    if isinstance(data.get("text"), str):
        return "text"
    strings = [k for k, v in data.items() if isinstance(v, str) and k not in FIELDS]
    media = [k for k in strings if k.lower() in MEDIA or _MEDIA_VALUE.search(data[k].strip())]
    if media:
        return None
    if len(strings) == 1:
        return strings[0]
    raise InputError(str(path), f"cannot tell which of the task's data fields {strings} is the text", line)


def _length(value: Any) -> int:
    return len(value) if isinstance(value, list) else 0


def read(path: Path, annotator: str | None = None, report: ReadReport | None = None) -> Iterator[DocRecord]:
    """Read a Label Studio JSON export (a list of tasks, or one task), a task at a time."""
    path = Path(path)
    report = report if report is not None else ReadReport(path)
    config = config_kinds(config_path(path))
    for item in stream_items(path):
        try:
            record = _record(item.value, item.line, path, annotator, report, config)
        except InputError:
            # Name the line of the bad annotation or result: the task again, its objects' lines known.
            _record(item.precise(path), item.line, path, annotator, ReadReport(path), config)
            raise
        if record is not None:
            yield record


def _record(
    task: Any,
    line0: int,
    path: Path,
    annotator: str | None,
    report: ReadReport,
    config: dict[str, str] | None = None,
) -> DocRecord | None:
    """One task as a record (None: an image, audio, … task, reported)."""
    line = line_of(task, line0) or line0
    if not isinstance(task, dict):
        raise InputError(str(path), "expected a task object", line)
    data = task_data(task)
    key = _text_field(data, path, line)
    if key is None:
        report.skip(MEDIA_SKIP)
        return None
    text = str(data[key])
    record = DocRecord(text=text, source_file=str(path), line=line)
    for name in FIELDS:
        if isinstance(data.get(name), str):
            setattr(record, name, data[name])
    if isinstance(task.get("meta"), dict):
        record.meta = dict(task["meta"])
    unused = {k: v for k, v in data.items() if k != key and not (k in FIELDS and isinstance(v, str))}
    if unused:  # kept, and written back into ``data`` on export
        record.meta["data"] = unused
    predictions = task.get("predictions")
    report.skip("predictions (model output, not annotations)", _length(predictions))
    omap = OffsetMap(text)
    annotations = task.get("annotations") or task.get("completions") or []
    for n, ann in enumerate(annotations if isinstance(annotations, list) else []):
        if not isinstance(ann, dict):
            raise InputError(str(path), f"annotation {n + 1} must be an object", line)
        if ann.get("was_cancelled"):
            report.skip("cancelled annotations")
            continue
        who = person(ann.get("completed_by"), annotator)
        values = _annotation(ann, n, record, omap, who, path, line, report)
        for kind in take_back(record, values[0], values[1], config or {}, path, who):
            report.skip(f"results of type {kind!r} (not text regions)")
    declare_values(record)
    report.count(record)
    return record


def _annotation(
    ann: dict[str, Any],
    n: int,
    record: DocRecord,
    omap: OffsetMap,
    who: str | None,
    path: Path,
    line: int,
    report: ReadReport,
) -> tuple[list[tuple[dict[str, Any], int]], dict[str, list[str]]]:
    """Read one annotation's regions and relations; returns its per-region value results and
    its regions (id → span keys), for ``take_back``."""
    regions: dict[str, list[str]] = {}
    valued: list[tuple[dict[str, Any], int]] = []
    places: dict[str, tuple[int, int]] = {}
    relations: list[tuple[dict[str, Any], int]] = []
    results = ann.get("result") or []
    for i, res in enumerate(results if isinstance(results, list) else []):
        where = line_of(res, line_of(ann, line)) or line
        kind = res.get("type") if isinstance(res, dict) else None
        if kind == "relation":
            relations.append((res, where))
        elif kind in VALUE_TYPES and isinstance(res, dict):
            valued.append((res, where))
        elif kind != "labels":
            report.skip(f"results of type {kind!r} (not text regions)")
        else:
            what = f"region {res.get('id', i + 1)}"
            value = need(res, "value", dict, path, where, what)
            start, end = value.get("start"), value.get("end")
            if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool):
                raise InputError(
                    str(path), f"{what}: start/end are not character offsets (HyperText?)", where
                )
            quote = value.get("text") if isinstance(value.get("text"), str) else None
            found = resolve(record.text, omap, start, end, quote)
            if found is None:
                at = record.text[start:end] if 0 <= start <= end <= len(record.text) else "(outside the text)"
                raise InputError(
                    str(path),
                    f"{what}: its text {shown(quote or '')} is not at {start}–{end} ({shown(at)})",
                    where,
                )
            if found[2] == "UTF-16":
                report.note("regions with UTF-16 offsets (older Label Studio), converted to code points")
            elif found[2] == "unchecked":
                report.note("regions without value.text (offsets not checked)")
            labels = value.get("labels") or []
            if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
                raise InputError(str(path), f"{what}: 'labels' must be a list of strings", where)
            rid = str(res.get("id", f"#{i}"))
            if places.setdefault(rid, found[:2]) != found[:2]:  # relations would join both places
                raise InputError(str(path), f"{what}: region id {rid!r} is used for two places", where)
            for k, label in enumerate(labels, len(regions.get(rid, ()))):
                key = f"{n}:{rid}:{k}" if k else f"{n}:{rid}"
                record.spans.append(SpanRecord(found[0], found[1], label, who, key=key))
                regions.setdefault(rid, []).append(key)
    for res, where in relations:
        ends = [str(res.get("from_id")), str(res.get("to_id"))]
        for ref in ends:
            if ref not in regions:
                raise InputError(
                    str(path), f"relation refers to region {ref!r}, which has no labels here", where
                )
        if res.get("direction") == "left":
            ends.reverse()
        labels = res.get("labels") or []
        if not isinstance(labels, list):
            raise InputError(str(path), "relation: 'labels' must be a list", where)
        if not labels:
            report.skip("relations without a label")
        for label in labels:
            for a in regions[ends[0]]:
                for b in regions[ends[1]]:
                    record.relations.append(RelationRecord(a, b, str(label), who))
    return valued, regions
