"""A trained model folder: ``model.json`` (what it was trained for, its figures, the speaker
classifiers' weights) and one ``tier-N.crfsuite`` per tier of labels, plus one
``source-N.crfsuite`` per relation type with a cue-anchored source pass (``sources.py``; models
trained before it have none and link as they did). A ``heads`` entry cuts contents that hold
their own source (``heads.py``).

``load`` refuses, naming the file, anything that is not such a folder, so a wrong path never
turns into empty suggestions.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from annotator.errors import NotFoundError, ValidationError
from annotator.learn.bounds import BOUNDS, CONTENT_BOUNDS, fix_spans
from annotator.learn.features import Extras, Tok, tokenize
from annotator.learn.heads import cut_heads
from annotator.learn.linker import Linker
from annotator.learn.sources import Context, SourcePass
from annotator.learn.tagger import RECALL, CrfTier, Tagged, add_missing
from annotator.suggest.rules import RelationSuggestion, SpanSuggestion, Suggestions

FORMAT = "annotator-model"
FORMAT_VERSION = 1
META = "model.json"
Span = tuple[int, int, str]


class Model:
    def __init__(self, folder: Path, meta: dict[str, Any]) -> None:
        self.folder, self.meta = folder, meta
        lexicon = meta.get("lexicon")  # models trained before the learnt cue words use the rules' verbs
        self.tiers = [CrfTier(folder / f"tier-{i}.crfsuite", lexicon) for i in range(len(meta["tiers"]))]
        self.linkers = [Linker(**spec) for spec in meta["linkers"]]
        # the cue-anchored second pass of each relation type trained with one (``sources.py``)
        self.sources = {
            spec["type"]: SourcePass(
                folder / spec["file"],
                lexicon,
                spec["label"],
                min_score=spec.get("min_score", 0.0),
                min_start=spec.get("min_start", 1.0),
                override=spec.get("override", 2.0),
                version=spec.get("features", 1),
                own_below=spec.get("own_below", 0.0),
                parser=spec.get("parser"),
            )
            for spec in meta.get("sources", [])
        }
        # the cut of contents that hold their own source ("NAME: ...", ``heads.py``); models
        # trained before it have no ``heads`` entry and decode as they did
        self.heads: dict[str, Any] | None = meta.get("heads")
        # a second tier whose contents are added where the tiers find none (``add_missing``);
        # models trained without it have no ``recall`` entry and tag as they did
        recall = meta.get(RECALL)
        self.recall = (
            (
                CrfTier(folder / recall["file"], lexicon, Extras(context=bool(recall.get("context")))),
                str(recall["label"]),
                float(recall["min_score"]),
            )
            if recall
            else None
        )
        # boundary fixes of the sources after linking (``bounds.py``); models trained without
        # them have no ``bounds`` entry and decode as they did
        self.bounds: dict[str, Any] | None = meta.get(BOUNDS)
        self.content_bounds: dict[str, Any] | None = meta.get(CONTENT_BOUNDS)  # the same for contents

    @property
    def labels(self) -> list[str]:
        return [label for tier in self.meta["tiers"] for label in tier]

    @property
    def relation_types(self) -> list[str]:
        return [linker.type for linker in self.linkers]

    @property
    def source(self) -> str:
        """How suggestions from this model are marked: ``model:NAME@VERSION``."""
        return f"model:{self.meta['name']}@{self.meta['version']}"

    def tag(self, text: str, toks: list[tuple[int, int]] | None = None) -> list[Tagged]:
        toks = tokenize(text) if toks is None else toks
        tagged = sorted(
            (t for tier in self.tiers for t in tier.tag(text, toks)), key=lambda t: (t.start, t.end)
        )
        if self.recall is None:
            return tagged
        tier, label, min_score = self.recall
        return add_missing(tagged, tier.tag(text, toks), label, min_score)

    def predict(self, text: str, contents: Sequence[Span] | None = None) -> Suggestions:
        """Spans and links of ``text``. ``contents``: the contents are these (labelled by
        hand, or gold in ``evaluate``); the model only finds and links their sources."""
        toks = tokenize(text)
        if contents is None:
            tagged = list(self.tag(text, toks))
            forced = self._cut_heads(text, toks, tagged) if self.heads else {}
        else:
            tagged, forced = [Tagged(*span, 1.0) for span in sorted(set(contents))], {}
        out = Suggestions([SpanSuggestion(t.start, t.end, t.label, t.score) for t in tagged])
        spans = [(t.start, t.end, t.label) for t in tagged]
        index = {s: i for i, s in enumerate(spans)}
        for linker in self.linkers:
            quotes = [s for s in spans if s[2] == linker.source_label]
            actors = [s for s in spans if s[2] == linker.target_label]
            second = self.sources.get(linker.type)
            ctx = second.context(text, toks) if second is not None and quotes else None
            for quote in quotes:
                found = forced.get(quote) if linker.type == self.heads_type else None
                if found is None:
                    found = linker.link(text, quote, actors, quotes)
                    if second is not None and ctx is not None:
                        found = self._second_pass(second, ctx, quote, found, actors, out, index)
                if found is not None:
                    out.relations.append(
                        RelationSuggestion(index[quote], index[found[0]], linker.type, round(found[1], 4))
                    )
        if self.bounds or self.content_bounds:
            self._fix_bounds(text, out, frozenset(contents or ()))
        return out

    def _fix_bounds(self, text: str, out: Suggestions, given: frozenset[Span] = frozenset()) -> None:
        """Move, in place, the edges of each span of a ``bounds`` (or ``content_bounds``) label by
        its rules (``bounds.fix_spans``); links follow the span (they point at its index)."""
        for entry in (self.bounds, self.content_bounds):
            if entry:
                out.spans = fix_spans(text, out.spans, entry["label"], entry["rules"], given)

    @property
    def heads_type(self) -> str | None:
        return self.heads.get("type") if self.heads else None

    def _cut_heads(self, text: str, toks: list[Tok], tagged: list[Tagged]) -> dict[Span, tuple[Span, float]]:
        """Cut, in place, each content holding its own source and cue into its pieces; each piece
        cut after a head and the source it is linked to (a tagged actor overlapping the head's
        run, else a new one)."""
        assert self.heads is not None
        label, source = self.heads["content"], self.heads["source"]
        spans = [(t.start, t.end, t.label) for t in tagged]
        cues, forms = frozenset(self.heads["cues"]), frozenset(self.heads["forms"])
        cuts = cut_heads(text, toks, spans, label, cues, forms)
        forced: dict[Span, tuple[Span, float]] = {}
        for t in [t for t in tagged if (t.start, t.end, t.label) in cuts]:
            tagged.remove(t)
            for start, end, head in cuts[(t.start, t.end, t.label)]:
                tagged.append(Tagged(start, end, t.label, t.score))
                if head is None:
                    continue
                actor = next(
                    (
                        a
                        for a in tagged
                        if a.label == source and a.start < head.source_end and head.source_start < a.end
                    ),
                    None,
                )
                if actor is None:
                    actor = Tagged(head.source_start, head.source_end, source, t.score)
                    tagged.append(actor)
                forced[(start, end, t.label)] = ((actor.start, actor.end, actor.label), round(t.score, 4))
        tagged.sort(key=lambda t: (t.start, t.end))
        return forced

    @staticmethod
    def _second_pass(
        second: SourcePass,
        ctx: Context,
        quote: tuple[int, int, str],
        linked: tuple[tuple[int, int, str], float] | None,
        actors: list[tuple[int, int, str]],
        out: Suggestions,
        index: dict[tuple[int, int, str], int],
    ) -> tuple[tuple[int, int, str], float] | None:
        """The content's source: the linker's, unless the pass finds one where the linker found
        none (or one it trusts more: ``SourcePass.override``). The pass's source is an actor span
        the tagger found there already (given the pass's boundaries when the tagger's score for
        it is under ``SourcePass.own_below``), else a new one."""
        if linked is not None and second.override > 1.0:
            return linked
        found = second.find(ctx, quote)
        if found is None or (linked is not None and found[2] < second.override):
            return linked
        start, end, score = found
        label = linked[0][2] if linked is not None else next(iter(actors), (0, 0, second.label))[2]
        span = next((a for a in actors if a[0] < end and start < a[1]), (start, end, label))
        if span != (start, end, label) and span in index and out.spans[index[span]].score < second.own_below:
            # the tagger is unsure of this actor: it takes the pass's boundaries (its links too)
            own = (start, end, span[2])
            if own not in index:  # the old key stays: links made to it already follow the span
                index[own] = i = index[span]
                out.spans[i] = SpanSuggestion(start, end, span[2], out.spans[i].score)
                actors[actors.index(span)] = own
            span = own
        if span not in index:
            index[span] = len(out.spans)
            out.spans.append(SpanSuggestion(start, end, label, round(score, 4)))
            actors.append(span)
        return span, score


def save(folder: Path, meta: dict[str, Any], linkers: list[Linker]) -> None:
    meta = {**meta, "format": FORMAT, "format_version": FORMAT_VERSION}
    meta["linkers"] = [asdict(linker) for linker in linkers]
    (folder / META).write_text(json.dumps(meta, indent=1, sort_keys=True), encoding="utf-8")


def load(folder: str | Path) -> Model:
    """The model in ``folder``; a clear error for anything else."""
    path = Path(folder)
    meta_file = path / META
    if not path.is_dir():
        raise ValidationError(f"{path}: no model folder there")
    if not meta_file.is_file():
        raise ValidationError(
            f"{path}: not a model folder ({META} is missing; train one with `annotator train`)"
        )
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(f"{meta_file}: not a model description ({exc})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ValidationError(f"{meta_file}: not an annotator model (format {meta.get('format')!r})")
    if meta.get("format_version", 0) > FORMAT_VERSION:
        raise ValidationError(
            f"{meta_file}: written by a newer annotator (model format {meta['format_version']})"
        )
    missing = [
        f"tier-{i}.crfsuite"
        for i in range(len(meta.get("tiers", [])))
        if not (path / f"tier-{i}.crfsuite").is_file()
    ] + [
        str(spec.get("file"))
        for spec in [*meta.get("sources", []), *([meta[RECALL]] if meta.get(RECALL) else [])]
        if not isinstance(spec, dict) or not (path / str(spec.get("file"))).is_file()
    ]
    if missing or not meta.get("tiers"):
        raise ValidationError(f"{path}: the model is incomplete ({', '.join(missing) or 'no tiers'} missing)")
    try:
        return Model(path, meta)
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise ValidationError(f"{path}: the model cannot be read ({exc})") from None
    except (NotFoundError, ValidationError) as exc:  # its parser (``syntax.py``) is not there
        raise ValidationError(f"{meta_file}: the model's source pass needs a parser: {exc}") from None
