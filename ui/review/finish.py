"""Above the disagreement list: whether F8 skips resolved items, and, once nothing is open, the
offer to mark the document adjudicated (accepting what everyone agreed on in the same step)."""

from __future__ import annotations

from ui.qt import QCheckBox, QHBoxLayout, QLabel, QPushButton, QWidget


class FinishBar(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.skip_resolved = QCheckBox("F8 skips resolved", self)
        self.skip_resolved.setToolTip("F8 / Shift+F8 go only to disagreements still open")
        self.note = QLabel(self)
        self.done = QPushButton("Mark adjudicated", self)
        self.done.setToolTip("Nothing is open here: mark the document adjudicated (Ctrl+Z undoes)")
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 0, 10, 4)
        row.addWidget(self.skip_resolved)
        row.addStretch(1)
        row.addWidget(self.note)
        row.addWidget(self.done)
        self.offer(False, 0)

    def offer(self, on: bool, agreed: int) -> None:
        """Show the offer when nothing is open and the document is not adjudicated yet."""
        self.note.setText("No open disagreements." if on else "")
        self.done.setText(f"Accept {agreed} agreed and mark adjudicated" if agreed else "Mark adjudicated")
        self.note.setVisible(on)
        self.done.setVisible(on)
