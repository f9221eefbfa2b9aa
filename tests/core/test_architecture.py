"""Structural rules: the core never imports Qt; packaging lists every package."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[2]
QT = ("PySide6", "shiboken6", "PyQt5", "PyQt6", "ui")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_core_modules_never_import_qt_or_the_gui() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & set(QT))
        for path in (ROOT / "annotator").rglob("*.py")
        if _imports(path) & set(QT) - ({"ui"} if path.name == "cli.py" else set())
    }
    assert offenders == {}


def test_importing_the_whole_core_loads_no_qt() -> None:
    modules = [
        "annotator." + ".".join(p.relative_to(ROOT / "annotator").with_suffix("").parts)
        for p in (ROOT / "annotator").rglob("*.py")
        if p.name != "__init__.py" and "migrations" not in p.parts
    ]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'ui')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_every_package_is_listed_for_installation() -> None:
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for top in ("annotator", "ui")
        for p in (ROOT / top).rglob("__init__.py")
    }
    assert on_disk <= listed
