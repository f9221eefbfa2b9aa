"""Choosing labels for a dataset and renaming or merging them on the way out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from annotator.dataset.common import drop_dangling, with_annotations
from annotator.errors import ValidationError
from annotator.formats.base import ExportReport
from annotator.records import DocRecord, RelationRecord, SpanRecord

NOT_SELECTED = "relations linking a span whose label was not selected"
MERGED_SPANS = "spans merged into an identical one by renaming (same offsets, label, annotator)"
MERGED_RELATIONS = "relations merged into an identical one by renaming"


@dataclass(frozen=True, slots=True)
class LabelMap:
    """``keep``: the labels that go out (None: all); ``rename``: old name → new name.

    Renaming two labels to one name merges them; spans that become identical (same offsets, label
    and annotator) are written once, and relations are re-pointed to the span that stays.
    """

    keep: frozenset[str] | None = None
    rename: Mapping[str, str] = field(default_factory=dict)

    def check(self, known: Iterable[str]) -> None:
        """Refuse labels the project does not have: a typo must not yield an empty dataset."""
        names = set(known)
        unknown = sorted((set(self.keep or ()) | set(self.rename)) - names)
        if unknown:
            raise ValidationError(
                f"unknown label(s) {', '.join(unknown)} (project labels: {', '.join(sorted(names))})"
            )
        for new in self.rename.values():
            if not new.strip():
                raise ValidationError("a label cannot be renamed to an empty name")

    def output_labels(self, project_labels: Sequence[str]) -> list[str]:
        """The dataset's label names, in the project's order, after selection and renaming."""
        out: list[str] = []
        for name in project_labels:
            if self.keep is None or name in self.keep:
                new = self.rename.get(name, name)
                if new not in out:
                    out.append(new)
        return out

    @property
    def identity(self) -> bool:
        return self.keep is None and all(k == v for k, v in self.rename.items())

    def apply(self, record: DocRecord, report: ExportReport) -> DocRecord:
        if self.identity:
            return record
        spans: list[SpanRecord] = []
        seen: dict[tuple[int, int, str, str | None], SpanRecord] = {}
        alias: dict[str, str] = {}
        for s in record.spans:
            if self.keep is not None and s.label not in self.keep:
                continue
            label = self.rename.get(s.label, s.label)
            ident = (s.start, s.end, label, s.annotator)
            twin = seen.get(ident)
            if twin is not None:
                report.leave_out(MERGED_SPANS)
                if s.key is not None and twin.key is not None:
                    alias[s.key] = twin.key
                continue
            span = SpanRecord(
                s.start,
                s.end,
                label,
                s.annotator,
                s.text,
                s.key,
                attributes=s.attributes,
                actor=s.actor,
                actor_key=s.actor_key,
                fragments=s.fragments,
                origin=s.origin,  # a suggestion's (the suggestions layer); labels' come with ``enrich``
                score=s.score,
            )
            seen[ident] = span
            spans.append(span)
        relations: list[RelationRecord] = []
        present: set[tuple[str, str, str, str | None]] = set()
        for r in record.relations:
            rel = RelationRecord(
                alias.get(r.source, r.source),
                alias.get(r.target, r.target),
                r.type,
                r.annotator,
                attributes=r.attributes,
                score=r.score,
            )
            rel_ident = (rel.source, rel.target, rel.type, rel.annotator)
            if rel_ident in present:
                report.leave_out(MERGED_RELATIONS)
                continue
            present.add(rel_ident)
            relations.append(rel)
        return with_annotations(record, spans, drop_dangling(relations, spans, report, NOT_SELECTED))
