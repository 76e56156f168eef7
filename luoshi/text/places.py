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

import re
from collections.abc import Iterable
from functools import cache
from typing import Literal, TypedDict

from .batch import Joined
from .units import Catalog, Unit
from .wordlists import longest_first, read_sections

_QUOTES = {"“": "”", "「": "」", "『": "』", '"': '"'}
_MAX_PROGRAMME_NAME = 20
_AUTONOMOUS_SUFFIXES = ("自治州", "自治县", "自治旗")
_QUOTE_RE = re.compile("[" + re.escape("".join(_QUOTES)) + "]")


def _alternation(words: Iterable[str]) -> str:
    """One regex alternative per word, in the given order (a regex tries them in order, so a
    match is the first word of the list that fits, as a loop over the list would find)."""
    return "|".join(map(re.escape, words)) if words else "(?!)"


class _Lexicon(TypedDict):
    """The word lists of ``data/places_*.txt``, and forms of them for the hot paths."""

    guards: tuple[str, ...]
    programme_words: tuple[str, ...]
    suffixes: tuple[str, ...]
    boundaries: tuple[str, ...]
    function_chars: frozenset[str]
    stop: frozenset[str]
    stop_end: tuple[str, ...]
    verbs: tuple[str, ...]
    not_followed: tuple[str, ...]
    long_boundaries: tuple[tuple[int, frozenset[str]], ...]
    programme_by_length: tuple[tuple[int, frozenset[str]], ...]
    not_followed_by_char: dict[str, tuple[str, ...]]


@cache
def _lex() -> _Lexicon:
    suffix = read_sections("places_suffix.txt")
    guards = longest_first(read_sections("places_guards.txt")[""])
    programme_words = longest_first(read_sections("places_programmes.txt")[""])
    suffixes = longest_first(suffix.get("suffixes", []))
    boundaries = longest_first(suffix.get("boundaries", []))
    not_followed = longest_first(suffix.get("not_followed_by", []))
    long_boundaries = tuple(word for word in boundaries if len(word) > 1)
    return {
        "guards": guards,
        "programme_words": programme_words,
        "suffixes": suffixes,
        "boundaries": boundaries,
        "function_chars": frozenset("".join(suffix.get("function_chars", []))),
        "stop": frozenset(suffix.get("stop", [])),
        "stop_end": longest_first(suffix.get("stop_end", [])),
        "verbs": tuple(suffix.get("verbs", [])),
        "not_followed": not_followed,
        # forms of the lists above for the hot paths
        "long_boundaries": _by_length(long_boundaries),
        "programme_by_length": _by_length(programme_words),
        # not_followed_by words by their first character (the suffix's last character)
        "not_followed_by_char": {
            ch: tuple(word for word in not_followed if word[0] == ch) for ch in {w[0] for w in not_followed}
        },
    }


def _by_length(words: tuple[str, ...]) -> tuple[tuple[int, frozenset[str]], ...]:
    """The words grouped by length, longest first: (length, words of that length)."""
    lengths = sorted({len(word) for word in words}, reverse=True)
    return tuple((n, frozenset(word for word in words if len(word) == n)) for n in lengths)


@cache
def _compiled(key: Literal["guards", "suffixes"]) -> re.Pattern[str]:
    """The alternation of ``_lex()[key]`` (a list longest first), compiled on first use."""
    return re.compile(_alternation(_lex()[key]))


def _has_long_boundary(stem: str) -> bool:
    """True when a boundary word of two or more characters occurs in ``stem``."""
    size = len(stem)
    for n, words in _lex()["long_boundaries"]:
        for start in range(size - n + 1):
            if stem[start : start + n] in words:
                return True
    return False


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


# --- with a catalog ------------------------------------------------------------------------------


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


class _CatalogIndex:
    """A catalog's government names prepared once: ``names`` are the (name, unit) pairs longest
    first, ``any_re`` finds any of them, and ``by_char`` lists, for each first character, the
    (rank in ``names``, name, unit) starting with it, in rank order."""

    __slots__ = ("any_re", "by_char", "names", "starts_re")

    def __init__(self, catalog: Catalog) -> None:
        pairs = [(name, unit) for unit in catalog.governments for name in unit.names if name]
        self.names = tuple(sorted(pairs, key=lambda p: len(p[0]), reverse=True))
        self.any_re = re.compile(_alternation(dict.fromkeys(name for name, _ in self.names)))
        self.starts_re = re.compile(f"(?=(?:{self.any_re.pattern}))")  # every position a name starts at
        by_char: dict[str, list[tuple[int, str, Unit]]] = {}
        for rank, (name, unit) in enumerate(self.names):
            by_char.setdefault(name[0], []).append((rank, name, unit))
        self.by_char = {ch: tuple(entries) for ch, entries in by_char.items()}


# Catalogs are frozen, but hashing one hashes every unit: the index is found by identity (the
# entry keeps the catalog alive, so its id is not reused while cached).
_CATALOG_INDEXES: dict[int, tuple[Catalog, _CatalogIndex]] = {}


def _catalog_index(catalog: Catalog) -> _CatalogIndex:
    entry = _CATALOG_INDEXES.get(id(catalog))
    if entry is not None and entry[0] is catalog:
        return entry[1]
    index = _CatalogIndex(catalog)
    if len(_CATALOG_INDEXES) >= 32:
        _CATALOG_INDEXES.clear()
    _CATALOG_INDEXES[id(catalog)] = (catalog, index)
    return index


def _catalog_places(text: str, catalog: Catalog) -> tuple[tuple[str, ...], tuple[str, ...]]:
    index = _catalog_index(catalog)
    if not index.names:
        return (), ()
    first = index.any_re.search(text)
    if first is None:
        return (), ()
    # every occurrence of every name (overlapping ones too), taken in the order of a loop over
    # the names longest first and, for one name, over its occurrences left to right
    occurrences: list[tuple[int, int, str, Unit]] = []
    by_char = index.by_char
    for starting in index.starts_re.finditer(text, first.start()):
        pos = starting.start()
        for rank, name, unit in by_char[text[pos]]:
            if text.startswith(name, pos):
                occurrences.append((rank, pos, name, unit))
    occurrences.sort(key=lambda o: (o[0], o[1]))
    guards = _guard_spans(text) if _compiled("guards").search(text) else []
    taken = [False] * len(text)
    matches: list[tuple[int, str, Unit]] = []
    for _, start, name, unit in occurrences:  # longest first: 格尔木市 before 格尔木
        end = start + len(name)
        if not any(taken[start:end]) and not (guards and _guarded(start, end, guards)):
            taken[start:end] = [True] * (end - start)
            matches.append((start, name, unit))
    matches.sort(key=lambda m: m[0])
    places = tuple(dict.fromkeys(unit.label for _, _, unit in matches))
    mentions = tuple(dict.fromkeys(name for _, name, _ in matches))
    return places, mentions


# --- without a catalog ---------------------------------------------------------------------------


def _after_boundary(text: str, pos: int) -> bool:
    if pos == 0 or not _is_cjk(text[pos - 1]):
        return True
    return text.endswith(_lex()["boundaries"], 0, pos)


def _valid_stem(stem: str) -> bool:
    lex = _lex()
    if not all(_is_cjk(ch) for ch in stem):
        return False
    if not lex["function_chars"].isdisjoint(stem):
        return False
    # a boundary word inside the stem (扎实推进州) means the name would start after it
    return not _has_long_boundary(stem)


def _without_quotes(text: str) -> str:
    """The text with quoted passages blanked (same length): “依法治州” is a slogan, not a place."""
    if not _QUOTE_RE.search(text):
        return text
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
    suffix_re = _compiled("suffixes")
    if not suffix_re.search(original):
        return ()  # no suffix at all (blanking quotes cannot add one)
    text = _without_quotes(original)
    not_followed = lex["not_followed_by_char"]
    stop_end = lex["stop_end"]
    verbs = lex["verbs"]
    found: list[tuple[int, int]] = []
    last_end = 0
    pos = 0
    n = len(text)
    while pos < n:
        m = suffix_re.search(text, pos)
        if m is None:
            break
        pos = m.start()
        suffix = m.group()
        end = m.end()
        words = not_followed.get(suffix[-1])
        if words and text.startswith(words, end - 1):
            pos += 1
            continue
        longest = 10 if suffix in _AUTONOMOUS_SUFFIXES else 4
        best = None
        for size in range(min(longest, pos - last_end), 1, -1):
            start = pos - size
            stem = text[start:pos]
            if not _after_boundary(text, start) or stem.endswith(verbs):
                continue
            if suffix in _AUTONOMOUS_SUFFIXES:
                ok = all(_is_cjk(ch) for ch in stem) and not _has_long_boundary(stem)
            else:
                ok = _valid_stem(stem)
            if not ok:
                continue
            name = stem + suffix
            if name in lex["stop"]:
                continue
            if suffix not in _AUTONOMOUS_SUFFIXES and name.endswith(stop_end):
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


def find_places_many(
    sentences: Joined, catalog: Catalog | None = None
) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """``find_places`` for each of a document's sentences: one search of all of them for any name
    (or suffix) first, then the full reading of only the sentences that hold one."""
    if catalog is not None:
        index = _catalog_index(catalog)
        flags = sentences.holding(index.any_re) if index.names else [False] * len(sentences.texts)
    else:
        flags = sentences.holding(_compiled("suffixes"))
    if flags is None:
        return [find_places(text, catalog) for text in sentences.texts]
    none = ((), ())
    return [find_places(text, catalog) if flag else none for text, flag in zip(sentences.texts, flags, strict=True)]


_QUALIFIED_PROGRAMME = re.compile(r"[\u4e00-\u9fff]{1,4}?(?:计划|工程|行动)")


def find_programmes(text: str) -> tuple[str, ...]:
    """Quoted names kept as tags, in order: “昆仑英才”计划, “双高”“双优”计划, “双减”.

    Adjacent quotes form one tag; a programme word right after the closing quote (计划, 工程,
    行动, 改革, 制度…) stays in it. Quotes longer than 20 characters (citations) are skipped."""
    if not isinstance(text, str) or not text:
        return ()
    for quote in _QUOTES:  # a plain ``in`` is the cheapest test for the usual text without quotes
        if quote in text:
            break
    else:
        return ()
    words = _lex()["programme_by_length"]
    tags: list[str] = []
    pos = 0
    n = len(text)
    while pos < n:
        m = _QUOTE_RE.search(text, pos)
        if m is None:
            break
        pos = m.start()
        close = _QUOTES[text[pos]]
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
        # the longest programme word right after the quotes (the first of the list that fits)
        size = next((size for size, group in words if text[group_end : group_end + size] in group), 0)
        if not size:  # “江城工匠”培育计划: a short qualifier before 计划 / 工程 / 行动
            qualified = _QUALIFIED_PROGRAMME.match(text, group_end)
            size = qualified.end() - group_end if qualified else 0
        tag = text[group_start : group_end + size]
        if tag not in tags:
            tags.append(tag)
        pos = group_end
    return tuple(tags)
