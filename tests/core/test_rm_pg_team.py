"""PostgreSQL: a reviewer who deletes a document teammates labelled can undo it, and their labels
come back as theirs; nobody can bring back rows that were not those deleted."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError

from annotator.model import Annotation, Annotator, Document
from annotator.store import open_store
from tests.core.cli_run import run
from tests.core.pg_team import Team, annotate_as


def _spans(team: Team) -> list[tuple[int, int, str]]:
    store = team.store("riley")
    with store.session() as s:
        found = s.execute(
            select(Annotation.start, Annotation.end, Annotator.name).join(
                Annotator, Annotator.id == Annotation.annotator_id
            )
        ).all()
    store.close()
    return sorted((a, b, who) for a, b, who in found)


def test_a_reviewers_delete_of_a_labelled_document_is_undone_with_the_labels(
    team: Team, capsys: pytest.CaptureFixture[str]
) -> None:
    alice, riley = team.names["alice"], team.names["riley"]
    assert annotate_as(capsys, team, "alice")[0] == 0
    assert annotate_as(capsys, team, "bob", 6, 9)[0] == 0
    before = _spans(team)
    assert [who for *_e, who in before] == [alice, team.names["bob"]]
    riley_url = team.url_of("riley")
    code, _out, err = run(capsys, "--db", riley_url, "review", "role", riley, "reviewer")
    assert code == 0, err
    code, out, err = run(capsys, "--db", riley_url, "rm", str(team.doc), "--annotator", riley)
    assert code == 0 and "deleted 1 document(s) with 2 span(s)" in out, err
    assert _spans(team) == []
    code, out, err = run(capsys, "--db", riley_url, "undo", "--annotator", riley)
    assert code == 0 and "undid" in out, err
    assert _spans(team) == before  # alice's and bob's, as they were


def _trash(team: Team) -> list[tuple[int, str]]:
    with team.raw("alice").connect() as conn:  # any login reads it
        return sorted(
            (doc, table)
            for doc, table in conn.execute(text("SELECT document_id, table_name FROM document_trash"))
        )


def test_the_trash_holds_only_what_a_deleted_document_took_and_nobody_writes_it(
    team: Team, capsys: pytest.CaptureFixture[str]
) -> None:
    assert annotate_as(capsys, team, "alice")[0] == 0
    code, _out, err = run(capsys, "--db", team.url_of("alice"), "undo", "--annotator", team.names["alice"])
    assert code == 0, err
    assert _trash(team) == []  # a span deleted (here by undo) from a document that stays: no copy
    assert annotate_as(capsys, team, "alice")[0] == 0
    riley = team.names["riley"]
    assert run(capsys, "--db", team.url_of("riley"), "review", "role", riley, "reviewer")[0] == 0
    assert run(capsys, "--db", team.url_of("riley"), "rm", str(team.doc), "--annotator", riley)[0] == 0
    assert _trash(team) == [(team.doc, "annotation"), (team.doc, "document")]
    alice = team.raw("alice")
    with alice.connect() as conn:
        with pytest.raises(DBAPIError, match="row-level security"):  # nobody plants rows to restore
            conn.execute(
                text(
                    'INSERT INTO document_trash (document_id, table_name, "row", deleted_by, deleted_at) '
                    "VALUES (1, 'annotation', '{}', 'x', now())"
                )
            )
        conn.execute(text("DELETE FROM document_trash"))  # nor takes them away
    alice.dispose()
    assert len(_trash(team)) == 2


def test_the_rows_come_back_only_onto_the_same_text_and_for_the_deleter_or_a_reviewer(
    team: Team, capsys: pytest.CaptureFixture[str]
) -> None:
    assert annotate_as(capsys, team, "bob")[0] == 0
    bob = team.names["bob"]
    before = _spans(team)
    admin = open_store(team.url)
    with admin.session() as s:
        original = s.execute(select(Document.text, Document.content_hash)).one()
    admin.close()
    assert run(capsys, "--db", team.url_of("bob"), "rm", str(team.doc), "--annotator", bob)[0] == 0
    admin = open_store(team.url)  # the document back, but with another text
    with admin.transaction() as tx:
        tx.session.add(Document(id=team.doc, project_id=team.project, text="another", content_hash="x" * 64))
    admin.close()
    restore = text("SELECT annotator_restore_trash(:d)")
    bobs = team.raw("bob")
    with bobs.connect() as conn, pytest.raises(DBAPIError, match="not back as it was deleted"):
        conn.execute(restore, {"d": team.doc})
    bobs.dispose()
    admin = open_store(team.url)  # now as it was
    with admin.transaction() as tx:
        tx.session.execute(update(Document).values(text=original[0], content_hash=original[1]))
    admin.close()
    alices = team.raw("alice")
    with (
        alices.connect() as conn,
        pytest.raises(DBAPIError, match="only that login, a reviewer or the admin"),
    ):
        conn.execute(restore, {"d": team.doc})
    alices.dispose()
    assert _spans(team) == [] and len(_trash(team)) == 2
    bobs = team.raw("bob")
    with bobs.connect() as conn:
        assert conn.execute(restore, {"d": team.doc}).scalar_one() == 1
    bobs.dispose()
    assert _spans(team) == before and _trash(team) == []


def test_the_migration_keeps_every_table_that_goes_with_a_document() -> None:
    from importlib import import_module

    from annotator.ops.documents import _dependents

    migration = import_module("annotator.migrations.versions.0024_document_trash")
    assert set(migration.TABLES) == {table.name for table, _refs in _dependents()}


def test_a_document_deleted_outside_the_app_comes_back_whole_from_the_trash(
    team: Team, capsys: pytest.CaptureFixture[str]
) -> None:
    assert annotate_as(capsys, team, "alice")[0] == 0
    before = _spans(team)
    admin = open_store(team.url)
    with admin.session() as s:
        original = s.execute(select(Document.text, Document.title, Document.content_hash)).one()
    admin.close()
    alices = team.raw("alice")
    with alices.connect() as conn:  # with psql: a login may delete a document of its own labels (0025)
        conn.execute(text("DELETE FROM document WHERE id = :d"), {"d": team.doc})
    alices.dispose()
    assert _spans(team) == []
    riley = team.names["riley"]
    assert run(capsys, "--db", team.url_of("riley"), "review", "role", riley, "reviewer")[0] == 0
    rileys = team.raw("riley")
    with rileys.connect() as conn:  # a reviewer (or the admin) brings it back, text and labels
        assert conn.execute(text("SELECT annotator_restore_trash(:d)"), {"d": team.doc}).scalar_one() == 1
    rileys.dispose()
    assert _spans(team) == before and _trash(team) == []
    admin = open_store(team.url)
    with admin.session() as s:
        assert s.execute(select(Document.text, Document.title, Document.content_hash)).one() == original
    admin.close()
