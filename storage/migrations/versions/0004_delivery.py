"""Delivery: channels, leases, migrations of chats (issue 4).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    del bind


def downgrade() -> None:
    pass
