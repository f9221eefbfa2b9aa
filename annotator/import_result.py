"""What an import did, for its report: documents, spans and relations added or already there,
and what it kept apart or skipped (nothing merges or drops without a line saying so)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields


@dataclass(slots=True)
class ImportResult:
    documents_added: int = 0
    documents_existing: int = 0
    spans_added: int = 0
    spans_existing: int = 0
    relations_added: int = 0
    relations_existing: int = 0
    document_ids: list[int] = field(default_factory=list)
    # Documents not imported because someone deleted them (see ``restore_deleted``).
    documents_deleted: int = 0
    # Labels the file gives to someone else that were imported as the runner's, by name.
    reassigned: dict[str, int] = field(default_factory=dict)
    owners_note: str = ""
    # Records whose text was already there with other labels: imported as documents of their own.
    kept_apart: list[str] = field(default_factory=list)
    # Documents already here that took the file's tokens; records whose tokens differ from the
    # stored ones (kept): see ``annotator.tokens.fill_existing``.
    tokens_added: int = 0
    tokens_kept: list[str] = field(default_factory=list)
    # Registry actors the file named (annotator.actors_carry, annotator.import_extras): added here,
    # spans linked, conflicts; codebook attributes the file used that the project lacked (created).
    actors_added: list[str] = field(default_factory=list)
    actors_linked: int = 0
    actor_conflicts: list[str] = field(default_factory=list)
    attributes_added: list[str] = field(default_factory=list)
    # Names in the file taken as the project's that differ only in case (annotator.import_names).
    names_mapped: list[str] = field(default_factory=list)

    def add(self, other: ImportResult) -> None:
        """Add up the results of several imports (``--skip-bad`` imports file by file)."""
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if isinstance(mine, int):
                setattr(self, f.name, mine + theirs)
            elif isinstance(mine, list):
                mine.extend(theirs)
            elif isinstance(mine, dict):
                for key, count in theirs.items():
                    mine[key] = mine.get(key, 0) + count
            elif theirs and theirs not in mine:
                setattr(self, f.name, mine + theirs)

    def summary(self) -> str:
        return (
            (
                f"{self.documents_added} document(s) added, {self.documents_existing} already present; "
                f"{self.spans_added} span(s) added, {self.spans_existing} already present; "
                f"{self.relations_added} relation(s) added, {self.relations_existing} already present"
            )
            + (
                f"; {self.documents_deleted} document(s) skipped: deleted from the project earlier "
                "(--restore-deleted imports them again)"
                if self.documents_deleted
                else ""
            )
            + (self.owners_note)
            + _listed(
                self.kept_apart,
                "document(s) kept apart: the same text came with other labels, "
                "so it became a document of its own (metadata 'same_text_as')",
            )
            + (
                f"\n{self.tokens_added} document(s) already present took the file's tokens and sentence breaks"
                if self.tokens_added
                else ""
            )
            + _listed(
                self.tokens_kept,
                "document(s) already present have other tokens than the file's; their own were kept",
            )
            + _listed(
                self.names_mapped, "name(s) in the file taken as the project's (they differ only in case)"
            )
            + _listed(self.attributes_added, "attribute(s) the codebook lacked, added")
            + _listed(self.actors_added, "actor(s) added to the registry")
            + (f"\n{self.actors_linked} span(s) linked to their actors" if self.actors_linked else "")
            + _listed(self.actor_conflicts, "actor conflict(s), left as they are here")
        )


def _listed(items: list[str], what: str, shown: int = 20) -> str:
    """A report line "N what:" and the first ``shown`` items, one a line ("" for none)."""
    if not items:
        return ""
    more = f"\n  … and {len(items) - shown} more" if len(items) > shown else ""
    return f"\n{len(items)} {what}:\n  " + "\n  ".join(items[:shown]) + more
