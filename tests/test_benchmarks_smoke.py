"""The benchmarks still run (at a small size); no time is asserted, only that every case reports."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


def _run_quick(*args: str) -> str:
    """Run ``python -m args`` offscreen; its stdout (it must succeed)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.mark.slow
def test_benchmark_suite_runs_quick(tmp_path: Path) -> None:
    out = tmp_path / "BENCHMARKS.md"
    _run_quick("benchmarks.run", "--quick", "--out", str(out))
    report = out.read_text(encoding="utf-8")
    for case in (
        "import",
        "export",
        "agreement",
        "first paint",
        "app start",
        "peak RSS growth",
        "Label Studio",
    ):
        assert case in report, case
    rows = [line for line in report.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert rows and all("nan" not in row for row in rows)


@pytest.mark.slow
def test_million_document_benchmark_runs_quick() -> None:
    stdout = _run_quick("benchmarks.bench_scale", "--quick")
    rows = [line for line in stdout.splitlines() if line.startswith("| ") and "---" not in line]
    for case in ("import 3,000", "open a project", "peak RSS", "export", "agreement", "list filter", "FTS5"):
        assert any(case in row for row in rows), case
    assert all("nan" not in row for row in rows)
    for case in ("import 3,000 documents × 20 spans", "native JSONL export of 3,000 documents"):
        measures = [row.split(" | ")[1] for row in rows if row.startswith(f"| {case}")]
        assert "wall time" in measures and "CPU time (children included)" in measures, case


def test_rejections_benchmark_runs_quick() -> None:
    import json

    found = json.loads(_run_quick("benchmarks.bench_rejections", "--labelled", "12", "--blank", "6"))
    assert found["suggestions rejected in the seen quote-free documents"] > 0
    assert (
        found["labels only"]["taught"] == ""
        and "paragraphs without labels" in found["labels + rejections"]["taught"]
    )
