"""The document being annotated: its text, offsets map, span index, relations and selection.

One instance lives as long as the window; the article view, highlighter, span and relation lists
and the undo commands all read this one structure, so a change is applied once and every view
updates from the same signals. Changes this session made itself carry it as ``origin`` and are
skipped when they come back over the store's bus; changes from elsewhere (a teammate, an import, a
label edit) are refreshed in place: only the spans and relations that differ are replaced, so the
reader keeps their scroll position, text selection, selected span, link gesture and find bar.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from annotator.events import ChangeSet
from annotator.fragments import joined_text
from annotator.queries import DocumentView, RelationRow, SpanDetail, SpanTuple
from annotator.settings_project import ProjectSettings
from annotator.text import OffsetMap
from ui.article.after_paint import Later
from ui.article.index import ANNOTATOR, END, ID, START, SpanIndex, display_text
from ui.project import ProjectContext
from ui.qt import QObject, QRunnable, QThreadPool, Signal

HEAD_CHARS = 8000  # the first screen, and then some


@dataclass(slots=True)
class SpanDelta:
    """What one change did to the spans: the views update rows and blocks from it."""

    added: list[SpanTuple] = field(default_factory=list)
    removed: list[SpanTuple] = field(default_factory=list)
    blocks: set[int] = field(default_factory=set)
    # Rows of added spans as the change left them, when it came with them (a core undo step):
    # the views read parts and actor links there instead of asking the database again.
    stored: Mapping[int, Mapping[str, Any]] = field(default_factory=dict)


class Links:
    """The document's relations by id, and by the spans at either end (for markers and tooltips)."""

    def __init__(self, relations: Iterable[RelationRow] = ()) -> None:
        self.by_id: dict[int, RelationRow] = {}
        self._by_span: dict[int, set[int]] = {}
        for rel in relations:
            self.add(rel)

    def __len__(self) -> int:
        return len(self.by_id)

    def values(self) -> Iterable[RelationRow]:
        return self.by_id.values()

    def add(self, rel: RelationRow) -> None:
        self.by_id[rel.id] = rel
        self._by_span.setdefault(rel.source_id, set()).add(rel.id)
        self._by_span.setdefault(rel.target_id, set()).add(rel.id)

    def remove(self, rel_id: int) -> None:
        rel = self.by_id.pop(rel_id, None)
        if rel is not None:
            for end in (rel.source_id, rel.target_id):
                ids = self._by_span.get(end)
                if ids is not None:
                    ids.discard(rel_id)
                    if not ids:
                        del self._by_span[end]

    def of_span(self, span_id: int) -> list[RelationRow]:
        return [self.by_id[i] for i in sorted(self._by_span.get(span_id, ()))]

    def count(self, span_id: int) -> int:
        return len(self._by_span.get(span_id, ()))

    def outgoing(self, span_id: int) -> list[RelationRow]:
        return [r for r in self.of_span(span_id) if r.source_id == span_id]


class _Sink(QObject):
    """Receives a background read on the GUI thread (it lives there; the reader only emits)."""

    arrived = Signal(int, object)


class _FetchAll(QRunnable):
    """Reads every span and relation of a long document on a worker thread."""

    def __init__(
        self, project: ProjectContext, doc_id: int, annotators: list[int] | None, generation: int, sink: _Sink
    ):
        super().__init__()
        self.args = (project, doc_id, annotators)
        self.generation = generation
        self.sink = sink

    def run(self) -> None:
        project, doc_id, annotators = self.args
        data: object = None
        try:
            data = project.spans_and_relations(doc_id, annotators)
        except Exception:  # the project was closed meanwhile: the GUI thread reads again if needed
            data = None
        with contextlib.suppress(RuntimeError):  # the window closed while reading
            self.sink.arrived.emit(self.generation, data)


class DocumentSession(QObject):
    """The current document's spans in Python structures, shared by every view."""

    aboutToReset = Signal()  # the span index is about to be replaced
    reset = Signal()  # a document was loaded (or reloaded, or closed)
    completed = Signal()  # the rest of a long document's spans arrived (same text)
    spanRemoving = Signal(int)  # row about to go
    spanRemoved = Signal(int)
    spanInserting = Signal(int)  # row about to appear
    spanInserted = Signal(int)
    spanUpdated = Signal(int)  # row whose span changed in place (relabel)
    spansChanged = Signal(object)  # SpanDelta, after the rows above
    relationsChanged = Signal()
    selectionChanged = Signal(object)  # span id or None
    statusChanged = Signal(str)
    peopleChanged = Signal()  # annotator names were re-read (someone joined the project)

    def __init__(self, project: ProjectContext | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.doc: DocumentView | None = None
        self.text = ""
        self.display = ""
        self.offsets = OffsetMap("")
        self.index = SpanIndex("")
        self.relations = Links()
        self.selected: int | None = None
        self.show_all = False  # False: only the current annotator's spans are shown and edited
        self.parts: dict[int, list[tuple[int, int]]] = {}  # multi-part spans (ui/article/parts.py)
        self.complete = True  # False while only the first screen's spans are loaded
        self._generation = 0  # tells a background read for an older document from the current one
        self._sink = _Sink(self)
        self._sink.arrived.connect(self._on_fetched)
        self._settings: tuple[ProjectContext, ProjectSettings] | None = None
        # Set by the article view: runs a job once its first frame of the document is on screen.
        self.after_frame: Later | None = None

    # --- loading ------------------------------------------------------------------------------

    @property
    def doc_id(self) -> int | None:
        return self.doc.id if self.doc else None

    def _annotator_filter(self) -> list[int] | None:
        if self.show_all or self.project is None:
            return None
        return [self.project.annotator_id]

    def load(self, doc_id: int | None) -> None:
        """Read a document and the spans of its first screen; the rest follows right after.

        A long document is shown before all its spans are read: the first HEAD_CHARS characters'
        spans come with the text (one index range scan), the full set a moment later
        (``ensure_complete``, also called before any edit), so the first paint never waits for
        50,000 rows.
        """
        doc: DocumentView | None = None
        spans: list[SpanTuple] = []
        relations: list[RelationRow] = []
        if doc_id is not None and self.project is not None:
            doc, spans, relations, _whole = self.project.opening(doc_id, self._annotator_filter(), HEAD_CHARS)
        self.complete = doc is None or len(doc.text) <= HEAD_CHARS
        self._lay_out(doc, spans, relations)
        self._generation += 1
        if not self.complete and self.doc is not None and self.project is not None:
            fetch = _FetchAll(
                self.project, self.doc.id, self._annotator_filter(), self._generation, self._sink
            )
            start = functools.partial(QThreadPool.globalInstance().start, fetch)
            if self.after_frame is None:
                start()
            else:  # its Python holds the GIL: reading beside the first paint would stall that paint
                self.after_frame("read all spans", start)

    def _lay_out(
        self, doc: DocumentView | None, spans: list[SpanTuple], relations: list[RelationRow]
    ) -> None:
        """Show another document (or none) with these spans: every view resets, nothing is selected."""
        self.aboutToReset.emit()
        self.doc = doc
        self.text = doc.text if doc is not None else ""
        self.display = display_text(self.text)
        self.offsets = OffsetMap(self.text)
        self.index = SpanIndex(self.display, spans)
        self.relations = self._links(relations)
        self.selected = None
        self.reset.emit()
        self.selectionChanged.emit(None)

    def _on_fetched(self, generation: int, data: object) -> None:
        if generation != self._generation or self.complete:
            return  # a newer document, or the spans were needed sooner and read synchronously
        if not isinstance(data, tuple):
            self.ensure_complete()
            return
        self._complete_with(*data)

    def ensure_complete(self) -> None:
        """Read the rest of a long document's spans now, if the background read has not arrived."""
        if self.complete or self.doc is None or self.project is None:
            return
        self._generation += 1
        self._complete_with(*self.project.spans_and_relations(self.doc.id, self._annotator_filter()))

    def _complete_with(self, spans: list[SpanTuple], relations: list[RelationRow]) -> None:
        self.aboutToReset.emit()
        self.index = SpanIndex(self.display, spans)
        self.relations = self._links(relations)
        self.complete = True
        self.completed.emit()
        self.relationsChanged.emit()

    def reload(self) -> None:
        """Re-read the current document's spans (after the filter or the annotator changed).

        The text never changes, so this is the in-place refresh: the view keeps its place.
        """
        self.refresh()

    def refresh(self) -> None:
        """Bring spans, relations and status up to date with the database, changing only what differs.

        A teammate's label arrives as one inserted row and one re-highlighted paragraph, not as a
        new document: the scroll position, the text selection, the selected span (unless it was
        deleted), a pending link and the find bar all stay.
        """
        if self.doc is None or self.project is None:
            return
        self.ensure_complete()
        doc_id = self.doc.id
        state = self.project.document_state(doc_id, self._annotator_filter())
        if state.row is None:  # deleted meanwhile
            self.load(None)
            return
        spans, relations = state.spans, state.relations
        if any(span[ANNOTATOR] not in self.project.people for span in spans):
            self.reload_people()
        current, fresh = self.index.spans, {span[ID]: span for span in spans}
        removed = [i for i, span in current.items() if fresh.get(i) != span]
        added = [span for i, span in fresh.items() if current.get(i) != span]
        if removed or added:
            self.apply(removed, added)
        shown = self.index.spans
        links = {r.id: r for r in relations if r.source_id in shown and r.target_id in shown}
        old = self.relations.by_id
        gone = [i for i, rel in old.items() if links.get(i) != rel]
        new = [rel for i, rel in links.items() if old.get(i) != rel]
        if gone or new:
            self.apply_relations(gone, new)
        self.set_status(state.row.status)

    def reload_people(self) -> None:
        """Re-read annotator names, so spans of teammates who joined later are not shown as "?"."""
        if self.project is None:
            return
        people = self.project.people_names()
        if people != self.project.people:
            self.project.people = people
            self.peopleChanged.emit()

    @property
    def settings(self) -> ProjectSettings:
        """The project's shared settings (how quotes are bounded, ...), read once per change."""
        if self.project is None:
            return ProjectSettings()
        if self._settings is None or self._settings[0] is not self.project:
            self._settings = (self.project, self.project.settings())
        return self._settings[1]

    def on_store_changed(self, changeset: ChangeSet) -> None:
        """Follow changes made elsewhere; our own are already applied."""
        if changeset.touches("project"):
            self._settings = None
        if changeset.origin is self or self.project is None:
            return
        if changeset.touches("annotator"):
            self.reload_people()
        if self.doc is None:
            return
        if any(
            c.entity == "document" and c.action == "deleted" and self.doc.id in c.ids
            for c in changeset.changes
        ):
            self.load(None)  # deleted elsewhere (another app, `annotator rm`): nothing left to show
            return
        if self.doc.id in changeset.document_ids() or changeset.touches("label"):
            self.refresh()

    # --- reading ------------------------------------------------------------------------------

    def span(self, span_id: int | None) -> SpanTuple | None:
        return self.index.spans.get(span_id) if span_id is not None else None

    def span_text(self, span: SpanTuple) -> str:
        parts = self.parts.get(span[ID])  # a multi-part span reads as its parts, joined by " … "
        return joined_text(self.text, parts) if parts else self.text[span[START] : span[END]]

    def detail(self, span_id: int) -> SpanDetail | None:
        assert self.project is not None
        return self.project.span_detail(span_id)

    def fitting_types(self, source_id: int, target_id: int) -> list[int]:
        assert self.project is not None
        return self.project.fitting_types(source_id, target_id)

    def fetch(self, ids: list[int]) -> list[SpanTuple]:
        """Spans as stored now (after a restore, whose versions the database decides)."""
        assert self.project is not None
        return self.project.span_tuples(ids)

    def _links(self, relations: Iterable[RelationRow]) -> Links:
        """Relations whose ends are both shown (with others' spans hidden, theirs are too)."""
        spans = self.index.spans
        return Links(r for r in relations if r.source_id in spans and r.target_id in spans)

    def relations_of_span(self, span_id: int) -> list[RelationRow]:
        return self.relations.of_span(span_id)

    # --- applying changes ---------------------------------------------------------------------

    def apply(
        self,
        removed: Sequence[int] = (),
        added: Sequence[SpanTuple] = (),
        stored: Mapping[int, Mapping[str, Any]] | None = None,
    ) -> SpanDelta:
        """Update the index after a committed change and tell the views, row by row;
        ``stored``: the added spans' rows, when the change has them (``SpanDelta.stored``)."""
        self.ensure_complete()
        delta = SpanDelta(stored=stored or {})
        index = self.index
        for span_id in removed:
            old = index.spans.get(span_id)
            if old is None:
                continue
            replacement = next((s for s in added if s[ID] == span_id), None)
            row = index.row_of(old)
            if replacement is not None and replacement[:3] == old[:3]:
                delta.blocks.update(index.remove(span_id))
                delta.blocks.update(index.add(replacement))
                self.spanUpdated.emit(row)
                delta.added.append(replacement)
                delta.removed.append(old)
                continue
            self.spanRemoving.emit(row)
            delta.blocks.update(index.remove(span_id))
            delta.removed.append(old)
            self.spanRemoved.emit(row)
        done = {s[ID] for s in delta.added}
        for span in added:
            if span[ID] in done or span[ID] in index.spans:
                continue
            row = index.row_of(span)
            self.spanInserting.emit(row)
            delta.blocks.update(index.add(span))
            delta.added.append(span)
            self.spanInserted.emit(row)
        gone = {s[ID] for s in delta.removed} - {s[ID] for s in delta.added}
        dropped = {r.id for span_id in gone for r in self.relations.of_span(span_id)}
        if dropped:
            for rid in dropped:
                self.relations.remove(rid)
            self.relationsChanged.emit()
        if self.selected in gone:
            self.select(None)
        self.spansChanged.emit(delta)
        return delta

    def apply_relations(self, removed: Sequence[int] = (), added: Sequence[RelationRow] = ()) -> None:
        self.ensure_complete()
        for rid in removed:
            self.relations.remove(rid)
        for rel in added:
            if rel.source_id in self.index.spans and rel.target_id in self.index.spans:
                self.relations.add(rel)
        self.relationsChanged.emit()

    def set_status(self, status: str) -> None:
        if self.doc is not None and self.doc.status != status:
            self.doc = dataclasses.replace(self.doc, status=status)
            self.statusChanged.emit(status)

    def select(self, span_id: int | None) -> None:
        if span_id is not None and span_id not in self.index.spans:
            span_id = None
        if span_id != self.selected:
            self.selected = span_id
            self.selectionChanged.emit(span_id)
