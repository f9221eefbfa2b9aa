"""An open project: its store, schema, people and the annotator at the keyboard.

Plain Python (no Qt) so the window, the commands and the tests share one picture of the schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from annotator.linked import OthersLink, others_links
from annotator.ops.projects import actor_of, create_project, identify
from annotator.queries import (
    LabelRow,
    ProjectRow,
    RelationTypeRow,
    label_rows,
    names,
    project_rows,
    relation_type_rows,
)
from annotator.store import Actor, Store, open_store


class ProjectChoice(Exception):
    """The database holds several projects (or none) and none was named: the user must choose."""

    def __init__(self, projects: list[ProjectRow]) -> None:
        super().__init__(", ".join(p.name for p in projects) or "no project")
        self.projects = projects


@dataclass(slots=True)
class ProjectContext:
    store: Store
    id: int
    name: str
    actor: Actor
    labels: list[LabelRow] = field(default_factory=list)
    types: list[RelationTypeRow] = field(default_factory=list)
    people: dict[int, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """The database URL, password included (kept in memory only)."""
        return self.store.engine.url.render_as_string(hide_password=False)

    @property
    def shareable_url(self) -> str:
        """The URL without a password: what the recent-projects list may store."""
        return self.store.engine.url.set(password=None).render_as_string(hide_password=False)

    @property
    def annotator_id(self) -> int:
        assert self.actor.id is not None
        return self.actor.id

    def reload_schema(self) -> None:
        """Re-read labels, relation types and annotator names (after a schema change)."""
        with self.store.session() as session:
            self.labels = label_rows(session, self.id)
            self.types = relation_type_rows(session, self.id)
            _labels, _types, self.people = names(session, self.id)

    def label(self, label_id: int) -> LabelRow | None:
        return next((lab for lab in self.labels if lab.id == label_id), None)

    def relation_type(self, type_id: int) -> RelationTypeRow | None:
        return next((t for t in self.types if t.id == type_id), None)

    def label_for_key(self, key: str) -> LabelRow | None:
        """The label a key press means: its schema letter, or 1–9 by palette position."""
        key = key.lower()
        for lab in self.labels:
            if lab.hotkey and lab.hotkey.lower() == key:
                return lab
        if key.isdigit() and key != "0" and int(key) <= len(self.labels):
            return self.labels[int(key) - 1]
        return None

    def others_links(self, span_ids: list[int]) -> list[OthersLink]:
        """Teammates' links on these spans: deleting the spans would take them too."""
        with self.store.session() as session:
            return others_links(session, span_ids, self.actor.id)

    def set_annotator(self, name: str) -> None:
        """Switch who is annotating; the annotator is added to the project on first use.

        On a shared PostgreSQL database a teammate is their login: another name is refused.
        """
        with self.store.transaction() as tx:
            self.actor = actor_of(identify(tx, self.id, name))
        self.reload_schema()

    def close(self) -> None:
        self.store.close()


def open_project(url: str | None, project: str | None, annotator: str) -> ProjectContext:
    """Open the database at ``url`` and the project called ``project`` (or its only project)
    as ``annotator``; on PostgreSQL as the database login instead (the name typed is the
    SQLite one, so it does not count there).

    Raises ProjectChoice when there is no single obvious project.
    """
    store = open_store(url)
    try:
        with store.session() as session:
            rows = project_rows(session)
        chosen = [p for p in rows if p.name == project] if project else rows
        if len(chosen) != 1:
            raise ProjectChoice(rows)
        row = chosen[0]
        with store.transaction() as tx:
            actor = actor_of(identify(tx, row.id, None if store.login else annotator))
    except BaseException:
        store.close()
        raise
    context = ProjectContext(store, row.id, row.name, actor)
    context.reload_schema()
    return context


def new_project(url: str | None, name: str) -> None:
    """Create a project with the default schema in the database at ``url``."""
    store = open_store(url)
    try:
        with store.transaction() as tx:
            create_project(tx, name)
    finally:
        store.close()
