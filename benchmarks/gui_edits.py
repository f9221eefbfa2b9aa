"""The edit rows alone, optionally side by side with another checkout (issue 19's edit latency).

``python -m benchmarks.gui_edits [--runs 3] [--ops 50] [--base DIR]`` builds the 1 MB, 50,000-span
document once (as bench_gui does), then runs ``benchmarks.gui_window`` (open, the edits, one
PageDown) in a fresh process per run, and prints per kind the wall time (key press to the end of
the repainted frame) and the GUI-thread CPU time, median and p95 of all runs pooled, with the
load average. With ``--base DIR`` (a checkout of another commit, e.g. ``git archive REV | tar -x
-C DIR``) the runs alternate between DIR and this tree on copies of the same database, so the two
are compared under the same load; CPU time is the figure a loaded machine disturbs least.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_gui import FULL, build_long

KINDS = ("add", "relabel", "delete")
HERE = Path(__file__).resolve().parent.parent


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[94] if len(values) > 1 else values[0]


def _run(tree: Path, db: Path, doc: int, ops: int) -> dict[str, list[float]]:
    env = dict(
        os.environ, PYTHONPATH=str(tree), QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen")
    )
    url = f"sqlite:///{db}"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.gui_window", url, str(doc), str(ops), "1"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    out = {kind: result[kind] for kind in KINDS}
    if "add_picker" in result:  # the actor picker, a frame after the span (ui/actors_held.py)
        out["add → picker"] = result["add_picker"]
    for i, kind in enumerate(KINDS):  # the CPU times come in key order: add, relabel, delete, …
        out[f"{kind} CPU"] = result["cpu_edits"][i::3]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--ops", type=int, default=50)
    parser.add_argument("--base", type=Path, help="another checkout, measured alternately")
    args = parser.parse_args(argv)
    trees = {"this tree": HERE, **({"base": args.base.resolve()} if args.base else {})}
    pooled: dict[str, dict[str, list[float]]] = {name: {} for name in trees}
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        print(f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC, load average {os.getloadavg()[0]:.1f}")
        _url, doc = build_long(folder / "long.db", FULL.chars, FULL.spans)
        for run in range(args.runs):
            for tree_name, tree in trees.items():
                copy = folder / f"run-{run}-{tree_name.replace(' ', '-')}.db"
                shutil.copyfile(folder / "long.db", copy)
                for kind, values in _run(tree, copy, doc, args.ops).items():
                    pooled[tree_name].setdefault(kind, []).extend(values)
                print(f"  run {run + 1} {tree_name}: load average {os.getloadavg()[0]:.1f}", flush=True)
    for tree_name, kinds in pooled.items():
        print(f"{tree_name} ({trees[tree_name]}):")
        for kind, values in kinds.items():
            print(
                f"  {kind:<12} median {statistics.median(values) * 1000:6.1f} ms, p95 {_p95(values) * 1000:6.1f} ms"
                f" ({len(values)} edits)"
            )
    print(
        f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC, load average {os.getloadavg()[0]:.1f} at the end"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
