"""Label colours turned into readable backgrounds, underlines and outlines, light or dark.

The schema gives one colour per label (Okabe–Ito by default, safe for colour-blind readers). The
text keeps the palette's own text colour; the backgrounds are tints of the label colour mixed into
the palette's base, weak enough that the text keeps a WCAG contrast of at least 7:1.
"""

from __future__ import annotations

from ui.qt import QColor, QPalette

MIN_CONTRAST = 7.0  # text over a highlight: beyond WCAG AA (4.5), for long reading
MIN_GRAPHICS_CONTRAST = 3.0


def _channel(c: float) -> float:
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(color: QColor) -> float:
    """Relative luminance (WCAG 2)."""
    return (
        0.2126 * _channel(color.redF()) + 0.7152 * _channel(color.greenF()) + 0.0722 * _channel(color.blueF())
    )


def contrast(a: QColor, b: QColor) -> float:
    la, lb = luminance(a), luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def mix(a: QColor, b: QColor, amount: float) -> QColor:
    """``amount`` of ``b`` over ``a``."""
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * amount,
        a.greenF() + (b.greenF() - a.greenF()) * amount,
        a.blueF() + (b.blueF() - a.blueF()) * amount,
    )


def is_dark(palette: QPalette) -> bool:
    return luminance(palette.color(QPalette.ColorRole.Base)) < 0.2


def tint(label: QColor, palette: QPalette, strength: float = 0.34) -> QColor:
    """Background for text labelled ``label``: as strong as it can be while text stays readable."""
    base = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text)
    amount = strength + (0.1 if is_dark(palette) else 0.0)
    color = mix(base, label, amount)
    while amount > 0.08 and contrast(color, text) < MIN_CONTRAST:
        amount -= 0.03
        color = mix(base, label, amount)
    return color


def stroke(label: QColor, palette: QPalette) -> QColor:
    """Underlines and outlines: the label colour, pushed away from the base until it has the 3:1
    contrast WCAG asks of graphics (mixing towards white or black: lighter() leaves black black)."""
    base = palette.color(QPalette.ColorRole.Base)
    target = QColor("#ffffff") if is_dark(palette) else QColor("#000000")
    color = QColor(label)
    for step in range(1, 11):
        if contrast(color, base) >= MIN_GRAPHICS_CONTRAST:
            break
        color = mix(label, target, step / 10)
    return color
