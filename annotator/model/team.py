"""Tables of running a team: assignments, time spent, comments, the codebook's attributes, actors."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from annotator.model.base import NEVER_REUSED, Base, utcnow


class Assignment(Base):
    """A document in an annotator's queue (see ``annotator.assign``): who assigned it and when."""

    __tablename__ = "assignment"
    __table_args__ = (UniqueConstraint("document_id", "annotator_id"), NEVER_REUSED)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotator.id", ondelete="CASCADE"), index=True)
    assigned_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class WorkTime(Base):
    """Active seconds an annotator spent on a document in the app (idle stretches not counted)."""

    __tablename__ = "work_time"
    __table_args__ = (UniqueConstraint("document_id", "annotator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotator.id", ondelete="CASCADE"))
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Comment(Base):
    """A comment or a flag for discussion on a document, a span or a relation (see ``annotator.comments``).

    ``span_id``/``relation_id`` have no foreign key: ids are never reused, so a comment whose span
    was deleted stays on its document and still names the span (``anchor`` says what it was).
    A reply's ``parent_uid`` names its thread's first comment, which holds the thread's state.
    """

    __tablename__ = "comment"
    __table_args__ = (UniqueConstraint("uid"), Index("ix_comment_document_id", "document_id"), NEVER_REUSED)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The same comment in every copy of the project (exports, merges): merging twice adds it once.
    uid: Mapped[str] = mapped_column(String(36))
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    span_id: Mapped[int | None] = mapped_column(Integer, default=None)
    relation_id: Mapped[int | None] = mapped_column(Integer, default=None)
    # A reply names its thread's first comment by ``uid``, which every copy of the project shares.
    parent_uid: Mapped[str | None] = mapped_column(String(36), default=None)
    # "comment" or "flag" (for discussion: listed in review).
    kind: Mapped[str] = mapped_column(String(10), default="comment")
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("annotator.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # "open" or "resolved"; a thread's state is its first comment's.
    state: Mapped[str] = mapped_column(String(10), default="open")
    resolved_by_id: Mapped[int | None] = mapped_column(Integer, default=None)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    # What the target was when commented on (offsets, label, text; a relation's type and ends).
    anchor: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)


class AttributeDef(Base):
    """A typed attribute of the codebook (QUOTE.type, ACTOR.role): of a label, a relation type or
    (scope "document") of documents. Values live on the rows they describe, by ``name``."""

    __tablename__ = "attribute"
    __table_args__ = NEVER_REUSED

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    # "label", "relation" or "document": what its values describe.
    scope: Mapped[str] = mapped_column(String(20))
    label_id: Mapped[int | None] = mapped_column(ForeignKey("label.id", ondelete="CASCADE"))
    relation_type_id: Mapped[int | None] = mapped_column(ForeignKey("relation_type.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    # choice, multi, bool, number or text (annotator.attributes.KINDS).
    kind: Mapped[str] = mapped_column(String(20))
    choices: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class DocumentAttribute(Base):
    """One annotator's document-level codebook values (genre, topic) for one document."""

    __tablename__ = "document_attribute"
    __table_args__ = (UniqueConstraint("document_id", "annotator_id"), NEVER_REUSED)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotator.id", ondelete="RESTRICT"))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Actor(Base):
    """A project's registry entry for who speaks: ACTOR spans point to it (``annotation.actor_id``).

    ``merged_into_id`` is set when a merge folded this actor into another: the row stays so the
    merge can be undone and old exports' ids still resolve to the actor that absorbed it.
    """

    __tablename__ = "actor"
    __table_args__ = (NEVER_REUSED,)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    kind: Mapped[str | None] = mapped_column(String(100), default=None)
    external_id: Mapped[str | None] = mapped_column(String(200), default=None)
    attributes: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    merged_into_id: Mapped[int | None] = mapped_column(Integer, default=None)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
