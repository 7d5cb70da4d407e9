"""A small run of bench/fanout.py: the real workers against the flood-limited Bot API stand-in."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "fanout.py"


def test_fanout_smoke_delivers_every_digest_once() -> None:
    run = subprocess.run(
        [sys.executable, str(BENCH), "--chats", "40", "--variants", "sqlite,postgres-2", "--lease", "2"],
        capture_output=True, text=True, timeout=240, check=False,
    )
    lines = [line.split() for line in run.stdout.splitlines() if line.startswith(("sqlite", "postgres"))]
    rows = {cells[0]: cells for cells in lines}
    assert set(rows) == {"sqlite", "postgres-2"}, run.stdout + run.stderr
    for name, cells in rows.items():
        sent, expected, dups, losses = int(cells[1]), int(cells[2]), int(cells[6]), int(cells[7])
        assert (sent, dups, losses) == (expected, 0, 0), f"{name}: {cells}"
