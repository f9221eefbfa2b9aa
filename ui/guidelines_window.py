"""F1: the project's guidelines first (with every label's and relation type's description), the
key list second, so opening help never hides how to annotate nor which key does what.

The guidelines are the project's markdown document (``annotator guidelines set FILE`` or Edit
here); Save stores it for the whole team (``annotator.settings_project.set_guidelines``).
"""

from __future__ import annotations

from annotator.settings_project import set_guidelines
from ui.guidelines_page import MarkdownPage
from ui.guidelines_text import entries
from ui.help import keys_note, keys_table
from ui.project import ProjectContext
from ui.project_steps import run_project_step
from ui.qt import QDialog, QDialogButtonBox, QTabWidget, QVBoxLayout, QWidget

NO_GUIDELINES = (
    "*This project has no guidelines document yet.* Edit to write one here, or run "
    "`annotator guidelines set FILE`."
)


def document(project: ProjectContext | None, text: str) -> str:
    """The markdown the Guidelines tab shows: the project's text, then each schema item's."""
    parts = [text.strip() or NO_GUIDELINES]
    items = entries(project)
    if items:
        parts.append("---\n\n## Labels and relations")
        for item in items:
            kind = " (relation)" if item.kind == "relation" else ""
            parts.append(f"### {item.title}{kind}\n\n{item.markdown.strip() or '*No description yet.*'}")
    return "\n\n".join(parts) + "\n"


class GuidelinesWindow(QDialog):
    def __init__(self, project: ProjectContext | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("guidelines_window")
        self.setWindowTitle("Guidelines and keys" + (f" — {project.name}" if project else ""))
        self.project = project
        self.tabs = QTabWidget(self)
        self.page = MarkdownPage(self._save, "&Edit guidelines", self)
        self.text, self.editor = self.page.text, self.page.editor
        self.edit_button, self.save_button = self.page.edit_button, self.page.save_button
        self.edit_button.setEnabled(project is not None)
        self.page.cancel_button.clicked.connect(self.reload)
        self.tabs.addTab(self.page, "&Guidelines")
        keys = QWidget(self)
        keys_layout = QVBoxLayout(keys)
        self.keys = keys_table(project, keys)
        keys_layout.addWidget(self.keys)
        keys_layout.addWidget(keys_note(keys))
        self.tabs.addTab(keys, "&Keys")
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(close)
        self.reload()
        self.resize(760, 620)

    def reload(self) -> None:
        """Show the guidelines as stored now (a teammate may have changed them)."""
        source = self.project.guidelines() if self.project is not None else ""
        self.page.show_markdown(document(self.project, source), source)

    def _save(self, text: str) -> str | None:
        """Store the document for everyone (the error message when refused)."""
        if self.project is None:
            return "no project is open"
        project = self.project
        refused = run_project_step(
            self, project, "Edit the guidelines", lambda tx: set_guidelines(tx, project.id, text)
        )
        if refused is not None:
            return refused
        self.reload()
        return None


def show_guidelines(parent: QWidget, project: ProjectContext | None) -> GuidelinesWindow:
    """Open (or bring forward) the window, on its Guidelines tab; it stays open beside the work."""
    window = parent.findChild(GuidelinesWindow, "guidelines_window")
    if window is None or window.project is not project:
        if window is not None:  # another project's: replaced
            window.setObjectName("")
            window.deleteLater()
        window = GuidelinesWindow(project, parent)
    elif not window.page.is_editing:
        window.reload()
    window.tabs.setCurrentIndex(0)
    window.show()
    window.raise_()
    window.activateWindow()
    return window
