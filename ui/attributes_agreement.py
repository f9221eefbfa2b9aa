"""The agreement panel's table per attribute: mean κ over pairs, α over all, matched spans.

Hidden while the project's spans carry no attribute values (the panel shows labels only then).
"""

from __future__ import annotations

import math

from annotator.review.figures import Figures
from ui.qt import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

HEADERS = ("Attribute", "Cohen's κ (mean of pairs)", "Krippendorff's α", "Matched spans")


class AttributeAgreement(QTableWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(HEADERS), parent)
        self.setHorizontalHeaderLabels(HEADERS)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.setMaximumHeight(150)
        self.setVisible(False)

    def show_figures(self, figures: Figures) -> None:
        rows = sorted(figures.by_attribute.items())
        self.setRowCount(len(rows))
        for r, (name, values) in enumerate(rows):
            cells = [name, _fmt(values.get("kappa")), _fmt(values.get("alpha")), str(int(values.get("n", 0)))]
            for c, text in enumerate(cells):
                self.setItem(r, c, QTableWidgetItem(text))
        self.setVisible(bool(rows))


def _fmt(value: float | None) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:.2f}"
