"""Comments in the main window: the panel's dock, its keys (M comments, F flags for discussion),
jumping to what a comment is on, and the markers on commented spans.

Adding, replying, resolving and reopening are core steps (``annotator.comments``) in the shared
undo log; ``CommentCommand`` puts each on the window's undo stack like any edit. The panel and
the markers follow the change bus, so a teammate's comment shows up as their labels do.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from annotator import comments as core
from annotator import undo as undo_log
from annotator.comment_reads import CommentRow
from annotator.events import ChangeSet
from annotator.store import Tx
from ui.article.index import END, ID, START
from ui.article.pane import ArticlePane
from ui.commands import EditContext, StepCommand, execute
from ui.comments import CommentsPanel
from ui.project import ProjectContext
from ui.qt import QModelIndex, QObject, QTimer, QUndoStack, QWidget
from ui.session import DocumentSession
from ui.spans import SpanList

FLAG_TEXT = "Flagged for discussion"
Action = Callable[[Tx, int, core.Recorded], None]


class CommentsHost(Protocol):
    project: ProjectContext | None
    session: DocumentSession
    pane: ArticlePane
    spans: SpanList
    stack: QUndoStack

    def edit_context(self) -> EditContext | None: ...

    def open_document(self, doc_id: int | None) -> None: ...

    def report(self, message: str) -> None: ...


class CommentCommand(StepCommand):
    """One comment step on the undo stack: run once by ``execute``, then undone and redone in the
    core log by its id (a step someone else's change conflicts with is refused and named)."""

    def __init__(self, ctx: EditContext, doc_id: int, title: str, action: Action, named: Sequence[int] = ()):
        super().__init__(doc_id, title)
        self.ctx: EditContext = ctx
        self.action = action
        self.named = tuple(named)
        self.made: list[int] = []

    def reveal(self) -> None:  # comments are not in the article: no need to switch documents
        pass

    def forward(self) -> None:
        who = self.ctx.project.annotator_id
        if self.step_id is None:
            with (
                self.ctx.transaction() as tx,
                core.comment_step(tx, self.text(), who, self.named) as step,
            ):
                self.action(tx, who, step)
            self.step_id, self.made = step.id, step.made
        else:
            with self.ctx.transaction() as tx:
                undo_log.redo(tx, who, self.step_id)

    def backward(self) -> None:
        assert self.step_id is not None
        with self.ctx.transaction() as tx:
            undo_log.undo(tx, self.ctx.project.annotator_id, self.step_id)


class Comments(QObject):
    """The window's comments: ``panel`` (docked by the window) and the handlers of its actions."""

    def __init__(self, window: CommentsHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.window = window
        self.panel = CommentsPanel(parent)
        self.dock: QWidget | None = None  # set by the window once docked
        self._timer = QTimer(self)  # many changes in one burst refresh once
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.refresh)
        self.panel.jump.connect(self.jump)
        self.panel.add_requested.connect(self.add)
        self.panel.reply_requested.connect(self.reply)
        self.panel.resolve_requested.connect(self.resolve)
        self.panel.filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.panel.here.toggled.connect(lambda _on: self.refresh())
        window.session.reset.connect(self.refresh)
        window.session.selectionChanged.connect(
            lambda _s: self._targets() if self.panel.isVisible() else None
        )
        self._watching = False  # the project has comments: span and link changes may move them

    # --- reading ------------------------------------------------------------------------------

    def on_store_changed(self, changeset: ChangeSet) -> None:
        spans = changeset.touches("annotation") or changeset.touches("relation")
        if changeset.touches("comment") or (spans and self._watching):  # a labelling spree costs nothing
            self._timer.start()

    def refresh(self) -> None:
        project, doc = self.window.project, self.window.session.doc_id
        if project is None:
            self.panel.set_rows([])
            return
        mode = self.panel.mode
        here = [doc] if self.panel.here.isChecked() and doc is not None else None
        rows = project.comments(
            open_only=mode != "all", document_ids=here, kind="flag" if mode == "flags" else None
        )
        self.panel.set_rows(rows)
        marks = project.commented_spans(doc) if doc is not None else {}
        self._watching = bool(rows or marks or (mode != "all" and project.comments(document_ids=here)))
        view = self.window.pane.view
        view.commented = marks  # type: ignore[attr-defined]  # read by ui.comments_marks
        view.viewport().update()
        if marks or self.window.spans.model().commented:
            self.window.spans.model().set_commented(marks)
        if self.panel.isVisible():
            self._targets()

    def _targets(self) -> None:
        session = self.window.session
        targets: list[tuple[str, tuple[str, int]]] = []
        span = session.span(session.selected)
        if span is not None:
            targets.append((f"span {span[ID]}: “{_clip(session.span_text(span))}”", ("span", span[ID])))
            for rel in session.relations_of_span(span[ID]):
                kind = self.window.pane.view.relation_name(rel.type_id)
                targets.append((f"relation {rel.id} ({kind})", ("relation", rel.id)))
        if session.doc is not None:
            targets.append(
                (f"this document ({session.doc.title or session.doc.id})", ("document", session.doc.id))
            )
        self.panel.set_targets(targets)

    # --- actions (keys, menus, panel buttons) -----------------------------------------------

    def show_panel(self) -> None:
        if self.dock is not None:
            self.dock.show()
            self.dock.raise_()

    def comment(self) -> bool:
        """M: write a comment on the selected span (or the document) in the panel."""
        if self.window.session.doc is None:
            return False
        self.show_panel()
        self._targets()
        self.panel.tree.setCurrentIndex(QModelIndex())  # Enter then adds, rather than replies
        self.panel.editor.setFocus()
        return True

    def flag(self) -> bool:
        """F: flag the selected span (or the document) for discussion at once; say why in a reply."""
        self._targets()
        target = self.panel.chosen_target()
        if target is None:
            return False
        made = self._add(target, FLAG_TEXT, "flag")
        if made is not None:
            self.show_panel()
            self.refresh()
            index = self.panel.model.thread_index(made)
            if index.isValid():
                self.panel.tree.setCurrentIndex(index)
            self.window.report("Flagged for discussion: say why in the Comments panel (Enter replies)")
        return True

    def add(self, text: str) -> None:
        target = self.panel.chosen_target()
        if target is not None and self._add(target, text, "comment") is not None:
            self.panel.sent()

    def _add(self, target: tuple[str, int], text: str, kind: str) -> int | None:
        kind_of, target_id = target
        key = {"document": "document_id", "span": "span_id", "relation": "relation_id"}[kind_of]

        def action(tx: Tx, who: int, step: core.Recorded) -> None:
            step.made.append(core.add_comment(tx, who, text, kind=kind, **{key: target_id}).id)

        title = "Flag for discussion" if kind == "flag" else "Comment"
        command = self._run(title, action)
        return command.made[0] if command is not None and command.made else None

    def reply(self, thread: int, text: str) -> None:
        def action(tx: Tx, who: int, step: core.Recorded) -> None:
            step.made.append(core.reply(tx, who, thread, text).id)

        if self._run(f"Reply to comment {thread}", action) is not None:
            self.panel.sent()

    def resolve(self, thread: int, resolved: bool) -> None:
        def action(tx: Tx, who: int, _step: core.Recorded) -> None:
            core.set_state(tx, who, thread, resolved=resolved)

        self._run(f"{'Resolve' if resolved else 'Reopen'} comment {thread}", action, [thread])

    def _run(self, title: str, action: Action, named: Sequence[int] = ()) -> CommentCommand | None:
        ctx = self.window.edit_context()
        if ctx is None:
            return None
        command = CommentCommand(ctx, self.window.session.doc_id or 0, title, action, named)
        return command if execute(self.window.stack, command) else None

    def jump(self, row: CommentRow) -> None:
        """Show the comment's document and select what it is on (a relation: its source span)."""
        window = self.window
        window.open_document(row.document_id)
        session = window.session
        span_id = row.span_id if row.target == "span" else None
        if row.target == "relation":
            link = next((r for r in session.relations.values() if r.id == row.relation_id), None)
            span_id = link.source_id if link is not None else None
        span = session.span(span_id)
        if span_id is not None and span is None:
            window.report(
                "That span is another annotator's: Annotate ▸ Show other annotators' spans shows it"
            )
        if span is not None:
            session.select(span[ID])
            window.pane.view.scroll_to(span[START], span[END])
        elif row.note:
            window.report(f"Comment {row.id} {row.note}")


def _clip(text: str, size: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1] + "…"
