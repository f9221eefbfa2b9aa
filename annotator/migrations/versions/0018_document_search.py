"""full-text search over documents (placeholder: filled by the scale work)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 18:15:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
