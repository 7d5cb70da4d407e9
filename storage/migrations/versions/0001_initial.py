"""Initial schema: sources, stories and their links, full-text index, subscriptions, deliveries.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_SQLITE_FTS = [
    """CREATE VIRTUAL TABLE stories_fts USING fts5(
        title, text, content='stories', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER stories_fts_insert AFTER INSERT ON stories BEGIN
        INSERT INTO stories_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END""",
    """CREATE TRIGGER stories_fts_delete AFTER DELETE ON stories BEGIN
        INSERT INTO stories_fts(stories_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
    END""",
    """CREATE TRIGGER stories_fts_update AFTER UPDATE OF title, text ON stories BEGIN
        INSERT INTO stories_fts(stories_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO stories_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END""",
]
_POSTGRES_FTS = [
    """ALTER TABLE stories ADD COLUMN search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(text, '')), 'B')) STORED""",
    "CREATE INDEX ix_stories_search ON stories USING gin (search)",
]


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("url", sa.String(2048), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("etag", sa.String(512)),
        sa.Column("last_modified", sa.String(128)),
        sa.Column("interval_seconds", sa.Integer, nullable=False),
        sa.Column("next_check_at", UTCDateTime, nullable=False, index=True),
        sa.Column("last_fetched_at", UTCDateTime),
        sa.Column("last_success_at", UTCDateTime),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("guid", sa.String(1024), unique=True),
        sa.Column("url_key", sa.String(2048), unique=True),
        sa.Column("url", sa.String(2048)),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("published_at", UTCDateTime, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id", ondelete="SET NULL")),
    )
    op.create_index("ix_stories_published_at", "stories", ["published_at"])
    op.create_table(
        "story_links",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("story_id", sa.Integer, sa.ForeignKey("stories.id", ondelete="CASCADE"), nullable=False),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id", ondelete="CASCADE"), nullable=False),
        sa.Column("url", sa.String(2048)),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("story_id", "source_id", name="uq_story_links_story_source"),
    )
    op.create_index("ix_story_links_story_id", "story_links", ["story_id"])
    op.create_index("ix_story_links_source_id", "story_links", ["source_id"])
    _create_delivery_tables()
    statements = _SQLITE_FTS if op.get_bind().dialect.name == "sqlite" else _POSTGRES_FTS
    for statement in statements:
        op.execute(statement)


def _create_delivery_tables() -> None:
    op.create_table(
        "subscriptions",
        sa.Column("chat_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("at_minute", sa.Integer, nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("topics", sa.String(500), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("next_due_at", UTCDateTime, nullable=False, index=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("chat_id", sa.BigInteger, nullable=False, index=True),
        sa.Column("digest_date", sa.Date, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("claimed_at", UTCDateTime, nullable=False),
        sa.Column("sent_at", UTCDateTime),
        sa.Column("error", sa.Text),
        sa.UniqueConstraint("chat_id", "digest_date", name="uq_deliveries_chat_day"),
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS stories_fts")
    for table in ("deliveries", "subscriptions", "story_links", "stories", "sources"):
        op.drop_table(table)
