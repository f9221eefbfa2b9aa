"""How long after an edit's key the span list is drawn too (issue 19's edits, the side panels' view).

``python -m benchmarks.gui_panels URL DOC_ID OPS`` runs gui_window's edits (same document, keys
and pauses) but times each key to the end of the first frame that painted the *span list*, with
the GUI-thread CPU time to then. The edit rows time the article's frame; since the span list, the
label counts and the actor picker follow that frame (ui/article/after_paint.py), this is the
figure that says what that costs: in a tree that paints them together both frames are one.
JSON on stdout, like gui_window; run it once per tree on copies of one database.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import gui_window
from benchmarks.gui_common import ANNOTATOR, FrameWatch, app, isolate_settings, settle
from ui.main_window import MainWindow
from ui.project import open_project


def main(argv: list[str]) -> int:
    url, doc_id, ops = argv[0], int(argv[1]), int(argv[2])
    app()
    folder = tempfile.TemporaryDirectory()
    isolate_settings(Path(folder.name))
    window = MainWindow(ANNOTATOR, restore=False)
    window.resize(*gui_window.WINDOW_SIZE)
    window.set_project(open_project(url, None, ANNOTATOR))
    window.show()
    settle()
    gui_window.open_long(window, FrameWatch(window, window.pane.view.viewport()), doc_id)
    watch = FrameWatch(window, window.spans.viewport())  # the key's stretch ends with the list's frame
    gui_window.CPU.clear()
    started = time.process_time()
    result = gui_window.edits(window, watch, ops)
    result["cpu_edits"] = list(gui_window.CPU)
    result["process_cpu"] = time.process_time() - started
    watch.close()
    window.close()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
