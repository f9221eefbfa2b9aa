"""Work that may wait until the article's next frame is on screen (issue 19: an edit's frame).

A keystroke's own result is the article repainted; the side panels (the span list, the label
counts) follow it, and so does the actor picker's question (ui.actors_held, which gives it the
keys typed before it shows). Queued here, they run right after the frame that repainted the
article, on the GUI thread, in the same turn of the event loop that follows it: the user sees the
edit one frame sooner and the panels a frame later, instead of both together.

Jobs are keyed, so a burst of edits before the frame runs each job once. Should the article not
be repainted (hidden, or the edit was elsewhere), a short timer runs them anyway.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from ui.qt import QEvent, QObject, QTimer, QWidget

FALLBACK_MS = 50  # no article frame by then: run the jobs without it
Later = Callable[[Hashable, Callable[[], None]], None]  # AfterPaint.later, for the panels


class AfterPaint(QObject):
    """A queue of keyed jobs run once the watched viewport has painted (or after FALLBACK_MS)."""

    def __init__(self, viewport: QWidget) -> None:
        super().__init__(viewport)
        self._jobs: dict[Hashable, Callable[[], None]] = {}
        self._soon = QTimer(self, singleShot=True, interval=0)  # fires once the frame has ended
        self._soon.timeout.connect(self.run)
        self._fallback = QTimer(self, singleShot=True, interval=FALLBACK_MS)
        self._fallback.timeout.connect(self.run)
        viewport.installEventFilter(self)

    def later(self, key: Hashable, job: Callable[[], None]) -> None:
        """Run ``job`` after the next frame; a job queued under the same key replaces it."""
        self._jobs.pop(key, None)
        self._jobs[key] = job
        if not self._fallback.isActive():
            self._fallback.start()

    @property
    def pending(self) -> bool:
        return bool(self._jobs)

    def run(self) -> None:
        """Run every queued job now (in the order queued); jobs they queue wait for the next frame.
        A job that raises does not cost the others their turn: the first error is raised after."""
        self._soon.stop()
        self._fallback.stop()
        jobs, self._jobs = self._jobs, {}
        failed: Exception | None = None
        for job in jobs.values():
            try:
                job()
            except Exception as exc:
                failed = failed or exc
        if failed is not None:
            raise failed

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Seen before the paint itself: the timer can only fire once the whole frame (every
        # widget's paint and the flush) is done and control is back in the event loop.
        if event.type() == QEvent.Type.Paint and self._jobs and not self._soon.isActive():
            self._soon.start()
        return False
