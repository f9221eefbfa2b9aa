"""The review view (INCEpTION-style curation): the editable gold pane above one read-only pane per
chosen annotator, all scrolling together, and the list of disagreements beside them.

It reads one document's curation in one go (``annotator.review.curation``), hands each pane its
layer, and re-reads after every change: its own (commands call ``refresh``), other views' and
teammates' (``on_store_changed``; its own come back over the bus too and are skipped by origin).
What the actions do is in ``ui.review.actions``.
"""

from __future__ import annotations

from collections.abc import Callable

from annotator.errors import AnnotatorError
from annotator.events import ChangeSet
from annotator.model import Role
from annotator.queries import DocumentView, RelationRow
from annotator.review.compare import Unit
from annotator.review.curation import AnnotatorRow, Curation
from ui.comments_review import FlagList
from ui.project import ProjectContext
from ui.qt import (
    QItemSelectionModel,
    QLabel,
    QModelIndex,
    QPoint,
    QShowEvent,
    QSplitter,
    Qt,
    QTimer,
    QUndoStack,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ui.review.actions import ReviewActions
from ui.review.finish import FinishBar
from ui.review.header import ReviewHeader
from ui.review.keys import GoldKeys, PaneKeys
from ui.review.links import GoldLinks
from ui.review.panes import ReviewPane, ReviewPaneView, ScrollSync
from ui.review.units import DisagreementList, UnitPanel

HistoryMenu = Callable[[QWidget, Callable[[QPoint], int | None]], None]


def initials(names: tuple[str, ...]) -> str:
    return "·".join(n[:1].upper() for n in names) if names else "✎"


class ReviewView(QWidget, ReviewActions):
    message = Signal(str)

    def __init__(
        self, stack: QUndoStack, show_document: Callable[[int], None], parent: QWidget | None = None
    ):
        QWidget.__init__(self, parent)
        # The window's minimum size must not grow for a page the user may never open (the
        # stacked widget takes the largest page minimum): the review view asks for little.
        self.setMinimumSize(360, 240)
        self.stack = stack
        self.show_document = show_document
        self.project: ProjectContext | None = None
        self.doc: DocumentView | None = None
        self.curation: Curation | None = None
        self.people: list[AnnotatorRow] = []
        self.chosen: list[int] | None = None  # the user's choice; None: whoever labelled the document
        self.current: Unit | None = None
        self._stale = False
        self._wanted: int | None = None  # the document to show once the view is visible
        self._syncing = False
        self._clicking = False
        self._history_menu: HistoryMenu | None = None
        self.header = ReviewHeader(self)
        self.gold = ReviewPane(None, self)
        self.gold.view.keys = GoldKeys(self, self.gold.view)
        self.panes: list[ReviewPane] = []
        self.pane_split = QSplitter(Qt.Orientation.Vertical, self)
        self.pane_split.setChildrenCollapsible(False)
        self.pane_split.setHandleWidth(5)
        self.pane_split.addWidget(self.gold)
        self.summary = QLabel(self)
        self.summary.setContentsMargins(10, 8, 10, 4)
        self.list = DisagreementList(self)
        self.list.key_handler = PaneKeys(self, None).handle_key
        self.unit_panel = UnitPanel(self)
        right = QWidget(self)
        side = QVBoxLayout(right)
        side.setContentsMargins(0, 0, 0, 0)
        side.setSpacing(0)
        side.addWidget(self.summary)
        self.flags = FlagList(self, right)  # open flags for discussion (ui.comments_review)
        side.addWidget(self.flags)
        self.finish = FinishBar(right)
        side.addWidget(self.finish)
        side.addWidget(self.list, 3)
        side.addWidget(self.unit_panel, 2)
        self.gold_links = GoldLinks(
            self.gold.session, self.retype_gold_relation, self.delete_gold_relation, self.gold.view, right
        )
        side.addWidget(self.gold_links)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.pane_split)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([900, 380])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(split, 1)
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(0)
        self._reload_timer.timeout.connect(self.reload)
        self.header.annotatorsChanged.connect(self._choose)
        self.header.statusChosen.connect(self.set_status)
        self.header.acceptAgreed.connect(self.accept_agreed)
        self.finish.done.clicked.connect(self.finish_document)
        self.unit_panel.accept.clicked.connect(self.accept_current)
        self.unit_panel.reject.clicked.connect(self.reject_current)
        self.list.selectionModel().currentRowChanged.connect(self._row_chosen)
        self.scroll = ScrollSync()
        self.scroll.watch(self.gold.view)

    # --- project and document -------------------------------------------------------------------

    @property
    def can_adjudicate(self) -> bool:
        return self.project is not None and self.project.actor.role == Role.REVIEWER.value

    def set_project(self, project: ProjectContext | None) -> None:
        self.project = project
        self.chosen = None
        self.doc = None
        self.gold.session.project = project
        for pane in self.panes:
            pane.session.project = project
        self.apply_schema()
        self.set_document(None)

    def apply_schema(self) -> None:
        if self.project is not None:
            self.header.set_labels(self.project.labels)
            for pane in [self.gold, *self.panes]:
                pane.view.set_schema(self.project.labels, self.project.types)

    def set_document(self, doc_id: int | None) -> None:
        """Show ``doc_id`` (read when the view is visible: annotating never pays for it)."""
        self._wanted = doc_id
        if doc_id is not None and self.doc is not None and doc_id == self.doc.id and not self._stale:
            return
        self.current = None
        if self.isVisible() or doc_id is None:
            self._load(doc_id)
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self._load(self._wanted)

    def reload(self) -> None:
        self._load(self.doc.id if self.doc is not None else self._wanted)

    def set_history_menu(self, install: HistoryMenu) -> None:
        """Right-click ▸ Span history… on every pane (the window supplies the dialog)."""
        self._history_menu = install
        for pane in [self.gold, *self.panes]:
            self._install_history(pane.view)

    def _install_history(self, view: ReviewPaneView) -> None:
        if self._history_menu is None:
            return

        def span_at(point: QPoint, v: ReviewPaneView = view) -> int | None:
            cp = v.cp_at(point)
            spans = v.session.index.at(cp) if cp is not None else []
            return spans[0][2] if spans else None

        self._history_menu(view, span_at)

    def refresh(self, doc_id: int) -> None:
        """After one of our commands: re-read if that document is the one shown."""
        if self.doc is not None and doc_id == self.doc.id:
            self.reload()

    def on_store_changed(self, changeset: ChangeSet) -> None:
        """Others' changes to this document (another view, a teammate via Store.poll) re-read it."""
        if changeset.origin is self or self.project is None:
            return
        if changeset.touches("annotator"):
            from ui.review.annotators import refresh_actor

            refresh_actor(self.project)
        if changeset.touches("label"):
            self.apply_schema()
        doc = self.doc
        if doc is not None and (
            doc.id in changeset.document_ids() or changeset.touches("annotator") or changeset.touches("label")
        ):
            if self.isVisible():
                self._reload_timer.start()
            else:
                self._stale = True

    def _choose(self, ids: list[int]) -> None:
        self.chosen = list(ids)
        self.reload()

    def _load(self, doc_id: int | None) -> None:
        self._stale = False
        project = self.project
        if project is None or doc_id is None:
            self.doc, self.curation = None, None
            self._show([], [])
            return
        try:
            read = project.review_read(doc_id, self.chosen)
            doc, people, curation, relations = read.doc, read.people, read.curation, read.relations
        except AnnotatorError as exc:
            self.message.emit(str(exc))
            return
        self.doc, self.curation, self.people = doc, curation, people
        self.header.set_people(people, [a.id for a in curation.annotators])
        self._show(curation.annotators, relations)

    # --- showing ---------------------------------------------------------------------------------

    def _ensure_panes(self, people: list[AnnotatorRow]) -> None:
        while len(self.panes) > len(people):
            pane = self.panes.pop()
            self.scroll.unwatch(pane.view)
            pane.hide()
            pane.deleteLater()
        while len(self.panes) < len(people):
            pane = ReviewPane(self.project, self)
            pane.view.keys = PaneKeys(self, pane.view)
            if self.project is not None:
                pane.view.set_schema(self.project.labels, self.project.types)
                pane.view.set_point_size(self.gold.view.point_size)
            self.pane_split.addWidget(pane)
            self.scroll.watch(pane.view)
            self._install_history(pane.view)
            self.panes.append(pane)

    def _show(self, people: list[AnnotatorRow], relations: list[RelationRow]) -> None:
        cur, doc = self.curation, self.doc
        self._ensure_panes(people)
        self.header.title.setText((doc.title or f"Document {doc.id}") if doc else "No document")
        scroll, fresh = self.gold.view.verticalScrollBar().value(), False
        gold_ids = {g[2] for g in cur.gold} if cur else set()
        gold_id = cur.gold_id if cur else None
        everyone = {a.name for a in people}
        # Only gold spans that not everyone chose carry a note of whose they are.
        self.gold.session.badges = (
            {i: initials(s) for i, s in cur.sources.items() if set(s) != everyone} if cur else {}
        )
        if self.gold.session.show(
            doc, list(cur.gold) if cur else [], [r for r in relations if r.annotator_id == gold_id]
        ):
            scroll, fresh = 0, True  # another document: from its top
        self.gold.set_caption("<b>Gold</b>", f"{len(gold_ids)} span(s) · {cur.review_status}" if cur else "")
        states = cur.span_states() if cur else {}
        open_by: dict[str, int] = {}
        for unit in cur.disagreements() if cur else []:
            if cur is not None and cur.unit_state(unit).value == "open":
                for name in unit.annotators:
                    open_by[name] = open_by.get(name, 0) + 1
        for n, (pane, person) in enumerate(zip(self.panes, people, strict=True), start=1):
            spans = [s for s in cur.spans if s[4] == person.id] if cur else []
            pane.session.states = {s[2]: states[s[2]] for s in spans if s[2] in states}
            pane.session.show(doc, spans, [r for r in relations if r.annotator_id == person.id])
            pane.set_caption(
                f"<b>{n}</b>&nbsp;&nbsp;{person.name}",
                f"{len(spans)} span(s) · {open_by.get(person.name, 0)} open",
            )
        self.scroll.set_all(scroll)
        self.list.model().set_data(cur, doc.text if doc else "")
        self.header.set_status(cur.review_status if cur else "unreviewed")
        self.header.set_agreed_count(cur.agreed_open() if cur else 0)
        who = self.project.actor.name if self.project else ""
        self.header.set_read_only(not self.can_adjudicate, who)
        self.unit_panel.accept.setEnabled(self.can_adjudicate)
        self.unit_panel.reject.setEnabled(self.can_adjudicate)
        self._update_summary()
        self.flags.show_for(self.project, doc.id if doc else None)
        current = self._same_unit(self.current)
        if current is None and self.list.model().units:  # a new document starts at its first one
            current = self.list.model().units[0]
        self.current = None
        self.set_current(current, scroll=False)
        if current is not None and not fresh:  # a re-read of this document: keep it in view
            self.scroll.reveal(current.start, current.end)

    def _update_summary(self) -> None:
        model = self.list.model()
        total = len(model.units)
        left = sum(1 for s in model.states if s.value == "open")
        self.summary.setText(
            f"<b>{total} disagreement(s)</b> · {left} open" if total else "<b>No disagreements</b>"
        )
        cur = self.curation
        ready = cur is not None and left == 0 and cur.review_status != "adjudicated" and self.can_adjudicate
        self.finish.offer(ready, cur.agreed_open() if cur is not None and len(cur.annotators) > 1 else 0)

    def _same_unit(self, unit: Unit | None) -> Unit | None:
        if unit is None or self.curation is None:
            return None
        for candidate in self.curation.units:
            if (candidate.start, candidate.kind, bool(candidate.links)) == (
                unit.start,
                unit.kind,
                bool(unit.links),
            ):
                return candidate
        return next((u for u in self.curation.units if u.start <= unit.start < u.end), None)

    # --- the current unit ------------------------------------------------------------------------

    def set_current(self, unit: Unit | None, scroll: bool = True) -> None:
        self.current = unit
        model = self.list.model()
        row = model.row_of(unit)
        self._syncing = True
        try:
            if row is None:
                self.list.selectionModel().clearSelection()
            else:
                index = model.index(row, 0)
                self.list.selectionModel().setCurrentIndex(
                    index,
                    QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
                )
                self.list.scrollTo(index)
        finally:
            self._syncing = False
        span = (unit.start, unit.end) if unit is not None else None
        for pane in [self.gold, *self.panes]:
            pane.view.set_focus_range(span)
        if unit is not None and unit.links:
            self._show_links(unit)
        elif not self._clicking:  # a span clicked in a pane stays selected there
            for pane in self.panes:
                pane.session.select(None)
        self.unit_panel.show_unit(unit, self.curation, self.doc.text if self.doc else "")
        if scroll and unit is not None:
            self.scroll.reveal(unit.start, unit.end)

    def _show_links(self, unit: Unit) -> None:
        """A relation disagreement: select each annotator's source span, so its arrows show."""
        if self.curation is None:
            return
        ids = self.curation.label_ids
        for pane, person in zip(self.panes, self.curation.annotators, strict=False):
            link = next((lk for lk in unit.links if lk.annotator == person.name), None)
            found = None
            if link is not None:
                start, end, label = link.source
                found = next(
                    (
                        s[2]
                        for s in pane.session.index.at(start)
                        if (s[0], s[1], s[3]) == (start, end, ids.get(label))
                    ),
                    None,
                )
            pane.session.select(found)

    def _row_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._syncing or not current.isValid():
            return
        units = self.list.model().units
        if 0 <= current.row() < len(units):
            self.set_current(units[current.row()])

    def walk(self, step: int) -> None:
        """Next (1) or previous (-1) disagreement, wrapping around; the list takes the keys."""
        units = self.list.model().units
        if not units:
            self.message.emit("No disagreements in this document")
            return
        row = self.list.model().row_of(self.current)
        first = (0 if step > 0 else len(units) - 1) if row is None else (row + step) % len(units)
        order = [(first + i * step) % len(units) for i in range(len(units))]
        if self.finish.skip_resolved.isChecked():
            states = self.list.model().states
            order = [i for i in order if states[i].value == "open"]
            if not order:
                self.message.emit("No open disagreements left in this document")
                return
        self.set_current(units[order[0]])
        self.list.setFocus()

    def span_clicked(self, view: ReviewPaneView, span_id: int) -> None:
        for pane in self.panes:
            if pane.view is not view:
                pane.session.select(None)
        unit = self.curation.unit_of_span(span_id) if self.curation is not None else None
        if unit is not None:
            self._clicking = True
            try:
                self.set_current(unit, scroll=False)
            finally:
                self._clicking = False

    def gold_sources(self, span_id: int) -> tuple[str, ...]:
        return self.curation.sources.get(span_id, ()) if self.curation else ()

    def select_gold(self, span_id: int) -> None:
        self.gold.session.select(span_id)
        self.gold.view.setFocus()

    def selected_span(self) -> int | None:
        """The span selected in the pane that has (or last had) the focus: for Ctrl+H."""
        panes = [self.gold, *self.panes]
        focused = [p for p in panes if p.view.hasFocus() and p.session.selected is not None]
        chosen = focused or [p for p in panes if p.session.selected is not None]
        return chosen[0].session.selected if chosen else None
