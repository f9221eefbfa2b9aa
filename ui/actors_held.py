"""The actor picker's question about a new span, held until the article's frame is on screen.

Making an ACTOR span repaints the article, and the picker asks which actor the span names. Shown
inside the keystroke, the picker (its layout, the focus moving to it, its paint) cost the edit's
frame a quarter of its time (issue 19), so the question waits for that frame (``AfterPaint``):
the span shows first and the picker one frame later.

What a key does must not depend on that timing. While the question is held, the first key (or
click) anywhere in the application asks it first, so the key goes where it would have gone had
the picker shown at once. Qt checks a key for shortcuts (``ShortcutOverride``, sent to the focus
widget) before it sends the press to the focus widget of that moment: the check asks the question,
which moves the focus to the picker's line; the check itself is then the line's (a C is typed
there, never a CLAIM's shortcut), and the press follows the focus to the line.

A click that gives the focus to a widget (the article, a list; Qt moves the focus before the click
reaches any filter) ends the question unasked, as it ended the shown picker by taking its focus; a
click on what takes no focus (a palette button) asks it, and the picker keeps the keyboard, as it
did. Only the picker's own window counts: a key in another window (a dialog) leaves the question
to its frame.
"""

from __future__ import annotations

from collections.abc import Callable

from ui.article.after_paint import Later
from ui.qt import QApplication, QEvent, QObject, QWidget

KEYS = (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress)
CLICKS = (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick)
FIRST = KEYS + CLICKS  # what ends a held question at once


class HeldQuestion(QObject):
    """One held question at a time: ``hold`` a span, ``ask`` runs after the frame or the first key.

    ``line`` gives the widget the picker types into once asked: a key's shortcut check goes there."""

    def __init__(
        self, parent: QObject, later: Later, ask: Callable[[int], None], line: Callable[[], QWidget]
    ) -> None:
        super().__init__(parent)
        self._later = later
        self._ask = ask
        self._line = line
        self.span_id: int | None = None
        self._watching = False

    @property
    def held(self) -> bool:
        return self.span_id is not None

    def hold(self, span_id: int) -> None:
        """Ask about ``span_id`` after the article's next frame, or at the first key before it."""
        self.span_id = span_id
        self._watch(True)
        self._later("actor question", self.release)

    def cancel(self) -> None:
        """Forget the question (the document changed, the span went): nothing is asked."""
        self.span_id = None
        self._watch(False)

    def release(self) -> None:
        """Ask the held question now (the frame is on screen, or a key or click came first)."""
        span_id, self.span_id = self.span_id, None
        self._watch(False)
        if span_id is not None:
            self._ask(span_id)

    def _watch(self, on: bool) -> None:
        app = QApplication.instance()
        if app is None or on == self._watching:
            return
        self._watching = on
        if on:
            app.installEventFilter(self)
        else:
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in FIRST or not self.held or not isinstance(watched, QWidget):
            return False
        line = self._line()
        if watched.window() is not line.window():
            return False  # another window's key or click: the question waits for its frame
        if kind in CLICKS and took_focus(watched):
            self.cancel()  # the click took the focus: the question ends, the span stays unlinked
            return False
        self.release()
        if kind != QEvent.Type.ShortcutOverride:
            return False  # a press, or a click that takes no focus: it goes where it was sent
        if not line.isVisible() or watched is line or line.isAncestorOf(watched):
            return False
        QApplication.sendEvent(line, event)  # the same event: whether it is accepted is the line's
        return True


def took_focus(clicked: QWidget) -> bool:
    """Whether a click on ``clicked`` gave the focus to it or to an ancestor (Qt has moved the
    focus by the time a filter sees the press; it stops at an ancestor that has it already)."""
    focus = QApplication.focusWidget()
    return focus is not None and (focus is clicked or focus.isAncestorOf(clicked))
