"""Finding documents by the words of their title and text, through the full-text index.

The index (migration 0018) is FTS5 on SQLite and a GIN index of 'simple' tsvectors on
PostgreSQL. What a filter finds, on both: the documents whose title or text holds the words
typed, next to each other and in that order, the last one as the start of a word (the user may
still be typing it), ignoring case and, on SQLite, accents. "harbour bri" finds "the Harbour
Bridge"; "ridge" does not find "bridge" (the filter matched any substring before 0018: that
cannot use an index). Text with no letter or digit at all ("%", "😀") is matched as a substring,
by a scan. What the user types is never read as query syntax: quotes, stars, NEAR, AND/OR and
parentheses are ordinary characters, so no input can raise.
"""

from __future__ import annotations

import re
import weakref
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, column, or_, table, text
from sqlalchemy.orm import Session

from annotator.model import Document

FTS = table("document_fts", column("rowid"))
# Letters and digits: the characters both indexes keep as parts of words.
WORD = re.compile(r"[^\W_]+")
# The expression PostgreSQL's GIN index was built on (migration 0018): the planner uses the index
# only for this exact expression.
PG_VECTOR = "to_tsvector('simple'::regconfig, coalesce(document.title, '') || ' ' || document.text)"

# The list's order (document id) as a column expression, as the FTS join's rowid is one.
DOCUMENT_ID: ColumnElement[Any] = Document.id.expression

_fts_tables: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()


def words(typed: str) -> list[str]:
    return WORD.findall(typed)


def fts5_query(typed: str) -> str:
    """An FTS5 MATCH string: the typed text as one phrase (quotes doubled), the last word a prefix.

    FTS5 splits the phrase with the same tokenizer as the index, so accents and punctuation are
    handled as in the documents; the phrase syntax leaves no operator to the user.
    """
    return '"' + typed.replace('"', '""') + '" *'


def tsquery(typed: str) -> str:
    """A to_tsquery string: the words as a phrase (``<->``), the last a prefix (``:*``)."""
    terms = [f"'{w.lower()}'" for w in words(typed)]
    terms[-1] += ":*"
    return " <-> ".join(terms)


def has_fts5(session: Session) -> bool:
    """Whether this SQLite database has ``document_fts`` (a build without FTS5 has none)."""
    engine = session.get_bind().engine
    found = _fts_tables.get(engine)
    if found is None:
        found = (
            session.execute(
                text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'document_fts'")
            ).first()
            is not None
        )
        _fts_tables[engine] = found
    return found


def substring(typed: str) -> ColumnElement[bool]:
    """Title or text holds ``typed`` anywhere, ignoring case (a scan of every text)."""
    pattern = "%" + typed.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return or_(Document.title.ilike(pattern, escape="\\"), Document.text.ilike(pattern, escape="\\"))


def drives(session: Session, typed: str) -> bool:
    """Whether filtering by ``typed`` joins from ``document_fts`` (SQLite with FTS5, words typed).

    Then the project's own condition must not use its index: SQLite, without statistics, takes an
    indexed equality for a handful of rows and would run the MATCH once per document of the
    project (seconds on a large one) instead of once (see ``queries._document_filter``)."""
    return bool(words(typed)) and session.get_bind().dialect.name == "sqlite" and has_fts5(session)


def restrict(session: Session, query: Select[Any], typed: str) -> tuple[Select[Any], ColumnElement[Any]]:
    """``query`` (over ``document``) kept to what the user typed in the list's filter box, and the
    column to order it by for the list's id order.

    On SQLite the index drives: a join from ``document_fts``, ordered by its rowid (the document
    id), which FTS5 yields in order, so the first page of a word that half the documents hold
    stops after that page instead of collecting every match first.
    """
    if not words(typed):
        return query.where(substring(typed)), DOCUMENT_ID
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        matches = text(f"{PG_VECTOR} @@ to_tsquery('simple'::regconfig, :fts_query)")
        return query.where(matches.bindparams(fts_query=tsquery(typed))), DOCUMENT_ID
    if drives(session, typed):
        matches = text("document_fts MATCH :fts_query").bindparams(fts_query=fts5_query(typed))
        return query.join_from(Document, FTS, FTS.c.rowid == Document.id).where(matches), FTS.c.rowid
    return query.where(substring(typed)), DOCUMENT_ID
