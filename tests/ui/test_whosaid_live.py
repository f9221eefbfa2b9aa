"""Who said what stays true while another process writes: `annotator actors add/link` from a
shell (a real subprocess) reach the open view without pressing Refresh."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from annotator.model import Annotation, Project
from annotator.store import Store
from tests.core.whosaid_fixture import whosaid_project
from ui.main_window import MainWindow
from ui.whosaid import WhoSaidView

Open = Callable[..., MainWindow]


def _cli(backend_url: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "annotator.cli", "--db", backend_url, *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _names(view: WhoSaidView) -> list[str]:
    return [view.model.index(r, 0).data() for r in range(view.model.rowCount())]


def test_links_made_by_the_cli_reach_the_open_view(
    qtbot: QtBot, open_window: Open, store: Store, project: Project, backend_url: str
) -> None:
    fx = whosaid_project(store, project.id)
    with store.session() as s:
        mayor = s.scalar(
            select(Annotation.id).where(
                Annotation.document_id == fx.documents[1], Annotation.text == "The mayor"
            )
        )
    assert mayor is not None
    window = open_window()
    window.actions_by_name["whosaid"].trigger()
    view = window.findChild(WhoSaidView, "whosaid")
    assert view is not None
    qtbot.waitUntil(lambda: view.said is not None)
    assert "The mayor" in _names(view) and "Lena Park" not in _names(view)
    actor = _cli(backend_url, "actors", "add", "Lena Park", "--annotator", "alice")
    _cli(backend_url, "actors", "link", str(mayor), actor, "--annotator", "alice")
    qtbot.waitUntil(lambda: "Lena Park" in _names(view), timeout=15000)  # the 2 s poll, then a read
    assert "The mayor" not in _names(view)
    row = next(r for r in view.model.rows if r.name == "Lena Park")
    assert (row.actor_id, row.quotes, row.linked) == (int(actor), 1, True)
