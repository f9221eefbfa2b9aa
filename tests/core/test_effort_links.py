"""The simulated annotator of ``benchmarks.effort_links``: what linking labelled quotes costs."""

from __future__ import annotations

from annotator.records import DocRecord, RelationRecord, SpanRecord
from annotator.suggest.rules import RelationSuggestion, SpanSuggestion, Suggestions
from benchmarks.effort_links import actions

# Two quotes of Lind's and one of Reed's; the quotes are labelled, the speakers are not.
Q1, Q2, Q3 = (0, 10, "QUOTE"), (20, 30, "QUOTE"), (40, 50, "QUOTE")
LIND, REED = (12, 16, "ACTOR"), (52, 56, "ACTOR")
RECORD = DocRecord(
    text="x" * 60,
    spans=[SpanRecord(*s, key=k) for k, s in {"q1": Q1, "q2": Q2, "q3": Q3, "l": LIND, "r": REED}.items()],
    relations=[RelationRecord(q, s, "speaker") for q, s in (("q1", "l"), ("q2", "l"), ("q3", "r"))],
)


def _found(*links: tuple[tuple[int, int, str], tuple[int, int, str]]) -> Suggestions:
    spans: list[tuple[int, int, str]] = sorted({s for pair in links for s in pair})
    return Suggestions(
        [SpanSuggestion(*s, 0.9) for s in spans],
        [RelationSuggestion(spans.index(q), spans.index(a), "speaker", 0.9) for q, a in links],
    )


def test_by_hand_each_speaker_is_made_once_and_each_quote_linked() -> None:
    assert actions(RECORD, None) == 2 + 3


def test_right_speakers_cost_one_action_each() -> None:
    assert actions(RECORD, _found((Q1, LIND), (Q2, LIND), (Q3, REED))) == 3


def test_a_boundary_costs_two_a_wrong_speaker_three_a_link_to_no_quote_one() -> None:
    wrong = (44, 46, "ACTOR")  # inside Q3: no overlap with Reed
    stray = (55, 59, "QUOTE")  # a "quote" the reference does not have
    found = _found((Q1, (11, 16, "ACTOR")), (Q3, wrong), (stray, REED))
    # Q1: accept, drag an edge (2); Q2: by hand, Lind made already (1); Q3: reject, Reed, link (3);
    # the stray link: reject (1)
    assert actions(RECORD, found) == 2 + 1 + 3 + 1
