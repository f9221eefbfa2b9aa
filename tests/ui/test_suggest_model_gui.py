"""Suggest ▸ Suggest with a model…: a model trained in the app suggests in the article, from the
menu and from the training dialog, as a job with one undo step; a folder that is no model is named."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from annotator.learn.kept import keep_with_project, kept_models, next_version
from annotator.learn.train import train
from annotator.model import Annotation, Project, Relation, Suggestion
from annotator.ops.annotations import create_span
from annotator.store import Store
from benchmarks.quotes_corpus import corpus
from tests.core.helpers import label_id
from tests.ui.conftest import add_docs
from tests.ui.helpers import answer_question
from ui import suggest_model_dialog
from ui.main_window import MainWindow
from ui.project import ProjectContext
from ui.qt import QAbstractButton, QApplication, QLabel, QPoint, Qt
from ui.suggest_model_dialog import SuggestModelDialog

Open = Callable[..., MainWindow]
SAID = 'Report 7\n\n"The river plan will cost more than we said," Lind said.\n\n'
OTHER = 'Report 8\n\n"Nobody can wait for the next dry summer," Reed said.\n\n'


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("models") / "quotes"
    train(corpus(24), out, labels=["QUOTE", "ACTOR"], layer="annotator:ana", max_minutes=0.2, seed=1)
    return out


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # PostgreSQL's models unpack there


def _kept_with(project: ProjectContext, model: Path) -> None:
    keep_with_project(project, model, "quotes", 1)


def _sources(store: Store, doc: int) -> set[str]:
    with store.session() as s:
        return set(s.scalars(select(Suggestion.source).where(Suggestion.document_id == doc)))


def _opened(
    open_window: Open, store: Store, project: Project, model_dir: Path
) -> tuple[MainWindow, int, int]:
    """A window on SAID (open) and OTHER, the model kept with the project."""
    first, second = add_docs(store, project.id, SAID, OTHER)
    window = open_window()
    assert window.project is not None
    _kept_with(window.project, model_dir)
    window.open_document(first)
    return window, first, second


def _dialog(qtbot: QtBot, window: MainWindow) -> SuggestModelDialog:
    window.actions_by_name["suggest_model"].trigger()
    dialog = window.pane.controller.suggestions.model_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def test_the_kept_model_suggests_in_the_open_document_and_ctrl_z_takes_it_back(
    qtbot: QtBot, open_window: Open, store: Store, project: Project, model_dir: Path
) -> None:
    window, first, second = _opened(open_window, store, project, model_dir)
    view = window.pane.view
    assert view.suggestions == []
    dialog = _dialog(qtbot, window)
    item = dialog.models.currentItem()
    assert item is not None and item.text().startswith("quotes@1 · QUOTE, ACTOR")
    assert "QUOTE: exact F1" in item.toolTip()  # the figures it was trained with
    assert dialog.here.isChecked()
    keys = [
        w.text().split("&")[1][0].lower()
        for w in dialog.findChildren(QLabel) + dialog.findChildren(QAbstractButton)
        if "&" in w.text()
    ]
    assert len(keys) == len(set(keys)) >= 8, keys  # every Alt+key of the dialog reaches one place
    qtbot.mouseClick(dialog.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(view.suggestions), timeout=30_000)
    texts = {SAID[s[0] : s[1]] for s in view.suggestions}
    assert "Lind" in texts and any(t.startswith('"The river') for t in texts)
    assert _sources(store, first) == {"model:quotes@1"} and _sources(store, second) == set()
    # the live refresh may show the stored suggestions a moment before the job's end records the step
    qtbot.waitUntil(lambda: window.stack.undoText() == "Suggest with quotes@1", timeout=30_000)
    window.activateWindow()  # the offscreen platform leaves the closed dialog active
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _sources(store, first) == set() and view.suggestions == []


def test_all_documents_run_in_the_background_from_the_least_score(
    qtbot: QtBot, open_window: Open, store: Store, project: Project, model_dir: Path
) -> None:
    window, first, second = _opened(open_window, store, project, model_dir)
    dialog = _dialog(qtbot, window)
    qtbot.mouseClick(dialog.everywhere, Qt.MouseButton.LeftButton)
    dialog.min_score.setValue(1.0)  # nothing scores above certainty: the run stores nothing
    qtbot.mouseClick(dialog.run_button, Qt.MouseButton.LeftButton)
    assert dialog.run is not None and dialog.run.documents == [first, second]
    qtbot.waitUntil(lambda: "0 span" in window.statusBar().currentMessage(), timeout=30_000)
    assert _sources(store, second) == set()
    dialog = _dialog(qtbot, window)
    qtbot.mouseClick(dialog.everywhere, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _sources(store, second) == {"model:quotes@1"}, timeout=30_000)
    assert _sources(store, first) == {"model:quotes@1"}


def test_a_folder_that_is_no_model_is_named_and_nothing_is_stored(
    qtbot: QtBot,
    open_window: Open,
    store: Store,
    project: Project,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    [doc] = add_docs(store, project.id, SAID)
    window = open_window()
    window.open_document(doc)
    empty = tmp_path / "not-a-model"
    empty.mkdir()
    monkeypatch.setattr(suggest_model_dialog, "get_existing_directory", lambda *_a: str(empty))
    dialog = _dialog(qtbot, window)
    assert dialog.empty.isVisible()  # no model kept yet: the dialog says how to get one
    qtbot.mouseClick(dialog.other, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: str(empty) in window.statusBar().currentMessage(), timeout=30_000)
    assert "not a model" in window.statusBar().currentMessage()
    assert _sources(store, doc) == set()


QUOTED = (SAID.index('"The'), SAID.index(" Lind"))
SPEAKER = (SAID.index("Lind"), SAID.index("Lind") + 4)


def _mine(
    open_window: Open, store: Store, project: Project, model_dir: Path, *labels: str
) -> tuple[MainWindow, int, list[int]]:
    """A window on SAID with my spans of ``labels`` (QUOTE: the quote, ACTOR: Lind), the model kept."""
    [doc] = add_docs(store, project.id, SAID)
    window = open_window()
    assert window.project is not None
    _kept_with(window.project, model_dir)
    edges = {"QUOTE": QUOTED, "ACTOR": SPEAKER}
    with store.transaction() as tx:
        made = [
            create_span(
                tx, doc, *edges[name], label_id(store, project.id, name), window.project.annotator_id
            ).id
            for name in labels
        ]
    window.open_document(doc)
    return window, doc, made


def test_the_speakers_of_my_quotes_link_the_quote_i_labelled(
    qtbot: QtBot, open_window: Open, store: Store, project: Project, model_dir: Path
) -> None:
    window, doc, [mine] = _mine(open_window, store, project, model_dir, "QUOTE")
    dialog = _dialog(qtbot, window)
    qtbot.mouseClick(
        dialog.my_quotes, Qt.MouseButton.LeftButton, pos=QPoint(8, dialog.my_quotes.height() // 2)
    )
    assert dialog.my_quotes.isChecked()
    qtbot.mouseClick(dialog.run_button, Qt.MouseButton.LeftButton)
    layer = window.pane.controller.suggestions
    qtbot.waitUntil(lambda: bool(layer.relations), timeout=30_000)
    # only the speaker is new to me; my quote is the link's other end, not a suggestion of its own
    assert [SAID[s[0] : s[1]] for s in window.pane.view.suggestions] == ["Lind"]
    assert _sources(store, doc) == {"model:quotes@1 for alice"}
    # the live refresh may show the stored suggestions a moment before the job's end records the step
    qtbot.waitUntil(
        lambda: window.stack.undoText() == "Suggest speakers of my quotes with quotes@1", timeout=30_000
    )
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    view = window.pane.view
    view.setFocus()
    view.place_caret(SAID.index("Lind") - 3)
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    hover = layer.tooltip_lines(SAID.index("Lind"))
    assert len(hover) == 1 and "← speaker" in hover[0] and "of your span" in hover[0]
    qtbot.keyClick(view, Qt.Key.Key_Return)  # the speaker comes with its link to my quote
    with store.session() as s:
        [(source, target)] = s.execute(select(Relation.source_id, Relation.target_id)).all()
        [(start, end)] = s.execute(
            select(Annotation.start, Annotation.end).where(Annotation.id == target)
        ).all()
    assert source == mine and SAID[start:end] == "Lind"


def test_a_link_between_two_spans_of_mine_is_named_in_the_panel_and_accepted_there(
    qtbot: QtBot, open_window: Open, store: Store, project: Project, model_dir: Path
) -> None:
    # the quote and its speaker are labelled, the link is not
    window, _doc, [mine, speaker] = _mine(open_window, store, project, model_dir, "QUOTE", "ACTOR")
    dialog = _dialog(qtbot, window)
    dialog.my_quotes.setChecked(True)
    qtbot.mouseClick(dialog.run_button, Qt.MouseButton.LeftButton)
    layer = window.pane.controller.suggestions
    qtbot.waitUntil(lambda: bool(layer.relations), timeout=30_000)
    assert window.pane.view.suggestions == []  # nothing new to draw: both ends are mine
    qtbot.waitUntil(lambda: "1 of your quotes had no speaker yet" in window.statusBar().currentMessage())
    panel = window.suggestions
    table = panel.table
    assert panel.model.rowCount() == 1
    cell = panel.model.index(0, 3)
    assert panel.model.data(cell) == f"{' '.join(SAID[slice(*QUOTED)].split())[:40]} → Lind"
    window.pane.view.place_caret(0)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(cell).center())
    view = window.pane.view
    assert view.to_cp(view.textCursor().position()) == QUOTED[0]  # where the link goes from
    qtbot.mouseClick(panel.accept_button, Qt.MouseButton.LeftButton)
    with store.session() as s:
        assert s.execute(select(Relation.source_id, Relation.target_id)).all() == [(mine, speaker)]
        assert len(s.scalars(select(Annotation.id)).all()) == 2  # no span copied


def test_a_kept_model_is_deleted_from_the_dialog_after_a_yes(
    qtbot: QtBot, open_window: Open, store: Store, project: Project, model_dir: Path
) -> None:
    window, _first, _second = _opened(open_window, store, project, model_dir)
    assert window.project is not None
    keep_with_project(window.project, model_dir, "quotes", 2)
    dialog = _dialog(qtbot, window)
    assert dialog.models.count() == 2 and dialog.delete.isEnabled()
    dialog.models.setCurrentRow(1)  # quotes@1, the older
    seen: list[str] = []
    answer_question(qtbot, "No", seen)
    qtbot.mouseClick(dialog.delete, Qt.MouseButton.LeftButton)
    assert "Delete the model quotes@1?" in seen[0]
    assert [m.key for m in kept_models(window.project)] == ["quotes@2", "quotes@1"]
    answer_question(qtbot, "Yes", seen)
    qtbot.mouseClick(dialog.delete, Qt.MouseButton.LeftButton)
    assert [m.key for m in kept_models(window.project)] == ["quotes@2"]
    assert dialog.models.count() == 1 and dialog.note.text() == "Deleted quotes@1."
    assert next_version(window.project, "quotes") == 3
    dialog.reject()
