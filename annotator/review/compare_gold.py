"""Compare my work with gold: where one annotator's spans and relations differ from the gold layer.

Read-only, and only over documents whose review is finished ("adjudicated"): nobody sees gold
before the reviewer has decided it, so a document still in review is left out (and counted as
waiting), and asking for one by id is refused. Matching is the review's (``review.compare``), the
summary the agreement code's span and relation F1 with gold as the reference (``agreement``).
The documents are those where the annotator has spans or relations, or the ones asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.agreement import Counts, Rel, Span, relation_f1, span_f1
from annotator.errors import NotFoundError, ValidationError
from annotator.model import Annotation, Document, Label, Relation, RelationType, ReviewStatus, Role
from annotator.review.compare import Against, Link, Mark, Unit, against, compare
from annotator.review.curation import annotator_rows


@dataclass(frozen=True, slots=True)
class GoldDifference:
    """One place where the annotator and gold differ; ``text`` is the stretch it covers."""

    kind: Against
    start: int
    end: int
    text: str
    unit: Unit

    def layer(self, name: str) -> list[Mark]:
        return [m for m in self.unit.marks if m.annotator == name]


@dataclass(slots=True)
class DocumentComparison:
    """One adjudicated document: its differences, and both layers whole (for the highlight)."""

    id: int
    title: str | None
    differences: list[GoldDifference] = field(default_factory=list)
    mine: list[Mark] = field(default_factory=list)
    gold: list[Mark] = field(default_factory=list)


@dataclass(slots=True)
class GoldComparison:
    """The annotator's work against gold: per document, and P/R/F1 with gold as the reference."""

    annotator: str
    gold: str
    documents: list[DocumentComparison] = field(default_factory=list)
    spans: Counts = field(default_factory=Counts)
    spans_overlap: Counts = field(default_factory=Counts)
    relations: Counts = field(default_factory=Counts)
    waiting: int = 0  # documents with their work whose review is not finished (gold hidden)

    def to_json(self) -> dict[str, object]:
        def figures(c: Counts) -> dict[str, object]:
            return {
                "tp": c.tp,
                "fp": c.fp,
                "fn": c.fn,
                "precision": _num(c.precision),
                "recall": _num(c.recall),
                "f1": _num(c.f1),
            }

        return {
            "annotator": self.annotator,
            "documents": [
                {
                    "id": d.id,
                    "title": d.title,
                    "differences": [
                        {
                            "kind": x.kind.value,
                            "start": x.start,
                            "end": x.end,
                            "text": x.text,
                            "mine": [_mark(m) for m in x.layer(self.annotator)],
                            "gold": [_mark(m) for m in x.layer(self.gold)],
                            "relations": [_link(link, self.gold) for link in x.unit.links],
                        }
                        for x in d.differences
                    ],
                }
                for d in self.documents
            ],
            "spans": figures(self.spans),
            "spans_overlap": figures(self.spans_overlap),
            "relations": figures(self.relations),
            "waiting": self.waiting,
        }


def _num(value: float) -> float | None:
    return None if value != value else round(value, 4)  # NaN (nothing to divide by): null


def _mark(m: Mark) -> dict[str, object]:
    return {"start": m.start, "end": m.end, "label": m.label}


def _link(link: Link, gold: str) -> dict[str, object]:
    ends = {
        f"{side}_{k}": v
        for side, end in (("source", link.source), ("target", link.target))
        for k, v in zip(("start", "end", "label"), end, strict=True)
    }
    return {"layer": "gold" if link.annotator == gold else "mine", "type": link.type, **ends}


def compare_with_gold(
    session: Session, project_id: int, annotator: str, documents: Sequence[int] | None = None
) -> GoldComparison:
    """``annotator``'s differences from gold over adjudicated documents (or ``documents``, each of
    which must be adjudicated). Unknown names and unfinished documents are refused."""
    people = {a.name: a for a in annotator_rows(session, project_id)}
    me = people.get(annotator)
    if me is None:
        known = ", ".join(n for n, a in people.items() if a.role != Role.GOLD.value)
        raise NotFoundError(f"no annotator named {annotator!r} (annotators: {known or 'none'})")
    if me.role == Role.GOLD.value:
        raise ValidationError(f"{annotator!r} is the gold layer itself; name an annotator")
    gold = next((a for a in people.values() if a.role == Role.GOLD.value), None)
    result = GoldComparison(annotator, gold.name if gold is not None else "gold")
    status = dict(
        session.execute(
            select(Document.id, Document.review_status).where(Document.project_id == project_id)
        ).all()
    )
    if documents is not None:
        for doc_id in documents:
            if doc_id not in status:
                raise NotFoundError(f"no document with id {doc_id} in this project")
            if status[doc_id] != ReviewStatus.ADJUDICATED.value:
                raise ValidationError(
                    f"document {doc_id} is not adjudicated yet ({status[doc_id]}): "
                    "its gold stays hidden until the reviewer has finished it"
                )
        chosen = sorted(set(documents))
    else:
        worked = _worked_on(session, me.id) & set(status)
        chosen = sorted(d for d in worked if status[d] == ReviewStatus.ADJUDICATED.value)
        result.waiting = len(worked) - len(chosen)
    if not chosen or gold is None:
        return result
    _fill(session, project_id, result, chosen, me.id, gold.id)
    return result


def _worked_on(session: Session, annotator_id: int) -> set[int]:
    spans = select(Annotation.document_id).where(Annotation.annotator_id == annotator_id)
    links = select(Relation.document_id).where(Relation.annotator_id == annotator_id)
    return set(session.scalars(spans.union(links)))


def _fill(
    session: Session, project_id: int, result: GoldComparison, docs: list[int], me: int, gold: int
) -> None:
    labels = dict(session.execute(select(Label.id, Label.name).where(Label.project_id == project_id)).all())
    types = dict(
        session.execute(
            select(RelationType.id, RelationType.name).where(RelationType.project_id == project_id)
        ).all()
    )
    names = {me: result.annotator, gold: result.gold}
    columns = (Annotation.id, Annotation.document_id, Annotation.start, Annotation.end, Annotation.label_id)
    rows = session.execute(
        select(*columns, Annotation.annotator_id).where(
            Annotation.document_id.in_(docs), Annotation.annotator_id.in_(list(names))
        )
    ).all()
    links = session.execute(
        select(
            Relation.document_id,
            Relation.source_id,
            Relation.target_id,
            Relation.type_id,
            Relation.id,
            Relation.annotator_id,
        ).where(Relation.document_id.in_(docs), Relation.annotator_id.in_(list(names)))
    ).all()
    ends = {r[0]: tuple(r[1:5]) for r in rows}
    others = {e for link in links for e in link[1:3]} - set(ends)  # a link to a teammate's span
    if others:
        ends.update(
            {r[0]: tuple(r[1:5]) for r in session.execute(select(*columns).where(Annotation.id.in_(others)))}
        )
    marks: dict[int, list[Mark]] = {d: [] for d in docs}
    records: list[Span] = []
    for span_id, doc, start, end, label, who in rows:
        marks[doc].append(Mark(span_id, names[who], start, end, labels[label]))
        records.append(Span(doc, start, end, labels[label], names[who]))
    found: dict[int, list[Link]] = {d: [] for d in docs}
    rels: list[Rel] = []
    for doc, src, dst, kind, rel_id, who in links:
        a, b = ends[src], ends[dst]
        source, target = (a[1], a[2], labels[a[3]]), (b[1], b[2], labels[b[3]])
        found[doc].append(Link(rel_id, names[who], source, target, types[kind]))
        rels.append(
            Rel(doc, Span(doc, *source, names[who]), Span(doc, *target, names[who]), types[kind], names[who])
        )
    texts = {
        i: (title, text)
        for i, title, text in session.execute(
            select(Document.id, Document.title, Document.text).where(Document.id.in_(docs))
        )
    }
    for doc in docs:
        title, text = texts[doc]
        entry = DocumentComparison(doc, title)
        entry.mine = [m for m in marks[doc] if m.annotator == result.annotator]
        entry.gold = [m for m in marks[doc] if m.annotator == result.gold]
        units = compare(marks[doc], found[doc], [result.annotator, result.gold])
        entry.differences = [
            GoldDifference(kind, u.start, u.end, text[u.start : u.end], u)
            for kind, u in against(units, result.gold)
        ]
        result.documents.append(entry)
    covered = {result.gold: docs, result.annotator: docs}
    result.spans = span_f1(records, result.gold, result.annotator, annotated=covered).overall
    result.spans_overlap = span_f1(
        records, result.gold, result.annotator, match="overlap", annotated=covered
    ).overall
    result.relations = relation_f1(
        rels, result.gold, result.annotator, spans=records, annotated=covered
    ).overall
