"""Many documents are suggested in worker processes, with the same result as one process, and
a cancel part-way stores nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from annotator.errors import Cancelled
from annotator.model import Project, RelationSuggestion, Suggestion
from annotator.ops.importer import import_records
from annotator.store import Store
from annotator.suggest import engines
from benchmarks.quotes_corpus import corpus


def _stored(store: Store) -> list[tuple[int, int, int, int]]:
    with store.session() as s:
        return sorted(
            s.execute(
                select(Suggestion.document_id, Suggestion.start, Suggestion.end, Suggestion.label_id)
            ).all()
        )


def test_parallel_run_stores_what_one_process_does(
    store: Store, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    with store.transaction() as tx:
        docs = import_records(
            tx, project.id, [r.__class__(r.text) for r in corpus(engines.PARALLEL_FROM + 10)]
        ).document_ids
    engine = engines.rules_engine(store, project.id)
    assert engine.parallel is not None
    report = engines.run(store, project.id, engine, docs)
    parallel = _stored(store)
    assert report.spans == len(parallel) > len(docs)
    monkeypatch.setattr(engines, "PARALLEL_FROM", 10**9)
    engines.run(store, project.id, engine, docs)  # replaces that source's suggestions
    assert _stored(store) == parallel
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(RelationSuggestion)) > 0


def test_a_cancel_part_way_stores_nothing(store: Store, project: Project) -> None:
    with store.transaction() as tx:
        docs = import_records(
            tx, project.id, [r.__class__(r.text) for r in corpus(engines.PARALLEL_FROM)]
        ).document_ids

    def progress(n: int) -> None:
        if n == 50:
            raise Cancelled("cancelled by the user")

    with pytest.raises(Cancelled):
        engines.run(store, project.id, engines.rules_engine(store, project.id), docs, progress=progress)
    assert _stored(store) == []
