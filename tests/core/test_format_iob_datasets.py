"""The HF JSONL export loads with the real ``datasets`` library, tags and label names intact."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.export import ExportOptions, export
from annotator.store import open_store
from tests.core.dataset_helpers import CORPUS, corpus_project


def test_datasets_loads_the_hf_jsonl_split(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    import datasets

    url = f"sqlite:///{tmp_path / 'corpus.db'}"
    project_id = corpus_project(url)
    out = tmp_path / "hf"
    store = open_store(url)
    with store.session() as s:
        export(s, project_id, "hf-jsonl", out, options=ExportOptions(split=(0.7, 0.3, 0.0), seed=1))
    store.close()
    files = {name: str(out / f"{name}.jsonl") for name in ("train", "dev")}
    loaded = datasets.load_dataset("json", data_files=files, cache_dir=str(tmp_path / "cache"))
    assert loaded["train"].num_rows + loaded["dev"].num_rows == len(CORPUS)
    assert loaded["train"].num_rows and loaded["dev"].num_rows

    names = json.loads((out / "labels.json").read_text(encoding="utf-8"))["label_names"]
    assert names == [  # project order
        "O", "B-CLAIM", "I-CLAIM", "B-QUOTE", "I-QUOTE", "B-ACTOR", "I-ACTOR", "B-CUE", "I-CUE",
    ]  # fmt: skip
    typed = loaded["train"].cast_column("ner_tags", datasets.Sequence(datasets.ClassLabel(names=names)))
    tag_names = typed.features["ner_tags"].feature.names
    assert tag_names == names

    by_text = {text: (quote, actor) for text, quote, actor, _claim in CORPUS}
    for row in typed:
        quote, actor = by_text[row["text"]]
        tags = [tag_names[i] for i in row["ner_tags"]]
        assert len(row["tokens"]) == len(tags)
        pieces = [" ".join(tok for tok, tag in zip(row["tokens"], tags, strict=True) if tag.endswith(label))
                  for label in ("ACTOR", "QUOTE")]  # fmt: skip
        assert pieces[0].replace(" ", "") == actor.replace(" ", "")
        if quote is None:
            assert "B-QUOTE" not in tags
        else:
            assert pieces[1].replace(" ", "") == quote.replace(" ", "")
            assert row["tokens"][tags.index("B-QUOTE")] == '"'  # the span holds its quote mark
        claim = [i for i, tag in enumerate(tags) if tag.endswith("CLAIM")]
        if quote is None:  # inside a quote the claim is nested, and IOB keeps the outer span
            assert tags[claim[0]] == "B-CLAIM" and row["tokens"][claim[-1]] != "."
            assert row["tokens"][claim[-1] + 1] == "."  # the period is a token of its own, outside
        else:
            assert claim == []
