"""Running an export off the GUI thread, and the report it ends with.

The report shows every part written and every reason something was left out, with its count:
a dataset that silently lacks overlapping spans or relations trains a worse extractor, so the
user must see what the format could not hold (the core never drops anything silently either).
"""

from __future__ import annotations

import shutil
import threading
from html import escape
from pathlib import Path
from typing import Any

from annotator.errors import Cancelled
from annotator.export import DatasetReport, ExportOptions
from annotator.formats.base import ExportReport
from ui.export_widgets import note
from ui.jobs import Progress
from ui.project import ProjectContext
from ui.qt import (
    QApplication,
    QDesktopServices,
    QDialog,
    QDialogButtonBox,
    QFont,
    QLabel,
    QPushButton,
    Qt,
    QUrl,
    QVBoxLayout,
    QWidget,
)


def _first_missing(path: Path) -> Path | None:
    """The outermost folder (or the path itself) that does not exist yet: what the export creates."""
    missing = None
    for candidate in (path, *path.parents):
        if candidate.exists():
            break
        missing = candidate
    return missing


def export_work(
    project: ProjectContext,
    fmt: str,
    out: Path,
    only_done: bool = False,
    options: ExportOptions | None = None,
    cancelled: threading.Event | None = None,
) -> Any:
    """The job: export on a session of its own; a cancel or failure removes what it created.

    Files are written atomically by the core, but brat and DocBin parts fill a folder file by
    file: a folder the export created is removed again when it does not finish. ``cancelled`` is
    set when the user's Cancel stopped the work (closing a job's progress dialog also requests a
    cancel, so the request alone does not tell a cancel from an error).
    """
    options = options or ExportOptions(only_done=only_done)

    def work(progress: Progress) -> DatasetReport:
        created = _first_missing(out)
        try:
            return project.export(
                fmt,
                out,
                progress,
                options,
                stage=lambda total: progress.stage(f"Exporting {total:,} document(s)…", total),
            )
        except BaseException as exc:
            if created is not None and created.is_dir():
                shutil.rmtree(created, ignore_errors=True)
            if isinstance(exc, Cancelled) and cancelled is not None:
                cancelled.set()
            raise

    return work


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else many or one + 's'}"


def status_line(report: DatasetReport) -> str:
    """One line for the status bar; the dialog has the details."""
    unit = "sentence example" if report.sentences else "document"
    text = f"Exported {_plural(report.documents, unit)}, {_plural(report.spans, 'span')} to {report.path}"
    left = sum(report.left_out.values())
    return text + (f"; {left:,} left out (see the report)" if left else "")


def report_text(report: DatasetReport, title: str) -> str:
    """The whole report as plain text: what the dialog shows, and what Copy puts on the clipboard."""
    unit = "examples" if report.sentences else "documents"
    lines = [f"{title} export to {report.path}", ""]
    for name, part in _rows(report):
        lines.append(
            f"{name}: {part.documents:,} {unit}, {part.spans:,} spans, {part.relations:,} relations"
            + (f" — {part.path}" if report.parts and name != "total" else "")
        )
    if _empty(report):
        lines.append(_empty(report))
    lines.append("")
    if not report.left_out:
        lines.append(NOTHING_LEFT_OUT)
    for reason, count in _reasons(report):
        lines.append(f"left out {count:,}: {reason}{_by_part(report, reason)}")
    return "\n".join(lines)


NOTHING_LEFT_OUT = "Nothing was left out: every selected span and relation is in the dataset."


def _empty(report: DatasetReport) -> str:
    """A split part with no document is legal but rarely wanted: say so, and what to try."""
    empty = [name for name, part in report.parts.items() if not part.documents]
    if not empty:
        return ""
    return f"{' and '.join(empty)} empty: too few documents for these ratios (or try another seed)."


def _rows(report: DatasetReport) -> list[tuple[str, ExportReport]]:
    if not report.parts:
        return [("all", report)]
    return [*report.parts.items(), ("total", report)]


def _reasons(report: DatasetReport) -> list[tuple[str, int]]:
    return sorted(report.left_out.items(), key=lambda item: (-item[1], item[0]))


def _by_part(report: DatasetReport, reason: str) -> str:
    """Where a reason's count came from, in a split export ("train 3, dev 1")."""
    if len(report.parts) < 2:
        return ""
    counts = [
        f"{name} {part.left_out[reason]:,}" for name, part in report.parts.items() if reason in part.left_out
    ]
    return f" ({', '.join(counts)})"


def _html_table(headers: list[str], rows: list[list[str]], numeric: set[int]) -> str:
    """A plain table for a QLabel: numbers right-aligned, a muted header, no grid."""

    def cell(tag: str, c: int, value: str) -> str:
        align = "right" if c in numeric else "left"
        return f'<{tag} align="{align}" style="padding: 2px 14px 2px 0;">{escape(value)}</{tag}>'

    head = "".join(cell("th", c, h) for c, h in enumerate(headers))
    body = "".join("<tr>" + "".join(cell("td", c, v) for c, v in enumerate(row)) + "</tr>" for row in rows)
    return f'<table cellspacing="0"><tr style="color: gray;">{head}</tr>{body}</table>'


class ReportDialog(QDialog):
    """What an export wrote, part by part, and everything it left out, with reasons and counts."""

    def __init__(self, report: DatasetReport, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report = report
        self.title = title
        self.setWindowTitle("Export finished")
        self.setMinimumWidth(560)
        unit = "Sentences" if report.sentences else "Documents"
        heading = QLabel(f"{title} written to {report.path}", self)
        bold = QFont(heading.font())
        bold.setBold(True)
        heading.setFont(bold)
        heading.setWordWrap(True)
        split = bool(report.parts)
        rows = [
            [
                name,
                f"{p.documents:,}",
                f"{p.spans:,}",
                f"{p.relations:,}",
                p.path.name if split and p is not report else "",
            ]
            for name, p in _rows(report)
        ]
        self.parts = self._label(
            _html_table(["Part", unit, "Spans", "Relations", "File" if split else ""], rows, {1, 2, 3})
        )
        empty = note(self)
        empty.setText(_empty(report))
        empty.setVisible(bool(_empty(report)))
        left_heading = QLabel("Left out", self)
        left_heading.setFont(bold)
        if report.left_out:
            reasons = [
                [f"{count:,}", reason + _by_part(report, reason)] for reason, count in _reasons(report)
            ]
            self.left_out = self._label(_html_table(["Count", "Reason"], reasons, {0}))
        else:
            self.left_out = self._label(escape(NOTHING_LEFT_OUT))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        copy = QPushButton("&Copy report", self)
        reveal = QPushButton("&Show in folder", self)
        for button in (copy, reveal):
            button.setAutoDefault(False)
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        for widget in (heading, self.parts, empty):
            layout.addWidget(widget)
        layout.addSpacing(8)
        layout.addWidget(left_heading)
        layout.addWidget(self.left_out)
        layout.addStretch(1)
        layout.addWidget(buttons)
        copy.clicked.connect(lambda: QApplication.clipboard().setText(self.text()))
        reveal.clicked.connect(self._reveal)
        buttons.rejected.connect(self.reject)
        close.setFocus()

    def _label(self, html: str) -> QLabel:
        label = QLabel(html, self)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def text(self) -> str:
        return report_text(self.report, self.title)

    def _reveal(self) -> None:
        path = Path(self.report.path)
        folder = path if path.is_dir() else path.parent
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
