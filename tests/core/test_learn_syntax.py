"""The source pass's syntax option (``syntax.py``): dependency parses from a spaCy pipeline as
features, the parser a model records and needs, sources found for given contents. Nothing is
downloaded and no pretrained pipeline exists here: a tiny parser is trained on a dozen made-up
sentences; the documents are made up too."""

from __future__ import annotations

import json
import random
import re
import shutil
from itertools import accumulate
from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc
from spacy.training import Example

import annotator.learn.train as training
from annotator.errors import NotFoundError, ValidationError
from annotator.learn.evaluate import evaluate, table
from annotator.learn.features import tokenize
from annotator.learn.model import Model, load
from annotator.learn.syntax import Parse, Parser, Tree, load_parser, pipeline_name
from annotator.learn.train import Cancelled, train
from annotator.records import DocRecord, RelationRecord, SpanRecord

# a phrase: each word, its head inside the phrase (None: the phrase's root) and its label
Piece = list[tuple[str, int | None, str]]
NAMES: list[Piece] = [
    [("Ada", 1, "compound"), ("Varga", None, "")],
    [("the", 1, "det"), ("mayor", None, "")],
    [("Senator", 1, "compound"), ("Lind", None, "")],
    [("the", 2, "det"), ("old", 2, "amod"), ("union", None, "")],
]
CONTENTS: list[Piece] = [
    [("the", 1, "det"), ("bridge", 3, "nsubj"), ("will", 3, "aux"), ("close", None, "")],
    [("taxes", 2, "nsubj"), ("must", 2, "aux"), ("rise", None, "")],
    [("rents", 1, "nsubj"), ("keep", None, ""), ("falling", 1, "xcomp")],
]
VERBS = ["said", "warned", "insisted"]
DOT: Piece = [(".", None, "")]
FILLER = ["Rain fell on Tuesday.", "The council met again.", "Nobody else came."]


def _sentence(pieces: list[tuple[Piece, int | None, str]]) -> tuple[list[str], list[int], list[str]]:
    """Words, heads and labels of phrases whose roots hang from another phrase's root (by its
    place in ``pieces``; None: the sentence's root)."""
    bases = list(accumulate([0] + [len(p) for p, _to, _dep in pieces]))
    roots = [bases[k] + [h for _w, h, _d in p].index(None) for k, (p, _to, _dep) in enumerate(pieces)]
    words, heads, deps = [], [], []
    for k, (piece, to, dep) in enumerate(pieces):
        for i, (word, head, label) in enumerate(piece):
            words.append(word)
            if head is not None:
                heads.append(bases[k] + head)
                deps.append(label)
            else:
                heads.append(roots[to] if to is not None else bases[k] + i)
                deps.append(dep if to is not None else "ROOT")
    words[0] = words[0][0].upper() + words[0][1:]
    return words, heads, deps


def _said_that(name: Piece, verb: str, content: Piece) -> tuple[list[str], list[int], list[str]]:
    """'NAME said that CONTENT .': the content's verb a ccomp of the reporting verb."""
    that: Piece = [("that", None, "")]
    return _sentence(
        [
            (name, 1, "nsubj"),
            ([(verb, None, "")], None, ""),
            (that, 3, "mark"),
            (content, 1, "ccomp"),
            (DOT, 1, "punct"),
        ]
    )


def _then_said(name: Piece, verb: str, content: Piece) -> tuple[list[str], list[int], list[str]]:
    """'CONTENT , NAME said .': the reporting verb a parataxis of the content's verb."""
    comma: Piece = [(",", None, "")]
    return _sentence(
        [
            (content, None, ""),
            (comma, 0, "punct"),
            (name, 3, "nsubj"),
            ([(verb, None, "")], 0, "parataxis"),
            (DOT, 0, "punct"),
        ]
    )


@pytest.fixture(scope="module")
def parser_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A spaCy pipeline with only a dependency parser, trained here in about a second of CPU."""
    spacy.util.fix_random_seed(0)
    nlp = spacy.blank("en")
    nlp.add_pipe("parser", config={"min_action_freq": 1})  # the default folds rare labels into "dep"
    examples = []
    for i in range(12):
        shape = _said_that if i % 2 == 0 else _then_said
        words, heads, deps = shape(NAMES[i % 4], VERBS[i % 3], CONTENTS[i % 3])
        examples.append(Example.from_dict(Doc(nlp.vocab, words=words), {"heads": heads, "deps": deps}))
    optimizer = nlp.initialize(lambda: examples)
    for _ in range(30):
        nlp.update(examples, sgd=optimizer)
    folder = tmp_path_factory.mktemp("pipelines") / "tiny_parser"
    nlp.to_disk(folder)
    return folder


RECORD_NAMES = ["Ada Varga", "the mayor", "Senator Lind", "the old union", "Governor Pike", "Greta Holm"]
RECORD_CONTENTS = ["the bridge will close", "taxes must rise", "rents keep falling", "the vote was rigged"]


def _records(n: int, seed: int) -> list[DocRecord]:
    """Documents of three sentences, each a filler and a content with its linked source:
    "NAME VERB that CONTENT." or "CONTENT, NAME VERB."."""
    rng, out = random.Random(seed), []
    for i in range(n):
        text, spans, relations = "", [], []
        for k in range(3):
            text += rng.choice(FILLER) + " "
            name, verb, content = rng.choice(RECORD_NAMES), rng.choice(VERBS), rng.choice(RECORD_CONTENTS)
            if rng.random() < 0.5:
                name = name[0].upper() + name[1:]
                a, c = len(text), len(text) + len(f"{name} {verb} that ")
                text += f"{name} {verb} that {content}. "
            else:
                content = content[0].upper() + content[1:]
                c, a = len(text), len(text) + len(content) + 2
                text += f"{content}, {name} {verb}. "
            assert (text[c : c + len(content)], text[a : a + len(name)]) == (content, name)
            spans += [
                SpanRecord(c, c + len(content), "QUOTE", "ana", content, f"q{k}"),
                SpanRecord(a, a + len(name), "ACTOR", "ana", name, f"a{k}"),
            ]
            relations.append(RelationRecord(f"q{k}", f"a{k}", "speaker", "ana"))
        out.append(DocRecord(text, title=f"doc {i}", spans=spans, relations=relations))
    return out


@pytest.fixture(scope="module")
def trained(parser_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model whose source pass learnt from the tiny parser, named by a relative path."""
    out = tmp_path_factory.mktemp("models") / "with_parser"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(parser_dir.parent)
        train(_records(30, seed=3), out, labels=["QUOTE", "ACTOR"], max_minutes=0.3, parser=parser_dir.name)
    return out


# --- the tree on a hand-built parse (no spaCy) ---------------------------------------------

SAID = "Mr. Stone’s aide said that taxes can’t rise."
# spaCy's tokens: Mr. | Stone | ’s | aide | said | that | taxes | ca | n’t | rise | .
SAID_WORDS = ["Mr.", "Stone", "’s", "aide", "said", "that", "taxes", "ca", "n’t", "rise", "."]
SAID_HEADS = [1, 3, 1, 4, 4, 9, 9, 9, 9, 4, 4]
SAID_DEPS = ["compound", "poss", "case", "nsubj", "ROOT", "mark", "nsubj", "aux", "neg", "ccomp", "punct"]
AFTER = "Taxes can’t rise, Ada Varga said."
# Taxes | ca | n’t | rise | , | Ada | Varga | said | .
AFTER_WORDS = ["Taxes", "ca", "n’t", "rise", ",", "Ada", "Varga", "said", "."]
AFTER_HEADS = [3, 3, 3, 3, 3, 6, 7, 3, 3]
AFTER_DEPS = ["nsubj", "aux", "neg", "ROOT", "punct", "compound", "nsubj", "parataxis", "punct"]


def _parse(text: str, words: list[str], heads: list[int], deps: list[str]) -> Parse:
    starts, at = [], 0
    for word in words:
        at = text.index(word, at)
        starts.append(at)
        at += len(word)
    return Parse(
        starts, [s + len(w) for s, w in zip(starts, words, strict=True)], deps, heads, ["X"] * len(words)
    )


def _tree(text: str, words: list[str], heads: list[int], deps: list[str]) -> tuple[Tree, list[str]]:
    toks = tokenize(text)
    return Tree(_parse(text, words, heads, deps), toks), [text[a:b] for a, b in toks]


def test_each_of_our_tokens_finds_the_spacy_token_holding_it() -> None:
    tree, ours = _tree(SAID, SAID_WORDS, SAID_HEADS, SAID_DEPS)
    assert ours == ["Mr", ".", "Stone", "’s", "aide", "said", "that", "taxes", "can’t", "rise", "."]
    # "Mr" and its "." are spaCy's one "Mr."; the clitic is its own token in both; our "can’t"
    # starts in spaCy's "ca"
    assert " ".join(SAID_WORDS[j] for j in tree.of) == "Mr. Mr. Stone ’s aide said that taxes ca rise ."
    assert tree.children[4] == [3, 9, 10] and tree.children[1] == [0, 2]
    assert (tree.left[4], tree.right[4]) == (0, 10)  # the root spans the sentence
    assert (tree.left[3], tree.right[3]) == (0, 3)  # "Mr. Stone’s aide"
    assert (tree.left[9], tree.right[9]) == (5, 9)  # "that taxes can’t rise"
    assert (tree.left[6], tree.right[6]) == (6, 6)
    assert tree.chain(0) == [0, 1, 3, 4]


def test_paths_meet_where_the_chains_do_and_a_contents_root_heads_outside_it() -> None:
    tree, _ours = _tree(SAID, SAID_WORDS, SAID_HEADS, SAID_DEPS)
    assert tree.path(1, 9) == (4, ["poss", "nsubj"], ["ccomp"])  # Stone up to "said", down to "rise"
    assert tree.path(6, 3) == (4, ["nsubj", "ccomp"], ["nsubj"])
    assert tree.path(9, 9) == (9, [], [])
    content = (SAID.index("taxes"), SAID.index(".", SAID.index("rise")))
    assert tree.root_of(*content) == 9
    assert tree.root_of(SAID.index("that"), content[1]) == 9  # "that" hangs from inside
    assert tree.root_of(0, SAID.index(" said")) == 3  # "Mr. Stone’s aide": one subtree
    # "aide said that": not one subtree; the widest of its roots ("said", not "that")
    assert tree.root_of(SAID.index("aide"), SAID.index(" taxes")) == 4
    assert tree.root_of(1, 3) is None  # inside "Mr.": no spaCy token starts there


def test_the_subject_is_the_reporting_verbs_before_or_after_the_content() -> None:
    tree, _ours = _tree(SAID, SAID_WORDS, SAID_HEADS, SAID_DEPS)
    assert tree.subject(9, SAID.index("taxes"), SAID.index(".", SAID.index("rise"))) == 3  # ccomp
    after, _ours = _tree(AFTER, AFTER_WORDS, AFTER_HEADS, AFTER_DEPS)
    content = (0, AFTER.index(","))
    assert after.root_of(*content) == 3
    assert after.subject(3, *content) == 6  # "..., Ada Varga said": parataxis
    # with the reporting clause inside the content, its subject is not the content's source
    assert after.subject(3, 0, len(AFTER)) is None


def test_source_features_mark_the_subjects_edges_and_the_path_to_the_content() -> None:
    tree, ours = _tree(SAID, SAID_WORDS, SAID_HEADS, SAID_DEPS)
    content = (SAID.index("taxes"), SAID.index(".", SAID.index("rise")))
    window = list(range(6))  # Mr . Stone ’s aide said
    feats = dict(zip(ours[:6], tree.source_features(SAID, content, window), strict=True))
    assert feats["aide"]["path"] == "nsubj^ccomp" and feats["aide"]["lca"] == "said"
    assert feats["aide"]["dep"] == "nsubj" and feats["aide"]["hdep"] == "nsubj|ROOT"
    assert feats["Stone"]["path"] == "poss/nsubj^ccomp" and feats["Stone"]["path_up"] == "poss/nsubj^ccomp"
    assert (feats["Stone"]["nup"], feats["Stone"]["ndown"]) == ("2", "1")
    assert feats["said"]["path"] == "^ccomp"
    edges = {w: (f["subj_l"], f["in_subj"], f["subj_r"], f["subj_h"]) for w, f in feats.items()}
    assert edges == {
        "Mr": (1.0, 1.0, 0.0, 0.0),
        ".": (1.0, 1.0, 0.0, 0.0),  # our "." of "Mr." is spaCy's "Mr." too
        "Stone": (0.0, 1.0, 0.0, 0.0),
        "’s": (0.0, 1.0, 0.0, 0.0),
        "aide": (0.0, 1.0, 1.0, 1.0),
        "said": (0.0, 0.0, 0.0, 0.0),
    }
    after, words = _tree(AFTER, AFTER_WORDS, AFTER_HEADS, AFTER_DEPS)
    tail = list(range(4, len(words)))  # , Ada Varga said .
    got = dict(zip(words[4:], after.source_features(AFTER, (0, AFTER.index(",")), tail), strict=True))
    assert (got["Ada"]["subj_l"], got["Varga"]["subj_r"], got["said"]["in_subj"]) == (1.0, 1.0, 0.0)
    assert got["Varga"]["path"] == "nsubj/parataxis^"


def test_a_content_without_a_subject_and_a_far_token_say_so() -> None:
    text = "Rain fell. Taxes must rise."
    words, heads = ["Rain", "fell", ".", "Taxes", "must", "rise", "."], [1, 1, 1, 5, 5, 5, 5]
    deps = ["nsubj", "ROOT", "punct", "nsubj", "aux", "ROOT", "punct"]
    tree, _ours = _tree(text, words, heads, deps)
    feats = tree.source_features(text, (text.index("Taxes"), len(text) - 1), [0, 1, 4])
    assert all(f["no_subj"] == 1.0 and "in_subj" not in f for f in feats)
    assert feats[0]["path"] == "far"  # another sentence: the chains never meet
    assert feats[2]["path"] == "aux^"


# --- the parser ----------------------------------------------------------------------------


def test_the_trained_pipeline_parses_and_others_are_refused(parser_dir: Path, tmp_path: Path) -> None:
    parser = Parser(str(parser_dir))
    text = "Ada Varga said that the bridge will close."
    parse = parser.parse(text)
    assert [text[a:b] for a, b in zip(parse.starts, parse.ends, strict=True)] == [
        *["Ada", "Varga", "said", "that", "the", "bridge", "will", "close", "."]
    ]
    assert parse.deps == ["compound", "nsubj", "ROOT", "mark", "det", "nsubj", "aux", "ccomp", "punct"]
    assert parse.heads == [1, 2, 2, 7, 5, 7, 7, 2, 2]
    assert parser.parse_all([text, "Taxes must rise, the mayor warned."]) == [
        parse,
        parser.parse("Taxes must rise, the mayor warned."),
    ]
    assert load_parser(str(parser_dir)) is load_parser(str(parser_dir))
    blank = tmp_path / "blank_pipeline"
    spacy.blank("en").to_disk(blank)
    with pytest.raises(ValidationError, match=r"blank_pipeline.*no dependency parser"):
        Parser(str(blank))
    with pytest.raises(NotFoundError, match="no_such_pipeline"):
        Parser(str(tmp_path / "no_such_pipeline"))
    with pytest.raises(NotFoundError, match="xx_no_such_pipeline_sm"):
        Parser("xx_no_such_pipeline_sm")


def test_training_with_a_missing_parser_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="nowhere"):
        train(_records(8, seed=1), tmp_path / "m" / "model", parser=str(tmp_path / "nowhere"))
    assert list(tmp_path.iterdir()) == []


# --- a model trained with the parser -------------------------------------------------------


def _sources(model: Model, text: str, contents: list[tuple[int, int, str]] | None = None) -> dict[str, str]:
    found = model.predict(text, contents)
    return {
        text[found.spans[r.source].start : found.spans[r.source].end]: text[
            found.spans[r.target].start : found.spans[r.target].end
        ]
        for r in found.relations
    }


def test_a_model_records_the_parsers_absolute_path_and_decodes_with_its_trees(
    trained: Path, parser_dir: Path
) -> None:
    meta = json.loads((trained / "model.json").read_text())
    assert [(s["type"], s["label"], s["parser"]) for s in meta["sources"]] == [
        ("speaker", "ACTOR", str(parser_dir.resolve()))
    ]
    assert pipeline_name("xx_installed_package") == "xx_installed_package"
    model = load(trained)
    text = "Nobody else came. Ada Varga said that the bridge will close. "
    assert _sources(model, text) == {"the bridge will close": "Ada Varga"}
    second = model.sources["speaker"]
    ctx = second.context(text, tokenize(text))
    assert ctx.tree is not None
    lo, hi = ctx.tokens_of(text.index("the bridge"), text.index(". ", text.index("close")))
    window = ctx.window(lo, hi)
    feats = {ctx.words[i]: f for i, f in zip(window, ctx.features(lo, hi, window), strict=True)}
    assert feats["Varga"]["dep"] == "nsubj" and feats["Varga"]["path"] == "nsubj^ccomp"
    assert (feats["Ada"]["subj_l"], feats["Varga"]["subj_r"], feats["said"]["in_subj"]) == (1.0, 1.0, 0.0)


def test_a_model_whose_parser_is_gone_names_its_model_json(parser_dir: Path, tmp_path: Path) -> None:
    moved = shutil.copytree(parser_dir, tmp_path / "parser")
    out = tmp_path / "model"
    train(_records(12, seed=5), out, labels=["QUOTE", "ACTOR"], max_minutes=0.2, parser=str(moved))
    moved.rename(tmp_path / "elsewhere")
    # the parser loaded for training in this process is looked for again: it moved
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    with pytest.raises(ValidationError, match=r"model\.json: .*parser.*'" + re.escape(str(moved))):
        load(out)
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_given_contents_are_the_spans_and_each_is_linked_to_its_source(trained: Path) -> None:
    model = load(trained)
    text = (
        "Rain fell on Tuesday. Greta Holm warned that taxes must rise. "
        "Rents keep falling, Senator Lind insisted. The mayor said that the vote was rigged. "
    )
    given = [
        (text.index("taxes"), text.index(". Rents"), "QUOTE"),
        (text.index("Rents"), text.index(", Senator"), "QUOTE"),
    ]
    found = model.predict(text, given)
    assert [(s.start, s.end, s.label, s.score) for s in found.spans if s.label == "QUOTE"] == [
        (*span, 1.0) for span in given
    ]
    assert _sources(model, text, given) == {
        "taxes must rise": "Greta Holm",
        "Rents keep falling": "Senator Lind",
    }
    # nothing of the tagger's: the third content and its source are not there
    assert {text[s.start : s.end] for s in found.spans} == {
        *["taxes must rise", "Rents keep falling", "Greta Holm", "Senator Lind"]
    }
    assert "the vote was rigged" in {text[s.start : s.end] for s in model.predict(text).spans}


def test_evaluate_scores_sources_on_the_reference_contents_only_with_a_pass(
    trained: Path, parser_dir: Path, tmp_path: Path
) -> None:
    held_out = _records(6, seed=11)
    figures = evaluate(load(trained), held_out)
    given = figures["given_contents"]
    assert set(given) == {"p", "r", "f1"}
    assert given["f1"] > 0.8  # the made-up sources are easy
    assert (
        f"sources on the reference contents, exact P/R/F1: {given['p']:.3f} {given['r']:.3f} {given['f1']:.3f}"
        in table(figures).splitlines()
    )
    out = tmp_path / "no_pass"
    train(
        _records(12, seed=5),
        out,
        labels=["QUOTE", "ACTOR"],
        max_minutes=0.2,
        second_pass=None,
        parser=str(parser_dir),
    )
    assert json.loads((out / "model.json").read_text())["sources"] == []
    figures = evaluate(load(out), held_out)
    assert "given_contents" not in figures and "reference contents" not in table(figures)


class _SetOnSecondLook:
    """A cancel flag the person sets while the first documents are parsed."""

    def __init__(self) -> None:
        self.looks = 0

    def is_set(self) -> bool:
        self.looks += 1
        return self.looks > 1


def test_a_cancel_while_parsing_stops_before_any_training(
    parser_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_jobs(*_args: object) -> list[int]:
        raise AssertionError("the tiers were trained after a cancel")

    monkeypatch.setattr(training, "_run_jobs", no_jobs)
    said: list[str] = []
    flag = _SetOnSecondLook()
    records = _records(30, seed=9)
    with pytest.raises(Cancelled):
        train(
            records,
            tmp_path / "model",
            labels=["QUOTE", "ACTOR"],
            parser=str(parser_dir),
            cancel=flag,
            progress=said.append,
        )
    assert said[-1].startswith("parsing ")
    assert flag.looks < len(records) // 2  # parsing stopped early, not after every document
    assert list(tmp_path.iterdir()) == []
