"""Tagging an ACTOR span with a registry actor: the picker's flow, its key and the tooltip line.

Right after an ACTOR span is made (and on the "tag_actor" key on a selected one) the picker pops
next to the span. What it answers runs as undoable commands (``ui.actors_commands``) through the
one ``execute()``: a link, or a new actor linked at once; then, when the same name occurs
unlinked elsewhere in the document, one more key links (and labels) them all in one step.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from annotator.reachability import is_unreachable
from ui.actors_column import SpanActors
from ui.actors_commands import LinkActors, NewActor
from ui.actors_held import HeldQuestion
from ui.actors_picker import ActorPicker, Choice
from ui.article.index import END, ID, LABEL, START
from ui.article.view import ArticleView
from ui.commands import EditContext, execute
from ui.qt import QObject, QPoint, QUndoStack, Signal


class ActorTagging(QObject):
    """The controller's helper for actors (``AnnotationController.actors``)."""

    message = Signal(str)

    def __init__(
        self, view: ArticleView, stack: QUndoStack, context: Callable[[], EditContext | None]
    ) -> None:
        super().__init__(view)
        self.view = view
        self.session = view.session
        self.stack = stack
        self._context = context
        self.enabled = True  # pop the picker as soon as an ACTOR span is made
        self.span_id: int | None = None  # the span the picker asks about
        self._offer: tuple[int, list[int], list[tuple[int, int]], int] | None = None
        self.names = SpanActors(self.session)  # the open document's links, for the tooltip
        self.picker = ActorPicker(view, self._search)
        self.picker.later = view.after_paint.later  # its matches follow the article's frame
        self.picker.picked.connect(self._link)
        self.picker.create.connect(self._create)
        self.picker.accept_offer.connect(self._link_others)
        self.picker.closed.connect(self._done)
        self.picker.abandoned.connect(self._forget)
        # A new span's question waits for the article's frame; keys typed meanwhile reach the picker.
        self.held = HeldQuestion(self, view.after_paint.later, self._ask_held, lambda: self.picker.edit)
        self.session.spansChanged.connect(self._spans_changed)
        self.session.reset.connect(self.picker.close_picker)
        self.session.reset.connect(self.held.cancel)

    # --- entry points ---------------------------------------------------------------------------

    def created(self, span_id: int) -> None:
        """A span was just made from the keyboard or the mouse: ask for its actor if it names one,
        once the span is on screen (``ui.actors_held``: a key typed before then goes to the picker)."""
        if self._asks_about(span_id):
            self.held.hold(span_id)

    def pick(self) -> bool:
        """The key on a selected ACTOR span: ask (again) which actor it names."""
        span = self.session.span(self.session.selected)
        if span is None or not self._is_actor(span[LABEL]):
            self.message.emit("Select an ACTOR span first (Tab walks the spans), then press the key again")
            return True
        self.held.cancel()
        self._ask(span[ID])
        return True

    def tooltip_line(self, span_id: int) -> str:
        """ "Actor: Name (kind)" for the article's tooltip, "" when the span names no actor."""
        project = self.session.project
        if project is None:
            return ""
        linked = self.names.of(span_id)
        if linked is None:
            return ""
        return f"<br>&nbsp;&nbsp;actor: <b>{html.escape(linked[1])}</b> (id {linked[0]})"

    # --- the flow -------------------------------------------------------------------------------

    def _asks_about(self, span_id: int) -> bool:
        """Whether a new span gets the question: asking is on and the span is an ACTOR span."""
        span = self.session.span(span_id)
        return self.enabled and span is not None and self._is_actor(span[LABEL])

    def _is_actor(self, label_id: int) -> bool:
        return label_id in self.names.labels  # read with the document's links (ui.actors_column)

    def _where(self, span_id: int) -> QPoint:
        span = self.session.span(span_id)
        rects = self.view.range_rects(span[START], span[END]) if span is not None else []
        if not rects:
            return QPoint(8, 8)
        last = rects[-1]
        point = self.view.viewport().mapTo(self.view, QPoint(int(last.left()), int(last.bottom()) + 4))
        return point

    def _ask(self, span_id: int) -> None:
        span = self.session.span(span_id)
        if span is None:
            return
        self.span_id = span_id
        self._offer = None
        self.picker.ask(self.session.span_text(span), self._where(span_id), self.names.of(span_id))

    def _ask_held(self, span_id: int) -> None:
        """The held question, after the frame: its matches are listed at once (nothing waits now)."""
        if self._asks_about(span_id):  # still there, still an ACTOR span, still asking
            self._ask(span_id)
            self.picker.flush()

    def _search(self, text: str) -> list[Choice]:
        """The registry's matches; none while the database is away (the status bar says so): the
        picker still offers a new actor, whose link waits with the other pending changes."""
        project = self.session.project
        if project is None:
            return []
        try:
            found = project.match_actors(text, limit=8)
        except Exception as exc:
            if not is_unreachable(exc):
                raise
            return []
        return [Choice(a.id, a.name, a.aliases, a.kind, a.external_id) for a in found]

    def _link(self, actor_id: int) -> None:
        ctx, span = self._ctx(), self.session.span(self.span_id)
        if ctx is None or span is None:
            return self._done()
        picked = ctx.project.registry_actor(actor_id)
        if picked is not None and picked.merged_into_id is not None:  # merged meanwhile (a teammate,
            merged, actor_id = picked.name, picked.merged_into_id  # the CLI): the one it became
            self.message.emit(f"{merged} was merged into {self._name(actor_id)} meanwhile: linked to that")
        name = self._name(actor_id)
        command = LinkActors(ctx, ctx.session.doc_id or 0, [span[ID]], actor_id, f"Link actor {name}")
        if execute(self.stack, command):
            self._same_name(span[ID], actor_id, name)
        else:
            self._done()

    def _create(self, name: str) -> None:
        ctx, span = self._ctx(), self.session.span(self.span_id)
        if ctx is None or span is None or not name.strip():
            return self._done()
        command = NewActor(ctx, ctx.session.doc_id or 0, span[ID], name.strip())
        if execute(self.stack, command) and command.actor_id is not None:
            self.message.emit(f"New actor {name.strip()} (id {command.actor_id})")
            self._same_name(span[ID], command.actor_id, name.strip())
        else:
            self._done()

    def _same_name(self, span_id: int, actor_id: int, name: str) -> None:
        """Offer the same text elsewhere in the document, unlinked, for one more key."""
        project, doc_id, span = self.session.project, self.session.doc_id, self.session.span(span_id)
        if project is None or doc_id is None or span is None:
            return self._done()
        others = project.same_name_unlinked(doc_id, self.session.span_text(span))
        spans = [i for i in others.spans if i != span_id]
        ranges = list(others.occurrences)
        if not spans and not ranges:
            return self._done()
        self._offer = (actor_id, spans, ranges, span[LABEL])
        count = len(spans) + len(ranges)
        text = f"“{self.session.span_text(span)}” occurs {count} more time{'s' if count > 1 else ''} "
        text += f"unlinked in this document: link {'them all' if count > 1 else 'it'} to {name}"
        if ranges:
            text += f" (labelling {len(ranges)} as ACTOR)"
        self.picker.offer(text + "?", self._where(span_id))

    def _link_others(self) -> None:
        ctx, offer = self._ctx(), self._offer
        self._offer = None
        if ctx is None or offer is None:
            return self._done()
        actor_id, spans, ranges, label_id = offer
        n = len(spans) + len(ranges)
        command = LinkActors(
            ctx,
            ctx.session.doc_id or 0,
            spans,
            actor_id,
            f"Link {n} × actor {self._name(actor_id)}",
            ranges=ranges,
            label_id=label_id,
        )
        if execute(self.stack, command):
            self.message.emit(f"Linked {n} more mention{'s' if n > 1 else ''} to {self._name(actor_id)}")
        self._done()

    def _done(self) -> None:
        """The question is over: the keyboard goes back to the article."""
        self._forget()
        self.view.setFocus()

    def _forget(self) -> None:
        """The question is over and the focus is elsewhere already (it stays there)."""
        self._offer = None
        self.picker.hide()

    def _spans_changed(self, _delta: object) -> None:
        """The span asked about went (Ctrl+Z, a teammate): the question goes with it."""
        if self.held.held and self.session.span(self.held.span_id) is None:
            self.held.cancel()
        if self.picker.isVisible() and self.session.span(self.span_id) is None:
            self.picker.close_picker()

    # --- helpers --------------------------------------------------------------------------------

    def _ctx(self) -> EditContext | None:
        ctx = self._context()
        return ctx if ctx is not None and self.session.doc is not None else None

    def _name(self, actor_id: int) -> str:
        project = self.session.project
        actor = project.registry_actor(actor_id) if project is not None else None
        return actor.name if actor is not None else f"#{actor_id}"
