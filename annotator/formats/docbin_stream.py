"""A spaCy ``DocBin`` written as documents come, in bounded memory and at speed.

spaCy's own ``DocBin.to_bytes`` keeps every document's token array, span groups and user data in
lists until the end, then packs them into one msgpack map and zlib-compresses it: ~15 KB a small
news document, 1.6 GB for 100,000. The file layout is simple enough to write in pieces instead:

    zlib(msgpack({"version", "attrs", "tokens": bin, "spaces": bin, "lengths": bin,
                  "strings": [str], "cats": [map], "flags": [map], "span_groups": [bin],
                  "user_data": [bin]}))

Each document's fields are appended to unnamed temporary files, one per field; at the end the map
is packed around those files through a streaming compressor. The distinct strings (every word,
label and span id, stored sorted) are a ``SpillSet``: memory stays bounded even when they grow with
the corpus (each span's id is one).

``add`` does what ``DocBin.add`` (and ``SpanGroups.to_bytes``) do, with one msgpack packer: spaCy's
calls ``srsly.msgpack_dumps`` three times a document, and each call builds a packer that looks its
encoders up among the installed packages' entry points (~0.5 ms with spaCy loaded), which made
``DocBin.add`` most of a spaCy export's time. The test suite checks that the decompressed bytes
equal spaCy's own for the same documents, so a spaCy release that changes the layout is caught.
"""

from __future__ import annotations

import contextlib
import itertools
import struct
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from annotator.atomic import atomic_write_bytes
from annotator.spillset import SpillSet

if TYPE_CHECKING:
    from spacy.tokens import Doc, SpanGroup

_BLOCK = 1 << 20
STRINGS_IN_MEMORY = 50_000
_FIELDS = ("tokens", "spaces", "lengths", "cats", "flags", "span_groups", "user_data")
_LISTS = _FIELDS[3:]  # one msgpack array with an element per document
_SPAN = struct.Struct(">QQQllll")  # SpanGroup.to_bytes: id, kb_id, label, start, end, start_char, end_char


def _array_header(n: int) -> bytes:
    if n < 16:
        return bytes([0x90 | n])
    if n < 1 << 16:
        return b"\xdc" + struct.pack(">H", n)
    return b"\xdd" + struct.pack(">I", n)


def _bin_header(n: int) -> bytes:
    if n < 1 << 8:
        return b"\xc4" + struct.pack(">B", n)
    if n < 1 << 16:
        return b"\xc5" + struct.pack(">H", n)
    if n < 1 << 32:
        return b"\xc6" + struct.pack(">I", n)
    raise ValueError("a spaCy DocBin field cannot exceed 4 GB; export with --docs-per-file")


def _span_strings(doc: Doc) -> Iterator[str]:
    """The strings ``DocBin.add`` keeps for spans: labels, and ids the vocabulary knows."""
    known = doc.vocab.strings
    for group in doc.spans.values():
        for span in group:
            yield span.label_
            if span.kb_id in known:
                yield span.kb_id_
            if span.id in known:
                yield span.id_


class StreamingDocBin:
    """Collects ``Doc`` objects like ``DocBin(store_user_data=True)`` and writes one ``.spacy`` file."""

    def __init__(self, spool_dir: Path | None = None) -> None:
        from spacy.attrs import SPACY
        from spacy.tokens import DocBin
        from srsly.msgpack import Packer

        template = DocBin(store_user_data=True)
        self._attrs: list[int | str] = list(template.attrs)
        self._version: str = template.version
        self._spacy_attr = SPACY
        self._pack: Any = Packer(use_bin_type=True).pack
        self._strings = SpillSet(STRINGS_IN_MEMORY)
        self._docs = 0
        self._sizes = dict.fromkeys(_FIELDS[:3], 0)
        self._spools = contextlib.ExitStack()  # closed (and the files gone) in close()
        self._files: dict[str, IO[bytes]] = {}
        for name in _FIELDS:
            spool = tempfile.TemporaryFile(dir=spool_dir)  # noqa: SIM115 - closed by close()
            self._files[name] = self._spools.enter_context(spool)

    def __len__(self) -> int:
        return self._docs

    def _put(self, name: str, data: bytes) -> None:
        self._files[name].write(data)
        if name in self._sizes:
            self._sizes[name] += len(data)

    def add(self, doc: Doc) -> None:
        """Append one document's fields (as ``DocBin.add`` computes them) to the spool files."""
        import numpy

        tokens = doc.to_array(self._attrs)
        if len(tokens.shape) == 1:
            tokens = tokens.reshape((tokens.shape[0], 1))
        self._put("tokens", tokens.tobytes("C"))
        self._put("spaces", numpy.asarray(doc.to_array(self._spacy_attr), dtype=bool).tobytes("C"))
        self._put("lengths", struct.pack("=i", tokens.shape[0]))  # numpy int32, native order
        pack = self._pack
        self._put("cats", pack(doc.cats))
        self._put("flags", pack({"has_unknown_spaces": doc.has_unknown_spaces}))
        self._put("user_data", pack(pack(doc.user_data)))
        self._put("span_groups", pack(self._span_groups(doc)))
        words = (
            (t.text, t.tag_, t.lemma_, t.norm_, str(t.morph), t.dep_, t.ent_type_, t.ent_kb_id_, t.ent_id_)
            for t in doc
        )
        self._strings.update(itertools.chain(itertools.chain.from_iterable(words), _span_strings(doc)))
        self._docs += 1

    def _span_groups(self, doc: Doc) -> bytes:
        """``doc.spans.to_bytes()``: a map from each group's bytes to the keys holding it."""
        from spacy.tokens._dict_proxies import SpanGroups

        if not doc.spans:
            return bytes(SpanGroups._EMPTY_BYTES)
        msg: dict[bytes, list[str]] = {}
        for key, group in doc.spans.items():
            msg.setdefault(self._span_group(group), []).append(key)
        return bytes(self._pack(msg))

    def _span_group(self, group: SpanGroup) -> bytes:
        spans = [_SPAN.pack(s.id, s.kb_id, s.label, s.start, s.end, s.start_char, s.end_char) for s in group]
        return bytes(self._pack({"name": group.name, "attrs": group.attrs, "spans": spans}))

    def write(self, path: Path) -> None:
        """Pack the collected documents into ``path`` (atomically) and release the spool files."""
        pack = self._pack
        try:
            with atomic_write_bytes(path) as fh:
                z = zlib.compressobj()

                def put(data: bytes) -> None:
                    fh.write(z.compress(data))

                def copy(name: str) -> None:
                    spool = self._files[name]
                    spool.seek(0)
                    while block := spool.read(_BLOCK):
                        put(block)

                put(bytes([0x80 | (3 + len(_FIELDS))]))  # fixmap: version, attrs, strings and the fields
                put(pack("version") + pack(self._version) + pack("attrs") + pack(self._attrs))
                for name in _FIELDS[:3]:
                    put(pack(name) + _bin_header(self._sizes[name]))
                    copy(name)
                count, strings = self._strings.sorted()
                put(pack("strings") + _array_header(count))
                while batch := list(itertools.islice(strings, 4096)):
                    put(b"".join(map(pack, batch)))
                for name in _LISTS:
                    put(pack(name) + _array_header(self._docs))
                    copy(name)
                fh.write(z.flush())
        finally:
            self.close()

    def close(self) -> None:
        self._spools.close()
        self._strings.close()
