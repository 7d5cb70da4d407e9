"""A local record of the digest messages sent, written before the database hears of them.

Between a message's request leaving the process and the commit that marks the message sent lie a few
milliseconds; a process killed then would send the message again after a restart. So each process appends a line
for a message the moment a request carrying it has left (one write() to the page cache, which outlives the process
though not the machine), and a revoking line when Telegram refuses that attempt or the send fails; it holds an
exclusive lock on its file while it lives. Before claiming digests, a process replays into the database its own
file (whose commits may have failed) and every file whose lock is free (their writers are gone), then empties them.
A process that dies with a request on its way thus counts that message sent: the request is out, and Telegram
refusing it at that very moment is the one case that loses a digest.
Files are kept per database, in a directory of their own, so replay never touches another bot's data.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.engine import make_url

logger = logging.getLogger(__name__)
_SUFFIX = ".log"
_STARTING = ".new"


@dataclass(frozen=True, slots=True)
class Sent:
    """Message ``parts`` of ``total`` of a chat's digest for ``day`` left for Telegram (``sent``), or failed after
    all (not ``sent``: the line revokes an earlier one)."""

    chat_id: int
    day: date
    parts: int
    total: int
    sent: bool = True

    def line(self) -> bytes:
        """The record as one line of the log."""
        return f"{'+' if self.sent else '-'} {self.chat_id} {self.day.isoformat()} {self.parts} {self.total}\n".encode()

    @classmethod
    def parse(cls, line: str) -> Sent | None:
        """A record from a log line; None for a line that is not one (a torn write, say)."""
        fields = line.split()
        if len(fields) != 5 or fields[0] not in ("+", "-"):
            return None
        try:
            sent = cls(int(fields[1]), date.fromisoformat(fields[2]), int(fields[3]), int(fields[4]), fields[0] == "+")
        except ValueError:
            return None
        return sent if 0 < sent.parts <= sent.total else None

    @property
    def key(self) -> tuple[int, date, int]:
        """Which message of which digest the record is about."""
        return self.chat_id, self.day, self.parts


def log_directory(state_dir: Path | None, database_url: str) -> Path | None:
    """Where the logs of one database live: ``state_dir``/sent/<database's hash>, or without a state directory
    <file>.sent beside a SQLite database; None for an in-memory database (it dies with its process) and for
    another database without a state directory."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database in (None, "", ":memory:"):
            return None
        path = Path(url.database).resolve()
        if state_dir is None:
            return path.with_name(f"{path.name}.sent")
        url = url.set(database=str(path))
    if state_dir is None:
        return None
    key = url.render_as_string(hide_password=True)
    return state_dir / "sent" / hashlib.sha256(key.encode()).hexdigest()[:16]


class SentLog:
    """This process's log file (opened at its first record, locked while it lives), and the replay of every log
    a process left behind."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self.path = directory / f"{os.getpid()}-{secrets.token_hex(4)}{_SUFFIX}"
        self._fd = -1
        self._failing = False

    def record(self, sent: Sent) -> None:
        """Append one record: a single unbuffered write, no await in between. A failing disk is logged (once) and
        otherwise ignored: the commit that follows still records the message."""
        line = sent.line()
        try:
            if self._fd < 0:
                self._fd = self._open()
            if os.write(self._fd, line) < len(line):
                os.write(self._fd, b"\n")  # end the torn line, so the next record stands on its own
                raise OSError(f"short write of {line!r}")
        except OSError as exc:
            if not self._failing:
                logger.warning("sent log %s: %s; relying on the database alone", self.path, exc)
            self._failing = True
        else:
            self._failing = False

    def _open(self) -> int:
        starting = self.path.with_suffix(_STARTING)  # locked before it gets the name replay looks for
        fd = os.open(starting, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        starting.rename(self.path)
        return fd

    @contextlib.contextmanager
    def replaying(self, *, own: bool) -> Iterator[list[Sent]]:
        """The records to replay: the logs of writers that are gone, and with ``own`` this process's log (no send
        of it may be under way). When the block succeeds they are deleted (ours emptied); when it fails, kept."""
        records = _read(self.path) if own and self._fd >= 0 else []
        orphans: list[tuple[Path, int]] = []
        try:
            for path in sorted(self.directory.glob("*.*")):
                if path == self.path or path.suffix not in (_SUFFIX, _STARTING):
                    continue
                fd = _lock_if_free(path)
                if fd is not None:
                    records += _read(path)
                    orphans.append((path, fd))
            if orphans:
                logger.info("sent log: replaying %s, left by stopped processes", ", ".join(p.name for p, _ in orphans))
            yield _standing(records)
            if own:
                self.clear()
            for path, _ in orphans:
                path.unlink(missing_ok=True)
        finally:
            for _, fd in orphans:
                os.close(fd)

    def clear(self) -> None:
        """Empty this process's log: the database has everything in it."""
        if self._fd >= 0:
            os.ftruncate(self._fd, 0)

    def close(self) -> None:
        """Release the file and its lock; an empty log is deleted, one with records is left for replay."""
        if self._fd < 0:
            return
        if os.fstat(self._fd).st_size == 0:
            self.path.unlink(missing_ok=True)
        os.close(self._fd)
        self._fd = -1


def _lock_if_free(path: Path) -> int | None:
    """An open, exclusively locked descriptor of a log nobody holds; None when its writer still lives (or it is
    gone: another process replayed and deleted it meanwhile)."""
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def _standing(records: list[Sent]) -> list[Sent]:
    """The messages still counted as sent once every revoking line has cancelled the line before it."""
    standing: dict[tuple[int, date, int], Sent] = {}
    for record in records:
        if record.sent:
            standing[record.key] = record
        else:
            standing.pop(record.key, None)
    return list(standing.values())


def _read(path: Path) -> list[Sent]:
    """The well-formed records of a log; torn or foreign lines are logged and skipped."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return []
    records = [Sent.parse(line) for line in lines]
    if None in records:
        logger.warning("%s: %d unreadable lines skipped", path, records.count(None))
    return [record for record in records if record is not None]
