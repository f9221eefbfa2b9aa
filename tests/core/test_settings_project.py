"""Project settings: declared once, typed, validated, shared through the database, audited."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from annotator.dbcopy import copy_projects
from annotator.errors import ValidationError
from annotator.model import AuditEntry, Project
from annotator.settings_project import (
    KNOWN,
    ProjectSettings,
    all_settings,
    get_setting,
    load_settings,
    set_setting,
)
from annotator.store import REMOTE, Store, open_store


def test_defaults_until_set_then_typed_values(store: Store, project: Project) -> None:
    with store.session() as session:
        assert load_settings(session, project.id) == ProjectSettings()
        assert list(all_settings(session, project.id)) == list(KNOWN)
    with store.transaction() as tx:
        assert set_setting(tx, project.id, "quote-marks", "exclude")
        assert set_setting(tx, project.id, "quote-labels", "QUOTE, Zitat ,QUOTE")
    with store.transaction() as tx:
        assert not set_setting(tx, project.id, "quote-marks", "exclude")  # unchanged
    with store.session() as session:
        settings = load_settings(session, project.id)
        assert get_setting(session, project.id, "quote-labels") == ("QUOTE", "Zitat")
    assert settings.quote_marks == "exclude" and settings.cross_paragraph == "ask"
    assert settings.is_quote_label("zitat") and not settings.is_quote_label("CLAIM")


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("quote-marks", "both", "quote-marks takes include or exclude, not 'both'"),
        ("cross-paragraph", "", "cross-paragraph takes ask or allow or refuse"),
        ("quote-labels", " , ", "quote-labels needs one or more"),
        ("colour", "red", "no setting 'colour'"),
    ],
)
def test_bad_values_are_refused_and_change_nothing(
    store: Store, project: Project, key: str, value: str, message: str
) -> None:
    with pytest.raises(ValidationError, match=message), store.transaction() as tx:
        set_setting(tx, project.id, key, value)
    with store.session() as session:
        assert load_settings(session, project.id) == ProjectSettings()


def test_a_change_is_audited_and_reaches_other_clients(
    store: Store, project: Project, backend_url: str
) -> None:
    other = open_store(backend_url)
    try:
        other.poll()
        with store.transaction() as tx:
            set_setting(tx, project.id, "cross-paragraph", "refuse")
        seen = other.poll()
        assert seen is not None and seen.origin == REMOTE and seen.touches("project")
        with other.session() as session:
            assert load_settings(session, project.id).cross_paragraph == "refuse"
    finally:
        other.close()
    with store.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "project")).all()[-1]
    assert entry.detail == {"setting": "cross-paragraph", "before": "ask", "after": "refuse"}


def test_settings_travel_with_a_db_copy(store: Store, project: Project, tmp_path: Path) -> None:
    with store.transaction() as tx:
        set_setting(tx, project.id, "quote-marks", "exclude")
    target = open_store(f"sqlite:///{tmp_path / 'copy.db'}")
    try:
        copy_projects(store, target)
        with target.session() as session:
            copied = session.scalars(select(Project.id)).one()
            assert load_settings(session, copied).quote_marks == "exclude"
    finally:
        target.close()


def test_cli_settings_list_and_set(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"

    def annotator(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "annotator.cli", "--db", db, *args]
        return subprocess.run(command, capture_output=True, text=True, check=False)

    assert annotator("init", "--name", "P").returncode == 0
    listed = annotator("settings", "list")
    assert listed.returncode == 0 and "quote-marks" in listed.stdout and "include|exclude" in listed.stdout
    assert annotator("settings", "set", "quote-marks", "exclude").stdout.strip() == "quote-marks = exclude"
    refused = annotator("settings", "set", "quote-marks", "outside")
    assert refused.returncode == 1 and "takes include or exclude" in refused.stderr
    shown = json.loads(annotator("settings", "list", "--json").stdout)
    assert shown == {
        "quote-marks": "exclude",
        "quote-labels": ["QUOTE"],
        "cross-paragraph": "ask",
        "speech-verbs": [],
        "according-to": [],
    }


def test_snap_applies_the_quote_rule_to_quote_labels_only() -> None:
    text = "She said \u201cwe will act,\u201d and left."
    first, last = text.index("we"), text.index("act") + 3
    include, exclude = ProjectSettings(), ProjectSettings(quote_marks="exclude", quote_labels=("Zitat",))
    assert text[slice(*include.snap(text, first, last, "QUOTE"))] == "\u201cwe will act,\u201d"
    assert text[slice(*exclude.snap(text, first - 1, last + 2, "zitat"))] == "we will act"
    assert text[slice(*include.snap(text, first, last, "CLAIM"))] == "we will act"
    assert include.snap(text, first + 1, last, "QUOTE", words=False) == (first + 1, last)  # snapping off


def test_the_extra_cue_lists_may_be_empty_and_the_others_may_not(store: Store, project: Project) -> None:
    """The settings dialog saves every field: an empty speech-verbs list must not block it."""
    with store.transaction() as tx:
        set_setting(tx, project.id, "speech-verbs", "quipped, joked")
        set_setting(tx, project.id, "speech-verbs", "")
    with store.session() as s:
        assert load_settings(s, project.id).speech_verbs == ()
    with pytest.raises(ValidationError), store.transaction() as tx:
        set_setting(tx, project.id, "quote-labels", "")
