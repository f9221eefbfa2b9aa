"""On the demo project, Review ▸ Who said what… lists registry actors (not only surface texts)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from annotator.demo import create_demo
from annotator.store import open_store
from ui.main_window import MainWindow
from ui.project import open_project
from ui.whosaid import WhoSaidView


def test_the_demo_shows_registry_actors_in_who_said_what(qtbot: QtBot, db_url: str) -> None:
    store = open_store(db_url)
    project, _result = create_demo(store)
    store.close()
    window = MainWindow("alice")
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.set_project(open_project(db_url, project.name, "alice"))
    window.show()
    qtbot.waitExposed(window)
    window.actions_by_name["whosaid"].trigger()
    view = window.findChild(WhoSaidView, "whosaid")
    assert view is not None
    qtbot.waitUntil(lambda: view.said is not None)
    rows = [view.model.index(r, 0).data() for r in range(view.model.rowCount())]
    assert {"Elena Varga", "Marcus Obi", "Katrin Albers", "Samira Haddad"} <= set(rows)
