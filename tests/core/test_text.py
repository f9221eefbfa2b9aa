"""Offsets (code points vs UTF-16) and selection snapping, on texts that break naive code."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.text import OffsetMap, cp_to_utf16, snap_to_words, tokenize, utf16_len, utf16_to_cp

# Pieces, not single characters, so that multi-code-point clusters appear intact as well as cut up.
PIECES = [
    *"abcXYZ019",
    " ",
    "  ",
    "\n",
    "\r\n",
    "\t",
    "\u00a0",
    *".,;:!?'\"-()[]/%$#&",
    *"\u2019\u201c\u201d\u201e\u00ab\u00bb\u2013\u2026",
    "don't",
    "well-known",
    "3.5",
    "U.S.",
    "\U0001f600",  # 😀
    "\U0001f44d\U0001f3fd",  # 👍🏽
    "\U0001f468\u200d\U0001f469\u200d\U0001f467",  # family ZWJ sequence
    "\U0001f1e9\U0001f1ea",  # flag DE
    "\U0001f1e9",  # lone regional indicator
    "\U0001f3fd",  # lone skin tone modifier
    "\u200d",
    "\ufe0f",
    "e\u0301",
    "\u0301",
    "\u0308",
    "\u00e9",
    "\u5317\u4eac\u5e02",  # 北京市
    "\u3072\u3089\u304c\u306a",  # ひらがな
    "\U00020000",  # astral CJK extension B
    "\u0645\u0631\u062d\u0628\u0627",  # مرحبا
    "\u064e",  # Arabic fatha (combining)
    "\u060c",  # Arabic comma
    "\u05e9\u05dc\u05d5\u05dd",  # שלום
    "\u05e6\u05d4\u05f4\u05dc",  # צה״ל
    "\u05be",  # maqaf
    "\u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35",  # Thai greeting with vowel marks
    "\u200b",
    "\u200f",
    "\u00ad",
]

texts = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)
# Anything Python can encode as UTF-16 (hypothesis leaves out lone surrogates by default).
any_texts = st.one_of(texts, st.text(max_size=40))


def oracle_utf16(text: str, cp: int) -> int:
    return len(text[:cp].encode("utf-16-le")) // 2


def inside_pair(text: str, u16: int) -> bool:
    units = text.encode("utf-16-le")
    if not 0 < u16 < len(units) // 2:
        return False
    unit = int.from_bytes(units[2 * u16 : 2 * u16 + 2], "little")
    return 0xDC00 <= unit <= 0xDFFF


@st.composite
def selections(draw: st.DrawFn) -> tuple[str, int, int]:
    text = draw(texts)
    a = draw(st.integers(0, len(text)))
    b = draw(st.integers(0, len(text)))
    return text, min(a, b), max(a, b)


def splits_cluster(text: str, i: int) -> bool:
    """Whether offset ``i`` separates a combining mark from the base before it."""
    if not 0 < i < len(text):
        return False
    return unicodedata.category(text[i])[0] == "M" and unicodedata.category(text[i - 1]) not in (
        "Cc",
        "Zl",
        "Zp",
    )


def snapped(text: str, part: str, occurrence: int = 0) -> str:
    """Select ``part`` (its n-th occurrence) in ``text`` and return what snapping makes of it."""
    at = -1
    for _ in range(occurrence + 1):
        at = text.index(part, at + 1)
    start, end = snap_to_words(text, at, at + len(part))
    return text[start:end]


# --- UTF-16 offsets ------------------------------------------------------------------------------


@given(any_texts)
def test_utf16_len_matches_encoding(text: str) -> None:
    assert utf16_len(text) == len(text.encode("utf-16-le")) // 2
    assert OffsetMap(text).utf16_length == utf16_len(text)
    assert OffsetMap(text).length == len(text)


@given(any_texts)
def test_every_code_point_offset_round_trips(text: str) -> None:
    offsets = OffsetMap(text)
    for cp in range(len(text) + 1):
        u16 = cp_to_utf16(text, cp)
        assert u16 == oracle_utf16(text, cp)
        assert offsets.to_utf16(cp) == u16
        assert utf16_to_cp(text, u16) == cp
        assert offsets.to_cp(u16) == cp


@given(any_texts)
def test_every_utf16_offset_converts_or_is_inside_a_pair(text: str) -> None:
    offsets = OffsetMap(text)
    for u16 in range(utf16_len(text) + 1):
        if inside_pair(text, u16):
            with pytest.raises(ValueError, match="surrogate pair"):
                utf16_to_cp(text, u16)
            with pytest.raises(ValueError, match="surrogate pair"):
                offsets.to_cp(u16)
            down = utf16_to_cp(text, u16, snap="down")
            assert oracle_utf16(text, down) == u16 - 1
            assert utf16_to_cp(text, u16, snap="up") == down + 1
            assert offsets.to_cp(u16, snap="down") == down
            assert offsets.to_cp(u16, snap="up") == down + 1
        else:
            cp = utf16_to_cp(text, u16)
            assert oracle_utf16(text, cp) == u16
            assert offsets.to_cp(u16) == cp
            assert utf16_to_cp(text, u16, snap="down") == utf16_to_cp(text, u16, snap="up") == cp


@given(any_texts)
def test_out_of_range_offsets_raise(text: str) -> None:
    offsets = OffsetMap(text)
    for bad in (-1, len(text) + 1):
        with pytest.raises(ValueError, match="out of range"):
            cp_to_utf16(text, bad)
        with pytest.raises(ValueError, match="out of range"):
            offsets.to_utf16(bad)
    for bad in (-1, utf16_len(text) + 1):
        with pytest.raises(ValueError):
            utf16_to_cp(text, bad)
        with pytest.raises(ValueError, match="out of range"):
            offsets.to_cp(bad)


def test_emoji_examples() -> None:
    text = "Hi \U0001f600 there \U0001f44d\U0001f3fd!"
    assert cp_to_utf16(text, 3) == 3
    assert cp_to_utf16(text, 4) == 5  # after 😀
    assert cp_to_utf16(text, len(text)) == len(text) + 3
    assert utf16_to_cp(text, 5) == 4
    with pytest.raises(ValueError, match="surrogate pair"):
        utf16_to_cp(text, 4)
    assert utf16_to_cp(text, 4, snap="down") == 3
    assert utf16_to_cp(text, 4, snap="up") == 4


def test_bad_snap_choice_is_refused() -> None:
    with pytest.raises(ValueError, match="snap"):
        utf16_to_cp("abc", 1, snap="left")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="snap"):
        OffsetMap("abc").to_cp(1, snap="nearest")  # type: ignore[arg-type]


def test_lone_surrogate_counts_as_one_unit() -> None:
    text = "a\ud800b\U0001f600"
    assert utf16_len(text) == 5
    offsets = OffsetMap(text)
    assert [offsets.to_utf16(cp) for cp in range(5)] == [0, 1, 2, 3, 5]
    assert [cp_to_utf16(text, cp) for cp in range(5)] == [0, 1, 2, 3, 5]
    assert [utf16_to_cp(text, u) for u in (0, 1, 2, 3, 5)] == [0, 1, 2, 3, 4]


def test_offset_map_on_a_megabyte() -> None:
    """Speed is measured by the benchmarks; here the answers on a large text must be right."""
    chunk = "Die Ministerin sagte am Samstag, die Lage sei \u201eernst\u201c \u2013 "
    text = (chunk * (1_000_000 // len(chunk))).replace("Lage", "\U0001f600Lage", 400)
    assert text.count("\U0001f600") == 400
    offsets = OffsetMap(text)
    for cp in range(0, len(text), 997):
        assert offsets.to_utf16(cp) == len(text[:cp].encode("utf-16-le")) // 2
        assert offsets.to_cp(offsets.to_utf16(cp)) == cp
    assert offsets.to_utf16(len(text)) == len(text) + 400


# --- snapping ------------------------------------------------------------------------------------


@settings(max_examples=400)
@given(selections())
def test_snap_properties(selection: tuple[str, int, int]) -> None:
    text, start, end = selection
    a, b = snap_to_words(text, start, end)
    assert 0 <= a <= b <= len(text)
    assert snap_to_words(text, a, b) == (a, b)
    if a == b:
        assert a == start
        return
    assert not text[a].isspace() and not text[b - 1].isspace()
    assert not splits_cluster(text, a) and not splits_cluster(text, b)
    # Letters and digits the user selected are never dropped.
    for i in range(start, end):
        if text[i].isalnum():
            assert a <= i < b
    # The span is made of whole tokens.
    tokens = tokenize(text)
    assert a in {s for s, _ in tokens}
    assert b in {e for _, e in tokens}


@given(texts)
def test_tokens_are_ordered_whole_and_cover_all_letters(text: str) -> None:
    tokens = tokenize(text)
    assert tokens == tokenize(text)
    covered: set[int] = set()
    previous_end = 0
    for start, end in tokens:
        assert previous_end <= start < end <= len(text)
        assert not text[start].isspace() and not text[end - 1].isspace()
        assert not splits_cluster(text, start) and not splits_cluster(text, end)
        covered.update(range(start, end))
        previous_end = end
    assert all(i in covered for i, c in enumerate(text) if c.isalnum())


@given(texts)
def test_a_word_token_snaps_to_itself(text: str) -> None:
    for start, end in tokenize(text):
        if text[start].isalnum():
            assert snap_to_words(text, start, end) == (start, end)


def test_partial_words_extend_outwards() -> None:
    text = "The mayor said Saturday that the bridge would reopen."
    assert snapped(text, "aid Saturd") == "said Saturday"
    assert snapped(text, "e mayor s") == "The mayor said"
    assert snapped(text, "d") == "said"


def test_quote_with_its_marks_is_kept() -> None:
    text = 'Officials said:  "We saw no signs,"  according to the report.'
    assert snapped(text, '  "We saw no signs,"  ') == '"We saw no signs,"'
    assert snapped(text, '"We saw no signs,') == "We saw no signs"
    assert snapped(text, 'We saw no signs,"') == "We saw no signs"
    curly = "Sie sagte: \u201eWir sehen keine Gefahr.\u201c Dann ging sie."
    assert snapped(curly, "\u201eWir sehen keine Gefahr.\u201c ") == "\u201eWir sehen keine Gefahr.\u201c"
    french = "Il a dit \u00ab non \u00bb hier."
    assert snapped(french, " \u00ab non \u00bb ") == "\u00ab non \u00bb"


def test_punctuation_at_the_edges_is_trimmed() -> None:
    text = "She flew to Washington. Then (briefly) to Boston, Ottawa, and back."
    assert snapped(text, "Washington.") == "Washington"
    assert snapped(text, " Washington. ") == "Washington"
    assert snapped(text, "(briefly) ") == "(briefly)"
    assert snapped(text, "(briefly") == "briefly"
    assert snapped(text, ", Ottawa,") == "Ottawa"


def test_selection_of_only_whitespace_and_punctuation_is_empty() -> None:
    text = "Yes . . . no -- maybe!  "
    at = text.index(" . . . ")
    assert snap_to_words(text, at, at + 7) == (at, at)
    assert snap_to_words(text, len(text) - 3, len(text)) == (len(text) - 3, len(text) - 3)
    assert snap_to_words(text, 2, 2) == (2, 2)
    assert snap_to_words("", 0, 0) == (0, 0)


def test_words_with_apostrophes_hyphens_and_numbers() -> None:
    text = "They don't trust the well-known firm's 3.5% claim, nor the -5 or 1,000 or U.S."
    assert snapped(text, "n't") == "don't"
    assert snapped(text, "don'") == "don't"
    assert snapped(text, "ell-kn") == "well-known"
    assert snapped(text, "firm'") == "firm's"
    assert snapped(text, "3.") == "3.5"
    assert snapped(text, "3.5%") == "3.5%"
    assert snapped(text, " -5 ") == "-5"
    assert snapped(text, "1,0") == "1,000"
    assert snapped(text, "U.S.") == "U.S."
    assert snapped(text, "or U.S") == "or U.S"


def test_emoji_and_combining_marks_stay_whole() -> None:
    text = "Fans \U0001f44d\U0001f3fd the caf\u0065\u0301 \U0001f468\u200d\U0001f469\u200d\U0001f467 today"
    thumbs = text.index("\U0001f3fd")
    assert snap_to_words(text, thumbs, thumbs + 1) == (thumbs - 1, thumbs + 1)
    family = text.index("\U0001f468")
    assert snap_to_words(text, family + 1, family + 3) == (family, family + 5)
    assert snapped(text, "caf") == "caf\u0065\u0301"
    mark = text.index("\u0301")
    assert snap_to_words(text, mark, mark + 1) == (mark - 4, mark + 1)
    assert snapped(text, "\U0001f44d") == "\U0001f44d\U0001f3fd"


def test_emoji_sequences_are_single_tokens() -> None:
    text = "Go \U0001f1e9\U0001f1ea\U0001f1eb\U0001f1f7 a\u200d\U0001f600 \u2764\ufe0f\u200d\U0001f525!"
    tokens = [text[s:e] for s, e in tokenize(text)]
    # Two flags (regional indicators pair up); a ZWJ after a letter does not glue an emoji to it.
    assert tokens == [
        "Go",
        "\U0001f1e9\U0001f1ea",
        "\U0001f1eb\U0001f1f7",
        "a\u200d",
        "\U0001f600",
        "\u2764\ufe0f\u200d\U0001f525",
        "!",
    ]
    second_flag = text.index("\U0001f1eb")
    assert snap_to_words(text, second_flag - 1, second_flag + 1) == (second_flag - 2, second_flag + 2)


def test_cjk_characters_are_words_of_their_own() -> None:
    text = "\u5e02\u957f\u674e\u660e\u8bf4\uff1a\u201c\u6211\u4eec\u4e0d\u540c\u610f\u3002\u201d"  # 市长李明说：“我们不同意。”
    assert snapped(text, "\u674e\u660e") == "\u674e\u660e"
    assert snapped(text, "\u8bf4\uff1a") == "\u8bf4"
    quote = text[text.index("\u201c") :]
    assert snapped(text, quote) == quote
    assert [text[s:e] for s, e in tokenize(text)][:3] == ["\u5e02", "\u957f", "\u674e"]


def test_right_to_left_words() -> None:
    arabic = "\u0642\u0627\u0644 \u0627\u0644\u0648\u0632\u064a\u0631\u060c \u0645\u0631\u062d\u0628\u0627."  # قال الوزير، مرحبا.
    assert snapped(arabic, "\u0648\u0632\u064a") == "\u0627\u0644\u0648\u0632\u064a\u0631"
    assert (
        snapped(arabic, "\u0627\u0644\u0648\u0632\u064a\u0631\u060c ")
        == "\u0627\u0644\u0648\u0632\u064a\u0631"
    )
    assert snapped(arabic, "\u0631\u062d\u0628\u0627.") == "\u0645\u0631\u062d\u0628\u0627"
    hebrew = "\u05d3\u05d5\u05d1\u05e8 \u05e6\u05d4\u05f4\u05dc \u05d0\u05de\u05e8"  # דובר צה״ל אמר
    assert snapped(hebrew, "\u05d4\u05f4") == "\u05e6\u05d4\u05f4\u05dc"


def test_invalid_selection_raises() -> None:
    with pytest.raises(ValueError):
        snap_to_words("abc", 2, 1)
    with pytest.raises(ValueError):
        snap_to_words("abc", -1, 2)
    with pytest.raises(ValueError):
        snap_to_words("abc", 0, 4)


def test_snapping_in_the_middle_of_a_long_text() -> None:
    text = "word " * 200_000 + "Saturday " + "word " * 200_000
    at = text.index("Saturday")
    assert snap_to_words(text, at + 1, at + 5) == (at, at + 8)


def test_tokenize_example() -> None:
    text = 'The minister\'s "well-known" claim: 3.5% \U0001f600!'
    assert [text[s:e] for s, e in tokenize(text)] == [
        "The",
        "minister's",
        '"',
        "well-known",
        '"',
        "claim",
        ":",
        "3.5",
        "%",
        "\U0001f600",
        "!",
    ]
