"""The tables of a project, its documents, labels, spans, relations, review, audit and undo."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy import (
    text as sql_text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from annotator.model.base import NEVER_REUSED, Base, DocStatus, ReviewStatus, Role, utcnow


class Project(Base):
    __tablename__ = "project"
    __table_args__ = NEVER_REUSED

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    language: Mapped[str] = mapped_column(String(20), default="en")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    labels: Mapped[list[Label]] = relationship(
        back_populates="project", order_by="Label.position", cascade="all, delete-orphan"
    )
    relation_types: Mapped[list[RelationType]] = relationship(
        back_populates="project",
        order_by="[RelationType.position, RelationType.id]",
        cascade="all, delete-orphan",
    )


class Label(Base):
    """A span label; its hotkey and description (the guideline) are shown in the palette."""

    __tablename__ = "label"
    __table_args__ = (UniqueConstraint("project_id", "name"), NEVER_REUSED)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    color: Mapped[str] = mapped_column(String(9), default="#0072B2")
    hotkey: Mapped[str | None] = mapped_column(String(1), default=None)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Retired: its spans keep it, but the palette, keys and "new span" offer it no more (0011).
    retired: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    project: Mapped[Project] = relationship(back_populates="labels")


class RelationType(Base):
    """A relation type; ``from_label``/``to_label`` restrict its ends (None: any label)."""

    __tablename__ = "relation_type"
    __table_args__ = (UniqueConstraint("project_id", "name"), NEVER_REUSED)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    color: Mapped[str] = mapped_column(String(9), default="#555555")
    hotkey: Mapped[str | None] = mapped_column(String(1), default=None)
    description: Mapped[str] = mapped_column(Text, default="")
    from_label_id: Mapped[int | None] = mapped_column(ForeignKey("label.id", ondelete="RESTRICT"))
    to_label_id: Mapped[int | None] = mapped_column(ForeignKey("label.id", ondelete="RESTRICT"))
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    retired: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    project: Mapped[Project] = relationship(back_populates="relation_types")
    from_label: Mapped[Label | None] = relationship(foreign_keys=[from_label_id])
    to_label: Mapped[Label | None] = relationship(foreign_keys=[to_label_id])


class Annotator(Base):
    __tablename__ = "annotator"
    __table_args__ = (
        UniqueConstraint("project_id", "name"),
        Index("ix_annotator_project_id_login", "project_id", "login", unique=True),
        NEVER_REUSED,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default=Role.ANNOTATOR.value)
    # PostgreSQL: the database login that is this person (row-level security trusts it); NULL for
    # the gold layer, names only declared (SQLite) and imported names.
    login: Mapped[str | None] = mapped_column(String(200), default=None)
    # SQLite: the OS account that first used this person's reviewer rights; only it may use them
    # again (names there are only declared: see Tx.require_reviewer).
    os_account: Mapped[str | None] = mapped_column(String(200), default=None)


class Document(Base):
    """An article; ``text`` is exactly what span offsets refer to and never changes."""

    __tablename__ = "document"
    __table_args__ = (UniqueConstraint("project_id", "content_hash"), NEVER_REUSED)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str | None] = mapped_column(Text)
    source_file: Mapped[str | None] = mapped_column(Text)
    source_url: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(String(40))
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default=DocStatus.NEW.value)
    review_status: Mapped[str] = mapped_column(
        String(20), default=ReviewStatus.UNREVIEWED.value, server_default=ReviewStatus.UNREVIEWED.value
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The import that added it (None: added before batches were recorded, by a merge or the demo).
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id", ondelete="SET NULL"))
    # The source's tokens and sentence breaks (annotator.tokens.pack), None: use the tokenizer.
    tokens: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)


class ImportBatch(Base):
    """One import run: the documents it added name it, so ``rm --batch N`` can take them out again."""

    __tablename__ = "import_batch"
    __table_args__ = NEVER_REUSED

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))
    # What was imported (file names), for the list of batches.
    source: Mapped[str] = mapped_column(Text, default="")
    documents: Mapped[int] = mapped_column(Integer, default=0)


class DeletedDocument(Base):
    """A tombstone: the hash of a deleted document's text, so a merge or import of that text does
    not silently bring the document back (see ``annotator.ops.documents``)."""

    __tablename__ = "deleted_document"
    __table_args__ = (UniqueConstraint("project_id", "content_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    content_hash: Mapped[str] = mapped_column(String(64))
    # The id and title it had, and how many spans it held, for reports.
    document_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(Text)
    spans: Mapped[int] = mapped_column(Integer, default=0)
    deleted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    deleted_by: Mapped[str] = mapped_column(String(200))


class DocumentTrash(Base):
    """PostgreSQL: each row a deleted document took with it, written by the server (a trigger as
    the tables' owner; no login may write here), so that undoing the delete brings every teammate's
    labels back as theirs, which the deleting login could not write itself (row-level security);
    ``ops.documents.restore_documents``. Empty on SQLite: one person, whose undo needs no help."""

    __tablename__ = "document_trash"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(Integer, index=True)
    table_name: Mapped[str] = mapped_column(String(64))  # "document": its project and text hash only
    row: Mapped[dict[str, Any]] = mapped_column(JSON)
    deleted_by: Mapped[str] = mapped_column(String(200))  # the database login that deleted it
    deleted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Annotation(Base):
    """A labelled span: code point offsets into its document's text, end exclusive."""

    __tablename__ = "annotation"
    __table_args__ = (
        UniqueConstraint("document_id", "annotator_id", "label_id", "start", "end"),
        CheckConstraint('"end" > start AND start >= 0', name="span_bounds"),
        Index("ix_annotation_document_start", "document_id", "start"),
        # Only the spans that name a registry actor (the picker, the registry's counts): the
        # many that name none cost an import nothing (migration 0020).
        Index(
            "ix_annotation_actor_id",
            "actor_id",
            sqlite_where=sql_text("actor_id IS NOT NULL"),
            postgresql_where=sql_text("actor_id IS NOT NULL"),
        ),
        NEVER_REUSED,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    # No index on label or annotator: queries reach spans through their document, and each index
    # costs every bulk import (only deleting a whole label or annotator scans the table).
    label_id: Mapped[int] = mapped_column(ForeignKey("label.id", ondelete="RESTRICT"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotator.id", ondelete="RESTRICT"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Gold spans only: which annotators' spans it was accepted from, and who adjudicated it.
    sources: Mapped[list[str] | None] = mapped_column(JSON, default=None)
    # No foreign key: adding one would make SQLite copy the whole table on upgrade.
    adjudicator_id: Mapped[int | None] = mapped_column(Integer)
    # Where the span came from when not typed by hand: "suggestion:rules@1" (see annotator.suggest).
    origin: Mapped[str | None] = mapped_column(String(200), default=None)
    # Codebook values by attribute name (see ``annotator.attributes``); None: none set.
    attributes: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    # The registry actor this span names (``annotator.model.Actor``); no foreign key (see 0017).
    actor_id: Mapped[int | None] = mapped_column(Integer, default=None)
    # A multi-part span's parts [[start, end], ...] in order; None: one part. start/end = the hull.
    fragments: Mapped[list[list[int]] | None] = mapped_column(JSON, default=None)


class Relation(Base):
    """A typed link between two spans of the same document (e.g. QUOTE --speaker--> ACTOR)."""

    __tablename__ = "relation"
    __table_args__ = (UniqueConstraint("source_id", "target_id", "type_id", "annotator_id"), NEVER_REUSED)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    # source_id is indexed by the unique constraint (it leads it); see Annotation for the others.
    source_id: Mapped[int] = mapped_column(ForeignKey("annotation.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("annotation.id", ondelete="CASCADE"), index=True)
    type_id: Mapped[int] = mapped_column(ForeignKey("relation_type.id", ondelete="RESTRICT"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotator.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sources: Mapped[list[str] | None] = mapped_column(JSON, default=None)
    # No foreign key: adding one would make SQLite copy the whole table on upgrade.
    adjudicator_id: Mapped[int | None] = mapped_column(Integer)
    # Codebook values by attribute name (see ``annotator.attributes``); None: none set.
    attributes: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)


class Rejection(Base):
    """A reviewer's decision that a span (by offsets and label) stays out of the gold layer."""

    __tablename__ = "rejection"
    __table_args__ = (UniqueConstraint("document_id", "label_id", "start", "end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    label_id: Mapped[int] = mapped_column(ForeignKey("label.id", ondelete="CASCADE"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("annotator.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class RelationRejection(Base):
    """A reviewer's decision that a relation (by type and its ends' offsets and labels) stays out
    of the gold layer."""

    __tablename__ = "relation_rejection"
    __table_args__ = (
        # Named by hand: the naming convention's name is longer than PostgreSQL allows.
        UniqueConstraint(
            "document_id",
            "type_id",
            "source_start",
            "source_end",
            "source_label_id",
            "target_start",
            "target_end",
            "target_label_id",
            name="uq_relation_rejection_relation",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    type_id: Mapped[int] = mapped_column(ForeignKey("relation_type.id", ondelete="CASCADE"))
    source_start: Mapped[int] = mapped_column(Integer)
    source_end: Mapped[int] = mapped_column(Integer)
    source_label_id: Mapped[int] = mapped_column(ForeignKey("label.id", ondelete="CASCADE"))
    target_start: Mapped[int] = mapped_column(Integer)
    target_end: Mapped[int] = mapped_column(Integer)
    target_label_id: Mapped[int] = mapped_column(ForeignKey("label.id", ondelete="CASCADE"))
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("annotator.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AuditEntry(Base):
    """One change to the data: who, when, what. Written in the transaction that made the change."""

    __tablename__ = "audit"
    __table_args__ = (Index("ix_audit_entity_entity_id", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))
    entity: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(20))
    # The row changed; NULL for bulk changes (an import), which list their documents instead.
    entity_id: Mapped[int | None] = mapped_column(Integer)
    documents: Mapped[list[int]] = mapped_column(JSON, default=list)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    # Which open database connection (one per running app) wrote it: others refresh from it.
    client: Mapped[str | None] = mapped_column(String(36))
    # The account that made the change, beside the annotator's name: the database login on
    # PostgreSQL (the server checks it), the OS user on SQLite (where names are only declared).
    login: Mapped[str | None] = mapped_column(String(200), default=None)


class ProjectSetting(Base):
    """One project-wide preference, shared by the whole team (see ``annotator.settings_project``).

    A key/value table rather than columns, so a new setting needs no migration: the known keys,
    their types and defaults are declared in code, and a key missing here has its default.
    """

    __tablename__ = "project_setting"
    __table_args__ = (UniqueConstraint("project_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(100))
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class UndoStep(Base):
    """One undoable user action (see ``annotator.undo``): the rows it changed, before and after.

    Kept in the database so the app, a second app and the CLI share one undo history per person.
    """

    __tablename__ = "undo_step"
    __table_args__ = (Index("ix_undo_step_annotator_id_state", "annotator_id", "state"), NEVER_REUSED)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    # Whose step it is: only they may undo it (and on PostgreSQL only from the same login).
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotator.id", ondelete="CASCADE"))
    login: Mapped[str | None] = mapped_column(String(200), default=None)
    title: Mapped[str] = mapped_column(String(200))
    # "annotate" (the person's own layer) or "review" (the gold layer: undone as a review operation).
    kind: Mapped[str] = mapped_column(String(20))
    # "done" (undo may take it back) or "undone" (redo may put it back).
    state: Mapped[str] = mapped_column(String(10), default="done")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    documents: Mapped[list[int]] = mapped_column(JSON, default=list)
    # The changed rows: [{"table", "id", "before", "after"}], images as JSON values.
    changes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
