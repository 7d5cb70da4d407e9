"""bench/quality.py states the issue's targets as ratios of our ROUGE to each baseline's."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "quality.py"


def test_summary_ratios_divide_ours_by_each_baseline(capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("bench_quality", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    task = "NeuS group summary R1/R2/RL"
    module.print_ratios([
        (task, "news.summarize_group", 0.4125, 0.1893, 0.2750, ""),
        (task, "TextRank (sumy)", 0.3861, 0.1747, 0.2494, ""),
        ("NeuS groups title (B3/pair/ARI)", "news.group_headlines", 0.72, 0.52, 0.52, ""),
    ])
    lines = [line.split() for line in capsys.readouterr().out.splitlines() if "TextRank" in line]
    assert len(lines) == 1 and lines[0][-3:] == ["1.068x,", "1.084x,", "1.103x"]
