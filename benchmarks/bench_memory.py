"""Exports in constant memory: the peak RSS of exporting 100,000 documents beside 10,000.

Each export runs in a fresh process (``python -m benchmarks.bench_memory URL FORMAT OUT``) that
reports its own peak resident set size (VmHWM) and how far above its size before the export that
peak went. If an export held documents until the end, its growth would be ten times larger on the
tenfold corpus; the target is that it stays flat (at most 1.25× the growth on 10,000, plus 20 MB).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from benchmarks.report import Case

ROOT = Path(__file__).parents[1]
# Every writer of `annotator export`, plus the dataset paths that write folders.
RUNS: dict[str, tuple[str, ...]] = {
    "jsonl": (),
    "spacy": (),
    "spacy, split 80/10/10": ("--split", "0.8,0.1,0.1"),
    "iob": (),
    "hf-jsonl": (),
    "hf-jsonl, sentences": ("--sentences",),
    "doccano-relations": (),
    "prodigy": (),
    "brat": (),
    "labelstudio": (),
    "w3c": (),
    "whosaid": (),
}


def peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no /proc/self/status: this benchmark needs Linux")


def child(url: str, fmt: str, out: str, extra: list[str]) -> dict[str, float]:
    """In the child process: `annotator export` as the CLI runs it, then the peak."""
    import spacy  # noqa: F401 - imported before the baseline: the growth is the export's, not the imports'

    import annotator.export
    import annotator.store  # noqa: F401
    from annotator import cli

    before = peak_mb()
    began = time.perf_counter()
    code = cli.main(["--db", url, "export", "--project", "many", "--format", fmt, *extra, "-o", out])
    if code:
        raise SystemExit(f"export failed with {code}")
    return {"seconds": time.perf_counter() - began, "before": before, "peak": peak_mb()}


def run_child(url: str, fmt: str, out: Path, extra: tuple[str, ...]) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_memory", url, fmt, str(out), *extra],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=1800,
    )
    if done.returncode:
        raise RuntimeError(f"export {fmt} failed:\n{done.stderr[-3000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def cases(quick: bool, runs: int) -> list[Case]:
    from benchmarks.bench_gui import build_many
    from benchmarks.report import Case

    small, large = (300, 3_000) if quick else (10_000, 100_000)
    rows: list[Case] = []
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        urls = {n: build_many(tmp / f"many-{n}.db", n) for n in (small, large)}
        for label, extra in RUNS.items() if not quick else list(RUNS.items())[:2]:
            fmt = label.split(",")[0]
            case = Case(
                f"export {large:,} documents to {label}",
                "peak RSS growth",
                f"≤ 1.25× the growth for {small:,} + 20 MB",
                unit="MB",
                ok=lambda ours, floor: floor is not None and ours <= 1.25 * floor + 20,
            )
            seconds: list[float] = []
            peaks: list[float] = []
            for _ in range(max(1, min(runs, 2))):
                got = {n: run_child(urls[n], fmt, tmp / f"out-{n}-{time.time_ns()}", extra) for n in urls}
                case.ours.append(got[large]["peak"] - got[large]["before"])
                case.floor.append(got[small]["peak"] - got[small]["before"])
                seconds.append(got[large]["seconds"])
                peaks.append(got[large]["peak"])
            case.note = (
                f"`annotator export --format {' '.join((fmt, *extra))}` in a fresh process: peak RSS "
                f"{max(peaks):.0f} MB, of which the growth during the export is the figure; "
                f"{min(seconds):.1f} s for {large:,} documents. Floor column: the same on {small:,}."
            )
            rows.append(case)
    return rows


def main(argv: list[str]) -> int:
    url, fmt, out, *extra = argv
    print(json.dumps(child(url, fmt, out, extra)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
