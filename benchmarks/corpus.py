"""Deterministic synthetic corpora: news-like text with quotes, emoji and non-Latin scripts."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

NAMES = [
    "Ana Ruiz",
    "Jonas Weber",
    "Mira Okafor",
    "李明",
    "Fatima Al-Sayed",
    "Élodie Moreau",
    "Dmytro Kovalenko",
]
ORGS = ["the ministry", "the city council", "the port authority", "the union", "the central bank"]
VERBS = ["said", "argued", "claimed", "told reporters", "insisted"]
CLAIMS = [
    "prices will fall by spring",
    "the bridge opens in May",
    "the budget is balanced",
    "unemployment has halved",
    "the harbour deal is final",
]
EXTRAS = ["😀", "👍🏽", "🌉", "東京", "القاهرة", "Zürich", "e\u0301te\u0301"]
LABELS = ("CLAIM", "QUOTE", "ACTOR")
ANNOTATORS = ("alice", "bob", "carol")


def sentence(rng: random.Random) -> tuple[str, list[tuple[int, int, str]]]:
    """One sentence and its (start, end, label) spans: an actor, a quote, a claim inside it."""
    who = rng.choice(NAMES + ORGS)
    claim = rng.choice(CLAIMS)
    extra = rng.choice(EXTRAS)
    verb = rng.choice(VERBS)
    quote = f'"We know {claim}," '
    text = f"{extra} {quote}{who} {verb} on {rng.choice(['Monday', 'Friday'])}."
    q0 = len(extra) + 1
    q1 = q0 + len(quote) - 1  # up to and with the closing quote mark, not the space after it
    c0 = q0 + len('"We know ')
    a0 = q0 + len(quote)
    return text, [(a0, a0 + len(who), "ACTOR"), (q0, q1, "QUOTE"), (c0, c0 + len(claim), "CLAIM")]


def document(rng: random.Random, spans_per_doc: int, annotators: int = 2) -> dict[str, Any]:
    """A native-JSONL document with about ``spans_per_doc`` spans split among ``annotators``."""
    parts: list[str] = []
    spans: list[dict[str, Any]] = []
    relations: list[dict[str, Any]] = []
    offset = 0
    sid = 0
    while len(spans) < spans_per_doc:
        text, marks = sentence(rng)
        who = ANNOTATORS[len(parts) % annotators]
        ids = []
        for start, end, label in marks:
            sid += 1
            ids.append(sid)
            spans.append(
                {"id": sid, "start": offset + start, "end": offset + end, "label": label, "annotator": who}
            )
        relations.append({"from": ids[1], "to": ids[0], "type": "speaker", "annotator": who})
        parts.append(text)
        offset += len(text) + 1
    full = " ".join(parts)
    for span in spans:
        span["text"] = full[span["start"] : span["end"]]
    return {"text": full, "title": f"Article {rng.randrange(10**9)}", "spans": spans, "relations": relations}


def corpus(docs: int, spans_per_doc: int, seed: int = 1, annotators: int = 2) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    for _ in range(docs):
        yield document(rng, spans_per_doc, annotators)


def long_document(chars: int, spans: int, seed: int = 7) -> tuple[str, list[tuple[int, int, str]]]:
    """One long article of about ``chars`` characters carrying about ``spans`` spans (with overlaps)."""
    rng = random.Random(seed)
    parts: list[str] = []
    marks: list[tuple[int, int, str]] = []
    offset = 0
    per_paragraph = 4
    while offset < chars:
        paragraph = []
        for _ in range(per_paragraph):
            text, sentence_marks = sentence(rng)
            marks.extend((offset + s, offset + e, label) for s, e, label in sentence_marks)
            paragraph.append(text)
            offset += len(text) + 1
        parts.append(" ".join(paragraph))
        offset += 1  # paragraph break: "\n\n" minus the space already counted
    text = "\n\n".join(parts)
    rng.shuffle(marks)
    kept = sorted(m for m in marks[:spans] if text[m[0] : m[1]].strip())
    return text, kept
