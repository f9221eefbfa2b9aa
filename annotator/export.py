"""Exporting a project: select documents and spans, turn them into records, hand them to a writer.

Writers know records, not sessions; selection (which documents, which layer of annotations, which
labels, which split) happens here, streamed a chunk of documents at a time so memory stays flat
on any project size. A split export makes one pass over the project per split (each document's
split is a hash of its text, see ``annotator.dataset.split``), writing ``OUT/train.EXT``,
``OUT/dev.EXT`` and ``OUT/test.EXT``. Every export that writes a folder (a split, brat, spaCy
parts) writes into a hidden folder beside ``OUT`` and moves the files into it only when all of
them are complete, replacing exactly the files of an earlier export there and no other file
(``annotator.export_folder``); one that writes a file writes it atomically.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.actor_refs import actor_refs
from annotator.attributes import list_attributes
from annotator.bulk import gc_paused
from annotator.dataset import LabelMap, Layer, Split, select_layer, split_sentences
from annotator.errors import NotFoundError, ValidationError
from annotator.export_folder import FolderResult, export_folder
from annotator.export_halves import Diverged, WritePart, export_halves, merge, middle
from annotator.export_moment import one_moment
from annotator.export_options import ExportOptions, Plan
from annotator.export_reads import ExportDoc, document_record, iter_documents
from annotator.export_suggestions import (
    OTHERS,
    Chosen,
    SuggestedDoc,
    check_chosen,
    others_left_out,
    suggested_documents,
    suggestion_record,
)
from annotator.export_writers import NATIVE, carry, writer_for
from annotator.export_writers import WRITERS as WRITERS  # (where callers have always found it)
from annotator.formats import iob, peers
from annotator.formats.base import ExportReport, Progress, Writer
from annotator.model import Annotator, DocStatus, Label, Project, ReviewStatus, Role
from annotator.queries import names
from annotator.records import ActorRef, DocRecord, RelationRecord, SpanRecord
from annotator.review.carry import Provenance, Stamps

# File name extension of each format's files in a split export (no entry: no extension).
EXTENSIONS: dict[str, str] = {
    "jsonl": ".jsonl",
    "native": ".jsonl",
    "spacy": ".spacy",
    "iob": ".iob",
    "conll": ".iob",
    "hf-jsonl": ".jsonl",
    **peers.SUFFIXES,
}


@dataclass(slots=True)
class DatasetReport(ExportReport):
    """An export's report; a split export adds one report per part (train, dev, test)."""

    parts: dict[str, ExportReport] = field(default_factory=dict)
    sentences: bool = False
    folder: FolderResult | None = None  # a folder export: what replacing an earlier one did

    def add(self, name: str, part: ExportReport) -> None:
        self.parts[name] = part
        merge(self, part)

    def summary(self) -> str:
        text = ExportReport.summary(self)
        if self.sentences:
            text = text.replace(" document(s),", " sentence example(s),", 1)
        for name, part in self.parts.items():
            text += f"\n  {name}: {part.documents} example(s), {part.spans} span(s) in {part.path}"
            if not part.documents:
                text += " (empty: too few documents for these ratios, or try another --seed)"
        if self.folder is not None and self.folder.replaced_export:
            text += f"\nreplaced the earlier export in {self.path}"
            if self.folder.removed:
                text += f" ({self.folder.removed_text()})"
        return text


def plan(session: Session, project_id: int, options: ExportOptions) -> Plan:
    """Check the options against the project: unknown labels, annotators or layers are errors."""
    project = session.get(Project, project_id)
    if project is None:
        raise NotFoundError(f"no project with id {project_id}")
    layer = Layer.parse(options.layer)
    label_names = list(
        session.scalars(
            select(Label.name).where(Label.project_id == project_id).order_by(Label.position, Label.id)
        )
    )
    labels = LabelMap(None if options.labels is None else frozenset(options.labels), dict(options.rename))
    labels.check(label_names)
    people = dict(
        session.execute(
            select(Annotator.name, Annotator.role).where(Annotator.project_id == project_id)
        ).all()
    )
    if layer.kind == "annotator" and layer.name not in people:
        known = ", ".join(sorted(people)) or "none"
        raise NotFoundError(f"no annotator named {layer.name!r} in the project (annotators: {known})")
    gold = frozenset(name for name, role in people.items() if role == Role.GOLD.value)
    chosen = _chosen(session, project_id, layer, options.annotator, people)
    if layer.kind == "gold" and not gold:
        raise ValidationError(
            "the project has no gold layer yet: no document has been adjudicated "
            "(review documents first, or choose --layer majority, all or annotator:NAME)"
        )
    split = None if options.split is None else Split.of_ratios(options.split, options.seed)
    language = options.language or project.language or "en"
    kinds = {
        (options.rename.get(a.owner, a.owner) if a.scope == "label" else "", a.name): a.kind
        for a in list_attributes(session, project_id)
        if a.scope != "relation"
    }
    return Plan(layer, labels, gold, split, language, labels.output_labels(label_names), kinds, chosen)


def _chosen(
    session: Session, project_id: int, layer: Layer, person: str | None, people: dict[str, str]
) -> Chosen | None:
    """The suggestions layer's selection, checked (None for the other layers)."""
    if layer.kind != "suggestions":
        if person is not None:
            raise ValidationError(
                "--annotator goes with --layer suggestions (whose own suggestions go out); one "
                "annotator's labels are --layer annotator:NAME"
            )
        return None
    person_id = None
    if person is not None:
        if people.get(person) in (None, Role.GOLD.value):
            known = ", ".join(sorted(n for n, r in people.items() if r != Role.GOLD.value)) or "none"
            raise NotFoundError(f"no annotator named {person!r} in the project (annotators: {known})")
        person_id = session.scalar(
            select(Annotator.id).where(Annotator.project_id == project_id, Annotator.name == person)
        )
    chosen = Chosen(layer.name, person_id)
    check_chosen(session, project_id, chosen)
    return chosen


def to_record(
    doc: ExportDoc,
    labels: dict[int, str],
    types: dict[int, str],
    people: dict[int, str],
    actors: dict[int, ActorRef] | None = None,
    stamps: Stamps | None = None,
) -> DocRecord:
    """``doc`` as a record; ``stamps``: rows read with their provenance (a native export) put it
    in the spans (what ``annotator.review.carry.enrich`` would add: the same values)."""
    actors = actors or {}
    filled = stamps is not None and doc.gold_relations is not None
    iso = stamps.iso if stamps is not None else str
    # Rows of EXPORT_SPAN's columns, then (``filled``) SPAN_PROVENANCE's (annotator.export_reads).
    spans = [
        SpanRecord(
            s[2],
            s[3],
            labels[s[4]],
            people[s[5]],
            s[6],
            str(s[1]),
            None if not filled or s[10] is None else iso(s[10]),
            None if not filled or s[11] is None else list(s[11]),
            None if not filled or s[12] is None else people.get(s[12]),
            s[7],
            s[13] if filled else None,
            None,
            None if s[8] is None else [(a, b) for a, b in s[8]],
            None if s[9] is None else actors.get(s[9]),
        )
        for s in doc.spans
    ]
    record = document_record(doc.document)
    record.attributes = {people[who]: found for who, found in doc.attributes.items()} or None
    record.spans = spans
    record.relations = [
        RelationRecord(
            str(r.source_id),
            str(r.target_id),
            types[r.type_id],
            people[r.annotator_id],
            attributes=r.attributes,
        )
        for r in doc.relations
    ]
    return record


NOT_DONE = "documents not marked done or adjudicated (--only-done)"
NOT_ADJUDICATED = "documents not adjudicated (the gold layer is complete only for adjudicated ones)"


def _skip(doc: ExportDoc | SuggestedDoc, options: ExportOptions, the_plan: Plan) -> str | None:
    """Why a document stays out of the dataset, or None."""
    adjudicated = getattr(doc.document, "review_status", None) == ReviewStatus.ADJUDICATED.value
    if the_plan.layer.kind == "gold" and not adjudicated:
        return NOT_ADJUDICATED
    if options.only_done and doc.document.status != DocStatus.DONE.value and not adjudicated:
        return NOT_DONE
    return None


def records(
    session: Session,
    project_id: int,
    options: ExportOptions | None = None,
    progress: Progress | None = None,
    *,
    report: ExportReport | None = None,
    part: str | None = None,
    found: Provenance | None = None,
    bounds: tuple[int, int | None] = (0, None),
) -> Iterator[DocRecord]:
    """Stream the project's documents as dataset records, chunk by chunk.

    ``part`` keeps only the documents of that split; ``report`` receives what selection leaves
    out (relations whose span was not selected, merged duplicates, relations across sentences).
    ``found`` keeps what the same read found for the native export's ``enrich``; ``bounds``:
    the documents of a part (``annotator.export_reads.iter_documents``).
    """
    options = options or ExportOptions()
    the_plan = plan(session, project_id, options)
    report = report if report is not None else ExportReport(Path())
    first = the_plan.split.names[0] if the_plan.split else None
    labels, types, people = names(session, project_id)
    actors = actor_refs(session, project_id)
    # The spans' provenance goes into the records as they are made, unless a step below makes the
    # spans anew (labels kept or renamed, the majority, sentences): ``enrich`` adds it to those.
    anew = not the_plan.labels.identity or the_plan.layer.kind == "majority" or options.sentences
    stamps = None if found is None else found.stamps
    docs: Iterator[ExportDoc | SuggestedDoc]
    if the_plan.chosen is not None:  # the rules' and models' layer, read from its own tables
        docs = suggested_documents(session, project_id, the_plan.chosen, bounds=bounds)
    else:
        docs = iter_documents(session, project_id, provenance=found is not None, bounds=bounds)
    for doc in docs:
        reason = _skip(doc, options, the_plan)
        if reason:
            if part in (None, first):
                report.leave_out(reason)
                if progress:
                    progress(1)
            continue
        if the_plan.split and part and the_plan.split.of_hash(doc.document.content_hash) != part:
            continue
        if progress:
            progress(1)
        if isinstance(doc, SuggestedDoc):
            record = suggestion_record(doc, labels, types, report)
        else:
            if found is not None:
                found.keep(doc, spans=anew)
            record = to_record(doc, labels, types, people, actors, stamps)
        record = the_plan.labels.apply(record, report)
        record = select_layer(record, the_plan.layer, report, the_plan.gold)
        if options.sentences:
            yield from split_sentences(record, report)
        else:
            yield record


# Formats whose lines depend on their own document only: a large export runs on both cores.
HALVES = frozenset({"jsonl", "native", "prodigy", "hf-jsonl", "iob", "conll"})


def _part(project_id: int, fmt: str, options: ExportOptions, the_plan: Plan, whole: bool) -> WritePart:
    """What writes a part of an export in halves (``annotator.export_halves``); a native export's
    first part carries what a ``whole`` export puts in its first line (the registry actors no
    span names)."""

    def write_part(
        session: Session,
        path: Path,
        bounds: tuple[int, int | None],
        first: bool,
        report: ExportReport,
        progress: Progress | None,
    ) -> None:
        found = _provenance(fmt, the_plan)
        writer = _writing(session, project_id, fmt, options, the_plan, None, whole and first, found)
        writer(
            records(session, project_id, options, progress, report=report, found=found, bounds=bounds),
            path,
            report,
        )

    return write_part


def _provenance(fmt: str, the_plan: Plan) -> Provenance | None:
    """Where a native export's read keeps the labels' provenance (none for other formats, and
    none for the suggestions layer: its spans are no labels)."""
    return Provenance() if fmt in NATIVE and the_plan.chosen is None else None


def _writing(
    session: Session,
    project_id: int,
    fmt: str,
    options: ExportOptions,
    the_plan: Plan,
    labels_path: Path | None,
    whole: bool,
    found: Provenance | None,
) -> Writer:
    """The format's writer with what it carries beside the records (``annotator.export_writers``)."""
    writer = writer_for(fmt, options, the_plan, labels_path)
    return carry(fmt, writer, session, project_id, whole, found, suggestions=the_plan.chosen is not None)


def _beside(fmt: str) -> Callable[[Path], Path] | None:
    """Where a format writes a file beside its data (HF JSONL: the label list)."""
    return iob.sidecar if fmt == "hf-jsonl" else None


def writes_folder(fmt: str, *, split: bool = False, docs_per_file: int | None = None) -> bool:
    """Whether this export produces a folder: brat always, a split always, DocBin parts too."""
    return split or peers.writes_folder(fmt) or (fmt == "spacy" and bool(docs_per_file))


@gc_paused()  # a large corpus makes many small objects and no cycles: see bulk.gc_paused
def export(
    session: Session,
    project_id: int,
    fmt: str,
    out: Path,
    progress: Progress | None = None,
    options: ExportOptions | None = None,
) -> DatasetReport:
    """Write the project (or its train/dev/test parts into the folder ``out``) in format ``fmt``."""
    with one_moment(session):  # PostgreSQL: one snapshot, as SQLite's read transaction is
        return _export(session, project_id, fmt, Path(out), progress, options or ExportOptions())


def _export(
    session: Session, project_id: int, fmt: str, out: Path, progress: Progress | None, options: ExportOptions
) -> DatasetReport:
    the_plan = plan(session, project_id, options)
    report = DatasetReport(out, sentences=options.sentences)
    if the_plan.chosen is not None:  # never dropped silently: others' own suggestions stay theirs
        report.leave_out(OTHERS, others_left_out(session, project_id, the_plan.chosen))
    # A native export's provenance comes with the records' own read (annotator.review.carry).
    found = _provenance(fmt, the_plan)
    if the_plan.split is None:
        whole = options.layer == "all" and not (options.only_done or options.labels or options.sentences)
        # A large export of lines runs on both cores (annotator.export_halves): the same bytes.
        mid = middle(session, project_id) if fmt in HALVES else None
        if mid is not None:
            write_part = _part(project_id, fmt, options, the_plan, whole)
            with contextlib.suppress(Diverged):  # else one process writes it, as below
                export_halves(session, out, mid, write_part, report, progress, _beside(fmt))
                return report
        writer = _writing(session, project_id, fmt, options, the_plan, None, whole, found)
        if not writes_folder(fmt, docs_per_file=options.docs_per_file):
            writer(records(session, project_id, options, progress, report=report, found=found), out, report)
            return report
        report.folder = FolderResult()
        with export_folder(out, report.folder) as stage:
            writer(records(session, project_id, options, progress, report=report, found=found), stage, report)
        return report
    report.folder = FolderResult()
    with export_folder(out, report.folder) as stage:
        labels_path = stage / "labels.json"
        writer = _writing(session, project_id, fmt, options, the_plan, labels_path, False, found)
        for name in the_plan.split.names:
            file_name = name + EXTENSIONS.get(fmt, "")
            part = ExportReport(out / file_name)
            writer(
                records(session, project_id, options, progress, report=part, part=name, found=found),
                stage / file_name,
                part,
            )
            report.add(name, part)
    return report
