"""Which registry actor each span of the open document names: the span list's "Actor" column and
the article's tooltip line.

Read once per document (``ProjectContext.span_actors``: only the linked spans); after that a
change of spans re-reads only the spans it touched (a link bumps the span's version, and the
session re-reads that row; a new ACTOR span has no link yet), so a keystroke never scans the
document's 50,000 spans. A registry change (a rename or a merge elsewhere) reads all again.
"""

from __future__ import annotations

from collections.abc import Callable

from annotator.events import ChangeSet
from ui.article.index import ID, LABEL
from ui.session import DocumentSession, SpanDelta


class SpanActors:
    """span id → (actor id, actor name) for the open document, kept in step with the session."""

    def __init__(self, session: DocumentSession) -> None:
        self.session = session
        self.linked: dict[int, tuple[int, str]] = {}
        self.labels: set[int] = set()  # the labels whose spans may name an actor (read with the links)
        self.listeners: list[Callable[[], None]] = []  # told after each re-read (the span list)
        session.reset.connect(self.reload)
        session.completed.connect(self.reload)
        session.spansChanged.connect(self._changed)

    def reload(self) -> None:
        project, doc_id = self.session.project, self.session.doc_id
        self.linked = {} if project is None or doc_id is None else project.span_actors(doc_id)
        self.labels = set() if project is None else project.actor_label_ids()
        for listener in self.listeners:
            listener()

    def _changed(self, delta: SpanDelta) -> None:
        """Actor spans changed in place or arrived (a link, an undo): re-read those spans' links,
        exactly what a whole re-read would give for them (the others did not change).

        Other spans name no actor: twenty thousand CLAIM spans made one by one read nothing."""
        touched = {s[ID] for s in delta.added if s[LABEL] in self.labels}
        touched |= {s[ID] for s in delta.removed if s[ID] in self.linked}
        project, doc_id = self.session.project, self.session.doc_id
        if not touched or project is None or doc_id is None:
            return
        # A row the change came with that names no actor needs no query (a new ACTOR span).
        unread = {i for i in touched if (row := delta.stored.get(i)) is None or row["actor_id"] is not None}
        fresh = project.span_actors(doc_id, unread) if unread else {}
        for span_id in touched:
            if span_id in fresh:
                self.linked[span_id] = fresh[span_id]
            else:
                self.linked.pop(span_id, None)
        for listener in self.listeners:
            listener()

    def on_store_changed(self, changeset: ChangeSet) -> None:
        """A registry edit (rename, merge) or a schema edit: the names (or actor labels) change."""
        if any(changeset.touches(t) for t in ("actor", "label", "relation_type")):
            self.reload()

    def of(self, span_id: int) -> tuple[int, str] | None:
        return self.linked.get(span_id)

    def name(self, span_id: int) -> str:
        linked = self.linked.get(span_id)
        return linked[1] if linked is not None else ""
