"""Context features of the content tagger beyond a token's window (``Extras.context``).

A content's boundaries follow the sentence and the quote marks more than the words around them:
a content runs to its sentence's end, starts after "cue that" or a colon, opens and closes with
quote marks that may lie a paragraph away; headlines and leads ("NAME urges …") sit at a
document's start. So each token also sees where it stands in its paragraph and document, how far
its sentence's end is, which cue words its sentence holds on either side, whether a cue opened a
clause before it, the word after the capitalised run that opens its sentence, and whether its
sentence starts and ends inside an open quote.
"""

from __future__ import annotations

from itertools import pairwise

from annotator.learn.basics import CUE_RATE, Tok

_OPEN = frozenset("“«‹„")
_CLOSE = frozenset("”»›")
_STRAIGHT = frozenset('"')
_OPENERS = frozenset(["that", ":", ",", "whether", "if", "how", "why", "what"])


def _bucket(n: int) -> str:
    return str(n) if n < 3 else "3-5" if n < 6 else "6-10" if n < 11 else "11+"


def _quote_state(words: list[str], para_start: list[bool]) -> list[bool]:
    """Whether each token stands after an opening quote mark not yet closed in its paragraph
    (curly marks open and close; a straight one toggles)."""
    state, out = False, []
    for w, first in zip(words, para_start, strict=True):
        state = state and not first
        if w in _OPEN or (w in _STRAIGHT and not state):
            out.append(state)
            state = True
            continue
        if w in _CLOSE or w in _STRAIGHT:
            out.append(state)
            state = False
            continue
        out.append(state)
    return out


def add_context(
    text: str,
    toks: list[Tok],
    lower: list[str],
    rate: list[float],
    sentence_start: list[bool],
    feats: list[dict[str, float | str]],
) -> None:
    """Add the context features to each token's dict, in place."""
    n = len(toks)
    para_start = [i == 0 or "\n" in text[toks[i - 1][1] : toks[i][0]] for i in range(n)]
    opened = _quote_state([text[a:b] for a, b in toks], para_start)
    # sentences as token ranges
    bounds = [i for i in range(n) if sentence_start[i]] + [n]
    paragraph = -1
    sentence_in_para = 0
    for lo, hi in pairwise(bounds):
        if para_start[lo]:
            paragraph += 1
            sentence_in_para = 0
        else:
            sentence_in_para += 1
        cues = [i for i in range(lo, hi) if rate[i] >= CUE_RATE]
        clause = [i + 1 for i in cues if i + 1 < hi and lower[i + 1] in _OPENERS]
        run_end = lo
        while run_end < hi and text[toks[run_end][0] : toks[run_end][0] + 1].isupper():
            run_end += 1
        head = lower[run_end] if lo < run_end < hi else "-"
        start_open, end_open = opened[lo], opened[hi - 1]
        for i in range(lo, hi):
            f = feats[i]
            f["para"] = _bucket(paragraph)
            f["sent_in_para"] = _bucket(sentence_in_para)
            f["to_end"] = _bucket(hi - 1 - i)
            f["open_quote"] = float(opened[i])
            f["sent_quote"] = f"{int(start_open)}{int(end_open)}"
            before = [c for c in cues if c < i]
            after = [c for c in cues if c > i]
            f["cue_w_before"] = lower[before[-1]] if before else "-"
            f["cue_w_after"] = lower[after[0]] if after else "-"
            f["opened_clause"] = float(any(c <= i for c in clause))
            f["sent_head"] = head
            f["sent_head_cue"] = float(head != "-" and rate[run_end] >= CUE_RATE)
