"""File ▸ Export: choose a format and what goes into the dataset, then export in the background.

The dialog stays open until the export has been written, so anything the checks or the export
itself refuse is shown inline next to the field to fix, and a cancelled export returns the user
to their choices. The fields (``ui.export_form``) mean what ``annotator export``'s options mean,
and are checked by the same code (``ui.export_formats``).
"""

from __future__ import annotations

import threading
from itertools import pairwise
from typing import Any

from annotator.export import DatasetReport
from annotator.export_folder import refusal
from ui.export_form import ExportForm
from ui.export_formats import BY_KEY, check, check_with_project, for_people
from ui.export_report import ReportDialog, export_work, status_line
from ui.export_widgets import ERROR_COLOR, message, remember, remembered
from ui.jobs import JobDialog, start
from ui.project import ProjectContext
from ui.qt import QDialog, QDialogButtonBox, Qt, QVBoxLayout, QWidget, Signal

WARNING_COLOR = "#8A5300"  # amber, readable on light and dark backgrounds


class ExportDialog(QDialog):
    """Format, layer, labels, split and the format's own options; Enter exports, Esc closes."""

    exported = Signal(object)  # the DatasetReport, once written

    def __init__(self, project: ProjectContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.job: JobDialog | None = None
        self.report_dialog: ReportDialog | None = None
        self._title = ""
        self._cancelled = threading.Event()  # set by the job when it stopped at the user's Cancel
        self.setWindowTitle(f"Export “{project.name}”")
        annotators = sorted(set(project.people.values()), key=str.casefold)
        self.form = ExportForm([lab.name for lab in project.labels], annotators, self)
        self.general_error = message(self)
        # Gold takes only adjudicated documents: said as soon as gold is chosen, before writing.
        self.gold_note = message(self)
        self.gold_note.setStyleSheet(f"color: {WARNING_COLOR};")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.export_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.export_button.setText("&Export")
        self.export_button.setDefault(True)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(self.form, 1)
        layout.addWidget(self.gold_note)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        for first, second in pairwise([*self.form.tab_chain, self.export_button, cancel]):
            QWidget.setTabOrder(first, second)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.form.set_choices(remembered(project))
        self.form.layer.currentIndexChanged.connect(self._warn_gold)
        self._warn_gold()
        self.form.formats.setFocus()

    def _warn_gold(self, *_: object) -> None:
        warning = self.project.gold_export_warning(str(self.form.layer.currentData()))
        self.gold_note.setText(f"Before you export: {warning}" if warning else "")
        self.gold_note.setVisible(warning is not None)
        self._fit()

    def _show(self, errors: dict[str, str]) -> None:
        self.form.show_errors(errors)
        self.general_error.setStyleSheet(f"color: {ERROR_COLOR};")
        self.general_error.setText(errors.get("general", ""))
        self.general_error.setVisible("general" in errors)
        self._fit()

    def _fit(self) -> None:
        """Grow to fit wrapped messages: a window's minimum size ignores height-for-width."""
        layout = self.layout()
        layout.activate()
        needed = layout.totalHeightForWidth(self.width())
        if needed > self.height():
            self.resize(self.width(), needed)

    def accept(self) -> None:
        """Check, then export; the dialog closes only once the dataset is written."""
        if self.job is not None:
            return
        choices = self.form.choices()
        me = self.project.actor.name if self.project.actor.id is not None else None
        checked = check(choices, self.form.label_names, me)
        if checked.options is None or checked.out is None:
            self._show(checked.errors)
            return
        taken = refusal(checked.out) if self.form.folder_output() else None
        if taken:  # a folder of other files: the export would not replace only its own
            self._show({"output": taken})
            return
        problem = check_with_project(self.project, checked.options)
        self._show({"general": problem} if problem else {})
        if problem:
            return
        self._warn_gold()  # the statuses may have changed since the dialog opened
        remember(self.project, choices)
        self._title = BY_KEY[choices.fmt].title
        self._cancelled = threading.Event()
        work = export_work(
            self.project, choices.fmt, checked.out, options=checked.options, cancelled=self._cancelled
        )
        self.job = start(self, f"Exporting {self._title}", work, self._succeeded, self._failed)

    def _succeeded(self, report: DatasetReport) -> None:
        self.job = None
        self.exported.emit(report)
        self.report_dialog = ReportDialog(report, self._title, self.parentWidget())
        self.report_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.report_dialog.open()
        super().accept()

    def _failed(self, message: str) -> None:
        self.job = None
        if self._cancelled.is_set():  # the job's own flag: closing its progress dialog also "cancels"
            self._show({"general": "Export cancelled; nothing was written."})
            self.general_error.setStyleSheet("")
        else:
            self._show({"general": for_people(message)})

    def reject(self) -> None:
        if self.job is not None:  # closed while exporting: stop the work before the dialog goes
            self.job.job.cancel()
            self.job.job.finished.wait(5)
        super().reject()


def run_export(parent: QWidget, project: ProjectContext, report: Any) -> JobDialog | None:
    """File ▸ Export; returns a job still winding down after a cancel (the window stops it on close)."""
    dialog = ExportDialog(project, parent)
    dialog.exported.connect(lambda result: report(status_line(result)))
    dialog.exec()
    if dialog.job is not None:
        return dialog.job
    dialog.deleteLater()
    return None
