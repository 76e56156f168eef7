"""Places and programmes a task names: the subordinate localities (co-units) and quoted programmes.

``find_places(text, catalog)`` returns ``(places, mentions)``. With a catalog, every name, short
name and alias of its government units (cities, counties, 行委) is matched, longest first and
without overlaps; ``places`` are the units' labels in order of first mention and ``mentions`` the
names as written (冷湖 -> 茫崖市). Without a catalog, names are recognised by suffix (…市, …县,
…行委) with a stoplist; ``places`` are then the names as written. ``find_programmes(text)`` keeps
quoted names as tags (“昆仑英才”计划). Word lists: ``data/places_*.txt``.

Choices a reader may want to know:

* Catalog matching only looks at government units: a department's name (州教育局) is not a place.
* Short aliases can sit inside longer words (乌兰 in 乌兰察布, 都兰 across 首都兰州). A match that
  lies inside, or overlaps, a word of ``places_guards.txt`` is dropped. No other context check is
  made: in a report of one government an alias of its own localities is rarely anything else,
  and a wrong co-unit is cheaper to remove in review than a missing one is to notice.
* Without a catalog the rule prefers precision: a 2–4 character stem after a boundary
  (punctuation, start, or a word such as 在/支持/推进), no function characters in it (so 共和县
  is missed: 和 usually joins two phrases), no verb such as 推进 inside it, and no common word
  (城市, 园区, 示范区, 城乡, 上市…) as or at the end of the name.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from .units import Catalog, Unit

_DATA = Path(__file__).parent / "data"

_QUOTES = {"“": "”", "「": "」", "『": "』", '"': '"'}
_MAX_PROGRAMME_NAME = 20
_AUTONOMOUS_SUFFIXES = ("自治州", "自治县", "自治旗")


def _lexicon(name: str) -> dict[str, list[str]]:
    """Read ``data/<name>``: one entry a line, ``#`` comments, optional ``[section]`` headers."""
    sections: dict[str, list[str]] = {"": []}
    current = ""
    for raw in (_DATA / name).read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip()
            sections.setdefault(current, [])
            continue
        sections.setdefault(current, []).append(line)
    return sections


def _longest_first(words) -> tuple[str, ...]:
    return tuple(sorted(dict.fromkeys(words), key=len, reverse=True))


@cache
def _lex() -> dict:
    suffix = _lexicon("places_suffix.txt")
    return {
        "guards": _longest_first(_lexicon("places_guards.txt")[""]),
        "programme_words": _longest_first(_lexicon("places_programmes.txt")[""]),
        "suffixes": _longest_first(suffix.get("suffixes", [])),
        "boundaries": _longest_first(suffix.get("boundaries", [])),
        "function_chars": frozenset("".join(suffix.get("function_chars", []))),
        "stop": frozenset(suffix.get("stop", [])),
        "stop_end": _longest_first(suffix.get("stop_end", [])),
        "not_followed": _longest_first(suffix.get("not_followed_by", [])),
    }


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


# --- with a catalog ------------------------------------------------------------------------------


@cache
def _catalog_names(catalog: Catalog) -> tuple[tuple[str, Unit], ...]:
    pairs = [(name, unit) for unit in catalog.governments for name in unit.names if name]
    return tuple(sorted(pairs, key=lambda p: len(p[0]), reverse=True))


def _guard_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for word in _lex()["guards"]:
        start = text.find(word)
        while start != -1:
            spans.append((start, start + len(word)))
            start = text.find(word, start + 1)
    return spans


def _guarded(start: int, end: int, guards: list[tuple[int, int]]) -> bool:
    for g_start, g_end in guards:
        overlaps = g_start < end and start < g_end
        contains_guard = start <= g_start and g_end <= end
        if overlaps and not contains_guard:
            return True
    return False


def _catalog_places(text: str, catalog: Catalog) -> tuple[tuple[str, ...], tuple[str, ...]]:
    names = _catalog_names(catalog)
    if not names:
        return (), ()
    guards = _guard_spans(text)
    taken = [False] * len(text)
    matches: list[tuple[int, str, Unit]] = []
    for name, unit in names:  # longest first: 格尔木市 before 格尔木
        start = text.find(name)
        while start != -1:
            end = start + len(name)
            if not any(taken[start:end]) and not _guarded(start, end, guards):
                for k in range(start, end):
                    taken[k] = True
                matches.append((start, name, unit))
            start = text.find(name, start + 1)
    matches.sort(key=lambda m: m[0])
    places = tuple(dict.fromkeys(unit.label for _, _, unit in matches))
    mentions = tuple(dict.fromkeys(name for _, name, _ in matches))
    return places, mentions


# --- without a catalog ---------------------------------------------------------------------------


def _after_boundary(text: str, pos: int) -> bool:
    if pos == 0 or not _is_cjk(text[pos - 1]):
        return True
    return any(text.endswith(word, 0, pos) for word in _lex()["boundaries"])


def _valid_stem(stem: str) -> bool:
    lex = _lex()
    if not all(_is_cjk(ch) for ch in stem):
        return False
    if any(ch in lex["function_chars"] for ch in stem):
        return False
    # a boundary word inside the stem (扎实推进州) means the name would start after it
    return not any(word in stem for word in lex["boundaries"] if len(word) > 1)


def _without_quotes(text: str) -> str:
    """The text with quoted passages blanked (same length): “依法治州” is a slogan, not a place."""
    chars = list(text)
    pos = 0
    while pos < len(chars):
        close = _QUOTES.get(text[pos])
        end = text.find(close, pos + 1) if close else -1
        if end == -1:
            pos += 1
            continue
        for k in range(pos, end + 1):
            chars[k] = " "
        pos = end + 1
    return "".join(chars)


def _suffix_places(original: str) -> tuple[str, ...]:
    lex = _lex()
    text = _without_quotes(original)
    found: list[tuple[int, int]] = []
    last_end = 0
    pos = 0
    n = len(text)
    while pos < n:
        suffix = None
        for word in lex["suffixes"]:
            if text.startswith(word, pos):
                suffix = word
                break
        if suffix is None:
            pos += 1
            continue
        end = pos + len(suffix)
        if any(text.startswith(word, end - 1) for word in lex["not_followed"] if word[0] == suffix[-1]):
            pos += 1
            continue
        longest = 10 if suffix in _AUTONOMOUS_SUFFIXES else 4
        best = None
        for size in range(min(longest, pos - last_end), 1, -1):
            start = pos - size
            stem = text[start:pos]
            if not _after_boundary(text, start):
                continue
            if suffix in _AUTONOMOUS_SUFFIXES:
                ok = all(_is_cjk(ch) for ch in stem) and not any(
                    w in stem for w in lex["boundaries"] if len(w) > 1
                )
            else:
                ok = _valid_stem(stem)
            if not ok:
                continue
            name = stem + suffix
            if name in lex["stop"]:
                continue
            if suffix not in _AUTONOMOUS_SUFFIXES and any(name.endswith(word) for word in lex["stop_end"]):
                continue
            best = start
            break
        if best is None:
            pos += 1
            continue
        found.append((best, end))
        last_end = end
        pos = end
    return tuple(dict.fromkeys(original[s:e] for s, e in found))


# --- public API ----------------------------------------------------------------------------------


def find_places(text: str, catalog: Catalog | None = None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Subordinate localities named in ``text``: ``(places, mentions)``.

    With a catalog, ``places`` are unit labels (茫崖市) and ``mentions`` the names as written
    (冷湖); without one, both are the names as written, found by suffix."""
    if not isinstance(text, str) or not text:
        return (), ()
    if catalog is not None:
        return _catalog_places(text, catalog)
    names = _suffix_places(text)
    return names, names


def find_programmes(text: str) -> tuple[str, ...]:
    """Quoted names kept as tags, in order: “昆仑英才”计划, “双高”“双优”计划, “双减”.

    Adjacent quotes form one tag; a programme word right after the closing quote (计划, 工程,
    行动, 改革, 制度…) stays in it. Quotes longer than 20 characters (citations) are skipped."""
    if not isinstance(text, str) or not text:
        return ()
    words = _lex()["programme_words"]
    tags: list[str] = []
    pos = 0
    n = len(text)
    while pos < n:
        close = _QUOTES.get(text[pos])
        if close is None:
            pos += 1
            continue
        group_start = pos
        group_end = None
        cursor = pos
        while cursor < n and text[cursor] in _QUOTES:
            end = text.find(_QUOTES[text[cursor]], cursor + 1)
            if end == -1 or end - cursor - 1 > _MAX_PROGRAMME_NAME or end == cursor + 1:
                break
            group_end = end + 1
            cursor = end + 1
        if group_end is None:
            end = text.find(close, pos + 1)
            pos = end + 1 if end != -1 else pos + 1
            continue
        word = next((w for w in words if text.startswith(w, group_end)), "")
        tag = text[group_start : group_end + len(word)]
        if tag not in tags:
            tags.append(tag)
        pos = group_end
    return tuple(tags)
