"""The Export dialog's fields: format, what goes in, training split, format options, output.

A widget of its own so the dialog around it is only about checking and running; ``choices()``
reads the fields as typed and ``show_errors`` puts each problem next to the field to fix.
"""

from __future__ import annotations

from pathlib import Path

from ui import settings
from ui.export_formats import BY_KEY, FORMATS, LAYERS, Choices, follow, output_note, writes_folder
from ui.export_widgets import DESCRIPTION, FormatDelegate, heading, message, note
from ui.file_dialogs import get_existing_directory, get_save_file_name
from ui.qt import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
)

INDENT = 12  # options sit a little right of their heading
SECTION = 12  # space between groups


def _sized(edit: QLineEdit, width: int) -> QLineEdit:
    edit.setFixedWidth(width)
    return edit


class ExportForm(QWidget):
    """Every choice of an export, as fields; the path's ending follows the format and the split."""

    def __init__(self, labels: list[str], annotators: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label_names = labels
        self._shape: tuple[str, bool] = ("", False)  # the format and folder-ness the path follows
        self._build(annotators)

    def _build(self, annotators: list[str]) -> None:
        self.formats = QListWidget(self)
        self.formats.setItemDelegate(FormatDelegate(self.formats))
        self.formats.setFixedWidth(260)
        for info in FORMATS:
            self.formats.addItem(info.title)
            item = self.formats.item(self.formats.count() - 1)
            item.setData(Qt.ItemDataRole.UserRole, info.key)
            item.setData(DESCRIPTION, info.description)
            item.setToolTip(f"{info.title}: {info.description}")
        rows = sum(self.formats.sizeHintForRow(r) for r in range(self.formats.count()))
        self.formats.setMinimumHeight(rows + 2 * self.formats.frameWidth())
        left = QVBoxLayout()
        left.addWidget(heading("&Format", self, self.formats))
        left.addWidget(self.formats, 1)

        right = QVBoxLayout()
        right.setSpacing(6)
        right.addWidget(heading("What goes in", self))
        self.layer = QComboBox(self)
        for key, text in LAYERS:
            self.layer.addItem(text, key)
        self.annotator = QComboBox(self)
        self.annotator.addItems(annotators)
        layer_row = QHBoxLayout()
        layer_row.addWidget(self.layer)
        layer_row.addWidget(self.annotator)
        layer_row.addStretch(1)
        what = QFormLayout()
        what.setContentsMargins(INDENT, 0, 0, 0)
        layer_label = QLabel("&Layer", self)
        layer_label.setBuddy(self.layer)
        what.addRow(layer_label, layer_row)
        self.label_boxes: dict[str, QCheckBox] = {}
        self.renames: dict[str, QLineEdit] = {}
        for name in self.label_names:
            box = QCheckBox(name, self)
            rename = QLineEdit(self)
            rename.setMaximumWidth(240)
            rename.setPlaceholderText(f"export as {name}")
            rename.setToolTip("A new name on the way out; give two labels the same name to merge them.")
            self.label_boxes[name], self.renames[name] = box, rename
            box.toggled.connect(rename.setEnabled)  # a label left out has nothing to rename
            what.addRow(box, rename)
        self.only_done = QCheckBox("Only documents marked &done or adjudicated", self)
        what.addRow(self.only_done)
        self.what_error = message(self)
        what.addRow(self.what_error)
        right.addLayout(what)

        right.addSpacing(SECTION)
        right.addWidget(heading("Training split", self))
        self.split = QCheckBox("&Split by document", self)
        self.ratios = tuple(_sized(QLineEdit(self), 52) for _ in range(3))
        self.seed = _sized(QLineEdit(self), 64)
        ratio_row = QHBoxLayout()
        ratio_row.setContentsMargins(24, 0, 0, 0)  # under the check box's text, which enables it
        for text, edit in zip(("Train", "Dev", "Test"), self.ratios, strict=True):
            ratio_row.addWidget(QLabel(text, self))
            ratio_row.addWidget(edit)
            ratio_row.addSpacing(6)
        ratio_row.addSpacing(10)
        ratio_row.addWidget(QLabel("Seed", self))
        ratio_row.addWidget(self.seed)
        ratio_row.addStretch(1)
        self.ratios[2].setPlaceholderText("none")
        self.sentences = QCheckBox("Sentence-level e&xamples (token formats only)", self)
        self.split_error = message(self)
        split_box = QVBoxLayout()
        split_box.setContentsMargins(INDENT, 0, 0, 0)
        split_box.addWidget(self.split)
        split_box.addLayout(ratio_row)
        split_box.addWidget(self.sentences)
        split_box.addWidget(self.split_error)
        right.addLayout(split_box)

        right.addSpacing(SECTION)
        self.options_heading = heading("Format options", self)
        right.addWidget(self.options_heading)
        self.span_key = _sized(QLineEdit(self), 120)
        self.span_key.setPlaceholderText("as imported, else sc")
        self.language = _sized(QLineEdit(self), 120)
        self.language.setPlaceholderText("the project's")
        self.docs_per_file = _sized(QLineEdit(self), 120)
        self.docs_per_file.setPlaceholderText("all in one file")
        self.docstart = QCheckBox("A -DOCSTART- line before each document", self)
        self.no_options = note(self)
        self.format_form = QFormLayout()
        self.format_form.setContentsMargins(INDENT, 0, 0, 0)
        self.format_form.addRow("Span &key", self.span_key)
        self.format_form.addRow("Lan&guage", self.language)
        self.format_form.addRow("Documents &per file", self.docs_per_file)
        self.format_form.addRow(self.docstart)
        self.format_form.addRow(self.no_options)
        self.format_error = message(self)
        self.format_form.addRow(self.format_error)
        right.addLayout(self.format_form)
        right.addStretch(1)

        columns = QHBoxLayout()
        columns.setSpacing(18)
        columns.addLayout(left)
        columns.addLayout(right, 1)

        self.path = QLineEdit(self)
        self.browse = browse = QPushButton("&Browse…", self)
        browse.setAutoDefault(False)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        self.path_note = note(self)
        self.output_error = message(self)
        out = QFormLayout()
        save_to = QLabel("Save &to", self)
        save_to.setBuddy(self.path)
        out.addRow(save_to, path_row)
        out.addRow("", self.path_note)
        out.addRow("", self.output_error)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addLayout(columns, 1)
        layout.addLayout(out)

        # Tab walks the fields in reading order (the dialog appends its buttons).
        self.tab_chain: list[QWidget] = [self.formats, self.layer, self.annotator]
        for name in self.label_names:
            self.tab_chain += [self.label_boxes[name], self.renames[name]]
        self.tab_chain += [self.only_done, self.split, *self.ratios, self.seed, self.sentences]
        self.tab_chain += [self.span_key, self.language, self.docs_per_file, self.docstart, self.path, browse]

        self.formats.currentRowChanged.connect(self._format_changed)
        self.layer.currentIndexChanged.connect(self._refresh)
        self.split.toggled.connect(self._split_toggled)
        self.docs_per_file.textChanged.connect(self._refresh)
        for edit in self.ratios:
            edit.textChanged.connect(self._refresh)
        browse.clicked.connect(self._browse)

    # --- fields <-> choices ------------------------------------------------------------------

    @property
    def fmt(self) -> str:
        item = self.formats.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else "jsonl"

    def choices(self) -> Choices:
        return Choices(
            fmt=self.fmt,
            path=self.path.text(),
            layer=str(self.layer.currentData()),
            annotator=self.annotator.currentText(),
            labels={name: box.isChecked() for name, box in self.label_boxes.items()},
            rename={name: edit.text() for name, edit in self.renames.items()},
            only_done=self.only_done.isChecked(),
            split=self.split.isChecked(),
            ratios=(self.ratios[0].text(), self.ratios[1].text(), self.ratios[2].text()),
            seed=self.seed.text(),
            sentences=self.sentences.isChecked(),
            span_key=self.span_key.text(),
            language=self.language.text(),
            docstart=self.docstart.isChecked(),
            docs_per_file=self.docs_per_file.text(),
        )

    def set_choices(self, c: Choices) -> None:
        self.path.setText(c.path)
        keys = [info.key for info in FORMATS]
        self.formats.setCurrentRow(keys.index(c.fmt) if c.fmt in keys else 0)
        self.layer.setCurrentIndex(max(0, self.layer.findData(c.layer)))
        self.annotator.setCurrentIndex(max(0, self.annotator.findText(c.annotator)))
        for name, box in self.label_boxes.items():
            box.setChecked(c.labels.get(name, True))
            self.renames[name].setText(c.rename.get(name, ""))
            self.renames[name].setEnabled(box.isChecked())
        self.only_done.setChecked(c.only_done)
        self.split.setChecked(c.split)
        for edit, text in zip(self.ratios, c.ratios, strict=True):
            edit.setText(text)
        self.seed.setText(c.seed)
        self.sentences.setChecked(c.sentences)
        self.span_key.setText(c.span_key)
        self.language.setText(c.language)
        self.docstart.setChecked(c.docstart)
        self.docs_per_file.setText(c.docs_per_file)
        self._format_changed()

    # --- reacting ----------------------------------------------------------------------------

    def folder_output(self) -> bool:
        """Whether the chosen export writes a folder (new, empty, or an earlier export's)."""
        return self._folder()

    def _folder(self) -> bool:
        parts = (
            1 if "docs_per_file" in BY_KEY[self.fmt].options and self.docs_per_file.text().strip() else None
        )
        return writes_folder(self.fmt, split=self.split.isChecked(), docs_per_file=parts)

    def _format_changed(self, *_: object) -> None:
        info = BY_KEY[self.fmt]
        self.options_heading.setText(f"{info.title} options")
        for row, key in enumerate(("span_key", "language", "docs_per_file", "docstart")):
            self.format_form.setRowVisible(row, key in info.options)
        self.no_options.setText(f"{info.title} has no options of its own.")
        self.format_form.setRowVisible(4, not info.options)
        self._refresh()

    def _split_toggled(self, on: bool) -> None:
        self._refresh()
        if on:
            self.ratios[0].setFocus()
            self.ratios[0].selectAll()

    def _refresh(self, *_: object) -> None:
        """Enable what applies, and make the path end as this export will write it."""
        info = BY_KEY[self.fmt]
        self.annotator.setVisible(self.layer.currentData() == "annotator")
        for edit in (*self.ratios, self.seed):
            edit.setEnabled(self.split.isChecked())
        self.sentences.setEnabled(info.tokens)
        folder = self._folder()
        if (self.fmt, folder) != self._shape:  # only then: a name the user typed stays as typed
            self._shape = (self.fmt, folder)
            self.path.setText(follow(self.path.text(), self.fmt, folder))
        ratios = [1.0, 1.0, 1.0 if self.ratios[2].text().strip() else 0.0] if self.split.isChecked() else None
        self.path_note.setText(output_note(self.fmt, folder, ratios))

    def _browse(self) -> None:
        start_at = self.path.text().strip() or settings.get(settings.EXPORT_FOLDER)
        if self._folder():
            chosen = get_existing_directory(self, "Export into folder", start_at)
        else:
            info, suffix = BY_KEY[self.fmt], Path(follow("x", self.fmt, False)).suffix
            pattern = f"{info.title} (*{suffix});;All files (*)"
            chosen, _ = get_save_file_name(self, "Export to", start_at, pattern)
        if chosen:
            self.path.setText(follow(chosen, self.fmt, self._folder()))

    # --- messages ----------------------------------------------------------------------------

    def show_errors(self, errors: dict[str, str]) -> None:
        """Each message under its group (the others hidden); focus goes to the first field to fix."""
        where = {
            "labels": self.what_error,
            "layer": self.what_error,
            "split": self.split_error,
            "format": self.format_error,
            "output": self.output_error,
        }
        texts: dict[QLabel, list[str]] = {label: [] for label in where.values()}
        for key, text in errors.items():
            if key in where:
                texts[where[key]].append(text)
        for label, lines in texts.items():
            label.setText("\n".join(lines))
            label.setVisible(bool(lines))
        focus = {
            "labels": next(iter(self.label_boxes.values()), None),
            "layer": self.annotator,
            "split": self.ratios[0],
            "format": self.docs_per_file if self.docs_per_file.isVisible() else self.span_key,
            "output": self.path,
        }
        first = next((focus[key] for key in focus if key in errors), None)
        if first is not None:
            first.setFocus()
