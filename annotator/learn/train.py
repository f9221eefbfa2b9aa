"""Train a model from a layer of the project: hold out documents, train, score, save.

The tiers train in separate processes (both cores; a tier is one CRF), the speaker classifiers
in this one. Nothing is written to the target folder until everything succeeded: the model is
built in a sibling temporary folder and renamed into place, so a cancel or an error leaves
nothing behind.
"""

from __future__ import annotations

import multiprocessing
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from annotator import errors
from annotator.dataset.split import Split
from annotator.errors import ValidationError
from annotator.hashing import content_hash
from annotator.learn import evaluate as scoring
from annotator.learn.bounds import BOUNDS, CONTENT_BOUNDS, CONTENT_RULES, RULES, choose_on
from annotator.learn.bounds import entry as bounds_entry
from annotator.learn.clusters import save_clusters
from annotator.learn.features import Extras, Lexicon, learn_lexicon
from annotator.learn.heads import CUE_LABEL, DEFAULT_FORMS, heads_entry
from annotator.learn.linker import Linker, candidates
from annotator.learn.model import load, save
from annotator.learn.negatives import Empty, empty_by_tier, refused_links
from annotator.learn.options import DEFAULT_PASS, PLAIN, RecallTier, SecondPass, TaggerFeatures
from annotator.learn.parts import as_parts
from annotator.learn.sources import FEATURES, Example, examples_of, train_sources
from annotator.learn.syntax import Parse, load_parser, pipeline_name
from annotator.learn.tagger import CLUSTERS, RECALL, TAGGER, tagger_entry, tiers, train_tier
from annotator.records import DocRecord

if TYPE_CHECKING:
    from annotator.suggest.rejected import Rejections

Span = tuple[int, int, str]
# The boundary rules are chosen on at most this many held-out documents (decoded once more than
# the scoring decodes them: a bounded cost on a large project; PolNeAR held out 143)
CHOOSE_ON = 300


class Cancelled(errors.Cancelled):
    """The person cancelled training; nothing was written."""


class Flag(Protocol):
    def is_set(self) -> bool: ...


@dataclass
class TrainResult:
    folder: Path
    figures: dict[str, Any]
    seconds: float
    train_docs: int
    test_docs: int
    # what rejected suggestions taught: {"paragraphs": N, "documents": N, "links": N}; empty: nothing
    rejections: dict[str, int] = field(default_factory=dict)


def split(
    records: Sequence[DocRecord], seed: int, holdout: float = 0.2
) -> tuple[list[DocRecord], list[DocRecord]]:
    """Train and held-out documents, by each document's text and the seed (``dataset.split``)."""
    if len(records) < 2:
        raise ValidationError(
            f"training needs at least 2 documents with labels in the layer, not {len(records)}"
        )
    cut = Split.of_ratios((1 - holdout, holdout), seed)
    train = [r for r in records if cut.of_hash(content_hash(r.text)) == "train"]
    test = [r for r in records if cut.of_hash(content_hash(r.text)) != "train"]
    if not test or not train:  # a small corpus: the coin tosses all fell one way
        ordered = sorted(records, key=lambda r: cut.of_hash(content_hash(r.text)) + content_hash(r.text))
        n = max(1, round(len(records) * holdout))
        test, train = ordered[:n], ordered[n:]
    return train, test


def _spans(record: DocRecord, labels: Sequence[str]) -> list[Span]:
    return [(s.start, s.end, s.label) for s in record.spans if s.label in labels]


def _tier_job(
    args: tuple[
        list[tuple[str, list[Span]]], list[str], str, float, Lexicon, bool, int, Extras | None, Empty
    ],
) -> int:
    docs, labels, path, seconds, lexicon, cpu, most, extras, empty = args
    clock = time.process_time if cpu else time.monotonic
    return train_tier(
        docs,
        labels,
        Path(path),
        seconds=seconds,
        lexicon=lexicon,
        clock=clock,
        max_iterations=most,
        extras=extras,
        empty=empty,
    )


def _source_job(args: tuple[list[Example], str, float, Lexicon, bool, int, int, list[Parse] | None]) -> int:
    examples, path, seconds, lexicon, cpu, most, features, parses = args
    clock = time.process_time if cpu else time.monotonic
    return train_sources(
        examples,
        Path(path),
        lexicon=lexicon,
        seconds=seconds,
        clock=clock,
        max_iterations=most,
        version=features,
        parses=parses,
    )


def _job(spec: tuple[str, Any]) -> int:
    kind, args = spec
    return _tier_job(args) if kind == "tier" else _source_job(args)


def _linked(record: DocRecord) -> tuple[str, list[tuple[Span, Span]]]:
    """The document's text and the end spans of each of its relations (for ``learn_lexicon``)."""
    ends = {s.key: (s.start, s.end, s.label) for s in record.spans if s.key is not None}
    pairs = [
        (ends[r.source], ends[r.target]) for r in record.relations if r.source in ends and r.target in ends
    ]
    return record.text, pairs


def _head_docs(records: Sequence[DocRecord]) -> list[tuple[str, list[Span], list[tuple[int, int]]]]:
    """Each document's text, spans and cue spans, for learning the head cut."""
    return [
        (
            r.text,
            [(s.start, s.end, s.label) for s in r.spans],
            [(s.start, s.end) for s in r.spans if s.label == CUE_LABEL],
        )
        for r in records
    ]


def _kinds(
    records: Sequence[DocRecord], labels: Sequence[str]
) -> dict[tuple[str, str, str], list[tuple[DocRecord, str, str]]]:
    """The links of each (relation type, source label, target label) with trained ends, for the
    kinds with at least 5 links (fewer teach no classifier)."""
    kinds: dict[tuple[str, str, str], list[tuple[DocRecord, str, str]]] = defaultdict(list)
    for record in records:
        by_key = {s.key: s for s in record.spans if s.key is not None}
        for r in record.relations:
            a, b = by_key.get(r.source), by_key.get(r.target)
            if a is not None and b is not None and a.label in labels and b.label in labels:
                kinds[(r.type, a.label, b.label)].append((record, r.source, r.target))
    return {k: v for k, v in sorted(kinds.items()) if len(v) >= 5}


def _source_examples(records: Sequence[DocRecord], kind: tuple[str, str, str]) -> list[Example]:
    """Each document's contents (the relation's source label) and the span each is linked to."""
    rtype, content_label, _actor_label = kind
    out = []
    for record in records:
        ends = {s.key: (s.start, s.end, s.label) for s in record.spans if s.key is not None}
        links = [
            (ends[r.source], ends[r.target])
            for r in record.relations
            if r.type == rtype and r.source in ends and r.target in ends
        ]
        out.append(examples_of(record.text, _spans(record, [content_label]), links, content_label))
    return out


def fit_linkers(
    records: Sequence[DocRecord],
    labels: Sequence[str],
    refused: dict[int, list[tuple[Span, Span, str]]] | None = None,
) -> list[Linker]:
    """One pair classifier per relation type whose ends carry trained labels (at least 5 links).
    ``refused``: rejected links by document id (``negatives.refused_links``), taught as "no"."""
    linkers = []
    for (rtype, source_label, target_label), links in _kinds(records, labels).items():
        linker = Linker(rtype, source_label, target_label)
        pairs: list[tuple[dict[str, float], int]] = []
        for record in {id(r): r for r, _s, _t in links}.values():
            ends = {s.key: (s.start, s.end, s.label) for s in record.spans if s.key is not None}
            gold: dict[Span, set[Span]] = defaultdict(set)
            for r in record.relations:
                if r.type == rtype and r.source in ends and r.target in ends:
                    gold[ends[r.source]].add(ends[r.target])
            quotes = [s for s in ends.values() if s[2] == source_label]
            actors = [s for s in ends.values() if s[2] == target_label]
            for quote, speakers in gold.items():
                pairs.extend(
                    (f, int(c in speakers)) for c, f in candidates(record.text, quote, actors, quotes)
                )
            no: dict[Span, set[Span]] = defaultdict(set)  # quotes the layer links to no one here
            for quote, actor, kind in (refused or {}).get(record.doc_id or -1, []):
                if kind == rtype and quote not in gold and quote[2] == source_label:
                    no[quote].add(actor)
            for quote, actors_not in no.items():
                pairs.extend(
                    (f, 0) for c, f in candidates(record.text, quote, actors, quotes) if c in actors_not
                )
        linker.fit(pairs)
        linkers.append(linker)
    return linkers


def train(
    records: Sequence[DocRecord],
    out: Path,
    *,
    labels: Sequence[str] | None = None,
    layer: str = "gold",
    seed: int = 0,
    max_minutes: float = 10.0,
    name: str | None = None,
    version: int = 1,
    progress: Callable[[str], None] | None = None,
    cancel: Flag | None = None,
    held_out: Sequence[DocRecord] | None = None,
    cpu_minutes: bool = False,
    tier_per_label: bool = False,
    max_iterations: int = 150,
    second_pass: SecondPass | None = DEFAULT_PASS,
    head_forms: Sequence[str] = DEFAULT_FORMS,
    features: TaggerFeatures = PLAIN,
    recall: RecallTier | None = None,
    bounds: Sequence[str] | None = None,
    parser: str | None = None,
    rejected: Rejections | None = None,
) -> TrainResult:
    """Train on the records' spans (of ``labels``, default all), evaluate on held-out ones, save.

    ``held_out``: documents to score on instead of a part of ``records`` (a corpus's own
    development split); then every record trains. ``cpu_minutes``: ``max_minutes`` counts each
    tier's CPU time, not the wall clock (a benchmark on a shared machine). ``tier_per_label``:
    each label its own CRF, trained side by side on both cores. ``max_iterations``: the most
    L-BFGS iterations a tier runs, however long the budget. ``second_pass``: how the
    cue-anchored source pass of each relation type is trained and decoded (None: none).
    ``head_forms``: the heads a content is cut after (``heads.py``; empty: no cut).
    ``features``: the tagger's features beyond the first models' (``TaggerFeatures``).
    ``recall``: a second tier whose contents are added where the tiers find none (None: none).
    ``bounds``: the boundary fixes of the sources, decoded after linking (``bounds.py``); None:
    those of the sources and contents that make more of the held-out ones right
    (``bounds.choose``), () none.
    ``parser``: an installed spaCy pipeline whose parses the source pass learns from
    (``syntax.py``); the model needs it to decode. ``rejected``: the layer's rejected suggestions
    (``annotator.suggest.rejected``), taught as "no label here" (``negatives.py``)."""
    say = progress or (lambda _m: None)
    began = time.monotonic()
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ValidationError(f"{out}: already exists and is not an empty folder; choose a new one")
    chosen = list(labels) if labels else sorted({s.label for r in records for s in r.spans})
    records = [as_parts(r) for r in records if any(s.label in chosen for s in r.spans)]
    held_out = None if held_out is None else [as_parts(r) for r in held_out]
    if not chosen:
        raise ValidationError("the layer has no labelled spans to learn from")
    train_docs, test_docs = (
        (records, [r for r in held_out if any(s.label in chosen for s in r.spans)])
        if held_out is not None
        else split(records, seed)
    )
    groups = (
        [[label] for label in chosen]
        if tier_per_label
        else tiers((_spans(r, chosen) for r in train_docs), chosen)
    )
    say(f"{len(train_docs)} training and {len(test_docs)} held-out documents; tiers: {groups}")
    labelled = {r.doc_id for r in (*records, *(held_out or ()))}
    empty, taught = empty_by_tier(rejected, groups, labelled)
    refused = refused_links(rejected, train_docs)
    if refused:
        taught["links"] = sum(len(v) for v in refused.values())
    if taught:
        say(f"learning from rejected suggestions: {describe(taught)}")
    parsing = load_parser(parser) if parser and second_pass is not None else None
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        budget = max(20.0, max_minutes * 60 * 0.85 - (time.monotonic() - began))
        docs = [[(r.text, _spans(r, g)) for r in train_docs] for g in groups]
        lexicon = learn_lexicon(_linked(r) for r in train_docs)
        extras = features.extras([r.text for r in train_docs], seed)
        if extras is not None and extras.clusters:
            save_clusters(extras.clusters, work / CLUSTERS)
        jobs: list[tuple[str, Any]] = [
            (
                "tier",
                (
                    d,
                    g,
                    str(work / f"tier-{i}.crfsuite"),
                    budget,
                    lexicon,
                    cpu_minutes,
                    max_iterations,
                    extras,
                    e,
                ),
            )
            for i, (d, g, e) in enumerate(zip(docs, groups, empty, strict=True))
        ]
        kinds = list(_kinds(train_docs, chosen)) if second_pass is not None else []
        parses = None
        if parsing is not None and kinds:
            say(f"parsing {len(train_docs)} documents with {parser}")
            parses = parsing.parse_all([r.text for r in train_docs], lambda: bool(cancel and cancel.is_set()))
            if cancel is not None and cancel.is_set():
                raise Cancelled("training cancelled; nothing was written")
        sources: list[dict[str, Any]] = [
            {
                "type": k[0],
                "label": k[2],
                "file": f"source-{i}.crfsuite",
                **(second_pass.decoding() if second_pass else {}),
                **({"parser": pipeline_name(parser)} if parses is not None and parser else {}),
            }
            for i, k in enumerate(kinds)
        ]
        jobs += [
            (
                "source",
                (
                    _source_examples(train_docs, k),
                    str(work / spec["file"]),
                    budget,
                    lexicon,
                    cpu_minutes,
                    second_pass.iterations if second_pass else 0,
                    second_pass.features if second_pass else FEATURES,
                    parses,
                ),
            )
            for k, spec in zip(kinds, sources, strict=True)
        ]
        group = next((g for g in groups if recall is not None and recall.label in g), None)
        if recall is not None and group is not None:  # last: the other jobs' results keep their place
            jobs.append(
                (
                    "tier",
                    (
                        docs[groups.index(group)],
                        group,
                        str(work / recall.file),
                        budget,
                        lexicon,
                        cpu_minutes,
                        recall.iterations,
                        Extras(context=recall.context),
                        empty[groups.index(group)],
                    ),
                )
            )
        done = _run_jobs(jobs, cancel, say)
        iterations, source_iterations = done[: len(groups)], done[len(groups) : len(groups) + len(sources)]
        say("training the speaker classifier")
        linkers = fit_linkers(train_docs, chosen, refused)
        meta = {
            "name": name or out.name,
            "version": version,
            "tiers": groups,
            "layer": layer,
            "seed": seed,
            "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "train_docs": len(train_docs),
            "test_docs": len(test_docs),
            "iterations": iterations,
            "lexicon": lexicon,
            **({"rejections": taught} if taught else {}),
            "sources": [
                {**spec, "iterations": n} for spec, n in zip(sources, source_iterations, strict=True)
            ],
        }
        if extras is not None:
            meta[TAGGER] = tagger_entry(extras)
        if recall is not None and group is not None:
            meta[RECALL] = recall.entry(done[-1])
        if bounds and linkers:  # the sources of the first relation type (``bounds.py``)
            meta[BOUNDS] = bounds_entry(linkers[0].target_label, bounds)
        kinds_all = list(_kinds(train_docs, chosen))
        if head_forms and kinds_all:  # the head cut of the first relation type (``heads.py``)
            meta["heads"] = heads_entry(_head_docs(train_docs), kinds_all[0], head_forms)
        save(work, meta, linkers)
        if bounds is None and linkers and test_docs:  # the rules its held-out documents support
            quote, source = linkers[0].source_label, linkers[0].target_label
            say(f"choosing the boundary rules of {source} and {quote} on the held-out documents")
            kept = choose_on(
                test_docs[:CHOOSE_ON], load(work).predict, [(source, RULES), (quote, CONTENT_RULES)]
            )
            for key, label in ((BOUNDS, source), (CONTENT_BOUNDS, quote)):
                say(f"boundary rules kept for {label}: {', '.join(kept[label]) or 'none'}")
                if kept[label]:
                    meta[key] = bounds_entry(label, kept[label])
            save(work, meta, linkers)
        say("scoring the held-out documents")
        figures = scoring.evaluate(load(work), test_docs)
        meta["figures"] = figures
        meta["seconds"] = round(time.monotonic() - began, 1)
        save(work, meta, linkers)
        if cancel is not None and cancel.is_set():
            raise Cancelled("training cancelled; nothing was written")
        if out.exists():
            out.rmdir()
        work.rename(out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return TrainResult(out, figures, time.monotonic() - began, len(train_docs), len(test_docs), taught)


def describe(taught: dict[str, int]) -> str:
    """What rejected suggestions taught, for people: "3 paragraphs without labels (in 2
    documents), 1 speaker link"."""
    parts = []
    if taught.get("paragraphs"):
        n, d = taught["paragraphs"], taught.get("documents", 0)
        parts.append(f"{n} paragraph{'s' * (n != 1)} without labels (in {d} document{'s' * (d != 1)})")
    if taught.get("links"):
        parts.append(f"{taught['links']} speaker link{'s' * (taught['links'] != 1)}")
    return ", ".join(parts) or "nothing"


def _run_jobs(jobs: list[Any], cancel: Flag | None, say: Callable[[str], None]) -> list[int]:
    """Train the tiers in worker processes (spawned: safe beside Qt), checking for a cancel."""
    if len(jobs) == 1 and cancel is None:
        return [_job(jobs[0])]
    context = multiprocessing.get_context("spawn")
    with context.Pool(min(2, len(jobs))) as pool:
        pending = pool.map_async(_job, jobs)
        while not pending.ready():
            if cancel is not None and cancel.is_set():
                pool.terminate()
                raise Cancelled("training cancelled; nothing was written")
            pending.wait(0.2)
        return list(pending.get())
