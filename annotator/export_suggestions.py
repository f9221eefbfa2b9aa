"""The suggestions layer of an export (issue 15): the rules' and models' output as a dataset.

Suggestions are never labels (``annotator.suggest.store``), yet a researcher may want the machine's
layer in a file: to compare it with gold in another tool, or to publish it beside the human one,
without accepting anything. ``--layer suggestions`` writes each document with the project's
suggestions as its spans and relations, every one of them: pending, accepted and rejected alike
(decisions are each person's own and do not change what the machine proposed). A span's and a
relation's annotator is the suggestion's source (``rules@1``, ``model:quotes@3``), its origin in
native JSONL ``suggestion:SOURCE`` (what an accepted span carries) and its score beside it;
``suggestions:SOURCE`` keeps one source. Suggestions made from one person's labels
(``for_annotator_id``, ``annotator.suggest.own``) go out only in that person's export.

Read as ``annotator.export_reads`` reads labels: a chunk of documents at a time, the spans and
relations of a chunk by range scans on indexes that start with the document id.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, exists, func, or_, select
from sqlalchemy.orm import Session

from annotator.dataset.common import drop_dangling
from annotator.errors import NotFoundError, ValidationError
from annotator.export_reads import document_chunks, document_record
from annotator.formats.base import ExportReport
from annotator.model import Document, RelationSuggestion, Suggestion
from annotator.records import DocRecord, RelationRecord, SpanRecord

ORIGIN = "suggestion:"  # + source: the origin an accepted suggestion's span carries too
OTHERS = "suggestions made from another annotator's labels (theirs alone)"
DANGLING = "relation suggestions whose ends are not both in the chosen suggestions"
SCORES_LOST = "scores of suggestions (only native JSONL carries them)"


@dataclass(frozen=True, slots=True)
class Chosen:
    """Which suggestions form the layer: one source or all (None), and whose own ones besides the
    team's (an annotator id; None: the team's alone)."""

    source: str | None = None
    person: int | None = None

    def visible(self, model: type[Suggestion] | type[RelationSuggestion]) -> list[ColumnElement[bool]]:
        """The conditions on ``model``'s rows: the team's and the person's own, of the source."""
        mine: ColumnElement[bool] = model.for_annotator_id.is_(None)
        if self.person is not None:
            mine = or_(mine, model.for_annotator_id == self.person)
        return [mine] if self.source is None else [mine, model.source == self.source]


@dataclass(slots=True)
class SuggestedDoc:
    """A document with its suggestions, as ``records`` turns them into a record."""

    document: Any  # a row of every document column, as ``ExportDoc.document``
    spans: list[Any]  # rows (document_id, id, start, end, label_id, score, source), in text order
    relations: list[Any]  # rows (document_id, source_id, target_id, type_id, score, source)


def check_chosen(session: Session, project_id: int, chosen: Chosen) -> None:
    """Refuse a layer with nothing in it: a project without suggestions, or a source that has
    none (naming the sources there are)."""
    of_project = select(Suggestion.source).join(Document, Document.id == Suggestion.document_id)
    of_project = of_project.where(
        Document.project_id == project_id, *Chosen(None, chosen.person).visible(Suggestion)
    )
    if session.scalar(select(exists(of_project.where(*chosen.visible(Suggestion))))):
        return
    if chosen.source is None:
        raise ValidationError(
            "the project has no suggestions to export yet: suggest with the rules or a model first"
        )
    known = sorted(set(session.scalars(of_project.distinct())))
    raise NotFoundError(
        f"no suggestions from {chosen.source!r} in the project (sources: "
        f"{', '.join(known) if known else 'none yet'})"
    )


def others_left_out(session: Session, project_id: int, chosen: Chosen) -> int:
    """How many suggestions (spans and relations) of the chosen source were made for other people."""
    total = 0
    for model in (Suggestion, RelationSuggestion):
        others: ColumnElement[bool] = model.for_annotator_id.is_not(None)
        if chosen.person is not None:
            others = others & (model.for_annotator_id != chosen.person)
        query = (
            select(func.count())
            .select_from(model)
            .join(Document, Document.id == model.document_id)
            .where(Document.project_id == project_id, others)
        )
        if chosen.source is not None:
            query = query.where(model.source == chosen.source)
        total += int(session.scalar(query) or 0)
    return total


def suggested_documents(
    session: Session,
    project_id: int,
    chosen: Chosen,
    *,
    chunk: int = 500,
    bounds: tuple[int, int | None] = (0, None),
) -> Iterator[SuggestedDoc]:
    """Every document of the project (those without suggestions too: the machine found nothing
    there) with the chosen suggestions, ``chunk`` documents at a time; ``bounds`` as for
    ``annotator.export_reads.iter_documents`` (a part of an export that runs in two processes)."""
    conn = session.connection()
    for docs in document_chunks(conn, project_id, chunk, bounds=bounds):
        first, last = docs[0].id, docs[-1].id
        spans: dict[int, list[Any]] = {d.id: [] for d in docs}
        for row in conn.execute(
            select(
                Suggestion.document_id,
                Suggestion.id,
                Suggestion.start,
                Suggestion.end,
                Suggestion.label_id,
                Suggestion.score,
                Suggestion.source,
            )
            .where(Suggestion.document_id.between(first, last), *chosen.visible(Suggestion))
            .order_by(Suggestion.document_id, Suggestion.start, Suggestion.end, Suggestion.id)
        ):
            bucket = spans.get(row[0])
            if bucket is not None:  # (ids in the range that are another project's documents)
                bucket.append(row)
        links: dict[int, list[Any]] = {d.id: [] for d in docs}
        r = RelationSuggestion
        for link in conn.execute(
            select(r.document_id, r.source_id, r.target_id, r.type_id, r.score, r.source)
            .where(r.document_id.between(first, last), *chosen.visible(r))
            .order_by(r.document_id, r.id)
        ):
            found = links.get(link[0])
            if found is not None:
                found.append(link)
        for d in docs:
            yield SuggestedDoc(d, spans[d.id], links[d.id])


def suggestion_record(
    doc: SuggestedDoc, labels: dict[int, str], types: dict[int, str], report: ExportReport
) -> DocRecord:
    """``doc`` as a record: its suggestions as spans and relations, each under its source's name,
    keyed by the suggestion's id (what ``annotator suggestions`` lists and ``accept`` takes)."""
    record = document_record(doc.document)
    text = record.text
    record.spans = [
        SpanRecord(
            start,
            end,
            labels[label_id],
            source,
            text[start:end],
            str(sid),
            origin=ORIGIN + source,
            score=score,
        )
        for _doc, sid, start, end, label_id, score, source in doc.spans
    ]
    relations = [
        RelationRecord(str(a), str(b), types[type_id], source, score=score)
        for _doc, a, b, type_id, score, source in doc.relations
    ]
    record.relations = drop_dangling(relations, record.spans, report, DANGLING)
    return record


def without_scores(report: ExportReport, records: Iterator[DocRecord]) -> Iterator[DocRecord]:
    """``records`` as they pass to a format that has no place for a score: the report says how
    many scores the file does not hold (never dropped silently)."""
    for record in records:
        report.leave_out(SCORES_LOST, len(record.spans) + len(record.relations))
        yield record
