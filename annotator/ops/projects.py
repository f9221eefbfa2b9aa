"""Projects and their annotators."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.errors import NotFoundError, ValidationError
from annotator.model import Annotator, Project, Role
from annotator.ops.labels import add_label, add_relation_type
from annotator.resources import default_schema
from annotator.store import Tx


def create_project(
    tx: Tx, name: str, *, language: str | None = None, schema: dict[str, Any] | None = None
) -> Project:
    """Create a project with ``schema`` (default: CLAIM, QUOTE, ACTOR; speaker, claimant)."""
    name = name.strip()
    if not name:
        raise ValidationError("a project needs a name")
    if tx.session.scalar(select(Project.id).where(Project.name == name)) is not None:
        raise ValidationError(f"a project named {name!r} exists already")
    schema = schema if schema is not None else default_schema()
    project = Project(name=name, language=language or schema.get("language", "en"))
    tx.session.add(project)
    tx.session.flush()
    for item in schema.get("labels", []):
        add_label(
            tx,
            project.id,
            item["name"],
            color=item.get("color"),
            hotkey=item.get("hotkey"),
            description=item.get("description", ""),
        )
    for item in schema.get("relation_types", []):
        add_relation_type(
            tx,
            project.id,
            item["name"],
            from_label=item.get("from"),
            to_label=item.get("to"),
            color=item.get("color"),
            hotkey=item.get("hotkey"),
            description=item.get("description", ""),
        )
    tx.record("project", "created", (project.id,))
    return project


def find_project(session: Session, name: str | None = None) -> Project:
    """The project called ``name``; without a name, the only project in the database."""
    if name is not None:
        project = session.scalar(select(Project).where(Project.name == name))
        if project is None:
            known = ", ".join(session.scalars(select(Project.name).order_by(Project.name))) or "none"
            raise NotFoundError(f"no project named {name!r} (projects: {known})")
        return project
    projects = list(session.scalars(select(Project).order_by(Project.id).limit(2)))
    if not projects:
        raise NotFoundError("the database has no project yet; create one with `annotator init`")
    if len(projects) > 1:
        names = ", ".join(session.scalars(select(Project.name).order_by(Project.name)))
        raise NotFoundError(f"the database holds several projects ({names}); choose one with --project")
    return projects[0]


def ensure_annotator(tx: Tx, project_id: int, name: str, role: Role | None = None) -> Annotator:
    """The annotator called ``name`` in the project, created on first use."""
    name = name.strip()
    if not name:
        raise ValidationError("an annotator needs a name")
    annotator = tx.session.scalar(
        select(Annotator).where(Annotator.project_id == project_id, Annotator.name == name)
    )
    if annotator is None:
        annotator = Annotator(project_id=project_id, name=name, role=(role or Role.ANNOTATOR).value)
        tx.session.add(annotator)
        tx.session.flush()
        tx.record("annotator", "created", (annotator.id,))
    elif role is not None and annotator.role != role.value:
        annotator.role = role.value
        tx.record("annotator", "updated", (annotator.id,))
    return annotator
