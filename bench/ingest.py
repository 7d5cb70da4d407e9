"""Ingestion throughput: the whole pipeline (read, parse, dedup, store, index) against plain feedparser.parse.

Usage: python bench/ingest.py [FEEDS] [ITEMS] [ROUNDS]   (default: 300 feeds of 30 items, 3 rounds)

Both run in this process on the same bytes: the baseline is `feedparser.parse(data)` with its defaults for every
file; the pipeline is `SourceService.ingest(directory)` into a fresh SQLite database (FTS5 index included).
Target: the pipeline at least half as fast as parsing alone.
"""

from __future__ import annotations

import asyncio
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

import feedparser

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from services.fetch import Fetcher  # noqa: E402
from services.sources import SourceService  # noqa: E402
from storage.db import Database  # noqa: E402

NOW = datetime(2026, 1, 20, 18, 0, tzinfo=UTC)
WORDS = (  # noqa: SIM905
    "government minister said talks border election vote council market prices energy storm coast city police "
    "report court ruling league season club transfer hospital health study university research climate water "
    "bridge railway airport strike union wages budget tax inflation bank rates exports harvest farmers drought"
).split()
SHARED_STORIES = 400
SHARE = 0.2


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(10, 22))]
    return " ".join(words).capitalize() + "."


def _item(rng: random.Random, feed: int, index: int) -> dict[str, str]:
    if rng.random() < SHARE:
        story = rng.randrange(SHARED_STORIES)
        rng_story = random.Random(story)
        title = " ".join(rng_story.choice(WORDS) for _ in range(9)).capitalize()
        url = f"https://wire.example/{story}?utm_source=feed{feed}&utm_medium=rss"
        when = NOW - timedelta(minutes=7 * story)
    else:
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 12))).capitalize()
        url = f"https://site{feed}.example/news/{index}-{rng.getrandbits(32):x}"
        when = NOW - timedelta(minutes=rng.randint(0, 4000))
    paragraphs = "".join(f"<p>{_sentence(rng)} {_sentence(rng)} {_sentence(rng)}</p>" for _ in range(rng.randint(3, 8)))
    return {"title": title, "url": url, "when": format_datetime(when), "html": paragraphs, "teaser": _sentence(rng)}


def _rss(rng: random.Random, feed: int, items: int) -> str:
    entries = []
    for index in range(items):
        item = _item(rng, feed, index)
        entries.append(
            f"<item><title>{escape(item['title'])}</title><link>{escape(item['url'])}</link>"
            f"<guid isPermaLink=\"true\">{escape(item['url'])}</guid><pubDate>{item['when']}</pubDate>"
            f"<description>{escape(item['teaser'])}</description>"
            f"<content:encoded><![CDATA[{item['html']}]]></content:encoded>"
            f"<category>World</category><dc:creator>Desk {feed}</dc:creator></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/'
        'content/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>Site {feed}</title><link>https://site{feed}.example/</link><description>News</description>"
        + "".join(entries) + "</channel></rss>\n"
    )


def _atom(rng: random.Random, feed: int, items: int) -> str:
    entries = []
    for index in range(items):
        item = _item(rng, feed, index)
        stamp = datetime.strptime(item["when"], "%a, %d %b %Y %H:%M:%S %z").isoformat()
        entries.append(
            f"<entry><title>{escape(item['title'])}</title><link href=\"{escape(item['url'])}\"/>"
            f"<id>tag:site{feed}.example,2026:{index}</id><updated>{stamp}</updated>"
            f"<summary>{escape(item['teaser'])}</summary><content type=\"html\">{escape(item['html'])}</content>"
            f"<author><name>Desk {feed}</name></author></entry>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Site {feed}</title><id>https://site{feed}.example/</id><updated>{NOW.isoformat()}</updated>"
        + "".join(entries) + "</feed>\n"
    )


def write_corpus(directory: Path, feeds: int, items: int) -> list[Path]:
    """Write the feed files (three RSS 2.0 for one Atom 1.0), deterministic."""
    rng = random.Random(20260120)
    paths = []
    for feed in range(feeds):
        atom = feed % 4 == 3
        path = directory / f"site-{feed:03d}.{'atom' if atom else 'rss'}"
        path.write_text(_atom(rng, feed, items) if atom else _rss(rng, feed, items), encoding="utf-8")
        paths.append(path)
    return paths


def baseline(blobs: list[bytes]) -> tuple[float, int]:
    """Seconds and entries of plain feedparser.parse over every file's bytes."""
    start = time.perf_counter()
    entries = sum(len(feedparser.parse(blob).entries) for blob in blobs)
    return time.perf_counter() - start, entries


async def pipeline(directory: Path, database: Path) -> tuple[float, int, int]:
    """Seconds, entries handled and new stories of SourceService.ingest over the directory."""
    db = Database(f"sqlite+aiosqlite:///{database}")
    await db.upgrade()
    fetcher = Fetcher()
    service = SourceService(db, fetcher, lambda: NOW)
    start = time.perf_counter()
    results = await service.ingest(str(directory))
    seconds = time.perf_counter() - start
    await fetcher.close()
    await db.dispose()
    errors = [result.error for result in results if result.error]
    if errors:
        raise SystemExit(f"pipeline errors: {errors[:3]}")
    return seconds, sum(r.new + r.duplicates for r in results), sum(r.new for r in results)


def main() -> None:
    """Write the corpus, run both in alternation (the machine is noisy), print the figures."""
    feeds = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    items = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    parse_times, pipe_times = [], []
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "feeds"
        directory.mkdir()
        paths = write_corpus(directory, feeds, items)
        blobs = [path.read_bytes() for path in paths]
        size = sum(map(len, blobs))
        print(f"corpus: {feeds} feed files, {size / 1e6:.1f} MB, {size // feeds // 1024} KiB each on average; "
              f"{rounds} alternating rounds, best of each reported")
        for round_ in range(rounds):
            parse_s, parsed = baseline(blobs)
            pipe_s, handled, new = asyncio.run(pipeline(directory, Path(tmp) / f"bench-{round_}.db"))
            parse_times.append(parse_s)
            pipe_times.append(pipe_s)
            print(f"  round {round_ + 1}: parse {parse_s:.2f} s, pipeline {pipe_s:.2f} s, "
                  f"ratio {(handled / pipe_s) / (parsed / parse_s):.2f}x")
    parse_rate, pipe_rate = parsed / min(parse_times), handled / min(pipe_times)
    print(f"feedparser.parse alone : {parsed:6d} stories in {min(parse_times):6.2f} s = {parse_rate:8.0f} stories/s")
    print(f"newsbot pipeline       : {handled:6d} stories in {min(pipe_times):6.2f} s = {pipe_rate:8.0f} stories/s"
          f"  ({new} stored, {handled - new} recognised as duplicates)")
    ratio = pipe_rate / parse_rate
    verdict = "meets" if ratio >= 0.5 else "MISSES"
    print(f"pipeline / parse-only  : {ratio:.2f}x ({verdict} the target of at least 0.50x)")


if __name__ == "__main__":
    main()
