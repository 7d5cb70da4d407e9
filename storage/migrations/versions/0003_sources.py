"""Sources: health, pausing, intervals, full text, failure alerts; title keys for dedup (issue 5).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("paused", sa.Boolean, nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("failures", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("last_warning", sa.Text))
        batch.add_column(sa.Column("fulltext", sa.Boolean, nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("alerted", sa.Boolean, nullable=False, server_default=sa.false()))
    op.add_column("stories", sa.Column("title_key", sa.String(300)))
    op.create_index("ix_stories_title_key", "stories", ["title_key"])


def downgrade() -> None:
    op.drop_index("ix_stories_title_key", "stories")
    op.drop_column("stories", "title_key")
    with op.batch_alter_table("sources") as batch:
        for column in ("alerted", "fulltext", "last_warning", "failures", "paused"):
            batch.drop_column(column)
