"""Light or dark: the app follows the system's colour scheme (Qt 6.5+ ``QStyleHints.colorScheme``).

Where the platform theme already hands Qt a dark palette nothing is replaced; where it only
reports the scheme (Fusion on many Linux desktops, Windows) the app sets its own dark palette,
whose text, placeholder and selection colours keep WCAG AA contrast. ``ANNOTATOR_COLOR_SCHEME``
(``dark`` or ``light``) overrides the system, for screenshots and for people who want it. Views
recompute their label tints on the palette change (see ui.article.colors).
"""

from __future__ import annotations

import os

from ui.article.colors import is_dark
from ui.qt import QApplication, QColor, QGuiApplication, QPalette, Qt

ENV = "ANNOTATOR_COLOR_SCHEME"
OWN_PALETTE = "annotatorOwnPalette"  # app property: the dark palette in use is ours, not the system's

Role = QPalette.ColorRole
DARK_COLORS: dict[QPalette.ColorRole, str] = {
    Role.Window: "#202225",
    Role.WindowText: "#e6e6e6",
    Role.Base: "#17181a",
    Role.AlternateBase: "#24262a",
    Role.Text: "#ececec",
    Role.Button: "#2c2f33",
    Role.ButtonText: "#e6e6e6",
    Role.BrightText: "#ffffff",
    Role.Light: "#4a4e54",
    Role.Midlight: "#3a3d42",
    Role.Mid: "#5c6067",
    Role.Dark: "#111214",
    Role.Shadow: "#000000",
    Role.Highlight: "#2f64b3",
    Role.HighlightedText: "#ffffff",
    Role.ToolTipBase: "#2c2f33",
    Role.ToolTipText: "#ececec",
    Role.PlaceholderText: "#a3a7ae",
    Role.Link: "#8ab8ff",
    Role.LinkVisited: "#c49bff",
}
DISABLED_TEXT = "#8a8e95"


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, color in DARK_COLORS.items():
        palette.setColor(role, QColor(color))
    for role in (Role.Text, Role.WindowText, Role.ButtonText, Role.HighlightedText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(DISABLED_TEXT))
    return palette


def wants_dark(scheme: Qt.ColorScheme | None = None) -> bool:
    """The override from the environment, else the scheme given, else the system's."""
    forced = os.environ.get(ENV, "").strip().lower()
    if forced in ("dark", "light"):
        return forced == "dark"
    if scheme is None:
        scheme = QGuiApplication.styleHints().colorScheme()
    return scheme == Qt.ColorScheme.Dark


def apply_scheme(app: QApplication, dark: bool) -> None:
    """Dark: our palette unless the system's is dark already. Light: undo only what we set."""
    ours = bool(app.property(OWN_PALETTE))
    if dark and not is_dark(app.palette()):
        app.setPalette(dark_palette())
        app.setProperty(OWN_PALETTE, True)
    elif not dark and ours:
        style = app.style()
        app.setPalette(style.standardPalette() if style is not None else QPalette())
        app.setProperty(OWN_PALETTE, False)


def follow_color_scheme(app: QApplication) -> None:
    """Apply the scheme now and whenever the system switches."""
    apply_scheme(app, wants_dark())
    hints = QGuiApplication.styleHints()
    hints.colorSchemeChanged.connect(lambda scheme: apply_scheme(app, wants_dark(scheme)))
