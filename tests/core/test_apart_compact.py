"""The compact span signatures an import keeps for every document (``import_apart.compact``)
decide exactly as the full ones: same labels stay together, other labels stay apart."""

from __future__ import annotations

import random
import sys

from annotator.import_apart import Apart, compact, differs, signature, unpack
from annotator.records import DocRecord, SpanRecord


def _fresh(label: str) -> str:
    """An equal string that is another object, not interned (as a JSON parser hands them out)."""
    return "".join(list(label))


def _record(rng: random.Random, owners: int) -> tuple[DocRecord, list[int]]:
    spans = [
        SpanRecord(start, start + rng.randrange(1, 3), _fresh(rng.choice(["QUOTE", "CLAIM", "ACTOR"])))
        for start in (rng.randrange(300, 306) for _ in range(rng.randrange(0, 4)))
    ]
    return DocRecord(text="x" * 400, spans=spans), [rng.randrange(1, owners + 1) for _ in spans]


def test_compact_signatures_differ_exactly_when_the_full_ones_do() -> None:
    rng = random.Random(3)
    pairs = [(_record(rng, owners), _record(rng, owners)) for owners in (1, 2) for _ in range(3000)]
    same = 0
    for (a, who_a), (b, who_b) in pairs:
        full = differs(signature(a, who_a), signature(b, who_b))
        assert unpack(compact(a, who_a)) == signature(a, who_a)
        assert differs(signature(a, who_a), unpack(compact(b, who_b))) == full
        same += not full
    assert 100 < same < len(pairs) - 100  # both outcomes are exercised


def test_interned_or_duplicated_labels_unpack_to_the_same_sets() -> None:
    label = sys.intern("QUOTE")
    one = DocRecord(text="abcdef", spans=[SpanRecord(1, 3, label), SpanRecord(0, 2, "CLAIM")])
    other = DocRecord(
        text="abcdef",
        spans=[
            SpanRecord(0, 2, _fresh("CLAIM")),
            SpanRecord(1, 3, _fresh("QUOTE")),
            SpanRecord(1, 3, "QUOTE"),
        ],
    )
    assert unpack(compact(one, [7, 7])) == unpack(compact(other, [7, 7, 7])) == signature(one, [7, 7])
    assert not differs(signature(other, [7, 7, 7]), unpack(compact(one, [7, 7])))


def test_an_import_keeps_bytes_not_sets_for_each_document() -> None:
    """What made a streamed import's memory grow: a set of tuples kept per document."""
    apart = Apart(None, 1)  # type: ignore[arg-type]  # no stored documents are asked for: see _stored
    apart._stored = lambda hashes: {}  # type: ignore[method-assign]
    batch = [
        DocRecord(text=f"text {n}", spans=[SpanRecord(0, 4, "QUOTE", key="1")], source_file="f", line=n)
        for n in range(1, 4)
    ]
    batch.append(DocRecord(text="text 1", spans=[SpanRecord(0, 4, "CLAIM")], source_file="f", line=9))
    keys = apart.digests(batch, [[1]] * len(batch))
    assert len(set(keys)) == 4  # the fourth, same text as the first with another label, kept apart
    kept = [group.spans for groups in apart.groups.values() for group in groups]
    assert len(kept) == 4
    assert all(isinstance(value, bytes) for spans in kept for value in spans.values())
