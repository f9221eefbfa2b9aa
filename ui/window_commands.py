"""The main window's menu commands that only hand over to a dialog or a setting (a mixin of
``MainWindow``, kept apart for size): snapping, zoom, keys, settings, training, guidelines."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from annotator import __version__
from ui import actions, menus, settings
from ui.article.view import DEFAULT_POINT_SIZE
from ui.qt import QMessageBox


class WindowCommands:
    """Menu commands of the main window that open a dialog or flip a setting."""

    if TYPE_CHECKING:
        pane: Any
        session: Any
        spans: Any
        project: Any
        actions_by_name: Any
        stack: Any
        open_document: Any
        signals: Any

        def report(self, message: str) -> None: ...
        def _store(self, setting: Any, value: Any) -> None: ...

    def set_snap(self, on: bool) -> None:
        self.pane.controller.snap = bool(on)
        self._store(settings.SNAP, bool(on))

    def set_next_uncertain(self, on: bool) -> None:
        """Active learning: Next document opens the one the suggestions are least sure of."""
        self._store(settings.NEXT_UNCERTAIN, bool(on))

    def set_show_all(self, on: bool) -> None:
        self.session.show_all = bool(on)
        self.spans.setColumnHidden(3, not on)
        self.spans.side_columns.fit()
        self._store(settings.SHOW_ALL, bool(on))
        self.session.reload()

    def zoom(self, step: int) -> None:
        self.pane.view.set_point_size(self.pane.view.point_size + step)

    def edit_project_settings(self) -> None:
        from ui.settings_dialog import edit_project_settings  # dialogs load on first use (app start)

        edit_project_settings(self, self.project, self.report)

    def edit_schema(self) -> None:  # labels and relation types, undoable (ui/schema_editor.py)
        from ui.schema_editor import edit_schema

        edit_schema(self, self.project, self.stack, self.signals)

    def train_model(self) -> None:
        from ui.train_dialog import train_model  # lazy: the learner (CRF, numpy) loads on first use

        suggestions = self.pane.controller.suggestions
        self._train_dialog = train_model(self, self.project, self.report, suggestions.suggest_with_model)

    def reset_zoom(self) -> None:
        self.pane.view.set_point_size(DEFAULT_POINT_SIZE)

    def set_keys(self, action_id: str, keys: tuple[str, ...]) -> None:
        """The user's own keys for an action, kept and applied at once; ``KeyConflict`` on a clash."""
        actions.remap(action_id, keys)
        menus.apply_keys(self.actions_by_name)

    def customise_keys(self) -> None:
        from ui.keys_dialog import CustomiseKeysDialog

        CustomiseKeysDialog(lambda: menus.apply_keys(self.actions_by_name), self).exec()

    def show_keys(self) -> None:
        from ui.guidelines_window import show_guidelines

        show_guidelines(self, self.project)  # F1: the project's guidelines, then the keys

    def compare_gold(self) -> None:
        from ui.compare_gold import show_compare_gold  # lazy: agreement (numpy) loads on first use

        show_compare_gold(self, self.project)

    def who_said(self) -> None:
        """Review ▸ Who said what…: counts per actor, outlet and month; a document opens here."""
        from ui.whosaid import show_whosaid

        show_whosaid(self, self.project, self.open_document)

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "About annotator",
            f"<b>annotator {html.escape(__version__)}</b><br>Tag claims, quotes and actors in news articles."
            "<br>Every change is stored the moment you make it.",
        )
