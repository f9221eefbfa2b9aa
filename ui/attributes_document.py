"""Document-level attributes (genre, topic) in the article's header, set from the keyboard.

When the project has document attributes, the header shows each with your value for the open
document ("genre=opinion · topic=—", a dash for one not set yet) and a "set…" link; the link and
the action "document_attributes" (Shift+F2) open the same keyboard-only editor as for spans
(ui/attributes.py), and Enter stores every change as one undo step of yours.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any
from weakref import WeakKeyDictionary

from annotator.attributes import DOCUMENT
from annotator.attributes_documents import set_document_value
from annotator.attributes_values import show_value
from annotator.store import Tx
from annotator.undo import Step
from ui.attributes import AttributeEditor
from ui.commands import Command, EditContext, execute
from ui.qt import QLabel, QPalette, Qt, QWidget
from ui.session import DocumentSession

_LINES: WeakKeyDictionary[DocumentSession, DocumentValuesLine] = WeakKeyDictionary()


class DocumentValuesLine(QLabel):
    """A line under the header's byline with the document's values and a link that sets them
    (hidden when the project has no document attributes)."""

    def __init__(
        self, session: DocumentSession, header: QWidget, edit: Callable[[], object] | None = None
    ) -> None:
        super().__init__(header)
        self.session = session
        self.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.LinksAccessibleByMouse
        )
        self.editable = edit is not None
        if edit is not None:
            self.linkActivated.connect(lambda _link: edit())
        layout = header.layout()
        if layout is not None:
            layout.addWidget(self)
        self.plain = ""  # the values as plain text (the label shows them with the link)
        self.setVisible(False)
        session.reset.connect(self.refresh)
        _LINES[session] = self

    def refresh(self) -> None:
        project, doc_id = self.session.project, self.session.doc_id
        if project is None or doc_id is None:
            self.setVisible(False)
            return
        values = project.document_attributes(doc_id)
        names = [a.name for a in project.attribute_defs() if a.scope == DOCUMENT]
        names += [name for name in values if name not in names]  # a value whose attribute is gone
        self.plain = "  ·  ".join(
            f"{name}={show_value(values[name]) if name in values else '—'}" for name in names
        )
        link = '  ·  <a href="#set">set…</a> (Shift+F2)' if self.editable and names else ""
        self.setText(html.escape(self.plain) + link)
        self.setVisible(bool(names))


class SetDocumentAttributes(Command):
    """Every change the editor confirmed on the open document, as one undo step."""

    def __init__(self, ctx: EditContext, doc_id: int, changes: dict[str, Any]) -> None:
        super().__init__(ctx, doc_id, f"Set {', '.join(changes)} of the document")
        self.changes = changes

    def spans_named(self) -> Any:
        return None  # the whole layer's scope: the undo log then reads the document's values too

    def perform(self, tx: Tx) -> None:
        for name, value in self.changes.items():
            set_document_value(tx, self.doc_id, self.ctx.project.annotator_id, name, value)

    def show(self, step: Step, undo: bool) -> None:
        super().show(step, undo)
        line = _LINES.get(self.ctx.session)
        if line is not None and self.live:
            line.refresh()


def edit_document_attributes(ctx: EditContext, stack: Any, parent: QWidget) -> AttributeEditor | None:
    """Open the editor on the open document's attributes (window-modal); None when the project
    has none (the status bar says how to add one)."""
    doc_id = ctx.session.doc_id
    if doc_id is None:
        return None
    attributes = [a for a in ctx.project.attribute_defs() if a.scope == DOCUMENT]
    if not attributes:
        ctx.report("The project has no document attributes (annotator attributes add-document NAME --type …)")
        return None
    editor = AttributeEditor(
        "Document attributes", attributes, ctx.project.document_attributes(doc_id), parent
    )
    editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def save() -> None:
        if editor.changes:
            execute(stack, SetDocumentAttributes(ctx, doc_id, editor.changes))

    editor.accepted.connect(save)
    editor.open()
    return editor
