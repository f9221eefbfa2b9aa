"""The main window: docks around the article, menus, and the wiring to the core's change events.

The window owns the open project and the document session; every view reads from those and
every change goes through a command or a core operation. Layout, sizes and text size persist in
the typed settings (ui/settings.py).
"""

from __future__ import annotations

import hashlib
from typing import TypeVar

from annotator.errors import AnnotatorError
from annotator.events import ChangeSet
from annotator.linked import links_taken_from
from annotator.store import REMOTE
from ui import menus, settings
from ui.actors_dock import ActorsUI
from ui.article.pane import ArticlePane
from ui.article.view import DEFAULT_POINT_SIZE
from ui.commands import DeleteDocuments, DeleteRelation, EditContext, execute
from ui.comments_edit import Comments
from ui.documents import DocumentPanel
from ui.guidelines import GuidelinesPanel
from ui.jobs import JobDialog, stop_before_closing
from ui.live import LiveUpdates
from ui.lock_notice import watch_database_locks
from ui.palette import LabelPalette
from ui.pending_bar import PendingWatch
from ui.project import ProjectContext
from ui.projects_ui import Location, remember
from ui.qt import (
    QApplication,
    QCloseEvent,
    QDockWidget,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QMoveEvent,
    QResizeEvent,
    Qt,
    QThreadPool,
    QTimer,
    QToolButton,
    QUndoStack,
    QWidget,
    StoreSignals,
)
from ui.relations import RelationList
from ui.review.window import ReviewMode
from ui.session import DocumentSession
from ui.spans import SpanList
from ui.suggest_panel import SuggestionPanel
from ui.welcome import Welcome
from ui.window_commands import WindowCommands
from ui.window_projects import ProjectOpening
from ui.worktime import WorkClock

POLL_MS = 2000
T = TypeVar("T")


def _dock(
    window: QMainWindow, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea
) -> QDockWidget:
    dock = QDockWidget(title, window)
    dock.setObjectName(name)
    widget.setMinimumHeight(min(widget.minimumSizeHint().height(), 80))  # a short window stays possible
    dock.setWidget(widget)
    dock.setFeatures(
        QDockWidget.DockWidgetFeature.DockWidgetMovable
        | QDockWidget.DockWidgetFeature.DockWidgetClosable
        | QDockWidget.DockWidgetFeature.DockWidgetFloatable
    )
    window.addDockWidget(area, dock)
    return dock


class MainWindow(WindowCommands, ProjectOpening, QMainWindow):
    def __init__(self, annotator_name: str, *, restore: bool = True) -> None:
        super().__init__()
        self.setObjectName("MainWindow")
        self.annotator_name = annotator_name
        self.persist = restore  # a window that does not restore the layout does not save one either
        self._restoring = False
        self.project: ProjectContext | None = None
        self.signals: StoreSignals | None = None
        self.jobs: list[JobDialog] = []
        self.session = DocumentSession(None, self)
        self.stack = QUndoStack(self)
        self.stack.setUndoLimit(0)
        self.pane = ArticlePane(self.session, self.stack, self.edit_context, self)
        self.documents = DocumentPanel(self)
        self.palette_panel = LabelPalette(self)
        self.spans = SpanList(self.session, self)
        self.relations = RelationList(self.session, self)
        self.suggestions = SuggestionPanel(self.pane.controller.suggestions, self)
        left, right = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea
        self.docks = [
            _dock(self, "Documents", "documents", self.documents, left),
            _dock(self, "Labels", "labels", self.palette_panel, right),
            _dock(self, "Annotations", "annotations", self.spans, right),
            _dock(self, "Relations", "relations", self.relations, right),
            _dock(self, "Suggestions", "suggestions", self.suggestions, right),
        ]
        self.comments = Comments(self, self)  # its panel docks beside the relations (ui.comments_edit)
        self.comments.dock = _dock(self, "Comments", "comments", self.comments.panel, right)
        self.tabifyDockWidget(self.docks[3], self.comments.dock)
        self.guidelines = GuidelinesPanel(self.session, self, self.show_keys)  # follows the selected span
        self.docks.append(_dock(self, "Guidelines", "guidelines", self.guidelines, right))
        self.docks[-1].visibilityChanged.connect(self.guidelines.seen)
        self.tabifyDockWidget(self.docks[1], self.docks[-1])
        self.docks[1].raise_()
        self.tabifyDockWidget(self.docks[3], self.docks[4])
        self.docks[3].raise_()
        self.actors = ActorsUI(self)  # the actor picker, the registry dock and the span list's column
        self.actors.dock = _dock(self, "Actors", "actors", self.actors.panel, left)
        self.tabifyDockWidget(self.docks[0], self.actors.dock)
        self.docks[0].raise_()
        self.docks.append(self.actors.dock)
        self.recent_menu: QMenu | None = None
        self.review = ReviewMode(self, self)  # the central widget: the article, or the review view
        self.pending = PendingWatch(self, self.stack, self.pane.view, self.report, lambda: self.project)
        self.welcome = Welcome(self)  # over the central widget while no project is open
        self.actions_by_name = menus.build(self, self)
        self._build_status_bar()
        self._wire()
        self.work_clock = WorkClock(self.session, self.report, self)  # time spent per document
        self._progress_timer = QTimer(self)  # before restoring: showing a document starts it
        self._progress_timer.setSingleShot(True)
        self._progress_timer.setInterval(300)
        self._progress_timer.timeout.connect(self._show_progress)
        self._geometry_timer = QTimer(self)  # geometry is saved as it changes, not only on a clean close
        self._geometry_timer.setSingleShot(True)
        self._geometry_timer.setInterval(500)
        self._geometry_timer.timeout.connect(lambda: self._store(settings.GEOMETRY, self.saveGeometry()))
        self._restoring = True  # the restored values come from the settings: not written back
        self._restore_settings(restore)
        self._restoring = False
        self.docks.append(self.comments.dock)  # after the default sizes; the review view hides it too
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._poll_store)
        self._poll.start()
        self.live = LiveUpdates(self._poll_store, self)  # PostgreSQL: others' changes at once
        self.lock_notice = watch_database_locks(self)  # says when the database had to be reopened

    # --- construction -------------------------------------------------------------------------

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.progress_label = QLabel("", self)
        self.progress_label.setContentsMargins(8, 0, 8, 0)
        self.who = QToolButton(self)
        self.who.setAutoRaise(True)
        self.who.setToolTip("Who is annotating (click to change)")
        self.who.clicked.connect(self.change_annotator)
        bar.addPermanentWidget(self.progress_label)
        bar.addPermanentWidget(self.who)
        self._show_annotator()

    def _wire(self) -> None:
        controller = self.pane.controller
        controller.message.connect(self.report)
        self.spans.keys = controller
        self.spans.later = self.palette_panel.later = self.pane.view.after_paint.later  # see after_paint
        controller.comments = self.comments
        self.spans.activated_span.connect(self._reveal_span)
        self.relations.on_select = self._select_and_reveal
        self.relations.delete_requested.connect(self._delete_relation)
        self.palette_panel.labelClicked.connect(self._palette_clicked)
        self.documents.documentChosen.connect(self.open_document)
        self.documents.deleteRequested.connect(self.delete_documents)
        self.session.reset.connect(self._document_shown)
        self.session.spansChanged.connect(lambda _d: self._update_counts())
        self.session.completed.connect(self._update_counts)
        self.session.statusChanged.connect(self._status_changed)
        self.pane.view.zoomChanged.connect(lambda size: self._store(settings.POINT_SIZE, float(size)))

    def _restore_settings(self, layout: bool) -> None:
        geometry = settings.get(settings.GEOMETRY) if layout else None
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1400, 900)
        state = settings.get(settings.STATE) if layout else None
        if state is not None:
            self.restoreState(state)
        else:
            self.resizeDocks([self.docks[0], self.docks[1]], [310, 330], Qt.Orientation.Horizontal)
            self.resizeDocks(self.docks[1:4], [250, 330, 220], Qt.Orientation.Vertical)
        if layout:
            self.pane.view.set_point_size(settings.get(settings.POINT_SIZE) or DEFAULT_POINT_SIZE)
        if layout and settings.get(settings.SHOW_ALL):
            self.actions_by_name["show_all"].setChecked(True)
        self.actions_by_name["snap"].setChecked(settings.get(settings.SNAP))
        self.actions_by_name["ask_actor"].setChecked(settings.get(settings.ASK_ACTOR))
        self.actions_by_name["next_uncertain"].setChecked(settings.get(settings.NEXT_UNCERTAIN))
        self.set_snap(self.actions_by_name["snap"].isChecked())

    def _store(self, setting: settings.Setting[T], value: T) -> None:
        """Remember a preference, except in a throwaway window (the --screenshot one)."""
        if self.persist and not self._restoring:
            settings.put(setting, value)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.isVisible():
            self._geometry_timer.start()

    def moveEvent(self, event: QMoveEvent) -> None:
        super().moveEvent(event)
        if self.isVisible():
            self._geometry_timer.start()

    def closeEvent(self, event: QCloseEvent) -> None:
        # Running imports/exports: ask; cancelling waits until they have rolled back.
        if not self.pending.may_close() or not stop_before_closing(self, self.jobs):
            event.ignore()
            return
        self.jobs.clear()
        QThreadPool.globalInstance().waitForDone(5000)  # other background reads
        self.review.set_active(False)  # the saved layout is the annotating one (docks shown)
        self._store(settings.GEOMETRY, self.saveGeometry())
        self._store(settings.STATE, self.saveState())
        self.set_project(None)
        super().closeEvent(event)

    # --- project ------------------------------------------------------------------------------

    def edit_context(self) -> EditContext | None:
        if self.project is None:
            return None
        return EditContext(self.project, self.session, self.report, self.open_document)

    def set_project(self, project: ProjectContext | None) -> None:
        """Close the open project (if any) and show ``project``."""
        if self.signals is not None:
            self.signals.detach()
            self.signals.deleteLater()
            self.signals = None
        self.stack.clear()
        self.pending.forget()  # its waiting steps went with the stack (asked before: may_close)
        old, self.project = self.project, project
        self.session.project = project
        self.session.load(None)
        self.review.set_project(project)
        self.live.watch(project.store if project is not None else None)
        if old is not None:
            old.close()
        self.documents.set_project(project)  # the annotator's queue when the project assigns
        self.welcome.show_for(project is not None)
        if project is None:
            return
        project.store.poll()  # others' changes from now on reach the window, even before the first tick
        self.signals = StoreSignals(project.store, self)
        self.signals.changed.connect(self.session.on_store_changed)
        self.signals.changed.connect(self.documents.model.on_store_changed)
        self.signals.changed.connect(self._store_changed)
        self.signals.changed.connect(self.comments.on_store_changed)
        self.signals.changed.connect(self.actors.on_store_changed)
        self.signals.changed.connect(self.pane.controller.suggestions.on_store_changed)
        self.review.connect(self.signals)
        self._apply_schema()
        self._show_annotator()
        if self.persist:
            remember(Location(project.shareable_url, project.name))
        doc_id = settings.get(settings.LAST_DOCUMENT.at(self._project_key()))
        if doc_id is None or self.documents.model.row_of(doc_id) is None:
            doc_id = self.documents.neighbour(None, 1)
        self.open_document(doc_id)

    def _project_key(self) -> str:
        assert self.project is not None
        return hashlib.sha1(f"{self.project.url}|{self.project.name}".encode()).hexdigest()[:16]

    def _apply_schema(self) -> None:
        assert self.project is not None
        labels, types = self.project.labels, self.project.types
        self.pane.view.set_schema(labels, types)
        self.palette_panel.set_schema(labels, types)
        self.pane.find_bar.set_labels(labels)
        self.guidelines.refresh()
        self._update_counts()

    def _store_changed(self, changeset: ChangeSet) -> None:
        if self.project is not None and changeset.origin == REMOTE:
            for line in links_taken_from(changeset, self.project.actor.name):
                self.report(line)  # a teammate's deletion took one of my links: say so
        if self.project is not None and (changeset.touches("label") or changeset.touches("relation_type")):
            self.project.reload_schema()
            self._apply_schema()
        if self.session.doc is None and changeset.touches("document"):
            self.open_document(self.documents.neighbour(None, 1))  # the first import: show it
        self._update_progress()

    def _poll_store(self) -> None:
        """Bring in what teammates (other clients of a shared database) changed meanwhile."""
        ready = self.project is not None and QApplication.activeModalWidget() is None
        if ready and self.pending.poll():  # then saves what waited for the database (ui/pending.py)
            self.live.poll_succeeded()

    # --- documents ----------------------------------------------------------------------------

    def open_document(self, doc_id: int | None) -> None:
        if doc_id == self.session.doc_id and doc_id is not None:
            return
        self.pane.controller.cancel_relation()
        try:
            self.session.load(doc_id)
        except AnnotatorError as exc:
            self.report(str(exc))
            self.session.load(None)
        except Exception as exc:  # the database does not answer: stay on this document and say so
            if not self.pending.could_not_open(exc):
                raise
            doc_id = self.session.doc_id
        if doc_id is not None and self.project is not None:
            self._store(settings.LAST_DOCUMENT.at(self._project_key()), doc_id)
        self.documents.show_current(self.session.doc_id)

    def step_document(self, step: int) -> None:
        target = self.documents.neighbour(self.session.doc_id, step)
        if step > 0 and self.project is not None and settings.get(settings.NEXT_UNCERTAIN):
            target = self.project.most_uncertain(self.session.doc_id, self.documents.model.queue)
        if target is None:
            self.report("No more documents that way")
            return
        self.open_document(target)

    def _document_shown(self) -> None:
        self.review.document_shown(self.session.doc_id)
        self._update_title()
        self._update_counts()
        self._update_progress()
        if not self.review.active:
            self.pane.view.setFocus()
        doc = self.session.doc
        row = self.documents.model.row_of(doc.id) if doc is not None else None
        listed = self.documents.model.doc_at(row) if row is not None else None
        if listed is not None and listed.spans and not self.session.show_all and not len(self.session.index):
            self.report(
                f"Others have {listed.spans} span(s) here: Annotate ▸ Show other annotators' spans (Ctrl+Shift+A)"
            )

    def _status_changed(self, _status: str) -> None:
        self._update_title()
        self._update_progress()

    def _update_title(self) -> None:
        parts = ["annotator"]
        if self.project is not None:
            parts.append(self.project.name)
        doc = self.session.doc
        if doc is not None:
            parts.append((doc.title or f"Document {doc.id}") + ("  ✓" if doc.status == "done" else ""))
        self.setWindowTitle(" — ".join(parts))
        done = doc is not None and doc.status == "done"
        self.actions_by_name["done"].setText("Mark document in &progress" if done else "Mark document &done")

    def _update_counts(self) -> None:
        self.palette_panel.set_counts(dict(self.session.index.label_counts))

    def _update_progress(self) -> None:
        """Refresh "n of m documents done" a moment later (never inside an edit's 16 ms)."""
        self._progress_timer.start()

    def _show_progress(self) -> None:
        if self.project is None:
            self.progress_label.setText("")
            return
        project = self.project
        counts = self.pending.read(lambda: (project.document_total(), project.document_total(status="done")))
        if counts is None:  # the database does not answer: the bar says so, the old count stays
            return
        total, done = counts
        self.progress_label.setText(f"{done:,} of {total:,} documents done")

    # --- selection helpers --------------------------------------------------------------------

    def _reveal_span(self, span_id: int) -> None:
        span = self.session.span(span_id)
        if span is not None:
            self.pane.view.scroll_to(span[0], span[1])

    def _select_and_reveal(self, span_id: int) -> None:
        self.session.select(span_id)
        self._reveal_span(span_id)

    def _palette_clicked(self, label_id: int) -> None:
        self.pane.controller.apply_label(label_id)
        self.pane.view.setFocus()

    def _delete_relation(self, relation_id: int) -> None:
        ctx = self.edit_context()
        if ctx is not None and self.session.doc_id is not None:
            execute(self.stack, DeleteRelation(ctx, self.session.doc_id, relation_id))

    # --- settings and people ------------------------------------------------------------------

    def delete_documents(self, ids: list[int]) -> None:
        ctx = self.edit_context()
        if ctx is not None and ids:
            execute(self.stack, DeleteDocuments(ctx, ids, self.documents.survivor(ids)))

    def report(self, message: str) -> None:
        self.statusBar().showMessage(message, 6000)

    def _show_annotator(self) -> None:
        # On PostgreSQL the project's annotator is the database login, whatever name was typed.
        name = self.project.actor.name if self.project is not None else self.annotator_name
        self.who.setText(f"Annotator: {name}")

    def change_annotator(self) -> None:
        name, ok = QInputDialog.getText(
            self, "Annotator", "Your name, as stored with your spans:", text=self.annotator_name
        )
        name = name.strip()
        if not ok or not name or name == self.annotator_name:
            return
        if not self.pending.may_close("changing the name", "Change"):  # they would be saved as the new name
            return
        if self.project is not None:
            try:  # a refused name (gold's, or not one's login) is not kept either
                self.project.set_annotator(name)
            except AnnotatorError as exc:
                QMessageBox.warning(self, "Annotator", str(exc))
                return
        self.annotator_name = name
        settings.put(settings.NAME, name)
        if self.project is not None:
            self.stack.clear()
            self.documents.follow_queue()
            self.session.reload()
            self.review.role_changed()
        self._show_annotator()
