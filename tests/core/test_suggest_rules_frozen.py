"""The rules' fast path suggests exactly what the rules suggested before it (issue 19: faster,
not different): generated documents in every quoting and cue convention the rules know, run one
by one and through ``suggest_many`` on two worker processes, against a frozen expected set
(``tests/fixtures/rules_frozen.jsonl``, written by the rules before they were made fast).

``python -m tests.core.test_suggest_rules_frozen`` writes the file again (only when the rules
are meant to change: bump ``rules.VERSION`` then).
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from annotator.learn.batch import suggest_many
from annotator.suggest.rules import RuleConfig, Suggestions, suggest
from benchmarks.quotes_corpus import corpus

FROZEN = Path(__file__).parent.parent / "fixtures" / "rules_frozen.jsonl"
PEOPLE = ["Ana Ruiz", "Tomas Reed", "Jean-Luc Moreau", "Olga Petrova", "Kwame Mensah", "Li Wei", "O'Neil"]
TITLES = ["Foreign Minister", "Mayor", "Sen.", "Mr.", "Dr.", "President", "spokeswoman", ""]
VERBS = ["said", "says", "told reporters", "added", "had previously warned", "quipped", "Says", "insisted"]
MARKS = [
    ("“", "”"),
    ("„", "“"),
    ("«", "»"),
    ("« ", " »"),
    ('"', '"'),
    ("'", "'"),
    ("‹", "›"),
    ("‘", "’"),
    ("”", "”"),
]
WORDS = [
    "the",
    "bridge",
    "will",
    "open",
    "in",
    "May",
    "and",
    "nobody",
    "can",
    "stop",
    "it",
    "now",
    "U.S.",
    "officials",
    "Russia's",
    "plan",
]
GAZETTEER = ["Ana Ruiz", "the Ministry", "Olga Petrova", "NATO"]
CONFIG = RuleConfig(speech_verbs=("quipped",), according_to=("in the view of",))


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _paragraph(rng: random.Random) -> str:
    person = rng.choice(PEOPLE)
    title = rng.choice(TITLES)
    who = f"{title} {person}".strip()
    left, right = rng.choice(MARKS)
    quote = f"{left}{_sentence(rng, rng.randint(1, 9)).capitalize()}{rng.choice(['', ',', '.', '!'])}{right}"
    verb = rng.choice(VERBS)
    forms = [
        f"{quote} {who} {verb}.",
        f"{quote} {verb} {who}.",
        f"{who} {verb}: {quote}",
        f"According to {who}, {_sentence(rng, 5)}.",
        f"In the view of {who}, {_sentence(rng, 4)}.",
        f"{quote}, he {verb}. {_sentence(rng, 6)}.",
        f"She {verb} {quote} on Monday.",
        f"# {title or 'Minister'} {person.split()[0]} Says {_sentence(rng, 3).title()}",
        f"{quote} according to a Western official present.",
        f"{_sentence(rng, 7)} in the words of {who}.",
        f"{left}{_sentence(rng, 6)}",  # left open: continues in the next paragraph, or never closes
        f"{_sentence(rng, 8)}. {person} {verb} it was {quote}",
    ]
    return rng.choice(forms)


def documents() -> list[str]:
    """Generated news-like documents (seeded), and the benchmark corpus's."""
    rng = random.Random(19)
    docs = ["\n\n".join(_paragraph(rng) for _ in range(rng.randint(1, 12))) for _ in range(250)]
    docs += ["", "No quotes here at all.", '"', "'tis", "« »", "“Unclosed\n\n“Reopened,” Ana Ruiz said."]
    return docs + [r.text for r in corpus(60, seed=7)]


def _plain(found: Suggestions) -> dict[str, Any]:
    return {
        "spans": [[s.start, s.end, s.label, s.score] for s in found.spans],
        "relations": [[r.source, r.target, r.type, r.score] for r in found.relations],
    }


def _all(docs: list[str]) -> list[dict[str, Any]]:
    return [_plain(suggest(text, GAZETTEER, CONFIG)) | {"plain": _plain(suggest(text))} for text in docs]


def _frozen() -> list[dict[str, Any]]:
    return [json.loads(line) for line in FROZEN.read_text(encoding="utf-8").splitlines()]


def test_the_rules_suggest_exactly_the_frozen_set() -> None:
    expected = _frozen()
    docs = documents()
    assert len(expected) == len(docs)
    got = _all(docs)
    for n, (mine, theirs) in enumerate(zip(got, expected, strict=True)):
        assert mine == theirs, f"document {n}: {docs[n]!r}"


def test_two_worker_processes_suggest_the_same() -> None:
    docs = list(enumerate(documents()))
    expected = _frozen()
    found = suggest_many(docs, gazetteer=GAZETTEER, config=CONFIG, workers=2, chunk=50)
    assert [_plain(s) for _n, s in found] == [{k: e[k] for k in ("spans", "relations")} for e in expected]


if __name__ == "__main__":
    lines = [json.dumps(found, separators=(",", ":")) for found in _all(documents())]
    FROZEN.write_text("\n".join(lines) + "\n", encoding="utf-8")  # one document a line
