"""A made-up attribution corpus for training tests: quotes, speakers and speaker links."""

from __future__ import annotations

import random

from annotator.records import DocRecord, RelationRecord, SpanRecord

NAMES = [
    "Ilona Varga",
    "Tomas Reed",
    "Petra Holm",
    "Jan Ostrowski",
    "Maria Lind",
    "Omar Haddad",
    "Lea Brandt",
]
TITLES = ["Water Minister", "Mayor", "Council chief", "Senator", "Professor"]
WORDS = [
    "the",
    "river",
    "plan",
    "will",
    "cost",
    "more",
    "than",
    "we",
    "said",
    "and",
    "nobody",
    "can",
    "wait",
    "for",
    "the",
    "next",
    "dry",
    "summer",
    "in",
    "our",
    "valley",
]


def _sentence(rng: random.Random) -> str:
    words = rng.sample(WORDS, rng.randint(6, 12))
    return (" ".join(words)).capitalize()


def document(rng: random.Random, n: int) -> DocRecord:
    """A few paragraphs, each a quote with its speaker in one of four common shapes, or none."""
    text = ""
    spans: list[SpanRecord] = []
    relations: list[RelationRecord] = []

    def add(piece: str, label: str | None = None) -> str | None:
        nonlocal text
        start = len(text)
        text += piece
        if label is None:
            return None
        key = str(len(spans) + 1)
        spans.append(SpanRecord(start, len(text), label, "ana", piece, key))
        return key

    add(f"Report {n}\n\n")
    for _ in range(rng.randint(3, 6)):
        name = rng.choice(NAMES)
        shape = rng.randrange(5)
        if shape == 0:
            q = add(f'"{_sentence(rng)},"', "QUOTE")
            add(" ")
            a = add(name.split()[-1], "ACTOR")
            add(" said.")
        elif shape == 1:
            add(f"{rng.choice(TITLES)} ")
            a = add(name, "ACTOR")
            add(" told reporters: ")
            q = add(f'"{_sentence(rng)}."', "QUOTE")
        elif shape == 2:
            q = add(f'"{_sentence(rng)},"', "QUOTE")
            add(f" said {rng.choice(TITLES)} ")
            a = add(name, "ACTOR")
            add(".")
        elif shape == 3:
            a = add(name, "ACTOR")
            add(" said ")
            q = add(f"{_sentence(rng).lower()}", "QUOTE")
            add(".")
        else:
            add(f"{_sentence(rng)}.\n\n")
            continue
        assert q is not None and a is not None
        relations.append(RelationRecord(q, a, "speaker", "ana"))
        add("\n\n")
    return DocRecord(text, title=f"Report {n}", spans=spans, relations=relations)


def corpus(n: int, seed: int = 0) -> list[DocRecord]:
    rng = random.Random(seed)
    return [document(rng, i) for i in range(n)]
