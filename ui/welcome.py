"""The first thing a new user sees: the welcome panel shown while no project is open.

It offers the four ways in (a new project, an existing one, importing files, the demo) and lists
the projects of the database the app was started on plus the recent ones, so that an empty or
shared database never greets anyone with an error or a bare empty window.
"""

from __future__ import annotations

from typing import Protocol

from annotator.errors import AnnotatorError
from annotator.project import project_names as database_projects
from annotator.store import default_url, open_store
from ui.projects_ui import Location, recent
from ui.qt import (
    QEvent,
    QFont,
    QFrame,
    QGridLayout,
    QLabel,
    QListWidget,
    QMessageBox,
    QObject,
    QPushButton,
    QScrollArea,
    Qt,
    QVBoxLayout,
    QWidget,
)

LOCATION_ROLE = Qt.ItemDataRole.UserRole


class WelcomeHost(Protocol):
    """The main window as the welcome panel sees it (no import of the window: it imports us)."""

    project: object | None
    welcome: Welcome

    def centralWidget(self) -> QWidget | None: ...

    def open_location(self, location: Location) -> bool: ...

    def new_project(self, where: str | None = None) -> bool: ...

    def import_documents(self) -> None: ...


class Welcome(QScrollArea):
    """Covers the central area of the main window while no project is open; one column that
    scrolls, so that it stays whole in a narrow window or at 200% scaling."""

    def __init__(self, window: WelcomeHost, url: str | None = None) -> None:
        host = window.centralWidget() or window
        super().__init__(host)
        self.setObjectName("welcome")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.window_ = window
        self.url = url
        host.installEventFilter(self)
        inner = QWidget(self)
        inner.setMaximumWidth(720)
        title = QLabel("Welcome to annotator", inner)
        title.setWordWrap(True)
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setWeight(QFont.Weight.DemiBold)
        title.setFont(font)
        intro = QLabel(
            "Read news articles, mark claims, quotes and actors, link each quote to its speaker,"
            " review your team's labels and export datasets. Start with one of these:",
            inner,
        )
        intro.setWordWrap(True)
        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        for i, (key, text, slot) in enumerate(
            (
                ("new", "New project…", self._new),
                ("open", "Open project file…", window.open_project_file),
                ("url", "Open database URL…", window.open_project_url),
                ("import", "Import documents…", self._import),
                ("demo", "Open the demo project", self._demo),
            )
        ):
            button = QPushButton(text, inner)
            button.setMinimumHeight(button.sizeHint().height() + 8)
            button.clicked.connect(lambda _c=False, s=slot: s())
            self.buttons[key] = button
            grid.addWidget(button, i // 2, i % 2)
        self.projects = QListWidget(inner)
        self.projects.setAccessibleName("Projects")
        self.projects.setMinimumHeight(120)
        self.projects.itemActivated.connect(lambda item: self._open(item.data(LOCATION_ROLE)))
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addSpacing(12)
        layout.addLayout(grid)
        layout.addSpacing(12)
        layout.addWidget(QLabel("Projects (double-click or Enter opens)", inner))
        layout.addWidget(self.projects, 1)
        self.setWidget(inner)
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.hide()  # until the window knows it has no project (see show_for)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.parentWidget().rect())
        return super().eventFilter(watched, event)  # the scroll area filters its viewport too

    def refresh(self) -> None:
        """List the start database's projects, then the recent ones elsewhere."""
        self.projects.clear()
        seen: set[Location] = set()
        url = self.url
        here = [Location(url, name) for name in database_projects(url)] if url else []
        for location in here + recent():
            if location in seen:
                continue
            seen.add(location)
            self.projects.addItem(location.label)
            item = self.projects.item(self.projects.count() - 1)
            item.setData(LOCATION_ROLE, location)
        if not self.projects.count():
            self.projects.addItem("No project yet: create one or open the demo.")
            self.projects.item(0).setFlags(Qt.ItemFlag.NoItemFlags)

    def show_for(self, open_project: bool) -> None:
        """Shown exactly while no project is open."""
        if open_project:
            self.hide()
            return
        self.refresh()
        self.setGeometry((self.parentWidget() or self).rect())
        self.show()
        self.raise_()

    def _open(self, location: object) -> None:
        if isinstance(location, Location):
            self.window_.open_location(location)

    def _new(self) -> bool:
        return self.window_.new_project(self.url)  # None: the dialog proposes a new file

    def _import(self) -> None:
        """Importing needs a project: make one first when none is open."""
        if self.window_.project is not None or self._new():
            self.window_.import_documents()

    def _demo(self) -> None:
        """Open the demo project of the start database, creating it there the first time."""
        from annotator.demo import DEMO_NAME, create_demo  # lazy: the native reader loads on first use

        url = self.url or default_url()
        if DEMO_NAME not in database_projects(url):
            try:
                store = open_store(url)
                try:
                    create_demo(store)
                finally:
                    store.close()
            except (AnnotatorError, OSError) as exc:
                QMessageBox.warning(self, "Demo project", str(exc))
                return
        self.window_.open_location(Location(url, DEMO_NAME))


def start(window: WelcomeHost, location: Location) -> None:
    """Open the named (or only) project of the start database, otherwise show the welcome."""
    window.welcome.url = location.url
    names = [] if location.project else database_projects(location.url)  # named: opened once, not twice
    if location.project or len(names) == 1:
        window.open_location(Location(location.url, location.project or names[0]))
    window.welcome.show_for(window.project is not None)
