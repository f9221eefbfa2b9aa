"""SpillSet: the same answers and the same order whether its members stay in memory or spill."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.spillset import SpillSet

# Valid Unicode without surrogates: what UTF-8 (and so SQLite) can hold.
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=6)


@settings(max_examples=80, deadline=None)
@given(st.lists(TEXT, max_size=60), st.lists(TEXT, max_size=10), st.integers(1, 8))
def test_members_and_order_match_a_python_set(values: list[str], probes: list[str], limit: int) -> None:
    with SpillSet(limit) as spill:
        for i, value in enumerate(values):
            if i % 2:
                spill.update([value])
            else:
                spill.add(value)
        assert all(value in spill for value in values)
        assert [p in spill for p in probes] == [p in set(values) for p in probes]
        count, ordered = spill.sorted()
        assert (count, list(ordered)) == (len(set(values)), sorted(set(values)))


def test_it_spills_past_the_limit_and_forgets_on_close() -> None:
    spill = SpillSet(limit=3)
    spill.update(["b", "😀", "a", "北"])
    assert spill.spilled and "😀" in spill and "z" not in spill
    assert list(spill.sorted()[1]) == ["a", "b", "北", "😀"]
    spill.close()
    assert not spill.spilled and "a" not in spill
