"""Word boundaries: a simplified form of Unicode text segmentation (UAX #29), stdlib only.

* Grapheme clusters (a base character with its combining marks, variation selectors, emoji skin
  tone modifiers, zero-width-joiner emoji sequences, flag pairs, CR LF) are never split.
* A word is a run of clusters whose base is a letter, digit or mark. A single apostrophe, hyphen,
  underscore, middle dot, soft hyphen, Hebrew maqaf, geresh or gershayim between two such clusters
  joins them ("don't", "well-known", "צה״ל"); so does ``. , : /`` or an Arabic decimal/thousands
  separator between two digits ("3.5", "1,000", "10:30").
* Han, kana, Bopomofo, Thai, Lao, Khmer and Myanmar are written without spaces between words, so
  each of their clusters is a word on its own: a selection inside a Chinese sentence is not blown
  up to the whole sentence.
* Every other cluster (punctuation, symbols, emoji) is a token of its own; whitespace is no token.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["snap_to_words", "tokenize"]

# --- grapheme clusters ---------------------------------------------------------------------------

_CR, _LF, _ZWJ, _ZWNJ = "\r", "\n", "\u200d", "\u200c"
_HALFWIDTH_VOICING = ("\uff9e", "\uff9f")  # halfwidth (semi-)voiced sound marks extend the kana before


def _is_control(c: str) -> bool:
    return unicodedata.category(c) in ("Cc", "Zl", "Zp")


def _is_extend(c: str) -> bool:
    """Characters that attach to the one before them (no cluster boundary in front)."""
    o = ord(c)
    return (
        unicodedata.category(c)[0] == "M"
        or c in (_ZWJ, _ZWNJ)
        or 0x1F3FB <= o <= 0x1F3FF  # emoji skin tone modifiers
        or 0xE0020 <= o <= 0xE007F  # emoji tag sequences (subdivision flags)
    )


def _is_pictographic(c: str) -> bool:
    o = ord(c)
    return unicodedata.category(c) == "So" or 0x1F000 <= o <= 0x1FAFF or 0x2600 <= o <= 0x27BF


def _is_regional_indicator(c: str) -> bool:
    return 0x1F1E6 <= ord(c) <= 0x1F1FF


def _boundary(text: str, i: int) -> bool:
    """Whether a grapheme cluster boundary lies between ``text[i - 1]`` and ``text[i]`` (0 < i < len)."""
    b = text[i]
    a = text[i - 1]
    if b < "\u00a0":  # fast path: nothing below U+00A0 extends, is pictographic or a flag half
        return not (a == _CR and b == _LF)
    if _is_control(a) or _is_control(b):
        return True
    if _is_extend(b):
        return False
    if b in _HALFWIDTH_VOICING:
        return unicodedata.category(a)[0] != "L"  # letters themselves: only a letter may absorb them
    if a == _ZWJ and _is_pictographic(b):  # inside an emoji ZWJ sequence only if one precedes the ZWJ
        j = i - 2
        while j >= 0 and _is_extend(text[j]):
            j -= 1
        return not (j >= 0 and _is_pictographic(text[j]))
    if _is_regional_indicator(a) and _is_regional_indicator(b):
        run = 0
        j = i - 1
        while j >= 0 and _is_regional_indicator(text[j]):
            run += 1
            j -= 1
        return run % 2 == 0
    return True


def _cluster_start(text: str, i: int) -> int:
    """Start of the cluster containing ``text[i]`` (``i < len(text)``)."""
    while i > 0 and not _boundary(text, i):
        i -= 1
    return i


def _cluster_end(text: str, i: int) -> int:
    """End of the cluster that starts at ``i`` (``i < len(text)``)."""
    n = len(text)
    i += 1
    while i < n and not _boundary(text, i):
        i += 1
    return i


# --- character classes ---------------------------------------------------------------------------

_BLANK, _WORD, _SOLO, _PUNCT, _SYMBOL = range(5)

# Invisible characters that are trimmed like whitespace: zero-width space, word joiner, BOM, bidi
# marks/embeddings/isolates, and ZWJ/ZWNJ when they have no base to attach to.
_INVISIBLE = frozenset(
    "\u200b\u2060\ufeff\u180e\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    + _ZWJ
    + _ZWNJ
)
# Join the word clusters on both sides into one word.
_JOINERS = frozenset("'\u2019-\u2010\u2011_\u00b7\u00ad\u05be\u05f3\u05f4")
# Join two digits into one number.
_DIGIT_SEPARATORS = frozenset(".,:/\u066b\u066c")
# Punctuation that belongs to its neighbour ("5%", "#tag", "@user", "§ 3") and is never trimmed.
_KEPT_PUNCT = frozenset("%\u2030\u2031#@\u00a7\u2032\u2033")

# Scripts written without spaces between words; each of their clusters is a word of its own.
_SOLO_RANGES = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x3005, 0x3007),  # ideographic iteration mark, closing mark, number zero
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3100, 0x312F),  # Bopomofo
    (0x31A0, 0x31BF),  # Bopomofo extended
    (0x31F0, 0x31FF),  # Katakana phonetic extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF66, 0xFF9F),  # halfwidth Katakana
    (0x20000, 0x323AF),  # CJK extensions B-H, compatibility supplement
)


@lru_cache(maxsize=8192)
def _class_of(c: str) -> int:
    """Class of a cluster, decided by its first (base) character."""
    if c.isspace() or c in _INVISIBLE:
        return _BLANK
    if c in _JOINERS or c in _DIGIT_SEPARATORS:
        return _PUNCT
    cat = unicodedata.category(c)
    if cat[0] in "LNM":
        o = ord(c)
        return _SOLO if any(lo <= o <= hi for lo, hi in _SOLO_RANGES) else _WORD
    if cat[0] == "P":
        return _SYMBOL if c in _KEPT_PUNCT else _PUNCT
    return _SYMBOL


_ASCII_ALNUM = re.compile("[A-Za-z0-9]+")


def _is_digit(c: str) -> bool:
    return unicodedata.category(c) == "Nd"


def _is_joiner_at(text: str, j: int) -> bool:
    """Whether ``text[j]`` is a one-character cluster that joins the word clusters on both sides."""
    c = text[j]
    if c not in _JOINERS and c not in _DIGIT_SEPARATORS:
        return False
    if j == 0 or j + 1 >= len(text) or not _boundary(text, j) or not _boundary(text, j + 1):
        return False
    before = text[_cluster_start(text, j - 1)]
    after = text[j + 1]
    if _class_of(before) != _WORD or _class_of(after) != _WORD:
        return False
    return c in _JOINERS or (_is_digit(before) and _is_digit(after))


def _word_start(text: str, i: int) -> int:
    """Start of the word whose cluster starts at ``i`` (that cluster must be a word cluster)."""
    while i > 0:
        prev = _cluster_start(text, i - 1)
        if _class_of(text[prev]) == _WORD:
            i = prev
        elif prev == i - 1 and prev > 0 and _is_joiner_at(text, prev):
            i = _cluster_start(text, prev - 1)
        else:
            break
    return i


def _word_end(text: str, e: int) -> int:
    """End of the word whose last cluster ends at ``e`` (that cluster must be a word cluster)."""
    n = len(text)
    while e < n:
        ascii_run = _ASCII_ALNUM.match(text, e)
        if ascii_run:  # fast path over plain ASCII letters and digits, ending on a cluster boundary
            e = _cluster_end(text, ascii_run.end() - 1)
        elif _class_of(text[e]) == _WORD:
            e = _cluster_end(text, e)
        elif _is_joiner_at(text, e):
            e = _cluster_end(text, e + 1)
        else:
            break
    return e


# --- snapping a selection ------------------------------------------------------------------------

# Opening quote/bracket → the closing characters that pair with it. German „…“, Swedish ”…”, Danish
# »…« and French «…» are all covered; ASCII quotes pair with themselves.
_PAIRS: dict[str, str] = {
    '"': '"',
    "'": "'",
    "\u201c": "\u201d",  # “ ”
    "\u201e": "\u201c\u201d",  # „ “ or „ ”
    "\u201d": "\u201d",  # ” ” (Swedish, Finnish)
    "\u2018": "\u2019",  # ‘ ’
    "\u201a": "\u2018\u2019",  # ‚ ‘ or ‚ ’
    "\u00ab": "\u00bb",  # « »
    "\u00bb": "\u00ab\u00bb",  # » « or » »
    "\u2039": "\u203a",  # ‹ ›
    "\u203a": "\u2039\u203a",  # › ‹ or › ›
    "(": ")",
    "[": "]",
    "{": "}",
    "\u300c": "\u300d",  # 「 」
    "\u300e": "\u300f",  # 『 』
    "\u3010": "\u3011",  # 【 】
    "\u3008": "\u3009",  # 〈 〉
    "\u300a": "\u300b",  # 《 》
    "\u3014": "\u3015",  # 〔 〕
    "\uff08": "\uff09",  # （ ）
    "\uff3b": "\uff3d",  # ［ ］
    "\u27e8": "\u27e9",  # ⟨ ⟩
}
# Closing quote/bracket → the opening characters that pair with it.
_OPENERS_OF: dict[str, str] = {
    closer: "".join(opener for opener, closers in _PAIRS.items() if closer in closers)
    for closer in set("".join(_PAIRS.values()))
}


def _pair_inside(text: str, lo: int, hi: int, partners: str) -> bool:
    """Whether ``text[lo:hi]`` holds one of ``partners`` used as a quote/bracket, not inside a word."""
    for ch in partners:
        j = text.find(ch, lo, hi)
        while j != -1:
            if not _is_joiner_at(text, j):
                return True
            j = text.find(ch, j + 1, hi)
    return False


def _keep_leading(text: str, s: int, end: int) -> bool:
    """A leading punctuation cluster stays when it opens a pair closed inside the span, or is a minus."""
    c = text[s]
    if _cluster_end(text, s) != s + 1 or _is_joiner_at(text, s):
        return False
    if c in _PAIRS:
        return _pair_inside(text, s + 1, end, _PAIRS[c])
    return c == "-" and s + 1 < end and _is_digit(text[s + 1])


def _initialism_period(text: str, p: int) -> bool:
    """Whether the period at ``p`` ends an initialism such as "U.S." or "e.g." (single letters + dots)."""
    letters = 0
    while p >= 1 and text[p] == "." and text[p - 1].isalpha():
        q = p - 1
        if q > 0 and (text[q - 1].isalnum() or _class_of(text[q - 1]) == _WORD):
            return False
        letters += 1
        p = q - 1
    return letters >= 2


def _keep_trailing(text: str, start: int, e: int) -> bool:
    """A trailing punctuation cluster stays when it closes a pair opened inside the span, or ends "U.S."."""
    c = text[e - 1]
    if _cluster_start(text, e - 1) != e - 1 or _is_joiner_at(text, e - 1):
        return False
    if c in _OPENERS_OF:
        return _pair_inside(text, start, e - 1, _OPENERS_OF[c])
    return c == "." and _initialism_period(text, e - 1)


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Turn a rough mouse selection ``text[start:end]`` into the span an annotator meant.

    1. Clusters cut by the selection are taken whole (a combining mark stays with its base, a
       skin-toned or ZWJ emoji stays whole).
    2. Whitespace (and invisible format characters) is trimmed from both ends, and so is
       punctuation, except: an opening quote/bracket whose closing partner is inside the span and
       a closing one whose opening partner is inside (so ``"We saw no signs,"`` keeps its quotes),
       a leading minus before a digit ("-5"), the final period of an initialism ("U.S."), and
       ``% ‰ ‱ # @ § ′ ″`` which count as symbols. Symbols, currency signs and emoji are content.
    3. Words cut by either end are extended to their full extent (see the module docstring for
       what a word is: "don't" and "well-known" are one word, a CJK character is a word).

    Returns ``(start, start)`` for an empty selection or one with nothing but whitespace and
    punctuation ("nothing to annotate"). The result is idempotent. ValueError unless
    ``0 <= start <= end <= len(text)``.
    """
    n = len(text)
    if not 0 <= start <= end <= n:
        raise ValueError(f"selection {start}..{end} is not within 0..{n} with start <= end")
    if start == end:
        return start, start
    s = _cluster_start(text, start)
    e = _cluster_end(text, _cluster_start(text, end - 1))
    while True:
        old = s, e
        while s < e:
            cls = _class_of(text[s])
            if cls == _BLANK or (cls == _PUNCT and not _keep_leading(text, s, e)):
                s = _cluster_end(text, s)
            else:
                break
        while s < e:
            last = _cluster_start(text, e - 1)
            cls = _class_of(text[last])
            if cls == _BLANK or (cls == _PUNCT and not _keep_trailing(text, s, e)):
                e = last
            else:
                break
        if (s, e) == old:
            break
    if s >= e:
        return start, start
    if _class_of(text[s]) == _WORD:
        s = _word_start(text, s)
    if _class_of(text[_cluster_start(text, e - 1)]) == _WORD:
        e = _word_end(text, e)
    return s, e


# The rules above restricted to ASCII, where every character is a cluster of its own: a word is a
# run of letters and digits joined by ' - _ (or by . , : / between two digits); any other
# non-blank character is a token. A run between ASCII blanks that holds any other character
# (group 1) goes through the general rules: no token, cluster or joiner reaches across an ASCII
# blank. (A test checks this equals the general path.)
_ASCII_TOKEN = re.compile(
    r"([^ \t\n\r\x0b\x0c]*[^\x00-\x7f][^ \t\n\r\x0b\x0c]*)"
    r"|[A-Za-z0-9]+(?:(?:['\-_]|(?<=[0-9])[.,:/](?=[0-9]))[A-Za-z0-9]+)*|\S"
)


def tokenize(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into ``(start, end)`` code point spans: words, and each punctuation mark,
    symbol or emoji cluster on its own; whitespace is dropped. Deterministic and locale-free, so
    token-level agreement means the same for every user; every snapped span starts at a token start
    and ends at a token end.

    Agreement tokenises every text of a project: the runs of plain ASCII between blanks (most of
    a news article) go through one regular expression, the others through the general rules."""
    tokens: list[tuple[int, int]] = []
    for m in _ASCII_TOKEN.finditer(text):
        if m.lastindex is None:
            tokens.append(m.span())
            continue
        start = m.start()
        if start > 0 and not _boundary(text, start):  # a mark on a blank: the blank's cluster
            return _tokenize_clusters(text)
        tokens += [(start + a, start + b) for a, b in _tokenize_clusters(m.group())]
    return tokens


def _tokenize_clusters(text: str) -> list[tuple[int, int]]:
    """``tokenize`` by the general rules, cluster by cluster."""
    tokens: list[tuple[int, int]] = []
    n = len(text)
    i = 0
    while i < n:
        end = _cluster_end(text, i)
        cls = _class_of(text[i])
        if cls == _WORD:
            end = _word_end(text, end)
        if cls != _BLANK:
            tokens.append((i, end))
        i = end
    return tokens
