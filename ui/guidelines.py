"""The Guidelines dock: the guideline of the selected span's label, in full, where the work is.

It follows the span selected in the article (or the span list); the chooser shows any label or
relation type instead. Edit turns the text into a markdown box; Save stores the description
through the core operation (``annotator.ops.labels.describe``) as an undo step, audited, so teammates' apps show
it on their next refresh. The project's guidelines document opens with F1 (ui/guidelines_window).
"""

from __future__ import annotations

from collections.abc import Callable

from annotator.attributes import describe_attribute
from annotator.ops.labels import describe
from annotator.store import Tx
from ui.article.index import LABEL
from ui.guidelines_page import MarkdownPage
from ui.guidelines_text import Entry, entries
from ui.project_steps import run_project_step
from ui.qt import QComboBox, QPushButton, QVBoxLayout, QWidget
from ui.session import DocumentSession

EMPTY = "*No description yet.* Edit to write one: what the label covers, and examples."


class GuidelinesPanel(QWidget):
    def __init__(
        self,
        session: DocumentSession,
        parent: QWidget | None = None,
        open_all: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("guidelines_panel")
        self.session = session
        self.items: list[Entry] = []
        self.chooser = QComboBox(self)
        self.chooser.setToolTip("Whose guideline to show (follows the selected span)")
        self.page = MarkdownPage(self._save, parent=self)
        self.text, self.editor = self.page.text, self.page.editor
        self.edit_button, self.save_button = self.page.edit_button, self.page.save_button
        self.all_button = QPushButton("All guidelines (F1)", self)
        self.page.buttons.addWidget(self.all_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.chooser)
        layout.addWidget(self.page, 1)
        self.chooser.currentIndexChanged.connect(lambda _i: self._show())
        self.page.edit_button.clicked.connect(lambda: self.chooser.setEnabled(False))
        self.page.cancel_button.clicked.connect(self._done_editing)
        self.all_button.clicked.connect(lambda: open_all() if open_all is not None else None)
        session.selectionChanged.connect(self.follow)

    @property
    def current(self) -> Entry | None:
        i = self.chooser.currentIndex()
        return self.items[i] if 0 <= i < len(self.items) else None

    def refresh(self) -> None:
        """Re-read the schema's entries (after a schema change), keeping the one shown."""
        keep = self.current
        self.items = entries(self.session.project)
        self.chooser.blockSignals(True)
        self.chooser.clear()
        for item in self.items:
            self.chooser.addItem(item.title + ("  (relation)" if item.kind == "relation" else ""))
        keys = [(e.kind, e.id) for e in self.items]
        wanted = (keep.kind, keep.id) if keep is not None else None
        self.chooser.setCurrentIndex(keys.index(wanted) if wanted in keys else 0 if keys else -1)
        self.chooser.blockSignals(False)
        if not self.page.is_editing:
            self._show()

    def follow(self, span_id: object) -> None:
        """Show the guideline of the selected span's label (nothing selected: keep what is shown)."""
        span = self.session.span(span_id) if isinstance(span_id, int) else None
        if span is None or self.page.is_editing:
            return
        if ("label", span[LABEL]) not in [(e.kind, e.id) for e in self.items]:
            self.refresh()
        keys = [(e.kind, e.id) for e in self.items]
        if ("label", span[LABEL]) in keys:
            self.chooser.setCurrentIndex(keys.index(("label", span[LABEL])))

    _stale = False  # the chooser moved while the page was out of sight: render when seen
    _on_screen = True  # False while its dock is closed or behind another tab (``seen``)

    def seen(self, visible: bool) -> None:
        """The dock's ``visibilityChanged``: a tabbed dock behind another tab is moved out of
        sight, not hidden, so only the dock knows whether the page can be seen."""
        self._on_screen = visible
        if visible and self._stale and not self.page.is_editing:
            self._show()

    def _show(self) -> None:
        if not self._on_screen:  # no markdown rendered inside every edit's keystroke for nobody
            self._stale = True
            return
        self._stale = False
        item = self.current
        markdown = item.markdown if item is not None else ""
        self.page.show_markdown((markdown.strip() or EMPTY) if item is not None else "", markdown)
        self.page.note.setText("")

    def _done_editing(self) -> None:
        self.chooser.setEnabled(True)
        self._show()

    def _save(self, text: str) -> str | None:
        item, project = self.current, self.session.project
        if item is None or project is None:
            return "no label chosen"

        def edit(tx: Tx) -> None:
            if item.kind == "attribute":  # QUOTE.type: the codebook's definition
                describe_attribute(tx, item.id, text)
            else:
                describe(tx, project.id, item.title, text, relation=item.kind == "relation")

        refused = run_project_step(self, project, f"Describe {item.title}", edit)  # Ctrl+Z takes it back
        if refused is not None:
            return refused
        project.reload_schema()
        self.chooser.setEnabled(True)
        self.refresh()
        self._show()
        return None
