"""Assisted annotation: rules and model suggestions at scale, quality on a real corpus, effort saved.

- Rules and a trained model suggest for N made-up news documents (``quotes_corpus``) on both
  cores (``annotator.learn.batch``); the floor is reading the texts from the project and
  tokenising them.
- Quality: with ``ANNOTATOR_POLNEAR`` pointing at a clone of PolNeAR (not in this repository;
  ``git clone https://github.com/networkdynamics/PolNeAR``), train on its training split in a
  project, as ``annotator train`` does, and score its test split; with ``ANNOTATOR_UD_PARSER`` too
  (a spaCy pipeline with a dependency parser, ``benchmarks.ud_parser``), the source pass reads it.
- Effort: an annotator who turns suggestions into the reference labels (accept, reject, fix a
  boundary, add a missing span or link) against one who labels everything by hand.
"""

from __future__ import annotations

import os
import resource
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from annotator.learn.batch import suggest_many
from annotator.learn.features import tokenize
from annotator.learn.model import load
from annotator.learn.train import train
from annotator.records import DocRecord
from annotator.suggest.rules import Suggestions, suggest
from benchmarks.effort_links import speakers_effort
from benchmarks.quotes_corpus import corpus
from benchmarks.report import Case

Span = tuple[int, int, str]


def actions(record: DocRecord, found: Suggestions | None) -> int:
    """What it takes to turn ``found`` into the record's labels. Accepting a link suggestion
    whose ends are right takes one action for all three; otherwise one action per accept,
    reject, missing span or missing link, and two for a boundary fix (accept, drag an edge)."""
    gold = {(s.start, s.end, s.label) for s in record.spans}
    keys = {s.key: (s.start, s.end, s.label) for s in record.spans}
    links = {(keys[r.source], keys[r.target]) for r in record.relations}
    if found is None:
        return len(gold) + len(links)
    spans = [(s.start, s.end, s.label) for s in found.spans]
    count = 0
    covered: set[Span] = set()
    done: set[tuple[Span, Span]] = set()
    placed: dict[int, Span] = {}
    for r in found.relations:
        pair = (spans[r.source], spans[r.target])
        if pair in links and pair not in done:
            count += 1
            done.add(pair)
            covered.update(pair)
    for i, key in enumerate(spans):
        if key in covered and key in gold:
            placed[i] = key
            continue
        near = next((g for g in gold - covered if g[2] == key[2] and g[0] < key[1] and key[0] < g[1]), None)
        if key in gold:
            count += 1
            covered.add(key)
            placed[i] = key
        elif near is not None:
            count += 2
            covered.add(near)
            placed[i] = near
        else:
            count += 1  # reject
    count += len(gold - covered)
    linked = {(placed.get(r.source), placed.get(r.target)) for r in found.relations}
    count += len(links - linked - done)
    return count


def _texts(n: int) -> list[tuple[int, str]]:
    return [(i, r.text) for i, r in enumerate(corpus(n, seed=11))]


def _timed(fn: Callable[[], object]) -> float:
    began = time.perf_counter()
    fn()
    return time.perf_counter() - began


def rules_case(docs: list[tuple[int, str]], runs: int) -> Case:
    """The rules on both cores (forked workers, as the CLI runs them) against reading and
    tokenising the same texts in one process, alternating run by run (same load for both)."""
    rules = Case(
        f"rules suggestions on {len(docs):,} documents",
        "wall time, 2 processes",
        "≤ 2× reading and tokenising them",
        ok=lambda ours, floor: floor is not None and ours <= 2 * floor,
    )
    load = [os.getloadavg()[0]]
    cpu: dict[str, list[float]] = {"floor": [], "here": [], "worker": []}  # what load cannot inflate
    for _ in range(runs):
        began = time.process_time()
        rules.floor.append(_timed(lambda: [tokenize(text) for _i, text in docs]))
        cpu["floor"].append(time.process_time() - began)
        began, kids = time.process_time(), _children_cpu()
        rules.ours.append(_timed(lambda: list(suggest_many(docs, workers=2))))
        cpu["here"].append(time.process_time() - began)
        cpu["worker"].append(_children_cpu() - kids)
        load.append(os.getloadavg()[0])
    here, worker, floor = (min(cpu[k]) for k in ("here", "worker", "floor"))
    rules.note = (
        f"`annotator.learn.batch.suggest_many` over made-up news documents (~{len(docs[0][1])} characters "
        "each) on 2 processes: this one takes 4 chunks of every 9, one worker (forked: `annotator.forking`) "
        "the others; floor: the same texts tokenised in one process (`annotator.learn.features.tokenize`). "
        f"Measured {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC, {runs} runs, load average "
        f"{min(load):.1f}–{max(load):.1f} during them. CPU time (best run): this process {here:.2f} s, "
        f"the worker {worker:.2f} s, floor {floor:.2f} s; on 2 idle cores the wall time comes near the "
        f"larger of the first two ({max(here, worker) / floor:.2f}× the floor's CPU)."
    )
    return rules


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def cases(quick: bool, runs: int) -> list[Case]:
    n = 300 if quick else 10_000
    docs = _texts(n)
    rules = rules_case(docs, runs)
    model = Case(f"model suggestions on {n:,} documents", "wall time, 2 processes", "–")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name) / "quotes"
        train(corpus(60, seed=5), folder, labels=["QUOTE", "ACTOR"], max_minutes=0.5, seed=1)
        for _ in range(runs):
            model.ours.append(_timed(lambda: list(suggest_many(docs, model_dir=str(folder), workers=2))))
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        rules.note += f" Peak RSS of a worker process {peak:.0f} MB."
        model.note = (
            f"`annotator.learn.batch.suggest_many` over made-up news documents (~{len(docs[0][1])} characters each); "
            f"peak RSS of a worker process {peak:.0f} MB."
        )
        out_speakers = speakers_case(folder, n, runs)
        held_out = corpus(50 if quick else 200, seed=99)
        trained = load(folder)
        out = [effort("rules", held_out, lambda t: suggest(t)), effort("model", held_out, trained.predict)]
        hand, helped = speakers_effort(trained, held_out)
        out.append(links_effort(f"{len(held_out)} held-out made-up documents", hand, helped))
    out += polnear(runs) if not quick else []
    return [rules, model, out_speakers, *out]


def speakers_case(folder: Path, n: int, runs: int) -> Case:
    """The speakers of quotes labelled already (``annotator suggest --my-quotes``): the model on
    both cores, each document's quotes sent along with its text, against one process (the path
    before the workers took it), alternating run by run."""
    items = [
        (i, (r.text, [(s.start, s.end, s.label) for s in r.spans if s.label == "QUOTE"], []))
        for i, r in enumerate(corpus(n, seed=11))
    ]
    case = Case(
        f"speakers of labelled quotes on {n:,} documents",
        "wall time, 2 processes",
        "faster than one process",
        ok=lambda ours, floor: floor is not None and ours < floor,
    )
    load = [os.getloadavg()[0]]
    for _ in range(runs):
        case.floor.append(
            _timed(lambda: list(suggest_many(items, model_dir=str(folder), workers=1, speakers=True)))
        )
        case.ours.append(
            _timed(lambda: list(suggest_many(items, model_dir=str(folder), workers=2, speakers=True)))
        )
        load.append(os.getloadavg()[0])
    quotes = sum(len(q) for _i, (_t, q, _l) in items)
    case.note = (
        f"`suggest_many(..., speakers=True)` as `engines.run` calls it for `--my-quotes` from 200 documents on: "
        f"{quotes:,} labelled quotes in made-up news documents, none linked; floor: the same in one process. "
        f"Measured {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC, {runs} runs, load average "
        f"{min(load):.1f}–{max(load):.1f}."
    )
    return case


def effort(source: str, records: Sequence[DocRecord], engine: Callable[[str], Suggestions]) -> Case:
    by_hand = sum(actions(r, None) for r in records) / len(records)
    helped = sum(actions(r, engine(r.text)) for r in records) / len(records)
    where = f"{len(records)} held-out made-up documents"
    return _fewer(f"actions per document with {source} suggestions", by_hand, helped, where)


def links_effort(where: str, hand: float, helped: float, prefix: str = "") -> Case:
    """Linking labelled quotes to their speakers, with the speakers of one's own quotes suggested."""
    what = "every reference quote labelled already, `annotator suggest --model DIR --my-quotes` (`benchmarks.effort_links`)"
    name = f"{prefix}actions per document to link labelled quotes, with their speakers suggested"
    return _fewer(name, hand, helped, f"{where}; {what}")


def _fewer(name: str, by_hand: float, helped: float, where: str) -> Case:
    """An effort row: actions per document with suggestions, against by hand (the floor)."""
    case = Case(
        name,
        "simulated annotator",
        "fewer than by hand",
        unit="actions",
        ok=lambda ours, floor: floor is not None and ours < floor,
    )
    case.ours, case.floor = [helped], [by_hand]
    case.note = f"{where}; floor column: by hand ({by_hand:.1f} actions)."
    return case


def _at_least(aim: float | None) -> Callable[[float, float | None], bool] | None:
    return None if aim is None else (lambda ours, _floor: ours >= aim)  # (met only at or above the aim)


def _quality(name: str, measure: str, aim: float | None) -> Case:
    """A row of a quality figure: met at or above ``aim``, if any."""
    return Case(name, measure, f"≈ {aim}" if aim else "–", unit="", ok=_at_least(aim))


def polnear(runs: int) -> list[Case]:
    """PolNeAR quality rows; one training (a few minutes of CPU: 35 iterations), whatever ``runs`` says."""
    path = os.environ.get("ANNOTATOR_POLNEAR")
    if not path:
        return []
    from benchmarks.polnear import LABELS_TRAINED, read_split, train_and_score

    with tempfile.TemporaryDirectory() as name:
        run = train_and_score(
            Path(path),
            Path(name) / "polnear",
            labels=LABELS_TRAINED,
            max_minutes=14,
            parser=os.environ.get("ANNOTATOR_UD_PARSER") or None,
        )
    labels, speaker = run.figures["labels"], run.figures["speaker"]
    rows = [
        ("QUOTE (content) overlap F1", labels["QUOTE"]["overlap"]["f1"], 0.83),
        ("QUOTE (content) overlap F1, multi-part content as one unit", run.whole_contents["f1"], 0.83),
        ("QUOTE (content) exact F1", labels["QUOTE"]["exact"]["f1"], None),
        ("ACTOR (source) exact F1", labels["ACTOR"]["exact"]["f1"], 0.82),
        ("ACTOR (source) exact F1 on the reference contents", run.figures["given_contents"]["f1"], 0.82),
        ("speaker accuracy (gold spans)", speaker["gold_spans"]["accuracy"], 0.86),
        ("speaker accuracy (end to end)", speaker["end_to_end"]["accuracy"], None),
    ]
    out = []
    for title, value, aim in rows:
        case = _quality(f"PolNeAR test split: {title}", "trained in the app", aim)
        case.ours = [value]
        case.note = (
            f"one run, begun {run.began}: trained on {run.train_docs} train annotations with labels "
            f"{'/'.join(LABELS_TRAINED)} (dev held out), {'/'.join(map(str, run.iterations))} CRF iterations, "
            f"in {run.wall / 60:.1f} min wall, {run.cpu / 60:.1f} min CPU (features, training the tagger, the source pass and the speaker classifier, scoring dev), "
            f"load average {run.load[0]:.1f} before, {run.load[1]:.1f} after; "
            f"parser {os.environ.get('ANNOTATOR_UD_PARSER') or 'none'}"
        )
        out.append(case)
    out.extend(_agreement_rows(run.agreement))
    hand, helped = run.linking
    out.append(
        links_effort(
            f"the {len(read_split(Path(path), 'test'))} test documents", hand, helped, "PolNeAR test split: "
        )
    )
    return out


def _agreement_rows(agreement: dict[str, Any]) -> list[Case]:
    """The model against each annotator of PolNeAR's agreement texts; floor: the annotators
    against each other on the same texts (``benchmarks.polnear_agreement``)."""
    if not agreement:
        return []
    model, people = agreement["model"], agreement["people"]
    rows = [
        ("ACTOR (source) exact F1", lambda f: f["labels"]["ACTOR"]["exact"]["f1"], 0.82),
        ("QUOTE (content) overlap F1", lambda f: f["labels"]["QUOTE"]["overlap"]["f1"], 0.83),
        ("speaker accuracy (end to end)", lambda f: f["speaker_end_to_end"], None),
    ]
    out = []
    for title, value, aim in rows:
        case = _quality(
            f"PolNeAR texts of several annotators (not trained on): {title}",
            "trained in the app, against each annotator",
            aim,
        )
        case.ours, case.floor = [value(model)], [value(people)]
        case.note = (
            f"the same model as the rows above, scored against every annotator's file of the "
            f"{model['pairs']} (text, annotator) pairs; floor column: the annotators against each other "
            f"on the same texts ({people['pairs']} ordered pairs)"
        )
        out.append(case)
    return out


SECTION = "## Assisted annotation"


def main(argv: list[str] | None = None) -> int:
    """``python -m benchmarks.bench_assist [--quick] [--runs N] [--rules-only | --speakers-only]``:
    the assisted-annotation cases, written as their own section of BENCHMARKS.md (the rest of the
    file is left as it is); ``--rules-only`` / ``--speakers-only`` measure that row alone and only
    print it."""
    import argparse
    import platform

    from benchmarks.report import ROOT, machine

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--rules-only", action="store_true", help="only the rules row; BENCHMARKS.md is left alone"
    )
    parser.add_argument(
        "--speakers-only", action="store_true", help="only the row of speakers of labelled quotes"
    )
    args = parser.parse_args(argv)
    began = time.perf_counter()
    runs = 1 if args.quick else args.runs
    alone = args.rules_only or args.speakers_only
    if args.rules_only:
        found = [rules_case(_texts(300 if args.quick else 10_000), runs)]
    elif args.speakers_only:
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name) / "quotes"
            train(corpus(60, seed=5), folder, labels=["QUOTE", "ACTOR"], max_minutes=0.5, seed=1)
            found = [speakers_case(folder, 300 if args.quick else 10_000, runs)]
    else:
        found = cases(args.quick, runs)
    lines = [
        SECTION,
        "",
        f"Measured with `python -m benchmarks.bench_assist` on {time.strftime('%Y-%m-%d')} "
        f"({time.perf_counter() - began:.0f} s; {machine()}; {platform.python_version()}).",
        "",
        "| case | measure | ours | floor | ratio | target | met |",
        "|---|---|---|---|---|---|---|",
        *(c.row() for c in found),
        "",
        *(f"- **{c.name}**: {c.note}" for c in found if c.note),
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.quick and not alone:
        path = ROOT / "BENCHMARKS.md"
        old = path.read_text(encoding="utf-8")
        head = old.split(SECTION)[0].rstrip() if SECTION in old else old.rstrip()
        path.write_text(head + "\n\n" + text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
