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
    profiler = cProfile.Profile()
    if args.case == "open":
        gui_common.PROFILER = profiler
    print(open_long(window, watch, args.doc))
    gui_common.PROFILER = profiler
    if args.case == "edits":
        print({kind: sorted(v)[len(v) // 2] for kind, v in edits(window, watch, args.ops).items()})
    elif args.case == "scroll":
        frames = scroll(window, watch, args.pages)
        print(f"{len(frames)} frames, worst {max(frames) * 1000:.1f} ms")
    gui_common.PROFILER = None
    pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
