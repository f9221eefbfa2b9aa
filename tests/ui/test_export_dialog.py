"""File ▸ Export, driven as a user drives it: keys to pick the format, typing, clicks, Enter, Esc.

The project is the demo's three articles, each also in nine further editions (a paragraph added
at the end keeps every span where it was), so a train/dev/test split has documents in each part.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Callable, Iterator
from importlib.resources import as_file
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

import annotator.export
from annotator.dataset.tokens import OVERLAPPING
from annotator.demo import create_demo
from annotator.formats import native
from annotator.ops.importer import import_records
from annotator.resources import resource
from annotator.store import open_store
from ui.export_dialog import ExportDialog
from ui.jobs import JobDialog
from ui.project import ProjectContext, open_project
from ui.qt import QApplication, QCheckBox, QDialog, QPoint, Qt, QTextDocument, QTimer, QWidget

EDITIONS = 10


@pytest.fixture
def demo(db_url: str) -> Iterator[ProjectContext]:
    store = open_store(db_url)
    project, _ = create_demo(store)
    with as_file(resource("demo", "articles.jsonl")) as path:
        base = list(native.read(path))
    editions = [
        dataclasses.replace(record, text=record.text + f"\n\nEdition {n}.", doc_id=None)
        for n in range(2, EDITIONS + 1)
        for record in base
    ]
    with store.transaction() as tx:
        import_records(tx, project.id, editions)
    store.close()
    context = open_project(db_url, "Demo", "alice")
    yield context
    context.close()


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An empty folder for the exports (the test's database lives beside it)."""
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


def open_dialog(qtbot: QtBot, project: ProjectContext) -> ExportDialog:
    dialog = ExportDialog(project)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    activate(qtbot, dialog)  # Tab and focus-in selection need the dialog to be the active window
    return dialog


def activate(qtbot: QtBot, window: QWidget) -> None:
    handle = window.windowHandle()
    assert handle is not None
    handle.requestActivate()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def choose_format(qtbot: QtBot, dialog: ExportDialog, typed: str) -> None:
    """Alt+F (the list's mnemonic), Home, then type the start of the format's name."""
    qtbot.keyClick(focused(), Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    assert focused() is dialog.form.formats
    qtbot.keyClick(dialog.form.formats, Qt.Key.Key_Home)
    qtbot.wait(QApplication.keyboardInputInterval() + 20)  # a new search, not more of the last one
    qtbot.keyClicks(dialog.form.formats, typed)


def type_path(qtbot: QtBot, dialog: ExportDialog, out: Path) -> None:
    qtbot.mouseClick(dialog.form.path, Qt.MouseButton.LeftButton)
    qtbot.keyClick(dialog.form.path, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dialog.form.path, str(out))


def click(qtbot: QtBot, widget: QWidget) -> None:
    """A click where a user aims: a check box's box (its row may be wider than its text)."""
    rect = widget.rect()
    pos = QPoint(8, rect.center().y()) if isinstance(widget, QCheckBox) else rect.center()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos)


def set_split(qtbot: QtBot, dialog: ExportDialog, train: str, dev: str, test: str) -> None:
    """Tick "Split by document" (focus moves to the train ratio), then type and Tab through."""
    click(qtbot, dialog.form.split)
    assert dialog.form.split.isChecked() and focused() is dialog.form.ratios[0]
    for value in (train, dev, test):
        qtbot.keyClicks(focused(), value) if value else qtbot.keyClick(focused(), Qt.Key.Key_Backspace)
        qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert focused() is dialog.form.seed


def press_enter_and_wait(qtbot: QtBot, dialog: ExportDialog) -> str:
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.report_dialog is not None, timeout=20000)
    report = dialog.report_dialog
    assert report is not None and not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Accepted
    qtbot.addWidget(report)
    return report.text()


def test_spacy_split_with_chosen_labels_loads_in_spacy(qtbot: QtBot, demo: ProjectContext, out: Path) -> None:
    import spacy
    from spacy.tokens import DocBin

    dialog = open_dialog(qtbot, demo)
    choose_format(qtbot, dialog, "spaCy")
    assert dialog.form.fmt == "spacy"
    type_path(qtbot, dialog, out / "corpus")
    click(qtbot, dialog.form.label_boxes["CLAIM"])
    set_split(qtbot, dialog, "0.6", "0.2", "0.2")
    assert "train.spacy, dev.spacy, test.spacy" in dialog.form.path_note.text()
    text = press_enter_and_wait(qtbot, dialog)

    corpus = out / "corpus"
    nlp = spacy.blank("en")
    texts: dict[str, set[str]] = {}
    labels: set[str] = set()
    for part in ("train", "dev", "test"):
        docs = list(DocBin().from_disk(corpus / f"{part}.spacy").get_docs(nlp.vocab))
        assert docs, part
        assert f"{part}: {len(docs)} documents" in text
        texts[part] = {doc.text for doc in docs}
        labels |= {span.label_ for doc in docs for span in [*doc.spans["sc"], *doc.ents]}
    assert labels == {"QUOTE", "ACTOR"}
    assert sum(len(t) for t in texts.values()) == 3 * EDITIONS
    assert not (
        texts["train"] & texts["dev"] or texts["train"] & texts["test"] or texts["dev"] & texts["test"]
    )
    assert "relations linking a span whose label was not selected" in text  # claimant links to CLAIMs

    again = open_dialog(qtbot, demo)  # the last choices are remembered
    assert again.form.fmt == "spacy" and again.form.split.isChecked()
    assert not again.form.label_boxes["CLAIM"].isChecked() and again.form.label_boxes["QUOTE"].isChecked()
    assert again.form.path.text() == str(corpus) and again.form.ratios[0].text() == "0.6"


def test_renaming_two_labels_to_one_merges_them(qtbot: QtBot, demo: ProjectContext, out: Path) -> None:
    dialog = open_dialog(qtbot, demo)
    choose_format(qtbot, dialog, "Native")
    type_path(qtbot, dialog, out / "merged.jsonl")
    for name in ("CLAIM", "QUOTE"):
        click(qtbot, dialog.form.renames[name])
        qtbot.keyClicks(dialog.form.renames[name], "STATEMENT")
    text = press_enter_and_wait(qtbot, dialog)

    lines = [json.loads(line) for line in (out / "merged.jsonl").read_text(encoding="utf-8").splitlines()]
    found = {span["label"] for doc in lines for span in doc["spans"]}
    assert found == {"STATEMENT", "ACTOR"}
    assert len(lines) == 3 * EDITIONS and "Nothing was left out" in text


def test_iob_report_names_the_overlapping_spans_left_out(
    qtbot: QtBot, demo: ProjectContext, out: Path
) -> None:
    dialog = open_dialog(qtbot, demo)
    choose_format(qtbot, dialog, "CoNLL")
    assert dialog.form.fmt == "iob" and not dialog.form.docstart.isHidden()
    type_path(qtbot, dialog, out / "tags")
    choose_format(qtbot, dialog, "Hugging")  # the name stays the user's; its ending follows the format
    assert dialog.form.fmt == "hf-jsonl" and dialog.form.path.text() == str(out / "tags.jsonl")
    choose_format(qtbot, dialog, "CoNLL")
    assert dialog.form.path.text() == str(out / "tags.iob")
    text = press_enter_and_wait(qtbot, dialog)

    assert (out / "tags.iob").read_text(encoding="utf-8").count("B-QUOTE") > 0
    overlapping = [line for line in text.splitlines() if OVERLAPPING in line]
    assert len(overlapping) == 1 and overlapping[0].startswith("left out ")
    count = int(overlapping[0].split()[2].rstrip(":").replace(",", ""))
    assert count > 0
    report = dialog.report_dialog
    assert report is not None
    shown = QTextDocument()
    shown.setHtml(report.left_out.text())
    cells = [line.strip() for line in shown.toPlainText().splitlines()]
    reason = next(cell for cell in cells if OVERLAPPING in cell)
    assert report.left_out.isVisible() and cells[cells.index(reason) - 1] == f"{count:,}"
    assert any("cannot hold relations" in cell for cell in cells)
    qtbot.keyClick(report, Qt.Key.Key_Escape)
    assert not report.isVisible()


def test_invalid_ratios_show_an_inline_error_and_nothing_runs(
    qtbot: QtBot, demo: ProjectContext, out: Path
) -> None:
    dialog = open_dialog(qtbot, demo)
    choose_format(qtbot, dialog, "spaCy")
    type_path(qtbot, dialog, out / "corpus")
    set_split(qtbot, dialog, "0.9", "0.3", "")
    qtbot.keyClick(focused(), Qt.Key.Key_Return)

    assert dialog.isVisible() and dialog.job is None
    assert dialog.form.split_error.isVisible() and "add up to 1.2" in dialog.form.split_error.text()
    assert focused() is dialog.form.ratios[0]  # where the fix goes
    for box in dialog.form.label_boxes.values():
        click(qtbot, box)
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    assert "at least one label" in dialog.form.what_error.text() and dialog.form.what_error.isVisible()

    qtbot.keyClick(focused(), Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected
    assert list(out.iterdir()) == []


def test_cancel_leaves_no_output(
    qtbot: QtBot, demo: ProjectContext, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The export waits at its first document until the user has pressed Cancel."""
    gate = threading.Event()
    real: Callable[..., Any] = annotator.export.export

    def held(session: Any, project_id: int, fmt: str, out: Path, progress: Any, options: Any) -> Any:
        def step(units: int = 1) -> None:
            gate.wait(10)
            progress(units)

        return real(session, project_id, fmt, out, step, options)

    monkeypatch.setattr(annotator.export, "export", held)  # what the project object calls
    dialog = open_dialog(qtbot, demo)
    choose_format(qtbot, dialog, "brat")  # a folder, filled file by file
    type_path(qtbot, dialog, out / "new" / "standoff")
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    job = dialog.job
    assert isinstance(job, JobDialog)
    qtbot.waitUntil(job.isVisible, timeout=5000)
    activate(qtbot, job)  # as a window manager does with a dialog that opens
    qtbot.keyClick(job, Qt.Key.Key_Escape)
    gate.set()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=10000)

    assert dialog.isVisible() and "cancelled" in dialog.general_error.text()
    assert dialog.report_dialog is None
    assert list(out.iterdir()) == []


def test_file_export_from_the_window_reports_in_the_status_bar(
    qtbot: QtBot, open_window: Callable[..., Any], out: Path
) -> None:
    """Ctrl+E opens the dialog modally; Enter exports and the window's status bar says what was written."""
    window = open_window("The mayor said the bridge was safe.", "A second article.")
    seen: list[QWidget] = []

    def drive() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ExportDialog)
        seen.append(dialog)
        try:
            type_path(qtbot, dialog, out / "all.jsonl")
            qtbot.keyClick(dialog.form.path, Qt.Key.Key_Return)
        except BaseException:
            dialog.reject()
            raise

    QTimer.singleShot(0, drive)
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert seen and (out / "all.jsonl").is_file()
    assert window.statusBar().currentMessage().startswith("Exported 2 documents, 0 spans to ")
    report = seen[0].report_dialog  # type: ignore[attr-defined]
    assert report is not None and report.isVisible()
    qtbot.keyClick(report, Qt.Key.Key_Return)  # Close is the default button
    assert not report.isVisible()


def test_what_the_project_refuses_is_shown_inline(qtbot: QtBot, demo: ProjectContext, out: Path) -> None:
    """Gold needs adjudicated documents: the core's refusal appears above the buttons, nothing runs."""
    dialog = open_dialog(qtbot, demo)
    type_path(qtbot, dialog, out / "gold.jsonl")
    qtbot.keyClick(focused(), Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)
    assert focused() is dialog.form.layer
    qtbot.keyClick(dialog.form.layer, Qt.Key.Key_End)
    assert dialog.form.layer.currentData() == "gold"
    qtbot.keyClick(dialog.form.layer, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.job is None
    assert dialog.general_error.isVisible() and "no gold layer yet" in dialog.general_error.text()
    assert "--" not in dialog.general_error.text()
    assert list(out.iterdir()) == []


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"ratios": ("0.8", "x", "")}, "split", "must be a number"),
        ({"ratios": ("0", "0.5", "0.5")}, "split", "train > 0"),
        ({"seed": "1.5"}, "split", "whole number"),
        ({"fmt": "spacy", "docs_per_file": "0"}, "format", "at least 1"),
        ({"layer": "annotator", "annotator": ""}, "layer", "annotator"),
        ({"path": "PLACE/taken"}, "output", "is a file; this export writes a folder"),
        ({"path": "PLACE"}, "output", "is a folder; give a file name"),
    ],
)
def test_checks_name_the_field_to_fix(changes: dict[str, Any], field: str, words: str, out: Path) -> None:
    from ui.export_formats import Choices, check

    (out / "taken").write_text("", encoding="utf-8")
    choices = Choices(
        fmt="brat" if "taken" in str(changes.get("path")) else "jsonl", path=str(out / "x.jsonl")
    )
    for name, value in changes.items():
        setattr(choices, name, value.replace("PLACE", str(out)) if name == "path" else value)
    choices.split = "ratios" in changes or "seed" in changes
    result = check(choices, ["CLAIM", "QUOTE", "ACTOR"])
    assert result.options is None and list(result.errors) == [field]
    assert words in result.errors[field]


@pytest.mark.parametrize(("typed", "passed"), [("", ""), (" quotes ", "quotes")])
def test_an_empty_span_key_keeps_each_documents_own(typed: str, passed: str, out: Path) -> None:
    """Empty means each document's key as it was imported (else sc): the GUI export no longer
    forces "sc" on a corpus whose spans came under another key (issue 14)."""
    from ui.export_formats import Choices, check

    choices = Choices(fmt="spacy", path=str(out / "x.spacy"))
    choices.span_key = typed
    result = check(choices, ["CLAIM", "QUOTE", "ACTOR"])
    assert result.errors == {} and result.options is not None
    assert result.options.span_key == passed


def test_the_path_follows_the_format_but_keeps_the_users_name() -> None:
    from ui.export_formats import follow

    assert follow("/data/run1.jsonl", "spacy", False) == "/data/run1.spacy"
    assert follow("/data/run1.spacy", "spacy", True) == "/data/run1"  # a split writes a folder
    assert follow("/data/run1", "iob", False) == "/data/run1.iob"
    assert follow("/data/v1.2", "brat", True) == "/data/v1.2"  # not an export ending: left alone


def test_a_folder_of_other_files_is_refused_next_to_the_path(
    qtbot: QtBot, demo: ProjectContext, out: Path
) -> None:
    """A folder export into a folder no export wrote would mix with (or lose) the user's files."""
    mine = out / "mine"
    (mine / "dev").mkdir(parents=True)
    (mine / "dev" / "notes.txt").write_text("my notes", encoding="utf-8")
    dialog = open_dialog(qtbot, demo)
    choose_format(qtbot, dialog, "brat")
    type_path(qtbot, dialog, mine)
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.job is None
    error = dialog.form.output_error
    assert error.isVisible() and "is not empty and no annotator export wrote it" in error.text()
    assert focused() is dialog.form.path
    assert sorted(str(p.relative_to(mine)) for p in mine.rglob("*")) == ["dev", "dev/notes.txt"]
    (out / "standoff").mkdir()  # an empty folder is fine
    type_path(qtbot, dialog, out / "standoff")
    assert str(out / "standoff") in press_enter_and_wait(qtbot, dialog)
    assert (out / "standoff" / ".annotator-export.jsonl").is_file()
