"""bench/fit_summary_units.py on a few made-up events: it fits and prints every constant news._summary_units uses."""

from __future__ import annotations

import importlib.util
import json
import math
import sys
from pathlib import Path
from typing import Any

import pytest

from news._summary_units import UNIT_WEIGHTS

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "fit_summary_units.py"
TOWNS = ["Millbrook", "Eastvale", "Harwick", "Dunmore", "Lindon", "Corby", "Ashford", "Brenton", "Calder", "Fenwick"]


def _script() -> Any:
    spec = importlib.util.spec_from_file_location("fit_summary_units", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _event(index: int, town: str) -> dict[str, Any]:
    reports = [
        f"Storms flooded {town} on Sunday. Hundreds of residents left their homes, officials said.",
        f"Floods hit {town} after {index + 2} days of rain, forcing hundreds of residents from their homes.",
        f"The mayor of {town} asked the state for help after the floods. Schools will stay closed.",
    ]
    summary = f"Floods forced hundreds of residents of {town} from their homes; the mayor asked for state help."
    return {"articles": [{"text": text} for text in reports], "summary": summary, "duplicate_of": None}


def test_the_fit_prints_a_finite_value_for_every_weight(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "neus-allsides"
    folder.mkdir()
    lines = [json.dumps(_event(index, town)) for index, town in enumerate(TOWNS)]
    (folder / "events_dev.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _script().main(["--data", str(tmp_path), "--part", "even"]) == 0
    printed = capsys.readouterr()
    assert "5 events (even)" in printed.err
    values = dict(
        line.strip().rstrip(",").replace('"', "").split(": ")
        for line in printed.out.splitlines()
        if line.startswith("    ")
    )
    assert set(values) == set(UNIT_WEIGHTS)
    assert all(math.isfinite(float(value)) for value in values.values())
    assert math.isfinite(float(printed.out.split("UNIT_BIAS = ")[1].split()[0]))
