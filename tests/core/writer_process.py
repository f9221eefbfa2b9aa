"""A separate process that writes spans one transaction at a time and prints each id once committed.

Used by the concurrency and crash tests: ``python -m tests.core.writer_process URL DOC LABEL NAME COUNT``.
"""

from __future__ import annotations

import sys

from annotator.model import Document
from annotator.ops.annotations import create_span
from annotator.ops.projects import ensure_annotator
from annotator.store import open_store


def main(url: str, doc_id: int, label_id: int, name: str, count: int) -> None:
    store = open_store(url)
    with store.transaction() as tx:
        project_id = tx.session.get_one(Document, doc_id).project_id
        annotator_id = ensure_annotator(tx, project_id, name).id
    for i in range(count):
        start = i % 1000
        with store.transaction() as tx:
            span = create_span(tx, doc_id, start, start + 1 + i // 1000, label_id, annotator_id)
        # Acknowledged only after the commit returned.
        print(span.id, flush=True)
    store.close()


if __name__ == "__main__":
    url, doc, label, name, count = sys.argv[1:6]
    main(url, int(doc), int(label), name, int(count))
