"""``annotator train`` and ``annotator evaluate`` in real processes, on a project's own labels."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from benchmarks.quotes_corpus import corpus
from tests.cli_forms import run


def cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run("--db", url, *args)


def _project(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    assert cli(url, "init").returncode == 0
    lines = []
    for r in corpus(24, seed=3):
        spans = [{"id": s.key, "start": s.start, "end": s.end, "label": s.label} for s in r.spans]
        relations = [{"from": x.source, "to": x.target, "type": x.type} for x in r.relations]
        lines.append(json.dumps({"text": r.text, "title": r.title, "spans": spans, "relations": relations}))
    (tmp_path / "c.jsonl").write_text("\n".join(lines) + "\n")
    done = cli(url, "import", str(tmp_path / "c.jsonl"), "--annotator", "ana")
    assert done.returncode == 0, done.stderr
    return url


def test_train_prints_held_out_figures_and_keeps_a_versioned_copy(tmp_path: Path) -> None:
    url = _project(tmp_path)
    out = tmp_path / "quotes"
    done = cli(
        url, "train", "--layer", "annotator:ana", "-o", str(out), "--max-minutes", "0.3", "--seed", "2"
    )
    assert done.returncode == 0, done.stderr
    assert "overlap P/R/F1" in done.stdout and "speaker accuracy (gold spans)" in done.stdout
    assert json.loads((out / "model.json").read_text())["version"] == 1
    assert (tmp_path / "p.db.models" / "project-1" / "quotes@1" / "model.json").is_file()
    again = cli(
        url, "train", "--layer", "annotator:ana", "-o", str(tmp_path / "x" / "quotes"), "--max-minutes", "0.2"
    )
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "p.db.models" / "project-1" / "quotes@2").is_dir()

    scored = cli(url, "evaluate", "--model", str(out), "--layer", "annotator:ana", "--json")
    assert scored.returncode == 0, scored.stderr
    figures = json.loads(scored.stdout)
    assert figures["documents"] == 24 and figures["labels"]["QUOTE"]["overlap"]["f1"] > 0.8


def test_bad_input_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    url = _project(tmp_path)
    not_a_model = cli(url, "evaluate", "--model", str(tmp_path), "--layer", "annotator:ana")
    assert not_a_model.returncode != 0 and "not a model folder" in not_a_model.stderr
    unknown = cli(url, "train", "--layer", "annotator:nobody", "-o", str(tmp_path / "m"))
    assert unknown.returncode != 0 and "nobody" in unknown.stderr
    assert not (tmp_path / "m").exists()
    no_label = cli(url, "train", "--layer", "annotator:ana", "--labels", "NOPE", "-o", str(tmp_path / "m"))
    assert no_label.returncode != 0 and "NOPE" in no_label.stderr
    missing = str(tmp_path / "no-parser")
    no_parser = cli(url, "train", "--layer", "annotator:ana", "--parser", missing, "-o", str(tmp_path / "m"))
    assert no_parser.returncode != 0 and missing in no_parser.stderr and "parse" in no_parser.stderr
    assert not (tmp_path / "m").exists() and not (tmp_path / "p.db.models").exists()


def test_train_learns_from_rejected_suggestions_unless_told_not_to(tmp_path: Path) -> None:
    url = _project(tmp_path)
    text = "The mayor said: “The bridge opens in May.”\n\nCritics said: “It will not.”\n"
    (tmp_path / "blank.jsonl").write_text(json.dumps({"text": text, "title": "blank"}) + "\n")
    assert cli(url, "import", str(tmp_path / "blank.jsonl"), "--annotator", "ana").returncode == 0
    listed = json.loads(cli(url, "docs", "--json").stdout)
    doc = str(next(d["id"] for d in listed if d["title"] == "blank"))
    assert cli(url, "suggest", "--rules", "--docs", doc).returncode == 0
    rejected = cli(url, "reject", "--doc", doc, "--annotator", "ana")
    assert rejected.returncode == 0, rejected.stderr

    taught = cli(url, "train", "--layer", "annotator:ana", "-o", str(tmp_path / "a"), "--max-minutes", "0.2")
    assert taught.returncode == 0, taught.stderr
    assert "learnt from rejected suggestions: 2 paragraphs without labels (in 1 document)" in taught.stdout
    meta = json.loads((tmp_path / "a" / "model.json").read_text())
    assert meta["rejections"] == {"paragraphs": 2, "documents": 1}
    plain = cli(
        url,
        "train",
        "--layer",
        "annotator:ana",
        "-o",
        str(tmp_path / "b"),
        "--max-minutes",
        "0.2",
        "--no-rejections",
    )
    assert plain.returncode == 0, plain.stderr
    assert "rejected" not in plain.stdout and "rejections" not in json.loads(
        (tmp_path / "b" / "model.json").read_text()
    )


def test_the_suggestions_layer_is_refused_for_training_and_scoring(tmp_path: Path) -> None:
    url = _project(tmp_path)
    for args in (
        ("train", "--layer", "suggestions", "-o", str(tmp_path / "m")),
        ("evaluate", "--model", str(tmp_path / "m"), "--layer", "suggestions:rules@1"),
    ):
        done = cli(url, *args)
        assert done.returncode != 0 and "not anyone's labels" in done.stderr, done.stderr
    assert not (tmp_path / "m").exists()
