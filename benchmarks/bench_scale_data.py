"""The million-document benchmark's data: the corpus files, the raw floors, growing a project.

Split from ``bench_scale`` (files stay under 450 lines); see its docstring for the floors.
"""

from __future__ import annotations

import importlib
import itertools
import json
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchmarks.corpus import corpus

# The project's own full-text index, as migration 0018 makes it (same columns, same tokenizer).
FTS_TABLE: str = importlib.import_module("annotator.migrations.versions.0018_document_search").FTS_TABLE
CHUNK = 50_000  # documents per import file: what one `annotator import` of a file reads at once


def cpu_seconds() -> float:
    """CPU time of this process and of its children that ended (a forked export half): on a shared
    machine wall time also counts waiting for the other jobs; this does not."""
    times = os.times()
    return time.process_time() + times.children_user + times.children_system


def write_chunks(folder: Path, docs: int, spans: int = 20) -> list[Path]:
    """The corpus as JSONL files of CHUNK documents each (streamed from the seeded generator)."""
    paths: list[Path] = []
    stream = corpus(docs, spans)
    for n in itertools.count():
        part = list(itertools.islice(stream, CHUNK))
        if not part:
            return paths
        path = folder / f"corpus-{n:03}.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(doc, ensure_ascii=False) + "\n" for doc in part)
        paths.append(path)
    raise AssertionError("unreachable: itertools.count() never ends")


def _docs(paths: list[Path]) -> Iterator[dict[str, Any]]:
    for path in paths:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                yield json.loads(line)


def floor_import(paths: list[Path], db: Path, *, fts: bool = True) -> None:
    """json.loads and sqlite3 executemany of the same documents, spans and relations, in batches,
    and (``fts``) the same full-text index, built at the end in one statement (its cheapest way)."""
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("CREATE TABLE document (id INTEGER PRIMARY KEY, text TEXT, title TEXT)")
    con.execute(
        'CREATE TABLE annotation (id INTEGER PRIMARY KEY, document_id INT, start INT, "end" INT, '
        "label TEXT, annotator TEXT, text TEXT)"
    )
    con.execute("CREATE INDEX ix_doc ON annotation (document_id, start)")
    con.execute(
        "CREATE TABLE relation (id INTEGER PRIMARY KEY, source INT, target INT, type TEXT, annotator TEXT)"
    )
    doc_id = span_id = 0
    stream = _docs(paths)
    with con:
        while batch := list(itertools.islice(stream, 10_000)):
            docs, spans, relations = [], [], []
            for doc in batch:
                doc_id += 1
                docs.append((doc_id, doc["text"], doc["title"]))
                ids = {}
                for s in doc["spans"]:
                    span_id += 1
                    ids[s["id"]] = span_id
                    spans.append(
                        (span_id, doc_id, s["start"], s["end"], s["label"], s["annotator"], s["text"])
                    )
                relations += [
                    (ids[r["from"]], ids[r["to"]], r["type"], r["annotator"]) for r in doc["relations"]
                ]
            con.executemany("INSERT INTO document (id, text, title) VALUES (?, ?, ?)", docs)
            con.executemany(
                'INSERT INTO annotation (id, document_id, start, "end", label, annotator, text) '
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                spans,
            )
            con.executemany(
                "INSERT INTO relation (source, target, type, annotator) VALUES (?, ?, ?, ?)", relations
            )
        if fts:  # the index the document list filters by (migration 0018), built once at the end
            con.execute(FTS_TABLE)
            con.execute("INSERT INTO document_fts(document_fts) VALUES ('rebuild')")
    con.close()


def floor_export(db: Path, out: Path) -> None:
    """The floor database back out as one JSON line a document: three ordered scans merged."""
    con = sqlite3.connect(db)
    spans = con.execute(
        'SELECT document_id, id, start, "end", label, text, annotator FROM annotation ORDER BY document_id, start'
    )
    relations = con.cursor().execute(
        "SELECT a.document_id, r.source, r.target, r.type, r.annotator FROM relation r "
        "JOIN annotation a ON a.id = r.source ORDER BY r.source"
    )
    by_doc = itertools.groupby(spans, key=lambda row: row[0])
    rel_by_doc = itertools.groupby(relations, key=lambda row: row[0])
    next_spans, next_rels = next(by_doc, None), next(rel_by_doc, None)
    with out.open("w", encoding="utf-8") as fh:
        for doc_id, text, title in con.cursor().execute("SELECT id, text, title FROM document ORDER BY id"):
            mine: list[dict[str, Any]] = []
            links: list[dict[str, Any]] = []
            if next_spans is not None and next_spans[0] == doc_id:
                mine = [
                    {"id": i, "start": s, "end": e, "label": lab, "text": t, "annotator": who}
                    for _, i, s, e, lab, t, who in next_spans[1]
                ]
                next_spans = next(by_doc, None)
            if next_rels is not None and next_rels[0] == doc_id:
                links = [
                    {"from": f, "to": t, "type": k, "annotator": who} for _, f, t, k, who in next_rels[1]
                ]
                next_rels = next(rel_by_doc, None)
            line = {"id": doc_id, "text": text, "title": title, "spans": mine, "relations": links}
            fh.write(json.dumps(line, ensure_ascii=False))
            fh.write("\n")
    con.close()


DOC_COLUMNS = (
    "project_id, text, content_hash, title, source_file, source_url, author, published, meta, status, "
    "created_at, review_status, batch_id"
)
SPAN_COLUMNS = (
    'label_id, annotator_id, start, "end", text, created_at, updated_at, version, sources, adjudicator_id, '
    "attributes, origin"
)
LINK_COLUMNS = "type_id, annotator_id, created_at, sources, adjudicator_id, attributes"


def grow(db: Path, target: int) -> int:
    """Copy the imported documents (with their spans and relations, through SQL, triggers firing)
    until the project holds ``target``: a project of that size for the open and filter cases when
    importing it all would take too long. Returns the documents it now holds."""
    con = sqlite3.connect(db)
    with con:
        last = con.execute("SELECT max(id) FROM document").fetchone()[0]
        copy = 0
        while (held := con.execute("SELECT count(*) FROM document").fetchone()[0]) < target:
            copy += 1
            doc_shift = con.execute("SELECT max(id) FROM document").fetchone()[0]
            span_shift = con.execute("SELECT max(id) FROM annotation").fetchone()[0]
            upto = min(last, target - held)
            con.execute(
                f"INSERT INTO document (id, {DOC_COLUMNS}) SELECT id + ?, "
                + DOC_COLUMNS.replace("content_hash", "content_hash || ?")
                + " FROM document WHERE id <= ?",
                (doc_shift, f"-{copy}", upto),
            )
            con.execute(
                f"INSERT INTO annotation (id, document_id, {SPAN_COLUMNS}) SELECT id + ?, document_id + ?, "
                f"{SPAN_COLUMNS} FROM annotation WHERE document_id <= ?",
                (span_shift, doc_shift, upto),
            )
            con.execute(
                f"INSERT INTO relation (document_id, source_id, target_id, {LINK_COLUMNS}) SELECT "
                f"document_id + ?, source_id + ?, target_id + ?, {LINK_COLUMNS} FROM relation WHERE document_id <= ?",
                (doc_shift, span_shift, span_shift, upto),
            )
    con.close()
    return held


def ours_import(
    url: str, paths: list[Path], name: str, cpu: list[float] | None = None, *, by_file: bool = False
) -> tuple[float, int]:
    """`annotator import` of each chunk file into a new project (the path the CLI and app take);
    its CPU time is appended to ``cpu`` when given; ``by_file`` prints each file's times (a later
    file slower than an early one is the import growing faster than the documents)."""
    from annotator.importing import import_paths
    from annotator.ops.projects import create_project, ensure_annotator
    from annotator.store import open_store

    store = open_store(url)
    with store.transaction() as tx:
        project_id = create_project(tx, name).id
        ensure_annotator(tx, project_id, "bench")
    began, used = time.perf_counter(), cpu_seconds()
    for n, path in enumerate(paths, 1):
        at, cpu_at = time.perf_counter(), cpu_seconds()
        import_paths(store, project_id, [path])
        if by_file:
            print(
                f"  ours, file {n}/{len(paths)}: {time.perf_counter() - at:.1f} s wall, "
                f"{cpu_seconds() - cpu_at:.1f} s CPU; load average {os.getloadavg()[0]:.1f}",
                flush=True,
            )
    seconds = time.perf_counter() - began
    if cpu is not None:
        cpu.append(cpu_seconds() - used)
    store.close()
    return seconds, project_id


def ours_export(url: str, project_id: int, out: Path, cpu: list[float]) -> float:
    """The native export's wall time; its CPU time (the forked half's included) goes to ``cpu``."""
    from annotator.export import export
    from annotator.store import open_store

    store = open_store(url)
    began, used = time.perf_counter(), cpu_seconds()
    with store.session() as session:
        export(session, project_id, "jsonl", out)
    seconds = time.perf_counter() - began
    cpu.append(cpu_seconds() - used)
    store.close()
    return seconds
