"""File ▸ Export with the Suggestions layer (issue 15), driven by keys: the rules' and models'
suggestions go out as their own layer, with the person at the keyboard's own ones and not a
teammate's, and none of anyone's labels."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from pytestqt.qtbot import QtBot

from annotator.ops.projects import ensure_annotator
from annotator.suggest import engines
from annotator.suggest.rules import SpanSuggestion, Suggestions
from tests.core.test_suggestions import fake_engine
from tests.ui.test_export_dialog import demo, focused, open_dialog, out, press_enter_and_wait, type_path
from ui.export_dialog import ExportDialog
from ui.project import ProjectContext
from ui.qt import Qt

__all__ = ["demo", "out"]  # (the fixtures of the dialog's other tests)


def _own(name: str, person: int, start: int) -> engines.Engine:
    """A model's suggestion made from one person's labels: theirs alone."""

    def suggest(_text: str) -> Suggestions:
        return Suggestions(spans=[SpanSuggestion(start, start + 4, "ACTOR", 0.5)], relations=[])

    return dataclasses.replace(engines.Engine(f"model:quotes@1 for {name}", suggest), for_annotator=person)


def choose_suggestions(qtbot: QtBot, demo: ProjectContext, path: Path) -> ExportDialog:
    """Open File ▸ Export, type the path, Alt+L to the layer list, the entry above gold."""
    dialog = open_dialog(qtbot, demo)
    type_path(qtbot, dialog, path)
    qtbot.keyClick(focused(), Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)
    assert focused() is dialog.form.layer
    qtbot.keyClick(dialog.form.layer, Qt.Key.Key_End)
    qtbot.keyClick(dialog.form.layer, Qt.Key.Key_Up)
    assert dialog.form.layer.currentText() == "Suggestions (rules, models)"
    assert not dialog.form.annotator.isVisible()  # the layer is the machine's, not a person's
    return dialog


def test_the_suggestions_layer_exports_the_machines_spans_and_mine(
    qtbot: QtBot, demo: ProjectContext, out: Path
) -> None:
    store = demo.store
    first = demo.documents()[0].id
    with store.transaction() as tx:
        bob = ensure_annotator(tx, demo.id, "bob").id
    engines.run(store, demo.id, fake_engine(), [first])
    engines.run(store, demo.id, _own("alice", demo.annotator_id, 10), [first])
    engines.run(store, demo.id, _own("bob", bob, 20), [first])
    dialog = choose_suggestions(qtbot, demo, out / "machine.jsonl")
    report = press_enter_and_wait(qtbot, dialog)
    assert ", 3 spans, 1 relations" in report and "left out 1: suggestions made from another" in report
    lines = [json.loads(line) for line in (out / "machine.jsonl").read_text(encoding="utf-8").splitlines()]
    spans = [(line["id"], s["annotator"], s["score"]) for line in lines for s in line["spans"]]
    assert sorted(spans) == sorted(
        [(first, "rules@1", 0.9), (first, "rules@1", 0.6), (first, "model:quotes@1 for alice", 0.5)]
    )
    assert all(s["origin"].startswith("suggestion:") for line in lines for s in line["spans"])


def test_a_project_without_suggestions_says_so_in_the_dialog(
    qtbot: QtBot, demo: ProjectContext, out: Path
) -> None:
    dialog = choose_suggestions(qtbot, demo, out / "machine.jsonl")
    qtbot.keyClick(dialog.form.layer, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.job is None
    words = "The project has no suggestions to export yet: suggest with the rules or a model first."
    assert dialog.general_error.text() == words
    assert list(out.iterdir()) == []
