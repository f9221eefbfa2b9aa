"""The menu bar, built from the action table (ui/actions.py) in its order.

Keys that the article or the review view read themselves (contexts other than ``global``) are
shown in the menus for discovery but bound only there (a widget-local shortcut), so they never
fire while typing in a filter box.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from ui import actions
from ui.actions import ActionSpec
from ui.pending import guarded
from ui.qt import QAction, QKeySequence, QMainWindow, QMenu, Qt
from ui.shell import Shell

MENUS = ("File", "Edit", "Annotate", "Go", "Review", "Suggest", "View", "Help")


def resolve(roots: dict[str, object], spec: ActionSpec) -> Callable[..., object]:
    """The callable ``spec.handler`` names, bound to its arguments."""
    first, *rest = spec.handler.split(".")
    target = roots[first]
    for name in rest:
        target = getattr(target, name)
    assert callable(target), spec.handler
    handler = partial(target, *spec.args) if spec.args else target
    return guarded(roots["stack"], handler, None)  # a read while the database is down: said, not raised


def _roots(window: Shell, frame: QMainWindow) -> dict[str, object]:
    return {
        "window": frame,
        "controller": window.pane.controller,
        "suggestions": window.pane.controller.suggestions,
        "pane": window.pane,
        "stack": window.stack,
        "review": window.review,
        "review_view": window.review.view,
    }


def _make(window: Shell, menu: QMenu, spec: ActionSpec, handler: Callable[..., object]) -> QAction:
    if spec.id == "undo":
        action = window.stack.createUndoAction(menu, spec.text)
    elif spec.id == "redo":
        action = window.stack.createRedoAction(menu, spec.text)
    else:
        action = QAction(spec.text, menu)
        action.setCheckable(spec.checkable)
        if spec.checkable:
            action.toggled.connect(handler)
        else:
            action.triggered.connect(lambda _checked=False: handler())
    action.setObjectName(spec.id)
    if spec.context != "global":  # documented here; the view handles the key itself
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    return action


def apply_keys(acts: dict[str, QAction]) -> None:
    """Give every menu action its keys from the keymap in force (defaults or the user's)."""
    keymap = actions.keymap()
    for action_id, action in acts.items():
        if action_id in actions.BY_ID:
            action.setShortcuts([QKeySequence(k) for k in keymap.of(action_id)])


def build(window: Shell, frame: QMainWindow) -> dict[str, QAction]:
    """The menu bar of ``frame``; the actions call ``window``'s collaborators."""
    bar = frame.menuBar()
    roots = _roots(window, frame)
    menus: dict[str, QMenu] = {}
    for name in MENUS:
        menus[name] = bar.addMenu("&" + name)
    acts: dict[str, QAction] = {}
    reviewing: list[QAction] = []
    for spec in actions.all_actions():
        if not spec.menu:
            continue
        path = spec.menu
        if path not in menus:  # a submenu: "Review/Review &status"
            parent, title = path.split("/", 1)
            menus[path] = menus[parent].addMenu(title)
            reviewing.append(menus[path].menuAction())
        menu = menus[path]
        if spec.separator:
            menu.addSeparator()
        action = _make(window, menu, spec, resolve(roots, spec))
        menu.addAction(action)
        acts[spec.id] = action
        if spec.reviewing:
            reviewing.append(action)
        if spec.id == "open_url":
            window.recent_menu = menus["File"].addMenu("Open &recent")
            window.recent_menu.aboutToShow.connect(window.fill_recent_menu)
    window.review.review_actions = reviewing
    for action in reviewing:
        action.setEnabled(False)
    menus["View"].addSeparator()
    for dock in window.docks:
        menus["View"].addAction(dock.toggleViewAction())
    apply_keys(acts)
    return acts
