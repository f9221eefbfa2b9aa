"""The rules suggest exactly what they suggested before they stopped tokenising whole texts
(issue 19: faster, not different), on seeded random documents made of the pieces their edge
cases turn on: speech verbs in every case, "according to" split over lines, titles, pronouns,
abbreviations glued to words ("U.Ssaid"), apostrophes, lone quotation marks, headlines, odd
white space and letters outside ASCII, under every configuration the rules read (the project's
gazetteer, extra cue words, pronoun sources, and cue words only the general path handles).

The expected set (``tests/fixtures/rules_frozen_fuzz.jsonl``) was written by the rules before
that change; ``python -m tests.core.test_suggest_rules_fuzz_frozen`` writes it again (only when
the rules are meant to change: bump ``rules.VERSION`` then).
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from annotator.suggest.rules import RuleConfig, Suggestions, suggest
from tests.core.test_suggest_rules_frozen import documents as made_up

FROZEN = Path(__file__).parent.parent / "fixtures" / "rules_frozen_fuzz.jsonl"
_PIECES = """said Said SAID says told tells added warned insisted quipped According according to To in
In the The a An words of view he He she She They it Ana Ruiz Jean-Luc O'Neil Li Wei Reed Holm Mr. Mr
Dr. Dr Sen. Foreign Minister President Mayor spokeswoman had previously also U.S. U.S U.Ssaid A.Bsaid
Russia's rock’n unsaid saidx said_ _said said2 2024 Monday NATO Ölaf Müller ſaid \u212aelvin İstanbul
o'er dijo reporters plan bridge"""
PIECES = _PIECES.split()
MARKS = [*"\"'“”„‘’‚«»‹›", ".", ",", "!", "?", ":", ";", "—", "-", "(", ")", "#", "# ", ". "]
GAPS = [" "] * 12 + ["\n", "\n\n", "\n\n", "\t", "\xa0", "", "  ", " \n \n"]
GAZETTEER = ["Ana Ruiz", "the Ministry", "Olga Petrova", "NATO", "Reed", "U.S."]
CONFIGS: list[tuple[list[str], RuleConfig]] = [
    ([], RuleConfig()),
    (GAZETTEER, RuleConfig(speech_verbs=("quipped", "Observed"), according_to=("in the view of",))),
    ([], RuleConfig(pronoun_sources=True, according_to=("To",))),
    (["Li Wei"], RuleConfig(speech_verbs=("o'er", "dijo", "said"), according_to=("  ", "in the words of"))),
]


def _piece(rng: random.Random) -> str:
    return rng.choice(MARKS) if rng.random() < 0.25 else rng.choice(PIECES)


def documents() -> list[str]:
    """Random documents of the pieces above (seeded), some with a made-up news paragraph inside."""
    rng = random.Random(1919)
    stories = made_up()[:250]
    docs = []
    for n in range(400):
        words = [_piece(rng) + rng.choice(GAPS) for _ in range(rng.randint(0, 60))]
        if n % 3 == 0:
            words.insert(rng.randint(0, len(words)), rng.choice(stories) + rng.choice(GAPS))
        docs.append("".join(words))
    return docs


def _plain(found: Suggestions) -> list[list[Any]]:
    return [[list(s) for s in found.spans], [list(r) for r in found.relations]]


def _all(docs: list[str]) -> list[list[list[list[Any]]]]:
    return [[_plain(suggest(text, names, config)) for names, config in CONFIGS] for text in docs]


def test_the_rules_suggest_exactly_the_frozen_set_on_random_documents() -> None:
    expected = [json.loads(line) for line in FROZEN.read_text(encoding="utf-8").splitlines()]
    docs = documents()
    assert len(expected) == len(docs)
    for n, (mine, theirs) in enumerate(zip(_all(docs), expected, strict=True)):
        assert mine == theirs, f"document {n}: {docs[n]!r}"


if __name__ == "__main__":
    lines = [json.dumps(found, separators=(",", ":"), ensure_ascii=False) for found in _all(documents())]
    FROZEN.write_text("\n".join(lines) + "\n", encoding="utf-8")  # one document a line
