"""Turn a file's bytes into text, refusing rather than guessing wrong.

Annotation offsets index into the decoded text, so a wrong guess (mojibake) would silently
corrupt every span a researcher draws. Anything we cannot decode with confidence is refused
with a message that says how to fix the file.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from charset_normalizer import from_bytes
from charset_normalizer.md import mess_ratio

from annotator.errors import InputError

# Longest BOMs first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
)

# A well-formed UTF-8 multi-byte sequence; in a file that is not valid UTF-8 overall, one of these
# means mixed encodings, where any single-byte reading would garble the UTF-8 parts.
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xef][\x80-\xbf]{2}"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)

# Accented letters of Western European languages. Letters that mostly appear when Turkish,
# Czech or Icelandic bytes are read as cp1252 (ý þ ð) are left out on purpose.
_WESTERN_LETTERS = frozenset("àáâãäåæçèéêëìíîïñòóôõöøùúûüÿœßšžÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜŸŒŠŽ")
_WESTERN_PUNCT = frozenset("\xa0\xad“”‘’„‚«»‹›–—…•·€£¥¢§©®™°µ×½´¿¡ºª")
_INSIDE_WORDS = frozenset("’‘´·—–\xad")
_MAX_ACCENTED_SHARE = 0.3
_MAX_MESS = 0.2
# Python codec-name prefixes of legacy encodings that real text files use; exotic code pages
# (hp_roman8, EBCDIC, DOS) win detection on short texts by accident, so they are never accepted.
_COMMON_LEGACY = ("cp125", "iso8859", "koi8", "mac_", "shift_jis", "cp932", "euc", "gb", "big5", "cp949")
_RIVAL_MESS = 0.15

# Encodings read from a BOM or validated as UTF-8; anything else was a guess.
EXACT_ENCODINGS = frozenset(name for _, name, _ in _BOMS) | {"utf-8"}

_NOT_UTF8 = "not UTF-8 and the encoding could not be detected; re-save as UTF-8"


def normalize_newlines(text: str) -> str:
    """CRLF and lone CR become LF, so offsets are the same whichever platform saved the file."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def guess_meta(encoding: str) -> dict[str, str]:
    """Meta entry recording a guessed encoding, so a researcher can spot a converted file later."""
    return {} if encoding in EXACT_ENCODINGS else {"detected_encoding": encoding}


def decode(path: Path, data: bytes) -> tuple[str, str]:
    """Return (text, encoding name) for a file's bytes, or raise InputError naming the problem.

    Newlines are normalised to "\\n" (offsets must not depend on who saved the file); no Unicode
    normalisation is applied, since that would change what the author wrote.
    """
    for bom, name, codec in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            if not body:
                raise InputError(str(path), "empty file")
            try:
                text = body.decode(name.removesuffix("-sig"))
            except UnicodeDecodeError as exc:
                line = body[: exc.start].decode(name, errors="replace").count("\n") + 1
                raise InputError(str(path), f"invalid {codec.upper()} data ({exc.reason})", line) from None
            return normalize_newlines(text), name
    if not data:
        raise InputError(str(path), "empty file")
    if b"\x00" in data:
        raise InputError(
            str(path), "binary file (contains NUL bytes; UTF-16/32 text needs a byte-order mark)"
        )
    try:
        return normalize_newlines(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError as exc:
        bad = exc.start
    detected = _detect(data)
    if detected is None:
        line = data[:bad].count(b"\n") + 1
        reason = f"{_NOT_UTF8} (first invalid byte 0x{data[bad]:02X})"
        if _mostly_utf8(data):
            reason += "; the file seems to mix UTF-8 with another encoding"
        raise InputError(str(path), reason, line)
    text, name = detected
    return normalize_newlines(text), name


def _mostly_utf8(data: bytes) -> bool:
    """True when valid UTF-8 sequences clearly outnumber the invalid bytes (a pasted-in fragment)."""
    invalid = data.decode("utf-8", errors="replace").count("\ufffd")
    return len(_UTF8_MULTIBYTE.findall(data)) >= 2 * invalid


def _detect(data: bytes) -> tuple[str, str] | None:
    """Guess a legacy encoding only when the evidence is strong; None means "refuse"."""
    if _UTF8_MULTIBYTE.search(data):
        return None
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    if western is not None and _plausible_western(western) and mess_ratio(western, 1.0) < _MAX_MESS:
        return western, "cp1252"
    return _detect_other(data)


def _plausible_western(text: str) -> bool:
    """True if text reads like a Western European language rather than misread foreign bytes."""
    letters = accented = 0
    for i, ch in enumerate(text):
        if ch.isascii():
            if ch.isalpha():
                letters += 1
            elif unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f":
                return False
            continue
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        if ch in _WESTERN_LETTERS:
            letters += 1
            accented += 1
            if ch.isupper() and before.islower():
                return False  # "jŠlkeen": an accented capital inside a word is a misread byte
        elif ch not in _WESTERN_PUNCT:
            return False
        elif before.isalpha() and after.isalpha() and ch not in _INSIDE_WORDS:
            return False  # "Au§enminister": a symbol glued inside a word is a misread letter
        elif ch in "¿¡" and before.isalpha():
            return False  # Spanish puts these first; after a letter it is a misread ż/Ą.
        elif ch in "ºª" and after.isalpha():
            return False  # an ordinal marker never precedes a letter; Romanian ş/Ş does.
        if ch in "õÕ" and after not in "eEsS":
            return False  # Portuguese writes õe/ões; elsewhere õ is usually a misread Hungarian ő.
    return letters > 0 and accented / letters <= _MAX_ACCENTED_SHARE


def _detect_other(data: bytes) -> tuple[str, str] | None:
    """Accept charset_normalizer's guess only if it is a common encoding, clean, coherent and
    no other plausible reading of the bytes gives a different text."""
    matches = list(from_bytes(data))
    if not matches:
        return None
    best = matches[0]
    if (
        not best.encoding.startswith(_COMMON_LEGACY)
        or best.chaos > 0.02
        or best.coherence < 0.4
        or best.language == "Unknown"
    ):
        return None
    text = str(best)
    if any(other.chaos <= _RIVAL_MESS and str(other) != text for other in matches[1:]):
        return None
    return text, best.encoding
