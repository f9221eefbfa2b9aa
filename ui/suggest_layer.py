"""The open document's suggestions in the article: what is drawn, selected, walked and decided.

Suggestions are read once per document (and again when they change), through the project
object; the view draws them as dashed outlines from a sorted list, only for what is on screen.
Accepting and rejecting are undo commands (``ui.suggest_commands``) over the core's steps, so
Ctrl+Z after Enter removes the span and the suggestion shows again.
"""

from __future__ import annotations

import html
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from annotator.events import ChangeSet
from annotator.suggest.store import RelationSuggestionRow, SpanSuggestionRow
from ui import settings
from ui.article.view import ArticleView
from ui.commands import EditContext, execute
from ui.qt import QObject, QUndoStack, Signal
from ui.suggest_commands import DecideSuggestions

if TYPE_CHECKING:
    from annotator.suggest.engines import Engine
    from ui.project import ProjectContext
    from ui.suggest_model_dialog import SuggestModelDialog, SuggestRun


class SuggestionLayer(QObject):
    changed = Signal()  # the pending suggestions of the document were re-read
    selectedChanged = Signal(object)  # the selected suggestion's id, or None
    message = Signal(str)

    def __init__(
        self, view: ArticleView, stack: QUndoStack, context: Callable[[], EditContext | None]
    ) -> None:
        super().__init__(view)
        self.view = view
        self.session = view.session
        self.stack = stack
        self._context = context
        self.items: list[SpanSuggestionRow] = []
        self.relations: list[RelationSuggestionRow] = []
        self.ends: dict[int, SpanSuggestionRow] = {}  # relations' ends that are the person's own spans
        self.selected: int | None = None
        self._starts: list[int] = []
        self._marked: set[tuple[int, int]] = set()  # (document, annotator) recorded as shown
        self.model_dialog: SuggestModelDialog | None = None  # Suggest with a model…, once opened
        self.session.reset.connect(self.reload)
        self.session.selectionChanged.connect(self._span_selected)

    # --- reading ------------------------------------------------------------------------------

    def reload(self) -> None:
        """Re-read the document's pending suggestions and redraw them."""
        project, doc = self.session.project, self.session.doc_id
        if project is None or doc is None:
            self.items, self.relations, self.ends = [], [], {}
        else:
            found = project.suggestions(doc)
            self.items, self.relations, self.ends = found.spans, found.relations, found.ends
        self._starts = [s.start for s in self.items]
        if self.selected is not None and self.row(self.selected) is None:
            self.selected = None
        self.view.suggestions = [(s.start, s.end, s.id, s.label_id) for s in self.items]
        self.view.suggestion_selected = self.selected
        self.view.viewport().update()
        if self.items and project is not None and doc is not None:
            self._mark_shown(doc)
        self.changed.emit()

    def _mark_shown(self, doc: int) -> None:
        """Suggestions are on screen: record it (agreement may leave such documents out)."""
        ctx = self._context()
        if ctx is None or (doc, ctx.project.annotator_id) in self._marked:
            return
        from annotator.suggest.store import mark_shown

        with ctx.project.store.transaction(actor=ctx.project.actor) as tx:
            mark_shown(tx, [doc], ctx.project.annotator_id)
        self._marked.add((doc, ctx.project.annotator_id))

    def on_store_changed(self, changeset: ChangeSet) -> None:
        """Suggestions made or decided elsewhere (a script, a second app) show up here."""
        doc = self.session.doc_id
        if doc is None or changeset.origin is self.session:
            return
        relevant = changeset.touches("suggestion") or (self.items and changeset.touches("annotation"))
        if relevant and (not changeset.document_ids() or doc in changeset.document_ids()):
            self.reload()

    def row(self, suggestion_id: int) -> SpanSuggestionRow | None:
        return next((s for s in self.items if s.id == suggestion_id), None)

    def end(self, suggestion_id: int) -> SpanSuggestionRow | None:
        """A relation's end: a pending suggestion, or one the person labelled already."""
        return self.row(suggestion_id) or self.ends.get(suggestion_id)

    def at(self, cp: int) -> list[SpanSuggestionRow]:
        """The suggestions covering ``cp``."""
        upto = bisect_right(self._starts, cp)
        return [s for s in self.items[max(0, upto - 200) : upto] if s.start <= cp < s.end]

    def tooltip_lines(self, cp: int) -> list[str]:
        """Hover: each suggestion's label, score and source, and the links proposed from it."""
        lines = []
        for s in self.at(cp):
            line = f"<i>suggested {html.escape(s.label)}</i> · score {s.score:.2f} · {html.escape(s.source)}"
            for r in self.relations:
                other = self.end(r.target_id) if r.source_id == s.id else None
                if other is not None:
                    line += f"<br>&nbsp;&nbsp;→ {html.escape(r.type)} ({r.score:.2f}): “{html.escape(other.text[:40])}”"
                elif r.target_id == s.id and self.row(r.source_id) is None:  # its end is your own span
                    line += f"<br>&nbsp;&nbsp;← {html.escape(r.type)} ({r.score:.2f}) of your span: Enter links it too"
            lines.append(line + "<br>&nbsp;&nbsp;Enter accepts, X rejects")
        return lines

    # --- selection and walking ----------------------------------------------------------------

    def select(self, suggestion_id: int | None, *, reveal: bool = True) -> None:
        self.selected = suggestion_id
        self.view.suggestion_selected = suggestion_id
        row = self.row(suggestion_id) if suggestion_id is not None else None
        if row is not None:
            if self.session.selected is not None:
                self.session.select(None)
            if reveal:
                self.view.place_caret(row.start)
                self.view.scroll_to(row.start, row.end)
        self.view.viewport().update()
        self.selectedChanged.emit(suggestion_id)

    def reveal(self, start: int, end: int) -> None:
        """Scroll to [start, end) and put the caret there."""
        self.view.place_caret(start)
        self.view.scroll_to(start, end)

    def _span_selected(self, span_id: object) -> None:
        if span_id is not None and self.selected is not None:
            self.select(None, reveal=False)

    def select_at(self, cp: int) -> bool:
        """A click: the suggestion under it, or none, so that Tab walks on from the click."""
        found = self.at(cp)
        if found:
            self.select(found[0].id, reveal=False)
        elif self.selected is not None:
            self.select(None, reveal=False)
        return bool(found)

    def walk(self, step: int, here: int, from_span: bool, span_start: int | None) -> bool:
        """Select the next (``step`` 1) or previous (-1) suggestion when it comes before the next
        span (which starts at ``span_start``); False leaves the move to the spans."""
        current = self.row(self.selected) if self.selected is not None else None
        if current is not None:
            i = self.items.index(current) + step
            candidate = self.items[i] if 0 <= i < len(self.items) else None
        elif step > 0:
            i = bisect_right(self._starts, here) if from_span else bisect_left(self._starts, here)
            candidate = self.items[i] if i < len(self.items) else None
        else:
            i = bisect_left(self._starts, here) - 1
            candidate = self.items[i] if i >= 0 else None
        if candidate is None:
            return False
        if span_start is not None and (
            candidate.start >= span_start if step > 0 else candidate.start <= span_start
        ):
            return False
        self.select(candidate.id)
        return True

    # --- deciding -----------------------------------------------------------------------------

    def decide(self, spans: Sequence[int], relations: Sequence[int], *, accepting: bool) -> bool:
        """Accept or reject as one undo step; the selection moves on to the next suggestion."""
        ctx = self._context()
        doc = self.session.doc_id
        if ctx is None or doc is None or not (spans or relations):
            return False
        nxt = self._after(spans)
        verb = "Accept" if accepting else "Reject"
        n = len(spans) + len(relations)
        text = f"{verb} suggestion" if n == 1 else f"{verb} {n} suggestions"
        done = execute(
            self.stack, DecideSuggestions(ctx, doc, self.reload, spans, relations, accepting, text)
        )
        if done:
            self.select(
                nxt if nxt is not None and self.row(nxt) is not None else None, reveal=nxt is not None
            )
            self.message.emit(f"{text}: done (Ctrl+Z takes it back)")
        return done

    def _after(self, decided: Sequence[int]) -> int | None:
        if self.selected is None or self.selected not in decided:
            return None
        gone = set(decided)
        i = next((k for k, s in enumerate(self.items) if s.id == self.selected), 0)
        rest = [s.id for s in self.items[i:] if s.id not in gone] or [
            s.id for s in self.items if s.id not in gone
        ]
        return rest[0] if rest else None

    def accept_selected(self) -> bool:
        return self.selected is not None and self.decide([self.selected], [], accepting=True)

    def reject_selected(self) -> bool:
        return self.selected is not None and self.decide([self.selected], [], accepting=False)

    def accept_above(self) -> bool:
        """Accept every suggestion of the document scored at or above the threshold setting."""
        least = settings.get(settings.SUGGEST_THRESHOLD)
        spans = [s.id for s in self.items if s.score >= least]
        relations = [r.id for r in self.relations if r.score >= least]
        if not spans and not relations:
            self.message.emit(f"No suggestion here scores {least:.2f} or more")
            return True
        self.decide(spans, relations, accepting=True)
        return True

    # --- running the rules (Suggest ▸ Suggest with rules) ------------------------------------

    def run_rules(self) -> None:
        """The rules on the open document, at once (one document takes a moment)."""
        from annotator.errors import AnnotatorError
        from annotator.suggest import engines

        ctx, doc = self._context(), self.session.doc_id
        if ctx is None or doc is None:
            self.message.emit("Open a document first")
            return
        project = ctx.project
        steps: list[int] = []
        try:
            engine = engines.rules_engine(project.store, project.id)
            report = engines.run(
                project.store, project.id, engine, [doc], annotator_id=project.annotator_id, steps=steps
            )
        except AnnotatorError as exc:
            self.message.emit(f"Suggest with rules: {exc}")
            return
        self._undoable(project, steps)
        self.reload()
        self.message.emit(
            f"{engine.source}: {report.spans} span and {report.relations} relation suggestion(s)"
        )

    def _undoable(self, project: ProjectContext, steps: list[int], text: str = "Suggest with rules") -> None:
        """The run is a step of the core log: Ctrl+Z in the window takes its suggestions back."""
        from ui.project_steps import push_done

        for step in steps:
            push_done(self.view, project, text, step, self.message.emit)

    def run_rules_all(self) -> None:
        """The rules on every document, as a background job with progress and Cancel."""
        from annotator.suggest import engines

        ctx = self._context()
        if ctx is None:
            self.message.emit("Open a project first")
            return
        project = ctx.project
        self._run_job(
            project,
            "Suggest with rules",
            lambda: engines.rules_engine(project.store, project.id),
            project.document_ids(),
        )

    # --- running a trained model (Suggest ▸ Suggest with a model…) --------------------------

    def suggest_with_model(self, chosen: str | None = None) -> None:
        """Ask which model, on which documents (``chosen``: the kept model to preselect)."""
        from ui.suggest_model_dialog import SuggestModelDialog

        ctx = self._context()
        if ctx is None:
            self.message.emit("Open a project first")
            return
        dialog = SuggestModelDialog(ctx.project, self.session.doc_id, self.view.window(), chosen=chosen)
        dialog.accepted.connect(lambda: self.run_model(ctx.project, dialog.run))
        self.model_dialog = dialog
        dialog.open()

    def run_model(self, project: ProjectContext, run: SuggestRun | None) -> None:
        """The chosen model on the chosen documents, as a background job (loading a model and its
        parser takes seconds too); one undo step, as ``annotator suggest --model`` stores it."""
        from annotator.suggest import engines

        if run is None:
            return

        def engine() -> engines.Engine:
            from annotator.learn.kept import model_folder

            folder = run.model.folder or model_folder(project, str(run.model.key))
            engine = engines.model_engine(folder, {}, engines.project_labels(project.store, project.id))
            if not run.my_quotes:
                return engine
            from annotator.suggest.own import own_quotes_engine

            return own_quotes_engine(engine, project.annotator_id, project.actor.name)

        what = "Suggest speakers of my quotes with" if run.my_quotes else "Suggest with"
        self._run_job(project, f"{what} {run.model.describe()}", engine, run.documents, run.min_score)

    def _run_job(
        self,
        project: ProjectContext,
        title: str,
        make_engine: Callable[[], Engine],
        docs: list[int],
        min_score: float = 0.0,
    ) -> None:
        """Suggest on ``docs`` on the worker thread with progress and Cancel (nothing is stored
        when cancelled); the run is one undo step of the person at the keyboard."""
        from annotator.suggest import engines
        from ui import jobs

        who, steps, source = project.annotator_id, list[int](), [""]

        def work(progress: jobs.Progress) -> engines.SaveReport:
            progress.stage(f"{title} on {len(docs)} document(s)…", len(docs))
            engine = make_engine()
            source[0] = engine.source
            return engines.run(
                project.store,
                project.id,
                engine,
                docs,
                min_score=min_score,
                progress=progress,
                annotator_id=who,
                steps=steps,
            )

        def done(report: engines.SaveReport) -> None:
            self._undoable(project, steps, title)
            self.reload()
            unknown = (
                f"; left out, not in the project: {', '.join(sorted(report.unknown))}"
                if report.unknown
                else ""
            )
            self.message.emit(f"{report.summary(source[0])}{unknown}")

        window = self.view.window()
        dialog = jobs.start(window, title, work, done, lambda text: self.message.emit(f"{title}: {text}"))
        running = getattr(window, "jobs", None)
        if isinstance(running, list):
            running.append(dialog)  # closing the window asks before cancelling it
