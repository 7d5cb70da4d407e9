"""Delivery: per-message progress, attempts and the worker holding a claim (issue 4).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("parts_sent", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("attempts", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("worker", sa.String(64)))
    op.create_index("ix_deliveries_status_claimed_at", "deliveries", ["status", "claimed_at"])


def downgrade() -> None:
    op.drop_index("ix_deliveries_status_claimed_at", "deliveries")
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("worker")
        batch.drop_column("attempts")
        batch.drop_column("parts_sent")
