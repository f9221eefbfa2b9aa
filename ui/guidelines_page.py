"""A guideline on screen: rendered markdown with Edit, then a markdown box with Save and Cancel.

The Guidelines panel (one label's description) and the F1 window (the project's document) both
show one; what Save stores is theirs to do (``saver`` returns an error message, or None).
"""

from __future__ import annotations

from collections.abc import Callable

from ui.qt import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

Saver = Callable[[str], str | None]


class MarkdownPage(QWidget):
    def __init__(self, saver: Saver, edit_text: str = "&Edit", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.saver = saver
        self.source = ""  # the markdown being edited (what Edit puts in the box)
        self.text = QTextBrowser(self)
        self.text.setOpenExternalLinks(True)
        self.editor = QPlainTextEdit(self)
        self.editor.setPlaceholderText("Markdown: **bold**, *italic*, lists, > examples …")
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.text)
        self.pages.addWidget(self.editor)
        self.edit_button = QPushButton(edit_text, self)
        self.save_button = QPushButton("&Save", self)
        self.cancel_button = QPushButton("Cancel", self)
        self.note = QLabel("", self)
        self.note.setWordWrap(True)
        self.buttons = QHBoxLayout()
        for button in (self.edit_button, self.save_button, self.cancel_button):
            self.buttons.addWidget(button)
        self.buttons.addWidget(self.note, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages, 1)
        layout.addLayout(self.buttons)
        self.edit_button.clicked.connect(self.edit)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(lambda: self.editing(False))
        self.editing(False)

    @property
    def is_editing(self) -> bool:
        return self.pages.currentWidget() is self.editor

    def show_markdown(self, shown: str, source: str) -> None:
        """Render ``shown``; ``source`` is what Edit will offer to change."""
        self.text.setMarkdown(shown)
        self.source = source

    def editing(self, on: bool) -> None:
        self.pages.setCurrentWidget(self.editor if on else self.text)
        self.edit_button.setVisible(not on)
        self.save_button.setVisible(on)
        self.cancel_button.setVisible(on)

    def edit(self) -> None:
        self.editor.setPlainText(self.source)
        self.note.setText("")
        self.editing(True)
        self.editor.setFocus()

    def save(self) -> None:
        """Store through ``saver``; a refusal keeps the box open and says why."""
        error = self.saver(self.editor.toPlainText())
        if error is not None:
            self.note.setText(f"Not saved: {error}")
            return
        self.editing(False)
        self.note.setText("Saved for everyone on the project")
