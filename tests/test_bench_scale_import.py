"""``bench_scale --import-only`` times the import and keeps its databases for ``--export-only``.

No time is asserted (speed is the benchmarks' business): only that both runs report wall and
CPU time, that the import holds every document, and that the export run reuses the databases
the import run kept instead of importing them again.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_benchmarks_smoke import _run_quick

DOCS = 1_500


@pytest.mark.slow
def test_import_only_keeps_databases_for_export_only(tmp_path: Path) -> None:
    imported = _run_quick(
        "benchmarks.bench_scale", "--import-only", "--docs", str(DOCS), "--work", str(tmp_path)
    )
    lines = imported.splitlines()
    assert any(line.startswith("floor import of 1,500 documents:") and "s CPU" in line for line in lines)
    assert any(line.startswith("  ours, file 1/1:") and "s CPU" in line for line in lines)
    summary = lines[-1]
    assert "s CPU, floor" in summary and "× CPU" in summary and "1,500 documents held" in summary
    assert (tmp_path / f"export-ours-{DOCS}.db").is_file()
    assert (tmp_path / f"export-floor-{DOCS}.db").is_file()

    exported = _run_quick(
        "benchmarks.bench_scale", "--export-only", "--docs", str(DOCS), "--runs", "1", "--work", str(tmp_path)
    )
    assert "importing" not in exported  # the kept databases, not a second import
    assert exported.splitlines()[-1].endswith("1,500 and 1,500 lines")
