"""The document list's text filter through the full-text index (migration 0018, annotator/search.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from annotator.model import Project
from annotator.ops.documents import delete_documents, set_status
from annotator.project import open_project
from annotator.queries import count_documents, find_documents
from annotator.search import fts5_query, tsquery
from annotator.store import Store, open_store
from tests.conftest import pg_database
from tests.core.helpers import add_doc, upgrade_to

FIXTURE = Path(__file__).parents[1] / "fixtures" / "migrations" / "schema-0003.db"
HOSTILE = [
    '"',
    '""',
    'a"b',
    "'",
    "it's",
    "*",
    "x*",
    "NEAR(a b)",
    "a AND",
    "OR",
    "-x",
    "^a",
    "(",
    ")",
    ":",
    "title:harbour",
    "\\",
    "%",
    "_",
    "😀",
    "a & b",
    "!b",
    "a <-> b",
    "a:*",
    "{a b}",
    "+",
]


def _found(store: Store, project_id: int, typed: str) -> list[int]:
    with store.session() as session:
        rows = [r.id for r in find_documents(session, project_id, text=typed)]
        assert count_documents(session, project_id, text=typed) == len(rows)
    return rows


def test_the_filter_finds_words_and_word_starts_in_title_or_text(store: Store, project: Project) -> None:
    bridge = add_doc(store, project.id, "The harbour bridge is closed until May.", title="Bridge")
    budget = add_doc(store, project.id, "Council votes on the budget.", title="Budget 100% agreed")
    other = add_doc(store, project.id, "Nothing about it_here. 😀 Zürich", title="Other")
    assert _found(store, project.id, "BRIDGE") == [bridge]
    assert _found(store, project.id, "harbour bri") == [bridge]  # a phrase, the last word a prefix
    assert _found(store, project.id, "Harbour, bridge!") == [bridge]  # punctuation between words
    assert _found(store, project.id, "bridge harbour") == []  # words in that order
    assert _found(store, project.id, "ridge") == []  # word starts, not any substring (documented)
    assert _found(store, project.id, "budg") == [budget]
    assert _found(store, project.id, "100%") == [budget]
    assert _found(store, project.id, "agreed") == [budget]  # from the title alone
    assert _found(store, project.id, "it_h") == [other]
    assert _found(store, project.id, "zürich") == [other]
    assert _found(store, project.id, "😀") == [other]  # no letter or digit: a substring scan
    assert _found(store, project.id, "the") == [bridge, budget]
    with store.transaction() as tx:
        set_status(tx, [budget], "done")
    with store.session() as session:
        assert count_documents(session, project.id, text="the", status="done") == 1
        assert [r.id for r in find_documents(session, project.id, text="the", offset=1, limit=1)] == [budget]


def test_a_count_can_stop_early_and_pages_keep_id_order(store: Store, project: Project) -> None:
    ids = [add_doc(store, project.id, f"Harbour report number {n}.") for n in range(5)]
    add_doc(store, project.id, "Nothing else.")
    with store.session() as session:
        assert count_documents(session, project.id, text="harbour", at_most=3) == 3
        assert count_documents(session, project.id, text="harbour", at_most=10) == 5
        assert count_documents(session, project.id, text="zzz", at_most=3) == 0
        assert count_documents(session, project.id, at_most=4) == 4
        pages = [find_documents(session, project.id, text="harb", offset=o, limit=2) for o in (0, 2, 4)]
    assert [row.id for page in pages for row in page] == ids


def test_quotes_and_query_syntax_typed_by_the_user_never_raise(store: Store, project: Project) -> None:
    doc = add_doc(store, project.id, 'He said "a b" and it\'s NEAR the (harbour) at 5:30 & more.')
    for typed in HOSTILE:
        _found(store, project.id, typed)
    assert _found(store, project.id, '"a b"') == [doc]
    assert _found(store, project.id, "it's") == [doc]
    assert _found(store, project.id, "NEAR the (harb") == [doc]
    assert _found(store, project.id, "5:30 &") == [doc]


def test_query_strings_leave_no_syntax_to_the_user() -> None:
    assert fts5_query('say "no" NEAR') == '"say ""no"" NEAR" *'
    assert tsquery("It's a:* & b") == "'it' <-> 's' <-> 'a' <-> 'b':*"


def test_inserted_updated_and_deleted_documents_keep_the_index_in_step(
    store: Store, project: Project
) -> None:
    doc = add_doc(store, project.id, "Fishermen protest at the quay.", title="Quay")
    assert _found(store, project.id, "fishermen") == [doc]
    with store.transaction() as tx:
        tx.session.execute(
            text("UPDATE document SET text = 'Farmers block the motorway.', title = 'Road' WHERE id = :d"),
            {"d": doc},
        )
    assert _found(store, project.id, "fishermen") == []
    assert _found(store, project.id, "quay") == []
    assert _found(store, project.id, "farmers block") == [doc]
    assert _found(store, project.id, "road") == [doc]
    with store.transaction() as tx:
        set_status(tx, [doc], "done")  # a status change leaves the index alone
    assert _found(store, project.id, "motorway") == [doc]
    with store.transaction() as tx:
        delete_documents(tx, [doc])
    assert _found(store, project.id, "farmers") == []
    again = add_doc(store, project.id, "Farmers again.")
    assert _found(store, project.id, "farmers") == [again]
    if store.engine.dialect.name == "sqlite":
        with store.session() as session:  # FTS5's own check: the index equals the content
            session.execute(text("INSERT INTO document_fts(document_fts) VALUES ('integrity-check')"))


def test_the_document_list_of_an_opened_project_filters_by_words(backend_url: str) -> None:
    store = open_store(backend_url)
    with store.transaction() as tx:
        from annotator.ops.projects import create_project, ensure_annotator

        p = create_project(tx, "Words")
        ensure_annotator(tx, p.id, "alice")
    ids = [add_doc(store, p.id, f"Report {n} on fisheries quotas.") for n in range(3)]
    store.close()
    opened = open_project(backend_url, "Words", "alice")
    try:
        assert opened.document_total(text="fisheries quota") == 3
        assert [r.id for r in opened.documents(text="fish", limit=2)] == ids[:2]
    finally:
        opened.close()


def test_an_existing_sqlite_project_is_indexed_by_the_migration(tmp_path: Path) -> None:
    copy = tmp_path / FIXTURE.name
    shutil.copy(FIXTURE, copy)
    store = open_store(f"sqlite:///{copy}")
    try:
        with store.session() as session:
            project_id = session.execute(text("SELECT project_id FROM document WHERE id = 1")).scalar_one()
            found = [r.id for r in find_documents(session, project_id, text="harbour")]
            rows = session.execute(
                text("SELECT count(*) FROM document_fts WHERE document_fts MATCH 'harbour'")
            )
            assert rows.scalar_one() == len(found) >= 2
            assert [r.id for r in find_documents(session, project_id, text="lindell council del")] == [1]
    finally:
        store.close()


def test_an_existing_postgresql_project_gets_the_gin_index(request: pytest.FixtureRequest) -> None:
    request.getfixturevalue("pg_template")
    with pg_database() as url:
        engine = create_engine(url)
        with engine.begin() as conn:
            upgrade_to(conn, "0017")
            conn.execute(
                text(
                    "INSERT INTO project (id, name, language, created_at) VALUES (1, 'P', 'en', '2026-12-04')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO document (id, project_id, text, content_hash, meta, status, review_status, "
                    "created_at, title) VALUES (1, 1, 'Dockworkers strike again.', 'h', '{}', 'new', 'open', "
                    "'2026-12-04', 'Port')"
                )
            )
        engine.dispose()
        store = open_store(url)
        try:
            with store.session() as session:
                assert [r.id for r in find_documents(session, 1, text="dockwork")] == [1]
                session.execute(text("SET LOCAL enable_seqscan = off"))
                plan = "\n".join(
                    row[0]
                    for row in session.execute(
                        text(
                            "EXPLAIN SELECT id FROM document WHERE to_tsvector('simple'::regconfig, "
                            "coalesce(document.title, '') || ' ' || document.text) @@ to_tsquery('simple', 'port')"
                        )
                    )
                )
            assert "ix_document_search" in plan
        finally:
            store.close()
