"""The review view's header: the document, whose work to compare, its review status, the legend,
and the note that explains why the view is read-only for someone who is not a reviewer."""

from __future__ import annotations

import html

from annotator.model import ReviewStatus
from annotator.queries import LabelRow
from annotator.review.curation import AnnotatorRow
from ui.flow import FlowLayout
from ui.qt import (
    QCheckBox,
    QComboBox,
    QFont,
    QHBoxLayout,
    QLabel,
    QPalette,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ui.review.panes import StateLegend


class ReviewHeader(QWidget):
    annotatorsChanged = Signal(object)  # list of annotator ids
    statusChosen = Signal(str)
    acceptAgreed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Window)
        self.title = QLabel("No document", self)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        compare = QWidget(self)  # each group wraps as a whole (see the FlowLayout below)
        self.people = QHBoxLayout(compare)
        self.people.setContentsMargins(0, 0, 0, 0)
        self.people.setSpacing(10)
        self.people.addWidget(QLabel("Compare:", compare))
        self.status = QComboBox(self)
        for status in ReviewStatus:
            self.status.addItem(status.value.capitalize(), status.value)
        self.status.setToolTip("Review status of this document")
        self.status.activated.connect(lambda _i: self.statusChosen.emit(self.status.currentData()))
        self.agreed = QPushButton("Accept all agreed", self)
        self.agreed.setToolTip(
            "Put every span that all chosen annotators agree on into gold (Ctrl+Shift+Return)"
        )
        self.agreed.clicked.connect(self.acceptAgreed.emit)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.RichText)
        self.note.setStyleSheet(
            "QLabel { background: #FFF4D6; color: #3D2E00; border-radius: 4px; padding: 6px 10px; }"
        )
        self.note.hide()
        self.legend = StateLegend(self)
        self.labels = QLabel(self)
        self.labels.setTextFormat(Qt.TextFormat.RichText)
        decide = QWidget(self)
        decide_row = QHBoxLayout(decide)
        decide_row.setContentsMargins(0, 0, 0, 0)
        decide_row.addWidget(QLabel("Status:", decide))
        decide_row.addWidget(self.status)
        decide_row.addWidget(self.agreed)
        # A narrow window (800 px) wraps the groups onto more lines instead of overlapping them.
        row = FlowLayout(spacing=16)
        row.addWidget(compare)
        row.addWidget(self.legend)
        row.addWidget(decide)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 8)
        layout.setSpacing(6)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.labels)
        layout.addLayout(top)
        layout.addLayout(row)
        layout.addWidget(self.note)
        self.boxes: list[tuple[QCheckBox, AnnotatorRow]] = []

    def set_people(self, people: list[AnnotatorRow], chosen: list[int]) -> None:
        """One tick box per annotator (the gold layer is not one of them)."""
        if [p.id for _b, p in self.boxes] == [p.id for p in people]:
            for box, person in self.boxes:
                box.blockSignals(True)
                box.setChecked(person.id in chosen)
                box.blockSignals(False)
            return
        for box, _person in self.boxes:
            self.people.removeWidget(box)
            box.deleteLater()
        self.boxes = []
        for person in people:
            box = QCheckBox(person.name, self)
            box.setChecked(person.id in chosen)
            if person.role == "reviewer":
                box.setToolTip(f"{person.name} (reviewer)")
            box.toggled.connect(self._toggled)
            self.people.addWidget(box)
            self.boxes.append((box, person))

    def _toggled(self, _on: bool) -> None:
        self.annotatorsChanged.emit([p.id for box, p in self.boxes if box.isChecked()])

    def set_labels(self, labels: list[LabelRow]) -> None:
        """Label colours and keys (the gold pane takes the main window's label keys)."""
        self.labels.setText(
            "&nbsp;&nbsp;&nbsp;".join(
                f"<span style='background:{html.escape(lab.color)}'>&nbsp;&nbsp;&nbsp;</span>&nbsp;"
                f"{html.escape(lab.name)}"
                + (
                    f" <span style='color:gray'>{html.escape(lab.hotkey.upper())}</span>"
                    if lab.hotkey
                    else ""
                )
                for lab in labels
            )
        )

    def set_status(self, status: str) -> None:
        i = self.status.findData(status)
        self.status.blockSignals(True)
        self.status.setCurrentIndex(max(i, 0))
        self.status.blockSignals(False)

    def set_agreed_count(self, count: int) -> None:
        self.agreed.setText(f"Accept all agreed ({count})" if count else "Accept all agreed")

    def set_read_only(self, read_only: bool, who: str) -> None:
        self.status.setEnabled(not read_only)
        self.agreed.setEnabled(not read_only)
        self.note.setVisible(read_only)
        if read_only:
            self.note.setText(
                f"<b>Read-only.</b> {html.escape(who)} does not have the reviewer role, so you can compare "
                "but not adjudicate. A reviewer can give you the role in Review ▸ Annotators and roles…"
            )
