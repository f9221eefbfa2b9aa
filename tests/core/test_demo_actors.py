"""The demo project comes with a registry: its ACTOR spans point to fictional actors (aliases, one
external id, a role), so a new user sees real rows in the registry and in who said what."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select

from annotator.demo import create_demo
from annotator.model import Actor as RegistryActor
from annotator.model import Annotation, Label
from annotator.store import Store
from tests.core.test_comments_cli import ok


def test_every_demo_actor_mention_names_a_registry_actor(store: Store) -> None:
    project, _result = create_demo(store)
    with store.session() as s:
        actors = s.scalars(select(RegistryActor).where(RegistryActor.project_id == project.id)).all()
        mentions = select(func.count()).select_from(Annotation).join(Label, Label.id == Annotation.label_id)
        unlinked = s.scalar(mentions.where(Label.name == "ACTOR", Annotation.actor_id.is_(None)))
        linked = s.scalar(mentions.where(Label.name == "ACTOR", Annotation.actor_id.is_not(None)))
    assert len(actors) == 16 and unlinked == 0 and linked == 42
    by_name = {a.name: a for a in actors}
    assert by_name["Elena Varga"].external_id == "demo:elena-varga"
    assert by_name["Elena Varga"].aliases == ["Varga"]
    assert by_name["Elena Varga"].attributes == {"role": "mayor"}
    assert {a.kind for a in actors} == {"person", "organisation"}
    assert all((a.attributes or {}).get("role") for a in actors)


def test_the_registry_and_who_said_what_show_real_rows(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    ok(url, "demo")
    listed = {a["name"]: a for a in json.loads(ok(url, "actors", "list", "--json"))}
    assert listed["Samira Haddad"]["aliases"] == ["سميرة حداد", "Haddad"]
    assert listed["Samira Haddad"]["mentions"] == 4
    rows = json.loads(ok(url, "whosaid", "--by", "actor", "--json"))
    linked = [r for r in rows if r.get("actor_id")]
    assert {r["actor"] for r in linked} >= {"Elena Varga", "Marcus Obi", "Katrin Albers", "Lin Meiling"}
    assert sum(r["quotes"] + r["claims"] for r in linked) > 0
