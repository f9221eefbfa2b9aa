"""The fast export paths write exactly the bytes the plain ones wrote (issue 19: speed never
trades exactness): ``fast_tokenize`` against ``annotator.text.tokenize``, and each token format
written with and without its shortcuts over a generated corpus with emoji, CJK and RTL text,
multi-line documents, combining marks, line separators and spans on every edge."""

from __future__ import annotations

import random
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator import tokens as token_module
from annotator.export import WRITERS
from annotator.formats import prodigy
from annotator.formats.base import ExportReport
from annotator.records import DocRecord, RelationRecord, SpanRecord
from annotator.text import tokenize
from annotator.tokens import fast_tokenize

# Characters that test every rule of the tokenizer: ASCII words, joiners, digit separators,
# whitespace and controls, combining marks, emoji with modifiers and ZWJ, flags, CJK, Arabic,
# Hebrew, invisible marks, a soft hyphen and a line separator.
PIECES = [
    *"abcXYZ019 .,:/'-_%#@()!?\"\t\n\r\x1c\x7f\x00",
    "é",
    "e\u0301",
    "\u0301",
    "😀",
    "👍🏽",
    "👩\u200d💻",
    "\u200d",
    "🇩🇪",
    "東京",
    "李明",
    "القاهرة",
    "שָׁלוֹם",
    "\u00a0",
    "\u2019",
    "\u00ad",
    "\ufeff",
    "\u2028",
    "\u200f",
    "ｶﾞ",
    "don't",
    "3.5",
    "well-known",
    "  ",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_fast_tokenize_is_tokenize(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert fast_tokenize(text) == tokenize(text)


def test_fast_tokenize_long_mixed_text() -> None:
    rng = random.Random(19)
    for _ in range(300):
        words = [rng.choice(PIECES[:40]) for _ in range(rng.randint(0, 400))]
        for _ in range(rng.randint(0, 8)):
            words.insert(rng.randint(0, len(words)), rng.choice(PIECES))
        text = "".join(words)
        assert fast_tokenize(text) == tokenize(text)


SENTENCES = [
    '😀 "We know prices will fall by spring," Ana Ruiz said on Monday.',
    "李明 told reporters in 東京 that the harbour deal is final.",
    "قال فاطمة السيد إن الميزانية متوازنة.",
    "Élodie Moreau said: e\u0301te\u0301 was «a well-known 3.5% rise».",
    "👩\u200d💻 The union 🇩🇪 insisted\u2028unemployment has halved.",
    "שָׁלוֹם, said the port authority (on Friday).",
]


def corpus(seed: int = 5, documents: int = 40) -> list[DocRecord]:
    """Multi-line documents with spans at the text's edges, nested, touching and overlapping,
    two annotators and relations; every fourth one carries source tokens."""
    rng = random.Random(seed)
    records = []
    for number in range(documents):
        lines = [" ".join(rng.sample(SENTENCES, rng.randint(1, 3))) for _ in range(rng.randint(1, 4))]
        text = "\n".join(lines) if number % 5 else "\n\n" + "\n".join(lines) + "\n "
        words = tokenize(text)
        spans: list[SpanRecord] = []
        for k in range(rng.randint(0, 12)):
            a = rng.randrange(len(words))
            b = min(len(words) - 1, a + rng.randint(0, 6))
            start, end = words[a][0], words[b][1]
            if k == 0:
                start = words[0][0]  # the first token
            if k == 1:
                end = words[-1][1]  # the last token
            if k == 2 and end - start > 1:
                end -= 1  # inside a token: the token is cut
            spans.append(
                SpanRecord(
                    start, end, rng.choice(["ACTOR", "QUOTE", "CLAIM"]), rng.choice(["al", "bo"]), key=str(k)
                )
            )
        relations = [
            RelationRecord(s.key or "", t.key or "", "speaker", s.annotator)
            for s, t in pairwise(spans)
            if s.annotator == t.annotator and rng.random() < 0.5
        ]
        record = DocRecord(
            text=text, spans=spans, relations=relations, doc_id=number + 1, title=f"Doc {number}"
        )
        if number % 4 == 3:
            record.tokens = [(a, b) for a, b in words if b - a < 4] or None
            record.sentences = [0] if record.tokens else None
        records.append(record)
    return records


def _write(fmt: str, out: Path) -> tuple[bytes, dict[str, int]]:
    report = ExportReport(out)
    WRITERS[fmt](iter(corpus()), out, report)
    return out.read_bytes(), dict(report.left_out)


@pytest.mark.parametrize("fmt", ["iob", "hf-jsonl", "labelstudio", "prodigy"])
def test_fast_exports_write_the_same_bytes(tmp_path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _write(fmt, tmp_path / "fast")
    monkeypatch.setattr(token_module, "SLOW_TOKENS", True)
    monkeypatch.setattr(prodigy, "SHARED_TOKENS", False)
    slow = _write(fmt, tmp_path / "slow")
    assert fast[0] == slow[0]
    assert fast[1] == slow[1]
    assert len(fast[0]) > 10_000
