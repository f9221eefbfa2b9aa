"""The declarative base, naming convention, enums and the never-reused id rule every table shares."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    MetaData,
)
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON}


class DocStatus(enum.StrEnum):
    NEW = "new"
    IN_PROGRESS = "in progress"
    DONE = "done"


class Role(enum.StrEnum):
    ANNOTATOR = "annotator"
    REVIEWER = "reviewer"
    # The adjudicated layer of a project is held by one annotator with this role.
    GOLD = "gold"


class ReviewStatus(enum.StrEnum):
    UNREVIEWED = "unreviewed"
    IN_REVIEW = "in review"
    ADJUDICATED = "adjudicated"


# Ids that the audit log, undo and scripts refer to are never handed out twice (AUTOINCREMENT on
# SQLite; PostgreSQL's sequences never go back): a new row must not inherit a deleted row's history.
NEVER_REUSED: dict[str, bool] = {"sqlite_autoincrement": True}
