"""Wiring the actor registry into the main window: the picker on the article's controller, the
registry dock, the span list's "Actor" column, and the change bus.

``ActorsUI`` is ``window.actors``: the action table's rows name its methods
(``window.actors.show_panel``, ``window.actors.edits.merge`` …).
"""

from __future__ import annotations

from typing import Any

from annotator.events import ChangeSet
from ui import settings
from ui.actors_dialogs import RegistryEdits
from ui.actors_tagging import ActorTagging
from ui.actors_view import ActorPanel
from ui.qt import QDockWidget, QObject


class ActorsUI(QObject):
    """The window's actor features; ``dock`` is set by the window once it made the dock."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        controller = window.pane.controller
        self.tagging = ActorTagging(window.pane.view, window.stack, window.edit_context)
        self.tagging.message.connect(window.report)
        self.tagging.enabled = settings.get(settings.ASK_ACTOR)
        controller.actors = self.tagging
        self.panel = ActorPanel(window, self.reveal, window)
        self.edits = RegistryEdits(self.panel, window.stack, window.edit_context, self.panel.selected)
        self.panel.edits = self.edits
        window.spans.model().actors = self.tagging.names  # the span list's "Actor" column
        self.tagging.names.listeners.append(window.spans.actors_changed)
        window.session.reset.connect(self._project_shown)
        self.dock: QDockWidget | None = None
        self._project: object = None

    def _project_shown(self) -> None:
        """A document was shown: on another project, the registry is read anew."""
        if self.window.project is not self._project:
            self._project = self.window.project
            self.panel.mark_stale()

    def on_store_changed(self, changeset: ChangeSet) -> None:
        self.tagging.names.on_store_changed(changeset)
        self.panel.on_store_changed(changeset)

    def set_asking(self, on: bool) -> None:
        """Whether making an ACTOR span pops the picker (the key asks either way)."""
        self.tagging.enabled = bool(on)
        self.window._store(settings.ASK_ACTOR, bool(on))

    def show_panel(self) -> None:
        """Show the registry and put the keyboard in its filter box."""
        if self.dock is not None:
            self.dock.show()
            self.dock.raise_()
        self.panel.refresh()
        self.panel.filter.setFocus()
        self.panel.filter.selectAll()

    def reveal(self, doc_id: int, span_id: int, start: int, end: int) -> None:
        """Open a mention's document, select the span (when shown) and scroll to it."""
        window = self.window
        window.open_document(doc_id)
        session = window.session
        if session.doc_id != doc_id:
            return
        session.ensure_complete()
        if session.span(span_id) is None:
            session.refresh()  # made by another process since the document was read
        if session.span(span_id) is not None:
            session.select(span_id)
        window.pane.view.scroll_to(start, end)
