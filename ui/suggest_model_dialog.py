"""Suggest ▸ Suggest with a model…: which trained model, on which documents, from what score.

The models kept with the project are listed newest first (``annotator.learn.kept``), so the one
the training dialog just made is chosen already; "Other folder…" takes any model folder (one
``annotator train -o`` wrote, or a spaCy pipeline saved to disk); "Delete…" removes a kept model
after asking (``delete_kept``: audited, its version never handed out again). The run itself is the
suggestion layer's (``ui.suggest_layer``): a background job with progress and Cancel, one undo
step, as ``annotator suggest --model`` stores it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.errors import AnnotatorError
from annotator.learn.kept import delete_kept, kept_models, models_home
from ui.file_dialogs import get_existing_directory
from ui.project import ProjectContext
from ui.qt import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QRadioButton,
    Qt,
    QVBoxLayout,
    QWidget,
)


@dataclass(frozen=True)
class ModelChoice:
    """What to run: a model kept with the project (by ``NAME@VERSION``) or a folder."""

    key: str | None = None
    folder: Path | None = None

    def describe(self) -> str:
        return self.key if self.key is not None else str(self.folder)


@dataclass(frozen=True)
class SuggestRun:
    model: ModelChoice
    documents: list[int]
    min_score: float
    my_quotes: bool = False  # only the speakers of the quotes I labelled (``annotator.suggest.own``)


class SuggestModelDialog(QDialog):
    def __init__(
        self,
        project: ProjectContext,
        doc_id: int | None,
        parent: QWidget | None = None,
        *,
        chosen: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.project, self.doc_id = project, doc_id
        self.setWindowTitle("Suggest with a model")
        self.setMinimumWidth(520)
        self.models = QListWidget(self)
        self.models.setObjectName("models")
        for model in kept_models(project):
            when = model.trained_at[:16].replace("T", " ")
            item = QListWidgetItem(f"{model.key} · {', '.join(model.labels)} · trained {when}", self.models)
            item.setData(Qt.ItemDataRole.UserRole, ModelChoice(key=model.key))
            item.setToolTip(_figures(model.figures))
            if model.key == chosen:
                self.models.setCurrentItem(item)
        if self.models.count() and self.models.currentItem() is None:
            self.models.setCurrentRow(0)
        self.other = QPushButton("Other &folder…", self)
        self.other.clicked.connect(self._choose_folder)
        self.delete = QPushButton("&Delete…", self)
        self.delete.setToolTip("Remove the chosen kept model (the suggestions it made stay)")
        self.delete.clicked.connect(self._delete)
        self.models.currentItemChanged.connect(self._chosen_changed)
        self.empty = QLabel(
            "No model is kept with this project yet: train one (Suggest ▸ Train an extractor…) "
            "or choose a model folder.",
            self,
        )
        self.empty.setWordWrap(True)
        self.empty.setVisible(self.models.count() == 0)
        n = len(project.document_ids())
        self.here = QRadioButton("The &open document", self)
        self.everywhere = QRadioButton(f"&All {n} documents (in the background)", self)
        self.here.setEnabled(doc_id is not None)
        (self.here if doc_id is not None else self.everywhere).setChecked(True)
        self.min_score = QDoubleSpinBox(self)
        self.min_score.setRange(0.0, 1.0)
        self.min_score.setSingleStep(0.05)
        self.min_score.setDecimals(2)
        self.min_score.setToolTip("Suggestions the model scores lower are not stored")
        self.my_quotes = QCheckBox("Only the s&peakers of my quotes (suggestions only I see)", self)
        self.my_quotes.setToolTip(
            "The model links the quotes you labelled and left without a speaker; it tags nothing else"
        )
        form = QFormLayout()
        form.addRow("Documents", self.here)
        form.addRow("", self.everywhere)
        form.addRow("&Least score", self.min_score)
        form.addRow("", self.my_quotes)
        self.note = QLabel("", self)
        self.note.setObjectName("note")
        self.note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.run_button = buttons.addButton("&Suggest", QDialogButtonBox.ButtonRole.AcceptRole)
        self.run_button.setDefault(True)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        heading = QLabel("&Model (newest first)", self)
        heading.setBuddy(self.models)
        layout.addWidget(heading)
        layout.addWidget(self.models)
        layout.addWidget(self.empty)
        below = QHBoxLayout()
        below.addWidget(self.other)
        below.addWidget(self.delete)
        below.addStretch(1)
        layout.addLayout(below)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self.run: SuggestRun | None = None
        self._chosen_changed()

    def _choose_folder(self) -> None:
        folder = get_existing_directory(
            self, "A model folder (annotator train -o, or a saved spaCy pipeline)"
        )
        if not folder:
            return
        item = QListWidgetItem(folder, self.models)
        item.setData(Qt.ItemDataRole.UserRole, ModelChoice(folder=Path(folder)))
        self.models.setCurrentItem(item)
        self.empty.hide()

    def _chosen_changed(self, *_args: object) -> None:
        choice = self.chosen()
        self.delete.setEnabled(choice is not None and choice.key is not None)

    def _delete(self) -> None:
        """Remove the chosen kept model, once the person said yes."""
        choice, item = self.chosen(), self.models.currentItem()
        if choice is None or choice.key is None or item is None:
            return
        shared = models_home(self.project.url, self.project.id) is None
        whose = "every teammate's copy goes too" if shared else "its folder beside the project goes"
        answer = QMessageBox.question(
            self,
            "Delete a kept model",
            f"Delete the model {choice.key}? {whose.capitalize()}; the suggestions it made stay, "
            "and its version number is not used again.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            delete_kept(self.project, choice.key)
        except AnnotatorError as exc:
            self.note.setText(str(exc))
            return
        self.models.takeItem(self.models.row(item))
        self.note.setText(f"Deleted {choice.key}.")
        self.empty.setVisible(self.models.count() == 0)

    def chosen(self) -> ModelChoice | None:
        item = self.models.currentItem()
        choice = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return choice if isinstance(choice, ModelChoice) else None

    def _accept(self) -> None:
        model = self.chosen()
        if model is None:
            self.note.setText("Choose a model first.")
            return
        here = self.here.isChecked() and self.doc_id is not None
        docs = [self.doc_id] if here and self.doc_id is not None else self.project.document_ids()
        if not docs:
            self.note.setText("The project has no documents.")
            return
        self.run = SuggestRun(model, docs, round(self.min_score.value(), 4), self.my_quotes.isChecked())
        self.accept()


def _figures(figures: dict[str, Any] | None) -> str:
    """The held-out figures the model was trained with, for the list's tooltip."""
    if not figures or not figures.get("labels"):
        return "No held-out figures"
    lines = [
        f"{label}: exact F1 {f['exact']['f1']:.2f}, overlap F1 {f['overlap']['f1']:.2f}"
        for label, f in figures["labels"].items()
    ]
    return "Held out in training\n" + "\n".join(lines)
