"""The benchmarks still run (at a small size); no time is asserted, only that every case reports."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


@pytest.mark.slow
def test_benchmark_suite_runs_quick(tmp_path: Path) -> None:
    out = tmp_path / "BENCHMARKS.md"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--quick", "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
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
