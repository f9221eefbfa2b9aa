"""Loading the parser of the source pass's syntax option (``syntax.load_parser``): a pipeline
whose parser listens to a shared component of any name, and a parser folder gone since it was
loaded. A one-sentence parser is trained here; nothing is downloaded."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import spacy
from spacy.tokens import Doc
from spacy.training import Example

from annotator.errors import NotFoundError
from annotator.learn.syntax import Parser, load_parser, pieces

WORDS = ["Ada", "Varga", "said", "that", "taxes", "must", "rise", "."]
HEADS = [1, 2, 2, 6, 6, 6, 2, 2]
DEPS = ["compound", "nsubj", "ROOT", "mark", "nsubj", "aux", "ccomp", "punct"]
TEXT = "Ada Varga said that taxes must rise."


def _pipeline(folder: Path, shared: str | None) -> Path:
    """A parser alone, or one listening to an embedding component named ``shared`` (as
    en_core_web_trf's parser listens to its "transformer")."""
    spacy.util.fix_random_seed(0)
    nlp = spacy.blank("en")
    config: dict[str, Any] = {"min_action_freq": 1}
    if shared is not None:
        nlp.add_pipe("tok2vec", name=shared)
        config["model"] = {
            "@architectures": "spacy.TransitionBasedParser.v2",
            "state_type": "parser",
            "extra_state_tokens": False,
            "hidden_width": 64,
            "maxout_pieces": 2,
            "use_upper": True,
            "nO": None,
            "tok2vec": {"@architectures": "spacy.Tok2VecListener.v1", "width": 96, "upstream": "*"},
        }
    nlp.add_pipe("parser", config=config)
    examples = [Example.from_dict(Doc(nlp.vocab, words=WORDS), {"heads": HEADS, "deps": DEPS})]
    optimizer = nlp.initialize(lambda: examples)
    for _ in range(30):
        nlp.update(examples, sgd=optimizer)
    nlp.to_disk(folder)
    return folder


def test_a_parser_listening_to_a_shared_component_of_another_name_still_parses(tmp_path: Path) -> None:
    folder = _pipeline(tmp_path / "listening", shared="transformer")
    assert [t.dep_ for t in spacy.load(folder)(TEXT)] == DEPS  # the whole pipeline parses
    assert Parser(str(folder)).parse(TEXT).deps == DEPS  # so does ours: its listener kept


def test_a_parser_removed_after_it_was_loaded_is_looked_for_again(tmp_path: Path) -> None:
    folder = _pipeline(tmp_path / "parser", shared=None)
    assert load_parser(str(folder)) is load_parser(str(folder))  # loaded once while it stays
    shutil.rmtree(folder)
    with pytest.raises(NotFoundError):
        load_parser(str(folder))


def test_a_long_text_is_parsed_in_pieces_cut_at_line_breaks(tmp_path: Path) -> None:
    """spaCy refuses a text over a million characters (a 1 MB article): pieces are parsed one by
    one, their offsets and heads moved to where each starts."""
    parser = Parser(str(_pipeline(tmp_path / "parser", shared=None)))
    lines = [TEXT + "\n", "Taxes must rise, Ada Varga said.\n", TEXT + "\n"]
    text = "".join(lines)
    assert pieces(text, 45) == [(0, 37), (37, 70), (70, 107)]
    parser.piece = 45
    whole = parser.parse(text)
    start = first = 0
    for line in lines:
        one = parser.parse(line)
        n = len(one.starts)
        assert whole.starts[first : first + n] == [start + a for a in one.starts]
        assert whole.heads[first : first + n] == [first + h for h in one.heads]
        assert whole.deps[first : first + n] == one.deps
        start, first = start + len(line), first + n
    assert first == len(whole.starts) and whole.ends[-1] <= len(text)
    assert pieces("no line break at all here", 10) == [(0, 8), (8, 17), (17, 25)]  # after spaces
