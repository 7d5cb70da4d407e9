"""A small run of bench/fanout.py: the real workers against the flood-limited Bot API stand-in."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

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


def _fanout_module() -> Any:
    """bench/fanout.py imported as a module (it is a script, not a package)."""
    spec = importlib.util.spec_from_file_location("fanout_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_the_sustained_rate_leaves_out_idle_gaps_and_the_restart_after_a_kill() -> None:
    fanout = _fanout_module()
    people = fanout.Population(chats=[1, 2, 3, 4, 5], blocked=set(), migrations={})
    server = fanout.FloodApi(set(), {})
    for chat, moment in zip(people.chats, [100.0, 100.1, 101.5, 101.6, 110.0], strict=True):
        server.ledger.accepted[(chat, "digest")] += 1
        server.ledger.times.append(moment)
    # gaps 0.1 (sending), 1.4 (spans the kill at 100.5: the restart), 0.1 (sending), 8.4 (idle)
    result = fanout.score("sqlite-kill", server, people, 1, 1024, killed=100.5)
    assert result.sustained == pytest.approx(2 / 0.2)
    assert (result.duplicates, result.losses) == (0, 0)
    kept = fanout.score("sqlite", server, people, 1, 1024, killed=0.0)
    assert kept.sustained == pytest.approx(3 / 1.6), "without a kill the 1.4 s gap is sending time"


def test_the_kill_exposure_is_measured_from_accept_to_log_line(tmp_path: Path) -> None:
    fanout = _fanout_module()
    (tmp_path / "times-1.txt").write_text("7 1 100.0005\n7 2 100.4990\n8 1 50.0\n")
    seen = {(7, "part one"): [100.0], (7, "part two"): [100.5]}
    assert fanout.log_windows(tmp_path, seen) == pytest.approx([-1.0, 0.5])
