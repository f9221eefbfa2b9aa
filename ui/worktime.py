"""Time spent per document, as the app measures it: active time while a document is open.

Every key press, click or wheel turn in the app counts as activity; the time between two of them
counts unless it is longer than ``annotator.progress.IDLE`` (5 minutes: the person was away).
The time is written when the document changes (another one opened, the project closed, the app
quit), to the annotator who had it open; ``annotator progress`` and Review ▸ Team progress show it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from annotator.progress import ActiveClock
from ui.project import ProjectContext
from ui.qt import QApplication, QEvent, QObject
from ui.session import DocumentSession

ACTIVITY = (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel)


class WorkClock(QObject):
    """Follows the open document of ``session`` and records its active time on each switch."""

    def __init__(self, session: DocumentSession, report: Callable[[str], None], parent: QObject) -> None:
        super().__init__(parent)
        self.session = session
        self.report = report
        self.now: Callable[[], float] = time.monotonic  # tests pass their own clock
        self.clock = ActiveClock()
        self._open: tuple[ProjectContext, int, int] | None = None  # project, document, annotator
        session.reset.connect(self.switch)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._open is not None and event.type() in ACTIVITY:
            self.clock.touch(self.now())
        return False

    def switch(self) -> None:
        """The open document changed (or was reloaded): record the last one's time, start anew."""
        self.flush()
        project, doc_id = self.session.project, self.session.doc_id
        if project is None or doc_id is None or project.actor.id is None:
            self._open = None
            self.clock.stop()
            return
        self._open = (project, doc_id, project.actor.id)
        self.clock.start(self.now())

    def flush(self) -> None:
        """Write the active seconds of the open document so far (to its annotator)."""
        if self._open is None:
            return
        project, doc_id, who = self._open
        seconds = self.clock.take(self.now())
        if seconds <= 0:
            return
        try:
            project.team.add_time(doc_id, who, seconds)
        except Exception as exc:  # a closed or unreachable database must not break switching
            self.report(f"Could not record the time spent on document {doc_id}: {exc}")
