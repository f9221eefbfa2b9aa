"""At 800 px wide nothing overlaps and the span list keeps its text readable (issue 20, point 7)."""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations

from pytestqt.qtbot import QtBot

from annotator.model import Project
from annotator.ops.projects import ensure_annotator
from annotator.store import Actor, Store
from ui.main_window import MainWindow
from ui.qt import QCheckBox, QComboBox, QLabel, QPushButton, QRect, QWidget

Open = Callable[..., MainWindow]
TEXT = "Mayor Elena Varga said the bridge would reopen in spring, according to the council."


def _add_people(store: Store, project: Project, *names: str) -> None:
    for name in names:
        with store.transaction(actor=Actor(name)) as tx:
            ensure_annotator(tx, project.id, name)


def _controls(header: QWidget) -> list[tuple[str, QRect]]:
    found = []
    for kind in (QCheckBox, QComboBox, QPushButton, QLabel):
        for widget in header.findChildren(kind):
            text = widget.currentText() if isinstance(widget, QComboBox) else widget.text()
            if widget.isVisible() and text:
                top_left = widget.mapTo(header, widget.rect().topLeft())
                found.append((f"{kind.__name__} {text!r}", QRect(top_left, widget.size())))
    legend = header.legend  # drawn by hand: it has no text of its own
    found.append(("legend", QRect(legend.mapTo(header, legend.rect().topLeft()), legend.size())))
    return found


def test_review_header_controls_never_overlap_at_800_px(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    _add_people(store, project, "bob", "carol", "riley")
    window = open_window(TEXT)
    window.resize(800, 700)
    window.review.set_active(True)
    header = window.review.view.header
    qtbot.waitUntil(lambda: len(header.boxes) >= 3)
    qtbot.wait(50)
    controls = [c for c in _controls(header) if "Read-only" not in c[0]]
    assert len(controls) >= 6
    overlaps = [(a, b) for (a, ra), (b, rb) in combinations(controls, 2) if ra.intersects(rb)]
    assert overlaps == []
    assert all(rect.right() <= header.width() for _name, rect in controls)


def test_span_list_text_column_stays_readable_in_a_narrow_dock(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window = open_window(TEXT)
    window.resize(800, 700)
    spans = window.spans
    qtbot.waitUntil(lambda: spans.viewport().width() > 0)
    window.set_show_all(True)  # the "By" column too
    qtbot.wait(50)
    width = spans.viewport().width()
    assert width < 300  # a narrow dock indeed
    assert spans.columnWidth(1) >= 0.35 * width  # it was 12%


def test_side_columns_keep_their_width_when_there_is_room(qtbot: QtBot) -> None:
    from PySide6.QtGui import QStandardItemModel

    from ui.qt import QHeaderView, QTableView
    from ui.tables import SideColumns

    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(QStandardItemModel(3, 3, view))
    view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    SideColumns(view, {0: (96, 0.26), 2: (70, 0.2)})
    view.resize(900, 200)
    view.show()
    qtbot.waitUntil(lambda: view.viewport().width() > 800)
    assert (view.columnWidth(0), view.columnWidth(2)) == (96, 70)
    view.resize(220, 200)
    qtbot.waitUntil(lambda: view.viewport().width() < 230)
    assert view.columnWidth(0) <= 0.26 * view.viewport().width() + 1
    assert view.columnWidth(1) >= 0.4 * view.viewport().width()
