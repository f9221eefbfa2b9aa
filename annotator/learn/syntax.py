"""Dependency parses from an installed spaCy pipeline, as features of the source pass.

A content's source is most often the subject of the verb its clause hangs from ("[Senate
Majority Leader Mitch McConnell] *said* that ..."), appositions and relative clauses included,
which no word window sees. With a parser, each token of the pass's window also carries its
dependency path to the content's root ("nsubj^ccomp"), the word where the two meet, and whether
it lies in the subject of the content's governing verb (its edges are the source's boundaries).

Nothing is downloaded: the pipeline is one the user installed or trained (for the benchmark,
``benchmarks/ud_parser.py`` trains one from Universal Dependencies' English treebank). A model
trained with a parser records its name and needs it to decode; ``load_parser`` names it when it
is not there.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from sys import intern
from typing import Any

from annotator.errors import NotFoundError, ValidationError
from annotator.learn.basics import Tok

_PIECE = 10_000  # characters of text parsed at once, 8 pieces at a time: memory stays bounded
_MAX_DEPTH = 80  # a parse deeper than this is cut there (spaCy's trees are acyclic; a guard)


@dataclass(frozen=True)
class Parse:
    """One text's parse as plain columns (picklable for the training workers): each spaCy
    token's character offsets, dependency label, head index and fine-grained tag."""

    starts: list[int]
    ends: list[int]
    deps: list[str]
    heads: list[int]
    tags: list[str]


class Tree:
    """A parse seen from the tokens of ``features.tokenize``: each token's spaCy token, every
    node's children and subtree edges, paths between nodes."""

    def __init__(self, parse: Parse, toks: Sequence[Tok]) -> None:
        self.parse = parse
        n = len(parse.starts)
        # the spaCy token holding each token's first character (else the one before it)
        self.of = [max(0, bisect_right(parse.starts, a) - 1) for a, _b in toks]
        self.children: list[list[int]] = [[] for _ in range(n)]
        for j, h in enumerate(parse.heads):
            if h != j:
                self.children[h].append(j)
        self.left, self.right = list(range(n)), list(range(n))
        self._chains: dict[int, list[int]] = {}
        for j in range(n):
            for k in self.chain(j)[1:]:
                self.left[k] = min(self.left[k], j)
                self.right[k] = max(self.right[k], j)

    def chain(self, j: int) -> list[int]:
        """``j`` and its ancestors up to the root."""
        chain = self._chains.get(j)
        if chain is None:
            heads = self.parse.heads
            chain = [j]
            while heads[chain[-1]] != chain[-1] and len(chain) < _MAX_DEPTH:
                chain.append(heads[chain[-1]])
            self._chains[j] = chain
        return chain

    def root_of(self, start: int, end: int) -> int | None:
        """The node of the characters [start, end) whose head lies outside them (the widest, if
        the span is not one subtree); None if no node starts there."""
        starts, heads = self.parse.starts, self.parse.heads
        lo, hi = bisect_left(starts, start), bisect_left(starts, end)
        roots = [j for j in range(lo, hi) if heads[j] == j or not lo <= heads[j] < hi]
        return max(roots, key=lambda j: self.right[j] - self.left[j]) if roots else None

    def path(self, j: int, r: int) -> tuple[int, list[str], list[str]] | None:
        """Where ``j`` and ``r`` meet and the labels up from ``j`` and down to ``r``."""
        down = {k: n for n, k in enumerate(self.chain(r))}
        deps = self.parse.deps
        for up, k in enumerate(self.chain(j)):
            if k in down:
                return (
                    k,
                    [deps[x] for x in self.chain(j)[:up]],
                    [deps[x] for x in self.chain(r)[: down[k]]][::-1],
                )
        return None

    def subject(self, root: int, start: int, end: int) -> int | None:
        """The subject of the verb the content's root hangs from, or of a reporting clause
        hanging from the root ("..., he said": parataxis)."""
        parse = self.parse
        gov = parse.heads[root]
        verbs = [gov] if gov != root else []
        verbs += [
            c
            for c in self.children[root]
            if parse.deps[c] == "parataxis" and not start <= parse.starts[c] < end
        ]
        for verb in verbs:
            for c in self.children[verb]:
                if parse.deps[c].startswith("nsubj"):
                    return c
        return None

    def source_features(
        self, text: str, content: tuple[int, int], window: Sequence[int]
    ) -> list[dict[str, float | str]]:
        """Each window token's features relative to the content's characters ``content``."""
        parse = self.parse
        root = self.root_of(*content)
        subject = self.subject(root, *content) if root is not None else None
        out: list[dict[str, float | str]] = []
        for i in window:
            j = self.of[i]
            f: dict[str, float | str] = {
                "dep": parse.deps[j],
                "tag": parse.tags[j],
                "hdep": f"{parse.deps[j]}|{parse.deps[parse.heads[j]]}",
            }
            met = self.path(j, root) if root is not None else None
            if root is not None and (met is None or len(met[1]) > 4 or len(met[2]) > 3):
                f["path"] = "far"
            elif met is not None:
                k, ups, downs = met
                f["path"] = "/".join(ups) + "^" + "/".join(downs)
                f["path_up"] = "/".join(ups[-2:]) + "^" + "/".join(downs[:1])
                f["lca"] = text[parse.starts[k] : parse.ends[k]].lower()
                f["nup"], f["ndown"] = str(len(ups)), str(len(downs))
            if subject is not None:
                left, right = self.left[subject], self.right[subject]
                f["in_subj"] = float(left <= j <= right)
                f["subj_l"] = float(j == left)
                f["subj_r"] = float(j == right)
                f["subj_h"] = float(j == subject)
            else:
                f["no_subj"] = 1.0
            out.append(f)
        return out


class Parser:
    """An installed spaCy pipeline with a dependency parser."""

    def __init__(self, name: str) -> None:
        try:
            import spacy
        except ImportError as exc:  # pragma: no cover - spaCy is a dependency
            raise ValidationError("spaCy is not installed") from exc
        self.name = name
        try:
            self.nlp: Any = spacy.load(name)
        except (OSError, ValueError) as exc:
            raise NotFoundError(
                f"no installed spaCy pipeline {name!r} to parse with (install or train one; "
                "nothing is downloaded here)"
            ) from exc
        if "parser" not in self.nlp.pipe_names:
            raise ValidationError(
                f"{name}: the spaCy pipeline has no dependency parser (its parts: "
                f"{', '.join(self.nlp.pipe_names) or 'none'})"
            )
        self.piece = _PIECE  # characters parsed at once (``parse_all``)
        # what a parse does not need; a component the parser listens to (tok2vec, transformer)
        # is kept whatever its name
        unneeded = {
            "ner",
            "lemmatizer",
            "textcat",
            "textcat_multilabel",
            "spancat",
            "entity_linker",
            "entity_ruler",
        }
        self.nlp.select_pipes(disable=[p for p in self.nlp.pipe_names if p in unneeded])

    def parse(self, text: str) -> Parse:
        return self.parse_all([text])[0]

    def parse_all(self, texts: Sequence[str], stop: Callable[[], bool] = lambda: False) -> list[Parse]:
        """Every text's parse, checking ``stop`` between batches. A long text is parsed in
        pieces cut at line breaks (``pieces``): spaCy refuses a text over ``nlp.max_length``
        (a million characters), and a parse's memory grows with its text."""
        cut = [pieces(text, self.piece) for text in texts]
        flat = [piece for text, spans in zip(texts, cut, strict=True) for piece in _texts(text, spans)]
        docs = self.nlp.pipe(flat, batch_size=8)
        out: list[Parse] = []
        for spans in cut:
            parse = Parse([], [], [], [], [])
            for start, _end in spans:  # each piece's doc dropped once its columns are taken
                _extend(parse, start, next(docs))
            out.append(parse)
            if stop():
                break
        return out


def pieces(text: str, most: int = _PIECE) -> list[tuple[int, int]]:
    """``text`` as consecutive [start, end) pieces of at most ``most`` characters, each cut after
    its last line break (else after its last space, else anywhere)."""
    out, start = [], 0
    while len(text) - start > most:
        end = start + most
        cut = text.rfind("\n", start, end)
        if cut <= start:
            cut = text.rfind(" ", start, end)
        end = cut + 1 if cut > start else end
        out.append((start, end))
        start = end
    out.append((start, len(text)))
    return out


def _texts(text: str, spans: list[tuple[int, int]]) -> list[str]:
    return [text[a:b] for a, b in spans]


def _extend(parse: Parse, offset: int, doc: Any) -> None:
    """Add a piece's tokens to ``parse``, offsets and heads moved to where the piece starts."""
    first = len(parse.starts)
    for t in doc:
        parse.starts.append(offset + t.idx)
        parse.ends.append(offset + t.idx + len(t))
        parse.deps.append(intern(t.dep_))  # one string per label: less memory, smaller pickles
        parse.heads.append(first + t.head.i)
        parse.tags.append(intern(t.tag_))


def pipeline_name(name: str) -> str:
    """How a model records its parser: an existing folder by its absolute path, else the name
    (an installed package)."""
    path = Path(name).expanduser()
    return str(path.resolve()) if path.is_dir() else name


def load_parser(name: str) -> Parser:
    """The pipeline ``name``, loaded once per process while its folder (if it is one) stays as
    it was: a parser moved, deleted or replaced since is looked for again."""
    meta = Path(name).expanduser() / "meta.json"
    try:
        stamp = meta.stat().st_mtime_ns
    except OSError:
        stamp = None
    return _load(name, stamp)


@lru_cache(maxsize=4)
def _load(name: str, _stamp: int | None) -> Parser:
    return Parser(name)
