"""How long a merge holds SQLite's write lock, beside how long it takes (issue 11 §5).

A project of N documents with alice's spans; a teammate's native export of the same documents
with carol's spans. Merged twice: the first merge adds every span of carol's, the second finds
nothing to change. For each: the whole merge, and the time between taking the write lock
(BEGIN IMMEDIATE returned) and committing; other writers wait at most that long.

    python -m benchmarks.bench_merge 2000 20000
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event

from annotator.ops.importer import import_records
from annotator.ops.projects import create_project
from annotator.records import DocRecord, SpanRecord
from annotator.review.merge import merge, read_source
from annotator.store import WRITE, open_store

SPANS = 10
WORDS = [
    "the",
    "mayor",
    "said",
    "that",
    "the",
    "bridge",
    "will",
    "open",
    "in",
    "may",
    "and",
    "critics",
    "disagree",
    "with",
    "her",
]


def _text(i: int) -> str:
    body = " ".join(WORDS[(i + k) % len(WORDS)] for k in range(150))
    return f"Article {i}. {body}."


def _spans(text: str, who: str) -> list[SpanRecord]:
    out = []
    for k in range(SPANS):
        start = 12 + k * 60
        out.append(SpanRecord(start, start + 20, "CLAIM", who, text[start : start + 20], str(k + 1)))
    return out


def run(docs: int, folder: Path) -> dict[str, Any]:
    store = open_store(f"sqlite:///{folder / f'team-{docs}.db'}")
    with store.transaction() as tx:
        project_id = create_project(tx, "Team").id
        import_records(
            tx, project_id, [DocRecord(_text(i), spans=_spans(_text(i), "alice")) for i in range(docs)]
        )
    source = folder / f"carol-{docs}.jsonl"
    as_of = datetime.now(UTC).replace(tzinfo=None).isoformat()
    with source.open("w", encoding="utf-8") as fh:
        for i in range(docs):
            text = _text(i)
            spans = [
                {
                    "id": s.key,
                    "start": s.start,
                    "end": s.end,
                    "label": s.label,
                    "text": s.text,
                    "annotator": "carol",
                }
                for s in _spans(text, "carol")
            ]
            fh.write(json.dumps({"text": text, "spans": spans, "as_of": as_of}) + "\n")
    held: list[float] = []
    began: list[float] = []

    def on_begin(conn: Any) -> None:
        if conn.get_execution_options().get(WRITE):
            began.append(time.perf_counter())

    def on_commit(conn: Any) -> None:
        if began:
            held.append(time.perf_counter() - began.pop())

    event.listen(store.engine, "begin", on_begin)  # after the store's own BEGIN IMMEDIATE
    event.listen(store.engine, "commit", on_commit)
    results: dict[str, Any] = {"documents": docs, "spans per document": SPANS}
    records = read_source(source)
    for name in ("first merge (adds)", "second merge (no change)"):
        held.clear()
        start = time.perf_counter()
        summary = merge(store, project_id, records)
        total = time.perf_counter() - start
        results[name] = {"merge s": round(total, 2), "write lock held s": round(sum(held), 2)}
        results[name]["summary"] = summary.summary()
    store.close()
    return results


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [2000]
    with tempfile.TemporaryDirectory() as tmp:
        for docs in sizes:
            print(json.dumps(run(docs, Path(tmp)), indent=1), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
