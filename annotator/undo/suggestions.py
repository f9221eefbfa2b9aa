"""A suggestion run as an undoable step: the suggestions it stored and the undecided ones it replaced.

A run (``annotator.suggest.engines.run``) stores an engine's suggestions document by document and
replaces that source's undecided earlier ones. ``RunJournal`` images the source's suggestions of
each batch of documents before and after, so the step holds exactly the rows the run added and
removed; undo removes what it added and puts back what it replaced (same ids), redo the reverse.
A suggestion someone accepted or rejected since is never removed: the step is refused, naming it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from annotator.errors import ConflictError
from annotator.model import Annotator, SuggestionDecision
from annotator.tx import Tx
from annotator.undo import rows
from annotator.undo.rows import RowChange, Snapshot, Step

KIND = "suggestions"
BATCH = 200  # documents imaged per pair of statements


class RunJournal:
    """What a suggestion run of ``source`` changed, batch by batch of documents."""

    def __init__(self, session: Session, source: str) -> None:
        self.session = session
        self.source = source
        self.changes: list[RowChange] = []

    def capture(self, documents: Sequence[int]) -> Snapshot:
        t = rows.TABLES
        spans, links = t["suggestion"].c, t["relation_suggestion"].c
        mine = and_(spans.document_id.in_(documents), spans.source == self.source)
        theirs = and_(links.document_id.in_(documents), links.source == self.source)
        return {
            "suggestion": rows._read(self.session, "suggestion", mine),
            "relation_suggestion": rows._read(self.session, "relation_suggestion", theirs),
        }

    @contextmanager
    def batch(self, documents: Sequence[int]) -> Iterator[None]:
        """Image the documents' suggestions of this source around the block that stores them."""
        self.session.flush()
        before = self.capture(documents)
        yield
        self.session.flush()
        self.changes += rows.diff(before, self.capture(documents))


def apply(tx: Tx, step: Step, *, undo: bool) -> None:
    """Undo or redo a run, refusing to remove a suggestion someone decided on since."""
    gone = {
        table: [c.id for c in step.changes if c.table == table and c.side(undo) is None]
        for table in ("suggestion", "relation_suggestion")
    }
    decided = SuggestionDecision
    for table, column in (
        ("suggestion", decided.suggestion_id),
        ("relation_suggestion", decided.relation_suggestion_id),
    ):
        ids = gone[table]
        for lo in range(0, len(ids), rows.CHUNK):
            query = (
                select(column, Annotator.name, decided.decision)
                .join(Annotator, Annotator.id == decided.annotator_id)
                .where(column.in_(ids[lo : lo + rows.CHUNK]))
                .limit(1)
            )
            found = tx.session.execute(query).first()
            if found is not None:
                what = "suggestion" if table == "suggestion" else "relation suggestion r"
                raise ConflictError(
                    f"{what}{'' if table == 'relation_suggestion' else ' '}{found[0]} was {found[2]} "
                    f"since by {found[1]}; refused so as not to lose that decision"
                )
    rows.apply(tx, step.changes, undo=undo, owners=False)
