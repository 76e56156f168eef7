"""Measurable targets in task sentences: numeric targets, milestones and the main expected targets.

``find_targets(sentence)`` finds numeric targets (metric, value, unit, comparator) and milestones
(建成…, 完成…) in one task sentence; ``main_targets(paragraph)`` reads the list of 主要预期目标;
``is_ongoing(sentence)`` marks tasks that never end (常态化); ``parse_number`` reads Arabic and
Chinese numerals. The word lists live in ``data/targets_*.txt``.

Rules, so that a reader can check a result:

* ``value`` and ``unit`` are as written: ``1100万人`` is value 1100, unit ``万人``.
* A number inside “…” or 《…》, after 第 (ordinal), glued to Latin letters (5G, PM2.5), forming a
  year (2023年) or a date (3月3日, 月 and 日 are not units), or inside a slogan listed in
  ``targets_excluded.txt`` (两个确立) is never a target. A Chinese numeral meaning one (一家,
  一户一策) is a target only with a comparator word (一家以上), and a numeral + unit + numeral run
  (一户一策, 一人一档) is a set phrase.
* The metric is the clause text before the number (clauses end at , ; : 。 ! ?; 、 does not),
  stripped of leading connectors (力争, 确保, 实现…) and trailing level verbs (达到, 为, 到,
  控制在…); change verbs stay (国内生产总值增长). A second number in the same clause takes the
  text after the previous target (新建公路500公里、桥梁20座 -> 桥梁), or the previous metric when
  nothing is left (分别增长6.5%和7%).
  A number with nothing before it in its clause (28个省份开展试点) measures nothing and is
  skipped.
* The target's ``text`` is the sentence from the start of the metric to the end of the comparator
  word; ``span`` is its position plus ``offset``.
* A milestone's text runs from its verb to the end of the clause; when the verb ends the clause
  (推动光热电站投入运营) the whole clause is the text. A clause with a numeric target does not
  also give a milestone.
* In ``main_targets`` an item without a number is ``qualitative`` (text only), and a milestone item
  keeps its whole clause (节能减排完成国家下达任务).

The input is normally half-width already; full-width forms (，％０-９～－) are read through a
same-length translation, so every span indexes the caller's text.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import TypeAlias, TypedDict

from .batch import Joined
from .model import Target
from .numerals import CHARS as _CN_CHARS
from .numerals import DIGITS as _CN_DIGITS
from .numerals import cn_number
from .wordlists import longest_first, read_sections

# Full-width ASCII forms, ideographic space and dash/tilde variants -> half-width; one character
# for one character, so positions in the translated text are positions in the original.
_WIDTH = str.maketrans(
    {
        **{chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)},
        "\u3000": " ",
        "\u2014": "-",  # — em dash
        "\u2013": "-",  # – en dash
        "\u2012": "-",
        "\u2015": "-",
        "\u2212": "-",  # − minus sign
        "\u301c": "~",  # 〜 wave dash
    }
)

Number: TypeAlias = int | float
# a quantity read at a position: (end, value, value_max, unit, approximation word, Chinese numeral)
_Quantity: TypeAlias = tuple[int, Number, Number | None, str, str | None, bool]

_CLAUSE_END = ",;:。!?\n\r"
_SENTENCE_END = "。!?\n\r"
_OPEN_CLOSE = {"“": "”", "《": "》", "「": "」", "『": "』", "‘": "’"}

_NUMBER_RE = re.compile(rf"[0-9]+(?:\.[0-9]+)?|[{_CN_CHARS}]+")
_ARABIC_RE = re.compile(r"([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(\.[0-9]+)?([万亿千百]*)")
# any character ``_WIDTH`` changes: text without one is used as it is (no translation)
_WIDE_RE = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_WIDTH)) + "]")
_CLAUSE_END_RE = re.compile("[" + re.escape(_CLAUSE_END) + "]")
_MASK_OPEN_RE = re.compile("[" + re.escape("".join(_OPEN_CLOSE) + '"') + "]")
_JOINERS = ("以及", "、", "和", "与", "及")


def _half_width(s: str) -> str:
    """``s`` translated through ``_WIDTH`` (same length); ``s`` itself when nothing would change."""
    return s.translate(_WIDTH) if _WIDE_RE.search(s) else s


def _alternation(words: Iterable[str]) -> str:
    """One regex alternative per word, in the given order (a regex tries them in order, so a
    match is the first word of the list that fits, as a loop over the list would find)."""
    return "|".join(map(re.escape, words)) if words else "(?!)"


class _Words:
    """A word list ready for the hot paths: ``at(w, i)`` is the first word of the list that
    ``w`` has at ``i`` (``endpos`` bounds it like a slice end), ``ending(w, lo, hi)`` the longest
    word that ``w[lo:hi]`` ends with, ``inside(s)`` whether any word occurs in ``s`` and
    ``starts(w)`` every (position, word) where one starts, overlapping ones too.

    For a list longest first (lengths never growing) the first word that fits is the longest, so
    ``at`` and ``ending`` look the few lengths up in sets; the regex is compiled on first use."""

    __slots__ = ("_lengths", "_re", "_sets", "words")

    def __init__(self, words: Iterable[str]) -> None:
        self.words = tuple(words)
        self._re: re.Pattern[str] | None = None
        lengths = [len(word) for word in self.words]
        # the lengths are read only where there are sets
        self._lengths: tuple[int, ...] = tuple(sorted(set(lengths), reverse=True))
        self._sets: dict[int, frozenset[str]] | None = None
        if lengths == sorted(lengths, reverse=True):
            self._sets = {n: frozenset(word for word in self.words if len(word) == n) for n in self._lengths}

    def __iter__(self) -> Iterator[str]:
        return iter(self.words)

    def _compiled(self) -> re.Pattern[str]:
        if self._re is None:
            self._re = re.compile(f"(?:{_alternation(self.words)})")
        return self._re

    def at(self, w: str, i: int, endpos: int | None = None) -> str | None:
        if self._sets is None:
            rx = self._re or self._compiled()
            m = rx.match(w, i) if endpos is None else rx.match(w, i, endpos)
            return m.group() if m else None
        limit = len(w) if endpos is None else min(endpos, len(w))
        for n in self._lengths:
            if i + n <= limit:
                piece = w[i : i + n]
                if piece in self._sets[n]:
                    return piece
        return None

    def ending(self, w: str, lo: int, hi: int) -> str | None:
        """Longest word ``w[lo:hi]`` ends with (for a list longest first: the first that fits)."""
        if self._sets is None:
            return next((word for word in self.words if w.endswith(word, lo, hi)), None)
        for n in self._lengths:
            if hi - n >= lo:
                piece = w[hi - n : hi]
                if piece in self._sets[n]:
                    return piece
        return None

    def pattern(self) -> re.Pattern[str]:
        """The compiled alternation ``inside`` and ``starts`` search with."""
        return self._re or self._compiled()

    def inside(self, s: str) -> bool:
        return (self._re or self._compiled()).search(s) is not None

    def starts(self, w: str) -> list[tuple[int, str]]:
        """Every position where a word starts, with the first word of the list there."""
        rx = self._re or self._compiled()
        out: list[tuple[int, str]] = []
        m = rx.search(w)
        while m is not None:
            out.append((m.start(), m.group()))
            m = rx.search(w, m.start() + 1)
        return out


def _pairs(lines: list[str]) -> dict[str, str]:
    out = {}
    for line in lines:
        parts = line.split()
        if len(parts) >= 2:
            out[parts[0]] = parts[1]
    return out


class _Lexicon(TypedDict):
    """The word lists of ``data/targets_*.txt``, and forms of them for the hot paths."""

    unit_re: re.Pattern[str]
    number_follow: re.Pattern[str]
    number_follow_raw: re.Pattern[str]
    verbs_raw: bool
    magnitudes: tuple[str, ...]
    unit_not_followed: tuple[str, ...]
    time_units: frozenset[str]
    time_before: tuple[str, ...]
    count_units: frozenset[str]
    after: dict[str, str]
    after_words: tuple[str, ...]
    before: dict[str, str]
    before_words: tuple[str, ...]
    approx: dict[str, str]
    range: tuple[str, ...]
    lead: tuple[str, ...]
    tail: tuple[str, ...]
    verbs: tuple[str, ...]
    not_before: tuple[str, ...]
    not_followed: tuple[str, ...]
    coverage: tuple[str, ...]
    ongoing: tuple[str, ...]
    excluded: tuple[str, ...]
    markers: tuple[str, ...]
    stop_starts: tuple[str, ...]
    framing: tuple[str, ...]
    approx_w: _Words
    range_w: _Words
    after_w: _Words
    before_w: _Words
    mag_w: _Words
    lead_w: _Words
    tail_w: _Words
    verbs_w: _Words
    not_followed_w: _Words
    ongoing_w: _Words
    excluded_w: _Words
    markers_raw: _Words | None


@cache
def _lex() -> _Lexicon:
    units = read_sections("targets_units.txt")
    comparators = read_sections("targets_comparators.txt")
    metric = read_sections("targets_metric.txt")
    milestones = read_sections("targets_milestones.txt")
    main = read_sections("targets_main.txt")
    after = _pairs(comparators.get("after", []))
    before = _pairs(comparators.get("before", []))
    approx = _pairs(comparators.get("approximate", []))
    magnitudes = longest_first(units.get("magnitudes", []))
    bases = longest_first(units.get("units", []))
    unit_re = re.compile("(?:" + "|".join(map(re.escape, magnitudes)) + ")?(?:" + "|".join(map(re.escape, bases)) + ")")
    verbs = longest_first(milestones.get("verbs", []))
    lead = longest_first(metric.get("lead", []))
    not_followed = longest_first(milestones.get("not_followed_by", []))
    tail = longest_first([*metric.get("tail", []), *before])
    excluded = longest_first(read_sections("targets_excluded.txt")[""])
    markers = longest_first(main.get("markers", []))
    ongoing = longest_first(read_sections("targets_ongoing.txt")[""])
    # what _quantity needs right after a number reading: an approximation word, a unit, a
    # magnitude or a range connector; a digit or numeral followed by none of their first
    # characters reads nothing
    follow = {word[0] for word in (*approx, *magnitudes, *bases, *comparators.get("range", []))}
    follow_class = f"[{re.escape(''.join(sorted(follow)))}]" if follow else "(?!)"
    # the same test on untranslated text: full-width digits, and every form _WIDTH turns into a
    # follower (％ -> %, ～ -> ~, — -> -); it finds a number exactly where the translation would
    raw_follow = follow | {chr(c) for c, to in _WIDTH.items() if to in follow}
    raw_follow_class = f"[{re.escape(''.join(sorted(raw_follow)))}]" if raw_follow else "(?!)"
    wide_digits = "".join(chr(c) for c in range(0xFF10, 0xFF1A))
    # the translation changes no character of a verb (nor of 实现), and none becomes one: they
    # are found in the untranslated text at the same places
    touched = {chr(c) for c in _WIDTH} | set(_WIDTH.values())
    return {
        "unit_re": unit_re,
        "number_follow": re.compile(f"[0-9{_CN_CHARS}](?={follow_class})"),
        "number_follow_raw": re.compile(f"[0-9{wide_digits}{_CN_CHARS}](?={raw_follow_class})"),
        "verbs_raw": touched.isdisjoint("".join(verbs) + "实现"),
        "magnitudes": magnitudes,
        "unit_not_followed": longest_first(units.get("not_followed_by", [])),
        "time_units": frozenset(units.get("time_units", [])),
        "time_before": longest_first(units.get("time_before", [])),
        "count_units": frozenset(units.get("count_units", [])),
        "after": after,
        "after_words": longest_first(after),
        "before": before,
        "before_words": longest_first(before),
        "approx": approx,
        "range": tuple(comparators.get("range", [])),
        "lead": lead,
        "tail": tail,
        "verbs": verbs,
        "not_before": longest_first(milestones.get("not_before", [])),
        "not_followed": not_followed,
        "coverage": longest_first(milestones.get("coverage", [])),
        "ongoing": ongoing,
        "excluded": excluded,
        "markers": markers,
        "stop_starts": longest_first(main.get("stop_starts", [])),
        "framing": longest_first(main.get("framing", [])),
        # compiled forms of the lists above, for the hot paths
        "approx_w": _Words(approx),
        "range_w": _Words(comparators.get("range", [])),
        "after_w": _Words(longest_first(after)),
        "before_w": _Words(longest_first(before)),
        "mag_w": _Words(magnitudes),
        "lead_w": _Words(lead),
        "tail_w": _Words(tail),
        "verbs_w": _Words(verbs),
        "not_followed_w": _Words(not_followed),
        "ongoing_w": _Words(ongoing),
        "excluded_w": _Words(excluded),
        # the markers contain no character _WIDTH changes, so they can be looked for untranslated
        "markers_raw": None if _WIDE_RE.search("".join(markers)) else _Words(markers),
    }


@cache
def _unit_rejects(unit: str) -> tuple[str, ...]:
    """What may not follow ``unit`` (人 + 口 -> 人口): the rest of each not_followed_by word that
    ``unit`` ends with the start of; only the 4 characters after the unit are looked at."""
    rejects = []
    for word in _lex()["unit_not_followed"]:
        for cut in range(1, len(word)):
            if unit.endswith(word[:cut]) and len(word) - cut <= 4:
                rejects.append(word[cut:])
    return tuple(dict.fromkeys(rejects))


# --- numbers -------------------------------------------------------------------------------------


def parse_number(s: str) -> int | float | None:
    """Read an Arabic or Chinese numeral: ``"6.5"`` -> 6.5, ``"1,100"`` -> 1100, ``"一百二十"`` -> 120,
    ``"两千"`` -> 2000, ``"二〇二三"`` -> 2023; a trailing magnitude is applied: ``"1.2万"`` -> 12000.
    (``find_targets`` keeps 万/亿 in the unit instead, as written.) Anything else gives ``None``."""
    if not isinstance(s, str):
        return None
    s = _half_width(s).strip()
    if not s:
        return None
    m = _ARABIC_RE.fullmatch(s)
    if m:
        digits = m.group(1).replace(",", "") + (m.group(2) or "")
        try:
            value = Decimal(digits)
        except InvalidOperation:
            return None
        mags = m.group(3)
        for ch in mags:
            value *= {"万": 10**4, "亿": 10**8, "千": 1000, "百": 100}[ch]
        if value == value.to_integral_value() and (m.group(2) is None or mags):
            return int(value)
        return float(value)
    if all(ch in _CN_CHARS for ch in s):
        return cn_number(s)
    return None


# --- masks ---------------------------------------------------------------------------------------


def _masked(w: str) -> list[bool]:
    """True where a character lies inside “…”, 《…》 (and similar pairs) or an excluded slogan."""
    mask = [False] * len(w)
    i = 0
    while True:
        m = _MASK_OPEN_RE.search(w, i)
        if m is None:
            break
        i = m.start()
        ch = w[i]
        j = w.find(_OPEN_CLOSE.get(ch, '"'), i + 1)
        if j != -1:
            mask[i : j + 1] = [True] * (j + 1 - i)
            i = j + 1
        else:
            i += 1
    # every start of an excluded phrase; at one start the longest phrase covers the shorter ones
    for start, phrase in _lex()["excluded_w"].starts(w):
        end = start + len(phrase)
        mask[start:end] = [True] * (end - start)
    return mask


# --- numeric targets -----------------------------------------------------------------------------


def _read_number(w: str, i: int) -> list[tuple[int, Number]]:
    """Possible readings of the number starting at ``i``: (end, value), best first.
    For Chinese numerals a trailing 万/亿 is offered to the unit first (三万人 -> 3, 万人)."""
    m = _NUMBER_RE.match(w, i)
    if not m:
        return []
    token = m.group()
    if token[0].isdigit():
        if len(token) <= 18:  # what parse_number gives for [0-9]+(.[0-9]+)?, without Decimal
            return [(m.end(), float(token) if "." in token else int(token))]
        value = parse_number(token)
        return [] if value is None else [(m.end(), value)]
    readings: list[tuple[int, Number]] = []
    stripped = token.rstrip("万亿")
    ends = []
    if stripped and stripped != token:
        ends.append(i + len(stripped))
    ends.extend(range(m.end(), i, -1))
    for end in dict.fromkeys(ends):
        value = cn_number(w[i:end])
        if value is not None:
            readings.append((end, value))
    return readings


def _match_unit(w: str, j: int) -> str | None:
    m = _lex()["unit_re"].match(w, j)
    if not m:
        return None
    unit = m.group()
    # 14亿人口: the unit 人 followed by 口 makes the word 人口; 3年内 is a time frame
    rejects = _unit_rejects(unit)
    if rejects and w.startswith(rejects, m.end()):
        return None
    return unit


def _match_magnitude(w: str, j: int) -> str | None:
    return _lex()["mag_w"].at(w, j)


def _word_at(w: str, j: int, words: Iterable[str]) -> str | None:
    for word in words:
        if w.startswith(word, j):
            return word
    return None


def _quantity(w: str, i: int) -> _Quantity | None:
    """Parse a quantity at ``i``: returns (end, value, value_max, unit, approx_word, cn) or None."""
    lex = _lex()
    is_cn = not w[i].isdigit()
    approx_w = lex["approx_w"]
    for end, value in _read_number(w, i):
        j = end
        approx = approx_w.at(w, j)
        if approx:
            j += len(approx)
        unit = _match_unit(w, j)
        mag = None if unit else _match_magnitude(w, j)
        if mag:  # 5.5万至6万户, 1000万以上 (a bare magnitude before a range or comparator)
            j2 = j + len(mag)
            if not approx:
                approx = approx_w.at(w, j2)
                if approx:
                    j2 += len(approx)
        else:
            j2 = j + len(unit) if unit else j
        # a range: NUMBER [unit|magnitude] connector NUMBER unit
        conn = lex["range_w"].at(w, j2)
        if conn and j2 + len(conn) < len(w):
            k = j2 + len(conn)
            if w[k].isdigit() == (not is_cn) and w[k] not in "〇零" and not approx:
                for end2, value2 in _read_number(w, k):
                    unit2 = _match_unit(w, end2)
                    if not unit2:
                        continue
                    if unit and unit != unit2:
                        continue
                    if mag and not unit2.startswith(mag):
                        continue
                    if not unit and not mag and _match_magnitude(w, end2) and not unit2:
                        continue
                    return (end2 + len(unit2), value, value2, unit2, None, is_cn)
        if unit:
            return (j + len(unit), value, None, unit, approx, is_cn)
        if mag and lex["after_w"].at(w, j2):
            return (j2, value, None, mag, approx, is_cn)
    return None


def _is_year(value: Number | None, unit: str | None) -> bool:
    return unit == "年" and isinstance(value, int) and 1000 <= value <= 2999


def _trim_metric(w: str, start: int, end: int) -> tuple[int, int]:
    lex = _lex()
    changed = True
    while changed and start < end:
        changed = False
        while start < end and w[start] in " \t、":
            start += 1
            changed = True
        word = lex["lead_w"].at(w, start, end)
        if word:
            start += len(word)
            changed = True
    changed = True
    while changed and start < end:
        changed = False
        while start < end and w[end - 1] in " \t、":
            end -= 1
            changed = True
        word = lex["tail_w"].ending(w, start, end) if start < end else None
        if word:
            end -= len(word)
            changed = True
    return start, end


def _numeric_targets(sentence: str, w: str, mask: list[bool], offset: int) -> list[tuple[Target, int]]:
    """Numeric targets with the clause start each belongs to."""
    lex = _lex()
    found: list[tuple[Target, int]] = []
    clause_ends: list[int] | None = None  # positions of the clause-end characters, when needed
    # next position of a digit or numeral with a unit (or the like) right after it: a number
    # token without one inside cannot give a quantity, so _quantity is not even tried
    number_follow = lex["number_follow"]
    after_w = lex["after_w"]
    has_mask = True in mask
    hint = -1
    prev_end = 0
    prev_clause = -1
    prev_metric: str | None = None
    i = 0
    n = len(w)
    while i < n:
        m = _NUMBER_RE.search(w, i)
        if not m:
            break
        i = m.start()
        if hint < i:
            h = number_follow.search(w, i)
            if h is None:
                break
            hint = h.start()
        if hint >= m.end() or (has_mask and mask[i]):
            i = m.end()
            continue
        q = _quantity(w, i)
        if q is None:
            i = m.end()
            continue
        end, value, value_max, unit, approx, is_cn = q
        if (has_mask and any(mask[i:end])) or not _keep_number(w, i, end, value, value_max, unit, is_cn):
            i = m.end()
            continue
        after = after_w.at(w, end)
        if after:
            end += len(after)
        if not after and value_max is None and not _keep_without_comparator(w, i, value, unit, is_cn):
            i = end
            continue
        if clause_ends is None:
            clause_ends = [c.start() for c in _CLAUSE_END_RE.finditer(w)]
        k = bisect_left(clause_ends, i)
        clause = clause_ends[k - 1] + 1 if k else 0  # the start of the clause holding i
        metric_from = clause if clause != prev_clause else max(clause, prev_end)
        if metric_from == prev_end and clause == prev_clause:  # 桥梁20座 after 公路500公里、
            joiner = _word_at(w, metric_from, _JOINERS)
            metric_from += len(joiner) if joiner else 0
        m_start, m_end = _trim_metric(w, metric_from, i)
        before = lex["before_w"].ending(w, clause, i)
        if value_max is not None:
            comparator = "range"
        elif after:
            comparator = lex["after"][after]
        elif approx:
            comparator = lex["approx"][approx]
        elif before:
            comparator = lex["before"][before]
        else:
            comparator = "="
        metric = sentence[m_start:m_end] if m_end > m_start else None
        text_start = m_start if metric else i
        if metric is None and clause == prev_clause:
            metric = prev_metric
        if metric is None:  # 28个省份开展试点: a number in subject position measures nothing
            i = end
            continue
        target = Target(
            kind="numeric",
            text=sentence[text_start:end],
            metric=metric,
            comparator=comparator,
            value=value,
            value_max=value_max,
            unit=unit,
            span=(offset + text_start, offset + end),
        )
        found.append((target, clause))
        prev_end, prev_clause, prev_metric = end, clause, metric
        i = end
    return found


def _keep_without_comparator(w: str, i: int, value: Number, unit: str, is_cn: bool) -> bool:
    """Weak readings that need a comparator word (以上, 以内…) to count as a target."""
    lex = _lex()
    if unit in lex["time_units"] and (is_cn or w.endswith(lex["time_before"], 0, i)):
        return False  # 过去五年, 今后五年, 连续3年: time frames
    if is_cn and value == 1:
        return False  # 一家, 一支队伍
    # 突出抓好三个方面, 采取三项措施: a list of points, not a target
    return not (is_cn and unit in lex["count_units"] and isinstance(value, int) and value <= 10)


def _keep_number(w: str, i: int, end: int, value: Number, value_max: Number | None, unit: str, is_cn: bool) -> bool:
    """Exclusions: ordinals, codes, years, set phrases."""
    before = w[i - 1] if i > 0 else ""
    if before == "第" or before == "." or (before.isascii() and before.isalnum()):
        return False
    nxt = w[end] if end < len(w) else ""
    if nxt.isascii() and nxt.isalpha():
        return False
    if _is_year(value, unit) or _is_year(value_max, unit):
        return False
    if is_cn:
        if value == 0 or (value_max is not None and value_max == 0):
            return False  # 零部件
        if before in _CN_CHARS or nxt in _CN_DIGITS:  # 一户一策, 百企兴百村, 千家万户
            return False
        if before in "每各之逐统唯单同":
            return False
    return True


# --- milestones ----------------------------------------------------------------------------------


def _milestone_in(
    sentence: str,
    w: str,
    mask: list[bool],
    start: int,
    end: int,
    offset: int,
    verb_hits: list[tuple[int, str]],
) -> Target | None:
    """The milestone of the clause ``w[start:end]``; ``verb_hits`` are the (position, verb) of
    every milestone verb in ``w``, in order (the first verb of the list where several start)."""
    lex = _lex()
    best: int | None = None  # where the milestone's text starts: the verb, or 实现 of 实现…全覆盖
    not_before = lex["not_before"]
    not_followed = lex["not_followed_w"]
    for pos, verb in verb_hits:
        if pos < start:
            continue
        if pos >= end:
            break
        if mask[pos]:
            continue
        if w.endswith(not_before, start, pos):
            continue
        if any(not_followed.at(w, p) for p in range(pos, pos + len(verb))):
            continue  # 全面建成小康社会: the check runs inside the verb too
        best = pos
        break
    cov = w.find("实现", start, end)
    while cov != -1 and mask[cov]:
        cov = w.find("实现", cov + 1, end)
    covered = cov != -1 and any(w.find(word, cov, end) != -1 for word in lex["coverage"])
    if covered and (best is None or cov < best):
        best = cov
    if best is None:
        return None
    pos = text_start = best
    verb_at = lex["verbs_w"].at(w, pos)
    if verb_at and w[pos + len(verb_at) : end].strip() == "":
        text_start, _ = _trim_metric(w, start, pos)  # 确保年底前建成: the whole clause
        text_start = min(text_start, pos)
    text_end = end
    while text_end > text_start and w[text_end - 1] in " \t、":
        text_end -= 1
    text = sentence[text_start:text_end]
    if not text:
        return None
    return Target(kind="milestone", text=text, span=(offset + text_start, offset + text_end))


# --- public API ----------------------------------------------------------------------------------


def find_targets(sentence: str, offset: int = 0) -> tuple[Target, ...]:
    """Numeric targets and milestones in one task sentence, in order of appearance."""
    if not isinstance(sentence, str) or not sentence:
        return ()
    lex = _lex()
    # a number with a unit (or the like) after it, a milestone verb, or 实现 (…全覆盖): without
    # one there is nothing to find, and the test needs no translation
    has_number = lex["number_follow_raw"].search(sentence) is not None
    if lex["verbs_raw"]:
        verb_hits = lex["verbs_w"].starts(sentence)
        if not has_number and not verb_hits and "实现" not in sentence:
            return ()
        w = _half_width(sentence)
    else:
        w = _half_width(sentence)
        verb_hits = lex["verbs_w"].starts(w)
    mask = _masked(w)
    numeric = _numeric_targets(sentence, w, mask, offset) if has_number else []
    out: list[Target] = [t for t, _ in numeric]
    if verb_hits or "实现" in w:
        numeric_clauses = {clause for _, clause in numeric}
        pos = 0
        n = len(w)
        for end in [*(m.start() for m in _CLAUSE_END_RE.finditer(w)), n]:
            if pos >= n:
                break
            if pos not in numeric_clauses and end > pos:
                milestone = _milestone_in(sentence, w, mask, pos, end, offset, verb_hits)
                if milestone is not None:
                    out.append(milestone)
            pos = end + 1
    if len(out) > 1:
        out.sort(key=lambda t: t.span or (0, 0))
    return tuple(out)


def ongoing_many(sentences: Joined) -> list[bool]:
    """``is_ongoing`` for each of a document's sentences, from one search of all of them."""
    flags = sentences.holding(_lex()["ongoing_w"].pattern())
    if flags is None:
        return [is_ongoing(text) for text in sentences.texts]
    return [is_ongoing(text) if flag else False for text, flag in zip(sentences.texts, flags, strict=True)]


def is_ongoing(sentence: str) -> bool:
    """True for tasks with no end date (常态化, 长期坚持, 持之以恒…)."""
    if not isinstance(sentence, str):
        return False
    return _lex()["ongoing_w"].inside(sentence)


def has_main_targets(text: str) -> bool:
    """True when ``text`` introduces a list of main targets (主要预期目标是: / 主要目标:)."""
    if not isinstance(text, str) or not text:
        return False
    markers = _lex()["markers_raw"]
    if markers is not None and not markers.inside(text):
        return False  # no marker at all (translation does not touch them)
    return _main_start(_half_width(text)) is not None


def _main_start(w: str) -> int | None:
    """Position right after "主要预期目标是:" (or 主要目标是 / 为 / :), or None."""
    for m in _main_re().finditer(w):
        if m.end() < len(w) and w[m.end()] not in _SENTENCE_END:
            return m.end()
    return None


@cache
def _main_re() -> re.Pattern[str]:
    markers = _alternation(_lex()["markers"])
    return re.compile(f"(?:{markers})" + r"\s*(?:(?:建议|拟|初步)?(?:是|为|确定为|安排为)\s*:?|:)\s*")


def opens_main_target_list(text: str) -> bool:
    """True when ``text`` ends with a main-target marker and its colon, the targets following as a
    list of their own lines: "主要预期目标建议为:" then "——地区生产总值增长5.5%左右;" …"""
    if not isinstance(text, str) or "目标" not in text:
        return False
    w = _half_width(text).rstrip()
    return any(m.end() == len(w) and w.endswith(":") for m in _main_re().finditer(w))


_ITEM_MARK = re.compile(
    r"^\s*(?:[-—]{1,2}|\d{1,2}\s*[.、]|\(\s*\d{1,2}\s*\)|[①-⑳]|[一二三四五六七八九十]{1,2}[、.])\s*"
)


def is_main_target_item(text: str) -> bool:
    """A line of such a list: marked (——, 1., (1), ①) or ending with ``;``."""
    if not isinstance(text, str) or not text.strip():
        return False
    w = _half_width(text).strip()
    return bool(_ITEM_MARK.match(w)) or w.endswith(";")


def main_target_item(text: str, offset: int = 0) -> tuple[Target, ...]:
    """The targets of one line of a main-target list, as ``main_targets`` reads an item."""
    if not isinstance(text, str) or not text:
        return ()
    w = _half_width(text)
    m = _ITEM_MARK.match(w)
    start = m.end() if m else 0
    out: list[Target] = []
    for s_start, s_end in _sentences(w, start)[:1]:
        seps = ";" if ";" in w[s_start:s_end].rstrip(";") else ","
        for i_start, i_end in _pieces(w, s_start, s_end, seps):
            i_start, i_end = _strip(w, i_start, i_end)
            if i_start < i_end:
                out.extend(_item_targets(text, w, i_start, i_end, offset))
    return tuple(out)


def _sentences(w: str, start: int) -> list[tuple[int, int]]:
    """(start, end) of the sentences from ``start`` to the end of the paragraph; end excludes 。"""
    out = []
    pos = start
    n = len(w)
    while pos < n:
        if w[pos] in "\n\r":
            break
        end = pos
        while end < n and w[end] not in _SENTENCE_END:
            end += 1
        out.append((pos, end))
        if end >= n or w[end] in "\n\r":
            break
        pos = end + 1
        while pos < n and w[pos] in " \t":
            pos += 1
    return out


def _continues_list(w: str, start: int, end: int, mask: list[bool], text: str) -> bool:
    lex = _lex()
    body = w[start:end].strip()
    if not body:
        return False
    if any(body.startswith(word) for word in lex["stop_starts"]):
        return False
    if any(word in body for word in lex["framing"]):
        return False
    if any(t.kind == "numeric" for t in find_targets(text[start:end])):
        return True
    items = re.split(r"[,;]", body)
    return all(len(item.strip()) <= 20 for item in items)


def _pieces(w: str, start: int, end: int, seps: str) -> list[tuple[int, int]]:
    out = []
    pos = start
    for k in range(start, end + 1):
        if k == end or w[k] in seps:
            out.append((pos, k))
            pos = k + 1
    return out


def _strip(w: str, start: int, end: int) -> tuple[int, int]:
    while start < end and w[start] in " \t,;:":
        start += 1
    while end > start and w[end - 1] in " \t,;:":
        end -= 1
    return start, end


def main_targets(text: str, offset: int = 0) -> tuple[Target, ...]:
    """The main expected targets (主要预期目标) listed in a paragraph: a numeric target for each
    measured item (国内生产总值增长6.5%左右), a milestone for 建成/完成 items, and a
    ``qualitative`` target (text only) for the rest (国际收支基本平衡). Items are split on ``;``
    when the sentence has one, else on ``,``; within a ``;`` item, neighbouring clauses without a
    number form one qualitative target. Empty when the paragraph has no such list."""
    if not isinstance(text, str) or not text:
        return ()
    w = _half_width(text)
    start = _main_start(w)
    if start is None:
        return ()
    mask = _masked(w)
    out: list[Target] = []
    for n, (s_start, s_end) in enumerate(_sentences(w, start)):
        if n > 0 and not _continues_list(w, s_start, s_end, mask, text):
            break
        seps = ";" if ";" in w[s_start:s_end] else ","
        for i_start, i_end in _pieces(w, s_start, s_end, seps):
            i_start, i_end = _strip(w, i_start, i_end)
            if i_start >= i_end:
                continue
            out.extend(_item_targets(text, w, i_start, i_end, offset))
    return tuple(out)


def _item_targets(text: str, w: str, start: int, end: int, offset: int) -> list[Target]:
    out: list[Target] = []
    run: tuple[int, int] | None = None

    def flush() -> None:
        nonlocal run
        if run is not None:
            out.append(Target(kind="qualitative", text=text[run[0] : run[1]], span=(offset + run[0], offset + run[1])))
            run = None

    for c_start, c_end in _pieces(w, start, end, ","):
        c_start, c_end = _strip(w, c_start, c_end)
        if c_start >= c_end:
            continue
        found = find_targets(text[c_start:c_end], offset + c_start)
        if found and all(t.kind == "milestone" for t in found):
            # in the list of main targets the whole item is the milestone: 节能减排完成国家下达任务
            found = (Target(kind="milestone", text=text[c_start:c_end], span=(offset + c_start, offset + c_end)),)
        if found:
            flush()
            out.extend(found)
        else:
            run = (run[0], c_end) if run is not None else (c_start, c_end)
    flush()
    return out
