"""Open flags for discussion in the review view: a short list above the disagreements; a click
scrolls every pane to the flagged span and selects it in its annotator's pane."""

from __future__ import annotations

from typing import Protocol

from annotator.comment_reads import CommentRow
from ui.article.index import END, START
from ui.project import ProjectContext
from ui.qt import QListWidget, QWidget, SignalInstance
from ui.review.panes import ReviewPane, ScrollSync


class FlagHost(Protocol):
    """The review view as the list sees it (naming it would import the view from its own part)."""

    panes: list[ReviewPane]
    gold: ReviewPane
    scroll: ScrollSync
    message: SignalInstance


class FlagList(QListWidget):
    """The document's open flags (hidden while there are none)."""

    def __init__(self, view: FlagHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("review_flags")
        self.view = view
        self.rows: list[CommentRow] = []
        self.setMaximumHeight(96)
        self.setToolTip("Flags for discussion on this document: click one to see it in the panes")
        self.itemClicked.connect(lambda item: self.jump(self.rows[self.row(item)]))
        self.hide()

    def show_for(self, project: ProjectContext | None, doc_id: int | None) -> None:
        rows = (
            []
            if project is None or doc_id is None
            else project.comments(open_only=True, document_ids=[doc_id], kind="flag")
        )
        self.rows = [r for r in rows if r.parent_id is None]
        self.clear()
        for r in self.rows:
            replies = sum(1 for x in rows if x.parent_id == r.id)
            more = f" ({replies} repl{'y' if replies == 1 else 'ies'})" if replies else ""
            where = r.note or {"span": f"span {r.span_id}", "relation": f"relation {r.relation_id}"}.get(
                r.target, "the document"
            )
            self.addItem(f"⚑ {r.text} — {r.author}, on {where}{more}")
            thread = [x.text for x in rows if x.id == r.id or x.parent_id == r.id]
            self.item(self.count() - 1).setToolTip("\n".join(thread))
        self.setVisible(bool(self.rows))

    def jump(self, row: CommentRow) -> None:
        view = self.view
        span_id = row.span_id if row.target == "span" else None
        for pane in [*view.panes, view.gold]:
            if row.target == "relation":
                link = next((r for r in pane.session.relations.values() if r.id == row.relation_id), None)
                span_id = link.source_id if link is not None else span_id
            span = pane.session.span(span_id)
            if span is not None:
                pane.session.select(span_id)
                view.scroll.reveal(span[START], span[END])
                return
        if span_id is not None or row.note:
            view.message.emit(row.note or "The flagged span is in no pane shown: tick its annotator")
