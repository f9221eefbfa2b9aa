"""What the menus and the review mode may use of the main window, as Protocols.

They get these collaborators instead of importing ``MainWindow``, so the window, the menus and
the review mode form no import circle and each can be built around a smaller stand-in.
"""

from __future__ import annotations

from typing import Protocol

from ui.article.pane import ArticlePane
from ui.documents import DocumentPanel
from ui.jobs import JobDialog
from ui.project import ProjectContext
from ui.qt import QAction, QDockWidget, QMenu, QMenuBar, QUndoStack
from ui.session import DocumentSession
from ui.spans import SpanList


class ReviewHost(Protocol):
    """The window as the review mode sees it: where it lives and what it shares."""

    project: ProjectContext | None
    session: DocumentSession
    stack: QUndoStack
    pane: ArticlePane
    documents: DocumentPanel
    spans: SpanList
    docks: list[QDockWidget]
    jobs: list[JobDialog]

    def report(self, message: str) -> None: ...

    def open_document(self, doc_id: int | None) -> None: ...


class ReviewCommands(Protocol):
    """The review mode's entries the menus and key dispatch call."""

    def merge(self, path: object = None) -> None: ...

    def history(self, span_id: int | None = None) -> None: ...

    def set_active(self, on: bool) -> None: ...

    def show_agreement(self) -> object: ...

    def edit_roles(self) -> None: ...

    review_actions: list[QAction]  # enabled only while reviewing

    @property
    def view(self) -> object: ...


class Shell(ReviewHost, Protocol):
    """The window as the menus see it."""

    annotator_name: str
    recent_menu: QMenu | None

    @property
    def review(self) -> ReviewCommands: ...

    def menuBar(self) -> QMenuBar: ...

    def close(self) -> bool: ...

    def new_project(self, where: str | None = None) -> bool: ...

    def open_project_file(self) -> None: ...

    def open_project_url(self) -> None: ...

    def fill_recent_menu(self) -> None: ...

    def import_documents(self) -> None: ...

    def export_project(self) -> None: ...

    def change_annotator(self) -> None: ...

    def edit_project_settings(self) -> None: ...

    def edit_schema(self) -> None: ...

    def zoom(self, step: int) -> None: ...

    def set_snap(self, on: bool) -> None: ...

    def set_next_uncertain(self, on: bool) -> None: ...

    def set_show_all(self, on: bool) -> None: ...

    def step_document(self, step: int) -> None: ...

    def reset_zoom(self) -> None: ...

    def show_keys(self) -> None: ...

    def compare_gold(self) -> None: ...

    def who_said(self) -> None: ...

    def customise_keys(self) -> None: ...

    def show_about(self) -> None: ...
