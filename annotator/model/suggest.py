"""Suggestions of rules and models, kept apart from labels, each person's decisions on them, and the
models trained from the project that a database keeps."""

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
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from annotator.model.base import NEVER_REUSED, Base, utcnow

# --- suggestions (annotator.suggest): proposals of rules and models, kept apart from labels ------


class Suggestion(Base):
    """A span a rule or model proposes: shared by the team, never a label until someone accepts it."""

    __tablename__ = "suggestion"
    __table_args__ = (UniqueConstraint("document_id", "source", "label_id", "start", "end"), NEVER_REUSED)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    label_id: Mapped[int] = mapped_column(ForeignKey("label.id", ondelete="CASCADE"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    # "rules@1", "model:NAME@VERSION", "spacy:PIPELINE"; "model:NAME@VERSION for ANA" (below)
    source: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Made from one annotator's labels (the speakers of their quotes, ``annotator.suggest.own``):
    # shown to that annotator alone. NULL: the team's. No foreign key, as ``annotation.actor_id``:
    # a plain column added without a table copy (annotators are never deleted).
    for_annotator_id: Mapped[int | None] = mapped_column(Integer, default=None)


class RelationSuggestion(Base):
    """A relation proposed between two suggested spans (accepting it brings both spans)."""

    __tablename__ = "relation_suggestion"
    __table_args__ = (UniqueConstraint("source_id", "target_id", "type_id"), NEVER_REUSED)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("suggestion.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("suggestion.id", ondelete="CASCADE"), index=True)
    type_id: Mapped[int] = mapped_column(ForeignKey("relation_type.id", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    for_annotator_id: Mapped[int | None] = mapped_column(Integer, default=None)  # as its spans'


class SuggestionDecision(Base):
    """One annotator's "accepted" or "rejected" on a suggestion (each person decides for themself)."""

    __tablename__ = "suggestion_decision"
    __table_args__ = (
        UniqueConstraint("suggestion_id", "annotator_id"),
        UniqueConstraint("relation_suggestion_id", "annotator_id"),
        Index("ix_suggestion_decision_document_id_annotator_id", "document_id", "annotator_id"),
        NEVER_REUSED,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    suggestion_id: Mapped[int | None] = mapped_column(ForeignKey("suggestion.id", ondelete="CASCADE"))
    relation_suggestion_id: Mapped[int | None] = mapped_column(
        ForeignKey("relation_suggestion.id", ondelete="CASCADE")
    )
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotator.id", ondelete="CASCADE"))
    decision: Mapped[str] = mapped_column(String(10))  # "accepted" or "rejected"
    decided_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SuggestionShown(Base):
    """Suggestions were shown to this annotator on this document before it was done (agreement
    can leave such documents out: suggestions bias)."""

    __tablename__ = "suggestion_shown"
    __table_args__ = (UniqueConstraint("document_id", "annotator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotator.id", ondelete="CASCADE"))
    shown_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class TrainedModel(Base):
    """A model trained from the project, kept in its database as ``NAME@VERSION`` (a shared
    PostgreSQL database has no folder beside it: every teammate's machine finds the model here)."""

    __tablename__ = "trained_model"
    __table_args__ = (UniqueConstraint("project_id", "name", "version"), NEVER_REUSED)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON)  # the model's model.json
    archive: Mapped[bytes] = mapped_column(LargeBinary)  # the model folder, tar.gz, relative names
    digest: Mapped[str] = mapped_column(String(64))  # sha256 of the archive, hex
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
