"""SQLAlchemy 2 table models; repositories turn rows into news dataclasses."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC and always returns them aware, on SQLite too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use aware UTC datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        stamp: datetime = value
        return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of every table."""


class SourceRow(Base):
    """A polled feed or file."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    etag: Mapped[str | None] = mapped_column(String(512))
    last_modified: Mapped[str | None] = mapped_column(String(128))
    interval_seconds: Mapped[int] = mapped_column(Integer, default=900)
    next_check_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    last_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    paused: Mapped[bool] = mapped_column(default=False)
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_warning: Mapped[str | None] = mapped_column(Text)
    fulltext: Mapped[bool] = mapped_column(default=False)
    alerted: Mapped[bool] = mapped_column(default=False)


class StoryRow(Base):
    """A story stored once, whatever number of feeds carried it."""

    __tablename__ = "stories"
    __table_args__ = (
        Index("ix_stories_published_at", "published_at"),
        Index("ix_stories_title_key", "title_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guid: Mapped[str | None] = mapped_column(String(1024), unique=True)
    url_key: Mapped[str | None] = mapped_column(String(2048), unique=True)
    url: Mapped[str | None] = mapped_column(String(2048))
    title_key: Mapped[str | None] = mapped_column(String(300))
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"))


class StoryLinkRow(Base):
    """One source's copy of a story: the link a brief shows."""

    __tablename__ = "story_links"
    __table_args__ = (UniqueConstraint("story_id", "source_id", name="uq_story_links_story_source"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    url: Mapped[str | None] = mapped_column(String(2048))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SubscriptionRow(Base):
    """A chat's daily digest setting; next_due_at says when the ticker should send it."""

    __tablename__ = "subscriptions"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at_minute: Mapped[int] = mapped_column(Integer)
    timezone: Mapped[str] = mapped_column(String(64))
    topics: Mapped[str] = mapped_column(String(500), default="")
    active: Mapped[bool] = mapped_column(default=True)
    next_due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DeliveryRow(Base):
    """A digest for (chat, local day): claimed, then sent or failed, never twice."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("chat_id", "digest_date", name="uq_deliveries_chat_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    digest_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(Text)
    parts_sent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    worker: Mapped[str | None] = mapped_column(String(64))
