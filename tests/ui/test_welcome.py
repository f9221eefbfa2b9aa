"""First run: the welcome panel of an empty (or undecided) database, and its screenshot."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from annotator.store import open_store
from tests.ui.screenshots import render
from ui.main_window import MainWindow
from ui.project import new_project
from ui.projects_ui import Location
from ui.qt import QColor, QImage, Qt
from ui.welcome import start


def _window(qtbot: QtBot) -> MainWindow:
    window = MainWindow("alice", restore=False)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_screenshot_of_an_empty_database_shows_the_welcome(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    open_store(url).close()
    out = tmp_path / "welcome.png"
    done = render(url, out, tmp_path / "config")
    assert done.returncode == 0, done.stderr
    assert "choose a project" not in done.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1400, 900)
    # The welcome's title and five buttons sit in the middle band: far from a blank background.
    middle = {QColor(image.pixel(x, y)).name() for x in range(340, 1000, 3) for y in range(40, 330, 3)}
    assert len(middle) > 10


def test_empty_database_shows_the_welcome_and_the_demo_button_opens_the_demo(
    qtbot: QtBot, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    window = _window(qtbot)
    start(window, Location(url))
    assert window.project is None
    assert window.welcome.isVisible()
    assert set(window.welcome.buttons) == {"new", "open", "url", "import", "demo"}
    assert window.welcome.geometry() == window.centralWidget().rect()
    qtbot.mouseClick(window.welcome.buttons["demo"], Qt.MouseButton.LeftButton)
    assert window.project is not None and window.project.name == "Demo"
    assert not window.welcome.isVisible()
    assert window.documents.model.rowCount() > 0


def test_a_database_with_several_projects_lists_them_and_enter_opens_one(
    qtbot: QtBot, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'two.db'}"
    new_project(url, "Alpha")
    new_project(url, "Beta")
    window = _window(qtbot)
    start(window, Location(url))
    assert window.project is None and window.welcome.isVisible()
    listing = window.welcome.projects
    labels = [listing.item(i).text() for i in range(listing.count())]
    assert labels[:2] == [Location(url, "Alpha").label, Location(url, "Beta").label]
    rect = listing.visualItemRect(listing.item(1))
    qtbot.mouseClick(listing.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.project is None  # a single click only selects
    qtbot.keyClick(listing, Qt.Key.Key_Return)
    assert window.project is not None and window.project.name == "Beta"
    assert not window.welcome.isVisible()


def test_a_database_with_one_project_opens_it_without_the_welcome(qtbot: QtBot, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'one.db'}"
    new_project(url, "Only")
    window = _window(qtbot)
    start(window, Location(url))
    assert window.project is not None and window.project.name == "Only"
    assert not window.welcome.isVisible()
