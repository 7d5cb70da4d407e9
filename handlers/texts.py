"""Fixed texts: help, usage lines, refusals."""

from __future__ import annotations

from html import escape

from news.query import USAGE as SEARCH_USAGE
from news.query import SearchQuery
from news.schedule import TIME_FORM, ZONE_FORM

WELCOME = (
    "👋 <b>Hello! I am newsbot.</b>\n"
    "I read news feeds and tell you the day's stories, each told once with every source that covered it.\n\n"
    "Try /brief for today's top stories, /search &lt;words&gt; to find a story, "
    "or /subscribe to get a daily digest. /help lists everything."
)
USER_COMMANDS: list[tuple[str, str, str]] = [
    ("start", "", "Introduction"),
    ("help", "", "What I can do"),
    ("brief", "[topic]", "Today's top stories, or those about a topic"),
    ("search", "<query>", "Search every stored story"),
    ("subscribe", "[HH:MM] [time zone] [topics]", "Daily digest at your time"),
    ("unsubscribe", "", "Stop the daily digest"),
    ("digest", "", "Today's digest now, as a preview"),
    ("sources", "[page]", "The feeds I read, with their health"),
]
ADMIN_COMMANDS: list[tuple[str, str, str]] = [
    ("addsource", "<url> [name]", "Add a feed or a page that links one (fetched once first)"),
    ("removesource", "<id>", "Remove a feed (its stories stay)"),
    ("pausesource", "<id>", "Stop polling a feed"),
    ("resumesource", "<id>", "Poll a paused feed again"),
    ("setinterval", "<id> <interval>", "How often to poll a feed, e.g. 30m, 2h, 1h30m, 1d"),
    ("fulltext", "<id> on|off", "Fetch full articles for a teaser-only feed"),
    ("refresh", "", "Poll every feed now"),
    ("export", "", "The feed list as an OPML file (send me an .opml file to import one)"),
    ("stats", "", "Sources by health, stories per day, subscribers, digests"),
]
# Admin forms of user commands: in /help only, since the command menu lists each command once.
ADMIN_FORMS: list[tuple[str, str, str]] = [
    ("subscribe", "@channel [HH:MM] [time zone] [topics]", "Daily digest for a channel or group (@name or -100… id)"),
    ("unsubscribe", "@channel", "Stop a channel's or group's daily digest"),
]
USAGE = {name: f"/{name} {args}".strip() for name, args, _ in USER_COMMANDS + ADMIN_COMMANDS}
USAGE["search"] = SEARCH_USAGE
USAGE["subscribe"] = (
    f"/subscribe [HH:MM] [time zone] [topics] - time as {TIME_FORM}; zone as {ZONE_FORM}. "
    "Example: /subscribe 07:30 Europe/Kyiv greenland \"climate change\". "
    "Quote a topic to keep its words together, or to keep a word like \"japan\" a topic rather than a zone"
)
NOT_ADMIN = "Sorry, only the bot's admins can do that. Nothing was changed."
NOT_CHAT_ADMIN = "Sorry, in a group only its administrators can change its daily digest. Nothing was changed."
UNKNOWN_COMMAND = "I don't know {command}. /help lists what I can do."
REFRESHING = "⏳ Refreshing every source; the report follows when they are all read."
IMPORTING = "⏳ Reading the OPML file and fetching its feeds; the report follows."
FAILURE = "Sorry, something went wrong on my side. The admins have the details in the log; please try again later."


def help_text(is_admin: bool) -> str:
    """The /help reply: every command with its arguments and purpose."""
    lines = ["<b>What I can do</b>"]
    lines += [_command_line(name, args, about) for name, args, about in USER_COMMANDS]
    if is_admin:
        lines += ["", "<b>Admin commands</b>"]
        lines += [_command_line(name, args, about) for name, args, about in ADMIN_COMMANDS + ADMIN_FORMS]
    lines += ["", "Search tips: " + escape(SEARCH_USAGE)]
    return "\n".join(lines)


def _command_line(name: str, args: str, about: str) -> str:
    shown = f" {args}" if args else ""
    return f"/{name}{escape(shown)} - {escape(about)}"


def usage(name: str) -> str:
    """A command's usage line, HTML-escaped."""
    return "Usage: " + escape(USAGE[name])


def search_refusal(query: SearchQuery) -> str:
    """The reply to a search that cannot run: what it lacks (a word), or the usage line, HTML-escaped."""
    return escape(query.refusal()) if query.needs_word else usage("search")
