"""Starting the desktop app: QApplication, names for the settings, the annotator's name, main().

``annotator gui`` calls ``main``; with ``screenshot`` it renders the main window off screen on
the project's first document (or the welcome panel when no project is chosen), saves a PNG and
exits, so the README's picture is reproducible.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from annotator.errors import AnnotatorError
from annotator.store import default_url
from ui import settings
from ui.project import ProjectChoice, ProjectContext, open_project, people_of
from ui.projects_ui import Location
from ui.qt import QApplication, QCoreApplication, QGuiApplication, QInputDialog, Qt, QTimer
from ui.theme import follow_color_scheme
from ui.welcome import start

ORGANIZATION = "annotator"
APPLICATION = "annotator"
SCREENSHOT_SIZE = (1400, 900)


def ensure_app() -> QApplication:
    """The one QApplication, named so that the typed settings (ui/settings.py) find their file."""
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    QGuiApplication.setApplicationDisplayName("annotator")
    assert isinstance(app, QApplication)
    if not app.property("annotatorFollowsScheme"):  # once: the palette follows light/dark mode
        app.setProperty("annotatorFollowsScheme", True)
        follow_color_scheme(app)
    return app


def stored_name() -> str | None:
    return settings.get(settings.NAME)


def ask_name_once() -> str | None:
    """The annotator's name: from the settings, or asked once on first start and kept there."""
    name = stored_name()
    if name:
        return name
    try:
        default = getpass.getuser()
    except (KeyError, OSError):
        default = ""
    text, ok = QInputDialog.getText(
        None,
        "Welcome to annotator",
        "Your name, as it will be stored with every span you make:",
        text=default,
    )
    if not ok or not text.strip():
        return None
    settings.put(settings.NAME, text.strip())
    return text.strip()


def _screenshot_annotator(url: str, project: str | None) -> str:
    """Someone who has spans in the project, so the picture shows real work."""
    people = people_of(url, project)
    return people[min(people)] if people else "screenshot"


def take_screenshot(url: str, project: str | None, out: Path) -> int:
    """Render what the app shows into ``out``: the project's first document (first linked span
    selected), or the welcome panel when the database holds no project or several, none named."""
    from ui.main_window import MainWindow

    try:
        name = stored_name() or _screenshot_annotator(url, project)
        opened: ProjectContext | None = open_project(url, project, name)
    except ProjectChoice:
        if project is not None:
            raise
        name, opened = stored_name() or "screenshot", None
    window = MainWindow(name, restore=False)
    window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    window.resize(*SCREENSHOT_SIZE)
    window.welcome.url = url
    window.set_project(opened)
    session = window.session
    linked = sorted(session.relations.values(), key=lambda r: r.id)
    if linked:
        session.select(linked[0].source_id)
    window.show()
    _settle(400)
    out.parent.mkdir(parents=True, exist_ok=True)
    ok = window.grab().save(str(out))
    window.close()
    if not ok:
        print(f"annotator: error: could not write {out}", file=sys.stderr)
        return 1
    print(f"saved {out}")
    return 0


def _settle(ms: int) -> None:
    """Let layout, lazy highlighting and painting finish."""
    app = QApplication.instance()
    done = []
    QTimer.singleShot(ms, lambda: done.append(True))
    while not done and app is not None:
        app.processEvents()


def main(db: str | None = None, project: str | None = None, screenshot: str | None = None) -> int:
    """Run the app (blocks until the window closes); returns the exit status."""
    target = screenshot
    if target and QApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = ensure_app()
    url = db or default_url()
    if target:
        try:
            return take_screenshot(url, project, Path(target))
        except ProjectChoice as choice:
            print(f"annotator: error: choose a project with --project ({choice})", file=sys.stderr)
            return 1
        except AnnotatorError as exc:
            print(f"annotator: error: {exc}", file=sys.stderr)
            return 1
    name = ask_name_once()
    if name is None:
        return 1
    from ui.main_window import MainWindow

    window = MainWindow(name)
    window.show()
    start(window, Location(url, project))
    return app.exec()
