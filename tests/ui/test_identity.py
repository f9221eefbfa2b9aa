"""Opening a project as the gold layer is refused, in the app as in the core."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from annotator.errors import ValidationError
from annotator.model import Project, Role
from annotator.ops.annotations import create_span
from annotator.review.gold import accept_spans
from annotator.store import Actor, Store
from tests.core.helpers import annotator_id, label_id
from tests.core.pg_team import Team
from ui.main_window import MainWindow
from ui.project import open_project
from ui.qt import QInputDialog, QMessageBox, QSettings

Open = Callable[..., MainWindow]


@pytest.mark.parametrize("name", ["gold", "Gold ", "GOLD", "g\u043eld"])
def test_nobody_opens_a_project_as_gold(store: Store, project: Project, backend_url: str, name: str) -> None:
    with pytest.raises(ValidationError, match="gold layer's name"):
        open_project(backend_url, None, name)
    from tests.ui.conftest import add_docs

    [doc] = add_docs(store, project.id, "Mayor Ana Ruiz spoke.")
    with store.transaction() as tx:
        span = create_span(
            tx, doc, 6, 14, label_id(store, project.id, "ACTOR"), annotator_id(store, project.id, "alice")
        )
        riley = Actor("riley", None, Role.REVIEWER.value)
    with store.transaction(actor=riley) as tx:
        accept_spans(tx, [span.id])  # now the gold layer exists
    with pytest.raises(ValidationError, match="gold layer's name"):
        open_project(backend_url, None, name)


def test_the_window_refuses_to_become_gold_and_keeps_its_name(
    qtbot: QtBot, open_window: Open, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_window("Some article.")
    warnings: list[str] = []
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("Gold", True)))
    monkeypatch.setattr(
        QMessageBox, "warning", staticmethod(lambda _parent, _title, text: warnings.append(text))
    )
    window.change_annotator()
    assert warnings and "gold layer's name" in warnings[0]
    assert window.project is not None and window.project.actor.name == "alice"
    assert "alice" in window.who.text() and QSettings().value("annotator/name") == "alice"


def test_on_postgresql_the_app_is_the_database_login(team: Team) -> None:
    alice = team.names["alice"]
    project = open_project(team.url_of("alice"), None, "someone typed in the app")
    try:
        assert (project.actor.name, project.store.login) == (alice, alice)
        with pytest.raises(ValidationError, match="logged in to the database as"):
            project.set_annotator(team.names["bob"])
        assert project.actor.name == alice
    finally:
        project.close()
