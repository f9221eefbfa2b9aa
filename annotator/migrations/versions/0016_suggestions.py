"""suggestions (rules and models) kept apart from labels, with decisions

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 15:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Reserved: filled in by the branch that owns this revision."""


def downgrade() -> None:
    """Reserved: filled in by the branch that owns this revision."""
