"""The actor registry to a CSV file for the app (File dialogs give a path; the app opens no session).

The writer is ``annotator.actors_csv.write_csv`` (the one ``annotator actors export`` uses); this
only opens the short read session around it, as ``annotator.export`` does for the other formats.
"""

from __future__ import annotations

from pathlib import Path

from annotator.actors_csv import write_csv
from annotator.store import Store


def export_registry_csv(store: Store, project_id: int, path: Path) -> int:
    """Write the project's live actors to ``path`` (atomically); returns how many."""
    with store.session() as session:
        return write_csv(session, project_id, Path(path))
