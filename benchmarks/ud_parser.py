"""Train the dependency parser the PolNeAR benchmark's source pass reads (``--parser``), on CPU,
from Universal Dependencies' English Web Treebank.

No pretrained pipeline is downloaded anywhere in this project: a user points ``annotator train
--parser`` at a pipeline they installed, and this is how the benchmark gets one. The treebank
(CC BY-SA 4.0) is not in this repository: ``git clone
https://github.com/UniversalDependencies/UD_English-EWT`` and pass the clone's path.

``python -m benchmarks.ud_parser PATH -o DIR [--max-steps N]`` writes the pipeline to
``DIR/model-best`` (tagger and parser, spaCy's CPU "efficiency" architecture,
``benchmarks/ud_parser.cfg``) and prints its attachment scores on the treebank's dev split.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

CONFIG = Path(__file__).with_name("ud_parser.cfg")


def treebank(root: Path, part: str) -> str:
    """The CoNLL-U text of a split: its file, or (a clone whose large file is missing) the
    split's source files joined in the order of ``not-to-release/file-lists/files.PART``."""
    whole = root / f"en_ewt-ud-{part}.conllu"
    if whole.is_file():
        return whole.read_text(encoding="utf-8")
    listing = root / "not-to-release" / "file-lists" / f"files.{part}"
    if not listing.is_file():
        raise SystemExit(
            f"{root}: neither {whole.name} nor {listing} is there; is it a UD_English-EWT clone?"
        )
    sources = root / "not-to-release" / "sources"
    names = [n for n in listing.read_text(encoding="utf-8").split() if n]
    return "".join((sources / n).read_text(encoding="utf-8") for n in names)


def convert(conllu: str, out: Path) -> int:
    """Write a CoNLL-U text as spaCy's binary training file (10 sentences a document)."""
    from spacy.tokens import DocBin
    from spacy.training.converters import conllu_to_docs

    docs = list(conllu_to_docs(conllu, n_sents=10, no_print=True))
    DocBin(docs=docs).to_disk(out)
    return len(docs)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("path", type=Path, help="a clone of UniversalDependencies/UD_English-EWT")
    parser.add_argument("-o", "--output", type=Path, required=True, help="a folder for the pipeline")
    parser.add_argument("--max-steps", type=int, default=8000, help="training steps (default 8000)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as name:
        work = Path(name)
        for part in ("train", "dev"):
            print(
                f"{part}: {convert(treebank(args.path, part), work / f'{part}.spacy')} documents", flush=True
            )
        began, cpu = time.perf_counter(), _children_cpu()
        command = [
            sys.executable,
            "-m",
            "spacy",
            "train",
            str(CONFIG),
            "--output",
            str(args.output),
            "--paths.train",
            str(work / "train.spacy"),
            "--paths.dev",
            str(work / "dev.spacy"),
            "--training.max_steps",
            str(args.max_steps),
            "--training.eval_frequency",
            "500",
        ]
        subprocess.run(command, check=True)
    best = args.output / "model-best"
    scores = json.loads((best / "meta.json").read_text(encoding="utf-8")).get("performance", {})
    print(
        f"{best}: UD dev UAS {scores.get('dep_uas', 0):.3f} LAS {scores.get('dep_las', 0):.3f}; "
        f"training {(time.perf_counter() - began) / 60:.1f} min wall, {(_children_cpu() - cpu) / 60:.1f} min CPU"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
