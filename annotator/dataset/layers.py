"""Which annotations form the dataset: everyone's, one annotator's, a majority vote, or gold.

"suggestions" is the rules' and models' output (``annotator.suggest``), read from its own tables
by ``annotator.export_suggestions``, never mixed with labels; ``suggestions:SOURCE`` keeps one source.

"gold" is the review's adjudicated layer: the spans and relations of the project's annotator
whose role is ``gold`` (``annotator.review.gold``). It is complete only for adjudicated
documents, so a gold export takes only those (see ``annotator.export``).
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass, replace
from typing import Any, Literal

from annotator.dataset.common import drop_dangling, with_annotations
from annotator.errors import ValidationError
from annotator.formats.base import ExportReport
from annotator.records import DocRecord, RelationRecord, SpanRecord

Kind = Literal["all", "annotator", "majority", "gold", "suggestions"]

# The annotator name that spans and relations chosen by majority vote carry.
MAJORITY = "majority"

OUTSIDE_LAYER = "relations linking a span outside the chosen layer"


@dataclass(frozen=True, slots=True)
class Layer:
    kind: Kind = "all"
    name: str | None = None  # the annotator, for kind "annotator"; the source, for "suggestions"

    @classmethod
    def parse(cls, text: str) -> Layer:
        """``all`` | ``annotator:NAME`` | ``majority`` | ``gold`` | ``suggestions[:SOURCE]`` (as the
        CLI's ``--layer`` takes it)."""
        value = text.strip()
        if value in ("all", "majority", "gold", "suggestions"):
            return cls(value)  # type: ignore[arg-type]
        for kind in ("annotator", "suggestions"):
            if value.startswith(kind + ":") and value[len(kind) + 1 :].strip():
                return cls(kind, value[len(kind) + 1 :].strip())
        raise ValidationError(
            f"unknown layer {text!r} (all, annotator:NAME, majority, gold or suggestions[:SOURCE])"
        )

    def __str__(self) -> str:
        return self.kind if self.name is None else f"{self.kind}:{self.name}"


def select_layer(
    record: DocRecord, layer: Layer, report: ExportReport, gold: Collection[str] = ()
) -> DocRecord:
    """The record with only the layer's spans and relations (``gold``: the gold annotators' names)."""
    if layer.kind in ("all", "suggestions"):  # suggestions: read as their own layer already
        return record
    if layer.kind == "majority":
        return replace(majority(record), attributes=majority_values(record))
    people = {layer.name} if layer.kind == "annotator" else set(gold)
    spans = [s for s in record.spans if s.annotator in people]
    relations = [r for r in record.relations if r.annotator in people]
    kept = with_annotations(record, spans, drop_dangling(relations, spans, report, OUTSIDE_LAYER))
    values = {who: found for who, found in (record.attributes or {}).items() if who in people}
    return replace(kept, attributes=values or None)  # the layer's document values, no one else's


def majority_values(record: DocRecord) -> dict[str, dict[str, Any]] | None:
    """Document-level values that more than half of the document's annotators (those with spans
    or values in it) chose alike, as the majority's."""
    coded = record.attributes or {}
    voters = {s.annotator for s in record.spans} | set(coded)
    need = len(voters) // 2 + 1
    votes: dict[tuple[str, str], int] = {}
    chosen: dict[tuple[str, str], Any] = {}
    for found in coded.values():
        for name, value in found.items():
            ident = (name, json.dumps(value, sort_keys=True))
            votes[ident] = votes.get(ident, 0) + 1
            chosen[ident] = value
    values = {name: chosen[(name, v)] for (name, v), n in votes.items() if n >= need}
    return {MAJORITY: values} if values else None


def majority(record: DocRecord) -> DocRecord:
    """Spans (and relations) that more than half of the document's annotators made identically.

    The annotators of a document are those with at least one span in it. A span is identified by
    (start, end, label), a relation by its two spans' identities and its type. The kept span takes
    the key of the first annotator's copy, so relations can point at it.
    """
    voters = {s.annotator for s in record.spans}
    need = len(voters) // 2 + 1
    by_ident: dict[tuple[int, int, str], list[SpanRecord]] = {}
    ident_of: dict[str, tuple[int, int, str]] = {}
    for s in record.spans:
        ident = (s.start, s.end, s.label)
        by_ident.setdefault(ident, []).append(s)
        if s.key is not None:
            ident_of[s.key] = ident
    spans: list[SpanRecord] = []
    key_of: dict[tuple[int, int, str], str | None] = {}
    for ident, copies in by_ident.items():
        if len({c.annotator for c in copies}) >= need:
            first = copies[0]
            key_of[ident] = first.key
            spans.append(
                SpanRecord(
                    first.start,
                    first.end,
                    first.label,
                    MAJORITY,
                    first.text,
                    first.key,
                    fragments=first.fragments,
                )
            )
    votes: dict[tuple[tuple[int, int, str], tuple[int, int, str], str], set[str | None]] = {}
    for r in record.relations:
        if r.source in ident_of and r.target in ident_of:
            votes.setdefault((ident_of[r.source], ident_of[r.target], r.type), set()).add(r.annotator)
    relations = []
    for (src, dst, rtype), who in votes.items():
        source, target = key_of.get(src), key_of.get(dst)
        if len(who) >= need and source is not None and target is not None:
            relations.append(RelationRecord(source, target, rtype, MAJORITY))
    return with_annotations(record, spans, relations)
