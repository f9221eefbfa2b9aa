"""File ▸ Merge teammate's work…: a teammate's project database or native JSONL export, read and
merged on a worker thread (ui.jobs), then a summary of what was added, removed and left alone.

Whose work to merge is asked between reading and merging; your own name starts unticked, so an
older copy of your work in a teammate's file never overwrites what you did since.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from annotator.records import DocRecord
from annotator.review.merge import MergeSummary, merge, read_source
from ui.file_dialogs import get_open_file_name
from ui.jobs import JobDialog, Progress, start
from ui.project import ProjectContext
from ui.project_steps import push_done
from ui.qt import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)
from ui.waiting import WaitNotice

Chooser = Callable[[list[str]], list[str] | None]


class ChooseAnnotators(QDialog):
    def __init__(self, names: list[str], me: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Merge teammate's work")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Whose annotations should come in from this file?", self))
        self.boxes = []
        for name in names:
            box = QCheckBox(name + (" (you: an older copy of your work)" if name == me else ""), self)
            box.setChecked(name != me)
            box.setProperty("annotator", name)
            layout.addWidget(box)
            self.boxes.append(box)
        note = QLabel(
            "Each ticked annotator's labels in the file's documents come in; labels the file lacks are "
            "removed only when the file is newer and you are that annotator or a reviewer. "
            "Nobody else's labels are touched.",
            self,
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Merge")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def chosen(self) -> list[str]:
        return [str(box.property("annotator")) for box in self.boxes if box.isChecked()]


def ask_source(parent: QWidget) -> Path | None:
    path, _ = get_open_file_name(
        parent,
        "Merge teammate's work",
        "",
        "Teammate's work (*.db *.sqlite *.jsonl);;All files (*)",
    )
    return Path(path) if path else None


def run_merge(
    parent: QWidget,
    project: ProjectContext,
    path: Path,
    report: Callable[[str], None],
    choose: Chooser | None = None,
    on_done: Callable[[MergeSummary], None] | None = None,
) -> JobDialog:
    """Read ``path`` in the background, ask whose work to merge, merge in the background, summarise.

    ``choose`` and ``on_done`` replace the dialogs (tests); by default a tick-box dialog asks and a
    message box shows ``MergeSummary.summary()``.
    """
    jobs: list[JobDialog] = []

    def read(progress: Progress) -> list[DocRecord]:
        progress.stage(f"Reading {path.name}…", 0)
        return read_source(path)

    notice = WaitNotice(report, parent)  # waiting for another process's write: the status bar says so

    def merged(summary: MergeSummary) -> None:
        notice.stop()
        if summary.step is not None:  # Ctrl+Z in the window takes the merge back
            push_done(parent, project, f"Merge {path.name}", summary.step, report)
        report(summary.summary())
        if on_done is not None:
            on_done(summary)
        else:
            QMessageBox.information(parent, "Merge teammate's work", summary.summary().capitalize())

    def have_records(records: Sequence[DocRecord]) -> None:
        names = sorted({s.annotator for r in records for s in r.spans if s.annotator} - {"gold"})
        if not names:
            notice.stop()
            QMessageBox.information(
                parent, "Merge teammate's work", f"{path.name} holds no annotator's spans."
            )
            return
        chosen = choose(names) if choose is not None else _ask(parent, names, project.actor.name)
        if not chosen:
            notice.stop()
            report("Merge cancelled: nothing was changed")
            return

        def work(progress: Progress) -> MergeSummary:
            progress.stage(f"Merging {', '.join(chosen)}…", 0)
            return merge(
                project.store, project.id, records, annotators=chosen, origin=parent, actor=project.actor
            )

        jobs.append(start(parent, "Merging", work, merged, failed))

    def failed(message: str) -> None:
        notice.stop()
        _failed(parent, message)

    dialog = start(parent, "Reading", read, have_records, failed)
    jobs.append(dialog)
    return dialog


def _ask(parent: QWidget, names: list[str], me: str) -> list[str] | None:
    dialog = ChooseAnnotators(names, me, parent)
    return dialog.chosen() if dialog.exec() else None


def _failed(parent: QWidget, message: str) -> None:
    QMessageBox.warning(parent, "Merge teammate's work", message)
