"""PolNeAR's agreement figures (benchmarks.polnear_agreement, benchmarks.polnear) on a made-up corpus of its layout:
people scored against each other, and a model against each of them, counted by hand."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

from annotator.learn.model import Model
from benchmarks.polnear import LABELS_TRAINED, agreement_texts, read_split, train_and_score
from benchmarks.polnear_agreement import model_against_people, people

TEXT = "Lind said the dam leaks. Reed thinks it holds."
LINK = "E1\tAttribution:T9 Content:T2 Source:T1\n"
ANNOTATORS = {
    "a": f"T1\tSource 0 4\tLind\nT2\tContent 10 23\tthe dam leaks\n{LINK}",
    "b": f"T1\tSource 0 4\tLind\nT2\tContent 10 24\tthe dam leaks.\n{LINK}",
    "c": "",  # saw no attribution
}


def _corpus(root: Path) -> Path:
    for part, files in (("train", ANNOTATORS), ("test", {"a": ANNOTATORS["a"]})):
        (root / "data" / part / "text").mkdir(parents=True)
        (root / "data" / part / "attributions").mkdir(parents=True)
        (root / "data" / part / "text" / "doc1.txt").write_text(TEXT, encoding="utf-8")
        for name, ann in files.items():
            (root / "data" / part / "attributions" / f"doc1_{name}.ann").write_text(ann, encoding="utf-8")
    return root


def test_only_texts_of_several_annotators_are_kept_one_record_each(tmp_path: Path) -> None:
    texts = agreement_texts(_corpus(tmp_path))
    assert list(texts) == [("train", "doc1.txt")]  # the test text has one annotator
    assert [len(r.spans) for r in texts[("train", "doc1.txt")]] == [2, 2, 0]


def test_people_against_each_other_counted_by_hand(tmp_path: Path) -> None:
    got = people(agreement_texts(_corpus(tmp_path)))
    assert got["pairs"] == 6
    actor, quote = got["labels"]["ACTOR"], got["labels"]["QUOTE"]
    # a and b agree on "Lind" both ways; c has nothing (2 misses) and is missed twice: 2 of 4 each way
    assert (actor["gold"], actor["predicted"]) == (4, 4)
    assert actor["exact"] == pytest.approx({"p": 0.5, "r": 0.5, "f1": 0.5})
    assert quote["exact"]["f1"] == 0.0  # the contents differ by a period
    assert quote["overlap"] == pytest.approx({"p": 0.5, "r": 0.5, "f1": 0.5})
    assert got["speaker_end_to_end"] == pytest.approx(0.5)  # a's and b's links found by each other only


def _model(spans: list[tuple[int, int, str]], links: list[tuple[int, int, str]]) -> Model:
    found = SimpleNamespace(
        spans=[SimpleNamespace(start=s, end=e, label=label) for s, e, label in spans],
        relations=[SimpleNamespace(source=a, target=b, type=t) for a, b, t in links],
    )
    stub: Any = SimpleNamespace(predict=lambda text: found)
    return cast(Model, stub)


def test_a_model_against_every_annotator(tmp_path: Path) -> None:
    model = _model([(0, 4, "ACTOR"), (10, 23, "QUOTE"), (30, 35, "ACTOR")], [(1, 0, "speaker")])
    got = model_against_people(model, agreement_texts(_corpus(tmp_path)))
    assert got["pairs"] == 3
    actor, quote = got["labels"]["ACTOR"], got["labels"]["QUOTE"]
    assert (actor["gold"], actor["predicted"]) == (2, 6)  # its 2 actors scored against 3 people
    assert actor["exact"]["p"] == pytest.approx(2 / 6) and actor["exact"]["r"] == 1.0
    assert (quote["exact"]["p"], quote["exact"]["r"]) == pytest.approx((1 / 3, 1 / 2))
    assert got["speaker_end_to_end"] == 1.0  # a's and b's links, both found


def test_skipped_texts_are_left_out_of_a_split(tmp_path: Path) -> None:
    root = _corpus(tmp_path)
    assert len(read_split(root, "train", every_annotator=True)) == 3
    assert read_split(root, "train", every_annotator=True, skip={"doc1.txt"}) == []


def test_the_benchmark_trains_without_the_agreement_texts_and_holds_the_model_against_them(
    tmp_path: Path,
) -> None:
    root = _corpus(tmp_path / "corpus")
    lines = [
        ("doc2", "Mara Lind said the road floods. Tom Reed thinks it holds.", [(0, 9), (15, 30)]),
        ("doc3", "Ana Vos said the bridge sways. Eli Park thinks it stands.", [(0, 7), (13, 29)]),
    ]
    for name, text, ((s1, e1), (s2, e2)) in lines:
        (root / "data" / "train" / "text" / f"{name}.txt").write_text(text, encoding="utf-8")
        ann = f"T1\tSource {s1} {e1}\t{text[s1:e1]}\nT2\tContent {s2} {e2}\t{text[s2:e2]}\n{LINK}"
        (root / "data" / "train" / "attributions" / f"{name}_a.ann").write_text(ann, encoding="utf-8")
    for part in ("dev",):
        (root / "data" / part / "text").mkdir(parents=True)
        (root / "data" / part / "attributions").mkdir(parents=True)
        (root / "data" / part / "text" / "doc4.txt").write_text(TEXT, encoding="utf-8")
        (root / "data" / part / "attributions" / "doc4_a.ann").write_text(ANNOTATORS["a"], encoding="utf-8")
    run = train_and_score(root, tmp_path / "model", labels=LABELS_TRAINED, max_minutes=1)
    assert run.train_docs == 2  # doc2 and doc3: doc1's three files are held out
    assert run.agreement["people"]["pairs"] == 6 and run.agreement["model"]["pairs"] == 3
    kept = train_and_score(root, tmp_path / "kept", labels=LABELS_TRAINED, max_minutes=1, skip=())
    assert kept.train_docs == 4 and kept.agreement == {}  # the model saw them: no comparison


def test_the_report_rows_hold_the_model_against_the_people(tmp_path: Path) -> None:
    from benchmarks.bench_assist import _agreement_rows

    texts = agreement_texts(_corpus(tmp_path))
    model = _model([(0, 4, "ACTOR"), (10, 23, "QUOTE")], [(1, 0, "speaker")])
    rows = _agreement_rows({"model": model_against_people(model, texts), "people": people(texts)})
    actor = rows[0].row()
    assert actor.startswith(
        "| PolNeAR texts of several annotators (not trained on): ACTOR (source) exact F1 |"
    )
    # the model finds Lind for a and b (2 of 3 predictions right, 2 of 2 found): 0.8; people 0.5
    assert "| 0.8  | 0.5  | 1.60× | ≈ 0.82 | ❌ |" in actor
    assert _agreement_rows({}) == []
