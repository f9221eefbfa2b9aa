"""What rejected suggestions teach the next model (``annotator.suggest.rejected``): a measured loop.

A model trained on made-up labelled reports (``quotes_corpus``) also takes quoted names of
plans and reports ("the “Blue River” plan") for quotes. A person opens quote-free documents,
rejects every suggestion there and labels nothing. The next model is trained from the same
labels twice, without and with those rejections, and both suggest on other quote-free documents
(false suggestions per document) and on held-out labelled ones (QUOTE and ACTOR F1, so the
rejections do not cost what the labels teach). Every step goes through the real database
operations: import, a model run, rejections as undoable decisions, the read, training.

    python -m benchmarks.bench_rejections [--labelled 40] [--blank 30] [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from annotator.export import ExportOptions, records
from annotator.learn import evaluate as scoring
from annotator.learn.model import load
from annotator.learn.train import describe, train
from annotator.model import Annotator, Project
from annotator.ops.importer import import_records
from annotator.ops.projects import create_project, ensure_annotator
from annotator.records import DocRecord
from annotator.store import Actor, Store, open_store
from annotator.suggest import engines
from annotator.suggest.decide import decide_step
from annotator.suggest.rejected import rejections
from annotator.suggest.store import listing
from benchmarks.quotes_corpus import TITLES, WORDS, corpus

THINGS = ["Blue River", "Dry Summer", "Next Valley", "Clean Water", "Open Fields", "Green Line"]


def blank(rng: random.Random, n: int) -> DocRecord:
    """A quote-free report: quoted names of plans beside the corpus's own words, no one speaking."""
    paragraphs = [f"Notice {n}"]
    for _ in range(rng.randint(3, 6)):
        words = " ".join(rng.sample(WORDS, rng.randint(5, 9)))
        thing = rng.choice(THINGS)
        shape = rng.randrange(3)
        if shape == 0:
            paragraphs.append(f'The "{thing}" plan {words}.')
        elif shape == 1:
            paragraphs.append(f'{words.capitalize()}, the "{thing}" report said nothing new.')
        else:  # a quoted title, not a quoted sentence: "published 'A sentence.'" is a quote of a kind
            paragraphs.append(f'The {rng.choice(TITLES).lower()}\'s office opened the "{thing}" centre.')
    return DocRecord("\n\n".join(paragraphs) + "\n", title=f"Notice {n}")


def _project(
    folder: Path, labelled: list[DocRecord], blanks: list[DocRecord]
) -> tuple[Store, Project, list[int]]:
    store = open_store(f"sqlite:///{folder / 'p.db'}")
    with store.transaction() as tx:
        project = create_project(tx, "rejections")
        ensure_annotator(tx, project.id, "ana")
        import_records(tx, project.id, labelled, annotator="ana")
        ids = import_records(tx, project.id, blanks).document_ids
    return store, project, ids


def _false_per_doc(model_dir: Path, docs: list[DocRecord]) -> float:
    model = load(model_dir)
    return sum(len(model.predict(d.text).spans) for d in docs) / len(docs)


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--labelled", type=int, default=40)
    ap.add_argument("--blank", type=int, default=30)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    labelled, held_out = corpus(args.labelled, seed=args.seed), corpus(20, seed=args.seed + 1000)
    seen = [blank(rng, i) for i in range(args.blank)]
    unseen = [blank(rng, 1000 + i) for i in range(args.blank)]
    out: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store, project, blank_ids = _project(folder, labelled, seen)
        with store.session() as s:
            found = list(records(s, project.id, ExportOptions(layer="annotator:ana")))
            ana = s.scalars(
                select(Annotator.id).where(Annotator.project_id == project.id, Annotator.name == "ana")
            ).one()
        first = train(found, folder / "m0", layer="annotator:ana", seed=args.seed, max_minutes=1)
        out["first model: false suggestions per quote-free document"] = round(
            _false_per_doc(first.folder, unseen), 2
        )
        labels = engines.project_labels(store, project.id)
        engines.run(store, project.id, engines.model_engine(first.folder, {}, labels), blank_ids)
        with store.session() as s:
            pending = listing(s, project.id, pending_for=ana)
        span_ids, relation_ids = [r.id for r in pending.spans], [r.id for r in pending.relations]
        with store.transaction(actor=Actor("ana", ana)) as tx:
            decide_step(tx, project.id, span_ids, relation_ids, ana, accepting=False)
        out["suggestions rejected in the seen quote-free documents"] = len(span_ids) + len(relation_ids)
        began = time.process_time()
        with store.session() as s:
            rejected = rejections(s, project.id, "annotator:ana", {r.doc_id for r in found if r.spans})
        out["reading them (CPU s)"] = round(time.process_time() - began, 3)
        for name, given in (("labels only", None), ("labels + rejections", rejected)):
            result = train(
                found, folder / name, layer="annotator:ana", seed=args.seed, max_minutes=1, rejected=given
            )
            figures = scoring.evaluate(load(result.folder), held_out)
            out[name] = {
                "false suggestions per unseen quote-free document": round(
                    _false_per_doc(result.folder, unseen), 2
                ),
                "QUOTE exact F1 (held-out labelled)": figures["labels"]["QUOTE"]["exact"]["f1"],
                "ACTOR exact F1 (held-out labelled)": figures["labels"]["ACTOR"]["exact"]["f1"],
                "taught": describe(result.rejections) if result.rejections else "",
                "training seconds": round(result.seconds, 1),
            }
        store.close()
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
