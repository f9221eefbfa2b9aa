"""The agreement panel's table per attribute: mean κ over pairs, α over all, matched spans.

Below the attributes, the registry actor links (``annotator/agreement/actors.py``): which actor
matched ACTOR spans link to, and whose actor matched quotes and claims are attributed to.
Hidden while there is neither (the panel shows labels only then).
"""

from __future__ import annotations

import math

from annotator.review.figures import Figures
from ui.qt import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

HEADERS = ("Attribute or link", "Cohen's κ (mean of pairs)", "Krippendorff's α", "Matched spans")


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
        rows = sorted(figures.by_attribute.items()) + [
            (actor_title(key), values) for key, values in sorted(figures.by_actor.items(), key=_actor_order)
        ]
        self.setRowCount(len(rows))
        for r, (name, values) in enumerate(rows):
            cells = [name, _fmt(values.get("kappa")), _fmt(values.get("alpha")), str(int(values.get("n", 0)))]
            for c, text in enumerate(cells):
                self.setItem(r, c, QTableWidgetItem(text))
        self.setVisible(bool(rows))


def _actor_order(item: tuple[str, object]) -> tuple[bool, bool, str]:
    """Who is who first, then QUOTE and CLAIM, both together last."""
    kind, label = item[0].split(" ", 1)
    return (kind != "actor", label == "*", label)


def actor_title(key: str) -> str:
    """ "actor ACTOR" → "ACTOR → registry actor"; "attribution *" → "QUOTE+CLAIM → speaker's actor"."""
    kind, label = key.split(" ", 1)
    if kind == "actor":
        return f"{label} → registry actor"
    return f"{'QUOTE+CLAIM' if label == '*' else label} → speaker's actor"


def _fmt(value: float | None) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:.2f}"
