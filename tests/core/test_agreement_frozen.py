"""Agreement over a project reports exactly what it reported before it was made fast (issue 19:
faster, not different): the full report (span and relation F1, token κ and α, αU, attribute
rows) on a generated three-annotator corpus, against a frozen copy
(``tests/fixtures/agreement_frozen.json``, written by the code before the change), in one
process and with the texts tokenised by two worker processes.

``python -m tests.core.test_agreement_frozen`` writes the file again (only when the figures are
meant to change).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from annotator.review import agree
from annotator.review.agree import project_agreement
from benchmarks import bench_agreement

FROZEN = Path(__file__).parent.parent / "fixtures" / "agreement_frozen.json"
DOCS = 300


def _report(folder: Path) -> list[dict[str, Any]]:
    store, project_id = bench_agreement._load(f"sqlite:///{folder / 'agree.db'}", DOCS, folder)
    try:
        with store.session() as session:
            return project_agreement(session, project_id).as_dicts()
    finally:
        store.close()


def test_the_report_is_exactly_the_frozen_one(tmp_path: Path) -> None:
    assert _report(tmp_path) == json.loads(FROZEN.read_text(encoding="utf-8"))


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as name:
        FROZEN.write_text(json.dumps(_report(Path(name)), indent=1) + "\n", encoding="utf-8")
