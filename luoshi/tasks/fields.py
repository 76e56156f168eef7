"""How the ledger writes lists in one text cell: tags and unit names, in forms and in the spreadsheet."""

from __future__ import annotations

import re

# Tags may contain 顿号 (programme names such as “留得住、用得好”), so only commas, semicolons and new
# lines separate tags; unit names never contain punctuation, so 顿号 and / separate units too.
TAG_SPLIT = re.compile(r"[,，;；\n]+")
UNIT_SPLIT = re.compile(r"[,，、;；/\s]+")
TAG_JOIN = "；"


def split_tags(value: str) -> list[str]:
    return list(dict.fromkeys(t.strip() for t in TAG_SPLIT.split(value or "") if t.strip()))


def split_units(value: str) -> list[str]:
    return [t for t in UNIT_SPLIT.split(value or "") if t]
