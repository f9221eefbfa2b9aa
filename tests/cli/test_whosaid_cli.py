"""``annotator whosaid --by actor|outlet|month`` in real processes: table, JSON, CSV, layers, errors."""

from __future__ import annotations

import csv
import json
import subprocess
from pathlib import Path

from annotator.ops.projects import ensure_annotator
from annotator.store import open_store
from tests.cli_forms import run
from tests.core.whosaid_fixture import WhoSaidProject, whosaid_project


def cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run("--db", url, *args)


def ok(url: str, *args: str) -> str:
    done = cli(url, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def setup(tmp_path: Path) -> tuple[str, WhoSaidProject]:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    ok(url, "init")
    store = open_store(url)
    with store.transaction() as tx:
        ensure_annotator(tx, 1, "alice")
        ensure_annotator(tx, 1, "bob")
    fx = whosaid_project(store, 1)
    store.close()
    return url, fx


def test_each_grouping_as_a_table_json_and_csv(tmp_path: Path) -> None:
    url, fx = setup(tmp_path)
    table = ok(url, "whosaid", "--by", "actor").splitlines()
    assert table[0] == "5 quote(s) and 2 claim(s) in the all layer, by actor"
    assert table[1].split() == ["actor", "actor_id", "quotes", "claims", "total", "documents", "linked"]
    assert table[2].split() == ["Antony", "Blinken", str(fx.blinken), "2", "1", "3", "1", "yes"]
    assert table[3].split() == ["He", "2", "0", "2", "2", "no"]

    outlets = json.loads(ok(url, "whosaid", "--by", "outlet", "--json"))
    assert [(o["outlet"], o["quotes"], o["claims"], o["speakers"]) for o in outlets] == [
        ("Reuters", 4, 1, 2),
        ("example-news.com", 1, 1, 1),
    ]
    assert outlets[0]["documents"] == [fx.documents[0], fx.documents[2]]

    out = tmp_path / "months.csv"
    said = ok(url, "whosaid", "--by", "month", "-o", str(out))
    assert f"wrote 4 row(s) by month (all layer) to {out}" in said
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["month"], r["quotes"], r["claims"]) for r in rows] == [
        ("2024-05", "3", "1"),
        ("2024-06", "0", "0"),
        ("2024-07", "1", "1"),
        ("undated", "1", "0"),
    ]


def test_layers_and_bad_input(tmp_path: Path) -> None:
    url, _fx = setup(tmp_path)
    bob = json.loads(ok(url, "whosaid", "--by", "actor", "--layer", "bob", "--json"))
    assert [(a["actor"], a["quotes"], a["linked"]) for a in bob] == [("Antony Blinken", 1, True)]
    missing = cli(url, "whosaid", "--layer", "carol")
    assert missing.returncode == 1 and "no layer 'carol'" in missing.stderr
    gold = cli(url, "whosaid", "--layer", "gold")
    assert gold.returncode == 1 and "no gold layer yet" in gold.stderr
    wrong = cli(url, "whosaid", "--by", "week")
    assert wrong.returncode == 2 and "invalid choice: 'week'" in wrong.stderr
    assert not list(tmp_path.glob("*.csv"))
