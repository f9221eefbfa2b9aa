"""``annotator suggest --rules`` with the real rules, in processes: quotes linked to their
speakers, and the project's own speech verbs extending the built-in list."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.store import open_store
from tests.core.helpers import add_doc
from tests.core.test_suggest_cli import cli
from tests.core.test_suggest_rules import NEWS

QUIP = '"We will build it anyway," Varga quipped.'


def _project(tmp_path: Path) -> tuple[str, int, int]:
    url = f"sqlite:///{tmp_path / 'rules.db'}"
    assert cli(url, "init").returncode == 0
    store = open_store(url)
    news, quip = add_doc(store, 1, NEWS), add_doc(store, 1, QUIP)
    store.close()
    return url, news, quip


def _links(url: str, doc: int) -> list[tuple[str, str]]:
    items = json.loads(cli(url, "suggestions", "--doc", str(doc), "--json").stdout)
    spans = {i["id"]: i["text"] for i in items if "start" in i}
    return [(spans[i["from"]], spans[i["to"]]) for i in items if "from" in i]


def test_rules_link_each_quote_to_its_speaker(tmp_path: Path) -> None:
    url, news, _quip = _project(tmp_path)
    done = cli(url, "suggest", "--rules", "--docs", str(news))
    assert done.returncode == 0, done.stderr
    links = dict(_links(url, news))
    assert links['"If they bring new figures, we will read them."'] == "Varga"
    assert links['"It was the ministry that walked away, not the farmers,"'] == "Tomas Reed"
    assert len(links) == 8


def test_the_projects_speech_verbs_extend_the_rules(tmp_path: Path) -> None:
    url, _news, quip = _project(tmp_path)
    assert cli(url, "suggest", "--rules", "--docs", str(quip)).returncode == 0
    assert _links(url, quip) == []
    done = cli(url, "settings", "set", "speech-verbs", "quipped, joked")
    assert done.returncode == 0, done.stderr
    assert cli(url, "suggest", "--rules", "--docs", str(quip)).returncode == 0
    assert _links(url, quip) == [('"We will build it anyway,"', "Varga")]
