"""The agreement panel (Ctrl+Shift+G) shows the actor-link figures under the attributes: which
registry actor matched ACTOR spans link to and whose actor matched quotes are attributed to."""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.qtbot import QtBot

from annotator.actors import add_actor, link_span
from annotator.model import Project, RelationType, Role
from annotator.ops.annotations import create_span
from annotator.ops.projects import ensure_annotator
from annotator.ops.relations import create_relation
from annotator.store import Store
from tests.ui.conftest import add_docs
from tests.ui.helpers import label_id
from ui.main_window import MainWindow
from ui.qt import Qt

Open = Callable[..., MainWindow]
TEXT = "Nadia Okafor said the port reopens. Tomas Lind said it stays shut. Both spoke at noon."


def test_agreement_panel_shows_actor_link_rows(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    [doc] = add_docs(store, project.id, TEXT)
    actor, quote = label_id(store, project.id, "ACTOR"), label_id(store, project.id, "QUOTE")
    with store.transaction() as tx:
        ensure_annotator(tx, project.id, "riley", Role.REVIEWER)
        people = {n: ensure_annotator(tx, project.id, n).id for n in ("alice", "bob")}
        nadia, tomas = (add_actor(tx, project.id, n).id for n in ("Nadia Okafor", "Tomas Lind"))
        speaker = tx.session.query(RelationType).filter_by(project_id=project.id, name="speaker").one().id
        # alice and bob agree on Nadia; on the second mention bob picked the wrong actor.
        for who, second in (("alice", tomas), ("bob", nadia)):
            for name, words, linked in (
                ("Nadia Okafor", "the port reopens", nadia),
                ("Tomas Lind", "it stays shut", second),
            ):
                start, at = TEXT.index(name), TEXT.index(words)
                mention = create_span(tx, doc, start, start + len(name), actor, people[who])
                link_span(tx, mention.id, linked)
                said = create_span(tx, doc, at, at + len(words), quote, people[who])
                create_relation(tx, said.id, mention.id, speaker, people[who])
    window = open_window(annotator="riley")
    qtbot.keyClick(
        window, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    panel = window.review.agreement
    assert panel is not None
    qtbot.waitUntil(lambda: panel.figures is not None, timeout=15000)
    table = panel.attributes
    assert table.isVisible()

    def cell(r: int, c: int) -> str:
        item = table.item(r, c)
        assert item is not None
        return item.text()

    rows = {cell(r, 0): [cell(r, c) for c in range(1, 4)] for r in range(table.rowCount())}
    figures = panel.figures
    assert figures is not None
    # one pair, two matched mentions: agree 1/2, chance (1·2 + 1·0)/4 = 1/2 → κ 0
    assert rows["ACTOR → registry actor"] == [
        "0.00",
        f"{figures.by_actor['actor ACTOR']['alpha']:.2f}",
        "2",
    ]
    assert rows["QUOTE → speaker's actor"][2] == "2"
    assert list(rows) == [
        "ACTOR → registry actor",
        "QUOTE → speaker's actor",
        "QUOTE+CLAIM → speaker's actor",
    ]
    panel.close()
