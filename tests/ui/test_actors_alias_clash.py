"""The registry's edit form refuses an alias that is another actor's name: the core operation
refuses it, the window says why (naming both actors), and the registry is unchanged."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from annotator.model import Project
from annotator.store import Store
from tests.ui.test_actors_registry import (
    FIRST,
    SECOND,
    Open,
    _mentions,
    _open_registry,
    _registry,
    edit_aliases,
)


def test_an_alias_that_is_another_actors_name_is_refused_and_said(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window = open_window(FIRST, SECOND)
    berg, mayor, _spans = _mentions(store, project, window)
    panel = _open_registry(qtbot, window)
    edit_aliases(qtbot, panel, berg, "Berg; the Mayor")
    said = window.statusBar().currentMessage()
    assert f"actor {berg} (Ida Berg)" in said and f"actor {mayor} (The mayor)" in said, said
    assert _registry(store, project)["Ida Berg"][1] == ["Berg"]
    assert window.stack.undoText() != "Edit actor Ida Berg"
