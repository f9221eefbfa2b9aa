"""Say in the window when a background job waits for another process's write lock (SQLite).

``annotator.waiting`` calls its listeners from a timer thread; a signal carries the message to the
GUI thread, where ``report`` (the status bar) shows it.
"""

from __future__ import annotations

from collections.abc import Callable

from annotator import waiting
from ui.qt import QObject, Signal


class WaitNotice(QObject):
    said = Signal(str)

    def __init__(self, report: Callable[[str], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.said.connect(
            lambda message: report(message[:1].upper() + message[1:] if message else "Writing…")
        )
        self._stop = waiting.listen(self.said.emit)

    def stop(self) -> None:
        """Stop listening (the job is over)."""
        self._stop()
