"""project guidelines (reserved; may stay empty)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 15:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Reserved: filled in by the branch that owns this revision."""


def downgrade() -> None:
    """Reserved: filled in by the branch that owns this revision."""
