"""A PostgreSQL database with a team made by the README's setup SQL (real login roles)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from annotator.ops.projects import create_project
from annotator.store import Store, open_store
from tests.conftest import PG_URL, TEMPLATE, pg_database
from tests.core.helpers import add_doc, upgrade_to

if TYPE_CHECKING:
    import pytest

README = Path(__file__).parents[2] / "README.md"
TEXT = "Mayor Ana Ruiz said the bridge opens in May."
PEOPLE = ("alice", "bob", "riley")


@dataclass
class Team:
    url: str
    project: int
    doc: int
    names: dict[str, str]  # the README's name -> this test's login

    def url_of(self, who: str) -> str:
        return make_url(self.url).set(username=self.names[who]).render_as_string(hide_password=False)

    def store(self, who: str) -> Store:
        return open_store(self.url_of(who))

    def raw(self, who: str) -> Engine:
        return create_engine(self.url_of(who), isolation_level="AUTOCOMMIT")


def setup_sql(database: str, names: dict[str, str]) -> str:
    """The README's "Team setup on PostgreSQL" SQL, with this test's database and role names."""
    readme = README.read_text(encoding="utf-8")
    section = readme[readme.index("### Team setup on PostgreSQL") :]
    block = re.search(r"```sql\n(.*?)```", section, re.S)
    assert block is not None
    sql = re.sub(r"\bnewsroom\b", database, block.group(1))
    return re.sub(r"\b(annotator_team|alice|bob|riley)\b", lambda m: names[m.group(1)], sql)


@contextmanager
def make_team(set_up_at: str | None = None, *, leave_out: str | None = None) -> Iterator[Team]:
    """Callers first request the ``pg_template`` fixture (it skips, or fails under CI, without
    PostgreSQL). Roles are the cluster's: each team's names are unique and dropped afterwards.
    ``set_up_at``: the admin ran the setup SQL on a database at this older revision, then opened
    it with this version (a schema upgrade, as the admin); ``leave_out``: its statements holding
    these words were not run (an older README's setup)."""
    suffix = uuid.uuid4().hex[:8]
    names = {who: f"{who}_{suffix}" for who in (*PEOPLE, "annotator_team")}
    try:
        with pg_database(None if set_up_at else TEMPLATE) as url:
            if set_up_at:
                engine = create_engine(url)
                with engine.begin() as conn:
                    upgrade_to(conn, set_up_at)
                engine.dispose()
                _set_up(url, names, leave_out)
            admin = open_store(url)  # the owner: a superuser here; it migrates to head
            assert admin.login is None
            with admin.transaction() as tx:
                project = create_project(tx, "Newsroom").id
            doc = add_doc(admin, project, TEXT)
            admin.close()
            if not set_up_at:
                _set_up(url, names, leave_out)
            yield Team(url, project, doc, names)
    finally:
        assert PG_URL is not None
        engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            for name in names.values():
                conn.execute(text(f"DROP ROLE IF EXISTS {name}"))
        engine.dispose()


def _set_up(url: str, names: dict[str, str], leave_out: str | None = None) -> None:
    """Run the README's setup SQL as the admin (without the statements holding ``leave_out``)."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        sql = setup_sql(make_url(url).database or "", names)
        code = "\n".join(line for line in sql.splitlines() if not line.strip().startswith("--"))
        for statement in filter(str.strip, code.split(";")):
            if leave_out is None or leave_out not in statement:
                conn.execute(text(statement))
    engine.dispose()


def annotate_as(
    capsys: pytest.CaptureFixture[str], team: Team, who: str, start: int = 0, end: int = 5
) -> tuple[int, str, str]:
    """``annotator annotate`` of an ACTOR span in the team's document, by ``who``'s login as
    themselves: (exit status, output, errors)."""
    from tests.core.cli_run import run

    doc, name = str(team.doc), team.names[who]
    return run(
        capsys, "--db", team.url_of(who), "annotate", doc, str(start), str(end), "ACTOR", "--annotator", name
    )
