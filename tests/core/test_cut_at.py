"""``annotator.tokens.cut_at`` (the exports' cut of tokens at span edges, found from the edges'
side) gives what ``annotator.dataset.tokens.split_at`` (one look per token) gives."""

from __future__ import annotations

import random

from annotator.dataset.tokens import split_at
from annotator.tokens import cut_at


def test_cutting_from_the_edges_side_cuts_what_a_look_per_token_cuts() -> None:
    rng = random.Random(7)
    for _ in range(2000):
        tokens, at = [], 0
        for _ in range(rng.randint(0, 30)):
            start = at + rng.randint(0, 2)
            at = start + rng.randint(1, 6)
            tokens.append((start, at))
        cuts = [rng.randint(0, at + 2) for _ in range(rng.randint(0, 12))]
        assert cut_at(tokens, cuts) == split_at(tokens, cuts), (tokens, cuts)
    assert cut_at([(0, 5), (6, 9)], [2, 4, 7, 9, 0]) == [(0, 2), (2, 4), (4, 5), (6, 7), (7, 9)]
