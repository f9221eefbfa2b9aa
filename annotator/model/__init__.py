"""Typed SQLAlchemy models: the one description of what a project stores.

The schema is created and upgraded only by the Alembic migrations in ``annotator/migrations``;
these classes must agree with them (a test compares the two). By theme: ``base`` (the declarative
base, enums), ``core`` (projects, documents, labels, spans, relations, review, audit, undo),
``team`` (assignments, time spent, comments, attributes, actors), ``suggest`` (suggestions, decisions and
the trained models a database keeps).
Import from ``annotator.model``.
"""

from __future__ import annotations

from annotator.model.base import (
    NAMING,
    NEVER_REUSED,
    Base,
    DocStatus,
    ReviewStatus,
    Role,
    utcnow,
)
from annotator.model.core import (
    Annotation,
    Annotator,
    AuditEntry,
    DeletedDocument,
    Document,
    DocumentTrash,
    ImportBatch,
    Label,
    Project,
    ProjectSetting,
    Rejection,
    Relation,
    RelationRejection,
    RelationType,
    UndoStep,
)
from annotator.model.suggest import (
    RelationSuggestion,
    Suggestion,
    SuggestionDecision,
    SuggestionShown,
    TrainedModel,
)
from annotator.model.team import (
    Actor,
    Assignment,
    AttributeDef,
    Comment,
    DocumentAttribute,
    WorkTime,
)

__all__ = [
    "NAMING",
    "NEVER_REUSED",
    "Actor",
    "Annotation",
    "Annotator",
    "Assignment",
    "AttributeDef",
    "AuditEntry",
    "Base",
    "Comment",
    "DeletedDocument",
    "DocStatus",
    "Document",
    "DocumentAttribute",
    "DocumentTrash",
    "ImportBatch",
    "Label",
    "Project",
    "ProjectSetting",
    "Rejection",
    "Relation",
    "RelationRejection",
    "RelationSuggestion",
    "RelationType",
    "ReviewStatus",
    "Role",
    "Suggestion",
    "SuggestionDecision",
    "SuggestionShown",
    "TrainedModel",
    "UndoStep",
    "WorkTime",
    "utcnow",
]
