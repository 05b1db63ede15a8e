"""docs/architecture.md stays true: every file and folder its map and recipes name exists."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "architecture.md"


def named_paths() -> list[str]:
    tokens = re.findall(r"`([^`\s]+)`", DOC.read_text(encoding="utf-8"))
    return [t for t in tokens if "/" in t and "<" not in t and not t.startswith(("http", "/"))]


def test_every_path_the_architecture_page_names_exists() -> None:
    paths = named_paths()
    assert len(paths) > 40
    missing = [p for p in paths if not (REPO / p).exists()]
    assert missing == []


def test_every_module_of_the_package_is_on_the_map() -> None:
    text = DOC.read_text(encoding="utf-8")
    package = REPO / "include" / "prisonwatch"
    modules = [p for p in package.glob("*.py") if p.name != "__init__.py"]
    unmapped = [p.name for p in modules if f"include/prisonwatch/{p.name}" not in text]
    assert unmapped == []
