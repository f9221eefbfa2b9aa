"""Suggest ▸ Train an extractor…: the dialog trains on the worker thread and shows the figures."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from annotator.learn.kept import kept_models, models_home
from annotator.model import Project
from annotator.ops.importer import import_records
from annotator.store import Store
from annotator.suggest import engines
from annotator.suggest.store import listing
from benchmarks.quotes_corpus import corpus
from tests.core.helpers import add_doc
from tests.core.test_suggestions import TEXT, decide, fake_engine
from ui import train_dialog
from ui.main_window import MainWindow
from ui.qt import QAbstractButton, QAction, QApplication, QLabel, QPoint, Qt

Open = Callable[..., MainWindow]


@pytest.fixture
def window_of(
    open_window: Open, store: Store, project: Project, monkeypatch: pytest.MonkeyPatch
) -> Callable[[int, Path], MainWindow]:
    """The window on a project of ``n`` made-up documents of ana's; a folder asked for is
    ``folder``."""

    def make(n: int, folder: Path) -> MainWindow:
        with store.transaction() as tx:
            import_records(tx, project.id, corpus(n, seed=n), annotator="ana")
        monkeypatch.setattr(train_dialog, "get_existing_directory", lambda *_a: str(folder))
        monkeypatch.setenv("XDG_CACHE_HOME", str(folder / "cache"))  # where PostgreSQL's are unpacked
        return open_window()

    return make


def _shown(qtbot: QtBot, window: MainWindow) -> train_dialog.TrainDialog:
    """The training dialog of the window's project, shown, on ana's layer."""
    assert window.project is not None
    dialog = train_dialog.TrainDialog(window.project, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.layer.setCurrentText("annotator:ana")
    return dialog


def test_training_from_the_menu_shows_held_out_figures(
    qtbot: QtBot, window_of: Callable[[int, Path], MainWindow], tmp_path: Path
) -> None:
    window = window_of(16, tmp_path)
    action = next(
        a for a in window.findChildren(QAction) if a.text().replace("&", "") == "Train an extractor…"
    )
    action.trigger()
    dialog = window._train_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitExposed(dialog)
    dialog.layer.setCurrentText("annotator:ana")
    for name, box in dialog.labels.items():
        if name not in ("QUOTE", "ACTOR") and box.isChecked():
            qtbot.mouseClick(
                box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2)
            )  # the box itself
    assert set(dialog.chosen_labels()) == {"QUOTE", "ACTOR"}
    assert not dialog.suggest_button.isVisible()  # no model to suggest with yet
    dialog.minutes.setValue(0.2)
    qtbot.mouseClick(dialog.train_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.outcome is not None or "rror" in dialog.result.text(), timeout=120_000)
    assert dialog.outcome is not None, dialog.result.text()
    assert "overlap F1" in dialog.result.text() and dialog.chart.isVisible()
    assert (dialog.outcome.folder / "model.json").is_file()
    assert set(dialog.chart.groups) == {"QUOTE", "ACTOR"}
    assert window.project is not None  # kept with the project on either backend, none asked for
    assert [m.key for m in kept_models(window.project)] == [f"{dialog.name.text()}@1"]
    assert "Kept with the project as" in dialog.result.text()
    # the loop closes in the app: "Suggest with it…" opens Suggest with a model… on this model
    assert dialog.suggest_button.isVisible()
    qtbot.mouseClick(dialog.suggest_button, Qt.MouseButton.LeftButton)
    chooser = window.pane.controller.suggestions.model_dialog
    assert chooser is not None
    qtbot.waitExposed(chooser)
    item = chooser.models.currentItem()
    assert item is not None and item.text().startswith(f"{dialog.name.text()}@1 · ")
    assert not dialog.isVisible()


def test_a_parser_that_is_not_installed_is_named_and_nothing_is_trained(
    qtbot: QtBot, window_of: Callable[[int, Path], MainWindow], tmp_path: Path
) -> None:
    window = window_of(8, tmp_path / "models")
    dialog = _shown(qtbot, window)
    missing = tmp_path / "no-such-parser"
    qtbot.mouseClick(dialog.parser, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.parser, str(missing))
    qtbot.mouseClick(dialog.train_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: dialog.train_button.isEnabled() and dialog.result.text() != "Training…", timeout=60_000
    )
    assert dialog.outcome is None
    assert str(missing) in dialog.result.text() and "parse" in dialog.result.text()
    assert window.project is not None
    assert kept_models(window.project) == []
    home = models_home(window.project.url, window.project.id) or tmp_path / "models"
    assert not home.exists() or list(home.rglob("model.json")) == []


def test_the_parser_field_has_its_mnemonic(
    qtbot: QtBot, window_of: Callable[[int, Path], MainWindow], tmp_path: Path
) -> None:
    window = window_of(2, tmp_path)
    assert window.project is not None
    dialog = train_dialog.TrainDialog(window.project, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()  # a mnemonic fires in the active window only
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    keys = [
        w.text().split("&")[1][0].lower()
        for w in dialog.findChildren(QLabel) + dialog.findChildren(QAbstractButton)
        if "&" in w.text() and w.isVisible()
    ]
    assert len(keys) == len(set(keys)) >= 6, keys  # every Alt+key of the dialog reaches one place
    label = next(w for w in dialog.findChildren(QLabel) if w.text() == "&Parser")
    assert label.buddy() is dialog.parser
    qtbot.keyClick(dialog, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    assert dialog.parser.hasFocus()


def test_rejected_suggestions_teach_the_model_unless_unticked(
    qtbot: QtBot, window_of: Callable[[int, Path], MainWindow], tmp_path: Path, store: Store, project: Project
) -> None:
    window = window_of(12, tmp_path / "models")
    blank = add_doc(store, project.id, TEXT)  # ana labels nothing here and rejects what is suggested
    engines.run(store, project.id, fake_engine(), [blank])
    with store.session() as s:
        ids = [r.id for r in listing(s, project.id, document_id=blank).spans]
    decide(store, project, "ana", ids, [], accepting=False)
    dialog = _shown(qtbot, window)
    dialog.minutes.setValue(0.2)
    assert dialog.rejections.isChecked()  # on by default, as the CLI
    outcomes = []
    for name in ("taught", "plain"):
        dialog.name.setText(name)
        dialog.outcome = None
        qtbot.mouseClick(dialog.train_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.outcome is not None or "rror" in dialog.result.text(), timeout=120_000)
        assert dialog.outcome is not None, dialog.result.text()
        outcomes.append((dialog.outcome.rejections, dialog.result.text()))
        qtbot.mouseClick(
            dialog.rejections, Qt.MouseButton.LeftButton, pos=QPoint(8, dialog.rejections.height() // 2)
        )
    assert outcomes[0][0] == {"paragraphs": 1, "documents": 1}
    assert "Learnt from rejected suggestions: 1 paragraph without labels (in 1 document)" in outcomes[0][1]
    assert outcomes[1][0] == {} and "Learnt from" not in outcomes[1][1]
