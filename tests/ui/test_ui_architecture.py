"""House rules for the GUI: Qt comes only through ui/qt.py, and no widget talks SQL."""

from __future__ import annotations

import ast
from pathlib import Path

UI = Path(__file__).parents[2] / "ui"


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_qt_is_imported_only_by_ui_qt() -> None:
    offenders = {
        str(p.relative_to(UI))
        for p in UI.rglob("*.py")
        if p.name != "qt.py" and _imports(p) & {"PySide6", "shiboken6"}
    }
    assert offenders == set()


def test_no_module_of_the_gui_uses_sqlalchemy() -> None:
    """Reads go through annotator.queries, writes through annotator.ops (the store's sessions)."""
    offenders = {str(p.relative_to(UI)) for p in UI.rglob("*.py") if "sqlalchemy" in _imports(p)}
    assert offenders == set()


def test_files_stay_small() -> None:
    sizes = {
        str(p.relative_to(UI)): len(p.read_text(encoding="utf-8").splitlines()) for p in UI.rglob("*.py")
    }
    assert max(sizes.values()) <= 600, sizes


def _session_calls(path: Path) -> list[int]:
    """Lines of ``<anything>.session(...)`` calls: a store's session opened by hand."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "session"
    ]


def test_no_module_of_the_gui_opens_a_session() -> None:
    """Every read goes through the project object (annotator/project.py), so no widget holds a
    session, and a worker thread's read is the same method the GUI thread calls."""
    offenders = {str(p.relative_to(UI)): lines for p in UI.rglob("*.py") if (lines := _session_calls(p))}
    assert offenders == {}


def test_the_session_walk_sees_a_session_opened_by_hand(tmp_path: Path) -> None:
    sample = tmp_path / "widget.py"
    sample.write_text("def f(project):\n    with project.store.session() as s:\n        return s\n")
    assert _session_calls(sample) == [2]
