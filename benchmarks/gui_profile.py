"""Where a GUI case's time goes: its timed stretches under cProfile, top functions printed.

``python -m benchmarks.gui_profile open|edits|scroll [--db PATH --doc ID]`` runs the same steps as
gui_window on the same kind of database (built here unless given) and profiles only the stretches
the benchmark times (open call or key press to the end of the frame), so a missed target can be
named as file:function. Native Qt frames need py-spy: ``py-spy record --native -- python -m ...``.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
from pathlib import Path

from benchmarks import gui_common
from benchmarks.bench_gui import FULL, build_long
from benchmarks.gui_common import ANNOTATOR, FrameWatch, app, isolate_settings, settle
from benchmarks.gui_window import WINDOW_SIZE, edits, open_long, scroll


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("case", choices=("open", "edits", "scroll"))
    parser.add_argument("--db", help="a database from bench_gui.build_long (default: build one)")
    parser.add_argument("--doc", type=int, default=2, help="the long document's id")
    parser.add_argument("--ops", type=int, default=30)
    parser.add_argument("--pages", type=int, default=100_000)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--sql", action="store_true", help="also list the SQL of each timed stretch")
    parser.add_argument(
        "--phases", action="store_true", help="no cProfile: wall time per phase of the edit path instead"
    )
    args = parser.parse_args(argv)
    folder = tempfile.TemporaryDirectory()
    url = (
        f"sqlite:///{args.db}"
        if args.db
        else build_long(Path(folder.name) / "long.db", FULL.chars, FULL.spans)[0]
    )

    from ui.main_window import MainWindow
    from ui.project import open_project

    app()
    isolate_settings(Path(folder.name))
    window = MainWindow(ANNOTATOR, restore=False)
    window.resize(*WINDOW_SIZE)
    window.set_project(open_project(url, None, ANNOTATOR))
    window.show()
    settle()
    watch = FrameWatch(window, window.pane.view.viewport())
    if args.sql:
        _log_sql(window)
    profiler = cProfile.Profile()
    if args.case == "open" and not args.phases:
        gui_common.PROFILER = profiler
    print(open_long(window, watch, args.doc))
    phases = _time_phases() if args.phases else None
    gui_common.PROFILER = None if args.phases else profiler
    if args.case == "edits":
        print({kind: sorted(v)[len(v) // 2] for kind, v in edits(window, watch, args.ops).items()})
    elif args.case == "scroll":
        frames = scroll(window, watch, args.pages)
        print(f"{len(frames)} frames, worst {max(frames) * 1000:.1f} ms")
    gui_common.PROFILER = None
    if phases is not None:
        for name, spent in sorted(phases.items(), key=lambda kv: -sum(kv[1])):
            print(
                f"{name:<40} {len(spent):4d} calls, median {sorted(spent)[len(spent) // 2] * 1000:7.2f} ms, total {sum(spent):.3f} s"
            )
    else:
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)
    if gui_common.STATEMENTS:
        _print_sql(gui_common.STATEMENTS, args.case)
    window.close()
    return 0


def _time_phases() -> dict[str, list[float]]:
    """Wrap the edit path's stages with wall clocks (no profiler overhead): the key's handler,
    the DB write, the views' update, the highlighter, the article's paint, the whole stretch."""
    import time
    from collections.abc import Callable
    from typing import Any

    from ui import actors_column, annotate, commands, session
    from ui.article import highlighter, view

    spent: dict[str, list[float]] = {}

    def wrap(owner: Any, name: str, label: str) -> None:
        inner: Callable[..., Any] = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            began, cpu = time.perf_counter(), time.thread_time()
            try:
                return inner(*args, **kwargs)
            finally:
                spent.setdefault(label, []).append(time.perf_counter() - began)
                spent.setdefault(f"{label} [CPU]", []).append(time.thread_time() - cpu)

        setattr(owner, name, timed)

    wrap(annotate.AnnotationController, "handle_key", "key handler (all of it)")
    wrap(commands.Command, "forward", "command: DB write + views")
    wrap(commands, "show_step", "views: show_step")
    wrap(session.DocumentSession, "apply", "views: session.apply")
    wrap(highlighter.SpanHighlighter, "refresh", "highlighter.refresh")
    wrap(actors_column.SpanActors, "_changed", "actors column update")
    wrap(view.ArticleView, "paintEvent", "article paintEvent")
    wrap(annotate.AnnotationController, "delete_selected", "delete_selected (asks others_links)")
    from annotator import project, store
    from annotator.undo import log, rows

    wrap(project.ProjectContext, "others_links", "core: others_links (before a Delete)")
    wrap(rows, "capture", "core: undo capture (before)")
    wrap(rows, "reread", "core: undo reread (after)")
    wrap(log, "save", "core: undo save")
    wrap(store, "write_audit", "core: audit rows")
    from ui import actors_tagging
    from ui.article import parts

    wrap(actors_tagging.ActorTagging, "created", "add: the actor picker (ACTOR spans)")
    wrap(parts.SpanParts, "update", "views: multi-part spans update")
    wrap(session.DocumentSession, "select", "views: session.select")
    original = gui_common.timed_stretch

    def stretch() -> Any:
        import contextlib

        @contextlib.contextmanager
        def run() -> Any:
            began, cpu = time.perf_counter(), time.thread_time()
            with original():
                yield
            spent.setdefault("whole stretch (key to frame end)", []).append(time.perf_counter() - began)
            spent.setdefault("whole stretch (key to frame end) [CPU]", []).append(time.thread_time() - cpu)

        return run()

    gui_common.timed_stretch = stretch
    import benchmarks.gui_window as gui_window

    gui_window.timed_stretch = stretch
    return spent


def _log_sql(window: object) -> None:
    """Record every statement the project's engine runs inside a timed stretch."""
    from sqlalchemy import event

    project = getattr(window, "project", None)
    assert project is not None
    gui_common.STATEMENTS = []

    def seen(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        if gui_common.RECORDING and gui_common.STATEMENTS:
            gui_common.STATEMENTS[-1].append(" ".join(statement.split())[:160])

    event.listen(project.store.engine, "before_cursor_execute", seen)


def _print_sql(stretches: list[list[str]], case: str) -> None:
    """Statements per stretch (edits: per kind, the first of each listed in full)."""
    timed = stretches[1:]  # the first is the open
    kinds = ("add", "relabel", "delete") if case == "edits" else (case,)
    for k, kind in enumerate(kinds):
        mine = timed[k :: len(kinds)]
        if not mine:
            continue
        print(f"--- {kind}: {sum(map(len, mine)) / len(mine):.1f} statements per stretch; the first:")
        for statement in mine[0]:
            print("   ", statement)


if __name__ == "__main__":
    sys.exit(main())
