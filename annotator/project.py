"""An open project (Anki's ``Collection``): its store, schema, people and who is at the keyboard.

The GUI and the CLI open a project through this one object, and every read they need is a method
of it, each in its own short session: no widget opens a session or sees SQLAlchemy, and a
background reader on a worker thread calls the same methods (a session per call is thread-safe).
Writes stay core operations in ``store.transaction()``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.errors import AnnotatorError
from annotator.linked import OthersLink, others_links
from annotator.ops.projects import actor_of, create_project, find_project, identify, role_change_refusal
from annotator.ops.relations import fitting_type_ids
from annotator.progress import TeamReads
from annotator.project_actors import ActorReads
from annotator.project_features import FeatureReads
from annotator.queries import (
    DocumentRow,
    DocumentView,
    LabelRow,
    ProjectRow,
    RelationRow,
    RelationTypeRow,
    SpanDetail,
    SpanTuple,
    count_documents,
    document_count,
    document_view,
    documents_by_id,
    find_documents,
    label_rows,
    names,
    project_rows,
    relation_type_rows,
    relations_of,
    span_detail,
    span_table,
    span_tuples,
    stats,
)
from annotator.review.curation import (
    AnnotatorRow,
    Curation,
    annotator_rows,
    annotators_in_document,
    document_ids,
    load_curation,
)
from annotator.settings_project import ProjectSettings, all_settings, load_settings
from annotator.store import Actor, Store, Tx, open_store

if TYPE_CHECKING:
    from annotator.export import DatasetReport, ExportOptions
    from annotator.formats.base import Progress
    from annotator.review.figures import Figures
    from annotator.review.history import HistoryRow


class ProjectChoice(Exception):
    """The database holds several projects (or none) and none was named: the user must choose."""

    def __init__(self, projects: list[ProjectRow]) -> None:
        super().__init__(", ".join(p.name for p in projects) or "no project")
        self.projects = projects


@dataclass(frozen=True, slots=True)
class DocumentState:
    """A document as one read sees it: its list row (None once deleted), spans and relations."""

    row: DocumentRow | None
    spans: list[SpanTuple]
    relations: list[RelationRow]


@dataclass(frozen=True, slots=True)
class ReviewRead:
    """What the review view shows of one document, read in one session so the parts agree."""

    doc: DocumentView
    people: list[AnnotatorRow]
    curation: Curation
    relations: list[RelationRow]


@dataclass(slots=True)
class ProjectContext(FeatureReads, ActorReads):
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

    @property
    def active_labels(self) -> list[LabelRow]:
        """The labels new spans may take (retired ones stay on their spans only), palette order."""
        return [lab for lab in self.labels if not lab.retired]

    @property
    def active_types(self) -> list[RelationTypeRow]:
        return [t for t in self.types if not t.retired]

    def label_for_key(self, key: str) -> LabelRow | None:
        """The label a key press means: its schema letter, or 1–9 by palette position."""
        key = key.lower()
        labels = self.active_labels
        for lab in labels:
            if lab.hotkey and lab.hotkey.lower() == key:
                return lab
        if key.isdigit() and key != "0" and int(key) <= len(labels):
            return labels[int(key) - 1]
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

    # --- documents ----------------------------------------------------------------------------

    def document_total(
        self,
        *,
        text: str = "",
        status: str | None = None,
        assigned_to: int | None = None,
        at_most: int | None = None,
    ) -> int:
        """How many documents match the list's filter (all of them without one), up to ``at_most``."""
        with self.store.session() as session:
            return count_documents(
                session, self.id, text=text, status=status, assigned_to=assigned_to, at_most=at_most
            )

    def documents(
        self,
        *,
        text: str = "",
        status: str | None = None,
        offset: int = 0,
        limit: int | None = None,
        assigned_to: int | None = None,
    ) -> list[DocumentRow]:
        """One page of the document list (of one annotator's queue, with ``assigned_to``), in id order."""
        with self.store.session() as session:
            return find_documents(
                session,
                self.id,
                text=text,
                status=status,
                offset=offset,
                limit=limit,
                assigned_to=assigned_to,
            )

    @property
    def team(self) -> TeamReads:
        """Assignments, queues, progress and time spent (``annotator.progress``)."""
        return TeamReads(self.store, self.id)

    def documents_by_id(self, ids: Sequence[int]) -> list[DocumentRow]:
        """The list rows of these documents as stored now (deleted ones are left out)."""
        with self.store.session() as session:
            return documents_by_id(session, ids)

    def stats(self) -> dict[str, Any]:
        """Counts of documents, spans and relations, by status, label, annotator and type."""
        with self.store.session() as session:
            return stats(session, self.id)

    def document_ids(self, status: str | None = None) -> list[int]:
        with self.store.session() as session:
            return document_ids(session, self.id, status)

    def document(self, doc_id: int) -> DocumentView:
        with self.store.session() as session:
            return document_view(session, doc_id)

    def opening(
        self, doc_id: int, annotators: list[int] | None, head: int
    ) -> tuple[DocumentView, list[SpanTuple], list[RelationRow], bool]:
        """A document with the spans of its first ``head`` characters (all of them, and its
        relations, when it is no longer); the last item says whether that was everything."""
        with self.store.session() as session:
            doc = document_view(session, doc_id)
            whole = len(doc.text) <= head
            spans = span_table(session, doc_id, annotators, start_before=None if whole else head)
            relations = relations_of(session, doc_id) if whole else []
        return doc, spans, relations, whole

    def spans_and_relations(
        self, doc_id: int, annotators: list[int] | None
    ) -> tuple[list[SpanTuple], list[RelationRow]]:
        """Every span (of these annotators, or everyone's) and relation of a document."""
        with self.store.session() as session:
            return span_table(session, doc_id, annotators), relations_of(session, doc_id)

    def document_state(self, doc_id: int, annotators: list[int] | None) -> DocumentState:
        """A document's list row, spans and relations as of one read (to refresh a view in place)."""
        with self.store.session() as session:
            rows = documents_by_id(session, [doc_id])
            if not rows:
                return DocumentState(None, [], [])
            return DocumentState(
                rows[0], span_table(session, doc_id, annotators), relations_of(session, doc_id)
            )

    # --- spans --------------------------------------------------------------------------------

    def span_detail(self, span_id: int) -> SpanDetail | None:
        with self.store.session() as session:
            return span_detail(session, span_id)

    def span_tuples(self, ids: Sequence[int]) -> list[SpanTuple]:
        """Spans as stored now (after a restore, whose versions the database decides)."""
        with self.store.session() as session:
            return span_tuples(session, ids)

    def fitting_types(self, source_id: int, target_id: int) -> list[int]:
        """The relation types the schema allows from one span to another."""
        with self.store.session() as session:
            return fitting_type_ids(Tx(session), source_id, target_id)

    def span_history(self, span_id: int) -> tuple[list[HistoryRow], SpanDetail | None]:
        """A span's versions, oldest first, and the span as it is now (None once deleted)."""
        from annotator.review.history import span_history

        with self.store.session() as session:
            return span_history(session, span_id), span_detail(session, span_id)

    # --- people and settings ------------------------------------------------------------------

    def people_names(self) -> dict[int, str]:
        """Annotator names by id, read now (a teammate may have joined)."""
        with self.store.session() as session:
            return names(session, self.id)[2]

    def annotators(self) -> list[AnnotatorRow]:
        """Everyone in the project with their role, gold included, by name."""
        with self.store.session() as session:
            return annotator_rows(session, self.id)

    def role_change_refusal(self) -> str | None:
        """Why the current user may not change roles, or None if they may."""
        with self.store.session() as session:
            return role_change_refusal(session, self.id, self.actor)

    def settings(self) -> ProjectSettings:
        with self.store.session() as session:
            return load_settings(session, self.id)

    def all_settings(self) -> dict[str, str | tuple[str, ...]]:
        with self.store.session() as session:
            return all_settings(session, self.id)

    # --- review, agreement, export ------------------------------------------------------------

    def review_read(self, doc_id: int, chosen: list[int] | None) -> ReviewRead:
        """A document, its annotators and their curation; without a choice, those who labelled it
        (or, with fewer than two of them, every annotator who is not a reviewer)."""
        from annotator.model import Role

        with self.store.session() as session:
            doc = document_view(session, doc_id)
            people = [a for a in annotator_rows(session, self.id) if a.role != Role.GOLD.value]
            if chosen is None:
                chosen = annotators_in_document(session, doc_id)
                if len([p for p in people if p.id in chosen]) < 2:
                    chosen = [p.id for p in people if p.role != Role.REVIEWER.value] or [p.id for p in people]
            curation = load_curation(session, doc_id, [p.id for p in people if p.id in chosen])
            relations = relations_of(session, doc_id)
        return ReviewRead(doc, people, curation, relations)

    def agreement(
        self,
        annotators: Sequence[str] | None,
        documents: Sequence[int] | None,
        stage: Callable[[str], None] | None = None,
    ) -> Figures:
        from annotator.review.figures import agreement_figures  # numpy loads only when asked for

        with self.store.session() as session:
            return agreement_figures(session, self.id, annotators, documents, stage=stage)

    def gold_export_warning(self, layer: str) -> str | None:
        from annotator.review.readiness import gold_export_warning

        with self.store.session() as session:
            return gold_export_warning(session, self.id, layer)

    def check_export(self, options: ExportOptions) -> None:
        """Raise what the project refuses for this export (no gold layer, unknown annotator)."""
        from annotator.export import plan

        with self.store.session() as session:
            plan(session, self.id, options)

    def export(
        self,
        fmt: str,
        out: Path,
        progress: Progress | None = None,
        options: ExportOptions | None = None,
        *,
        stage: Callable[[int], None] | None = None,
    ) -> DatasetReport:
        """Write the project in ``fmt`` to ``out``; ``stage`` first hears how many documents."""
        from annotator.export import export

        with self.store.session() as session:
            if stage is not None:
                stage(document_count(session, self.id))
            return export(session, self.id, fmt, out, progress, options)


def open_project(url: str | None, project: str | None, annotator: str) -> ProjectContext:
    """Open the database at ``url`` and the project called ``project`` (or its only project)
    as ``annotator``; on PostgreSQL as the database login instead (the name typed is the
    SQLite one, so it does not count there).

    Raises ProjectChoice when there is no single obvious project.
    """
    store = open_store(url)
    try:
        row = _choose(store, project)
        with store.transaction() as tx:
            actor = actor_of(identify(tx, row.id, None if store.login else annotator))
    except BaseException:
        store.close()
        raise
    context = ProjectContext(store, row.id, row.name, actor)
    context.reload_schema()
    return context


def open_for_commands(url: str | None, project: str | None, *, as_login: bool = True) -> ProjectContext:
    """The CLI's way in: ``--project`` (or the only project), refused with the CLI's messages.

    With ``as_login`` on PostgreSQL a teammate's login acts as their annotator (so the core's rules
    apply, and the server's); elsewhere, and for the admin, commands act as the system. Reading
    commands pass ``as_login=False``: reading adds nobody to the project.
    """
    store = open_store(url)
    try:
        with store.session() as session:
            row = find_project(session, project)
            project_id, name = row.id, row.name
        if as_login and store.login is not None:
            with store.transaction() as tx:
                store.actor = actor_of(identify(tx, project_id, None))
    except BaseException:
        store.close()
        raise
    context = ProjectContext(store, project_id, name, store.actor or Actor("system"))
    context.reload_schema()
    return context


def _choose(store: Store, project: str | None) -> ProjectRow:
    with store.session() as session:
        rows = project_rows(session)
    chosen = [p for p in rows if p.name == project] if project else rows
    if len(chosen) != 1:
        raise ProjectChoice(rows)
    return chosen[0]


def people_of(url: str | None, project: str | None) -> dict[int, str]:
    """The annotator names of a project, without joining it (as the screenshot needs)."""
    store = open_store(url)
    try:
        row = _choose(store, project)
        with store.session() as session:
            return names(session, row.id)[2]
    finally:
        store.close()


def project_names(url: str) -> list[str]:
    """Names of the projects in the database at ``url`` (empty when it cannot be read: the
    welcome panel still shows, and ``annotator doctor`` explains)."""
    try:
        store = open_store(url)
    except (AnnotatorError, OSError):
        return []
    try:
        with store.session() as session:
            return [row.name for row in project_rows(session)]
    except Exception:  # a broken database
        return []
    finally:
        store.close()


def new_project(url: str | None, name: str) -> None:
    """Create a project with the default schema in the database at ``url``."""
    store = open_store(url)
    try:
        with store.transaction() as tx:
            create_project(tx, name)
    finally:
        store.close()
