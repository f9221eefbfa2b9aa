"""The disagreement list and the panel for the current unit (its versions, accept and reject).

The list shows every disagreement of the document in text order with its kind and state; the
panel below it shows the readings of the current one, who chose each, and the actions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from annotator.review.compare import Kind, Unit
from annotator.review.curation import Curation, State, Version
from ui.qt import (
    QAbstractItemView,
    QCheckBox,
    QColor,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QKeyEvent,
    QLabel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPushButton,
    Qt,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from ui.review.panes import STATE_COLORS, STATE_GLYPHS
from ui.tables import TableModel, configure_table

Index = QModelIndex | QPersistentModelIndex
KIND_NAMES = {
    Kind.ONLY_SOME: "only some",
    Kind.LABEL: "label",
    Kind.BOUNDARIES: "boundaries",
    Kind.RELATION: "relation",
    Kind.ATTRIBUTES: "attribute",
    Kind.AGREED: "agreed",
}
COLUMNS = ("", "Differs in", "Text", "Who")


def clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def clear_layout(layout: QVBoxLayout) -> None:
    """Take every row widget out of ``layout`` (rebuilt on each refresh)."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.hide()
            widget.deleteLater()


def keys_of(version: Version, curation: Curation) -> str:
    """The number keys that accept this reading: key n is pane n's annotator (1/3 for two)."""
    keys = [str(n) for n, a in enumerate(curation.annotators, start=1) if a.name in version.annotators]
    return "/".join(keys) or "–"


class DisagreementModel(TableModel):
    columns = COLUMNS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.curation: Curation | None = None
        self.text = ""
        self.units: list[Unit] = []
        self.states: list[State] = []

    def set_data(self, curation: Curation | None, text: str) -> None:
        self.beginResetModel()
        self.curation, self.text = curation, text
        self.units = curation.disagreements() if curation is not None else []
        self.states = [curation.unit_state(u) for u in self.units] if curation is not None else []
        self.endResetModel()

    def row_total(self) -> int:
        return len(self.units)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not (0 <= index.row() < len(self.units)):
            return None
        unit, state, col = self.units[index.row()], self.states[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return STATE_GLYPHS[state]
            if col == 1:
                return KIND_NAMES[unit.kind]
            if col == 2:
                return clip(self.text[unit.start : unit.end], 60)
            return ", ".join(sorted(unit.annotators))
        if role == Qt.ItemDataRole.ForegroundRole and col == 0:
            return QColor(STATE_COLORS[state])
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 0:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{unit.kind.value} · {state.value} · characters {unit.start}–{unit.end}"
        return None

    def row_of(self, unit: Unit | None) -> int | None:
        if unit is None:
            return None
        return next(
            (
                i
                for i, u in enumerate(self.units)
                if (u.start, u.end, u.kind) == (unit.start, unit.end, unit.kind)
            ),
            None,
        )


class DisagreementList(QTableView):
    """The list; its keys are the review keys (``keys`` handles them, as for the panes)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = DisagreementModel(self)
        self.setModel(self._model)
        configure_table(self)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(0, 28)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(1, 86)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.key_handler: Callable[[QKeyEvent], bool] | None = None

    def model(self) -> DisagreementModel:
        return self._model

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.key_handler is not None and self.key_handler(event):
            event.accept()
            return
        super().keyPressEvent(event)


class UnitPanel(QFrame):
    """The current unit: one row per reading, ticks for "accept several", accept and reject."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("No disagreement selected", self)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        self.rows = QVBoxLayout()
        self.rows.setSpacing(4)
        self.accept = QPushButton("Accept ticked", self)
        self.accept.setToolTip("Put the ticked readings into gold (Enter)")
        self.reject = QPushButton("Reject ticked", self)
        self.reject.setToolTip("Keep the ticked readings out of gold (X)")
        buttons = QHBoxLayout()
        buttons.addWidget(self.accept)
        buttons.addWidget(self.reject)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.title)
        layout.addLayout(self.rows)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.ticks: list[tuple[QCheckBox, Version]] = []
        self.unit: Unit | None = None
        self.versions: list[Version] = []

    def show_unit(self, unit: Unit | None, curation: Curation | None, text: str) -> None:
        """List the unit's readings (ticks survive a refresh of the same unit)."""
        kept = {(v.start, v.end, v.label_id) for box, v in self.ticks if box.isChecked()}
        same = (
            unit is not None
            and self.unit is not None
            and (unit.start, unit.kind) == (self.unit.start, self.unit.kind)
        )
        clear_layout(self.rows)
        self.ticks = []
        self.unit = unit
        self.versions = curation.versions(unit) if unit is not None and curation is not None else []
        relation = unit is not None and bool(unit.links)
        self.accept.setText("Accept relation" if relation else "Accept ticked")
        self.reject.setText("Reject relation" if relation else "Reject ticked")
        if unit is None or curation is None:
            self.title.setText("No disagreement selected — F8 walks to the next one")
            return
        state = curation.unit_state(unit)
        self.title.setText(
            f"<b>{unit.kind.value.capitalize()}</b> &nbsp;·&nbsp; "
            f"<span style='color:{STATE_COLORS[state]}'>{STATE_GLYPHS[state]} {state.value}</span>"
            f" &nbsp;·&nbsp; characters {unit.start}–{unit.end}"
        )
        if unit.links:
            link = unit.links[0]
            who = ", ".join(sorted({lk.annotator for lk in unit.links}))
            src, dst = text[link.source[0] : link.source[1]], text[link.target[0] : link.target[1]]
            label = QLabel(f"{link.type}: “{clip(src, 40)}” → “{clip(dst, 30)}” — {who}", self)
            label.setWordWrap(True)
            self.rows.addWidget(label)
            return
        for version in self.versions:
            box = QCheckBox(self)
            box.setChecked(same and (version.start, version.end, version.label_id) in kept)
            glyph = STATE_GLYPHS[version.state]
            box.setText(
                f"{keys_of(version, curation)}. {version.label}  “{clip(text[version.start : version.end], 46)}”"
                f"  — {', '.join(version.annotators)}  {glyph}"
            )
            box.setToolTip(
                f"{version.label}, characters {version.start}–{version.end}: {version.state.value}"
            )
            self.rows.addWidget(box)
            self.ticks.append((box, version))

    def ticked(self) -> list[Version]:
        return [v for box, v in self.ticks if box.isChecked()]
