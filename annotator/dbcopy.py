"""Copy whole projects between databases (SQLite ↔ PostgreSQL) without losing anything.

Rows get new ids in the destination (it may hold other projects); every reference, timestamp,
version and audit entry is carried over and re-pointed (also the entries about rows deleted
before the copy, see ``_copy_audit``). One transaction: all or nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from annotator.errors import AnnotatorError
from annotator.formats.guards import clean_text
from annotator.hashing import content_hash
from annotator.model import Actor as RegistryActor
from annotator.model import (
    Annotation,
    Annotator,
    Assignment,
    AttributeDef,
    AuditEntry,
    Base,
    Comment,
    DeletedDocument,
    Document,
    DocumentAttribute,
    ImportBatch,
    Label,
    Project,
    ProjectSetting,
    Rejection,
    Relation,
    RelationRejection,
    RelationSuggestion,
    RelationType,
    Suggestion,
    SuggestionDecision,
    SuggestionShown,
    TrainedModel,
    WorkTime,
)
from annotator.store import Store

CHUNK = 5000
Progress = Callable[[int], None]


@dataclass(slots=True)
class CopyReport:
    projects: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    # Audit entries about rows deleted before the copy that name no document of any project
    # (a deleted label, say): left out when only some projects are copied.
    unattributed: int = 0
    # "table.column" → NUL characters replaced by U+FFFD there (see _clean_row).
    replaced: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        counts = ", ".join(f"{n} {table}" for table, n in self.rows.items())
        text = f"copied {', '.join(self.projects)}: {counts}"
        if self.unattributed:
            text += (
                f"\nleft out {self.unattributed} audit entries about rows deleted earlier that name no "
                "project (copy every project, without --name, to keep them)"
            )
        for where, n in sorted(self.replaced.items()):
            text += f"\nreplaced {n} NUL character(s) by U+FFFD in {where} (offsets unchanged)"
        return text


def _clean_row(table: str, row: dict[str, Any], report: CopyReport) -> None:
    """The import rule for NUL (``formats.guards``) applied to rows stored before it existed:
    PostgreSQL cannot hold NUL in text, so it becomes U+FFFD (one code point for one, so offsets
    hold) and the document's hash follows its text."""
    for column, value in row.items():
        cleaned, count = _clean_value(value)
        if count:
            row[column] = cleaned
            report.replaced[f"{table}.{column}"] = report.replaced.get(f"{table}.{column}", 0) + count
            if table == "document" and column == "text":
                row["content_hash"] = content_hash(cleaned)


def _clean_value(value: Any) -> tuple[Any, int]:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict | list):
        items = value.items() if isinstance(value, dict) else enumerate(value)
        out: Any = {} if isinstance(value, dict) else [None] * len(value)
        total = 0
        for key, item in items:
            new_key, n = _clean_value(key)
            new_item, m = _clean_value(item)
            out[new_key] = new_item
            total += n + m
        return (out, total) if total else (value, 0)
    return value, 0


# Table, in an order where every referenced table comes first, and its references → referenced
# table. A reference ending in "?" has no foreign key (the row it names may be gone): such a
# dangling id becomes NULL rather than pointing at whatever row has that id in the destination.
PLAN: list[tuple[type[Base], dict[str, str]]] = [
    (Label, {"project_id": "project"}),
    (RelationType, {"project_id": "project", "from_label_id": "label", "to_label_id": "label"}),
    (AttributeDef, {"project_id": "project", "label_id": "label", "relation_type_id": "relation_type"}),
    (Annotator, {"project_id": "project"}),
    (ProjectSetting, {"project_id": "project"}),
    (ImportBatch, {"project_id": "project"}),
    (DeletedDocument, {"project_id": "project"}),
    (Document, {"project_id": "project", "batch_id": "import_batch"}),
    (DocumentAttribute, {"document_id": "document", "annotator_id": "annotator"}),
    # merged_into_id names a row of the same table: re-pointed once all are in (_repoint_merged).
    (RegistryActor, {"project_id": "project"}),
    (
        Annotation,
        {
            "document_id": "document",
            "label_id": "label",
            "annotator_id": "annotator",
            "adjudicator_id": "annotator?",
            "actor_id": "actor?",
        },
    ),
    (
        Relation,
        {
            "document_id": "document",
            "source_id": "annotation",
            "target_id": "annotation",
            "type_id": "relation_type",
            "annotator_id": "annotator",
            "adjudicator_id": "annotator?",
        },
    ),
    (Rejection, {"document_id": "document", "label_id": "label", "reviewer_id": "annotator"}),
    (
        RelationRejection,
        {
            "document_id": "document",
            "type_id": "relation_type",
            "source_label_id": "label",
            "target_label_id": "label",
            "reviewer_id": "annotator",
        },
    ),
    (Assignment, {"project_id": "project", "document_id": "document", "annotator_id": "annotator"}),
    (WorkTime, {"document_id": "document", "annotator_id": "annotator"}),
    (TrainedModel, {"project_id": "project"}),  # models kept as rows (PostgreSQL's)
    # Suggestions, and each person's decisions on them (a rejected one never comes back, and the
    # decisions train the next model), and which documents were shown suggestions before they
    # were done (agreement can leave those out): research data, copied like labels.
    (
        Suggestion,
        {"document_id": "document", "label_id": "label", "for_annotator_id": "annotator?"},
    ),
    (
        RelationSuggestion,
        {
            "document_id": "document",
            "source_id": "suggestion",
            "target_id": "suggestion",
            "type_id": "relation_type",
            "for_annotator_id": "annotator?",
        },
    ),
    (
        SuggestionDecision,
        {
            "document_id": "document",
            "suggestion_id": "suggestion",
            "relation_suggestion_id": "relation_suggestion",
            "annotator_id": "annotator",
        },
    ),
    (SuggestionShown, {"document_id": "document", "annotator_id": "annotator"}),
    (
        Comment,  # replies name their thread by uid, which a copy keeps
        {
            "document_id": "document",
            "author_id": "annotator",
            "span_id": "annotation?",
            "relation_id": "relation?",
            "resolved_by_id": "annotator?",
        },
    ),
]


def _rows(session: Session, table: Table, where: Any) -> Iterator[list[dict[str, Any]]]:
    last = 0
    while True:
        chunk = [
            dict(row._mapping)
            for row in session.execute(
                select(table).where(where, table.c.id > last).order_by(table.c.id).limit(CHUNK)
            )
        ]
        if not chunk:
            return
        last = chunk[-1]["id"]  # before the caller takes the rows apart
        yield chunk


def _scope(model: type[Base], ids: dict[str, dict[int, int]]) -> Any:
    """The rows of ``model`` that belong to the projects being copied."""
    table = model.__table__
    if "project_id" in table.c:
        return table.c.project_id.in_(list(ids["project"]))
    return table.c.document_id.in_(select(Document.id).where(Document.project_id.in_(list(ids["project"]))))


def copy_projects(
    src: Store, dst: Store, names: Sequence[str] | None = None, progress: Progress | None = None
) -> CopyReport:
    """Copy the named projects (default: all) from ``src`` into ``dst``."""
    report = CopyReport()
    with src.session() as source, dst.transaction() as tx:
        projects = list(source.scalars(select(Project).order_by(Project.id)))
        if names:
            missing = set(names) - {p.name for p in projects}
            if missing:
                raise AnnotatorError(f"no project named {sorted(missing)[0]!r} in {src.url}")
            projects = [p for p in projects if p.name in names]
        taken = set(tx.session.scalars(select(Project.name)))
        clash = [p.name for p in projects if p.name in taken]
        if clash:
            raise AnnotatorError(f"{dst.url} already has a project named {clash[0]!r}")
        ids: dict[str, dict[int, int]] = {"project": {}}
        for project in projects:
            values: dict[str, Any] = {
                "name": project.name,
                "language": project.language,
                "created_at": project.created_at,
            }
            _clean_row("project", values, report)
            new_id = tx.session.execute(insert(Project).returning(Project.id), [values]).scalar_one()
            ids["project"][project.id] = new_id
            report.projects.append(project.name)
        for model, refs in PLAN:
            table: Table = model.__table__  # type: ignore[assignment]
            mapping = ids.setdefault(table.name, {})
            for chunk in _rows(source, table, _scope(model, ids)):
                old_ids = [row.pop("id") for row in chunk]
                for row in chunk:
                    _clean_row(table.name, row, report)
                    for column, target in refs.items():
                        if row[column] is None:
                            continue
                        if target.endswith("?"):
                            row[column] = ids[target[:-1]].get(row[column])
                        else:
                            row[column] = ids[target][row[column]]
                new_ids = tx.session.scalars(
                    insert(table).returning(table.c.id, sort_by_parameter_order=True), chunk
                ).all()
                mapping.update(zip(old_ids, new_ids, strict=True))
                report.rows[table.name] = report.rows.get(table.name, 0) + len(chunk)
                if progress:
                    progress(len(chunk))
        _repoint_merged(source, tx.session, ids.get("actor", {}))
        _copy_model_folders(src, tx.session, ids, report)
        everything = set(ids["project"]) == set(source.scalars(select(Project.id)))
        report.rows["audit"], report.unattributed = _copy_audit(source, tx.session, ids, everything)
    return report


def _copy_model_folders(
    src: Store, target: Session, ids: dict[str, dict[int, int]], report: CopyReport
) -> None:
    """Models kept beside a SQLite source (``learn.kept``: folders, not rows) become rows of the
    destination, which every machine of a PostgreSQL team finds (and a SQLite one lists too)."""
    from annotator.learn import archive
    from annotator.learn.kept import models_home

    for old, new in ids["project"].items():
        home = models_home(src.url, old)
        have = set(
            target.execute(
                select(TrainedModel.name, TrainedModel.version).where(TrainedModel.project_id == new)
            )
        )
        for folder in sorted(home.iterdir()) if home is not None and home.is_dir() else ():
            name, sep, version = folder.name.rpartition("@")
            if not (sep and name and version.isdigit() and (folder / "model.json").is_file()):
                continue
            if (name, int(version)) in have:
                continue
            data = archive.pack(folder)
            meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
            values = {"project_id": new, "name": name, "version": int(version), "meta": meta}
            target.execute(
                insert(TrainedModel), [{**values, "archive": data, "digest": archive.digest(data)}]
            )
            report.rows["trained_model"] = report.rows.get("trained_model", 0) + 1


def _repoint_merged(source: Session, target: Session, actors: dict[int, int]) -> None:
    """Merged-away actors name the actor that absorbed them by its id in the destination."""
    query = select(RegistryActor.id, RegistryActor.merged_into_id).where(
        RegistryActor.merged_into_id.is_not(None)
    )
    for old, heir in source.execute(query):
        if old in actors:
            new_heir = actors.get(heir) if heir is not None else None
            target.execute(
                update(RegistryActor).where(RegistryActor.id == actors[old]).values(merged_into_id=new_heir)
            )


def _audited(row: dict[str, Any]) -> str:
    """The table an audit entry's ``entity_id`` is a row of: entries about "suggestion" name a
    decision when they record one (``suggest.decide``), else no row a copy can re-point (a run
    names none, an undo names rows of either suggestion table)."""
    entity = str(row["entity"])
    if entity != "suggestion":
        return entity
    return "suggestion_decision" if "decision" in (row["detail"] or {}) else ""


def _repoint_decision(detail: dict[str, Any], ids: dict[str, dict[int, int]]) -> None:
    """A decision's entry names the suggestion decided on and the span or relation it made: their
    ids in the destination (a row gone since keeps its source id under ``former_KEY``)."""
    made = "annotation" if "suggestion" in detail else "relation"
    for key, table in (
        ("suggestion", "suggestion"),
        ("relation_suggestion", "relation_suggestion"),
        ("made", made),
    ):
        if detail.get(key) is not None:
            new = ids.get(table, {}).get(detail[key])
            if new is None:
                detail[f"former_{key}"] = detail[key]
            detail[key] = new


def _existing(source: Session, entity: str, wanted: set[int]) -> set[int]:
    """Which of these ids still name a row of ``entity`` in the source."""
    table = Base.metadata.tables.get(entity)
    if table is None or not wanted:
        return set()
    return set(source.scalars(select(table.c.id).where(table.c.id.in_(sorted(wanted)))))


def _copy_audit(
    source: Session, target: Session, ids: dict[str, dict[int, int]], everything: bool
) -> tuple[int, int]:
    """Audit entries about the copied projects, re-pointed at their new ids; returns how many were
    copied, and how many could not be tied to any project (copying some projects only).

    Entries about rows deleted since (a span, a relation, a label) are history too and are copied:
    their ``entity_id`` becomes NULL, since that id may name another row in the destination, and
    the source's id goes into ``detail["former_id"]`` (documents gone likewise into
    ``former_documents``), so the entries about one deleted row still go together. When some
    projects only are copied, such an entry belongs to them if the documents it lists do.
    """
    audit: Table = AuditEntry.__table__  # type: ignore[assignment]
    documents = ids.get("document", {})
    copied = unknown = 0
    for chunk in _rows(source, audit, audit.c.id > 0):
        gone: set[tuple[str, int]] = set()
        if not everything:  # rows not copied: another project's, or deleted (then whose is unknown)
            asked: dict[str, set[int]] = {}
            for row in chunk:
                entity_id = row["entity_id"]
                if entity_id is not None and entity_id not in ids.get(_audited(row), {}):
                    asked.setdefault(_audited(row), set()).add(entity_id)
            for entity, wanted in asked.items():
                gone.update((entity, i) for i in wanted - _existing(source, entity, wanted))
        keep = []
        for row in chunk:
            row.pop("id")
            mapping = ids.get(_audited(row), {})
            entity_id, listed = row["entity_id"], row["documents"] or []
            project = (row["detail"] or {}).get("project")  # a kept model's deletion names it
            ours = entity_id in mapping or any(d in documents for d in listed) or project in ids["project"]
            if not everything and not ours:
                unknown += (_audited(row), entity_id) in gone
                continue
            detail = dict(row["detail"] or {})
            if entity_id is not None:
                row["entity_id"] = mapping.get(entity_id)
                if row["entity_id"] is None:
                    detail["former_id"] = entity_id
            if _audited(row) == "suggestion_decision":
                _repoint_decision(detail, ids)
            if project in ids["project"]:  # its versions are never reused there either
                detail["project"] = ids["project"][project]
            if any(d not in documents for d in listed):
                detail["former_documents"] = [d for d in listed if d not in documents]
            row["detail"] = detail or None
            row["documents"] = [documents[d] for d in listed if d in documents]
            keep.append(row)
        if keep:
            target.execute(insert(audit), keep)
            copied += len(keep)
    return copied, unknown
