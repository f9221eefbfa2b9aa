"""Find in the article (Ctrl+F) and "label all occurrences" of what was found.

Matching runs on the Python text (code points, case-insensitive), so hits are already in the
offsets the database uses; the view outlines every hit and selects the current one, and a label
key then labels that hit as if the reader had selected it.
"""

from __future__ import annotations

import re

from annotator.queries import LabelRow
from ui.annotate import AnnotationController
from ui.article.view import ArticleView
from ui.qt import (
    QComboBox,
    QHBoxLayout,
    QKeyEvent,
    QLabel,
    QLineEdit,
    QPushButton,
    Qt,
    QTimer,
    QToolButton,
    QWidget,
)

MAX_HITS = 20000


class FindLine(QLineEdit):
    """Enter / Shift+Enter step through hits; Esc closes the bar."""

    def __init__(self, bar: FindBar) -> None:
        super().__init__(bar)
        self.bar = bar

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.bar.step(-1 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else 1)
            return
        if event.key() == Qt.Key.Key_Escape:
            self.bar.close_bar()
            return
        super().keyPressEvent(event)


class FindBar(QWidget):
    def __init__(
        self, view: ArticleView, controller: AnnotationController, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.view = view
        self.controller = controller
        self.matches: list[tuple[int, int]] = []
        self.current = -1
        self.edit = FindLine(self)
        self.edit.setPlaceholderText("Find in article")
        self.edit.setClearButtonEnabled(True)
        self.count = QLabel("", self)
        self.count.setMinimumWidth(80)
        previous = QToolButton(self)
        previous.setText("▲")
        previous.setToolTip("Previous (Shift+Enter)")
        following = QToolButton(self)
        following.setText("▼")
        following.setToolTip("Next (Enter)")
        self.labels = QComboBox(self)
        self.label_all = QPushButton("Label all", self)
        self.label_all.setToolTip("Label every occurrence with the chosen label (one undo step)")
        close = QToolButton(self)
        close.setText("✕")
        close.setToolTip("Close (Esc)")
        close.setAutoRaise(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.count)
        layout.addWidget(previous)
        layout.addWidget(following)
        layout.addSpacing(12)
        layout.addWidget(QLabel("as", self))
        layout.addWidget(self.labels)
        layout.addWidget(self.label_all)
        layout.addWidget(close)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(120)
        self._debounce.timeout.connect(self.search)
        self.edit.textChanged.connect(self._debounce.start)
        previous.clicked.connect(lambda: self.step(-1))
        following.clicked.connect(lambda: self.step(1))
        self.label_all.clicked.connect(self._label_all)
        close.clicked.connect(self.close_bar)
        view.session.reset.connect(self._document_changed)
        self.hide()

    def set_labels(self, labels: list[LabelRow]) -> None:
        self.labels.clear()
        for label in labels:
            if not label.retired:  # a retired label makes no new spans
                self.labels.addItem(label.name, label.id)

    def open_bar(self) -> None:
        selection = self.view.selection_cp()
        if selection is not None and selection[1] - selection[0] <= 80:
            self.edit.setText(self.view.session.text[selection[0] : selection[1]])
        self.show()
        self.edit.setFocus()
        self.edit.selectAll()
        self.search()

    def close_bar(self) -> None:
        self.hide()
        self.matches = []
        self.view.find_matches = []
        self.view.viewport().update()
        self.view.setFocus()

    def _document_changed(self) -> None:
        if self.isVisible():
            self.search()

    def search(self) -> None:
        query = self.edit.text()
        text = self.view.session.text
        self.matches = []
        if query:
            for match in re.finditer(re.escape(query), text, re.IGNORECASE):
                self.matches.append((match.start(), match.end()))
                if len(self.matches) >= MAX_HITS:
                    break
        self.view.find_matches = self.matches
        self.view.viewport().update()
        self.current = -1
        if self.matches:
            selection = self.view.selection_cp()
            anchor = selection[0] if selection else self.view.caret_cp()  # searching again stays put
            self.current = next((i for i, m in enumerate(self.matches) if m[0] >= anchor), 0) - 1
            self.step(1)
        else:
            self._show_count()

    def step(self, direction: int) -> None:
        if not self.matches:
            return
        self.current = (self.current + direction) % len(self.matches)
        start, end = self.matches[self.current]
        self.view.select_cp(start, end)
        self.view.scroll_to(start, end)
        self._show_count()

    def _show_count(self) -> None:
        if not self.edit.text():
            self.count.setText("")
        elif not self.matches:
            self.count.setText("no match")
        else:
            self.count.setText(f"{self.current + 1} of {len(self.matches)}")
        self.label_all.setEnabled(bool(self.matches))

    def _label_all(self) -> None:
        label_id = self.labels.currentData()
        if label_id is None or not self.matches:
            return
        made = self.controller.label_all(list(self.matches), int(label_id))
        if made:
            self.controller.message.emit(f"Labelled {made} occurrence(s) as {self.labels.currentText()}")
