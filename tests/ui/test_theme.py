"""Dark mode and large fonts: readable label highlights in both schemes, the system's switch
followed, and a main window that still fits a screen at 200% scaling."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from annotator.demo import create_demo
from annotator.resources import resource
from annotator.store import open_store
from tests.ui.screenshots import render
from ui.article.colors import contrast, is_dark, luminance, stroke, tint
from ui.main_window import MainWindow
from ui.project import open_project
from ui.qt import QApplication, QColor, QGuiApplication, QImage, QPalette, Qt
from ui.theme import ENV, apply_scheme, dark_palette, follow_color_scheme

AA_TEXT = 4.5  # WCAG 2 AA, normal text
AA_GRAPHICS = 3.0  # WCAG 2 AA, non-text marks (underlines, outlines)
OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"]
EXTREMES = ["#FFFFFF", "#FFFF00", "#00FF00", "#FF0000", "#0000FF", "#FF00FF", "#808080", "#101010"]


def _label_colors() -> list[str]:
    schema = json.loads(resource("schema.json").read_text(encoding="utf-8"))
    return [lab["color"] for lab in schema["labels"]] + OKABE_ITO + EXTREMES


def _demo(folder: Path) -> str:
    url = f"sqlite:///{folder / 'demo.db'}"
    store = open_store(url)
    create_demo(store)
    store.close()
    return url


def _schemes() -> dict[str, QPalette]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    style = app.style()
    assert style is not None
    return {"light": style.standardPalette(), "dark": dark_palette()}


@pytest.fixture
def restore_palette(qapp: QApplication) -> Iterator[QApplication]:
    before = QPalette(qapp.palette())
    yield qapp
    qapp.setPalette(before)
    qapp.setProperty("annotatorOwnPalette", False)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_over_every_label_highlight_meets_wcag_aa(qapp: QApplication, scheme: str) -> None:
    palette = _schemes()[scheme]
    assert is_dark(palette) == (scheme == "dark")
    text, base = palette.color(QPalette.ColorRole.Text), palette.color(QPalette.ColorRole.Base)
    for color in _label_colors():
        label = QColor(color)
        for strength in (0.34, 0.18):  # the article's highlight, the palette's hover
            ratio = contrast(tint(label, palette, strength), text)
            assert ratio >= AA_TEXT, (scheme, color, strength, round(ratio, 2))
        assert contrast(stroke(label, palette), base) >= AA_GRAPHICS, (scheme, color)


@pytest.mark.parametrize(
    ("fore", "back"),
    [
        ("Text", "Base"),
        ("WindowText", "Window"),
        ("ButtonText", "Button"),
        ("HighlightedText", "Highlight"),
        ("PlaceholderText", "Base"),
        ("ToolTipText", "ToolTipBase"),
    ],
)
def test_the_dark_palette_keeps_aa_contrast(qapp: QApplication, fore: str, back: str) -> None:
    palette = dark_palette()
    role = QPalette.ColorRole
    ratio = contrast(palette.color(getattr(role, fore)), palette.color(getattr(role, back)))
    assert ratio >= AA_TEXT, (fore, back, round(ratio, 2))


def test_the_window_follows_the_system_switching_to_dark_and_back(
    qtbot: QtBot, restore_palette: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV, raising=False)
    url = _demo(tmp_path)
    app = restore_palette
    follow_color_scheme(app)
    window = MainWindow("alice", restore=False)
    qtbot.addWidget(window)
    window.set_project(open_project(url, None, "alice"))
    window.show()
    qtbot.waitExposed(window)
    view = window.pane.view
    hints = QGuiApplication.styleHints()

    def span_background() -> QColor:
        layout = view.document().firstBlock().next().layout()
        formats = [r.format.background().color() for r in layout.formats() if r.format.background().style()]
        if not formats:  # the highlighter keeps its own formats in the block's additional formats
            block = view.document().begin()
            while block.isValid() and not formats:
                formats = [r.format.background().color() for r in block.layout().formats()]
                block = block.next()
        assert formats
        return formats[0]

    hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    qtbot.waitUntil(lambda: is_dark(view.palette()))
    assert is_dark(app.palette())
    assert luminance(span_background()) < 0.2  # the highlights were recomputed over the dark base
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
    qtbot.waitUntil(lambda: not is_dark(view.palette()))
    assert luminance(span_background()) > 0.4


def test_light_mode_leaves_a_system_palette_alone(restore_palette: QApplication) -> None:
    app = restore_palette
    custom = QPalette(app.palette())
    custom.setColor(QPalette.ColorRole.Highlight, QColor("#123456"))
    app.setPalette(custom)
    apply_scheme(app, dark=False)
    assert app.palette().color(QPalette.ColorRole.Highlight) == QColor("#123456")


def test_the_main_window_fits_a_full_hd_screen_at_200_percent(
    qtbot: QtBot, tmp_path: Path, qapp: QApplication
) -> None:
    """1920×1080 at 200% leaves 960×540 logical pixels, less a task bar."""
    url = _demo(tmp_path)
    window = MainWindow("alice", restore=False)
    qtbot.addWidget(window)
    window.set_project(open_project(url, None, "alice"))
    window.show()
    qtbot.waitExposed(window)
    hint = window.minimumSizeHint().expandedTo(window.minimumSize())
    assert hint.width() <= 960 and hint.height() <= 500, hint


def test_dark_screenshot_at_200_percent(tmp_path: Path) -> None:
    """The whole app rendered dark at QT_SCALE_FACTOR=2: the picture is twice the size, mostly dark."""
    url = _demo(tmp_path)
    out = tmp_path / "dark.png"
    done = render(url, out, tmp_path / "config", QT_SCALE_FACTOR="2", ANNOTATOR_COLOR_SCHEME="dark")
    assert done.returncode == 0, done.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (2800, 1800)
    samples = [QColor(image.pixel(x, y)) for x in range(0, 2800, 23) for y in range(0, 1800, 23)]
    dark = sum(luminance(c) < 0.2 for c in samples)
    assert dark > 0.8 * len(samples)
