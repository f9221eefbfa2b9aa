"""Review ▸ Team progress…: per annotator and overall, what ``annotator progress`` prints.

A table (assigned, done, in progress, new, active time and time per document, as the app
measures it) and a bar chart of each annotator's queue as shares done / in progress / new (the
review's chart widget, whose axis is 0–1).
"""

from __future__ import annotations

from annotator.progress import Progress
from ui.project import ProjectContext
from ui.qt import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from ui.review.chart import BarChart

HEADERS = ("Annotator", "Assigned", "Done", "In progress", "New", "Time", "Per document")
SERIES = ("done", "in progress", "new")


def duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{rest:02d}" if hours else f"{minutes}:{rest:02d}"


class ProgressView(QDialog):
    def __init__(self, project: ProjectContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Team progress")
        self.project = project
        self.table = QTableWidget(0, len(HEADERS), self)
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.overall = QLabel(self)
        self.overall.setWordWrap(True)
        self.chart = BarChart(self)
        refresh = QPushButton("Refresh", self)
        refresh.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(self.overall, 1)
        top.addWidget(refresh)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 2)
        layout.addWidget(QLabel("<b>Share of each queue</b>", self))
        layout.addWidget(self.chart, 3)
        self.resize(820, 640)
        self.report: Progress | None = None
        self.refresh()

    def refresh(self) -> None:
        report = self.report = self.project.team.progress()
        self.overall.setText(
            f"{report.assigned:,} of {report.documents:,} documents assigned ({report.overlap:,} to two or "
            f"more people), {report.done:,} done, {report.in_progress:,} in progress; "
            f"{duration(report.seconds)} of active time recorded"
        )
        self.table.setRowCount(len(report.people))
        for row, p in enumerate(report.people):
            cells = (
                p.annotator,
                str(p.assigned),
                str(p.done),
                str(p.in_progress),
                str(p.new),
                duration(p.seconds),
                duration(p.seconds_per_document),
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
        people = [p for p in report.people if p.assigned]
        values = {
            (p.annotator, name): count / p.assigned
            for p in people
            for name, count in zip(SERIES, (p.done, p.in_progress, p.new), strict=True)
        }
        self.chart.set_data([p.annotator for p in people], list(SERIES), values)
