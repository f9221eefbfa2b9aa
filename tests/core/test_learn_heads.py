"""The head cut: a predicted content that holds its own source ("RUIZ: ...", "Mayor Ruiz vows
...") becomes the content after the head, linked to the head's source. Made-up texts only."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.learn.features import tokenize
from annotator.learn.heads import cut_heads, find_head, heads_entry, learn_heads
from annotator.learn.model import Model
from annotator.learn.tagger import Tagged

CUES = frozenset(["vows", "said", "also", "fears"])
ALL = frozenset(["name", "pronoun", "phrase", "colon"])


def _pieces(text: str, content: str, forms: frozenset[str] = ALL) -> list[tuple[str, str | None]]:
    """The pieces ``content`` (a predicted content of ``text``) is cut into, with each one's source."""
    start = text.index(content)
    span = (start, start + len(content), "QUOTE")
    cuts = cut_heads(text, tokenize(text), [span], "QUOTE", CUES, forms)
    return [
        (text[a:b], None if h is None else text[h.source_start : h.source_end])
        for a, b, h in cuts.get(span, [])
    ]


def test_a_name_and_its_cue_at_a_contents_start_are_cut_off() -> None:
    text = "Mayor Ada Ruiz vows that the bridge will close soon."
    assert _pieces(text, text) == [("the bridge will close soon.", "Mayor Ada Ruiz")]


def test_a_transcripts_speakers_split_one_content_in_two() -> None:
    text = 'Notes follow.\n\n"RUIZ: Well, the bridge stays open.\n\n"LIND: No, it will close in May.'
    content = text[text.index('"RUIZ') :]
    assert _pieces(text, content) == [
        ("Well, the bridge stays open.", "RUIZ"),
        ("No, it will close in May.", "LIND"),
    ]


def test_a_head_inside_a_sentence_or_without_a_cue_is_left_alone() -> None:
    text = "Lind said he fears the bridge will close. Ada Ruiz likes the old bridge a lot."
    assert _pieces(text, "he fears the bridge will close.") == []  # its source is Lind, outside
    assert _pieces(text, "Ada Ruiz likes the old bridge a lot.") == []  # "likes" is no cue
    other = "This also matters a lot to the whole town."
    assert _pieces(other, other) == []  # "This" is nobody's name


def test_only_the_chosen_forms_cut() -> None:
    text = "RUIZ: The bridge stays open all year."
    assert _pieces(text, text, frozenset(["name"])) == []
    assert _pieces(text, text, frozenset(["colon"])) == [("The bridge stays open all year.", "RUIZ")]
    phrase = "The mayor said the bridge stays open."
    assert _pieces(phrase, phrase, frozenset(["phrase"])) == [("the bridge stays open.", "The mayor")]
    tokens = tokenize(phrase)
    assert find_head(phrase, tokens, 0, len(tokens), CUES, frozenset(["name"])) is None


def test_cue_words_and_forms_are_learnt_from_the_cue_spans_and_sources() -> None:
    docs = []
    for name in ["Ada Ruiz", "Bo Lind", "Cy Stone", "Di Park"]:
        text = f"{name} warns the bridge will close. {name} walks to the bridge every day."
        cue = text.index("warns")
        docs.append((text, [(cue, cue + len("warns"))], [(0, len(name))]))
    learnt = learn_heads(docs, min_count=3, min_precision=0.5)
    assert learnt["cues"] == ["warns"]  # "walks" is in no cue span
    assert learnt["forms"] == ["name"] and learnt["seen"]["name"] == [4, 4]
    wrong = [(text, cues, [(len(text) - 4, len(text) - 1)]) for text, cues, _s in docs]
    assert learn_heads(wrong, min_count=3, min_precision=0.5) == {
        "cues": [],
        "forms": [],
        "seen": {"name": [4, 0], "pronoun": [0, 0], "phrase": [0, 0], "colon": [0, 0]},
    }


class _Fixed(Model):
    """A model whose tagger always answers the given spans (the CRF left out)."""

    def __init__(self, meta: dict[str, object], tagged: list[Tagged]) -> None:
        super().__init__(Path("."), {"tiers": [], "linkers": [], **meta})
        self._tagged = tagged

    def tag(self, text: str, toks: list[tuple[int, int]] | None = None) -> list[Tagged]:
        return list(self._tagged)


def _linked(model: Model, text: str) -> tuple[list[str], dict[str, str]]:
    found = model.predict(text)
    words = lambda i: text[found.spans[i].start : found.spans[i].end]  # noqa: E731
    return [words(i) for i in range(len(found.spans))], {
        words(r.source): words(r.target) for r in found.relations
    }


def test_a_model_with_a_heads_entry_cuts_and_links_and_one_without_does_not() -> None:
    text = "RUIZ: The bridge stays open all year."
    linker = {
        "type": "speaker",
        "source_label": "QUOTE",
        "target_label": "ACTOR",
        "weights": {},
        "threshold": 2.0,
    }
    heads = heads_entry([(text, [], [])], ("speaker", "QUOTE", "ACTOR"))
    assert heads["forms"] == ["colon"] and json.loads(json.dumps(heads)) == heads
    tagged = [Tagged(0, len(text), "QUOTE", 0.9)]
    old = _Fixed({"linkers": [linker]}, tagged)
    assert _linked(old, text) == ([text], {})
    new = _Fixed({"linkers": [linker], "heads": heads}, tagged)
    assert _linked(new, text) == (
        ["RUIZ", "The bridge stays open all year."],
        {"The bridge stays open all year.": "RUIZ"},
    )


def test_a_new_model_records_its_head_cut_and_can_be_trained_without(tmp_path: Path) -> None:
    from annotator.learn.model import load
    from annotator.learn.train import train
    from annotator.records import DocRecord, RelationRecord, SpanRecord

    records = []
    for i in range(12):
        name, content = (
            ["Ada Ruiz", "Bo Lind", "Cy Stone"][i % 3],
            ["the bridge will close", "taxes must rise"][i % 2],
        )
        text = f"Rain fell on day {i}. {name} warns that {content}. Nobody came."
        a, c, q = text.index(name), text.index("warns"), text.index(content)
        spans = [
            SpanRecord(a, a + len(name), "ACTOR", "ana", name, "a"),
            SpanRecord(c, c + 5, "CUE", "ana", "warns", "c"),
            SpanRecord(q, q + len(content), "QUOTE", "ana", content, "q"),
        ]
        records.append(
            DocRecord(
                text, title=f"doc {i}", spans=spans, relations=[RelationRecord("q", "a", "speaker", "ana")]
            )
        )
    out = tmp_path / "model"
    train(records, out, labels=["QUOTE", "ACTOR"], max_minutes=0.2, second_pass=None)
    heads = json.loads((out / "model.json").read_text())["heads"]
    assert (heads["type"], heads["content"], heads["source"], heads["forms"]) == (
        "speaker",
        "QUOTE",
        "ACTOR",
        ["colon"],
    )
    assert heads["cues"] == ["warns"] and load(out).heads == heads
    plain = tmp_path / "plain"
    train(records, plain, labels=["QUOTE", "ACTOR"], max_minutes=0.2, second_pass=None, head_forms=())
    assert "heads" not in json.loads((plain / "model.json").read_text()) and load(plain).heads is None
