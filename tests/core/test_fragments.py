"""Multi-part spans in the core: checking and normalising parts, the operations, undo, gold."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from annotator import fragments
from annotator import undo as log
from annotator.errors import ValidationError
from annotator.fragments_ops import add_fragment, remove_fragment
from annotator.model import Annotation, AuditEntry, Project, Role
from annotator.ops.annotations import create_span, delete_spans, update_span
from annotator.ops.projects import ensure_annotator
from annotator.review.gold import accept_spans
from annotator.store import Store, open_store
from tests.core.cli_run import new_project, run
from tests.core.helpers import add_doc, label_id
from tests.core.test_undo import actor

TEXT = '"We will build it," the mayor said, "and it opens in May."'
FIRST = (0, TEXT.index(",") + 2)  # '"We will build it,"'
SECOND = (TEXT.index('"and'), len(TEXT))


def test_check_sorts_merges_touching_and_refuses_what_cannot_be() -> None:
    assert fragments.check([[10, 12], [0, 5], [5, 8]], 20) == [(0, 8), (10, 12)]
    with pytest.raises(ValidationError, match=r"fragment 2 \(15–25\) lies outside the text \(0–20\)"):
        fragments.check([[0, 5], [15, 25]], 20)
    with pytest.raises(ValidationError, match="overlap"):
        fragments.check([[0, 5], [3, 8]], 20)
    with pytest.raises(ValidationError, match="empty or reversed"):
        fragments.check([[4, 4]], 20)
    with pytest.raises(ValidationError, match="whole numbers"):
        fragments.check([[0, "5"]], 20)
    assert fragments.stored([(0, 8)]) is None and fragments.stored([(0, 1), (3, 4)]) == [[0, 1], [3, 4]]


def test_joined_text_add_remove_clip() -> None:
    parts = [FIRST, SECOND]
    assert fragments.joined_text(TEXT, parts) == '"We will build it," … "and it opens in May."'
    assert fragments.add([(0, 5)], (5, 9)) == [(0, 9)]
    with pytest.raises(ValidationError, match="already part"):
        fragments.add([(0, 9)], (2, 4))
    assert fragments.remove([(0, 2), (4, 6)], 0) == [(4, 6)]
    with pytest.raises(ValidationError, match="only fragment"):
        fragments.remove([(0, 2)], 0)
    assert fragments.clip([(0, 2), (4, 6), (8, 10)], 1, 5) == [(1, 2), (4, 5)]
    assert fragments.overlaps([(0, 2), (8, 10)], [(9, 12)]) and not fragments.overlaps([(0, 2)], [(2, 4)])
    assert fragments.tokens_in([(0, 2), (8, 10)], [(0, 2), (3, 5), (8, 10)]) == {(0, 2), (8, 10)}


@pytest.fixture
def doc(store: Store, project: Project) -> int:
    return add_doc(store, project.id, TEXT)


def _rows(store: Store) -> list[tuple[int, int, list[list[int]] | None, str]]:
    with store.session() as s:
        return [(a.start, a.end, a.fragments, a.text) for a in s.scalars(select(Annotation))]


def test_create_add_remove_each_undo_and_redo(store: Store, project: Project, doc: int) -> None:
    alice = actor(store, project, "alice")
    quote = label_id(store, project.id, "QUOTE")
    with store.transaction(actor=alice) as tx, log.undoable(tx, "Label", [doc]):
        span = create_span(tx, doc, 0, 0, quote, alice.id or 0, fragments=[list(SECOND), list(FIRST)]).id
    # Stored sorted, with the hull as start/end and the hull's text in ``text``.
    assert _rows(store) == [(0, len(TEXT), [list(FIRST), list(SECOND)], TEXT)]
    with store.transaction(actor=alice) as tx, log.undoable(tx, "Remove part", [doc]):
        remove_fragment(tx, span, 1)
    assert _rows(store) == [(*FIRST, None, TEXT[slice(*FIRST)])]
    with store.transaction(actor=alice) as tx, log.undoable(tx, "Add part", [doc]):
        add_fragment(tx, span, *SECOND)
    assert _rows(store)[0][2] == [list(FIRST), list(SECOND)]
    with store.transaction(actor=alice) as tx:
        log.undo(tx)  # the added part goes
    assert _rows(store) == [(*FIRST, None, TEXT[slice(*FIRST)])]
    with store.transaction(actor=alice) as tx:
        log.redo(tx)
    assert _rows(store)[0][2] == [list(FIRST), list(SECOND)]
    with store.transaction(actor=alice) as tx, log.undoable(tx, "Delete", [doc]):
        delete_spans(tx, [span])  # all parts go with the span
    assert _rows(store) == []
    with store.transaction(actor=alice) as tx:
        log.undo(tx)
    assert _rows(store)[0][2] == [list(FIRST), list(SECOND)]
    with store.session() as s:  # the audit log names the parts
        details = s.scalars(select(AuditEntry.detail).where(AuditEntry.entity == "annotation")).all()
    assert any(d and d.get("fragments") == [list(FIRST), list(SECOND)] for d in details)


def test_a_fragment_outside_the_text_is_refused_and_nothing_is_written(
    store: Store, project: Project, doc: int
) -> None:
    alice = actor(store, project, "alice")
    quote = label_id(store, project.id, "QUOTE")
    with (
        pytest.raises(ValidationError, match=rf"fragment 2 \(50–{len(TEXT) + 5}\) lies outside the text"),
        store.transaction(actor=alice) as tx,
    ):
        create_span(tx, doc, 0, 0, quote, alice.id or 0, fragments=[[0, 5], [50, len(TEXT) + 5]])
    assert _rows(store) == []
    with store.transaction(actor=alice) as tx:
        span = create_span(tx, doc, *FIRST, quote, alice.id or 0).id
    with pytest.raises(ValidationError, match="outside the text"), store.transaction(actor=alice) as tx:
        add_fragment(tx, span, len(TEXT) - 2, len(TEXT) + 3)
    assert _rows(store) == [(*FIRST, None, TEXT[slice(*FIRST)])]


def test_resizing_a_multi_part_span_keeps_its_inner_parts(store: Store, project: Project, doc: int) -> None:
    alice = actor(store, project, "alice")
    quote = label_id(store, project.id, "QUOTE")
    with store.transaction(actor=alice) as tx:
        span = create_span(tx, doc, 0, 0, quote, alice.id or 0, fragments=[list(FIRST), list(SECOND)]).id
    with store.transaction(actor=alice) as tx:
        update_span(tx, span, start=1, end=len(TEXT) - 1)
    assert _rows(store)[0][:3] == (1, len(TEXT) - 1, [[1, FIRST[1]], [SECOND[0], len(TEXT) - 1]])


def test_accepting_a_multi_part_span_copies_its_parts_into_gold(
    store: Store, project: Project, doc: int
) -> None:
    alice = actor(store, project, "alice")
    with store.transaction() as tx:
        ensure_annotator(tx, project.id, "riley", Role.REVIEWER)
    riley = actor(store, project, "riley")
    quote = label_id(store, project.id, "QUOTE")
    with store.transaction(actor=alice) as tx:
        span = create_span(tx, doc, 0, 0, quote, alice.id or 0, fragments=[list(FIRST), list(SECOND)]).id
    with store.transaction(actor=riley) as tx, log.undoable(tx, "Accept", [doc], review=True):
        (gold,) = accept_spans(tx, [span])
    with store.session() as s:
        assert s.get_one(Annotation, gold).fragments == [list(FIRST), list(SECOND)]


def test_the_command_line_makes_a_multi_part_span_undoably(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = new_project(capsys, tmp_path)
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    assert run(capsys, "--db", url, "import", str(tmp_path / "a.txt"))[0] == 0
    base = ("--db", url, "annotate", "1", *map(str, FIRST), "QUOTE", "--annotator", "alice")
    code, _out, err = run(capsys, *base, "--part", "50", str(len(TEXT) + 4))
    assert code != 0 and f"fragment 2 (50–{len(TEXT) + 4}) lies outside the text" in err
    code, out, _err = run(capsys, *base, "--part", *map(str, SECOND))
    assert out.strip().isdigit()
    assert code == 0
    store = open_store(url)
    try:
        assert _rows(store) == [(0, len(TEXT), [list(FIRST), list(SECOND)], TEXT)]
        assert run(capsys, "--db", url, "undo", "--annotator", "alice")[0] == 0
        assert _rows(store) == []
    finally:
        store.close()
