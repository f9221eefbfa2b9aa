"""``tokenize``'s regular-expression path for plain ASCII runs gives exactly the general rules' tokens."""

from __future__ import annotations

import random

from annotator.text import tokenize
from annotator.text.words import _tokenize_clusters
from benchmarks.corpus import corpus

# ASCII letters, digits, every joiner and separator, blanks (also the ASCII ones str.isspace
# counts), controls; then what makes a run take the general path: marks, ZWJ, emoji and their
# modifiers, flag halves, CJK, Arabic digits and separators, curly apostrophe, NBSP, Thai.
ALPHABET = [
    *"abcXYZ019 \t\n\r\x0b\x0c\x1c\x1f\x00\x7f'-_.,:/%#@\"!?()$+",
    *"\xa0\u0301\u200d\u200c\U0001f600\U0001f3fd\U0001f1e9\U0001f1ea李明م٣\u066b\u2019\u2010éü\u3000\u2028",
    *"\uff9eｶ\u05beא\u00ad\u0e01\u200b",
]


def test_random_text_tokenizes_as_by_the_general_rules() -> None:
    rng = random.Random(19)
    for _ in range(30_000):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randrange(0, 24)))
        assert tokenize(text) == _tokenize_clusters(text), repr(text)


def test_news_like_text_tokenizes_as_by_the_general_rules() -> None:
    for doc in corpus(200, 20, seed=4):
        assert tokenize(doc["text"]) == _tokenize_clusters(doc["text"])
    text = "Don't pay 1,000.50 $ for U.S. well-known e\u0301te\u0301 a \u0301b x\u200dy 10:30 a--b 3.a"
    assert tokenize(text) == _tokenize_clusters(text)
