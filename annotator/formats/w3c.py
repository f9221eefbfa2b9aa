"""W3C Web Annotation JSON-LD: one annotation per span, with a tagging body (the label) and a
target holding a TextQuoteSelector (exact, ~32 characters of prefix and suffix) and a
TextPositionSelector (code points, as the spec counts characters); relations are annotations with
``motivation: "linking"`` whose target is the two span annotations' ids and whose tagging body is
the relation type (as recogito-js writes them). ``creator`` is the annotator. Codebook values
are further bodies with ``purpose: "classifying"`` (``value`` as a person reads it: yes/no, lists
joined by "+"; ``annotator:attribute`` the attribute's name, ``annotator:value`` the stored JSON
value); a span's registry actor is a ``SpecificResource`` body with ``purpose: "identifying"``
whose ``source`` is the actor's IRI (Wikidata's for a ``Q…`` external id, else
``urn:annotator:actor:<id>``), with ``annotator:actor``, ``annotator:name`` and
``annotator:external_id``. A document's own values (the codebook's document attributes) are
``annotator:attributes`` of its source, by annotator. A multi-part span's selectors give its hull
(what other tools read: Hypothesis and Recogito take one selector), its parts are the
annotation's ``annotator:fragments`` (``[[0, 5], [16, 23]]``). The reader takes them all back.

The annotations do not carry the text they point into, so the writer puts the texts in the same
file: an AnnotationCollection whose embedded first page holds the annotations, plus an extension
property ``annotator:sources`` (namespace ``urn:annotator:vocab#`` declared in the context)
listing each document: ``{"id": <IRI>, "annotator:text": ..., "title", ...}``. A document's IRI is
its source_url, or ``urn:annotator:doc:<content hash>``; a second document with the same URL or
text gets ``urn:annotator:doc:<content hash>:<number>``, so the two are not read back as one. The reader takes that layout, or
annotations from another tool (a single annotation, an array, a collection or page) with the text
in a ``.txt`` file of the same name beside them, used for all the annotations in the file.

Reading prefers the TextPositionSelector and checks it against the quote's ``exact``; a UTF-16
position (JavaScript tools) is converted and reported; a mismatch raises InputError. Without a
position the quote is searched for with its prefix and suffix.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from annotator.atomic import atomic_write
from annotator.errors import InputError
from annotator.formats.base import ExportReport
from annotator.formats.carried import WIKIDATA, actor_iri, declare_values, document_values, note_lines, parts
from annotator.formats.carried import shown as show_value
from annotator.formats.peerkit import (
    ReadReport,
    dumps,
    json_values,
    leave_out,
    line_of,
    read_text,
    resolve,
    shown,
    span_keys,
)
from annotator.hashing import content_hash
from annotator.records import ActorRef, DocRecord, RelationRecord, SpanRecord
from annotator.spillset import SpillSet
from annotator.text import OffsetMap

CONTEXT = ["http://www.w3.org/ns/anno.jsonld", {"annotator": "urn:annotator:vocab#"}]
FIELDS = ("title", "author", "published")
CONTEXT_CHARS = 32
DANGLING = "relations to a span that is not in the document"


def _creator(name: str | None) -> dict[str, Any]:
    return {} if name is None else {"creator": {"type": "Person", "name": name}}


def _bodies(values: dict[str, Any] | None, actor: ActorRef | None = None) -> list[dict[str, Any]]:
    """Classifying bodies for codebook values, an identifying one for the registry actor."""
    out: list[dict[str, Any]] = [
        {
            "type": "TextualBody",
            "purpose": "classifying",
            "value": show_value(value),
            "annotator:attribute": name,
            "annotator:value": value,
        }
        for name, value in sorted((values or {}).items())
    ]
    if actor is not None:
        out.append(
            {
                "type": "SpecificResource",
                "purpose": "identifying",
                "source": actor_iri(actor),
                "annotator:actor": actor.id,
                "annotator:name": actor.name,
                "annotator:external_id": actor.external_id,
            }
        )
    return out


def _annotations(record: DocRecord, number: int, iri: str, created: str) -> Iterator[dict[str, Any]]:
    text = record.text
    prefix = f"urn:annotator:anno:{number}:"
    for key, s in zip(span_keys(record.spans), record.spans, strict=True):
        quote = {
            "type": "TextQuoteSelector",
            "exact": text[s.start : s.end],
            "prefix": text[max(0, s.start - CONTEXT_CHARS) : s.start],
            "suffix": text[s.end : s.end + CONTEXT_CHARS],
        }
        position = {"type": "TextPositionSelector", "start": s.start, "end": s.end}
        yield {
            "id": prefix + key,
            "type": "Annotation",
            "motivation": "tagging",
            "body": [
                {"type": "TextualBody", "purpose": "tagging", "value": s.label},
                *_bodies(s.attributes, s.actor),
            ],
            "target": {"source": iri, "selector": [quote, position]},
            **_creator(s.annotator),
            "created": created,
            **({"annotator:fragments": [list(p) for p in s.fragments]} if s.fragments else {}),
        }
    keys = set(span_keys(record.spans))
    for n, r in enumerate(record.relations):
        if r.source in keys and r.target in keys:
            yield {
                "id": f"{prefix}rel{n}",
                "type": "Annotation",
                "motivation": "linking",
                "body": [
                    {"type": "TextualBody", "purpose": "tagging", "value": r.type},
                    *_bodies(r.attributes),
                ],
                "target": [{"id": prefix + r.source}, {"id": prefix + r.target}],
                **_creator(r.annotator),
                "created": created,
            }


def write(records: Iterable[DocRecord], out: Path, report: ExportReport) -> None:
    """Stream annotations into the collection; the document texts go to a spool file first and
    are appended as ``annotator:sources`` at the end, so memory stays flat (the IRIs already
    written are a ``SpillSet``)."""
    created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    total = sources = 0
    with (
        atomic_write(out) as fh,
        tempfile.TemporaryFile("w+", encoding="utf-8") as spool,
        SpillSet() as seen,
    ):
        head = {"@context": CONTEXT, "type": "AnnotationCollection", "label": Path(out).stem}
        fh.write(dumps(head)[:-1] + ',\n"first": {"type": "AnnotationPage", "items": [')
        for number, record in enumerate(records, start=1):
            report.count(record)
            iri = record.source_url or f"urn:annotator:doc:{content_hash(record.text)}"
            if iri in seen:  # a second document with this URL or text (kept apart): a source of its own
                iri = f"urn:annotator:doc:{content_hash(record.text)}:{number}"
            source: dict[str, Any] = {"id": iri, "type": "Text", "annotator:text": record.text}
            source.update({f"annotator:{f}": getattr(record, f) for f in FIELDS if getattr(record, f)})
            if record.meta:
                source["annotator:meta"] = record.meta
            if record.attributes:
                source["annotator:attributes"] = record.attributes
            spool.write(("" if not sources else ",\n") + dumps(source))
            sources += 1
            seen.add(iri)
            keys = set(span_keys(record.spans))
            leave_out(report, DANGLING, sum(not {r.source, r.target} <= keys for r in record.relations))
            for item in _annotations(record, number, iri, created):
                fh.write(("\n" if total == 0 else ",\n") + dumps(item))
                total += 1
        fh.write(f'\n]}},\n"total": {total},\n"annotator:sources": [\n')
        spool.seek(0)
        shutil.copyfileobj(spool, fh)
        fh.write("\n]}\n")


def read(path: Path, annotator: str | None = None, report: ReadReport | None = None) -> Iterator[DocRecord]:
    """Read annotations with their texts (see the module docstring for the layouts accepted)."""
    path = Path(path)
    report = report if report is not None else ReadReport(path)
    items: list[tuple[dict[str, Any], int]] = []
    sources: dict[str, DocRecord] = {}
    for value, line in json_values(path, read_text(path)):
        _collect(value, line, path, items, sources)
    if not sources:
        sidecar = path.with_suffix(".txt")
        if not sidecar.is_file():
            raise InputError(
                str(path),
                f"no document texts: W3C annotations do not carry them; put the text in {sidecar.name}",
            )
        sources[""] = DocRecord(text=read_text(sidecar), source_file=str(sidecar))
    lone = next(iter(sources.values())) if len(sources) == 1 else None
    spans: dict[str, tuple[DocRecord, list[str]]] = {}
    links: list[tuple[dict[str, Any], int]] = []
    for n, (anno, line) in enumerate(items):
        if anno.get("motivation") == "linking" or isinstance(anno.get("target"), list):
            links.append((anno, line))
            continue
        target = anno.get("target")
        source = target.get("source") if isinstance(target, dict) else None
        record = sources.get(source) if isinstance(source, str) else None
        record = record or lone
        if record is None or not isinstance(target, dict):
            raise InputError(
                str(path), f"annotation {anno.get('id')!r}: no text for its target {source!r}", line
            )
        start, end = _locate(record, target, path, line, str(anno.get("id")), report)
        tags = _tags(anno)
        if not tags:
            report.skip("annotations without a tagging body (comments, highlights)")
            continue
        who = _person(anno.get("creator"), annotator)
        if anno.get("id") is not None and str(anno.get("id")) in spans:  # links would pick one
            raise InputError(str(path), f"annotation id {anno.get('id')!r} is used twice", line)
        keys = spans.setdefault(str(anno.get("id")), (record, []))[1]
        try:
            pieces = parts(anno.get("annotator:fragments"))
        except ValueError as exc:
            raise InputError(str(path), f"annotation {anno.get('id')!r}: {exc}", line) from None
        for k, tag in enumerate(tags):
            keys.append(f"{n}:{anno.get('id')}" + (f"#{k}" if k else ""))
            record.spans.append(
                SpanRecord(
                    start,
                    end,
                    tag,
                    who,
                    key=keys[-1],
                    attributes=_values(anno),
                    actor=_actor(anno),
                    fragments=pieces,
                )
            )
            note_lines(record, record.spans[-1], str(path), line, f"annotation {anno.get('id')!r}")
    for anno, line in links:
        targets: list[Any] = anno["target"] if isinstance(anno.get("target"), list) else []
        ends = [str(t.get("id") if isinstance(t, dict) else t) for t in targets]
        if len(ends) != 2 or not all(e in spans for e in ends):
            report.skip("links that do not join two tagged annotations")
            continue
        (record, a_keys), (other, b_keys) = spans[ends[0]], spans[ends[1]]
        if record is not other:
            raise InputError(
                str(path), f"link {anno.get('id')!r} joins annotations on different documents", line
            )
        for kind in _tags(anno) or ["linking"]:
            for a in a_keys:
                for b in b_keys:
                    record.relations.append(
                        RelationRecord(
                            a, b, kind, _person(anno.get("creator"), annotator), attributes=_values(anno)
                        )
                    )
    for record in sources.values():
        declare_values(record)
        report.count(record)
        yield record


def _collect(
    value: Any, line: int, path: Path, items: list[tuple[dict[str, Any], int]], sources: dict[str, DocRecord]
) -> None:
    """Gather annotations and embedded texts from whatever container the file uses."""
    if isinstance(value, list):
        for v in value:
            _collect(v, line_of(v, line) or line, path, items, sources)
        return
    if not isinstance(value, dict):
        raise InputError(str(path), "expected annotations (JSON objects)", line)
    embedded = value.get("annotator:sources") or []
    if not isinstance(embedded, list):
        raise InputError(str(path), "'annotator:sources' must be a list", line)
    for src in embedded:
        where = line_of(src, line) or line
        if not isinstance(src, dict) or not isinstance(src.get("annotator:text"), str):
            raise InputError(str(path), "a source in annotator:sources has no annotator:text", where)
        iri = str(src.get("id"))
        record = DocRecord(text=src["annotator:text"], source_file=str(path), line=where)
        record.source_url = None if iri.startswith("urn:annotator:doc:") else iri
        for f in FIELDS:
            if isinstance(src.get(f"annotator:{f}"), str):
                setattr(record, f, src[f"annotator:{f}"])
        meta = src.get("annotator:meta")
        record.meta = dict(meta) if isinstance(meta, dict) else {}
        record.attributes = document_values(src.get("annotator:attributes"))
        sources[iri] = record
    kind = value.get("type")
    if kind in ("AnnotationCollection", "AnnotationPage"):
        for page in (value.get("first"), value.get("items")):
            if page is not None:
                _collect(
                    page.get("items", []) if isinstance(page, dict) else page, line, path, items, sources
                )
    elif kind == "Annotation" or "target" in value:
        items.append((value, line_of(value, line) or line))


def _tags(anno: dict[str, Any]) -> list[str]:
    bodies = anno.get("body") or []
    bodies = bodies if isinstance(bodies, list) else [bodies]
    return [
        b["value"]
        for b in bodies
        if isinstance(b, dict) and b.get("purpose") == "tagging" and isinstance(b.get("value"), str)
    ]


def _body_list(anno: dict[str, Any]) -> list[dict[str, Any]]:
    bodies = anno.get("body") or []
    return [b for b in (bodies if isinstance(bodies, list) else [bodies]) if isinstance(b, dict)]


def _values(anno: dict[str, Any]) -> dict[str, Any] | None:
    """Codebook values from classifying bodies this tool wrote (checked against the codebook on import)."""
    found = {
        b["annotator:attribute"]: b.get("annotator:value", b.get("value"))
        for b in _body_list(anno)
        if b.get("purpose") == "classifying" and isinstance(b.get("annotator:attribute"), str)
    }
    return found or None


def _actor(anno: dict[str, Any]) -> ActorRef | None:
    """The registry actor of an identifying body: its external id (a Wikidata IRI's QID) and name."""
    for b in _body_list(anno):
        if b.get("purpose") != "identifying":
            continue
        external = b.get("annotator:external_id")
        source = b.get("source")
        if not isinstance(external, str) and isinstance(source, str) and source.startswith(WIKIDATA):
            external = source[len(WIKIDATA) :]
        name = b.get("annotator:name")
        if isinstance(external, str) or isinstance(name, str):
            return ActorRef(
                name=name if isinstance(name, str) else None,
                external_id=external if isinstance(external, str) else None,
            )
    return None


def _person(creator: Any, fallback: str | None) -> str | None:
    if isinstance(creator, list) and creator:
        creator = creator[0]
    if isinstance(creator, dict):
        for key in ("name", "nickname", "id"):
            if isinstance(creator.get(key), str) and creator[key]:
                return str(creator[key])
    return creator if isinstance(creator, str) and creator else fallback


def _locate(
    record: DocRecord, target: dict[str, Any], path: Path, line: int, ident: str, report: ReadReport
) -> tuple[int, int]:
    """Code point offsets of a target: its position checked against its quote, or the quote found."""
    selectors = target.get("selector") or []
    selectors = selectors if isinstance(selectors, list) else [selectors]
    by_type = {s.get("type"): s for s in selectors if isinstance(s, dict) and isinstance(s.get("type"), str)}
    quote, position = by_type.get("TextQuoteSelector"), by_type.get("TextPositionSelector")
    exact = quote.get("exact") if quote and isinstance(quote.get("exact"), str) else None
    text = record.text
    if position and isinstance(position.get("start"), int) and isinstance(position.get("end"), int):
        start, end = position["start"], position["end"]
        found = resolve(text, OffsetMap(text), start, end, exact)
        if found is None:
            there = shown(text[start:end]) if 0 <= start <= end <= len(text) else "outside the text"
            raise InputError(
                str(path),
                f"annotation {ident!r}: quote {shown(exact or '')} is not at {start}–{end} ({there})",
                line,
            )
        if found[2] == "UTF-16":
            report.note("positions counted in UTF-16 units (JavaScript tools), converted")
        return found[0], found[1]
    if exact:
        prefix, suffix = str(quote.get("prefix") or ""), str(quote.get("suffix") or "")  # type: ignore[union-attr]
        at = text.find(prefix + exact + suffix)
        if at < 0:
            raise InputError(
                str(path), f"annotation {ident!r}: quote {shown(exact)} not found in the text", line
            )
        if text.find(prefix + exact + suffix, at + 1) >= 0:
            report.note("quotes found more than once (the first was taken)")
        report.note("annotations located by their quote (no TextPositionSelector)")
        return at + len(prefix), at + len(prefix) + len(exact)
    raise InputError(str(path), f"annotation {ident!r}: no TextPositionSelector or TextQuoteSelector", line)
