"""The "who said what" CSV, for analysis in a spreadsheet, pandas or R (export only).

One row per QUOTE or CLAIM span, in document order: the document's id, title, date and source URL,
the label, the span's text, the text of the actor(s) it is linked to by a ``speaker`` or
``claimant`` relation (several joined with " | "; empty when none is linked), the annotator, and
the span's start and end (code points, end exclusive), and its attribute values
(``type=direct; stance=pro``); then, from the project's actor registry, the speakers' actor ids,
canonical names, external ids and actor attributes (one JSON object per actor, e.g.
``{"party": "D", "role": "minister"}``; an actor merged into another is reported as the one that
absorbed it; a speaker span not linked to the registry leaves these cells empty at its place), the
quote's attributes as one JSON object, and the cue: the text of the span(s) its ``cue`` relation
points to ("said", "according to"), and the document's own codebook values (genre, topic) as the
row's annotator coded them, as a JSON object, and the values of each speaker link itself (the
``speaker``/``claimant`` relation's codebook attributes, e.g. ``{"certain": true}``; ``{}`` for a
link without any when another has some). Several speakers or cues are joined with " | ", in
the same order in every speaker column. UTF-8 without a byte-order mark, comma
separated, quoted where needed (span texts may contain commas, quotes and line breaks). A text
cell that a spreadsheet would run as a formula gets a leading ``'`` (``annotator.csvsafe``;
``raw=True`` / ``--raw-csv`` turns that off).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator import csvsafe
from annotator.atomic import atomic_write
from annotator.formats.base import ExportReport
from annotator.formats.peerkit import span_keys
from annotator.records import DocRecord

COLUMNS = (
    "document_id",
    "title",
    "date",
    "source_url",
    "label",
    "text",
    "actor",
    "annotator",
    "start",
    "end",
    "attributes",  # the span's codebook values: "type=direct; stance=pro" (multi values joined by +)
    "actor_id",  # the registry actors of the speakers (" | " between several)
    "actor_name",  # their canonical names
    "actor_external_id",  # e.g. a Wikidata QID
    "actor_attributes",  # each actor's attributes as a JSON object
    "quote_attributes",  # the quote's (or claim's) attributes as one JSON object
    "cue",  # the text of the span its cue relation points to
    "document_attributes",  # the annotator's document-level values (genre, topic) as a JSON object
    "speaker_link_attributes",  # each speaker link's own values as a JSON object (" | " between several)
)
ACTOR_SEPARATOR = " | "
CUE_TYPES = ("cue",)


@dataclass(frozen=True, slots=True)
class ActorInfo:
    """A registry actor as the CSV shows it (merges already followed)."""

    id: int
    name: str
    external_id: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ActorRegistry:
    """Which registry actor each span names, by span key (a project export's keys are span ids)."""

    spans: dict[str, int] = field(default_factory=dict)
    actors: dict[int, ActorInfo] = field(default_factory=dict)

    def of(self, key: str) -> ActorInfo | None:
        actor_id = self.spans.get(key)
        return None if actor_id is None else self.actors.get(actor_id)


# The registry of the project being exported, set by ``annotator.whosaid_carry.with_registry``
# around an export (the export pipeline's writers take records only); ``write(registry=...)`` wins.
REGISTRY: ContextVar[ActorRegistry | None] = ContextVar("whosaid_registry", default=None)


def _json(value: dict[str, Any] | None) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""


def _actor_cells(targets: list[str], registry: ActorRegistry) -> list[str]:
    """actor_id, actor_name, actor_external_id, actor_attributes of the speakers ``targets``."""
    found = [registry.of(key) for key in targets]
    if not any(found):
        return ["", "", "", ""]
    return [
        ACTOR_SEPARATOR.join("" if a is None else str(a.id) for a in found),
        ACTOR_SEPARATOR.join("" if a is None else a.name for a in found),
        ACTOR_SEPARATOR.join("" if a is None else a.external_id or "" for a in found),
        ACTOR_SEPARATOR.join("" if a is None else _json(a.attributes) or "{}" for a in found),
    ]


def _link_cells(values: list[dict[str, Any] | None]) -> str:
    """The speaker links' own values, one JSON object each; empty when none has any."""
    if not any(values):
        return ""
    return ACTOR_SEPARATOR.join(_json(v) or "{}" for v in values)


def rows(
    record: DocRecord,
    labels: Iterable[str] = ("QUOTE", "CLAIM"),
    relation_types: Iterable[str] = ("speaker", "claimant"),
    registry: ActorRegistry | None = None,
) -> list[list[str | int]]:
    """The CSV rows of one document (labels and relation types compared case-insensitively)."""
    wanted = {name.casefold() for name in labels}
    linking = {name.casefold() for name in relation_types}
    keys = span_keys(record.spans)
    by_key = dict(zip(keys, record.spans, strict=True))
    actors: dict[str, list[str]] = {}
    targets: dict[str, list[str]] = {}  # quote key -> its speakers' keys, in the order of ``actors``
    cues: dict[str, list[str]] = {}
    links: dict[str, list[dict[str, Any] | None]] = {}  # the speaker links' values, as ``targets``
    for rel in record.relations:
        target = by_key.get(rel.target)
        if target is None:
            continue
        name = record.text[target.start : target.end]
        if rel.type.casefold() in CUE_TYPES:
            found = cues.setdefault(rel.source, [])
            if name not in found:
                found.append(name)
        elif rel.type.casefold() in linking:
            found = actors.setdefault(rel.source, [])
            if name not in found:
                found.append(name)
                targets.setdefault(rel.source, []).append(rel.target)
                links.setdefault(rel.source, []).append(rel.attributes)
    registry = registry or ActorRegistry()
    out: list[list[str | int]] = []
    chosen = [(s, k) for s, k in zip(record.spans, keys, strict=True) if s.label.casefold() in wanted]
    for span, key in sorted(chosen, key=lambda pair: (pair[0].start, pair[0].end)):
        out.append(
            [
                "" if record.doc_id is None else record.doc_id,
                record.title or "",
                record.published or "",
                record.source_url or "",
                span.label,
                record.text[span.start : span.end],
                ACTOR_SEPARATOR.join(actors.get(key, [])),
                span.annotator or "",
                span.start,
                span.end,
                "; ".join(
                    f"{k}={'+'.join(map(str, v)) if isinstance(v, list) else v}"
                    for k, v in (span.attributes or {}).items()
                ),
                *_actor_cells(targets.get(key, []), registry),
                _json(span.attributes),
                ACTOR_SEPARATOR.join(cues.get(key, [])),
                _json((record.attributes or {}).get(span.annotator or "")),
                _link_cells(links.get(key, [])),
            ]
        )
    return out


def write(
    records: Iterable[DocRecord],
    out: Path,
    report: ExportReport,
    *,
    labels: Iterable[str] = ("QUOTE", "CLAIM"),
    relation_types: Iterable[str] = ("speaker", "claimant"),
    raw: bool = False,
    registry: ActorRegistry | None = None,
) -> None:
    """Stream the rows of every document into ``out``, atomically; text cells that a spreadsheet
    would run as formulas are neutralised unless ``raw`` (see ``annotator.csvsafe``). ``registry``
    (default: the one an export set in ``REGISTRY``) fills the actor columns."""
    labels, relation_types = tuple(labels), tuple(relation_types)
    registry = registry if registry is not None else REGISTRY.get()
    with atomic_write(out) as fh:
        writer = csvsafe.writer(fh, raw=raw)
        writer.writerow(COLUMNS)
        for record in records:
            report.count(record)
            writer.writerows(rows(record, labels, relation_types, registry))
