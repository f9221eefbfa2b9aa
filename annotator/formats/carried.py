"""What the peer formats write for a span's codebook values and registry actor, shared by the
writers that hold them (Label Studio, W3C, spaCy) and the report lines of those that cannot."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from annotator.formats.base import ExportReport, Writer
from annotator.records import ActorRef, DocRecord, SpanRecord

ATTRIBUTES_LOST = "attribute values of spans and relations ({} has no place for them)"
RELATION_ATTRIBUTES_LOST = "attribute values of relations ({} has no place for them)"
ACTORS_LOST = "actor links of spans ({} has no place for them)"
WIKIDATA = "http://www.wikidata.org/entity/"


def shown(value: Any) -> str:
    """A value as a person reads it (as ``attributes_values.show_value``, which formats may not
    import: it pulls in the operations): yes/no, numbers as written, lists joined by "+"."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "+".join(str(v) for v in value) if isinstance(value, list) else str(value)


def note_lines(record: DocRecord, span: SpanRecord, file: str, line: int, head: str) -> None:
    """Remember that ``span``'s values come from ``file``'s ``line`` (``head``: what the line is
    called there), so a value the codebook refuses names that line (``DocRecord.value_lines``)."""
    if span.key is None or not span.attributes:
        return
    if record.value_lines is None:
        record.value_lines = {}
    for name in span.attributes:
        record.value_lines.setdefault((span.key, name), (file, line, head))


def declare_values(record: DocRecord) -> None:
    """Note the values ``record`` carries in ``new_attributes`` (label → name → values seen),
    ``new_relation_attributes`` (relation type → …) and ``new_document_attributes`` (name → …),
    so that importing a peer file creates what the codebook lacks instead of refusing it."""
    record.new_attributes = _seen((s.label, s.attributes) for s in record.spans)
    record.new_relation_attributes = _seen((r.type, r.attributes) for r in record.relations)
    documents = _seen(("", values) for values in (record.attributes or {}).values())
    record.new_document_attributes = documents[""] if documents else None


def _seen(carriers: Iterable[tuple[str, dict[str, Any] | None]]) -> dict[str, dict[str, list[Any]]] | None:
    book: dict[str, dict[str, list[Any]]] = {}
    for owner, values in carriers:
        for name, value in (values or {}).items():
            seen = book.setdefault(owner, {}).setdefault(name, [])
            if value not in seen:
                seen.append(value)
    return book or None


def document_values(found: Any) -> dict[str, dict[str, Any]] | None:
    """Document values as a file carries them (annotator → name → value), or None: anything
    else is not taken (the import checks the values against the codebook)."""
    if not isinstance(found, dict):
        return None
    out = {str(who): dict(values) for who, values in found.items() if isinstance(values, dict) and values}
    return out or None


def parts(found: Any) -> list[tuple[int, int]] | None:
    """A multi-part span's parts as a file carries them (``[[0, 5], [16, 23]]``), or None;
    ValueError for anything else (the import checks them against the text)."""
    if found is None:
        return None
    if not isinstance(found, list | tuple) or not all(
        isinstance(p, list | tuple) and len(p) == 2 and all(type(x) is int for x in p) for p in found
    ):
        raise ValueError(f"fragments must be a list of [start, end] pairs, not {found!r}")
    return [(int(a), int(b)) for a, b in found] or None


def kb_id(actor: ActorRef | None) -> str:
    """The actor as a knowledge-base id: its external id, else ``actor:<id>``, else ""."""
    if actor is None:
        return ""
    if actor.external_id:
        return actor.external_id
    return f"actor:{actor.id}" if actor.id is not None else ""


def actor_iri(actor: ActorRef) -> str:
    """The actor as an IRI: Wikidata's for a ``Q…`` id, the id itself if it is one, else a URN."""
    ext = actor.external_id or ""
    if ext[:1] == "Q" and ext[1:].isdigit():
        return WIKIDATA + ext
    if "://" in ext:
        return ext
    if ext:
        return f"urn:annotator:external:{ext}"
    return f"urn:annotator:actor:{actor.id}"


def actor_json(actor: ActorRef) -> dict[str, Any]:
    out: dict[str, Any] = {"id": actor.id, "name": actor.name, "external_id": actor.external_id}
    details = {"aliases": actor.aliases, "kind": actor.kind, "attributes": actor.attributes}
    return out | {k: v for k, v in details.items() if v}


def has_details(actor: ActorRef | None) -> bool:
    """The actor has registry details beyond its name and external id (aliases, kind, attributes)."""
    return actor is not None and bool(actor.aliases or actor.kind or actor.attributes)


def report_lost(
    report: ExportReport, record: DocRecord, fmt: str, *, spans: bool, relations: bool, actors: bool
) -> None:
    """Count what ``record`` holds that the format ``fmt`` does not write (each flag: it cannot)."""
    values = sum(bool(s.attributes) for s in record.spans) if spans else 0
    values += sum(bool(r.attributes) for r in record.relations) if relations else 0
    if values:
        reason = ATTRIBUTES_LOST if spans else RELATION_ATTRIBUTES_LOST
        report.leave_out(reason.format(fmt), values)
    if actors:
        linked = sum(s.actor is not None for s in record.spans)
        if linked:
            report.leave_out(ACTORS_LOST.format(fmt), linked)


# What each export format cannot hold: (span values, relation values, actors). Formats not named
# hold all three (native JSONL, brat, spaCy, W3C) or report for themselves (Label Studio).
CANNOT_HOLD: dict[str, tuple[str, bool, bool, bool]] = {
    "doccano": ("doccano", True, True, True),
    "doccano-relations": ("doccano", True, True, True),
    "prodigy": ("Prodigy", True, True, True),
    "iob": ("IOB", True, True, True),
    "conll": ("IOB", True, True, True),
    "hf-jsonl": ("Hugging Face JSONL", True, True, True),
}


# Formats that hold actor links but not the registry's details of the actors.
NO_ACTOR_DETAILS = {"brat": "brat", "w3c": "W3C", "labelstudio": "Label Studio"}
ACTOR_DETAILS_LOST = (
    "registry actors' aliases, kind and attributes ({} has no place for them; native JSONL or "
    "`annotator actors export` carries them)"
)


def reporting_lost(fmt: str, writer: Writer) -> Writer:
    """``writer``, reporting the values and actor links the format ``fmt`` leaves out."""
    if fmt in NO_ACTOR_DETAILS:
        return _details_reported(NO_ACTOR_DETAILS[fmt], writer)
    holds = CANNOT_HOLD.get(fmt)
    if holds is None:
        return writer
    name, spans, relations, actors = holds

    def write(records: Iterable[DocRecord], out: Path, report: ExportReport) -> None:
        def counted() -> Iterator[DocRecord]:
            for record in records:
                report_lost(report, record, name, spans=spans, relations=relations, actors=actors)
                yield record

        writer(counted(), out, report)

    return write


def _details_reported(name: str, writer: Writer) -> Writer:
    """``writer``, counting once each linked actor whose aliases, kind or attributes it drops."""

    def write(records: Iterable[DocRecord], out: Path, report: ExportReport) -> None:
        seen: set[int | None] = set()

        def counted() -> Iterator[DocRecord]:
            for record in records:
                for span in record.spans:
                    actor = span.actor
                    if actor is not None and has_details(actor) and actor.id not in seen:
                        seen.add(actor.id)
                        report.leave_out(ACTOR_DETAILS_LOST.format(name))
                yield record

        writer(counted(), out, report)

    return write
