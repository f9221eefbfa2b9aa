"""Review ▸ Agreement…: how reliable the labels are, for chosen annotators and documents.

The figures are computed on a worker thread (ui.jobs; 10,000 documents take seconds, not the
GUI's time) and shown as the main coefficients, a per-label bar chart and a label confusion
matrix for one pair of annotators, its diagonal (where they agree) emphasised.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable

from annotator.agreement import NO_SPAN, ConfusionMatrix
from annotator.model import Role
from annotator.review.figures import CHART_METRICS, METRIC_NAMES, Figures
from ui.attributes_agreement import AttributeAgreement
from ui.jobs import JobDialog, Progress, start
from ui.project import ProjectContext
from ui.qt import (
    QAbstractItemView,
    QBrush,
    QCheckBox,
    QColor,
    QComboBox,
    QDialog,
    QFont,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPalette,
    QPushButton,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from ui.review.chart import BarChart

DOCUMENT_SETS = (
    ("all", "All documents"),
    ("done", "Done documents"),
    ("current", "Current document"),
    ("selected", "Selected in the list"),
)
CARDS = (
    "span_f1_exact",
    "span_f1_overlap",
    "token_kappa",
    "token_alpha",
    "unitizing_alpha",
    "relation_f1_overlap",
)
CHART_NAMES = {
    "span_f1_exact": "F1 exact",
    "span_f1_overlap": "F1 overlap",
    "token_kappa": "κ (tokens)",
    "unitizing_alpha": "αU",
}
Documents = Callable[[str], list[int] | None]


def fmt(value: float | None) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:.2f}".replace("-", "−")


class ConfusionTable(QTableWidget):
    """Rows: the first annotator's labels; columns: the second's; ∅ = no matching span."""

    def show_matrix(self, matrix: ConfusionMatrix | None) -> None:
        self.clear()
        if matrix is None:
            self.setRowCount(0)
            self.setColumnCount(0)
            return
        labels = list(matrix.labels)
        self.setRowCount(len(labels))
        self.setColumnCount(len(labels))
        names = [lab if lab != NO_SPAN else "∅ none" for lab in labels]
        self.setHorizontalHeaderLabels(names)
        self.setVerticalHeaderLabels(names)
        base = self.palette().color(QPalette.ColorRole.Base)
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText)
        top = max([c for row in matrix.counts for c in row] or [1]) or 1
        for i, row in enumerate(matrix.counts):
            for j, count in enumerate(row):
                item = QTableWidgetItem(str(count))
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                diagonal = i == j and labels[i] != NO_SPAN
                tint = QColor("#009E73" if diagonal else "#D55E00")
                strength = 0.12 + 0.45 * count / top if count else 0.0
                if count:
                    item.setBackground(QBrush(_mix(base, tint, strength)))
                else:
                    item.setForeground(QBrush(muted))
                if diagonal:
                    font = QFont(self.font())
                    font.setBold(True)
                    item.setFont(font)
                item.setToolTip(f"{matrix.a}: {names[i]} · {matrix.b}: {names[j]} — {count} span(s)")
                self.setItem(i, j, item)
        height = self.horizontalHeader().height() + sum(self.rowHeight(i) for i in range(len(labels)))
        self.setMaximumHeight(height + 2 * self.frameWidth() + 2)


def _mix(a: QColor, b: QColor, amount: float) -> QColor:
    return QColor.fromRgbF(
        *(x + (y - x) * amount for x, y in zip(a.getRgbF()[:3], b.getRgbF()[:3], strict=True))
    )


class AgreementPanel(QDialog):
    def __init__(self, project: ProjectContext, documents: Documents, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Agreement")
        self.project = project
        self.documents = documents
        self.figures: Figures | None = None
        self.job: JobDialog | None = None
        people = [a for a in project.annotators() if a.role != Role.GOLD.value]
        filters = QHBoxLayout()
        filters.addWidget(QLabel("Annotators:", self))
        self.boxes: list[QCheckBox] = []
        self.ids = {person.name: person.id for person in people}
        for person in people:
            box = QCheckBox(person.name, self)
            box.setChecked(person.role != Role.REVIEWER.value or len(people) < 3)
            filters.addWidget(box)
            self.boxes.append(box)
        filters.addSpacing(18)
        filters.addWidget(QLabel("Documents:", self))
        self.doc_set = QComboBox(self)
        for key, text in DOCUMENT_SETS:
            self.doc_set.addItem(text, key)
        filters.addWidget(self.doc_set)
        self.overlap_only = QCheckBox("Overlap only", self)
        self.overlap_only.setToolTip("Only documents assigned to two or more of the chosen annotators")
        self.overlap_only.toggled.connect(lambda _on: self.compute())
        filters.addWidget(self.overlap_only)
        self.without_suggested = QCheckBox("without suggested", self)  # suggestions bias (issue 15)
        self.without_suggested.setToolTip(
            "Leave out documents on which suggestions were shown before they were done"
        )
        filters.addWidget(self.without_suggested)
        filters.addStretch(1)
        self.compute_button = QPushButton("Compute", self)
        self.compute_button.setDefault(True)
        self.compute_button.clicked.connect(self.compute)
        filters.addWidget(self.compute_button)
        self.status = QLabel(self)
        self.status.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.cards = QGridLayout()
        self.cards.setHorizontalSpacing(24)
        self.card_values: dict[str, QLabel] = {}
        big = QFont(self.font())
        big.setPointSizeF(big.pointSizeF() * 1.9)
        for k, metric in enumerate(CARDS):
            value = QLabel("–", self)
            value.setFont(big)
            caption = QLabel(METRIC_NAMES[metric], self)
            caption.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            self.cards.addWidget(value, 0, k)
            self.cards.addWidget(caption, 1, k)
            self.card_values[metric] = value
        self.chart = BarChart(self)
        self.pair = QComboBox(self)
        self.pair.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.pair.currentIndexChanged.connect(self._show_pair)
        self.matrix = ConfusionTable(self)
        self.matrix.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.matrix.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.matrix.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.matrix.setMinimumHeight(120)
        self.matrix.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.matrix.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        pair_row = QHBoxLayout()
        self.pair_heading = QLabel("<b>Label confusion</b>", self)
        pair_row.addWidget(self.pair_heading)
        pair_row.addStretch(1)
        pair_row.addWidget(self.pair)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 14)
        layout.setSpacing(10)
        layout.addLayout(filters)
        layout.addWidget(self.status)
        layout.addLayout(self.cards)
        layout.addWidget(QLabel("<b>Per label</b>", self))
        layout.addWidget(self.chart, 3)
        self.attributes = AttributeAgreement(self)  # per codebook attribute (ui/attributes_agreement.py)
        layout.addWidget(self.attributes)
        layout.addLayout(pair_row)
        layout.addWidget(self.matrix)
        self.resize(960, 760)

    def chosen_annotators(self) -> list[str]:
        return [box.text() for box in self.boxes if box.isChecked()]

    def compute(self) -> JobDialog | None:
        """Start the computation on a worker thread; the result arrives in ``show_figures``."""
        names = self.chosen_annotators()
        if len(names) < 2:
            self.status.setText("Choose at least two annotators.")
            return None
        docs = self.documents(str(self.doc_set.currentData()))
        if self.overlap_only.isChecked():  # the agreement set of an assignment (annotator assign)
            overlap = self.project.team.overlap_documents([self.ids[n] for n in names])
            docs = overlap if docs is None else [d for d in docs if d in set(overlap)]
        if self.without_suggested.isChecked():
            shown = self.project.suggested_documents()
            docs = [d for d in (self.project.document_ids() if docs is None else docs) if d not in shown]
        if docs is not None and not docs:
            self.status.setText("No documents in that set.")
            return None
        project = self.project
        self.compute_button.setEnabled(False)
        self.status.setText("Computing…")

        def work(progress: Progress) -> Figures:
            return project.agreement(names, docs, stage=lambda text: progress.stage(text + "…", 0))

        self.job = start(self, "Computing agreement", work, self.show_figures, self._failed)
        return self.job

    def _failed(self, message: str) -> None:
        self.compute_button.setEnabled(True)
        self.status.setText(html.escape(message))

    def show_figures(self, figures: Figures) -> None:
        self.compute_button.setEnabled(True)
        self.figures = figures
        self.status.setText(
            f"{figures.documents:,} document(s) · {figures.spans:,} span(s) · {', '.join(figures.annotators)}"
        )
        for metric, label in self.card_values.items():
            label.setText(fmt(figures.overall.get(metric)))
        series = [CHART_NAMES[m] for m in CHART_METRICS]
        values = {
            (label, CHART_NAMES[m]): figures.by_label.get(label, {}).get(m, math.nan)
            for label in figures.labels
            for m in CHART_METRICS
        }
        self.chart.set_data(figures.labels, series, values)
        self.attributes.show_figures(figures)
        self.pair.blockSignals(True)
        self.pair.clear()
        for a, b in figures.confusion:
            self.pair.addItem(f"{a} × {b}", (a, b))
        self.pair.blockSignals(False)
        self._show_pair()

    def _show_pair(self, *_args: object) -> None:
        key = self.pair.currentData()
        matrix = self.figures.confusion.get(tuple(key)) if self.figures and key else None
        self.matrix.show_matrix(matrix)
        if matrix is not None:
            self.pair_heading.setText(
                f"<b>Label confusion</b> — rows: {html.escape(matrix.a)}, columns: {html.escape(matrix.b)}; "
                "the diagonal is where they agree, ∅ = no overlapping span"
            )
