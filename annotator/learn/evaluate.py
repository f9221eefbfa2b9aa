"""How good a model is on a layer: P/R/F1 per label, exact and overlapping, and speaker accuracy.

Exact: same offsets and label. Overlap: a predicted span counts as right when it overlaps a
reference span of its label (and a reference span as found when some prediction overlaps it),
the measure attribution papers report for long quote contents. Speaker accuracy is asked twice:
on the reference spans (the link classifier alone, as papers report it) and end to end (the
predicted quote overlaps the reference quote and its predicted speaker overlaps the reference
speaker). For a model with a source pass, its sources are also scored on the reference contents
(``given_contents``: the sources it would find for quotes labelled by hand), the setting of
source-extraction figures that start from found quotes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from annotator.learn.model import Model
from annotator.learn.parts import as_parts
from annotator.records import DocRecord

Span = tuple[int, int, str]


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _overlaps(a: Span, b: Span) -> bool:
    return a[2] == b[2] and a[0] < b[1] and b[0] < a[1]


def evaluate(model: Model, records: Iterable[DocRecord]) -> dict[str, Any]:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    speaker = {"gold_spans": [0, 0], "end_to_end": [0, 0]}
    given = [0, 0, 0]  # sources right, predicted and in the reference, on the reference contents
    documents = 0
    for record in map(as_parts, records):
        documents += 1
        text = record.text
        gold = [(s.start, s.end, s.label) for s in record.spans if s.label in model.labels]
        found = model.predict(text)
        pred = [(s.start, s.end, s.label) for s in found.spans]
        tally_spans(counts, model.labels, gold, pred)
        _speakers(model, record, pred, found, speaker)
        _given_contents(model, record, given)
    labels = label_figures(counts, model.labels)
    p_given = given[0] / given[1] if given[1] else 0.0
    r_given = given[0] / given[2] if given[2] else 0.0
    return {
        "documents": documents,
        "labels": labels,
        **(
            {"given_contents": {"p": p_given, "r": r_given, "f1": _f1(p_given, r_given)}}
            if model.sources
            else {}
        ),
        "speaker": {
            k: {"accuracy": (v[0] / v[1]) if v[1] else None, "quotes": v[1]} for k, v in speaker.items()
        },
    }


def tally_spans(
    counts: dict[str, dict[str, int]], labels: Iterable[str], gold: list[Span], pred: list[Span]
) -> None:
    """Add one document's exact and overlap counts per label to ``counts`` (``label_figures``
    turns them into P/R/F1): shared with the benchmark that scores annotators against each other."""
    gold_set, pred_set = set(gold), set(pred)
    for label in labels:
        g = [s for s in gold if s[2] == label]
        p = [s for s in pred if s[2] == label]
        c = counts[label]
        c["gold"] += len(g)
        c["pred"] += len(p)
        c["exact"] += len(gold_set & pred_set & set(p))
        c["pred_overlap"] += sum(any(_overlaps(x, y) for y in g) for x in p)
        c["gold_overlap"] += sum(any(_overlaps(y, x) for x in p) for y in g)


def label_figures(counts: dict[str, dict[str, int]], labels: Iterable[str]) -> dict[str, Any]:
    """P/R/F1, exact and overlap, per label from the counts of ``tally_spans``."""
    out = {}
    for label in labels:
        c = counts[label]
        p_exact = c["exact"] / c["pred"] if c["pred"] else 0.0
        r_exact = c["exact"] / c["gold"] if c["gold"] else 0.0
        p_over = c["pred_overlap"] / c["pred"] if c["pred"] else 0.0
        r_over = c["gold_overlap"] / c["gold"] if c["gold"] else 0.0
        out[label] = {
            "gold": c["gold"],
            "predicted": c["pred"],
            "exact": {"p": p_exact, "r": r_exact, "f1": _f1(p_exact, r_exact)},
            "overlap": {"p": p_over, "r": r_over, "f1": _f1(p_over, r_over)},
        }
    return out


def reference_links(record: DocRecord, type_: str) -> dict[Span, set[Span]]:
    """Each reference span with links of ``type_`` from it, and the spans they point to."""
    by_key = {s.key: (s.start, s.end, s.label) for s in record.spans if s.key is not None}
    links: dict[Span, set[Span]] = defaultdict(set)
    for r in record.relations:
        if r.type == type_ and r.source in by_key and r.target in by_key:
            links[by_key[r.source]].add(by_key[r.target])
    return links


def link_found(quote: Span, speakers: set[Span], predicted: list[tuple[Span, Span, str]], type_: str) -> bool:
    """End to end: some predicted link of ``type_`` overlaps the quote and one of its speakers."""
    return any(
        t == type_ and _overlaps(q, quote) and any(_overlaps(a, s) for s in speakers) for q, a, t in predicted
    )


def _speakers(
    model: Model, record: DocRecord, pred: list[Span], found: Any, tally: dict[str, list[int]]
) -> None:
    by_key = {s.key: (s.start, s.end, s.label) for s in record.spans if s.key is not None}
    predicted_links = [(pred[r.source], pred[r.target], r.type) for r in found.relations]
    for linker in model.linkers:
        links = reference_links(record, linker.type)
        quotes = [s for s in by_key.values() if s[2] == linker.source_label]
        actors = [s for s in by_key.values() if s[2] == linker.target_label]
        for quote, speakers in links.items():
            tally["gold_spans"][1] += 1
            got = linker.link(record.text, quote, actors, quotes)
            tally["gold_spans"][0] += int(got is not None and got[0] in speakers)
            tally["end_to_end"][1] += 1
            tally["end_to_end"][0] += int(link_found(quote, speakers, predicted_links, linker.type))


def _given_contents(model: Model, record: DocRecord, tally: list[int]) -> None:
    """The sources the model finds for the reference contents, against the reference sources."""
    for linker in model.linkers:
        if linker.type not in model.sources:
            continue
        contents = [(s.start, s.end, s.label) for s in record.spans if s.label == linker.source_label]
        gold = {(s.start, s.end, s.label) for s in record.spans if s.label == linker.target_label}
        found = model.predict(record.text, contents) if contents else None
        pred = (
            {(s.start, s.end, s.label) for s in found.spans if s.label == linker.target_label}
            if found
            else set()
        )
        tally[0] += len(pred & gold)
        tally[1] += len(pred)
        tally[2] += len(gold)


def table(figures: dict[str, Any]) -> str:
    """The figures as the CLI prints them."""
    lines = [f"{'label':<12} {'gold':>6} {'pred':>6}  exact P/R/F1        overlap P/R/F1"]
    for label, f in figures["labels"].items():
        e, o = f["exact"], f["overlap"]
        lines.append(
            f"{label:<12} {f['gold']:>6} {f['predicted']:>6}  "
            f"{e['p']:.3f} {e['r']:.3f} {e['f1']:.3f}   {o['p']:.3f} {o['r']:.3f} {o['f1']:.3f}"
        )
    if "given_contents" in figures:
        g = figures["given_contents"]
        lines.append(
            f"sources on the reference contents, exact P/R/F1: {g['p']:.3f} {g['r']:.3f} {g['f1']:.3f}"
        )
    for kind, s in figures["speaker"].items():
        acc = "n/a" if s["accuracy"] is None else f"{s['accuracy']:.3f}"
        lines.append(f"speaker accuracy ({kind.replace('_', ' ')}): {acc} over {s['quotes']} quotes")
    return "\n".join(lines)
