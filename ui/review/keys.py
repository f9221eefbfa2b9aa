"""What keys and clicks mean in the review view: in the annotators' panes and the disagreement list
(walk, accept, reject) and in the gold pane (edit gold with the main window's keys).

Both handlers follow the article view's ``KeyHandler`` protocol; ``REVIEW_KEYS`` feeds Help ▸ Keys.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from annotator.text import snap_to_words
from ui.annotate import step_edge
from ui.article.index import ANNOTATOR, END, ID, LABEL, START
from ui.qt import QInputDialog, QKeyEvent, Qt, QWidget
from ui.review.panes import ReviewPaneView

if TYPE_CHECKING:
    from ui.project import ProjectContext
    from ui.review.target import ReviewTarget

REVIEW_KEYS: list[tuple[str, str]] = [
    (
        "F8 / Shift+F8",
        "Review: next / previous disagreement (also N / P in the list and the annotators' panes)",
    ),
    (
        "1–9",
        "Review: accept annotator 1–9's version of the current disagreement (replaces other versions in gold)",
    ),
    ("Enter", "Review: accept the ticked versions, or the span selected in an annotator's pane"),
    (
        "X",
        "Review: reject the ticked versions (or the selected span's, or all of the disagreement), "
        "or the current relation",
    ),
    ("Ctrl+Shift+Return", "Review: accept every span all chosen annotators agree on"),
    (
        "Letter / 1–9 in gold",
        "Review: label the selected text as a gold span, or relabel the selected gold span",
    ),
    ("Delete, Shift+arrows in gold", "Review: delete / resize the selected gold span, as in the article"),
    ("R, then click, in gold", "Review: link the selected gold span to the gold span you click"),
    ("Ctrl+H", "History of the selected span: who changed it, when, and how"),
    ("Ctrl+1 / Ctrl+2", "Switch to annotating / to reviewing"),
]


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
        key, text = event.key(), event.text().lower()
        if not _plain(event):
            return False
        review = self.review
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            review.accept_current()
            return True
        if key == Qt.Key.Key_Escape and self.view is not None:
            self.view.session.select(None)
            return True
        if text == "n":
            review.walk(1)
            return True
        if text == "p":
            review.walk(-1)
            return True
        if text == "x":
            review.reject_current()
            return True
        if len(text) == 1 and text.isdigit() and text != "0":
            review.accept_annotator(int(text) - 1)
            return True
        return False

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
        assert self.view is not None
        view, review = self.view, self.review
        session = view.session
        key = event.key()
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        shift = Qt.KeyboardModifier.ShiftModifier
        selected = session.span(session.selected)
        if key == Qt.Key.Key_Escape and mods == Qt.KeyboardModifier.NoModifier:
            if self.link_from is not None:
                self._linking(None)
                review.message.emit("Linking cancelled")
                return True
            if selected is not None:
                session.select(None)
                return True
            return False
        if key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            step = -1 if key == Qt.Key.Key_Backtab or mods & shift else 1
            nxt = session.index.neighbour(session.selected, view.caret_cp(), step)
            if nxt is not None:
                session.select(nxt[ID])
                view.scroll_to(nxt[START], nxt[END])
            return True
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and mods == Qt.KeyboardModifier.NoModifier:
            if selected is not None:
                review.delete_gold(selected)
            return True
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right) and mods & shift and selected is not None:
            start_edge = bool(mods & (Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ControlModifier))
            edge = "start" if start_edge else "end"
            step = 1 if key == Qt.Key.Key_Right else -1
            start, end = step_edge(session.text, selected[START], selected[END], edge, step, True)
            if (start, end) != (selected[START], selected[END]):
                review.resize_gold(selected, start, end)
            return True
        text = event.text()
        if text.lower() == "r" and mods == Qt.KeyboardModifier.NoModifier and view.selection_cp() is None:
            if selected is None:
                review.message.emit("Select a gold span first (click it or Tab to it), then press R")
            else:
                self._linking(selected[ID])
                review.message.emit("Now click the gold span to link to (Esc cancels)")
            return True
        if _plain(event) and len(text) == 1 and text.isalnum():
            project = session.project
            label = project.label_for_key(text) if project else None
            if label is None:
                return False
            selection = view.selection_cp()
            if selection is not None:
                start, end = snap_to_words(session.text, *selection)
                if start < end:
                    review.create_gold(start, end, label.id)
            elif selected is not None and selected[LABEL] != label.id:
                review.relabel_gold(selected, label.id)
            return True
        return False

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
