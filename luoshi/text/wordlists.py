"""The engine's word lists: commented data files under ``luoshi/text/data``."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

DATA = Path(__file__).parent / "data"


def read_sections(name: str) -> dict[str, list[str]]:
    """Read ``data/<name>``: one entry a line, ``#`` comments, optional ``[section]`` headers.

    Entries before the first header are under the section ``""``."""
    sections: dict[str, list[str]] = {"": []}
    current = ""
    for raw in (DATA / name).read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip()
            sections.setdefault(current, [])
            continue
        sections.setdefault(current, []).append(line)
    return sections


def longest_first(words: Iterable[str]) -> tuple[str, ...]:
    """Distinct words, longest first (so a scan prefers 个百分点 to 个)."""
    return tuple(sorted(dict.fromkeys(words), key=len, reverse=True))
