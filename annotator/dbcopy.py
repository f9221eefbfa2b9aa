"""Copy whole projects between databases (SQLite ↔ PostgreSQL) without losing anything.

Rows get new ids in the destination (it may hold other projects); every reference, timestamp,
version and audit entry is carried over and re-pointed. One transaction: all or nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from annotator.errors import AnnotatorError
from annotator.model import (
    Annotation,
    Annotator,
    AuditEntry,
    Base,
    DeletedDocument,
    Document,
    ImportBatch,
    Label,
    Project,
    Rejection,
    Relation,
    RelationRejection,
    RelationType,
)
from annotator.store import Store

CHUNK = 5000
Progress = Callable[[int], None]


@dataclass(slots=True)
class CopyReport:
    projects: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        counts = ", ".join(f"{n} {table}" for table, n in self.rows.items())
        return f"copied {', '.join(self.projects)}: {counts}"


# Table, in an order where every referenced table comes first, and its references → referenced
# table. A reference ending in "?" has no foreign key (the row it names may be gone): such a
# dangling id becomes NULL rather than pointing at whatever row has that id in the destination.
PLAN: list[tuple[type[Base], dict[str, str]]] = [
    (Label, {"project_id": "project"}),
    (RelationType, {"project_id": "project", "from_label_id": "label", "to_label_id": "label"}),
    (Annotator, {"project_id": "project"}),
    (ImportBatch, {"project_id": "project"}),
    (DeletedDocument, {"project_id": "project"}),
    (Document, {"project_id": "project", "batch_id": "import_batch"}),
    (
        Annotation,
        {
            "document_id": "document",
            "label_id": "label",
            "annotator_id": "annotator",
            "adjudicator_id": "annotator?",
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
            new_id = tx.session.execute(
                insert(Project).returning(Project.id),
                [{"name": project.name, "language": project.language, "created_at": project.created_at}],
            ).scalar_one()
            ids["project"][project.id] = new_id
            report.projects.append(project.name)
        for model, refs in PLAN:
            table: Table = model.__table__  # type: ignore[assignment]
            mapping = ids.setdefault(table.name, {})
            for chunk in _rows(source, table, _scope(model, ids)):
                old_ids = [row.pop("id") for row in chunk]
                for row in chunk:
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
        report.rows["audit"] = _copy_audit(source, tx.session, ids)
    return report


def _copy_audit(source: Session, target: Session, ids: dict[str, dict[int, int]]) -> int:
    """Audit entries about the copied rows, re-pointed at their new ids."""
    audit: Table = AuditEntry.__table__  # type: ignore[assignment]
    documents = ids.get("document", {})
    copied = 0
    for chunk in _rows(source, audit, audit.c.id > 0):
        keep = []
        for row in chunk:
            row.pop("id")
            mapping = ids.get(row["entity"], {})
            if row["entity_id"] is not None:
                if row["entity_id"] not in mapping:
                    continue
                row["entity_id"] = mapping[row["entity_id"]]
            elif not any(d in documents for d in row["documents"] or []):
                continue
            row["documents"] = [documents[d] for d in row["documents"] or [] if d in documents]
            keep.append(row)
        if keep:
            target.execute(insert(audit), keep)
            copied += len(keep)
    return copied
