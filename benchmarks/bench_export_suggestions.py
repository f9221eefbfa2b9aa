"""The suggestions layer of an export against the labels' layer of the same project (issue 15).

A project of N made-up news documents (``quotes_corpus``, their reference labels imported as one
annotator's) with the built-in rules' suggestions on every document (``annotator suggest --rules
--all``), kept in ``--work`` between runs. Each run exports it with the real command, in a fresh
process: ``--layer suggestions`` and ``--layer all`` (native JSONL: from 4,000 documents on its
second half is written in a forked process, ``annotator.export_halves``), alternating, plus a
floor: the same documents, span and relation suggestions read by raw SQL a chunk at a time and one
``json.dumps`` per document, in a fresh process too. Wall time and CPU time (the process and the
children it waited for) per run, and the command's start-up (``annotator --help``) for scale;
the median (min–max) of ``--runs`` runs and the load average.

    python -m benchmarks.bench_export_suggestions --docs 10000 --runs 3 --work /tmp/bench-sugg
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

FLOOR = """
import json, sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
out = open(sys.argv[2], "w", encoding="utf-8")
last = 0
labels = dict(conn.execute("SELECT id, name FROM label"))
types = dict(conn.execute("SELECT id, name FROM relation_type"))
while True:
    docs = conn.execute("SELECT id, text FROM document WHERE id > ? ORDER BY id LIMIT 500", (last,)).fetchall()
    if not docs:
        break
    spans = {}
    for d, i, s, e, label, score, source in conn.execute(
        'SELECT document_id, id, start, "end", label_id, score, source FROM suggestion '
        'WHERE document_id BETWEEN ? AND ? ORDER BY document_id, start, "end", id', (docs[0][0], docs[-1][0])
    ):
        spans.setdefault(d, []).append((i, s, e, label, score, source))
    links = {}
    for d, a, b, kind, score, source in conn.execute(
        "SELECT document_id, source_id, target_id, type_id, score, source FROM relation_suggestion "
        "WHERE document_id BETWEEN ? AND ? ORDER BY document_id, id", (docs[0][0], docs[-1][0])
    ):
        links.setdefault(d, []).append({"from": a, "to": b, "type": types[kind], "annotator": source, "score": score})
    for d, text in docs:
        line = {"id": d, "text": text, "spans": [
            {"id": i, "start": s, "end": e, "label": labels[label], "text": text[s:e], "annotator": source,
             "origin": "suggestion:" + source, "score": score} for i, s, e, label, score, source in spans.get(d, [])
        ], "relations": links.get(d, [])}
        out.write(json.dumps(line, ensure_ascii=False) + "\\n")
    last = docs[-1][0]
out.close()
"""


def build(work: Path, docs: int) -> str:
    """The kept project's URL: made once (documents with labels, then the rules' suggestions)."""
    db = work / "project.db"
    url = f"sqlite:///{db}"
    if db.exists():
        return url
    from annotator.ops.importer import import_records
    from annotator.ops.projects import create_project
    from annotator.store import open_store
    from benchmarks.quotes_corpus import corpus

    store = open_store(url)
    with store.transaction() as tx:
        project_id = create_project(tx, "bench").id
        import_records(tx, project_id, corpus(docs, seed=11), annotator="ana", create_labels=True)
    store.close()
    done = subprocess.run(
        [*_cli(), "--db", url, "suggest", "--rules", "--all", "--annotator", "ana"],
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(done.stderr)
    print(done.stdout.strip(), file=sys.stderr)
    return url


def _cli() -> list[str]:
    return [str(Path(sys.executable).parent / "annotator")]


def timed(command: list[str], said: Path) -> tuple[float, float, float]:
    """Wall time, CPU time (user + system, with the children it waited for) and peak resident
    memory (MB, of the largest of them) of one fresh process; what it printed goes to ``said``."""
    began = time.perf_counter()
    with said.open("w") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
        _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - began
    if status:
        raise SystemExit(f"{command} failed: {said.read_text()}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def figure(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s ({min(values):.2f}–{max(values):.2f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--format", default="jsonl")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    url = build(args.work, args.docs)
    db = url.removeprefix("sqlite:///")
    out = args.work / "out"
    commands = {
        "suggestions": [
            *_cli(),
            "--db",
            url,
            "export",
            "--format",
            args.format,
            "--layer",
            "suggestions",
            "-o",
            str(out),
        ],
        "all": [*_cli(), "--db", url, "export", "--format", args.format, "--layer", "all", "-o", str(out)],
        "floor (raw SQL + json.dumps)": [sys.executable, "-c", FLOOR, db, str(out)],
        "start-up (annotator --help)": [*_cli(), "--help"],
    }
    found: dict[str, tuple[list[float], list[float], list[float]]] = {name: ([], [], []) for name in commands}
    said: dict[str, str] = {}
    load = [os.getloadavg()[0]]
    for _ in range(args.runs):
        for name, command in commands.items():
            for kept, value in zip(found[name], timed(command, args.work / "said.txt"), strict=True):
                kept.append(value)
            said[name] = ((args.work / "said.txt").read_text().strip().splitlines() or [""])[0][:90]
        load.append(os.getloadavg()[0])
    print(
        f"{args.docs:,} documents, --format {args.format}, {args.runs} runs, {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC, load average {min(load):.1f}–{max(load):.1f}"
    )
    for name, (walls, cpus, rss) in found.items():
        print(
            f"  {name}: wall {figure(walls)}, CPU {figure(cpus)}, peak RSS {max(rss):.0f} MB  {said.get(name, '')}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
