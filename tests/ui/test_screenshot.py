"""`annotator gui --screenshot PNG` renders the main window on the demo project and exits 0."""

from __future__ import annotations

from pathlib import Path

from annotator.demo import create_demo
from annotator.store import open_store
from tests.ui.screenshots import render
from ui.qt import QColor, QImage


def test_screenshot_of_the_demo_project(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    store = open_store(url)
    create_demo(store)
    store.close()
    out = tmp_path / "shot.png"
    done = render(url, out, tmp_path / "config")
    assert done.returncode == 0, done.stderr
    image = QImage(str(out))
    assert not image.isNull()
    assert (image.width(), image.height()) == (1400, 900)
    colours = {QColor(image.pixel(x, y)).name() for x in range(0, 1400, 7) for y in range(0, 900, 7)}
    assert len(colours) > 50  # text, label tints, panels: far from a blank window
    assert not (tmp_path / "config").exists() or not any((tmp_path / "config").rglob("*.conf*"))
