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
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from annotator import forking
from annotator.agreement import tokenise
from annotator.review import agree
from annotator.review.agree import project_agreement
from annotator.text import tokenize
from benchmarks import bench_agreement
from tests.core.test_forking import _alone

FROZEN = Path(__file__).parent.parent / "fixtures" / "agreement_frozen.json"
DOCS = 300


def _report(
    folder: Path, url: str | None = None, between: Callable[[], object] | None = None
) -> list[list[dict[str, Any]]]:
    """The report over one store; again after ``between`` when it is given."""
    store, project_id = bench_agreement._load(url or f"sqlite:///{folder / 'agree.db'}", DOCS, folder)
    try:
        found = []
        for run in range(1 if between is None else 2):
            if run and between is not None:
                between()
            with store.session() as session:
                found.append(project_agreement(session, project_id).as_dicts())
        return found
    finally:
        store.close()


def test_the_report_is_exactly_the_frozen_one(tmp_path: Path) -> None:
    assert _report(tmp_path) == [json.loads(FROZEN.read_text(encoding="utf-8"))]


def test_two_worker_processes_report_the_same(
    backend_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Forked workers tokenise; the parent's connection (SQLite file, PostgreSQL socket) still
    serves the second run, in-process, which reports the same."""
    made: list[object] = []
    real = agree.tokens_of

    def spy(*args: Any, **kwargs: Any) -> Any:
        made.append(real(*args, **kwargs))
        return made[-1]

    _alone(monkeypatch)
    monkeypatch.setattr(tokenise, "PARALLEL_FROM", 1)
    monkeypatch.setattr(tokenise, "CHUNK", 7)  # many chunks, the last one short
    monkeypatch.setattr(agree, "tokens_of", spy)
    frozen = json.loads(FROZEN.read_text(encoding="utf-8"))
    in_process = lambda: monkeypatch.setattr(tokenise, "PARALLEL_FROM", 1 << 30)  # noqa: E731
    assert _report(tmp_path, backend_url, in_process) == [frozen, frozen]
    assert [type(t) for t in made] == [tokenise.Tokens, dict]  # the workers made the first tokens


def test_the_workers_tokens_are_the_tokenizers() -> None:
    texts = {i: text for i, text in enumerate(["", "A b.", "naïve café — 3.5 ☕", "x" * 50, "\n\n"] * 3)}
    found = tokenise.Tokens(texts, tokenize, workers=2)
    assert sorted(found) == sorted(texts)
    assert {d: [tuple(map(int, p)) for p in found[d]] for d in texts} == {
        d: tokenize(t) for d, t in texts.items()
    }


def test_no_fork_beside_other_threads_or_qt(monkeypatch: pytest.MonkeyPatch) -> None:
    _alone(monkeypatch)
    assert forking.can_fork()
    monkeypatch.setattr(forking, "_qt_loaded", lambda: True)
    assert not forking.can_fork()
    monkeypatch.undo()
    monkeypatch.setattr(forking, "_qt_loaded", lambda: False)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not forking.can_fork()
        texts = {i: "a b" for i in range(tokenise.PARALLEL_FROM)}
        assert isinstance(tokenise.tokens_of(texts, tokenize), dict)  # in-process
    finally:
        stop.set()
        other.join()


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as name:
        FROZEN.write_text(json.dumps(_report(Path(name))[0], indent=1) + "\n", encoding="utf-8")
