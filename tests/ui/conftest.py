"""GUI test fixtures: isolated QSettings, a project with documents, and a main window on it."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from annotator.model import Project
from annotator.ops.importer import import_records
from annotator.records import DocRecord
from annotator.store import Store
from ui.qt import QApplication, QCoreApplication, QDialog, QSettings, QStandardPaths


@pytest.fixture(scope="session", autouse=True)
def _isolated_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Settings of the tests live in a temporary folder, never in the user's."""
    folder = tmp_path_factory.mktemp("settings")
    os.environ["XDG_CONFIG_HOME"] = str(folder)
    QStandardPaths.setTestModeEnabled(True)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    QCoreApplication.setOrganizationName("annotator-tests")
    QCoreApplication.setApplicationName("annotator-tests")
    yield


@pytest.fixture(autouse=True)
def _no_dialog_outlives_its_test(qapp: object) -> Iterator[None]:
    """A dialog a test left open (an export's report, parentless in tests) is closed after it, so
    the next test's checks of the modal widget see only what that test opened."""
    yield
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QDialog) and widget.isVisible():
            widget.close()


@pytest.fixture(autouse=True)
def settings(qapp: object) -> QSettings:
    """Fresh settings per test, with the annotator's name set so no first-run dialog blocks."""
    QCoreApplication.setOrganizationName("annotator-tests")
    QCoreApplication.setApplicationName("annotator-tests")
    s = QSettings()
    s.clear()
    s.setValue("annotator/name", "alice")
    s.sync()
    return s


def add_docs(store: Store, project_id: int, *texts: str, **fields: object) -> list[int]:
    with store.transaction() as tx:
        result = import_records(tx, project_id, [DocRecord(text=t, **fields) for t in texts])  # type: ignore[arg-type]
    return result.document_ids


@pytest.fixture
def open_window(qtbot: object, store: Store, project: Project, backend_url: str) -> Iterator[object]:
    """Factory: a main window on the test project after adding documents with the given texts."""
    from ui.main_window import MainWindow
    from ui.project import open_project

    windows: list[MainWindow] = []

    def make(*texts: str, annotator: str = "alice", restore: bool = False, **fields: object) -> MainWindow:
        if texts:
            add_docs(store, project.id, *texts, **fields)
        window = MainWindow(annotator, restore=restore)
        qtbot.addWidget(window)  # type: ignore[attr-defined]
        if not restore:
            window.resize(1200, 800)
        window.set_project(open_project(backend_url, project.name, annotator))
        window.show()
        qtbot.waitExposed(window)  # type: ignore[attr-defined]
        # Window shortcuts (Ctrl+Z, Ctrl+PgDn ...) fire only in the active window.
        handle = window.windowHandle()
        assert handle is not None
        handle.requestActivate()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)  # type: ignore[attr-defined]
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()
        window.deleteLater()
