"""Keyboard-first annotating: what each key and click in the article means.

The controller turns intents (label this, relabel that, grow, walk, link) into undo commands; the
view only reports keys, clicks and positions. Every key it handles comes from the action table
(ui/actions.py), as do the menus and Help ▸ Keys, so they cannot drift apart.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from annotator.model import DocStatus
from ui.actions import keymap
from ui.article.index import END, ID, LABEL, START
from ui.article.view import ArticleView
from ui.attribute_keys import AttributeKeys
from ui.commands import CreateRelation, CreateSpans, DeleteSpans, EditContext, SetStatus, UpdateSpan, execute
from ui.edges import step_edge
from ui.fragments import add_part, label_gathered, remove_part
from ui.guidelines_text import tip
from ui.pending import when_unreachable_say_so
from ui.qt import QInputDialog, QKeyEvent, QMessageBox, QObject, Qt, QUndoStack, Signal
from ui.sparing_delete import SparingDelete
from ui.suggest_layer import SuggestionLayer


class AnnotationController(AttributeKeys, QObject):
    message = Signal(str)

    def __init__(
        self, view: ArticleView, stack: QUndoStack, context: Callable[[], EditContext | None]
    ) -> None:
        super().__init__(view)
        self.view = view
        self.session = view.session
        self.stack = stack
        self._context = context
        self.snap = True
        self.relation_source: int | None = None
        self._confirm_delete: int | None = None  # span whose deletion takes a teammate's link
        view.keys = self
        self.suggestions = SuggestionLayer(view, stack, context)  # Enter/X/Tab on suggestions
        self.suggestions.message.connect(self.message)
        self.session.selectionChanged.connect(self._forget_delete)
        self.session.spansChanged.connect(self._spans_changed)

    # The window's comments (ui.comments_edit.Comments): M and F in the article reach it.
    comments: Any = None

    # The window's actor picker (ui.actors_tagging.ActorTagging): asks which actor an ACTOR span names.
    actors: Any = None

    def tag_actor(self) -> bool:
        return bool(self.actors is not None and self.actors.pick())

    def comment(self) -> bool:
        return bool(self.comments is not None and self.comments.comment())

    def flag(self) -> bool:
        return bool(self.comments is not None and self.comments.flag())

    # --- keys and clicks (the view asks) --------------------------------------------------------

    @when_unreachable_say_so
    def handle_key(self, event: QKeyEvent) -> bool:
        """A label's key labels (it wins over R and O); other keys are the action table's."""
        if self.session.doc is None:
            return False
        self.session.ensure_complete()
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        text = event.text()
        if mods in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
            project = self.session.project
            label = project.label_for_key(text) if project and len(text) == 1 and text.isalnum() else None
            if label is not None:
                self.apply_label(label.id)
                return True
        spec = keymap().find("annotate", event)
        return spec is not None and bool(getattr(self, spec.method)(*spec.args))

    @when_unreachable_say_so
    def handle_click(self, cp: int | None) -> bool:
        self.session.ensure_complete()
        if self.relation_source is not None:
            self.finish_relation(cp)
            return True
        spans = self.session.index.at(cp) if cp is not None else []
        if not spans:
            self.session.select(None)
            return cp is not None and self.suggestions.select_at(cp)
        ids = [s[ID] for s in spans]
        if self.session.selected in ids:
            self.session.select(ids[(ids.index(self.session.selected) + 1) % len(ids)])
        else:
            self.session.select(ids[0])
        return True

    def tooltip(self, cp: int) -> str:
        session = self.session
        project = session.project
        if project is None:
            return ""
        lines = []
        for span in session.index.at(cp):
            detail = session.detail(span[ID])
            label = project.label(span[LABEL])
            name = html.escape(label.name if label else "?")
            line = f"<b>{name}</b>"
            if detail is not None:
                when = detail.updated_at or detail.created_at
                line += f" · {html.escape(detail.annotator)} · {when:%d %b %Y, %H:%M}"
                if detail.version > 1:
                    line += f" (edited, v{detail.version})"
            line += self.actors.tooltip_line(span[ID]) if self.actors is not None else ""
            line += tip(label.description) if label is not None else ""  # the label's guideline, short
            for rel in session.relations_of_span(span[ID]):
                kind = project.relation_type(rel.type_id)
                other = session.span(rel.target_id if rel.source_id == span[ID] else rel.source_id)
                arrow = "→" if rel.source_id == span[ID] else "←"
                if other is not None and kind is not None:
                    snippet = html.escape(_clip(session.span_text(other), 40))
                    line += f"<br>&nbsp;&nbsp;{arrow} {html.escape(kind.name)}: “{snippet}”"
            lines.append(line)
        return "<br>".join(lines + self.suggestions.tooltip_lines(cp))

    # --- intents ------------------------------------------------------------------------------

    def _forget_delete(self, _span: object = None) -> None:
        self._confirm_delete = None

    def _ctx(self) -> EditContext | None:
        self.session.ensure_complete()
        ctx = self._context()
        if ctx is None or self.session.doc is None:
            return None
        return ctx

    def apply_label(self, label_id: int) -> None:
        """Label the selected text, or relabel the selected span when no text is selected."""
        ctx = self._ctx()
        if ctx is None:
            return
        selection = self.view.selection_cp()
        if self.view.parts.gathering:  # Ctrl+dragged parts: the label makes one span of them
            label_gathered(self, ctx, label_id, selection)
            return
        span = self.session.span(self.session.selected)
        if selection is None:
            if span is None:
                self.message.emit(
                    "Select some text first (mouse or Shift+arrows), then press the label's key"
                )
            elif span[LABEL] != label_id:
                name = self._label_name(label_id)
                execute(
                    self.stack,
                    UpdateSpan(
                        ctx, ctx.session.doc_id or 0, span, label_id=label_id, text=f"Relabel as {name}"
                    ),
                )
            return
        start, end = self._snap(*selection, label_id)
        if start >= end:
            self.message.emit("Nothing to label there: the selection holds only spaces or punctuation")
            return
        existing = self._existing(start, end, label_id)
        if existing is not None:
            self.session.select(existing)
            self.message.emit("That span is labelled already")
            return
        if not self._across_paragraphs_ok(start, end, label_id):
            return
        command = CreateSpans(
            ctx, self.session.doc_id or 0, [(start, end)], label_id, f"Label {self._label_name(label_id)}"
        )
        if execute(self.stack, command):
            self.view.place_caret(end)
            self.session.select(command.ids[0])
            if self.actors is not None:
                self.actors.created(command.ids[0])  # an ACTOR span: which actor? (the picker)
        elif command.waiting:  # drawn dashed until saved: the selection no longer hides it
            self.view.place_caret(end)

    def label_all(self, ranges: list[tuple[int, int]], label_id: int) -> int:
        """Label every range (find hits) not labelled so already; one undo step. Returns the count."""
        ctx = self._ctx()
        if ctx is None:
            return 0
        wanted: list[tuple[int, int]] = []
        for found in ranges:
            start, end = self._snap(*found, label_id)
            if start < end and (start, end) not in wanted and self._existing(start, end, label_id) is None:
                wanted.append((start, end))
        if not wanted:
            self.message.emit("Every occurrence is labelled already")
            return 0
        name = self._label_name(label_id)
        command = CreateSpans(
            ctx, self.session.doc_id or 0, wanted, label_id, f"Label {len(wanted)} × {name}"
        )
        return len(wanted) if execute(self.stack, command) else 0

    def delete_selected(self) -> bool:
        ctx = self._ctx()
        span = self.session.span(self.session.selected)
        if ctx is None or span is None:
            return False
        confirmed, self._confirm_delete = self._confirm_delete == span[ID], None
        name, doc_id = self._label_name(span[LABEL]), self.session.doc_id or 0
        if confirmed:
            execute(self.stack, DeleteSpans(ctx, doc_id, [span[ID]], f"Delete {name}"))
            return True
        command = SparingDelete(ctx, doc_id, [span[ID]], f"Delete {name}", name)
        execute(self.stack, command)  # a teammate's link on it: refused, asking for a second Delete
        if command.others:
            self._confirm_delete = span[ID]
        return True

    def resize_selected(self, edge: str, direction: int) -> bool:
        """Shift+arrows: move an edge of the selected span; without one the key extends the text
        selection as usual (False: not handled)."""
        return self.session.selected is not None and self.resize(edge, direction)

    def resize(self, edge: str, direction: int) -> bool:
        ctx = self._ctx()
        span = self.session.span(self.session.selected)
        if ctx is None or span is None:
            return False
        start, end = step_edge(self.session.text, span[START], span[END], edge, direction, self.snap)
        if (start, end) != (span[START], span[END]):
            execute(
                self.stack,
                UpdateSpan(ctx, self.session.doc_id or 0, span, start=start, end=end, text="Resize span"),
            )
        return True

    def walk(self, step: int) -> bool:
        """Tab: the next span or suggestion, whichever comes first in the text."""
        index = self.session.index
        nxt = index.neighbour(self.session.selected, self.view.caret_cp(), step)
        here = self.session.span(self.session.selected)
        at = here[START] if here is not None else self.view.caret_cp()
        if self.suggestions.walk(step, at, here is not None, None if nxt is None else nxt[START]):
            return True
        self.suggestions.select(None, reveal=False)
        if nxt is None:
            nxt = index.order[0 if step > 0 else -1] if index.order else None
        if nxt is None:
            return True
        self.session.select(nxt[ID])
        self.view.place_caret(nxt[START])
        self.view.scroll_to(nxt[START], nxt[END])
        return True

    def cycle(self) -> bool:
        selected = self.session.span(self.session.selected)
        cp = self.view.caret_cp() if selected is None else selected[START]
        spans = (
            self.session.index.at(cp)
            if selected is None
            else self.session.index.overlapping(selected[START], selected[END])
        )
        spans.sort(key=lambda s: (s[END] - s[START], s[START], s[ID]))
        if not spans:
            self.message.emit("No span at the cursor")
            return True
        ids = [s[ID] for s in spans]
        current = self.session.selected
        self.session.select(ids[(ids.index(current) + 1) % len(ids)] if current in ids else ids[0])
        return True

    def accept_suggestion(self) -> bool:
        return self.suggestions.accept_selected()

    def reject_suggestion(self) -> bool:
        return self.suggestions.reject_selected()

    def accept_suggestions_above(self) -> bool:
        return self.session.doc is not None and self.suggestions.accept_above()

    def escape(self) -> bool:
        if self.view.parts.gathering:
            self.view.parts.gathering = []
            self.view.viewport().update()
            self.message.emit("Parts dropped")
            return True
        if self.suggestions.selected is not None:
            self.suggestions.select(None, reveal=False)
            return True
        if self.relation_source is not None:
            self.cancel_relation()
            self.message.emit("Linking cancelled")
            return True
        if self.session.selected is not None:
            self.session.select(None)
            return True
        if self.view.textCursor().hasSelection():
            self.view.place_caret(self.view.caret_cp())
            return True
        return False

    # --- multi-part spans (ui/fragments.py) ------------------------------------------------------

    def add_part(self) -> bool:
        """Ctrl+drag, or its key: the selected text becomes one more part of the selected span;
        with no span selected, a part of the span the next label key makes (drawn dashed)."""
        return add_part(self)

    def remove_part(self) -> bool:
        """Take the part under the caret out of the selected multi-part span."""
        return remove_part(self)

    # --- relations ----------------------------------------------------------------------------

    def begin_relation(self) -> bool:
        if self.session.selected is None:
            self.message.emit("Select a quote or claim first (click it or Tab to it), then press R")
            return True
        self.relation_source = self.session.selected
        self.view.pending_source = self.relation_source
        self.view.viewport().setCursor(Qt.CursorShape.CrossCursor)
        self.view.viewport().update()
        self.message.emit("Now click the actor to link to (Esc cancels)")
        return True

    def _spans_changed(self, _delta: object) -> None:
        """A teammate deleted the span being linked: end the gesture and say why."""
        if self.relation_source is not None and self.relation_source not in self.session.index.spans:
            self.cancel_relation()
            self.message.emit("Linking cancelled: the span was deleted meanwhile")

    def cancel_relation(self) -> None:
        self.relation_source = None
        self.view.pending_source = None
        self.view.viewport().setCursor(Qt.CursorShape.IBeamCursor)
        self.view.viewport().update()

    def finish_relation(self, cp: int | None) -> None:
        source = self.relation_source
        self.cancel_relation()
        ctx = self._ctx()
        if ctx is None or source is None or cp is None:
            return
        for target in self.session.index.at(cp):
            if target[ID] == source:
                continue
            for a, b in ((source, target[ID]), (target[ID], source)):
                types = self.session.fitting_types(a, b)
                if types:
                    type_id = self._choose_type(types)
                    if type_id is not None:
                        name = self._type_name(type_id)
                        execute(
                            self.stack,
                            CreateRelation(ctx, self.session.doc_id or 0, a, b, type_id, f"Link ({name})"),
                        )
                        self.session.select(source)
                    return
        self.message.emit("No relation type fits these two spans (e.g. QUOTE → ACTOR: speaker)")

    def _choose_type(self, types: list[int]) -> int | None:
        if len(types) == 1:
            return types[0]
        names = [self._type_name(t) for t in types]
        choice, ok = QInputDialog.getItem(
            self.view, "Relation type", "Several relation types fit:", names, 0, False
        )
        return types[names.index(choice)] if ok else None

    # --- document status ----------------------------------------------------------------------

    def toggle_done(self) -> None:
        ctx = self._ctx()
        doc = self.session.doc
        if ctx is None or doc is None:
            return
        status = DocStatus.IN_PROGRESS if doc.status == DocStatus.DONE.value else DocStatus.DONE
        if execute(self.stack, SetStatus(ctx, doc.id, status)):  # Ctrl+Z takes it back
            self.message.emit(f"Marked {status.value}")

    # --- project rules ------------------------------------------------------------------------

    def _snap(self, start: int, end: int, label_id: int) -> tuple[int, int]:
        """Whole words (unless snapping is off) and, for quotes, the project's quotation-mark rule."""
        return self.session.settings.snap(
            self.session.text, start, end, self._label_name(label_id), words=self.snap
        )

    def _across_paragraphs_ok(self, start: int, end: int, label_id: int) -> bool:
        """A span over several paragraphs is usually a slip of the mouse: the project's rule says
        whether to ask first, allow it or refuse it."""
        paragraphs = sum(1 for part in self.session.text[start:end].splitlines() if part.strip())
        rule = self.session.settings.cross_paragraph
        if paragraphs < 2 or rule == "allow":
            return True
        if rule == "refuse":
            self.message.emit(
                f"The selection runs across {paragraphs} paragraphs; this project labels within one "
                "paragraph (File ▸ Project settings…)"
            )
            return False
        Button = QMessageBox.StandardButton
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Label across paragraphs?",
            f"The selection runs across {paragraphs} paragraphs. Label it as one "
            f"{self._label_name(label_id)} span?",
            Button.Yes | Button.No,
            self.view,
        )
        box.setDefaultButton(Button.No)
        return box.exec() == Button.Yes

    # --- helpers ------------------------------------------------------------------------------

    def _existing(self, start: int, end: int, label_id: int) -> int | None:
        for span in self.session.index.overlapping(start, end):
            if span[START] == start and span[END] == end and span[LABEL] == label_id:
                return span[ID]
        return None

    def _label_name(self, label_id: int) -> str:
        project = self.session.project
        label = project.label(label_id) if project else None
        return label.name if label else "?"

    def _type_name(self, type_id: int) -> str:
        project = self.session.project
        kind = project.relation_type(type_id) if project else None
        return kind.name if kind else "?"


def _clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"
