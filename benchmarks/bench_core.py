"""Import and export of a large corpus, each beside its floor measured in the same run.

Floors: raw ``sqlite3`` executemany of the same rows, and a plain ``json`` dump of the same data
read back with raw SQL. Ours: the real code paths (native JSONL → import_records; export()).
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from annotator.export import export
from annotator.formats import native
from annotator.ops.documents import import_records
from annotator.ops.projects import create_project
from annotator.store import open_store
from benchmarks.corpus import corpus


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def write_corpus(path: Path, docs: int, spans: int) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for doc in corpus(docs, spans):
            fh.write(json.dumps(doc, ensure_ascii=False) + "\n")
    return path


def floor_import(rows: list[dict[str, Any]], db: Path) -> None:
    """Raw SQLite: the same documents and spans, executemany, one transaction."""
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("CREATE TABLE document (id INTEGER PRIMARY KEY, text TEXT, title TEXT)")
    con.execute(
        'CREATE TABLE annotation (id INTEGER PRIMARY KEY, document_id INT, start INT, "end" INT, label TEXT, '
        "annotator TEXT, text TEXT)"
    )
    con.execute("CREATE INDEX ix_doc ON annotation (document_id, start)")
    with con:
        con.executemany(
            "INSERT INTO document (id, text, title) VALUES (?, ?, ?)",
            ((i, d["text"], d["title"]) for i, d in enumerate(rows, 1)),
        )
        con.executemany(
            'INSERT INTO annotation (document_id, start, "end", label, annotator, text) VALUES (?, ?, ?, ?, ?, ?)',
            (
                (i, s["start"], s["end"], s["label"], s["annotator"], s["text"])
                for i, d in enumerate(rows, 1)
                for s in d["spans"]
            ),
        )
    con.close()


def floor_export(db: Path, out: Path) -> None:
    """Plain json dump of the same data, read back with raw SQL."""
    con = sqlite3.connect(db)
    spans: dict[int, list[dict[str, Any]]] = {}
    for doc_id, start, end, label, who, text in con.execute(
        'SELECT document_id, start, "end", label, annotator, text FROM annotation ORDER BY document_id, start'
    ):
        spans.setdefault(doc_id, []).append(
            {"start": start, "end": end, "label": label, "annotator": who, "text": text}
        )
    with out.open("w", encoding="utf-8") as fh:
        for doc_id, text, title in con.execute("SELECT id, text, title FROM document ORDER BY id"):
            fh.write(json.dumps({"text": text, "title": title, "spans": spans.get(doc_id, [])}, ensure_ascii=False))
            fh.write("\n")
    con.close()


def run(docs: int = 10_000, spans: int = 20, url: str | None = None) -> dict[str, float]:
    """One run of every case; returns seconds by case name."""
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        source = write_corpus(tmp / "corpus.jsonl", docs, spans)
        rows = [json.loads(line) for line in source.open(encoding="utf-8")]
        results["floor_import"] = timed(lambda: floor_import(rows, tmp / "floor.db"))
        results["floor_export"] = timed(lambda: floor_export(tmp / "floor.db", tmp / "floor.jsonl"))
        results["parse_native"] = timed(lambda: list(native.read(source)))

        store = open_store(url or f"sqlite:///{tmp / 'ours.db'}")
        with store.transaction() as tx:
            project_id = create_project(tx, f"bench-{time.time_ns()}").id

        def ours_import() -> None:
            records = list(native.read(source))
            with store.transaction() as tx:
                import_records(tx, project_id, records)

        results["import_native"] = timed(ours_import)
        with store.session() as session:
            results["export_native"] = timed(lambda: export(session, project_id, "jsonl", tmp / "ours.jsonl"))
        store.close()
    return results


if __name__ == "__main__":
    import sys

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    for name, seconds in run(n).items():
        print(f"{name:16s} {seconds:7.3f} s")
