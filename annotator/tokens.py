"""The source's own tokens and sentence breaks, kept with a document so exports reuse them.

A corpus read from IOB/CoNLL, HF JSONL, Prodigy, spaCy or WebAnno TSV comes with its tokenisation
(CoNLL's ``U.S.``, ``'s``, ``--`` are one token each) and its sentence breaks. Re-tokenising them
on export would put a published corpus on other tokens, so they are stored with the document and
used on export; documents without them keep ``annotator.text.tokenize``.

Storage is one compact blob per document: little-endian uint32 ``[n, start0, end0, …, start(n-1),
end(n-1), s0, s1, …]`` where ``s`` are the indices of the tokens that open a sentence.
"""

from __future__ import annotations

import re
import sys
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.errors import InputError
from annotator.formats.base import EXAMPLES, ExportReport, SpanTrims, Writer
from annotator.records import DocRecord
from annotator.text import tokenize

if TYPE_CHECKING:
    from annotator.import_result import ImportResult
    from annotator.tx import Tx

Tokens = list[tuple[int, int]]
SPLIT = "source tokens split at a span edge (a span starts or ends inside them)"
TRIMMED = "span edges on whitespace or outside every token (the spans were trimmed to token edges)"
TOKENS_KEY = "token_offsets"


# ``tokenize`` on plain ASCII, as one regular expression: a word is a run of letters and digits
# that ``' - _`` join, and ``. , : /`` between two digits; any other character but whitespace
# (what str.isspace calls so) is a token of its own.
_ASCII_TOKEN = re.compile(
    r"[A-Za-z0-9]+(?:['_-][A-Za-z0-9]+|(?<=[0-9])[.,:/][0-9][A-Za-z0-9]*)*|[^ \t\n\r\x0b\x0c\x1c-\x1f]"
)
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def fast_tokenize(text: str) -> Tokens:
    """``annotator.text.tokenize(text)``, the same tokens several times faster: ASCII stretches go
    through one regular expression, and only the words around other characters through
    ``tokenize``. A cut just after a space (before an ASCII character) is safe: no cluster, word
    or joiner reaches over a space, and an ASCII character extends no cluster before it.
    ``SLOW_TOKENS`` (tests) turns it back into the plain call."""
    if SLOW_TOKENS:
        return tokenize(text)
    if text.isascii():
        return [m.span() for m in _ASCII_TOKEN.finditer(text)]
    out: Tokens = []
    n, done = len(text), 0
    for run in _NON_ASCII.finditer(text):
        if run.start() < done:
            continue  # inside the stretch just handed to ``tokenize``
        lo = text.rfind(" ", done, max(done, run.start() - 1)) + 1 or done  # ASCII after it
        hi = run.end()
        while True:  # on to a cut: just after a space, before an ASCII character
            space = text.find(" ", hi)
            hi = n if space < 0 else space + 1
            if hi >= n or text[hi] < "\x80":
                break
        out.extend([m.span() for m in _ASCII_TOKEN.finditer(text, done, lo)])
        piece = text[lo:hi]
        words = _short_tokenize(piece) if len(piece) <= 64 else tokenize(piece)
        out.extend([(a + lo, b + lo) for a, b in words])
        done = hi
    out.extend([m.span() for m in _ASCII_TOKEN.finditer(text, done, n)])
    return out


@lru_cache(maxsize=16384)
def _short_tokenize(piece: str) -> Tokens:
    """``tokenize`` of a short stretch: the same names and words come back again and again."""
    return tokenize(piece)


SLOW_TOKENS = False


def cut_at(tokens: Sequence[tuple[int, int]], cuts: Iterable[int]) -> list[tuple[int, int]]:
    """``annotator.dataset.tokens.split_at``: ``tokens`` (sorted ``(start, end)`` tuples, not
    overlapping) with each one cut at the ``cuts`` inside it; found from the cuts' side, as a
    document has far fewer span edges than tokens: only the tokens a cut falls in are visited."""
    starts = [t[0] for t in tokens]
    inside: dict[int, list[int]] = {}
    for cut in sorted(set(cuts)):
        j = bisect_right(starts, cut) - 1
        if j >= 0 and tokens[j][0] < cut < tokens[j][1]:
            inside.setdefault(j, []).append(cut)
    if not inside:
        return list(tokens)
    out: list[tuple[int, int]] = []
    at = 0
    for j, found in inside.items():  # in token order: the cuts were
        out.extend(tokens[at:j])
        start, end = tokens[j]
        for cut in found:
            out.append((start, cut))
            start = cut
        out.append((start, end))
        at = j + 1
    out.extend(tokens[at:])
    return out


def pack(tokens: Sequence[tuple[int, int]] | None, sentences: Sequence[int] | None = None) -> bytes | None:
    """The blob stored in ``document.tokens`` (None when the document came without tokens)."""
    if not tokens:
        return None
    values = array("I", [len(tokens)])
    for start, end in tokens:
        values.append(start)
        values.append(end)
    values.extend(sentences or [0])
    if sys.byteorder != "little":
        values.byteswap()
    return values.tobytes()


def unpack(blob: bytes | None) -> tuple[Tokens | None, list[int] | None]:
    """``(tokens, sentence starts)`` of a stored blob, ``(None, None)`` for none."""
    if not blob:
        return None, None
    values = array("I")
    values.frombytes(bytes(blob))
    if sys.byteorder != "little":
        values.byteswap()
    n = values[0]
    flat = values[1 : 1 + 2 * n]
    return list(zip(flat[0::2], flat[1::2], strict=True)), list(values[1 + 2 * n :])


def of_record(record: DocRecord) -> bytes | None:
    """The blob for an imported record, checked: tokens in order, inside the text, not empty."""
    tokens = record.tokens
    if not tokens:
        return None
    try:
        check(record)
    except ValueError as exc:
        raise InputError(record.source_file or "input", f"tokens: {exc}", record.line) from None
    return pack(tokens, record.sentences)


def check(record: DocRecord) -> None:
    """Raise ValueError when the record's tokens or sentence starts do not fit its text."""
    tokens, previous = record.tokens or [], 0
    for start, end in tokens:
        if not previous <= start < end <= len(record.text):
            raise ValueError(f"token {start}–{end} is empty, out of order or outside the text")
        previous = end
    if not _increasing(record.sentences or [0], len(tokens)):
        raise ValueError("sentence starts must be increasing token indices beginning at 0")


def _increasing(starts: list[int], count: int) -> bool:
    """Sentence starts are increasing token indices from 0, below ``count``."""
    return starts[:1] == [0] and all(a < b for a, b in pairwise(starts)) and starts[-1] < count


@dataclass(slots=True)
class Splits:
    """Source tokens an export had to cut at a span edge: how many, and a few examples."""

    count: int = 0
    examples: list[str] = field(default_factory=list)

    def reason(self) -> str:
        return f"{SPLIT}, e.g. {', '.join(self.examples)}" if self.examples else SPLIT

    @property
    def key(self) -> str:
        return SPLIT

    def joined(self, later: Splits) -> Splits:
        """These cuts, then ``later``'s (a later part of the same export): the first examples."""
        return Splits(self.count + later.count, (self.examples + later.examples)[:EXAMPLES])

    def report_to(self, report: ExportReport) -> None:
        """Say in the export's report how many source tokens were cut (the format keeps the cuts)."""
        if report.held is not None:
            report.held.append(self)
        elif self.count:
            report.leave_out(self.reason(), self.count)


def token_trims() -> SpanTrims:
    """What a token format's writer collects of the spans it writes on their tokens only."""
    return SpanTrims(TRIMMED)


def export_tokens(record: DocRecord, cuts: set[int], splits: Splits | None = None) -> Tokens:
    """Tokens for an export: the stored ones (else ``tokenize``), cut at every edge in ``cuts``.

    A stored token that has to be cut is counted in ``splits`` (its text as an example).
    """
    if not record.tokens:
        return cut_at(fast_tokenize(record.text), cuts)
    out = cut_at(record.tokens, cuts)
    if splits is not None and len(out) != len(record.tokens):
        for start, end in record.tokens:
            if any(start < c < end for c in cuts):
                splits.count += 1
                if len(splits.examples) < EXAMPLES:
                    splits.examples.append(repr(record.text[start:end]))
    return out


def sentence_spans(record: DocRecord) -> list[tuple[int, int]] | None:
    """``(start, end)`` of each stored sentence (first token's start to last token's end)."""
    if not record.tokens:
        return None
    starts = record.sentences or [0]
    bounds = []
    for i, first in enumerate(starts):
        last = (starts[i + 1] if i + 1 < len(starts) else len(record.tokens)) - 1
        bounds.append((record.tokens[first][0], record.tokens[last][1]))
    return bounds


def within(record: DocRecord, start: int, end: int) -> tuple[Tokens | None, list[int] | None]:
    """The stored tokens and sentence starts of ``text[start:end]``, re-based to ``start``."""
    if not record.tokens:
        return None, None
    picked = [i for i, (a, b) in enumerate(record.tokens) if start <= a and b <= end]
    if not picked:
        return None, None
    tokens = [(record.tokens[i][0] - start, record.tokens[i][1] - start) for i in picked]
    first = picked[0]
    starts = sorted({0} | {s - first for s in record.sentences or [] if first <= s <= picked[-1]})
    return tokens, starts


def sentence_breaks(record: DocRecord, tokens: Sequence[tuple[int, int]]) -> list[int]:
    """Indices into ``tokens`` (an export's, maybe cut further) where a stored sentence begins,
    the first sentence left out (it needs no break)."""
    if not record.tokens or not record.sentences:
        return []
    firsts = {record.tokens[i][0] for i in record.sentences[1:]}
    return [i for i, (start, _end) in enumerate(tokens) if i and start in firsts]


def starts_from_json(value: Any, count: int, where: str, line: int | None) -> list[int]:
    """A JSON ``sentence_starts`` list: increasing token indices from 0 (below ``count``)."""
    ok = isinstance(value, list) and all(type(x) is int for x in value)
    if not ok or not _increasing(value, count):
        raise InputError(
            where, f"'sentence_starts' must be increasing token indices from 0, not {value!r}", line
        )
    return list(value)


def from_json(obj: dict[str, Any], where: str, line: int | None) -> tuple[Tokens | None, list[int] | None]:
    """``token_offsets`` (``[[start, end], …]``) and ``sentence_starts`` of a native JSON line, checked
    (not ``tokens``: a line with ``tokens`` is Prodigy's)."""
    value = obj.get(TOKENS_KEY)
    if value is None:
        return None, None
    pairs: list[Any] = value if isinstance(value, list) else [None]
    if not all(isinstance(p, list) and len(p) == 2 and all(type(x) is int for x in p) for p in pairs):
        raise InputError(where, f"'{TOKENS_KEY}' must be [start, end] pairs of whole numbers", line)
    if not pairs:
        return None, None
    tokens = [(int(p[0]), int(p[1])) for p in pairs]
    return tokens, starts_from_json(obj.get("sentence_starts", [0]), len(tokens), where, line)


def to_json(record: DocRecord) -> dict[str, Any]:
    """The ``token_offsets`` and ``sentence_starts`` keys of a native JSON line (none without tokens)."""
    if not record.tokens:
        return {}
    return {TOKENS_KEY: [[a, b] for a, b in record.tokens], "sentence_starts": list(record.sentences or [0])}


# Export formats with a place for a document's tokens (IOB without --docstart and Prodigy hold no
# sentence breaks and say so themselves).
TOKEN_FORMATS = frozenset({"jsonl", "native", "spacy", "iob", "conll", "hf-jsonl", "prodigy"})
NO_TOKENS = "documents' source tokens and sentence breaks (the format has no place for them)"


def said_tokens_lost(fmt: str, writer: Writer) -> Writer:
    """``writer``, reporting each document with source tokens when ``fmt`` cannot hold them."""
    if fmt in TOKEN_FORMATS:
        return writer

    def write(records: Iterable[DocRecord], out: Path, report: ExportReport) -> None:
        def counted() -> Iterator[DocRecord]:
            for record in records:
                if record.tokens:
                    report.leave_out(NO_TOKENS)
                yield record

        writer(counted(), out, report)

    return write


def fill_existing(tx: Tx, documents: Sequence[tuple[int, DocRecord]], result: ImportResult) -> None:
    """Records whose text a project document already has, coming with the source's tokens: the
    tokens go to a document that has none (a text first imported from a format without them);
    a document with other tokens keeps its own, and the import's result names the record."""
    from sqlalchemy import select, update

    from annotator.import_apart import where
    from annotator.model import Document

    pairs = [(doc_id, record) for doc_id, record in documents if record.tokens]
    if not pairs:
        return
    found = tx.session.execute(
        select(Document.id, Document.tokens).where(Document.id.in_({d for d, _ in pairs}))
    )
    stored: dict[int, bytes | None] = {doc_id: blob for doc_id, blob in found}
    added: dict[int, bytes] = {}
    for doc_id, record in pairs:
        blob, have = of_record(record), stored.get(doc_id)
        if have is None and blob is not None:
            stored[doc_id] = added[doc_id] = blob
        elif have is not None and bytes(have) != blob:
            result.tokens_kept.append(f"{where(record)}: document {doc_id} keeps its own tokens")
    if added:
        ids = sorted(added)
        tx.session.execute(update(Document), [{"id": d, "tokens": added[d]} for d in ids])
        tx.record("document", "updated", ids, tuple(ids), {"tokens": "from the import"})
        result.tokens_added += len(ids)
