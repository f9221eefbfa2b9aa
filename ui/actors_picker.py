"""The keyboard-only actor picker that pops next to an ACTOR span.

Typing filters the registry by name and alias (the core's ``match_actors``); ↑/↓ move, Enter
links the span to the highlighted actor (or makes the new one when that row is highlighted),
Ctrl+Enter makes a new actor from the typed text (the span's text when nothing is typed), Esc
leaves the span as it is: unlinked, or, asked again with ``I``, linked to the actor the hint names. After a link, when the same name occurs unlinked elsewhere in the
document, the picker turns into a one-key offer: Enter links (and labels) them all, Esc leaves
them. The picker only asks; ``ui.actors_tagging`` runs the undoable commands.

About a new span the question follows the article's frame (``ui.actors_held`` gives it the keys
typed meanwhile) and lists its matches at once. Asked again with ``I``, the picker shows inside
that keystroke, but its matches, a read of the registry, may follow a frame later (``later``, the
article's AfterPaint): until then it lists only the new-actor row, and any key that uses the list
(Enter, ↑/↓) reads the matches first, so what a key does never depends on the timing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ui.article.after_paint import Later
from ui.qt import (
    QApplication,
    QEvent,
    QFrame,
    QKeyEvent,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QObject,
    QPoint,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)

NEW = -1  # the "new actor" row's id
ROWS = 8  # matches shown at once: the picker stays small next to the span
ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
OWN = {
    *ENTER,
    Qt.Key.Key_Escape,
    Qt.Key.Key_Up,
    Qt.Key.Key_Down,
}  # the picker's keys, whatever the window binds


@dataclass(frozen=True, slots=True)
class Choice:
    """One row of the picker: an actor of the registry, shown with what matched."""

    id: int
    name: str
    aliases: tuple[str, ...] = ()
    kind: str | None = None
    external_id: str | None = None

    def shown(self) -> str:
        extra = [", ".join(self.aliases)] if self.aliases else []
        extra += [x for x in (self.kind, self.external_id) if x]
        return f"{self.name}  ·  {' · '.join(extra)}" if extra else self.name


Search = Callable[[str], Sequence[Choice]]


class ActorPicker(QFrame):
    """A small frame over the article: a line to type in, the matching actors, a hint line."""

    picked = Signal(int)  # an actor of the registry
    create = Signal(str)  # a new actor's name
    accept_offer = Signal()  # link the same name elsewhere too
    closed = Signal()  # Esc: nothing (more) happens, the keyboard goes back to the article
    abandoned = Signal()  # the focus went elsewhere (a click, another panel): it stays there

    def __init__(self, parent: QWidget, search: Search) -> None:
        super().__init__(parent)
        self.setObjectName("actorPicker")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.search = search
        self.fallback = ""  # the span's text: the new actor's name when nothing is typed
        self.offering = False
        self.linked: tuple[int, str] | None = None  # the span's actor when asked again (I)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText("Actor name or alias…")
        self.edit.installEventFilter(self)
        self.edit.textEdited.connect(self.refresh)
        self.setFont(QApplication.font())  # the app's font, not the article's reading size
        self.list = QListWidget(self)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # every key goes to the line edit
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setUniformItemSizes(True)
        self.list.itemActivated.connect(lambda _item: self._enter())
        self.list.itemClicked.connect(lambda _item: self._enter())
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.edit)
        layout.addWidget(self.list)
        layout.addWidget(self.hint)
        self.setFixedWidth(360)
        self.hide()
        self.later: Later | None = None  # set: the matches of ``ask`` follow the article's frame
        self._pending: str | None = None  # the text whose matches are still to be listed
        self._at = QPoint()

    # --- what the flow asks ---------------------------------------------------------------------

    def ask(self, span_text: str, at: QPoint, linked: tuple[int, str] | None = None) -> None:
        """Offer the registry for a span reading ``span_text``, the line prefilled with it;
        ``linked``: the actor the span points to already (Esc keeps it, and its row says so)."""
        self.offering = False
        self.linked = linked
        self.fallback = " ".join(span_text.split())
        self.edit.show()
        self.list.show()
        self.edit.setText(self.fallback)
        self.edit.selectAll()  # typing replaces it; Enter takes the best match for it
        keys = (
            "↑/↓\u00a0choose · Enter\u00a0link · Ctrl+Enter\u00a0new\u00a0actor"  # (no key split by a wrap)
        )
        if linked is None:
            self.hint.setText(f"{keys} · Esc\u00a0leave\u00a0unlinked")
        else:
            self.hint.setText(f"Linked to {linked[1]} (id {linked[0]})\n{keys} · Esc\u00a0keep\u00a0it")
        if self.later is None:
            self.refresh(self.fallback)
        else:
            self._rows(self.fallback, [])
            self._pending = self.fallback
            self.later("actor picker", self.flush)
        self._place(at)

    def flush(self) -> None:
        """List the matches ``ask`` left for after the frame, if they are still to come."""
        typed, self._pending = self._pending, None
        if typed is not None and self.isVisible() and not self.offering:
            self.refresh(typed)
            self._place(self._at, focus=False)

    def offer(self, text: str, at: QPoint) -> None:
        """The one-key offer after a link: ``text`` says what Enter would do."""
        self.offering = True
        self.edit.hide()
        self.list.hide()
        self.hint.setText(f"{text}\nEnter: yes · Esc: no")
        self._place(at)

    def refresh(self, typed: str) -> None:
        self._pending = None  # what is typed now replaces what ask left pending
        text = typed.strip()
        self._rows(typed, self.search(text)[:ROWS] if text else [])

    def _rows(self, typed: str, choices: Sequence[Choice]) -> None:
        text = typed.strip()
        self.list.clear()
        for choice in choices:
            now = self.linked is not None and choice.id == self.linked[0]
            item = QListWidgetItem(f"✓ {choice.shown()}  (linked now)" if now else choice.shown())
            item.setData(Qt.ItemDataRole.UserRole, choice.id)
            self.list.addItem(item)
        name = text or self.fallback
        new = QListWidgetItem(f"＋ New actor “{name}”  (Ctrl+Enter)")
        new.setData(Qt.ItemDataRole.UserRole, NEW)
        self.list.addItem(new)
        self.list.setCurrentRow(0)
        row = max(self.list.sizeHintForRow(0), self.list.fontMetrics().height() + 6)
        self.list.setFixedHeight(row * min(self.list.count(), ROWS + 1) + 2 * self.list.frameWidth() + 2)
        self.adjustSize()

    def close_picker(self) -> None:
        if self.isVisible():
            self.hide()
            self.closed.emit()

    # --- keys ---------------------------------------------------------------------------------

    def _place(self, at: QPoint, focus: bool = True) -> None:
        self._at = at
        self.adjustSize()
        parent = self.parentWidget()
        if parent is not None:  # inside the parent, below the span when there is room
            x = max(0, min(at.x(), parent.width() - self.width()))
            y = at.y() if at.y() + self.height() <= parent.height() else max(0, at.y() - self.height() - 24)
            self.move(x, y)
        self.show()
        self.raise_()
        if focus:
            self.edit.setFocus() if not self.offering else self.setFocus()

    def current_id(self) -> int | None:
        item = self.list.currentItem()
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def new_name(self) -> str:
        return self.edit.text().strip() or self.fallback

    def _enter(self, new: bool = False) -> None:
        if self.offering:
            self.hide()
            self.accept_offer.emit()
            return
        chosen = NEW if new else self.current_id()
        self.hide()
        if chosen is None or chosen == NEW:
            self.create.emit(self.new_name())
        else:
            self.picked.emit(chosen)

    def handle(self, event: QKeyEvent) -> bool:
        """The picker's keys, from the line edit or the frame itself; True when used."""
        key, mods = event.key(), event.modifiers()
        if key in ENTER or key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.flush()  # the list as it will be, whenever the key comes
        if key == Qt.Key.Key_Escape:
            self.close_picker()
        elif key in ENTER:
            self._enter(new=bool(mods & Qt.KeyboardModifier.ControlModifier))
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and not self.offering:
            step = -1 if key == Qt.Key.Key_Up else 1
            self.list.setCurrentRow(max(0, min(self.list.count() - 1, self.list.currentRow() + step)))
        else:
            return False
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self.handle(event):
            super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and isinstance(event, QKeyEvent):
            if event.type() == QEvent.Type.KeyPress and self.handle(event):
                return True
            if event.type() == QEvent.Type.ShortcutOverride:
                if event.key() in OWN:  # Ctrl+Enter is "new actor" here, not "mark done"
                    event.accept()
                    return True
                if _window_shortcut(event):
                    event.ignore()  # Ctrl+Z and the like stay the window's, not the line edit's
                    return True
        if watched is self.edit and event.type() == QEvent.Type.FocusOut and not self.offering:
            self._focus_left()
        return super().eventFilter(watched, event)

    def focusOutEvent(self, event: Any) -> None:
        self._focus_left()
        super().focusOutEvent(event)

    def _focus_left(self) -> None:
        """A click elsewhere ends the question (the span stays as it is)."""
        focus = self.window().focusWidget() if self.window() is not None else None
        if focus is not None and (focus is self or self.isAncestorOf(focus)):
            return
        if self.isVisible():
            self.hide()
            self.abandoned.emit()


def _window_shortcut(event: QKeyEvent) -> bool:
    """Ctrl+Z/Y and other Ctrl chords the window binds; editing chords and Ctrl+Enter (new actor,
    not "mark done") stay the picker's."""
    mods = event.modifiers()
    editing = {Qt.Key.Key_A, Qt.Key.Key_C, Qt.Key.Key_V, Qt.Key.Key_X, Qt.Key.Key_Left, Qt.Key.Key_Right}
    editing |= {Qt.Key.Key_Backspace, Qt.Key.Key_Delete, Qt.Key.Key_Home, Qt.Key.Key_End}
    return bool(mods & Qt.KeyboardModifier.ControlModifier) and event.key() not in editing
