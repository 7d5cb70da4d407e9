"""The dependency direction bot -> handlers -> services -> storage -> news, checked on every import."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["bot", "handlers", "services", "storage", "news"]
FORBIDDEN_IN_NEWS = {"telegram", "sqlalchemy", "httpx", "aiohttp", "asyncpg", "aiosqlite", "alembic"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return {name.split(".")[0] for name in names}


def violations(layer: str, modules: set[str]) -> set[str]:
    """Layers a module of `layer` may not import: those above it (and telegram/SQL libraries in news)."""
    index = LAYERS.index(layer)
    bad = {other for other in LAYERS[:index] if other in modules}
    if layer == "news":
        bad |= modules & FORBIDDEN_IN_NEWS
    if layer in ("services", "storage"):
        bad |= modules & {"telegram"}
    if layer == "handlers":
        bad |= modules & {"sqlalchemy", "storage"}
    return bad


@pytest.mark.parametrize("layer", LAYERS)
def test_layer_imports_point_down(layer: str) -> None:
    problems = {
        str(path.relative_to(ROOT)): sorted(bad)
        for path in (ROOT / layer).rglob("*.py")
        if (bad := violations(layer, imported_modules(path)))
    }
    assert problems == {}


@pytest.mark.parametrize(
    ("layer", "source", "expected"),
    [
        ("storage", "from services.briefs import BriefService", {"services"}),
        ("news", "import sqlalchemy", {"sqlalchemy"}),
        ("news", "from telegram import Bot", {"telegram"}),
        ("handlers", "from storage.db import Database", {"storage"}),
        ("services", "from bot.app import build_services", {"bot"}),
        ("bot", "from handlers import commands", set()),
    ],
)
def test_checker_rejects_imports_against_the_direction(
    layer: str, source: str, expected: set[str], tmp_path: Path
) -> None:
    module = tmp_path / "module.py"
    module.write_text(source + "\n", encoding="utf-8")
    assert violations(layer, imported_modules(module)) == expected


def test_news_reads_no_clock() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "news").rglob("*.py")
        if any(call in path.read_text(encoding="utf-8") for call in ("datetime.now(", "time.time(", "date.today("))
    ]
    assert offenders == []
