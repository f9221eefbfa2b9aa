"""A million documents: import, open, export, agreement and the list's text filter at scale.

``python -m benchmarks.bench_scale [--docs N] [--agree-docs N] [--grow N] [--runs N] [--work DIR]``
(``make bench-scale``) writes its own section of BENCHMARKS.md (``--quick``: 3,000 documents,
nothing written; ``--print-only``). Not part of ``make test`` nor ``make bench``: a full run takes
about an hour on an idle machine and ~20 GB of disk; ``--grow`` copies an imported project by SQL
up to that many documents for the open and filter cases when importing them all would take too
long. Each case is printed as soon as it is measured. ``--export-only``: the native export and its
floor alone (``benchmarks.bench_scale_export``); ``--import-only``: the import and its floor alone
(``benchmarks.bench_scale_import``), the databases kept in ``--work`` for ``--export-only``. Import
and export also get a CPU-time row (children included): wall time on a shared machine counts the
waiting for the other jobs too.

The corpus is ``benchmarks/corpus.py`` (seeded), written once to JSONL files of ``CHUNK``
documents, streamed: no step holds the corpus in memory. Floors are raw ``sqlite3`` executemany
into bare tables (streamed, one transaction) with the same FTS5 index built at the end, and a raw
streamed json dump of those tables.
"""

from __future__ import annotations

import argparse
import platform
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.bench_scale_data import (
    CHUNK,
    cpu_seconds,
    floor_export,
    floor_import,
    grow,
    ours_export,
    ours_import,
    write_chunks,
)
from benchmarks.report import ROOT, Case, machine

SECTION = "## A million documents"
ASSIST = "## Assisted annotation"


def without_triggers(url: str, paths: list[Path], *, rebuild: bool) -> float:
    """Import with the FTS5 triggers dropped; with ``rebuild``, the index is then rebuilt in one statement."""
    from annotator.store import open_store

    store = open_store(url)
    with store.engine.begin() as conn:
        for name in ("insert", "delete", "update"):
            conn.exec_driver_sql(f"DROP TRIGGER document_fts_{name}")
    store.close()
    seconds, _ = ours_import(url, paths, "bench-no-triggers")
    if not rebuild:
        return seconds
    began = time.perf_counter()
    con = sqlite3.connect(url.removeprefix("sqlite:///"))
    with con:
        con.execute("INSERT INTO document_fts(document_fts) VALUES ('rebuild')")
    con.close()
    return seconds + time.perf_counter() - began


def open_window(url: str) -> dict[str, Any]:
    """The real main window opening the project in a fresh process (benchmarks.gui_start)."""
    from benchmarks.bench_gui import run_json

    return run_json(["-m", "benchmarks.gui_start", "open", url])


def filter_times(url: str, project_id: int, queries: dict[str, str], runs: int) -> dict[str, Any]:
    """What the document list runs when the filter changes: the count, then the first page."""
    from sqlalchemy import func, select

    from annotator.model import Document
    from annotator.queries import count_documents, find_documents
    from annotator.search import substring
    from annotator.store import open_store
    from ui.documents import COUNTED

    store = open_store(url)
    found: dict[str, Any] = {}
    for key, typed in queries.items():
        times, total = [], 0
        for _ in range(runs + 1):  # the first run warms the page cache; it is reported apart
            began = time.perf_counter()
            with store.session() as session:
                total = count_documents(session, project_id, text=typed, at_most=COUNTED)
                find_documents(session, project_id, text=typed, limit=200)
            times.append(time.perf_counter() - began)
        began = time.perf_counter()
        with store.session() as session:  # the LIKE scan the list ran before migration 0018
            session.scalar(
                select(func.count(Document.id)).where(Document.project_id == project_id, substring(typed))
            )
        found[key] = {
            "typed": typed,
            "first": times[0],
            "times": times[1:],
            "total": total,
            "like": time.perf_counter() - began,
        }
    store.close()
    return found


def _matches(total: int) -> str:
    from ui.documents import COUNTED

    if total >= COUNTED:
        return f"{COUNTED:,} or more documents match (the list counts up to {COUNTED:,}, then fetches pages)"
    return f"{total:,} documents match"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.1f} s"


def _at_most(limit: float) -> Any:
    return lambda ours, _floor: ours <= limit


def _within(factor: float) -> Any:
    return lambda ours, floor: floor is not None and ours <= factor * floor


def _corpus(folder: Path, docs: int) -> tuple[list[Path], float]:
    """The corpus files, written unless a previous run in ``folder`` left them complete."""
    began = time.perf_counter()
    expected = -(-docs // CHUNK)
    found = sorted(folder.glob("corpus-*.jsonl"))
    if len(found) == expected and docs % CHUNK == 0:
        return found, 0.0
    for path in found:
        path.unlink()
    return write_chunks(folder, docs), time.perf_counter() - began


def _show(case: Case) -> None:
    print(case.row(), flush=True)


def _open_and_filter(
    url: str, project_id: int, held: int, small_url: str, docs: int, runs: int
) -> list[Case]:
    """The open and filter cases on the project grown to ``held`` documents by copies."""
    how = f" (the {docs:,} imported, copied by SQL)"
    opened = Case(f"open a project of {held:,} documents{how}", "wall time", "≤ 1 s", ok=_at_most(1.0))
    rss = Case(
        f"open a project of {held:,} documents{how}", "peak RSS", "≤ 300 MB", unit="MB", ok=_at_most(300)
    )
    for _ in range(runs):
        many, few = open_window(url), open_window(small_url)
        opened.ours.append(many["open"])
        opened.floor.append(few["open"])
        rss.ours.append(many["rss"])
        rss.floor.append(few["rss"])
    opened.note = rss.note = "as above, on the grown project; floor column: a project of 1,000 documents."
    out = [opened, rss]
    queries = {
        "one title word": _title(url, held - 7).split()[-1],
        "a common phrase": "harbour deal",
        "a word no document has": "zeppelin",
    }
    for key, value in filter_times(url, project_id, queries, 5).items():
        case = Case(
            f"list filter by text on {held:,} documents: {key}",
            "count + first page",
            "≤ 200 ms",
            ok=_at_most(0.2),
            ours=value["times"],
            floor=[value["like"]],
        )
        case.note = (
            f"typed `{value['typed']}`: {_matches(value['total'])}; the first query after opening took "
            f"{_ms(value['first'])}. Floor column: the substring LIKE scan of before migration 0018 (count only)."
        )
        out.append(case)
    for case in out:
        _show(case)
    return out


def measure(
    folder: Path, docs: int, agree_docs: int, runs: int, *, bare: bool, grown_to: int = 0
) -> list[Case]:
    """Every case, each printed as soon as it is measured (a full run takes long)."""
    from benchmarks import bench_agreement

    paths, written = _corpus(folder, docs) if docs else ([], 0.0)
    small_folder = folder / "small"
    small_folder.mkdir(exist_ok=True)
    small = write_chunks(small_folder, 1_000)
    imp = Case(
        f"import {docs:,} documents × 20 spans (native JSONL)",
        "wall time",
        "≤ 2× raw executemany",
        ok=_within(2.0),
    )
    imp_cpu = _cpu_case(imp)
    opened = Case(f"open a project of {docs:,} documents", "wall time", "≤ 1 s", ok=_at_most(1.0))
    rss = Case(f"open a project of {docs:,} documents", "peak RSS", "≤ 300 MB", unit="MB", ok=_at_most(300))
    exp = Case(f"native JSONL export of {docs:,} documents", "wall time", "≤ 2× raw dump", ok=_within(2.0))
    exp_cpu = _cpu_case(exp)
    agree = Case(
        f"agreement of 3 annotators on {agree_docs:,} documents", "wall time", "≤ 60 s", ok=_at_most(60.0)
    )
    fts = Case(
        f"import {min(docs, 2 * CHUNK):,} documents: FTS5 kept by triggers", "wall time", "(informative)"
    )
    filters: dict[str, Case] = {}
    extra: list[Case] = []
    rebuilt: list[float] = []
    bare_floor: list[float] = []
    for run in range(runs if docs else 0):
        floor_db = folder / f"floor-{run}.db"
        imp.floor.append(_timed(lambda db=floor_db: floor_import(paths, db), imp_cpu.floor))
        url = f"sqlite:///{folder / f'ours-{run}.db'}"
        seconds, project_id = ours_import(url, paths, "scale", imp_cpu.ours)
        imp.ours.append(seconds)
        _show(imp)
        _show(imp_cpu)
        small_url = f"sqlite:///{folder / f'small-{run}.db'}"
        ours_import(small_url, small, "small")
        many, few_docs = open_window(url), open_window(small_url)
        opened.ours.append(many["open"])
        opened.floor.append(few_docs["open"])
        rss.ours.append(many["rss"])
        rss.floor.append(few_docs["rss"])
        _show(opened)
        _show(rss)
        queries = {
            "one title word": _title(url, docs // 2).split()[-1],
            "a common phrase": "harbour deal",
            "a word no document has": "zeppelin",
        }
        for key, value in filter_times(url, project_id, queries, 5).items():
            case = filters.setdefault(
                key,
                Case(
                    f"list filter by text on {docs:,} documents: {key}",
                    "count + first page",
                    "≤ 200 ms",
                    ok=_at_most(0.2),
                ),
            )
            case.ours += value["times"]
            case.floor.append(value["like"])
            case.note = (
                f"typed `{value['typed']}`: {_matches(value['total'])}; the first query after opening "
                f"took {_ms(value['first'])}. Floor column: the substring LIKE scan the list ran before "
                "migration 0018 (count only)."
            )
            _show(case)
        exp.floor.append(_timed(lambda db=floor_db: floor_export(db, folder / "floor.jsonl"), exp_cpu.floor))
        exp.ours.append(ours_export(url, project_id, folder / "ours.jsonl", exp_cpu.ours))
        _show(exp)
        _show(exp_cpu)
        if grown_to > docs:
            held = grow(folder / f"ours-{run}.db", grown_to)
            extra += _open_and_filter(url, project_id, held, small_url, docs, runs)
        for path in folder.glob(f"*-{run}.db*"):
            if not grown_to:  # a grown project is kept for measuring again by hand
                path.unlink()
    cpu: list[float] = []
    if agree_docs:
        store, agree_project = bench_agreement._load(f"sqlite:///{folder / 'agree.db'}", agree_docs, folder)
        for _ in range(runs):
            began = time.process_time()
            agree.ours.append(bench_agreement._time(store, agree_project))
            cpu.append(time.process_time() - began)
        store.close()
        _show(agree)
    for run in range(runs if docs else 0):
        few = paths[:2]
        fts.ours.append(ours_import(f"sqlite:///{folder / f'fts-{run}.db'}", few, "fts")[0])
        fts.floor.append(without_triggers(f"sqlite:///{folder / f'nofts-{run}.db'}", few, rebuild=False))
        rebuilt.append(without_triggers(f"sqlite:///{folder / f'rebuilt-{run}.db'}", few, rebuild=True))
        if bare:
            bare_floor.append(_timed(lambda: floor_import(paths, folder / "bare.db", fts=False)))
            (folder / "bare.db").unlink()
        for path in folder.glob(f"*-{run}.db*"):
            path.unlink()
    if docs:
        _show(fts)
    without = (
        f"; without that index the floor took {_ms(statistics.median(bare_floor))}" if bare_floor else ""
    )
    imp.note = (
        f"ours: `import_paths` (what `annotator import` runs) of each of the {len(paths)} files of {CHUNK:,} "
        "documents (parse, validate every span, duplicate checks, documents, spans, relations, audit log, "
        "the FTS5 index by its triggers); floor: the same files read with json.loads and inserted with "
        "sqlite3.executemany into bare tables, streamed, one transaction, then the same FTS5 index built in "
        f"one statement{without}." + (f" Writing the corpus took {written:.0f} s." if written else "")
    )
    imp_cpu.note = (
        "(and the export's CPU row) CPU time of the benchmark process plus that of its ended children (the "
        "export's forked half), `time.process_time()` and `os.times()`: wall time on a shared machine also "
        "counts the waiting for the other jobs, and the floor's wall time its waiting for the disk."
    )
    fts.note = (
        "ours with the FTS5 triggers (as shipped); floor column: the same import with no full-text index at "
        "all (the triggers dropped). With the triggers dropped and the index rebuilt after the import in one "
        f"statement ('rebuild'): {_ms(statistics.median(rebuilt or [0.0]))}."
    )
    opened.note = rss.note = (
        "the real MainWindow opens the project in a fresh process (`benchmarks.gui_start open`), to the first "
        "frame of the document list; floor column: the same on a project of 1,000 documents."
    )
    exp.note = (
        "`export(..., 'jsonl')` (what `annotator export --format jsonl` runs); floor: the floor database dumped "
        "by three ordered raw scans (documents, spans, relations) merged, json.dumps per document."
    )
    agree.note = (
        "`annotator agree` in full (reading, tokenising, span and relation F1 per pair, token κ and α, αU) on "
        "the agreement benchmark's corpus (three annotators, partly different spans)"
        + (f"; CPU time of the process {_ms(statistics.median(cpu))}." if cpu else ".")
    )
    cases = [imp, imp_cpu, fts, opened, rss, exp, exp_cpu, *filters.values(), *extra] if docs else []
    return cases + ([agree] if agree_docs else [])


def _timed(fn: Any, cpu: list[float] | None = None) -> float:
    """Wall time of ``fn()``; its CPU time (children's included) is appended to ``cpu`` when given."""
    began, used = time.perf_counter(), cpu_seconds()
    fn()
    if cpu is not None:
        cpu.append(cpu_seconds() - used)
    return time.perf_counter() - began


def _cpu_case(wall: Case) -> Case:
    """The CPU-time row beside a wall-time one: on a machine shared with other jobs, wall time also
    counts the waiting for them and CPU time does not, so this ratio is the steadier one."""
    return Case(wall.name, "CPU time (children included)", wall.target, ok=wall.ok)


def _title(url: str, document_id: int) -> str:
    con = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        row = con.execute(
            "SELECT title FROM document WHERE id >= ? ORDER BY id LIMIT 1", (document_id,)
        ).fetchone()
    finally:
        con.close()
    return str(row[0])


def main(argv: list[str] | None = None) -> int:
    """``python -m benchmarks.bench_scale``: the million-document cases, as their own section of BENCHMARKS.md."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--quick", action="store_true", help="3,000 documents, one run, nothing written")
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--agree-docs", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument(
        "--work", help="work in this folder (kept, its corpus reused) instead of a temporary one"
    )
    parser.add_argument("--bare", action="store_true", help="also time the floor without the FTS5 index")
    parser.add_argument(
        "--grow", type=int, default=0, help="then copy documents up to this many for open and filter"
    )
    parser.add_argument("--print-only", action="store_true", help="print the section, leave BENCHMARKS.md")
    parser.add_argument("--export-only", action="store_true", help="only the native export and its floor")
    parser.add_argument(
        "--import-only",
        action="store_true",
        help="only the import and its floor (kept in --work for --export-only)",
    )
    args = parser.parse_args(argv)
    steps: dict[str, Any] = {"corpus": _corpus, "ours_import": ours_import}
    if args.export_only:  # see benchmarks.bench_scale_export; --work keeps the databases for the next run
        from benchmarks.bench_scale_export import export_only

        with tempfile.TemporaryDirectory() as name:
            return export_only(Path(args.work or name), args.docs, args.runs, steps)
    if args.import_only:  # see benchmarks.bench_scale_import
        from benchmarks.bench_scale_import import import_only

        with tempfile.TemporaryDirectory() as name:
            return import_only(Path(args.work or name), args.docs, steps)
    docs, agree_docs = (3_000, 1_000) if args.quick else (args.docs, args.agree_docs)
    began = time.perf_counter()
    if args.work:
        Path(args.work).mkdir(parents=True, exist_ok=True)
        found = measure(Path(args.work), docs, agree_docs, args.runs, bare=args.bare, grown_to=args.grow)
    else:
        with tempfile.TemporaryDirectory() as name:
            found = measure(Path(name), docs, agree_docs, args.runs, bare=args.bare, grown_to=args.grow)
    command = "python -m benchmarks.bench_scale" + ("" if args.docs == 1_000_000 else f" --docs {args.docs}")
    lines = [
        SECTION,
        "",
        f"Measured with `{command}` on {time.strftime('%Y-%m-%d')} ({time.perf_counter() - began:.0f} s, "
        f"{args.runs} run(s); {machine()}; {platform.python_version()}).",
        "",
        "| case | measure | ours | floor | ratio | target | met |",
        "|---|---|---|---|---|---|---|",
        *(c.row() for c in found),
        "",
        *(f"- **{c.name}**: {c.note}" for c in found if c.note),
    ]
    text = "\n".join(lines) + "\n"
    print(text, flush=True)
    if not args.quick and not args.print_only:
        path = ROOT / "BENCHMARKS.md"
        old = path.read_text(encoding="utf-8")
        if SECTION in old:
            head, _, rest = old.partition(SECTION)
            tail = rest[rest.find("\n## ") :] if "\n## " in rest else ""
            path.write_text(head.rstrip() + "\n\n" + text + tail, encoding="utf-8")
        elif ASSIST in old:  # before bench_assist's section, which that benchmark rewrites to the end
            head, _, rest = old.partition(ASSIST)
            path.write_text(head.rstrip() + "\n\n" + text + "\n" + ASSIST + rest, encoding="utf-8")
        else:
            path.write_text(old.rstrip() + "\n\n" + text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
