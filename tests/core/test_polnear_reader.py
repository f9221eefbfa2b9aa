"""The PolNeAR reader (benchmarks.polnear) on a made-up brat folder of the corpus's layout."""

from __future__ import annotations

from pathlib import Path

from benchmarks.polnear import read_split

TEXT = "Lind said the dam leaks. Reed thinks it holds."
FIRST = "T1\tSource 0 4\tLind\nT2\tContent 10 23\tthe dam leaks\nE1\tAttribution:T9 Content:T2 Source:T1\n"
SECOND = "T1\tSource 25 29\tReed\nT2\tContent 37 45\tit holds\nE1\tAttribution:T9 Content:T2 Source:T1\n"


def _corpus(root: Path) -> Path:
    (root / "data" / "train" / "text").mkdir(parents=True)
    (root / "data" / "train" / "attributions").mkdir(parents=True)
    (root / "data" / "train" / "text" / "doc1.txt").write_text(TEXT, encoding="utf-8")
    for n, ann in (("a", FIRST), ("b", SECOND)):
        (root / "data" / "train" / "attributions" / f"doc1_{n}.ann").write_text(ann, encoding="utf-8")
    return root


def test_every_annotators_file_becomes_a_record_only_when_asked(tmp_path: Path) -> None:
    root = _corpus(tmp_path)
    (first,) = read_split(root, "train")  # scoring: one annotator's file per document
    assert [(s.text, s.label) for s in first.spans] == [("Lind", "ACTOR"), ("the dam leaks", "QUOTE")]
    both = read_split(root, "train", every_annotator=True)  # training: every annotation
    assert [[s.text for s in r.spans if s.label == "ACTOR"] for r in both] == [["Lind"], ["Reed"]]
    assert all(len(r.relations) == 1 and r.text == TEXT for r in both)
