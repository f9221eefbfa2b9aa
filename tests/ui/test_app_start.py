"""App start: the first window loads only what it shows; the rest loads on first use.

Each check runs in a fresh process, as a user's start does (a test process has everything loaded).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from benchmarks.bench_gui import build_demo
from benchmarks.gui_start import HEAVY
from ui import settings
from ui.main_window import MainWindow
from ui.qt import QSettings

ROOT = Path(__file__).resolve().parents[2]


def _python(args: list[str], config: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(config)}
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120, check=False
    )


def test_importing_the_app_and_its_window_loads_no_heavy_module(tmp_path: Path) -> None:
    code = (
        "import json, sys\n"
        "import ui.app, ui.main_window\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    done = _python(["-c", code], tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_the_first_painted_window_on_the_demo_loads_no_heavy_module(tmp_path: Path) -> None:
    """ui.app.main on the demo project up to the frame that painted the article (the benchmark's hook)."""
    url = build_demo(tmp_path / "demo.db")
    done = _python(["-m", "benchmarks.gui_start", "start", url, "Demo"], tmp_path)
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout.strip().splitlines()[-1])
    assert shown["heavy"] == []


def test_opening_the_window_writes_no_setting_back(qtbot: QtBot) -> None:
    """Restoring the preferences writes nothing: each write syncs the file (13-27 ms here)."""
    settings.put(settings.SNAP, False)
    settings.put(settings.ASK_ACTOR, False)
    path = Path(QSettings().fileName())
    before = path.stat()
    window = MainWindow("alice")
    qtbot.addWidget(window)
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert not window.actions_by_name["snap"].isChecked() and not window.pane.controller.snap
    assert not window.actions_by_name["ask_actor"].isChecked()
    window.actions_by_name["snap"].trigger()  # a change the user makes is still stored
    assert settings.get(settings.SNAP) is True and window.pane.controller.snap


def test_annotator_gui_parses_its_options_without_the_other_commands_modules(tmp_path: Path) -> None:
    """``annotator gui`` (and the bundle) builds only its own parser: the full table imports the
    file formats (~0.15 s). Its options mean what they meant; every other command keeps the full table."""
    code = (
        "import json, sys\n"
        "import annotator.cli as cli\n"
        "def gui(args):\n"
        "    loaded = [m for m in ('annotator.cli_import', 'annotator.formats.sources') if m in sys.modules]\n"
        "    print(json.dumps([args.db, args.project, args.screenshot, loaded]))\n"
        "    return 0\n"
        "cli.cmd_gui = gui\n"
        "sys.exit(cli.main(sys.argv[1:]))\n"
    )
    for argv, expected in (
        (
            ["--db", "sqlite:///a.db", "gui", "--project", "P", "--screenshot", "o.png"],
            ["sqlite:///a.db", "P", "o.png"],
        ),
        (["--project", "gui", "gui", "--db", "x"], ["x", "gui", None]),
        (["gui"], [None, None, None]),
    ):
        done = _python(["-c", code, *argv], tmp_path)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == [*expected, []]
    listed = _python(["-m", "annotator.cli", "--help"], tmp_path)
    assert "import" in listed.stdout and "gui" in listed.stdout
    shown = _python(["-m", "annotator.cli", "gui", "--help"], tmp_path)
    assert "--screenshot PNG" in shown.stdout and "--db DB" in shown.stdout
    wrong = _python(["-m", "annotator.cli", "gui", "--no-such-option"], tmp_path)
    assert wrong.returncode == 2 and "unrecognized arguments: --no-such-option" in wrong.stderr
