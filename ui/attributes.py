"""Setting a span's codebook attributes from the keyboard (no mouse needed).

With a span selected, the action "attributes" opens this small editor: ↑/↓ pick the attribute,
number keys (or a choice's first letter) choose, Y/N answer yes/no, typing fills a number or a
text, Delete clears, Enter saves every change as one undo step, Esc leaves nothing changed.
"""

from __future__ import annotations

from typing import Any

from annotator.attributes import AttributeInfo
from annotator.attributes_values import check_value, parse_value, set_value, show_value
from annotator.errors import AnnotatorError
from annotator.store import Tx
from ui.article.index import ID, LABEL
from ui.commands import Command, EditContext, execute
from ui.qt import (
    QDialog,
    QEvent,
    QKeyEvent,
    QLabel,
    QLineEdit,
    QListWidget,
    QObject,
    Qt,
    QVBoxLayout,
    QWidget,
)

_YES = {Qt.Key.Key_Y: True, Qt.Key.Key_N: False}
_PASSED = {Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape}


class AttributeEditor(QDialog):
    """The keyboard-only editor; ``changes`` holds what Enter confirmed (name → value or None)."""

    def __init__(
        self,
        title: str,
        attributes: list[AttributeInfo],
        values: dict[str, Any],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.attributes = attributes
        self.values = dict(values)
        self.original = dict(values)
        self.changes: dict[str, Any] = {}
        self.list = QListWidget(self)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # every key is the editor's (no type-ahead)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.edit = QLineEdit(self)
        self.edit.installEventFilter(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addWidget(self.edit)
        layout.addWidget(self.hint)
        for _attr in attributes:
            self.list.addItem("")
        self._redraw()
        self.list.currentRowChanged.connect(lambda _row: self._show_row())
        self.list.setCurrentRow(0)
        self._show_row()

    @property
    def current(self) -> AttributeInfo:
        return self.attributes[max(0, self.list.currentRow())]

    def _redraw(self) -> None:
        for row, attr in enumerate(self.attributes):
            value = self.values.get(attr.name)
            shown = "—" if value is None else show_value(value)
            item = self.list.item(row)
            item.setText(f"{attr.name}: {shown}")
            item.setToolTip(attr.description)

    def _show_row(self, error: str = "") -> None:
        attr = self.current
        typed = attr.kind in ("number", "text")
        self.edit.setVisible(typed)
        if typed:
            value = self.values.get(attr.name)
            self.edit.setText("" if value is None else str(value))
            self.edit.setFocus()
        else:
            self.setFocus()
        if attr.kind in ("choice", "multi"):
            keys = "  ".join(f"{i + 1} {c}" for i, c in enumerate(attr.choices))
            how = "toggle" if attr.kind == "multi" else "choose"
            hint = f"{keys}\nnumber or first letter: {how}; Del: clear"
        elif attr.kind == "bool":
            hint = "Y yes  N no; Del: clear"
        else:
            hint = f"type a {'number' if attr.kind == 'number' else 'short text'}; empty: clear"
        guideline = f"{attr.description}\n" if attr.description else ""
        self.hint.setText(f"{error}\n{guideline}{hint}" if error else f"{guideline}{hint}")

    def _take_text(self) -> bool:
        """The line edit's text as the current attribute's value; False (and why) when it is not one."""
        attr = self.current
        if attr.kind not in ("number", "text"):
            return True
        text = self.edit.text().strip()
        try:
            self.values[attr.name] = parse_value(attr, text) if text else None
        except AnnotatorError as exc:
            self._show_row(str(exc))
            self.edit.setText(text)
            return False
        self._redraw()
        return True

    def _choose(self, event: QKeyEvent) -> bool:
        attr, key, text = self.current, event.key(), event.text().lower()
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.values[attr.name] = None
        elif attr.kind == "bool" and key in _YES:
            self.values[attr.name] = _YES[Qt.Key(key)]
        elif attr.kind in ("choice", "multi") and text:
            index = (
                int(text) - 1
                if text.isdigit()
                else next((i for i, c in enumerate(attr.choices) if c.lower().startswith(text)), -1)
            )
            if not 0 <= index < len(attr.choices):
                return False
            choice = attr.choices[index]
            if attr.kind == "choice":
                self.values[attr.name] = choice
            else:
                chosen = set(self.values.get(attr.name) or [])
                chosen ^= {choice}
                self.values[attr.name] = check_value(attr, sorted(chosen)) if chosen else None
        else:
            return False
        self._redraw()
        return True

    def _move(self, step: int) -> None:
        if self._take_text():
            self.list.setCurrentRow(max(0, min(self.list.count() - 1, self.list.currentRow() + step)))

    def _confirm(self) -> None:
        if not self._take_text():
            return
        self.changes = {
            a.name: self.values.get(a.name)
            for a in self.attributes
            if self.values.get(a.name) != self.original.get(a.name)
        }
        self.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self._move(-1 if key == Qt.Key.Key_Up else 1)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._confirm()
        elif key == Qt.Key.Key_Escape:
            self.reject()
        elif not self._choose(event):
            super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """In the line edit, ↑/↓, Enter and Esc still move, confirm and cancel."""
        if (
            watched is self.edit
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in _PASSED
        ):
            self.keyPressEvent(event)
            return True
        return super().eventFilter(watched, event)


class SetAttributes(Command):
    """Every change the editor confirmed, as one undo step on one span."""

    def __init__(self, ctx: EditContext, doc_id: int, span_id: int, changes: dict[str, Any]) -> None:
        names = ", ".join(changes)
        super().__init__(ctx, doc_id, f"Set {names} of span {span_id}")
        self.span_id, self.changes = span_id, changes

    def spans_named(self) -> tuple[int, ...]:
        return (self.span_id,)

    def perform(self, tx: Tx) -> None:
        for name, value in self.changes.items():
            set_value(tx, "span", self.span_id, name, value)


def edit_span_attributes(ctx: EditContext, stack: Any, parent: QWidget) -> AttributeEditor | None:
    """Open the editor on the selected span (window-modal; None: no span, or its label has no
    attributes, and the status bar says which). What Enter confirms is saved as one undo step."""
    session = ctx.session
    span = session.span(session.selected)
    doc_id = session.doc_id
    if span is None or doc_id is None:
        ctx.report("Select a span first (Tab walks the spans)")
        return None
    label = ctx.project.label(span[LABEL])
    attributes = [a for a in ctx.project.attribute_defs() if a.scope == "label" and a.owner_id == span[LABEL]]
    name = label.name if label else "?"
    if not attributes:
        ctx.report(f"{name} has no attributes (annotator attributes add {name} NAME --type …)")
        return None
    values = ctx.project.span_attributes(doc_id, [span[ID]]).get(span[ID], {})
    editor = AttributeEditor(f"{name} attributes", attributes, values, parent)
    editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def save() -> None:
        if editor.changes:
            execute(stack, SetAttributes(ctx, doc_id, span[ID], editor.changes))

    editor.accepted.connect(save)
    editor.open()
    return editor
