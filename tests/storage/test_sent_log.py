"""The sent log: records survive their writer, a live writer's log is left alone, torn lines are skipped."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from storage.sent_log import Sent, SentLog, log_directory

DAY = date(2026, 1, 20)


def replayed(log: SentLog, *, own: bool = True) -> list[Sent]:
    """What a successful replay reads (and then deletes)."""
    with log.replaying(own=own) as records:
        return records


def test_a_dead_writers_records_are_replayed_once_and_its_file_removed(tmp_path: Path) -> None:
    dead = SentLog(tmp_path)
    dead.record(Sent(1, DAY, 1, 2))
    dead.record(Sent(1, DAY, 2, 2))
    dead.close()  # what the kernel does for a killed process: the lock goes, the file stays
    heir = SentLog(tmp_path)
    assert replayed(heir, own=False) == [Sent(1, DAY, 1, 2), Sent(1, DAY, 2, 2)]
    assert not dead.path.exists() and replayed(heir) == []


def test_a_live_writers_log_is_not_touched(tmp_path: Path) -> None:
    live = SentLog(tmp_path)
    live.record(Sent(2, DAY, 1, 1))
    other = SentLog(tmp_path)
    assert replayed(other) == []
    assert replayed(live, own=False) == [], "its own log only when no send of it is under way"
    assert replayed(live) == [Sent(2, DAY, 1, 1)], "a writer replays its own records (a commit may have failed)"
    assert replayed(live) == [] and live.path.exists()


def test_a_failed_replay_keeps_the_logs_and_releases_them(tmp_path: Path) -> None:
    dead = SentLog(tmp_path)
    dead.record(Sent(3, DAY, 1, 1))
    dead.close()
    heir = SentLog(tmp_path)
    with pytest.raises(ConnectionError), heir.replaying(own=True) as records:
        assert records == [Sent(3, DAY, 1, 1)]
        raise ConnectionError("database restarting")
    assert dead.path.exists()
    assert replayed(SentLog(tmp_path)) == [Sent(3, DAY, 1, 1)], "not left locked by the failed attempt"


def test_a_log_left_before_its_first_record_is_cleaned_up(tmp_path: Path) -> None:
    (tmp_path / "99-dead.new").write_text("")
    assert replayed(SentLog(tmp_path)) == [] and list(tmp_path.iterdir()) == []


def test_a_revoking_line_cancels_the_line_before_it(tmp_path: Path) -> None:
    dead = SentLog(tmp_path)
    dead.record(Sent(1, DAY, 1, 1))
    dead.record(Sent(1, DAY, 1, 1, sent=False))  # the send failed after its request left
    dead.record(Sent(2, DAY, 1, 1, sent=False))
    dead.record(Sent(2, DAY, 1, 1))  # a later attempt went out
    dead.close()
    assert replayed(SentLog(tmp_path)) == [Sent(2, DAY, 1, 1)]


def test_torn_and_foreign_lines_are_skipped(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    lines = ["+ 5 2026-01-20 1 1", "+ 5 2026-01-2", "nonsense", "+ 6 2026-01-20 3 2", "* 8 2026-01-20 1 1",
             "+ 7 2026-01-20 1 1"]
    (tmp_path / "1-dead.log").write_text("\n".join(lines))
    assert replayed(SentLog(tmp_path)) == [Sent(5, DAY, 1, 1), Sent(7, DAY, 1, 1)]
    assert "4 unreadable lines skipped" in caplog.text


def test_an_empty_log_is_deleted_on_close_and_none_is_made_without_records(tmp_path: Path) -> None:
    log = SentLog(tmp_path)
    assert list(tmp_path.iterdir()) == []
    log.record(Sent(3, DAY, 1, 1))
    log.clear()
    log.close()
    assert list(tmp_path.iterdir()) == []


def test_a_failing_disk_is_logged_once_not_raised(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    log = SentLog(tmp_path / "state")
    (tmp_path / "state").rmdir()
    log.record(Sent(4, DAY, 1, 1))
    log.record(Sent(4, DAY, 1, 1, sent=False))
    assert caplog.text.count("relying on the database alone") == 1


@pytest.mark.parametrize(
    ("state_dir", "url", "expected"),
    [
        (None, "sqlite+aiosqlite:///:memory:", None),
        (None, "sqlite+aiosqlite:///{tmp}/bot.db", "{tmp}/bot.db.sent"),
        (None, "postgresql+asyncpg://bot@db/news", None),
        ("{tmp}/state", "sqlite+aiosqlite:///{tmp}/bot.db", "{tmp}/state/sent/"),
        ("{tmp}/state", "postgresql+asyncpg://bot:secret@db/news", "{tmp}/state/sent/"),
    ],
)
def test_logs_are_kept_per_database(tmp_path: Path, state_dir: str | None, url: str, expected: str | None) -> None:
    found = log_directory(Path(state_dir.format(tmp=tmp_path)) if state_dir else None, url.format(tmp=tmp_path))
    if expected is None:
        assert found is None
    else:
        assert found is not None and str(found).startswith(expected.format(tmp=tmp_path))


def test_two_databases_never_share_a_log_directory(tmp_path: Path) -> None:
    first = log_directory(tmp_path, "postgresql+asyncpg://bot@db/news")
    assert first != log_directory(tmp_path, "postgresql+asyncpg://bot@db/other")
    assert first == log_directory(tmp_path, "postgresql+asyncpg://bot@db/news")
