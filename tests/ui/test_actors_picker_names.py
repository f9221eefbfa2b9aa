"""What the actor picker offered wrong under Xvfb: a mention with a title in it ("Minister Ana
Lopes") found no actor, and asking again (I) about a linked span said "Esc leave unlinked"
without saying which actor it was linked to. Real key events; the database is checked."""

from __future__ import annotations

import subprocess
import sys

from pytestqt.qtbot import QtBot

from annotator.model import Project
from annotator.store import Store
from tests.ui.test_actors_picker import TEXT, Open, _add, _links, _tag
from ui.qt import Qt


def test_a_name_inside_the_mention_is_offered_first(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    lopes = _add(store, project, "Ana Lopes")
    _add(store, project, "Bo Lind")
    window = open_window(TEXT)
    doc = window.session.doc_id
    assert doc is not None
    picker = _tag(qtbot, window, "Minister Ana Lopes")
    assert picker.edit.text() == "Minister Ana Lopes"
    qtbot.waitUntil(lambda: picker.list.count() > 1)  # the matches follow the article's frame
    assert picker.list.item(0).text() == "Ana Lopes"  # not only "＋ New actor “Minister Ana Lopes”"
    assert picker.list.count() == 2
    qtbot.keyClick(picker.edit, Qt.Key.Key_Return)
    assert _links(store, doc)[(0, len("Minister Ana Lopes"))] == lopes


def test_asking_again_names_the_linked_actor_and_esc_keeps_it(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    lopes = _add(store, project, "Ana Lopes", "Lopes")
    window = open_window(TEXT)
    doc = window.session.doc_id
    assert doc is not None
    picker = _tag(qtbot, window, "Ana Lopes")
    assert "Esc leave unlinked" in picker.hint.text().replace(
        "\u00a0", " "
    ) and "Linked to" not in picker.hint.text().replace("\u00a0", " ")
    qtbot.keyClick(picker.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not picker.isVisible())
    qtbot.keyClick(window.pane.view, Qt.Key.Key_I)  # the span is still selected: ask again
    qtbot.waitUntil(picker.isVisible)
    assert picker.hint.text().startswith(f"Linked to Ana Lopes (id {lopes})")
    assert picker.hint.text().replace("\u00a0", " ").endswith("Esc keep it")
    qtbot.waitUntil(lambda: picker.list.count() > 1)  # the matches follow the article's frame
    assert picker.list.item(0).text().startswith("✓ Ana Lopes")
    qtbot.keyClick(picker.edit, Qt.Key.Key_Escape)
    start = TEXT.index("Ana Lopes")
    assert _links(store, doc)[(start, start + len("Ana Lopes"))] == lopes


def test_an_actor_merged_by_another_process_while_shown_links_to_the_one_it_became(
    qtbot: QtBot, open_window: Open, store: Store, project: Project, backend_url: str
) -> None:
    lopes = _add(store, project, "Ana Lopes")
    short = _add(store, project, "A. Lopes")
    window = open_window(TEXT)
    doc = window.session.doc_id
    assert doc is not None
    picker = _tag(qtbot, window, "Ana Lopes")
    picker.edit.clear()
    qtbot.keyClicks(picker.edit, "A. Lo")
    assert picker.list.item(0).text() == "A. Lopes"
    merged = subprocess.run(  # a teammate folds it into Ana Lopes while the picker shows it
        [
            sys.executable,
            "-m",
            "annotator.cli",
            "--db",
            backend_url,
            "actors",
            "merge",
            str(lopes),
            str(short),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert merged.returncode == 0, merged.stderr
    qtbot.keyClick(picker.edit, Qt.Key.Key_Return)
    start = TEXT.index("Ana Lopes")
    assert _links(store, doc)[(start, start + len("Ana Lopes"))] == lopes  # not refused, not lost
    assert "merged into Ana Lopes" in window.statusBar().currentMessage()
