"""The menu bar. Keys that the article handles itself are shown in the menus for discovery but
bound only there (a widget-local shortcut), so they never fire while typing in a filter box."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ui.qt import QAction, QKeySequence, QMenu, Qt
from ui.settings_dialog import edit_project_settings

if TYPE_CHECKING:
    from ui.main_window import MainWindow


def _action(
    menu: QMenu,
    text: str,
    handler: Callable[..., object] | None = None,
    shortcut: str | QKeySequence.StandardKey | None = None,
    *,
    local: bool = False,
    checkable: bool = False,
) -> QAction:
    action = QAction(text, menu)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
        if local:  # documented here; the article view handles the key itself
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    action.setCheckable(checkable)
    if handler is not None:
        if checkable:
            action.toggled.connect(handler)
        else:
            action.triggered.connect(lambda _checked=False: handler())
    menu.addAction(action)
    return action


def build(window: MainWindow) -> dict[str, QAction]:
    bar = window.menuBar()
    acts: dict[str, QAction] = {}
    pane = window.pane
    controller = pane.controller

    file = bar.addMenu("&File")
    acts["new"] = _action(file, "&New project…", window.new_project, QKeySequence.StandardKey.New)
    acts["open"] = _action(
        file, "&Open project file…", window.open_project_file, QKeySequence.StandardKey.Open
    )
    _action(file, "Open database &URL…", window.open_project_url)
    window.recent_menu = file.addMenu("Open &recent")
    window.recent_menu.aboutToShow.connect(window.fill_recent_menu)
    file.addSeparator()
    acts["import"] = _action(file, "&Import documents…", window.import_documents, "Ctrl+I")
    acts["export"] = _action(file, "&Export…", window.export_project, "Ctrl+E")
    acts["merge"] = _action(file, "&Merge teammate's work…", window.review.merge)
    file.addSeparator()
    _action(file, "Annotator &name…", window.change_annotator)
    acts["project_settings"] = _action(
        file, "Project &settings…", lambda: edit_project_settings(window, window.project, window.report)
    )
    file.addSeparator()
    _action(file, "&Quit", window.close, QKeySequence.StandardKey.Quit)

    edit = bar.addMenu("&Edit")
    undo = window.stack.createUndoAction(edit, "&Undo")
    undo.setShortcuts([QKeySequence("Ctrl+Z")])
    redo = window.stack.createRedoAction(edit, "&Redo")
    redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    edit.addAction(undo)
    edit.addAction(redo)
    acts["undo"], acts["redo"] = undo, redo
    edit.addSeparator()
    acts["find"] = _action(edit, "&Find in article…", pane.find_bar.open_bar, QKeySequence.StandardKey.Find)

    annotate = bar.addMenu("&Annotate")
    acts["snap"] = _action(
        annotate, "&Snap selections to words", window.set_snap, "Ctrl+Shift+W", checkable=True
    )
    _action(annotate, "&Link selected span to an actor", controller.begin_relation, "R", local=True)
    _action(annotate, "&Delete selected span", controller.delete_selected, "Del", local=True)
    _action(annotate, "Cycle &overlapping spans", controller.cycle, "O", local=True)
    acts["history"] = _action(annotate, "Span &history…", window.review.history, "Ctrl+H")
    annotate.addSeparator()
    acts["done"] = _action(annotate, "Mark document &done", controller.toggle_done, "Ctrl+Return")
    annotate.addSeparator()
    acts["show_all"] = _action(
        annotate, "Show &other annotators' spans", window.set_show_all, "Ctrl+Shift+A", checkable=True
    )

    go = bar.addMenu("&Go")
    acts["next_doc"] = _action(go, "&Next document", lambda: window.step_document(1), "Ctrl+PgDown")
    acts["prev_doc"] = _action(go, "&Previous document", lambda: window.step_document(-1), "Ctrl+PgUp")
    go.addSeparator()
    _action(go, "Next &span", lambda: controller.walk(1), "Tab", local=True)
    _action(go, "Previous s&pan", lambda: controller.walk(-1), "Shift+Tab", local=True)

    window.review.build_menu(bar, acts)

    view = bar.addMenu("&View")
    larger = _action(view, "&Larger text", lambda: pane.view.set_point_size(pane.view.point_size + 1))
    larger.setShortcuts([QKeySequence("Ctrl+="), QKeySequence("Ctrl++")])
    _action(view, "&Smaller text", lambda: pane.view.set_point_size(pane.view.point_size - 1), "Ctrl+-")
    _action(view, "&Default text size", window.reset_zoom, "Ctrl+0")
    view.addSeparator()
    for dock in window.docks:
        view.addAction(dock.toggleViewAction())

    help_menu = bar.addMenu("&Help")
    acts["keys"] = _action(help_menu, "&Keys…", window.show_keys, "F1")
    _action(help_menu, "&About", window.show_about)
    return acts
