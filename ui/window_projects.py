"""The main window's File menu part: opening, creating and switching projects, import, export.

A mixin of ``MainWindow`` (kept apart by feature so the window's file stays small); what it uses of
the window is declared below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator.errors import AnnotatorError
from ui.jobs import JobDialog
from ui.pending_bar import PendingWatch
from ui.project import ProjectChoice, ProjectContext, new_project, open_project
from ui.projects_ui import (
    Location,
    NewProjectDialog,
    ask_open_file,
    ask_open_url,
    ask_project,
    recent,
)
from ui.qt import QAction, QMenu, QMessageBox, QWidget

if TYPE_CHECKING:
    _Base = QWidget  # the window it is mixed into
else:
    _Base = object  # a second Qt base class would crash PySide


class ProjectOpening(_Base):
    """File ▸ New / Open / Open recent / Import / Export."""

    annotator_name: str
    project: ProjectContext | None
    jobs: list[JobDialog]
    recent_menu: QMenu | None
    pending: PendingWatch

    def set_project(self, project: ProjectContext | None) -> None:
        raise NotImplementedError

    def report(self, message: str) -> None:
        raise NotImplementedError

    def open_location(self, location: Location) -> bool:
        """Open a project, asking which one when the database holds several. True on success."""
        if not self.pending.may_close("opening another project", "Open"):  # changes still waiting: ask
            return False
        try:
            project = open_project(location.url, location.project, self.annotator_name)
        except ProjectChoice as choice:
            names = [p.name for p in choice.projects]
            if not names:
                answer = QMessageBox.question(
                    self, "Open project", "This database holds no project yet. Create one in it?"
                )
                return answer == QMessageBox.StandardButton.Yes and self.new_project(location.url)
            name = ask_project(self, names)
            return name is not None and self.open_location(Location(location.url, name))
        except (AnnotatorError, OSError) as exc:
            QMessageBox.warning(self, "Open project", str(exc))
            return False
        self.set_project(project)
        return True

    def open_project_file(self) -> None:
        location = ask_open_file(self)
        if location is not None:
            self.open_location(location)

    def open_project_url(self) -> None:
        location = ask_open_url(self)
        if location is not None:
            self.open_location(location)

    def new_project(self, where: str | None = None) -> bool:
        """Ask for a name and a place, create the project there and open it."""
        dialog = NewProjectDialog(where or (self.project.url if self.project else None), self)
        if not dialog.exec():
            return False
        location = dialog.location()
        if location is None:
            QMessageBox.warning(self, "New project", "A project needs a name and a place.")
            return False
        try:
            new_project(location.url, location.project or "Project")
        except (AnnotatorError, OSError) as exc:
            QMessageBox.warning(self, "New project", str(exc))
            return False
        return self.open_location(location)

    def fill_recent_menu(self) -> None:
        menu = self.recent_menu
        if menu is None:
            return
        menu.clear()
        for location in recent():
            action = QAction(location.label, menu)
            action.triggered.connect(lambda _c=False, loc=location: self.open_location(loc))
            menu.addAction(action)
        if menu.isEmpty():
            menu.addAction("(none yet)").setEnabled(False)

    def import_documents(self) -> None:
        if self.project is not None:
            from ui.transfer import run_import  # lazy: the file formats load on first use

            dialog = run_import(self, self.project, self, self.report)
            if dialog is not None:
                self.jobs.append(dialog)

    def export_project(self) -> None:
        if self.project is not None:
            from ui.transfer import run_export  # lazy: the file formats load on first use

            dialog = run_export(self, self.project, self.report)
            if dialog is not None:
                self.jobs.append(dialog)
