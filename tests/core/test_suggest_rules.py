"""The built-in attribution rules: quotes in every common convention, cues, speakers, gazetteer.

The fixtures are our own sentences in the shape of wire-service news; the sample article in
``../shared/samples`` is read when it is there (it may not be copied into the repository)."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.suggest.quotes import find_quotes
from annotator.suggest.rules import RuleConfig, Suggestions, suggest

NEWS = """# Varga Says 'No Deal' on River Dams

By Staff

Water Minister Ilona Varga said Tuesday that the council saw "no reason" to reopen the dam talks.

"We heard nothing today that changes the plan for the northern valley," Varga said after meeting the farmers.

"If they bring new figures, we will read them."

Opposition leader Tomas Reed had earlier told reporters he would not "sit quietly" while prices rose.

"It was the ministry that walked away, not the farmers," he said.

Regional chief Petra Holm said the figures were old.

"Nobody can plan a harvest on numbers from 2019," she told the local radio.

"The valley needs water in May, not promises," said Deputy Mayor Jan Ostrowski.
"""


def _links(text: str, found: Suggestions) -> list[tuple[str, str]]:
    """(quote text, speaker mention text) for each speaker link."""
    spans = found.spans
    return [
        (text[spans[r.source].start : spans[r.source].end], text[spans[r.target].start : spans[r.target].end])
        for r in found.relations
    ]


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("She said “we stay” and left.", "“we stay”"),
        ("Er sagte „wir bleiben“ und ging.", "„wir bleiben“"),
        ("Il a dit « nous restons » hier.", "« nous restons »"),
        ("Han sa »vi stannar« i går.", "»vi stannar«"),
        ("Hon sa ”vi stannar” i går.", "”vi stannar”"),
        ("Er sagte ‚wir bleiben‘ und ging.", "‚wir bleiben‘"),
        ("She said ‘we stay’ and left.", "‘we stay’"),
        ("Il a dit ‹ nous restons › hier.", "‹ nous restons ›"),
        ('She said "we stay" and left.', '"we stay"'),
        ("Reed Says 'No Deal' at Talks", "'No Deal'"),
    ],
)
def test_each_quotation_mark_convention(text: str, quoted: str) -> None:
    assert [text[q.start : q.end] for q in find_quotes(text)] == [quoted]


def test_apostrophes_and_nested_quotes_do_not_make_quotes() -> None:
    text = "The farmers' union said: \"Russia's plan is 'odd', and we won't sign it.\" Reed's aides agreed."
    assert [text[q.start : q.end] for q in find_quotes(text)] == [
        "\"Russia's plan is 'odd', and we won't sign it.\""
    ]


def test_a_quote_continues_where_the_next_paragraph_reopens_the_mark() -> None:
    text = '"The first part goes on.\n\n"And the second part ends it," Varga said.\n\n"An unclosed one.\n\nPlain text.'
    quotes = find_quotes(text)
    assert [(text[q.start : q.end], q.continued) for q in quotes] == [
        ('"The first part goes on.\n\n"And the second part ends it,"', True)
    ]


def test_speakers_of_a_news_article() -> None:
    found = suggest(NEWS)
    quotes = [NEWS[s.start : s.end] for s in found.spans if s.label == "QUOTE"]
    assert len(quotes) == 8  # every direct quote, the headline's and the short ones included
    links = dict(_links(NEWS, found))
    assert links["'No Deal'"] == "Varga"  # headline cue
    assert links['"no reason"'] == "Ilona Varga"  # cue before the quote, title left out
    assert links['"We heard nothing today that changes the plan for the northern valley,"'] == "Varga"
    assert links['"If they bring new figures, we will read them."'] == "Varga"  # continues
    assert links['"sit quietly"'] == "Tomas Reed"  # "had earlier told"
    assert links['"It was the ministry that walked away, not the farmers,"'] == "Tomas Reed"  # "he said"
    assert links['"Nobody can plan a harvest on numbers from 2019,"'] == "Petra Holm"  # "she told"
    assert links['"The valley needs water in May, not promises,"'] == "Jan Ostrowski"  # "said Deputy Mayor"
    assert all(r.type == "speaker" for r in found.relations)


def test_a_pronoun_can_be_the_speaker_mention_itself() -> None:
    found = suggest(NEWS, config=RuleConfig(pronoun_sources=True))
    links = dict(_links(NEWS, found))
    assert links['"It was the ministry that walked away, not the farmers,"'] == "he"


def test_names_labelled_in_the_project_are_actor_mentions_everywhere() -> None:
    text = "Kovacs arrived late. The board waited for Kovacs, and Anna Kovacs spoke last."
    assert [s for s in suggest(text).spans if s.label == "ACTOR"] == []
    found = suggest(text, gazetteer=["Kovacs", "Anna Kovacs"])
    mentions = [text[s.start : s.end] for s in found.spans if s.label == "ACTOR"]
    assert mentions == ["Kovacs", "Kovacs", "Anna Kovacs"]  # the longest name wins


def test_project_cues_extend_the_built_in_ones() -> None:
    text = '"We go on," Varga quipped.'
    assert suggest(text).relations == []
    found = suggest(text, config=RuleConfig(speech_verbs=("quipped",)))
    assert _links(text, found) == [('"We go on,"', "Varga")]


def test_according_to_names_the_source() -> None:
    text = 'The talks failed, "and nobody was surprised", according to a senior diplomat.'
    assert _links(text, suggest(text)) == [('"and nobody was surprised"', "a senior diplomat")]


SAMPLE = Path(__file__).resolve().parents[3] / "shared" / "samples" / "g20-article.md"


@pytest.mark.skipif(not SAMPLE.exists(), reason="the sample article is not beside the repository")
def test_the_sample_article() -> None:
    """Every direct quote is found (its 18 straight marks and the headline's pair), and each
    quote of Blinken's is linked to a mention of Blinken."""
    text = SAMPLE.read_text(encoding="utf-8")
    found = suggest(text)
    quotes = [s for s in found.spans if s.label == "QUOTE"]
    assert len(quotes) == text.count('"') // 2 + 1
    speakers = [target.split()[-1] for _quote, target in _links(text, found)]
    assert len(speakers) == len(quotes)
    assert speakers.count("Blinken") == 7
    assert speakers.count("Lavrov") == 2 and speakers.count("Borrell") == 1


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*"ab AB.,:\n\"'“”„‘’«»", "said", " he ", "Varga", "U.S.", "\n\n"])))
def test_any_text_gives_well_formed_suggestions(pieces: list[str]) -> None:
    text = "".join(pieces)
    found = suggest(text, gazetteer=["Varga"])
    for span in found.spans:
        assert 0 <= span.start < span.end <= len(text)
    for relation in found.relations:
        assert found.spans[relation.source].label == "QUOTE"
        assert found.spans[relation.target].label == "ACTOR"
    quotes = sorted((s.start, s.end) for s in found.spans if s.label == "QUOTE")
    assert all(a[1] <= b[0] for a, b in pairwise(quotes))  # quotes never nest
