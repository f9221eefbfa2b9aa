"""PostgreSQL: the server refuses the deletes the app refuses (migration 0025), to plain SQL too.

A login deletes a document only when it reviews the project or the document holds no one else's
labels; no login deletes a project, the admin does. Real logins, through their own connections.
"""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import DBAPIError

from annotator.model import Annotation, Document, Project
from annotator.store import open_store
from tests.core.cli_run import run
from tests.core.helpers import add_doc, upgrade_to
from tests.core.pg_team import Team, annotate_as
from tests.core.test_migration_0019 import _downgrade

DELETE = text("DELETE FROM document WHERE id = ANY(:ids)")
REFUSED = "holds other annotators' labels; only a reviewer may delete it"


def _delete(team: Team, who: str, *ids: int) -> int:
    """``who``'s plain SQL delete of documents ``ids``: the rows deleted."""
    engine = team.raw(who)
    try:
        with engine.connect() as conn:
            return conn.execute(DELETE, {"ids": list(ids)}).rowcount
    finally:
        engine.dispose()


def _restore(team: Team, who: str, doc: int) -> int:
    engine = team.raw(who)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT annotator_restore_trash(:d)"), {"d": doc}).scalar_one())
    finally:
        engine.dispose()


def _count(team: Team, model: type[Document] | type[Annotation] | type[Project]) -> int:
    admin = open_store(team.url)
    try:
        with admin.session() as s:
            return int(s.scalar(select(func.count()).select_from(model)) or 0)
    finally:
        admin.close()


def _docs(team: Team, *texts: str) -> list[int]:
    admin = open_store(team.url)
    try:
        return [add_doc(admin, team.project, body) for body in texts]
    finally:
        admin.close()


def _label(capsys: pytest.CaptureFixture[str], team: Team, who: str, doc: int) -> None:
    name = team.names[who]
    code, _out, err = run(
        capsys, "--db", team.url_of(who), "annotate", str(doc), "0", "4", "ACTOR", "--annotator", name
    )
    assert code == 0, err


def test_a_teammate_cannot_delete_by_sql_a_document_holding_anothers_labels(
    team: Team, capsys: pytest.CaptureFixture[str]
) -> None:
    assert annotate_as(capsys, team, "alice")[0] == 0
    (free,) = _docs(team, "An unlabelled text the council published.")
    with pytest.raises(DBAPIError, match=f"document {team.doc} {REFUSED}"):
        _delete(team, "bob", free, team.doc)
    assert _count(team, Document) == 2 and _count(team, Annotation) == 1  # all or nothing
    assert _delete(team, "alice", team.doc) == 1  # her own labels only: hers to delete


def test_a_teammate_deletes_unlabelled_documents_and_their_own_and_the_trash_gives_them_back(
    team: Team, capsys: pytest.CaptureFixture[str]
) -> None:
    free, own = _docs(team, "An unlabelled text the council published.", "Bobs text about the ferry.")
    _label(capsys, team, "bob", own)
    assert _delete(team, "bob", free, own) == 2
    assert _count(team, Document) == 1 and _count(team, Annotation) == 0
    assert _restore(team, "bob", own) == 1  # 0024's trash kept what the permitted delete took
    assert _count(team, Document) == 2 and _count(team, Annotation) == 1


def test_a_reviewer_deletes_any_document_by_sql(team: Team, capsys: pytest.CaptureFixture[str]) -> None:
    assert annotate_as(capsys, team, "alice")[0] == 0
    assert annotate_as(capsys, team, "bob", 6, 9)[0] == 0
    riley = team.names["riley"]
    with pytest.raises(DBAPIError, match=REFUSED):  # not yet a reviewer
        _delete(team, "riley", team.doc)
    assert run(capsys, "--db", team.url_of("riley"), "review", "role", riley, "reviewer")[0] == 0
    assert _delete(team, "riley", team.doc) == 1
    assert _count(team, Annotation) == 0
    assert _restore(team, "riley", team.doc) == 2 and _count(team, Annotation) == 2


def test_no_login_deletes_a_project_and_the_admin_does(
    team: Team, capsys: pytest.CaptureFixture[str]
) -> None:
    assert annotate_as(capsys, team, "alice")[0] == 0
    riley = team.names["riley"]
    assert run(capsys, "--db", team.url_of("riley"), "review", "role", riley, "reviewer")[0] == 0
    for who in ("alice", "riley"):  # an annotator whose labels are all there is, a reviewer
        engine = team.raw(who)
        with engine.connect() as conn, pytest.raises(DBAPIError, match="deleted only by the team's admin"):
            conn.execute(text("DELETE FROM project"))
        engine.dispose()
    assert _count(team, Project) == 1 and _count(team, Document) == 1
    admin = create_engine(team.url)
    with admin.begin() as conn:  # the owner: alice's labelled document, then the project
        # (a project that still holds spans is refused even to the owner: its annotators go
        # before their spans, which 0019's RESTRICT of annotation.annotator_id refuses)
        assert (
            conn.execute(text("DELETE FROM document WHERE project_id = :p"), {"p": team.project}).rowcount
            == 1
        )
        assert conn.execute(text("DELETE FROM project WHERE id = :p"), {"p": team.project}).rowcount == 1
    admin.dispose()
    assert (_count(team, Project), _count(team, Document), _count(team, Annotation)) == (0, 0, 0)


def test_the_apps_rm_keeps_the_cores_message_and_deletes_what_it_may(
    team: Team, capsys: pytest.CaptureFixture[str]
) -> None:
    assert annotate_as(capsys, team, "alice")[0] == 0
    (own,) = _docs(team, "Bobs text about the ferry.")
    _label(capsys, team, "bob", own)
    bob, url = team.names["bob"], team.url_of("bob")
    code, _out, err = run(capsys, "--db", url, "rm", str(team.doc), "--annotator", bob)
    assert code != 0 and f"document {team.doc} {REFUSED}" in err
    code, out, err = run(capsys, "--db", url, "rm", str(own), "--annotator", bob)
    assert code == 0 and "deleted 1 document(s) with 1 span(s)" in out, err
    code, out, err = run(capsys, "--db", url, "undo", "--annotator", bob)
    assert code == 0 and "undid" in out, err
    assert _count(team, Document) == 2 and _count(team, Annotation) == 2


def test_without_0025_a_teammate_deletes_it_the_upgrade_refuses_it_again(
    team: Team, capsys: pytest.CaptureFixture[str]
) -> None:
    """What the tests above check is the server's doing: without it bob's SQL delete goes through."""
    assert annotate_as(capsys, team, "alice")[0] == 0
    second = _docs(team, "Another text alice labelled.")[0]
    _label(capsys, team, "alice", second)
    owner = create_engine(team.url)
    try:
        with owner.begin() as conn:
            _downgrade(conn, "0024")
        assert _delete(team, "bob", team.doc) == 1
        engine = team.raw("bob")
        with engine.connect() as conn:  # and a project, but for the test's sake not this one
            conn.execute(
                text("INSERT INTO project (name, language, created_at) VALUES ('Scratch', 'en', now())")
            )
            assert conn.execute(text("DELETE FROM project WHERE name = 'Scratch'")).rowcount == 1
        engine.dispose()
        with owner.begin() as conn:
            upgrade_to(conn, "0025")
        with pytest.raises(DBAPIError, match=REFUSED):
            _delete(team, "bob", second)
    finally:
        owner.dispose()


def test_a_delete_only_the_server_refuses_says_so_and_leaves_everything(
    team: Team, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Alice labels the document between the core's check and bob's delete (a race): as if the
    core's check had passed, the server's refusal reaches bob with the core's words."""
    import annotator.ops.documents as documents

    assert annotate_as(capsys, team, "alice")[0] == 0
    monkeypatch.setattr(documents, "_check_may_delete", lambda _tx, _ids: None)
    bob = team.names["bob"]
    code, _out, err = run(capsys, "--db", team.url_of("bob"), "rm", str(team.doc), "--annotator", bob)
    assert code == 1 and f"document {team.doc} {REFUSED}" in err
    assert "database error" not in err and "psycopg" not in err  # the core's words alone
    admin = open_store(team.url)
    with admin.session() as s:  # no tombstone, no trash: the whole step was rolled back
        assert s.scalar(text("SELECT count(*) FROM deleted_document")) == 0
        assert s.scalar(text("SELECT count(*) FROM document_trash")) == 0
    admin.close()
    assert _count(team, Document) == 1 and _count(team, Annotation) == 1
