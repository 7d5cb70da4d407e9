"""Domain errors: every layer translates its failures into these."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from news.query import SearchQuery


class NewsbotError(Exception):
    """Base of every error the bot reports to a user in words."""


class FeedError(NewsbotError):
    """A document that cannot be read as a feed or story file."""


class FetchError(NewsbotError):
    """A source that could not be fetched (network, HTTP status, size, scheme)."""


class SourceExistsError(NewsbotError):
    """A source with the same URL is already registered."""


class SourceNotFoundError(NewsbotError):
    """No source has the given id."""


class InvalidArgument(NewsbotError):
    """A command argument that is not in the expected form."""


class UselessQuery(InvalidArgument):
    """A search query with nothing to look for (no word, or only exclusions and filters); each edge words the
    refusal with its own command from ``query``."""

    def __init__(self, query: SearchQuery) -> None:
        super().__init__(query.refusal())
        self.query = query


class DeliveryError(NewsbotError):
    """A message that could not be delivered; permanent when retrying cannot help (blocked, kicked)."""

    def __init__(self, reason: str, *, permanent: bool = False, migrated_to: int | None = None) -> None:
        super().__init__(reason)
        self.permanent = permanent
        self.migrated_to = migrated_to
