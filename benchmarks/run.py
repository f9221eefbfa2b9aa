"""Run every benchmark several times and write BENCHMARKS.md (``make bench``).

Each case is measured beside its floor in the same run; figures are medians with min–max.
``--quick`` runs small sizes once and writes nothing unless ``--out`` is given: CI's smoke test
that the benchmarks still run (no times are asserted anywhere).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from benchmarks.report import ROOT, Case, machine, report, subprocess_seconds

__all__ = ["Case", "machine", "report", "run_cases", "subprocess_seconds"]


def run_cases(quick: bool, runs: int, pg_url: str | None) -> list[Case]:
    from benchmarks import (
        bench_agreement,
        bench_assist,
        bench_core,
        bench_formats,
        bench_live,
        bench_memory,
    )

    docs = 300 if quick else 10_000
    cases: list[Case] = []
    cases += bench_core.cases(docs, runs)
    cases += bench_formats.cases(docs, runs)
    cases += bench_agreement.cases(docs, runs)
    if pg_url:
        cases += bench_core.postgres_cases(docs, runs, pg_url, bench_agreement)
    # Qt is imported only now: until then this process may fork as the CLI does (annotator.forking).
    from benchmarks import bench_gui

    cases += bench_gui.cases(quick, runs)
    cases += bench_memory.cases(quick, runs)
    cases += bench_live.cases(quick, runs, pg_url)
    cases += bench_assist.cases(quick, runs)
    return cases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, one run (CI smoke test)")
    parser.add_argument("--runs", type=int, default=None, help="runs per case (default 5; quick: 1)")
    parser.add_argument(
        "--pg", default=os.environ.get("ANNOTATOR_TEST_PG"), help="PostgreSQL URL for the PG cases"
    )
    parser.add_argument("--out", help="write the report here (default: BENCHMARKS.md unless --quick)")
    args = parser.parse_args(argv)
    runs = args.runs or (1 if args.quick else 5)
    began = time.perf_counter()
    cases = run_cases(args.quick, runs, args.pg)
    command = "make bench" if not args.quick else "python -m benchmarks.run --quick"
    text = report(cases, command, time.perf_counter() - began)
    print(text)
    out = args.out or (None if args.quick else str(ROOT / "BENCHMARKS.md"))
    if out:
        Path(out).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
