"""Suggest ▸ Train an extractor…: train from a layer on the worker thread, then show the
held-out figures as a table and a chart.

The training itself is the core's (``annotator.learn``, as ``annotator train`` runs it); the
dialog only collects the choices, shows progress with Cancel, and the outcome.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from annotator.errors import Cancelled
from annotator.learn.kept import models_home, train_for_project
from annotator.learn.train import TrainResult, describe
from ui import jobs
from ui.file_dialogs import get_existing_directory
from ui.project import ProjectContext
from ui.qt import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from ui.review.chart import BarChart


class _Stop:
    """The core's cancel flag, read from the job's progress (which raises once Cancel was pressed)."""

    def __init__(self, progress: jobs.Progress) -> None:
        self.progress = progress

    def is_set(self) -> bool:
        try:
            self.progress(0)
        except Cancelled:
            return True
        return False


class TrainDialog(QDialog):
    def __init__(
        self,
        project: ProjectContext,
        parent: QWidget | None = None,
        suggest: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.project = project
        self._suggest = suggest  # opens Suggest with a model… on the model just trained
        self.setWindowTitle("Train an extractor")
        self.setMinimumWidth(560)
        form = QFormLayout()
        self.layer = QComboBox(self)
        self.layer.addItems(
            ["gold", "majority", "all", *(f"annotator:{n}" for n in sorted(project.people.values()))]
        )
        self.layer.setToolTip("Whose labels to learn from: gold takes adjudicated documents only")
        form.addRow("&Layer", self.layer)
        boxes = QHBoxLayout()
        self.labels: dict[str, QCheckBox] = {}
        for row in project.labels:
            box = QCheckBox(row.name, self)
            box.setChecked(True)
            self.labels[row.name] = box
            boxes.addWidget(box)
        form.addRow("Labels", boxes)
        self.name = QLineEdit("quotes", self)
        form.addRow("&Name", self.name)
        self.minutes = QDoubleSpinBox(self)
        self.minutes.setRange(0.1, 120)
        self.minutes.setValue(10)
        self.minutes.setSuffix(" min")
        form.addRow("Time &budget", self.minutes)
        self.seed = QSpinBox(self)
        self.seed.setRange(0, 1_000_000)
        form.addRow("Held-out &seed", self.seed)
        self.parser = QLineEdit(self)
        self.parser.setPlaceholderText("none (an installed spaCy pipeline with a parser: name or folder)")
        self.parser.setToolTip(
            "Sources are found along the parser's dependency trees; the model needs the parser to suggest"
        )
        choose = QPushButton("Choose…", self)
        choose.clicked.connect(self._choose_parser)
        parser_row = QHBoxLayout()
        parser_row.addWidget(self.parser, 1)
        parser_row.addWidget(choose)
        parser_label = QLabel("&Parser", self)
        parser_label.setBuddy(self.parser)  # a row of a layout gets no buddy of its own
        form.addRow(parser_label, parser_row)
        self.rejections = QCheckBox("Learn from &rejected suggestions", self)
        self.rejections.setChecked(True)
        self.rejections.setToolTip(
            "Where the layer's people rejected suggestions in documents they left unlabelled, the model "
            "learns that nothing is there; a rejected speaker link teaches 'not this speaker'"
        )
        form.addRow("", self.rejections)
        home = models_home(project.url, project.id)
        where = f"Kept in {home}" if home else "Kept in the project's database: every teammate finds it"
        self.where = QLabel(where, self)
        self.where.setWordWrap(True)
        self.result = QLabel("", self)
        self.result.setObjectName("figures")
        self.result.setWordWrap(True)
        self.chart = BarChart(self)
        self.chart.hide()
        self.train_button = QPushButton("&Train", self)
        self.train_button.clicked.connect(lambda: self.start())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.addButton(self.train_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.suggest_button = QPushButton("Suggest &with it…", self)
        self.suggest_button.setToolTip("Suggest labels with the model just trained")
        self.suggest_button.clicked.connect(self._suggest_with_it)
        buttons.addButton(self.suggest_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.suggest_button.hide()  # after addButton, which shows it: nothing to suggest with yet
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.where)
        layout.addWidget(self.result)
        layout.addWidget(self.chart)
        layout.addWidget(buttons)
        self.job: jobs.JobDialog | None = None
        self.outcome: TrainResult | None = None

    def _choose_parser(self) -> None:
        folder = get_existing_directory(self, "A spaCy pipeline with a dependency parser")
        if folder:
            self.parser.setText(folder)

    def chosen_labels(self) -> list[str]:
        return [name for name, box in self.labels.items() if box.isChecked()]

    def start(self, out: Path | None = None) -> None:
        labels, layer, name = self.chosen_labels(), self.layer.currentText(), self.name.text().strip()
        minutes, seed, parser = self.minutes.value(), self.seed.value(), self.parser.text().strip() or None
        rejections = self.rejections.isChecked()
        if not labels:
            self.result.setText("Choose at least one label.")
            return
        self.train_button.setEnabled(False)
        self.result.setText("Training…")

        def work(progress: jobs.Progress) -> TrainResult:
            return train_for_project(
                self.project,
                layer=layer,
                labels=labels,
                name=name,
                max_minutes=minutes,
                seed=seed,
                out=out,
                progress=lambda text: progress.stage(text, 0),
                cancel=_Stop(progress),
                parser=parser,
                learn_rejections=rejections,
            )

        self.job = jobs.start(self, "Training…", work, self._done, self._failed)

    def _key(self) -> str:
        """The model just trained as it is kept with the project: ``NAME@VERSION``."""
        assert self.outcome is not None
        meta = json.loads((self.outcome.folder / "model.json").read_text(encoding="utf-8"))
        return f"{meta['name']}@{meta['version']}"

    def _suggest_with_it(self) -> None:
        if self.outcome is not None and self._suggest is not None:
            self._suggest(self._key())
            self.accept()

    def _failed(self, message: str) -> None:
        self.train_button.setEnabled(True)
        self.result.setText(message)

    def _done(self, outcome: TrainResult) -> None:
        self.train_button.setEnabled(True)
        self.outcome = outcome
        self.suggest_button.setVisible(self._suggest is not None)
        figures = outcome.figures
        rows = "".join(
            f"<tr><td>{label}</td><td>{f['gold']}</td><td>{f['exact']['f1']:.2f}</td><td>{f['overlap']['f1']:.2f}</td></tr>"
            for label, f in figures["labels"].items()
        )
        speaker = figures["speaker"]["gold_spans"]["accuracy"]
        said = "n/a" if speaker is None else f"{speaker:.2f}"
        self.result.setText(
            f"Trained in {outcome.seconds:.0f} s on {outcome.train_docs} documents, scored on "
            f"{outcome.test_docs} held out. Kept with the project as {self._key()}"
            f"{'' if models_home(self.project.url, self.project.id) is None else f' ({outcome.folder})'}.<br>"
            f"<table><tr><th>label</th><th>held out</th><th>exact F1</th><th>overlap F1</th></tr>{rows}</table>"
            f"Speaker accuracy: {said}"
            + (
                f"<br>Learnt from rejected suggestions: {describe(outcome.rejections)}"
                if outcome.rejections
                else ""
            )
            + (
                f"<br>Sources of the held-out quotes, exact F1: {figures['given_contents']['f1']:.2f}"
                if "given_contents" in figures
                else ""
            )
        )
        groups = list(figures["labels"])
        values = {(g, "exact F1"): figures["labels"][g]["exact"]["f1"] for g in groups}
        values.update({(g, "overlap F1"): figures["labels"][g]["overlap"]["f1"] for g in groups})
        self.chart.set_data(groups, ["exact F1", "overlap F1"], values)
        self.chart.show()


def train_model(
    parent: QWidget,
    project: ProjectContext | None,
    report: Callable[[str], None],
    suggest: Callable[[str], None] | None = None,
) -> TrainDialog | None:
    if project is None:
        report("Open a project first")
        return None
    dialog = TrainDialog(project, parent, suggest)
    dialog.show()
    return dialog
