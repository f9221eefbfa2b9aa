"""Structural rules: the core never imports Qt; packaging lists every package."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from collections.abc import Collection
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


# --- The house plan of issue 13: layers, no import circles, small files, ARCHITECTURE.md --------

SCANNED = ("annotator", "ui", "benchmarks")

MAX_LINES = 450


def _module_files(tops: tuple[str, ...] = SCANNED) -> dict[str, Path]:
    files: dict[str, Path] = {}
    for top in tops:
        for path in (ROOT / top).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            files[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return files


def _imported(module: str, path: Path, node: ast.AST, modules: Collection[str]) -> list[str]:
    """The names one import statement brings in: ``from a import b`` is module ``a.b`` if that is
    a module (as import-linter counts it, so a package re-exporting its submodules is no circle),
    else a name from ``a``."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    if node.level:
        package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join(package + ([node.module] if node.module else []))
    else:
        base = node.module or ""
    return [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]


def _graph(module_level_only: bool = False) -> dict[str, set[str]]:
    """Module → the project modules it imports, from the source text alone (nothing is imported).

    ``module_level_only`` leaves out imports inside functions: those run only when called.
    """
    files = _module_files()
    graph: dict[str, set[str]] = {name: set() for name in files}

    def visit(module: str, path: Path, node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if module_level_only and isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                continue
            for name in _imported(module, path, child, files):
                while name and name not in files:  # ``import pkg.mod.Name`` or outside: the nearest module
                    name = name.rpartition(".")[0]
                if name and name != module:
                    graph[module].add(name)
            visit(module, path, child)

    for module, path in files.items():
        visit(module, path, ast.parse(path.read_text(encoding="utf-8")))
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(component)
    return found


def test_the_cycle_finder_sees_a_circle_through_a_from_import() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _cycles(graph) == [{"a", "b", "c"}]


def test_no_import_circles_in_the_core_the_gui_or_the_benchmarks() -> None:
    cycles = _cycles(_graph())
    assert cycles == []


def test_the_cli_imports_the_gui_only_inside_the_gui_command() -> None:
    """What ``annotator.cli`` loads at import time (transitively, module-level imports only) has no ``ui``:
    only the ``gui`` sub-command imports the app, when it runs (import-linter's one ignored import)."""
    graph = _graph(module_level_only=True)
    seen, todo = set(), ["annotator.cli"]
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo.extend(graph[module])
    assert sorted(m for m in seen if m.split(".")[0] == "ui") == []
    assert "ui.app" in _graph()["annotator.cli"]  # the lazy entry is still there, inside a function


def test_the_import_layers_hold() -> None:
    """The contracts in pyproject.toml ([tool.importlinter]): the command `make test` and CI run."""
    done = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_no_source_file_is_longer_than_the_limit() -> None:
    long = {
        str(path.relative_to(ROOT)): n
        for top in (*SCANNED, "tests")
        for path in (ROOT / top).rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def _packages_on_disk() -> set[str]:
    """Every folder of Python modules (``ui/review`` has no ``__init__.py``: a namespace package)."""
    return {str(p.parent.relative_to(ROOT)) for top in SCANNED for p in (ROOT / top).rglob("*.py")}


def _packages_named() -> set[str]:
    """Every `backticked/path/` ending in a slash in ARCHITECTURE.md: the packages it names."""
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    return {name.rstrip("/") for name in re.findall(r"`((?:annotator|ui|benchmarks)(?:/\w+)*/)`", text)}


def test_architecture_names_every_package() -> None:
    assert sorted(_packages_on_disk() - _packages_named()) == []


def test_every_package_the_architecture_names_exists() -> None:
    assert sorted(_packages_named() - _packages_on_disk()) == []


def test_every_module_the_architecture_names_exists() -> None:
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:annotator|ui|benchmarks)/[\w/]+\.py)`", text))
    assert named, "ARCHITECTURE.md names no module"
    missing = {name for name in named if not (ROOT / name).exists()}
    assert sorted(missing) == []


def test_the_document_fields_records_copy_exist_on_records_and_documents() -> None:
    """Export and merge copy a document through ``records.document_fields``: one list of names that
    must stay on both sides (a new column is added there, not in each copy)."""
    from dataclasses import fields

    from annotator.model import Document
    from annotator.records import DOCUMENT_FIELDS, DocRecord, document_fields

    assert set(DOCUMENT_FIELDS) <= {f.name for f in fields(DocRecord)}
    assert set(DOCUMENT_FIELDS) <= set(Document.__table__.columns.keys())
    record = DocRecord("text", title="t", author="a", published="2026", source_url="u", source_file="f")
    assert DocRecord(**document_fields(record)) == DocRecord(
        "text", title="t", author="a", published="2026", source_url="u", source_file="f"
    )
