"""One side of a race over a document, in a process of its own (tests/core/test_references_race.py).

``python -m tests.core.reference_race_process URL insert|delete DOC LABEL ANNOTATOR``: in one
transaction, inserts 20 spans into the document by the import's bulk path (COPY on PostgreSQL)
or deletes the document; prints ``done`` (or ``refused SQLSTATE``) when the statement returns,
then waits for a line on stdin before committing and prints ``committed``.
"""

from __future__ import annotations

import sys

from sqlalchemy import Table, text

from annotator.bulk import bulk_insert
from annotator.model import Annotation, utcnow
from annotator.ops.importer import SPAN_COLUMNS
from annotator.store import open_store

ANNOTATION: Table = Annotation.__table__  # type: ignore[assignment]
COLUMNS = SPAN_COLUMNS[1:]  # all but the id, which the sequence draws


def main(url: str, action: str, doc: int, label: int, who: int) -> None:
    store = open_store(url)
    with store.engine.connect() as conn:
        conn.begin()
        try:
            if action == "insert":
                now = utcnow()
                rows = [(doc, who, label, i, i + 1, "x", now, now, 1) for i in range(20)]
                bulk_insert(conn, ANNOTATION, COLUMNS, rows, binary=True)
            else:
                conn.execute(text("DELETE FROM document WHERE id = :d"), {"d": doc})
        except Exception as exc:
            cause = getattr(exc, "orig", exc)
            print("refused", getattr(cause, "sqlstate", type(cause).__name__), flush=True)
            return
        print("done", flush=True)
        sys.stdin.readline()
        conn.commit()
    print("committed", flush=True)
    store.close()


if __name__ == "__main__":
    url, action, doc, label, who = sys.argv[1:6]
    main(url, action, int(doc), int(label), int(who))
