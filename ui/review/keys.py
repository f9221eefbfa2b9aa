"""What keys and clicks mean in the review view: in the annotators' panes and the disagreement list
(walk, accept, reject) and in the gold pane (edit gold with the main window's keys).

Both handlers follow the article view's ``KeyHandler`` protocol; their keys are the action table's
(contexts ``review`` and ``gold``), which also feeds Help ▸ Keys.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from annotator.text import snap_to_words
from ui.actions import keymap
from ui.article.index import ANNOTATOR, END, ID, LABEL, START
from ui.edges import step_edge
from ui.qt import QInputDialog, QKeyEvent, Qt, QWidget
from ui.review.panes import ReviewPaneView

if TYPE_CHECKING:
    from annotator.queries import SpanTuple
    from ui.project import ProjectContext
    from ui.review.target import ReviewTarget


def choose_type(parent: QWidget, project: ProjectContext | None, types: list[int]) -> tuple[int, str] | None:
    """The relation type to draw: the only one that fits, else the user's choice."""
    names = [(t, kind.name if (kind := project.relation_type(t)) else "?") for t in types] if project else []
    if len(names) == 1:
        return names[0]
    if not names:
        return None
    choice, ok = QInputDialog.getItem(
        parent, "Relation type", "Several relation types fit:", [n for _t, n in names], 0, False
    )
    return next((pair for pair in names if pair[1] == choice), None) if ok else None


def _plain(event: QKeyEvent) -> bool:
    mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    return mods in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier)


class PaneKeys:
    """The annotators' panes and the list: walk and decide, never edit text."""

    def __init__(self, review: ReviewTarget, view: ReviewPaneView | None) -> None:
        self.review = review
        self.view = view

    def handle_key(self, event: QKeyEvent) -> bool:
        spec = keymap().find("review", event)
        if spec is None:
            return False
        if spec.root == "target":
            getattr(self.review, spec.method)(*spec.args)
            return True
        return bool(getattr(self, spec.method)(*spec.args))

    def deselect(self) -> bool:
        if self.view is None:
            return False
        self.view.session.select(None)
        return True

    def handle_click(self, cp: int | None) -> bool:
        if self.view is None:
            return False
        session = self.view.session
        spans = session.index.at(cp) if cp is not None else []
        if not spans:
            session.select(None)
            return False
        ids = [s[ID] for s in spans]
        chosen = ids[(ids.index(session.selected) + 1) % len(ids)] if session.selected in ids else ids[0]
        session.select(chosen)
        self.review.span_clicked(self.view, chosen)
        return True

    def tooltip(self, cp: int) -> str:
        """Label, annotator and review state of each span under the pointer."""
        if self.view is None:
            return ""
        project, states = self.review.project, self.view.pane_session.states
        lines = []
        for span in self.view.session.index.at(cp):
            label = project.label(span[LABEL]) if project else None
            who = project.people.get(span[ANNOTATOR], "?") if project else "?"
            state = states.get(span[ID])
            name = html.escape(label.name if label else "?")
            lines.append(f"<b>{name}</b> · {html.escape(who)}" + (f" · {state.value}" if state else ""))
        return "<br>".join(lines)


class GoldKeys(PaneKeys):
    """The gold pane: label keys, Delete, Shift+arrows, Tab, and R then a click to link, as in
    the main window's article."""

    def __init__(self, review: ReviewTarget, view: ReviewPaneView | None) -> None:
        super().__init__(review, view)
        self.link_from: int | None = None  # R pressed on this gold span: the next click links it

    def _linking(self, source: int | None) -> None:
        assert self.view is not None
        self.link_from = source
        self.view.pending_source = source
        shape = Qt.CursorShape.CrossCursor if source is not None else Qt.CursorShape.IBeamCursor
        self.view.viewport().setCursor(shape)
        self.view.viewport().update()

    def handle_click(self, cp: int | None) -> bool:
        source = self.link_from
        if source is None:
            return super().handle_click(cp)
        assert self.view is not None
        self._linking(None)
        session, review = self.view.session, self.review
        for target in session.index.at(cp) if cp is not None else []:
            if target[ID] == source:
                continue
            for a, b in ((source, target[ID]), (target[ID], source)):
                types = session.fitting_types(a, b)
                if types:
                    kind = choose_type(self.view, session.project, types)
                    if kind is not None:
                        review.link_gold_spans(a, b, *kind)
                    return True
        review.message.emit("No relation type fits these two gold spans (e.g. QUOTE → ACTOR: speaker)")
        return True

    def handle_key(self, event: QKeyEvent) -> bool:
        """The action table's gold keys first (R links unless text is selected), then labels."""
        assert self.view is not None
        spec = keymap().find("gold", event)
        if spec is not None and getattr(self, spec.method)(*spec.args):
            return True
        text = event.text()
        if _plain(event) and len(text) == 1 and text.isalnum():
            view, session = self.view, self.view.session
            project = session.project
            label = project.label_for_key(text) if project else None
            if label is None:
                return False
            selected = session.span(session.selected)
            selection = view.selection_cp()
            if selection is not None:
                start, end = snap_to_words(session.text, *selection)
                if start < end:
                    self.review.create_gold(start, end, label.id)
            elif selected is not None and selected[LABEL] != label.id:
                self.review.relabel_gold(selected, label.id)
            return True
        return False

    def _selected(self) -> SpanTuple | None:
        assert self.view is not None
        return self.view.session.span(self.view.session.selected)

    def escape(self) -> bool:
        if self.link_from is not None:
            self._linking(None)
            self.review.message.emit("Linking cancelled")
            return True
        if self._selected() is not None:
            assert self.view is not None
            self.view.session.select(None)
            return True
        return False

    def walk(self, step: int) -> bool:
        assert self.view is not None
        view, session = self.view, self.view.session
        nxt = session.index.neighbour(session.selected, view.caret_cp(), step)
        if nxt is not None:
            session.select(nxt[ID])
            view.scroll_to(nxt[START], nxt[END])
        return True

    def delete(self) -> bool:
        selected = self._selected()
        if selected is not None:
            self.review.delete_gold(selected)
        return True

    def resize(self, edge: str, step: int) -> bool:
        assert self.view is not None
        selected, text = self._selected(), self.view.session.text
        if selected is None:
            return False  # the key extends the text selection instead
        start, end = step_edge(text, selected[START], selected[END], edge, step, True)
        if (start, end) != (selected[START], selected[END]):
            self.review.resize_gold(selected, start, end)
        return True

    def link(self) -> bool:
        assert self.view is not None
        if self.view.selection_cp() is not None:
            return False  # with text selected, the key is a label's
        selected = self._selected()
        if selected is None:
            self.review.message.emit("Select a gold span first (click it or Tab to it), then press R")
        else:
            self._linking(selected[ID])
            self.review.message.emit("Now click the gold span to link to (Esc cancels)")
        return True

    def tooltip(self, cp: int) -> str:
        assert self.view is not None
        session = self.view.session
        project = session.project
        lines = []
        for span in session.index.at(cp):
            label = project.label(span[LABEL]) if project else None
            sources = self.review.gold_sources(span[ID])
            origin = f"from {', '.join(sources)}" if sources else "drawn by the reviewer"
            lines.append(f"<b>{html.escape(label.name if label else '?')}</b> · gold, {html.escape(origin)}")
        return "<br>".join(lines)
