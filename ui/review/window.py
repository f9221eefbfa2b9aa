"""The review features' place in the main window: the Annotate / Review switch, the Review menu,
File ▸ Merge teammate's work…, span history from the article and the span list, and the
agreement panel. Kept here so the main window only creates this and forwards a few events."""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator.errors import AnnotatorError
from annotator.model import DocStatus
from ui.article.index import ID
from ui.qt import (
    QAbstractItemView,
    QAction,
    QDialog,
    QDockWidget,
    QMainWindow,
    QMessageBox,
    QObject,
    QPoint,
    QStackedWidget,
    StoreSignals,
)
from ui.review.annotators import AnnotatorsDialog
from ui.review.history import SpanHistoryDialog, install_history_menu, show_history
from ui.review.view import ReviewView
from ui.shell import ReviewHost

if TYPE_CHECKING:
    from ui.review.agreement import AgreementPanel


class ReviewMode(QObject):
    def __init__(self, window: ReviewHost, frame: QMainWindow) -> None:
        """``window`` gives the shared parts, ``frame`` is where the review view is shown."""
        super().__init__(frame)
        self.window = window
        self.frame = frame
        self.view = ReviewView(window.stack, window.open_document, frame)
        self.view.message.connect(window.report)
        self.pages = QStackedWidget(frame)
        self.pages.addWidget(window.pane)
        self.pages.addWidget(self.view)
        frame.setCentralWidget(self.pages)
        self.agreement: AgreementPanel | None = None
        self.assign_dialog: QDialog | None = None
        self.progress_view: QDialog | None = None
        self.history_dialog: SpanHistoryDialog | None = None
        self.review_actions: list[QAction] = []
        self._hidden: list[QDockWidget] = []
        install_history_menu(window.pane.view, self._article_span_at, self.history)
        install_history_menu(window.spans, self._list_span_at, self.history)
        self.view.set_history_menu(
            lambda widget, span_at: install_history_menu(widget, span_at, self.history)
        )
        # "Selected documents" for the agreement panel: Ctrl/Shift+click in the list.
        window.documents.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)

    # --- following the window ------------------------------------------------------------------

    def set_project(self, project: object) -> None:
        if self.agreement is not None:
            self.agreement.close()
            self.agreement = None
        self.view.set_project(self.window.project)

    def connect(self, signals: StoreSignals) -> None:
        signals.changed.connect(self.view.on_store_changed)

    def document_shown(self, doc_id: int | None) -> None:
        self.view.set_document(doc_id)

    @property
    def active(self) -> bool:
        return self.pages.currentWidget() is self.view

    def set_active(self, on: bool) -> None:
        """Switch between annotating (the article) and reviewing (the review view)."""
        if on == self.active:
            return
        window = self.window
        side = window.docks[1:]  # labels, annotations, relations: the review view has its own
        if on:
            self._hidden = [d for d in side if d.isVisible()]
            for dock in self._hidden:
                dock.hide()
            self.pages.setCurrentWidget(self.view)
            self.view.set_document(window.session.doc_id)
            self.view.list.setFocus()
        else:
            for dock in self._hidden:
                dock.show()
            self.pages.setCurrentWidget(window.pane)
            window.pane.view.setFocus()
        for action in self.review_actions:
            action.setEnabled(on)
        window.report("Reviewing: F8 walks the disagreements" if on else "Annotating")

    # --- span history --------------------------------------------------------------------------

    def _article_span_at(self, point: QPoint) -> int | None:
        view = self.window.pane.view
        cp = view.cp_at(point)
        spans = view.session.index.at(cp) if cp is not None else []
        return spans[0][ID] if spans else None

    def _list_span_at(self, point: QPoint) -> int | None:
        spans = self.window.spans
        span = spans.model().span_at(spans.indexAt(point).row())
        return span[ID] if span is not None else None

    def current_span(self) -> int | None:
        return self.view.selected_span() if self.active else self.window.session.selected

    def history(self, span_id: int | None = None) -> None:
        """Ctrl+H: the history of the selected span (or of ``span_id``)."""
        span_id = span_id if span_id is not None else self.current_span()
        if span_id is None:
            self.window.report("Select a span first; Ctrl+H then shows its history")
            return
        self.history_dialog = show_history(self.window.project, span_id, self.frame)

    # --- merge, agreement, roles ---------------------------------------------------------------

    def merge(self, path: object = None) -> None:
        from ui.review.merge import ask_source, run_merge  # lazy: the merge and its readers load on use

        project = self.window.project
        if project is None:
            return
        source = ask_source(self.frame) if path is None else path
        if source is not None:
            self.window.jobs.append(run_merge(self.frame, project, source, self.window.report))  # type: ignore[arg-type]

    def documents_for(self, key: str) -> list[int] | None:
        """The agreement panel's document set: None for all."""
        window, project = self.window, self.window.project
        if key == "current":
            return [window.session.doc_id] if window.session.doc_id is not None else []
        if key == "selected":
            model = window.documents.model
            rows = window.documents.view.selectionModel().selectedRows()
            found = [model.doc_at(index.row()) for index in rows]
            return sorted({row.id for row in found if row is not None})
        if key == "done" and project is not None:
            return project.document_ids(DocStatus.DONE.value)
        return None

    def show_agreement(self) -> AgreementPanel | None:
        project = self.window.project
        if project is None:
            return None
        if self.agreement is None:
            from ui.review.agreement import AgreementPanel  # numpy loads only when asked for

            self.agreement = AgreementPanel(project, self.documents_for, self.frame)
        self.agreement.show()
        self.agreement.raise_()
        self.agreement.compute()
        return self.agreement

    def assign_documents(self) -> None:
        """Review ▸ Assign documents…: the dialog's choice runs as one undoable step."""
        from ui.assign_dialog import AssignCommand, AssignDialog
        from ui.commands import execute

        project = self.window.project
        if project is None:
            return
        dialog = AssignDialog(project, self.frame)
        self.assign_dialog = dialog
        if dialog.exec():
            execute(self.window.stack, AssignCommand(self.window.report, project, dialog.request()), say=True)

    def show_progress(self) -> None:
        """Review ▸ Team progress…: queues, done, time per annotator, with a chart."""
        from ui.progress_view import ProgressView

        if self.window.project is not None:
            self.progress_view = ProgressView(self.window.project, self.frame)
            self.progress_view.show()

    def edit_roles(self) -> None:
        project = self.window.project
        if project is None:
            return
        dialog = AnnotatorsDialog(project, self.frame)
        if dialog.exec():
            error = dialog.apply()
            if error:
                QMessageBox.warning(self.frame, "Annotators and roles", error)
            self.view.reload()

    def role_changed(self) -> None:
        """The user switched annotator (File ▸ Annotator name…): their role may differ."""
        try:
            self.view.reload()
        except AnnotatorError as exc:
            self.window.report(str(exc))
