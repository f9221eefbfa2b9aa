"""Agreement over 10,000 documents × 3 annotators (target: ≤ 5 s), read from the database."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any

from annotator.formats import native
from annotator.ops.importer import import_records
from annotator.ops.projects import create_project
from annotator.review.agree import project_agreement
from annotator.store import open_store
from benchmarks.bench_core import fresh_database
from benchmarks.corpus import corpus


def _load(url: str, docs: int, tmp: Path) -> tuple[Any, int]:
    """A project with three annotators who each labelled every document (partly differently)."""
    source = tmp / "agree.jsonl"
    with source.open("w", encoding="utf-8") as fh:
        for doc, variant in zip(corpus(docs, 20, seed=3), corpus(docs, 20, seed=3), strict=True):
            spans, relations = [], []
            for who, shift in (("alice", 0), ("bob", 1), ("carol", 0)):
                for span in variant["spans"]:
                    start = span["start"] + (shift if span["label"] == "CLAIM" and span["id"] % 3 == 0 else 0)
                    spans.append({**span, "id": f"{who}{span['id']}", "start": start, "annotator": who})
                    spans[-1]["text"] = doc["text"][start : span["end"]]
                relations += [
                    {**r, "from": f"{who}{r['from']}", "to": f"{who}{r['to']}", "annotator": who}
                    for r in variant["relations"]
                ]
            fh.write(json.dumps({"text": doc["text"], "spans": spans, "relations": relations}) + "\n")
    store = open_store(url)
    with store.transaction() as tx:
        project_id = create_project(tx, f"agree-{time.time_ns()}").id
    with store.transaction() as tx:
        import_records(tx, project_id, native.read(source))
    return store, project_id


def _time(store: Any, project_id: int) -> float:
    began = time.perf_counter()
    with store.session() as session:
        project_agreement(session, project_id)
    return time.perf_counter() - began


def cases(docs: int, runs: int) -> list[Any]:
    from benchmarks.report import Case

    case = Case(
        f"agreement over {docs:,} documents × 3 annotators",
        "wall time",
        "≤ 5 s",
        ok=lambda ours, _floor: ours <= 5.0,
        note="`annotator agree` in full: reading spans and relations, tokenising every text, span and "
        "relation F1 (exact and overlap) for each pair, token κ per pair, token α, unitizing αU.",
    )
    with tempfile.TemporaryDirectory() as name:
        store, project_id = _load(f"sqlite:///{Path(name) / 'agree.db'}", docs, Path(name))
        case.ours = [_time(store, project_id) for _ in range(runs)]
        store.close()
    return [case]


def postgres_case(docs: int, runs: int, url: str) -> Any:
    from benchmarks.report import Case

    case = Case(
        f"PostgreSQL: agreement {docs:,} × 3",
        "wall time",
        "≤ 3× SQLite",
        ok=lambda ours, floor: floor is not None and ours <= 3 * floor,
        note="floor column: the same on SQLite",
    )
    with tempfile.TemporaryDirectory() as name, fresh_database(url) as fresh:
        pg, pg_project = _load(fresh, docs, Path(name))
        lite, lite_project = _load(f"sqlite:///{Path(name) / 'agree.db'}", docs, Path(name))
        for _ in range(runs):
            case.ours.append(_time(pg, pg_project))
            case.floor.append(_time(lite, lite_project))
        pg.close()
        lite.close()
    return case
