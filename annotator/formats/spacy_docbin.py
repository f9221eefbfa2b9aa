"""spaCy v3 ``DocBin`` (``.spacy``): the training corpus format of ``spacy train``.

Each record becomes one ``Doc`` on its source's tokens and sentence starts when it came with them
(``annotator.tokens``), else tokenised by ``spacy.blank(language)``'s tokenizer, with every
token cut at span edges (``annotator.dataset.tokens.split_at``), so each span is an exact token
range and no token carries characters from outside a span it belongs to. In the ``Doc``:

* ``doc.spans[span_key]`` holds every span, in record order, overlaps and duplicates included
  (what ``spancat`` trains on); a span's ``id_`` is its record key;
* ``doc.ents`` holds the spans that do not overlap (``annotator.dataset.tokens.outermost``); how
  many were left out of ``ents`` is reported;
* ``doc.user_data["annotator"]`` holds what spaCy has no place for (a msgpack-able dict)::

      {"version": 1, "span_key": "sc",
       "doc": {"id", "title", "author", "published", "source_url", "source_file", "status", "meta",
               "attributes": {"alice": {"genre": "news"}}},          # document values, when any
       "spans": [{"key": "17", "annotator": "alice",                # aligned with doc.spans[span_key]
                  "attributes": {"type": "direct"},                  # codebook values, when any
                  "actor": {"id": 3, "name": "Jane Roe", "external_id": "Q42"},  # when linked
                  "fragments": [[0, 5], [16, 23]]}, ...],  # a multi-part span's parts (doc.spans: its hull)
       "relations": [{"head": 0, "child": 2, "label": "speaker", "annotator": "alice"}, ...]}

  ``head``/``child`` index ``doc.spans[span_key]``: source and target span of the relation.

* a span's registry actor is its ``kb_id_`` (in ``doc.spans`` and ``doc.ents``): the actor's
  external id (``Q42``), else ``actor:<id>``;
* a span's codebook values are also span extension data: after
  ``Span.set_extension("attributes_of", default=None)``, ``span._.attributes_of[span.id_]`` is
  the span's own values; after ``Span.set_extension("attributes", default=None)``,
  ``span._.attributes`` is the values of every span at those offsets when they agree. spaCy keys
  extension data by character offsets alone, so where two annotators' spans share offsets but
  not values, ``span._.attributes`` is left empty (and that is reported) rather than showing one
  annotator the other's values.

The file is written in bounded memory (``docbin_stream``: spaCy's own ``DocBin`` would hold every
document until the end); pass ``docs_per_file`` to write a folder of ``.spacy`` parts instead,
which ``spacy train`` reads as one corpus.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.dataset.tokens import DUPLICATE, OVERLAPPING, outermost, split_at
from annotator.errors import AnnotatorError, InputError
from annotator.formats.base import ExportReport, Writer
from annotator.formats.carried import actor_json, declare_values, document_values, kb_id, parts
from annotator.formats.docbin_stream import StreamingDocBin
from annotator.records import ActorRef, DocRecord, RelationRecord, SpanRecord
from annotator.tokens import Splits, export_tokens

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

USER_DATA = "annotator"
FIELDS = ("title", "author", "published", "source_url", "source_file", "status")
FRESH_VOCAB_EVERY = 2000  # documents between fresh tokenizers
INFLATE_FLOOR = 64 << 20  # a .spacy file may always inflate to this many bytes…
INFLATE_RATIO = 200  # …plus this many times its size on disk (see inflate_limit)
INFLATE_PIECE = 1 << 20
DEFAULT_KEY = "sc"
SPAN_KEY_META = "spacy_span_key"  # meta of a document whose spans came under another key
NOT_IN_ENTS = " (left out of doc.ents only; all are in doc.spans)"
EXTENSION = "attributes"  # span._.attributes
EXTENSION_OF = "attributes_of"  # span._.attributes_of[span.id_]
SHARED_EXTENSION = (
    "places where spans at the same offsets have different codebook values: span._.attributes "
    "left empty there (span._.attributes_of[span.id_] and user_data['annotator']['spans'] hold each)"
)


def blank(language: str) -> Language:
    """A tokenizer-only pipeline; an unsupported language is a clear error, not a traceback."""
    import spacy

    try:
        return spacy.blank(language)
    except (ImportError, KeyError, ValueError) as exc:
        raise AnnotatorError(
            f"spaCy cannot tokenise language {language!r} ({exc}); "
            "install what it names, or export with --language xx (spaCy's multi-language tokenizer)"
        ) from exc


def to_doc(
    nlp: Language, record: DocRecord, span_key: str | None, report: ExportReport, splits: Splits | None = None
) -> Doc:
    """One record as a ``Doc`` whose token boundaries include every span edge: the source's tokens
    and sentence starts when the document came with them, else spaCy's tokenizer."""
    from spacy.tokens import Doc

    text = record.text
    span_key = span_key or record.meta.get(SPAN_KEY_META) or DEFAULT_KEY
    starts = {s.start for s in record.spans}
    ends = {s.end for s in record.spans}
    if record.tokens:
        pieces = _covering(text, export_tokens(record, starts | ends, splits))
    else:
        pieces = [(t.idx, t.idx + len(t), bool(t.whitespace_)) for t in nlp.make_doc(text)]
    cut = split_at([(a, b) for a, b, _ in pieces], starts | ends)
    trailing = {b: space for _a, b, space in pieces}
    words: list[str] = []
    spaces: list[bool] = []
    firsts = {record.tokens[i][0] for i in record.sentences or []} if record.tokens else set()
    sent_starts: list[bool | int | None] = []
    for a, b in cut:
        words.append(text[a:b])
        spaces.append(False)
        sent_starts.append(a in firsts)
        if trailing.get(b):
            # The single space spaCy keeps as ``whitespace_`` becomes a token of its own when a span
            # starts on it or ends after it, so that span is still an exact token range.
            if b in starts or b + 1 in ends:
                words.append(text[b])
                spaces.append(False)
                sent_starts.append(False)
            else:
                spaces[-1] = True
    doc = Doc(nlp.vocab, words=words, spaces=spaces, sent_starts=sent_starts if firsts else None)
    if doc.text != text:
        raise AnnotatorError(f"internal error: spaCy tokens do not rebuild document {record.doc_id}")
    index = {s.key: i for i, s in enumerate(record.spans) if s.key is not None}
    group = []
    for s in record.spans:
        span = doc.char_span(
            s.start, s.end, label=s.label, alignment_mode="strict", span_id=s.key or "", kb_id=kb_id(s.actor)
        )
        if span is None:
            raise AnnotatorError(f"internal error: span {s.start}–{s.end} is not on token boundaries")
        group.append(span)
    doc.spans[span_key] = group
    ents, duplicates, overlapping = outermost(record.spans)
    if duplicates:
        report.leave_out(DUPLICATE + NOT_IN_ENTS, duplicates)
    if overlapping:
        report.leave_out(OVERLAPPING + NOT_IN_ENTS, overlapping)
    by_position = {(s.start, s.end, s.label): sp for s, sp in zip(record.spans, group, strict=True)}
    doc.ents = [by_position[(s.start, s.end, s.label)] for s in ents]
    relations = []
    for r in record.relations:
        if r.source in index and r.target in index:
            relations.append(
                {"head": index[r.source], "child": index[r.target], "label": r.type, "annotator": r.annotator}
                | ({"attributes": r.attributes} if r.attributes else {})
            )
        else:
            report.leave_out("relations naming a span the document does not have")
    doc.user_data[USER_DATA] = {
        "version": 1,
        "span_key": span_key,
        "doc": {"id": record.doc_id, **{f: getattr(record, f) for f in FIELDS}, "meta": record.meta}
        | ({"attributes": record.attributes} if record.attributes else {}),
        "spans": [_span_data(s) for s in record.spans],
        "relations": relations,
    }
    _extension_values(doc, record, report)
    return doc


def _span_data(span: SpanRecord) -> dict[str, Any]:
    data: dict[str, Any] = {"key": span.key, "annotator": span.annotator}
    if span.attributes:
        data["attributes"] = span.attributes
    if span.actor is not None:
        data["actor"] = actor_json(span.actor)
    if span.fragments:
        data["fragments"] = [list(p) for p in span.fragments]
    return data


def _extension_values(doc: Doc, record: DocRecord, report: ExportReport) -> None:
    """Codebook values as span extension data. spaCy keys it by character offsets alone
    (``("._.", name, start, end)``), so two spans at the same offsets (two annotators) share it:
    ``span._.attributes_of`` maps each span's ``id_`` to its values and never collides;
    ``span._.attributes`` holds the values when all spans at those offsets agree, else nothing
    (another annotator's values would be wrong), which is reported."""
    by_place: dict[tuple[int, int], dict[str, Any]] = {}
    for s in record.spans:
        if s.attributes:
            by_place.setdefault((s.start, s.end), {})[s.key or ""] = s.attributes
    data: dict[Any, Any] = doc.user_data  # spaCy's extension keys are tuples
    for (start, end), values in by_place.items():
        data[("._.", EXTENSION_OF, start, end)] = values
        distinct = {_canonical(v) for v in values.values()}
        if len(distinct) > 1:
            report.leave_out(SHARED_EXTENSION)
            continue
        data[("._.", EXTENSION, start, end)] = next(iter(values.values()))


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _covering(text: str, tokens: list[tuple[int, int]]) -> list[tuple[int, int, bool]]:
    """``(start, end, followed by one space)`` pieces that rebuild ``text`` from the source's
    tokens: one space after a token is its ``whitespace_``, other gaps are tokens of their own."""
    pieces: list[tuple[int, int, bool]] = []
    at = 0
    for start, end in tokens:
        if start == at + 1 and pieces and text[at] == " " and not pieces[-1][2]:
            pieces[-1] = (pieces[-1][0], pieces[-1][1], True)
        elif start > at:
            pieces.append((at, start, False))
        pieces.append((start, end, False))
        at = end
    if at < len(text):
        pieces.append((at, len(text), False))
    return pieces


def writer(language: str = "en", span_key: str | None = None, docs_per_file: int | None = None) -> Writer:
    """A DocBin writer for the project's language (``docs_per_file``: write a folder of parts).

    ``span_key``: the ``doc.spans`` key of every document; None: the key each document came with
    (``meta["spacy_span_key"]``), else ``sc``."""

    def write(records: Iterable[DocRecord], out: Path, report: ExportReport) -> None:
        splits = Splits()
        nlp = blank(language)
        part = 0
        target = out if not docs_per_file else out / f"part-{part:05d}.spacy"
        target.parent.mkdir(parents=True, exist_ok=True)
        docbin = StreamingDocBin(spool_dir=target.parent)
        try:
            for i, record in enumerate(records, 1):
                docbin.add(to_doc(nlp, record, span_key, report, splits))
                report.count(record)
                if docs_per_file and len(docbin) >= docs_per_file:
                    docbin.write(target)
                    part += 1
                    target = out / f"part-{part:05d}.spacy"
                    docbin = StreamingDocBin(spool_dir=target.parent)
                if i % FRESH_VOCAB_EVERY == 0:
                    nlp = blank(language)  # spaCy's string store grows with every new word; keep it bounded
            if not docs_per_file or len(docbin) or part == 0:
                docbin.write(target)
            splits.report_to(report)
        finally:
            docbin.close()

    return write


def write(records: Iterable[DocRecord], out: Path, report: ExportReport) -> None:
    """Write English-tokenised DocBin with spans under ``sc`` (the registry's plain writer)."""
    writer()(records, out, report)


def from_doc(doc: Doc, span_key: str | None = None) -> DocRecord:
    """A ``Doc`` as a record: spans from ``doc.spans[span_key]``, then ents not already there.

    ``span_key`` None: the key this tool wrote, else ``sc``, else the document's only span group;
    a key other than ``sc`` is kept in ``meta["spacy_span_key"]`` so that export writes it back.
    The Doc's tokens (whitespace ones aside) and sentence starts are the record's source tokens."""
    data: dict[str, Any] = doc.user_data.get(USER_DATA) or {}
    info: dict[str, Any] = dict(data.get("doc") or {})
    record = DocRecord(text=doc.text, meta=_plain(info.get("meta") or {}), doc_id=info.get("id"))
    for name in FIELDS:
        setattr(record, name, info.get(name))
    record.attributes = document_values(_plain(info.get("attributes")))
    span_key = span_key or _key_of(doc, data)
    if span_key != DEFAULT_KEY:
        record.meta[SPAN_KEY_META] = span_key
    words = [t for t in doc if t.text.strip()]
    record.tokens = [(t.idx, t.idx + len(t.text)) for t in words] or None
    if record.tokens:
        has_sentences = doc.has_annotation("SENT_START")
        record.sentences = [0] + [i for i, t in enumerate(words) if i and has_sentences and t.is_sent_start]
    extra = list(data.get("spans") or [])
    group = list(doc.spans[span_key]) if span_key in doc.spans else []
    aligned = len(extra) == len(group)
    seen = set()
    for i, span in enumerate(group):
        who: dict[str, Any] = dict(extra[i]) if aligned else {}
        key = who.get("key") if aligned else (span.id_ or None)
        record.spans.append(
            SpanRecord(span.start_char, span.end_char, span.label_, who.get("annotator"), span.text, key)
        )
        _take_back(record.spans[-1], who)
        seen.add((span.start_char, span.end_char, span.label_))
    for ent in doc.ents:
        if (ent.start_char, ent.end_char, ent.label_) not in seen:
            record.spans.append(SpanRecord(ent.start_char, ent.end_char, ent.label_, None, ent.text))
    if aligned:
        for rel in data.get("relations") or []:
            rel = dict(rel)
            for end in (rel["head"], rel["child"]):  # -1 would read the last span
                if type(end) is not int or not 0 <= end < len(record.spans):
                    raise ValueError(f"a relation refers to span {end!r} of {len(record.spans)}")
            source, target = record.spans[rel["head"]].key, record.spans[rel["child"]].key
            if source is not None and target is not None:
                values = _plain(rel.get("attributes")) or None
                record.relations.append(
                    RelationRecord(source, target, rel["label"], rel.get("annotator"), attributes=values)
                )
    declare_values(record)
    return record


def _take_back(span: SpanRecord, data: dict[str, Any]) -> None:
    """A span's codebook values and actor as this tool wrote them (checked on import)."""
    if isinstance(data.get("attributes"), dict):
        span.attributes = _plain(data["attributes"]) or None
    span.fragments = parts(_plain(data.get("fragments")))
    actor = data.get("actor")
    if isinstance(actor, dict) and (actor.get("external_id") or actor.get("name")):
        span.actor = ActorRef(name=actor.get("name"), external_id=actor.get("external_id"))
        aliases, kind, values = _plain(actor.get("aliases")), actor.get("kind"), actor.get("attributes")
        if isinstance(aliases, list) and all(isinstance(a, str) for a in aliases):
            span.actor.aliases = aliases or None
        span.actor.kind = kind if isinstance(kind, str) and kind else None
        span.actor.attributes = _plain(values) or None if isinstance(values, dict) else None


def _key_of(doc: Doc, data: dict[str, Any]) -> str:
    """The span group to read when none is asked for (see ``from_doc``)."""
    written = data.get("span_key")
    if isinstance(written, str) and written in doc.spans:
        return written
    keys = [k for k in doc.spans if len(doc.spans[k])]
    return DEFAULT_KEY if DEFAULT_KEY in keys or len(keys) != 1 else keys[0]


def _plain(value: Any) -> Any:
    """msgpack gives lists back as tuples; records hold JSON-like data, so turn them back."""
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def inflate_limit(size: int) -> int:
    """How many bytes a DocBin of ``size`` compressed bytes may inflate to.

    Real DocBins inflate about 10 times (150 times for very repetitive text); a zlib bomb about
    1,000 times, so a 2 MB file could ask for gigabytes before spaCy looks at a document.
    """
    return INFLATE_FLOOR + INFLATE_RATIO * size


def check_inflated_size(path: Path, data: bytes) -> None:
    """Refuse ``data`` if it inflates past ``inflate_limit``: measured piece by piece, each piece
    thrown away, so memory stays bounded whatever the file claims."""
    limit = inflate_limit(len(data))
    inflater = zlib.decompressobj()
    total, pending = 0, data
    try:
        while pending:
            total += len(inflater.decompress(pending, INFLATE_PIECE))
            if total > limit:
                raise InputError(
                    str(path),
                    f"refused: inflates to more than {limit:,} bytes ({len(data):,} on disk); "
                    "a real DocBin inflates about 10 times (a decompression bomb?)",
                )
            pending = inflater.unconsumed_tail
            if inflater.eof:
                break
    except zlib.error as exc:
        raise InputError(str(path), f"not a spaCy DocBin: {exc}") from None


def read(path: Path, span_key: str | None = None) -> Iterator[DocRecord]:
    """Read a ``.spacy`` file (or a folder of them, in name order) as records."""
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    path = Path(path)
    files = sorted(path.rglob("*.spacy")) if path.is_dir() else [path]
    vocab: Vocab = Vocab()
    for file in files:
        data = file.read_bytes()
        check_inflated_size(file, data)
        try:
            docbin = DocBin().from_bytes(data)
        except Exception as exc:  # spaCy raises ValueError, zlib.error or msgpack errors alike
            raise InputError(str(file), f"not a spaCy DocBin: {exc}") from None
        yield from _records(docbin.get_docs(vocab), file, span_key)


def _records(docs: Iterator[Doc], file: Path, span_key: str | None) -> Iterator[DocRecord]:
    """``from_doc`` of each document; a malformed one (crafted spans, user data) is an InputError."""
    for number, doc in enumerate(docs, 1):
        try:
            record = from_doc(doc, span_key)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
            raise InputError(str(file), f"document {number}: malformed spaCy data ({exc!r})") from None
        # Errors found later (the import's checks) name this file and document, not the file the
        # document first came from (``source_file``, carried in the user data).
        record.read_from = f"{file} (document {number})"
        yield record
