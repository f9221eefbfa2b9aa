"""Ctrl+F2: a link's codebook values from the keyboard (e.g. the speaker link's "verb" or
"certainty"), as F2 sets a span's. The links are the selected span's whose type has attributes;
with several, a keyboard list asks which one first. One confirmed edit is one undo step."""

from __future__ import annotations

from typing import Any

from annotator.attributes_values import set_value
from annotator.queries import RelationRow
from annotator.store import Tx
from ui.article.index import ID
from ui.attributes import AttributeEditor
from ui.commands import Command, EditContext, execute
from ui.qt import QInputDialog, Qt, QWidget


class SetRelationAttributes(Command):
    """Every change the editor confirmed on one link, as one undo step."""

    def __init__(self, ctx: EditContext, doc_id: int, relation_id: int, changes: dict[str, Any]) -> None:
        super().__init__(ctx, doc_id, f"Set {', '.join(changes)} of link {relation_id}")
        self.relation_id, self.changes = relation_id, changes

    def relations_named(self) -> tuple[int, ...]:
        return (self.relation_id,)

    def perform(self, tx: Tx) -> None:
        for name, value in self.changes.items():
            set_value(tx, "relation", self.relation_id, name, value)


def _describe(ctx: EditContext, link: RelationRow, span_id: int) -> str:
    """ "speaker → 'Elena Varga'": the link's type and the span at its other end."""
    kind = ctx.project.relation_type(link.type_id)
    other = link.target_id if link.source_id == span_id else link.source_id
    span = ctx.session.span(other)
    text = ctx.session.span_text(span) if span is not None else f"span {other}"
    arrow = "→" if link.source_id == span_id else "←"
    return f"{kind.name if kind else '?'} {arrow} {text[:60]!r}"


def edit_relation_attributes(ctx: EditContext, stack: Any, parent: QWidget) -> QWidget | None:
    """Open the editor on a link of the selected span (None: no span, or none of its links has
    attributes, and the status bar says which). With several links, a list asks which first."""
    session = ctx.session
    span = session.span(session.selected)
    doc_id = session.doc_id
    if span is None or doc_id is None:
        ctx.report("Select a span first (Tab walks the spans)")
        return None
    defs = [a for a in ctx.project.attribute_defs() if a.scope == "relation"]
    links = [r for r in session.relations_of_span(span[ID]) if any(a.owner_id == r.type_id for a in defs)]
    if not links:
        ctx.report(
            "None of this span's links has attributes "
            "(annotator attributes add TYPE NAME --type … --relation-type)"
        )
        return None

    def edit(link: RelationRow) -> AttributeEditor:
        mine = [a for a in defs if a.owner_id == link.type_id]
        editor = AttributeEditor(
            f"Link {_describe(ctx, link, span[ID])}", mine, link.attributes or {}, parent
        )
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def save() -> None:
            if editor.changes:
                execute(stack, SetRelationAttributes(ctx, doc_id, link.id, editor.changes))

        editor.accepted.connect(save)
        editor.open()
        return editor

    if len(links) == 1:
        return edit(links[0])
    names = [_describe(ctx, link, span[ID]) for link in links]
    chooser = QInputDialog(parent)
    chooser.setWindowTitle("Which link?")
    chooser.setLabelText("Set the attributes of which link? (↑/↓, Enter)")
    chooser.setComboBoxItems(names)
    chooser.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    chooser.textValueSelected.connect(lambda name: edit(links[names.index(name)]))
    chooser.open()
    return chooser
