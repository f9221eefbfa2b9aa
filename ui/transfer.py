"""Import and export entry points; the work itself runs through ui.jobs, off the GUI thread.

The export dialog lives in ``ui.export_dialog`` (its fields in ``ui.export_form``, its checks in
``ui.export_formats``, the job and its report in ``ui.export_report``); ``run_export`` and
``export_work`` are re-exported here for the window and older callers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.bulk import gc_paused
from annotator.formats.peerkit import ReadReport
from annotator.formats.sources import FORMATS, read_path
from annotator.ops.importer import ImportResult, import_as_batch
from annotator.records import DocRecord
from ui.export_dialog import ExportDialog, run_export
from ui.export_report import export_work
from ui.file_dialogs import get_existing_directory, get_open_file_names
from ui.jobs import JobDialog, Progress, start
from ui.project import ProjectContext
from ui.qt import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from ui.waiting import WaitNotice

# What the Format box shows for each reader of ``annotator.formats.sources`` (a test checks that
# every format has a name).
FORMAT_NAMES = {
    "auto": "Recognise each file (recommended)",
    "txt": "Plain text (.txt)",
    "md": "News article saved as Markdown (.md)",
    "html": "Saved web page (.html)",
    "pdf": "PDF with a text layer (.pdf; news-database exports split by article)",
    "docx": "Word document (.docx; news-database exports split by article)",
    "odt": "OpenDocument text (.odt)",
    "rtf": "Rich Text (.rtf; news-database exports split by article)",
    "jsonl": "JSON Lines, a document a line (.jsonl)",
    "csv": "CSV, a document a row (.csv)",
    "native": "annotator JSONL with spans (.jsonl)",
    "doccano": "doccano JSONL",
    "prodigy": "Prodigy JSONL",
    "brat": "brat standoff (.txt + .ann)",
    "labelstudio": "Label Studio JSON",
    "w3c": "W3C Web Annotation (JSON-LD)",
    "webanno": "WebAnno / INCEpTION TSV 3 (.tsv)",
    "spacy": "spaCy DocBin (.spacy)",
    "iob": "CoNLL IOB2 (.iob, .conll)",
    "hf-jsonl": "Hugging Face token classification (.jsonl)",
}


@dataclass(slots=True)
class ImportOutcome:
    """What an import stored, and what its readers skipped or converted (shown, never dropped)."""

    result: ImportResult
    reports: list[ReadReport] = field(default_factory=list)

    @property
    def needs_attention(self) -> bool:
        return any(r.skipped or r.notes for r in self.reports)

    def summary(self) -> str:
        return "\n".join([*(r.summary() for r in self.reports), self.result.summary()])


def _warn(parent: QWidget, title: str, message: str) -> None:
    QMessageBox.warning(parent, title, message)


class ImportDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import documents")
        self.files = QListWidget(self)
        add_files = QPushButton("Add files…", self)
        add_folder = QPushButton("Add folder…", self)
        self.format = QComboBox(self)
        for fmt in FORMATS:
            self.format.addItem(FORMAT_NAMES.get(fmt, fmt), fmt)
        self.text_field = QLineEdit("text", self)
        self.create_labels = QCheckBox("Add labels the files use but the project lacks", self)
        self.keep_annotators = QCheckBox(
            "Keep the annotators and gold layer the files name (reviewers only; audited)", self
        )
        self.keep_annotators.setToolTip(
            "Unticked, every imported label becomes yours, whatever name the file gives it."
        )
        self.restore_deleted = QCheckBox("Bring back documents that were deleted from the project", self)
        self.restore_deleted.setToolTip("Otherwise their texts are skipped, and the report says how many")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        row = QHBoxLayout()
        row.addWidget(add_files)
        row.addWidget(add_folder)
        row.addStretch(1)
        form = QFormLayout()
        form.addRow("Format", self.format)
        form.addRow("Text field (JSONL, CSV)", self.text_field)
        layout = QVBoxLayout(self)
        layout.addWidget(self.files)
        layout.addLayout(row)
        layout.addLayout(form)
        layout.addWidget(self.create_labels)
        layout.addWidget(self.keep_annotators)
        layout.addWidget(self.restore_deleted)
        layout.addWidget(buttons)
        add_files.clicked.connect(self._add_files)
        add_folder.clicked.connect(self._add_folder)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

    def _add_files(self) -> None:
        paths, _ = get_open_file_names(
            self,
            "Documents",
            "",
            "Articles and labeled data (*.txt *.md *.markdown *.html *.htm *.pdf *.docx *.odt *.rtf *.jsonl *.csv *.json *.jsonld *.ann *.tsv *.spacy *.iob *.conll);;All files (*)",
        )
        self.files.addItems(paths)

    def _add_folder(self) -> None:
        path = get_existing_directory(self, "Folder of documents")
        if path:
            self.files.addItem(path)

    def paths(self) -> list[Path]:
        return [Path(self.files.item(i).text()) for i in range(self.files.count())]


def import_work(
    project: ProjectContext,
    paths: list[Path],
    fmt: str,
    text_field: str,
    create_labels: bool,
    origin: object,
    keep_annotators: bool = False,
    restore_deleted: bool = False,
) -> Any:
    """Read every file, then write everything in one transaction (a bad file imports nothing).

    Every imported label is the user's, unless a reviewer keeps the names the files give
    (``keep_annotators``, see ``annotator.ops.owners``). Returns an ``ImportOutcome``.
    """

    def work(progress: Progress) -> ImportOutcome:
        with gc_paused():
            progress.stage("Reading files…", len(paths))
            records: list[DocRecord] = []
            reports: list[ReadReport] = []
            for path in paths:
                records.extend(
                    read_path(
                        path, fmt=fmt, text_field=text_field, annotator=project.actor.name, reports=reports
                    )
                )
                progress(1)
            progress.stage(f"Storing {len(records):,} document(s)…", len(records))
            with project.store.transaction(origin=origin, actor=project.actor) as tx:
                _batch, result = import_as_batch(
                    tx,
                    project.id,
                    records,
                    " ".join(p.name for p in paths),
                    annotator=project.actor.name,
                    create_labels=create_labels,
                    progress=progress,
                    keep_annotators=keep_annotators,
                    restore_deleted=restore_deleted,
                )
            return ImportOutcome(result, reports)

    return work


def run_import(parent: QWidget, project: ProjectContext, origin: object, report: Any) -> JobDialog | None:
    dialog = ImportDialog(parent)
    if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.paths():
        return None
    work = import_work(
        project,
        dialog.paths(),
        dialog.format.currentData(),
        dialog.text_field.text().strip() or "text",
        dialog.create_labels.isChecked(),
        origin,
        dialog.keep_annotators.isChecked(),
        dialog.restore_deleted.isChecked(),
    )

    notice = WaitNotice(report, parent)  # waiting for another process's write: the status bar says so

    def done(outcome: ImportOutcome) -> None:
        notice.stop()
        report(outcome.result.summary())
        if outcome.needs_attention:  # what the files held that the project cannot: say so
            QMessageBox.information(parent, "Import finished", outcome.summary())

    def failed(message: str) -> None:
        notice.stop()
        _warn(parent, "Import", message)

    return start(parent, "Importing documents", work, done, failed)


__all__ = [
    "FORMAT_NAMES",
    "ExportDialog",
    "ImportDialog",
    "ImportOutcome",
    "export_work",
    "import_work",
    "run_export",
    "run_import",
]
