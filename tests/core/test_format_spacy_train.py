"""Proof that the DocBin export trains: spaCy's own training loop runs on it and the model predicts."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.export import ExportOptions, export
from annotator.store import open_store
from tests.core.dataset_helpers import corpus_project


@pytest.mark.slow
def test_spancat_trains_on_the_exported_train_and_dev_files(tmp_path: Path) -> None:
    import spacy
    from spacy.cli.init_config import init_config
    from spacy.cli.train import train

    url = f"sqlite:///{tmp_path / 'corpus.db'}"
    project_id = corpus_project(url)
    data = tmp_path / "data"
    store = open_store(url)
    with store.session() as s:
        report = export(s, project_id, "spacy", data, options=ExportOptions(split=(0.7, 0.3, 0.0), seed=1))
    store.close()
    assert report.parts["train"].documents and report.parts["dev"].documents

    # A blank English pipeline without vectors: nothing is downloaded.
    config = init_config(lang="en", pipeline=["spancat"], optimize="efficiency", gpu=False)
    config["components"]["spancat"]["suggester"]["sizes"] = list(range(1, 9))
    (tmp_path / "config.cfg").write_text(config.to_str(), encoding="utf-8")
    train(
        tmp_path / "config.cfg",
        tmp_path / "model",
        overrides={
            "paths.train": str(data / "train.spacy"),
            "paths.dev": str(data / "dev.spacy"),
            "training.max_steps": 20,
            "training.eval_frequency": 10,
        },
    )
    nlp = spacy.load(tmp_path / "model" / "model-last")
    assert nlp.pipe_names == ["tok2vec", "spancat"]
    doc = nlp('Mayor Ana Ruiz said: "The tunnel opens in May."')
    assert "sc" in doc.spans
    assert all(span.label_ in {"CLAIM", "QUOTE", "ACTOR"} for span in doc.spans["sc"])
    assert set(nlp.get_pipe("spancat").labels) == {"CLAIM", "QUOTE", "ACTOR"}
