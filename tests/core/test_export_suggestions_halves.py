"""The suggestions layer in a large export of lines: written in two processes (``annotator.export_halves``,
each reading its half of the documents), it is the same bytes and report as one process writes.
The exports run in a real fresh process (pytest's own may not fork: Qt is loaded), with the size
from which an export splits lowered to 2 documents (``test_export_halves_lines``' script)."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.model import Project
from annotator.store import Store
from annotator.suggest import engines
from tests.core.helpers import add_doc
from tests.core.test_export_halves import run_json
from tests.core.test_export_halves_lines import SCRIPT
from tests.core.test_suggestions import TEXT, fake_engine

EXPORTS = {name: (name, {"layer": "suggestions"}) for name in ("jsonl", "iob", "prodigy")}


def test_the_suggestions_layer_in_two_processes_is_what_one_process_writes(
    store: Store, project: Project, backend_url: str, tmp_path: Path
) -> None:
    docs = [add_doc(store, project.id, f"{TEXT} ({n})") for n in range(6)]
    engines.run(store, project.id, fake_engine(), docs[1:])  # the first has none: an empty line
    found = run_json(SCRIPT, backend_url, str(project.id), str(tmp_path), "0", json.dumps(EXPORTS))
    assert found["split"] == len(EXPORTS)  # each ran in two processes the second time
    reports = found["found"]
    assert isinstance(reports, dict)
    for name in EXPORTS:
        one, two = (tmp_path / how / f"{name}.out" for how in ("one", "two"))
        assert two.read_bytes() == one.read_bytes(), name
        assert reports[f"two/{name}"] == reports[f"one/{name}"], name
        assert "wrote 6 document(s), 10 span(s)" in reports[f"one/{name}"]["summary"], name
    assert b'"origin": "suggestion:rules@1", "score": 0.9' in (tmp_path / "one" / "jsonl.out").read_bytes()
