"""Who is at the keyboard: the names nobody may type, and the database login where one exists.

The gold layer belongs to the review operations, not to a person: its name is reserved however it
is spelt (case, spaces, full-width or look-alike letters). On PostgreSQL a person is their database
login (``current_user``); on SQLite a name can only be declared, so the OS account is recorded
beside it.
"""

from __future__ import annotations

import getpass
import unicodedata

from sqlalchemy import text
from sqlalchemy.engine import Connection

GOLD_NAME = "gold"

# Letters that look like Latin ones but that NFKC leaves alone (Cyrillic, Greek, IPA, ...).
_LOOKALIKES = str.maketrans(
    {
        "а": "a", "с": "c", "ԁ": "d", "е": "e", "һ": "h", "і": "i", "ј": "j", "ӏ": "l", "о": "o",
        "р": "p", "ԛ": "q", "ѕ": "s", "ԝ": "w", "х": "x", "у": "y", "ɡ": "g", "ɢ": "g", "ℊ": "g",
        "ο": "o", "α": "a", "ι": "i", "ν": "v", "κ": "k", "ρ": "p", "τ": "t", "χ": "x", "ʟ": "l",
        "ɩ": "i", "ı": "i", "ŀ": "l", "ł": "l", "đ": "d", "ð": "d", "ø": "o", "0": "o", "1": "l",
    }
)  # fmt: skip


def name_key(name: str) -> str:
    """What a name looks like, for comparing names a person could mistake for one another.

    Case, every kind of space, invisible format characters, accents and compatibility forms
    (full-width, mathematical letters) are folded away, and common look-alike letters mapped to
    the Latin ones.
    """
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", name).casefold())
    kept = "".join(
        c for c in folded if not (c.isspace() or unicodedata.category(c) in {"Cf", "Mn", "Me", "Zs", "Cc"})
    )
    return kept.translate(_LOOKALIKES)


def is_reserved(name: str) -> bool:
    """Whether ``name`` is (or looks like) the gold layer's, which no person may use."""
    return name_key(name) == name_key(GOLD_NAME)


def os_user() -> str | None:
    """The operating-system account running this process (recorded beside declared names)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None


def database_login(conn: Connection) -> str | None:
    """The PostgreSQL login a teammate connected as, or None when it speaks for the database.

    A superuser, or a member of the role owning the tables (the admin who runs the migrations),
    bypasses row-level security and acts as the system, like a script on SQLite; so do SQLite
    connections, which have no login.
    """
    if conn.dialect.name != "postgresql":
        return None
    row = conn.execute(
        text(
            "SELECT current_user, r.rolsuper OR pg_has_role(current_user, t.tableowner, 'MEMBER') "
            "FROM pg_roles r LEFT JOIN pg_tables t "
            "ON t.tablename = 'annotation' AND t.schemaname = current_schema() "
            "WHERE r.rolname = current_user"
        )
    ).first()
    if row is None or row[1]:
        return None
    return str(row[0])
