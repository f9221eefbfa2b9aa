"""The registry dock's actions: new, edit (rename, aliases, kind, external id), merge two, split
mentions off to a new actor, and CSV import/export.

Each edit is one undoable step (``ui.actors_commands.ActorCommand``) on the window's stack; the
views follow through the change bus. Files are chosen with ``ui.file_dialogs`` only (Qt's own
dialogs would open the project's database files and drop SQLite's locks).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator import actors as ops
from annotator.actors_reads import ActorRow, Mention
from annotator.errors import AnnotatorError
from ui.actors_commands import ActorCommand
from ui.commands import EditContext, execute
from ui.file_dialogs import get_open_file_name, get_save_file_name
from ui.qt import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    Qt,
    QUndoStack,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from annotator.actors_csv import ActorImport


def split_aliases(text: str) -> list[str]:
    """Aliases as typed: separated by ";" (names may hold commas: "Smith, John")."""
    return [a.strip() for a in text.split(";") if a.strip()]


class ActorForm(QDialog):
    """Name, aliases, kind and external id of one actor (new or existing)."""

    def __init__(self, parent: QWidget, title: str, actor: ActorRow | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.name = QLineEdit(actor.name if actor else "", self)
        self.aliases = QLineEdit("; ".join(actor.aliases) if actor else "", self)
        self.aliases.setPlaceholderText("Blinken; Secretary Blinken")
        self.kind = QLineEdit((actor.kind or "") if actor else "", self)
        self.kind.setPlaceholderText("person, organisation, group…")
        self.external = QLineEdit((actor.external_id or "") if actor else "", self)
        self.external.setPlaceholderText("e.g. a Wikidata QID")
        form = QFormLayout()
        form.addRow("&Name", self.name)
        form.addRow("&Aliases (; between)", self.aliases)
        form.addRow("&Kind", self.kind)
        form.addRow("E&xternal id", self.external)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def fields(self) -> dict[str, Any]:
        return {
            "name": self.name.text().strip(),
            "aliases": split_aliases(self.aliases.text()),
            "kind": self.kind.text().strip() or None,
            "external_id": self.external.text().strip() or None,
        }


class SplitForm(QDialog):
    """Which mentions go to the new actor, and its name."""

    def __init__(self, parent: QWidget, actor: ActorRow, mentions: list[Mention]) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Split {actor.name}")
        self.mentions = mentions
        self.list = QListWidget(self)
        for m in mentions:
            where = m.document_title or f"document {m.document_id}"
            item = QListWidgetItem(f"“{' '.join(m.text.split())}” · {where} · {m.annotator}")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.name = QLineEdit(self)
        self.name.setPlaceholderText("The new actor's name")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Tick the mentions (Space) that name someone else:", self))
        layout.addWidget(self.list)
        layout.addWidget(self.name)
        layout.addWidget(buttons)

    def chosen(self) -> list[int]:
        return [
            m.span_id
            for n, m in enumerate(self.mentions)
            if self.list.item(n).checkState() == Qt.CheckState.Checked
        ]


class RegistryEdits:
    """What the dock's buttons do; ``selected`` gives the chosen actors, the current one first."""

    def __init__(
        self,
        parent: QWidget,
        stack: QUndoStack,
        context: Callable[[], EditContext | None],
        selected: Callable[[], list[ActorRow]],
    ) -> None:
        self.parent = parent
        self.stack = stack
        self.context = context
        self.selected = selected
        self.dialog: QDialog | None = None  # the one open (tests drive it)
        self.files = RegistryFiles(self)

    def import_csv(self) -> None:
        self.files.import_csv()

    def export_csv(self) -> None:
        self.files.export_csv()

    def run(self, text: str, edit: Callable[[Any], Any], actors: list[int] | None = None) -> bool:
        ctx = self.context()
        if ctx is None:
            return False
        doc = ctx.session.doc_id or 0
        return execute(
            self.stack, ActorCommand(ctx, doc, text, edit, actors=actors or [], in_document=False), say=True
        )

    def _form(self, dialog: QDialog, done: Callable[[], None]) -> QDialog:
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(done)
        dialog.open()
        return dialog

    def new(self) -> None:
        ctx = self.context()
        if ctx is None:
            return
        form = ActorForm(self.parent, "New actor")
        project_id = ctx.project.id

        def done() -> None:
            f = form.fields()
            self.run(f"New actor {f['name']}", lambda tx: ops.add_actor(tx, project_id, **f))

        self._form(form, done)

    def edit(self) -> None:
        chosen = self.selected()
        if not chosen:
            self._say("Select an actor first")
            return
        actor = chosen[0]
        form = ActorForm(self.parent, f"Edit {actor.name}", actor)

        def done() -> None:
            f = form.fields()
            self.run(f"Edit actor {f['name']}", lambda tx: ops.update_actor(tx, actor.id, **f), [actor.id])

        self._form(form, done)

    def merge(self) -> None:
        """Fold the second selected actor into the current one (its mentions and names move)."""
        chosen = self.selected()
        if len(chosen) != 2:
            self._say("Select the two actors to merge (Ctrl+click); the current one is kept")
            return
        keep, other = chosen
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Merge actors",
            f"Merge {other.name} ({other.mentions} mentions) into {keep.name}? {other.name}'s mentions "
            f"move to {keep.name} and its names become aliases. Ctrl+Z takes it back.",
            QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel,
            self.parent,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Ok)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = box
        box.accepted.connect(
            lambda: self.run(
                f"Merge {other.name} into {keep.name}",
                lambda tx: ops.merge_actors(tx, keep.id, other.id),
                [keep.id, other.id],
            )
        )
        box.open()

    def split(self) -> None:
        chosen = self.selected()
        ctx = self.context()
        if not chosen or ctx is None:
            self._say("Select the actor to split first")
            return
        actor = chosen[0]
        mentions = ctx.project.actor_mentions(actor.id)
        if len(mentions) < 1:
            self._say(f"{actor.name} has no mention to split off")
            return
        form = SplitForm(self.parent, actor, mentions)

        def done() -> None:
            spans, name = form.chosen(), form.name.text().strip()
            self.run(
                f"Split {name} off {actor.name}",
                lambda tx: ops.split_actor(tx, actor.id, spans, name),
                [actor.id],
            )

        self._form(form, done)

    def _say(self, text: str) -> None:
        ctx = self.context()
        if ctx is not None:
            ctx.report(text)


class RegistryFiles:
    """CSV import and export of the registry (columns as ``annotator actors export`` writes)."""

    def __init__(self, edits: RegistryEdits) -> None:
        self.edits = edits

    def import_csv(self) -> None:
        ctx = self.edits.context()
        if ctx is None:
            return
        path, _ = get_open_file_name(
            self.edits.parent, "Import actors", "", "CSV files (*.csv);;All files (*)"
        )
        if path:
            self.import_file(ctx, Path(path))

    def import_file(self, ctx: EditContext, path: Path) -> bool:
        """Every row checked first (a bad one: file and line said, nothing written); then one step."""
        from annotator.actors_csv import import_rows, read_csv  # lazy: the encoding sniffer loads on use

        try:
            rows = read_csv(path)
        except AnnotatorError as exc:
            ctx.report(str(exc))
            return False
        project_id = ctx.project.id
        live = [a.id for a in ctx.project.actors()]  # those a match may update: imaged for undo
        result: list[ActorImport] = []
        done = self.edits.run(
            f"Import actors from {path.name}",
            lambda tx: result.append(import_rows(tx, project_id, rows, str(path))),
            live,
        )
        if result:
            ctx.report(result[0].summary().replace("\n", " "))
        return done

    def export_csv(self) -> None:
        ctx = self.edits.context()
        if ctx is None:
            return
        path, _ = get_save_file_name(self.edits.parent, "Export actors", "actors.csv", "CSV files (*.csv)")
        if path:
            self.export_file(ctx, Path(path))

    def export_file(self, ctx: EditContext, path: Path) -> int:
        from annotator.registry_files import export_registry_csv  # lazy, like the import

        try:
            count = export_registry_csv(ctx.project.store, ctx.project.id, path)
        except (AnnotatorError, OSError) as exc:
            ctx.report(f"Could not export the actors to {path}: {exc}")
            return 0
        ctx.report(f"Exported {count} actor(s) to {path}")
        return count
