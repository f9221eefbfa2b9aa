"""Every file dialog of the app: Qt's own widget dialog with an icon provider that reads names only.

Qt's file dialogs fill their Type column and icons from ``QMimeDatabase``, which opens and reads
files it cannot tell by name, such as ``project.db-wal``. Opening and closing the project's
database files inside the app drops every lock SQLite holds on them (see
``annotator.sqlite_guard``), and another process then deletes the WAL this one writes to. So the
dialogs here never look inside a file: a type comes from its extension, an icon from whether it is
a folder. Native dialogs are not used: they belong to the platform and may read the files (a GTK
or portal dialog also runs its thumbnailers in this process).

The functions take and return what ``QFileDialog``'s static functions do.
"""

from __future__ import annotations

from ui.qt import (
    QAbstractFileIconProvider,
    QDialog,
    QFileDialog,
    QFileIconProvider,
    QFileInfo,
    QIcon,
    QWidget,
)

IconType = QAbstractFileIconProvider.IconType


class NameOnlyIconProvider(QAbstractFileIconProvider):
    """Icons and types from names and ``stat`` only: nothing is ever opened.

    Qt calls it from the dialog's file-information thread, so it only copies icons made up front.
    """

    def __init__(self) -> None:
        super().__init__()
        self._theme = QFileIconProvider()  # its icon(IconType) looks up theme names, never files
        self._file = self._theme.icon(IconType.File)
        self._folder = self._theme.icon(IconType.Folder)

    def icon(self, what: object) -> QIcon:
        if isinstance(what, QFileInfo):
            return self._folder if what.isDir() else self._file
        assert isinstance(what, IconType)
        return self._theme.icon(what)

    def type(self, info: QFileInfo) -> str:
        if info.isDir():
            return "Folder"
        suffix = info.suffix()
        return f"{suffix.upper()} file" if suffix else "File"


_PROVIDER: list[NameOnlyIconProvider] = []


def provider() -> NameOnlyIconProvider:
    """One provider for the app (dialogs do not own it; it outlives them)."""
    if not _PROVIDER:
        _PROVIDER.append(NameOnlyIconProvider())
    return _PROVIDER[0]


def file_dialog(
    parent: QWidget | None, caption: str, directory: str, name_filter: str, mode: QFileDialog.FileMode
) -> QFileDialog:
    """A dialog that cannot open the files it lists (see the module's docstring)."""
    dialog = QFileDialog(parent, caption, directory, name_filter)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setIconProvider(provider())
    dialog.setFileMode(mode)
    return dialog


def _run(dialog: QFileDialog) -> tuple[list[str], str]:
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return [], ""
        return dialog.selectedFiles(), dialog.selectedNameFilter()
    finally:
        dialog.deleteLater()


def get_open_file_name(
    parent: QWidget | None, caption: str = "", directory: str = "", name_filter: str = ""
) -> tuple[str, str]:
    files, chosen = _run(
        file_dialog(parent, caption, directory, name_filter, QFileDialog.FileMode.ExistingFile)
    )
    return (files[0], chosen) if files else ("", "")


def get_open_file_names(
    parent: QWidget | None, caption: str = "", directory: str = "", name_filter: str = ""
) -> tuple[list[str], str]:
    return _run(file_dialog(parent, caption, directory, name_filter, QFileDialog.FileMode.ExistingFiles))


def get_save_file_name(
    parent: QWidget | None, caption: str = "", directory: str = "", name_filter: str = ""
) -> tuple[str, str]:
    dialog = file_dialog(parent, caption, directory, name_filter, QFileDialog.FileMode.AnyFile)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    files, chosen = _run(dialog)
    return (files[0], chosen) if files else ("", "")


def get_existing_directory(parent: QWidget | None, caption: str = "", directory: str = "") -> str:
    dialog = file_dialog(parent, caption, directory, "", QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly)
    files, _chosen = _run(dialog)
    return files[0] if files else ""
