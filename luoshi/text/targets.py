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
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from .model import Target

_DATA = Path(__file__).parent / "data"

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

_CN_DIGITS = dict(zip("〇零一二两三四五六七八九", (0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10**4, "亿": 10**8}
_CN_CHARS = "".join(_CN_DIGITS) + "".join(_CN_SMALL) + "".join(_CN_BIG)

_CLAUSE_END = ",;:。!?\n\r"
_SENTENCE_END = "。!?\n\r"
_OPEN_CLOSE = {"“": "”", "《": "》", "「": "」", "『": "』", "‘": "’"}

_NUMBER_RE = re.compile(rf"[0-9]+(?:\.[0-9]+)?|[{_CN_CHARS}]+")


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


def _pairs(lines: list[str]) -> dict[str, str]:
    out = {}
    for line in lines:
        parts = line.split()
        if len(parts) >= 2:
            out[parts[0]] = parts[1]
    return out


def _longest_first(words) -> tuple[str, ...]:
    return tuple(sorted(dict.fromkeys(words), key=len, reverse=True))


@cache
def _lex() -> dict:
    units = _lexicon("targets_units.txt")
    comparators = _lexicon("targets_comparators.txt")
    metric = _lexicon("targets_metric.txt")
    milestones = _lexicon("targets_milestones.txt")
    main = _lexicon("targets_main.txt")
    after = _pairs(comparators.get("after", []))
    before = _pairs(comparators.get("before", []))
    approx = _pairs(comparators.get("approximate", []))
    magnitudes = _longest_first(units.get("magnitudes", []))
    bases = _longest_first(units.get("units", []))
    unit_re = re.compile(
        "(?:" + "|".join(map(re.escape, magnitudes)) + ")?(?:" + "|".join(map(re.escape, bases)) + ")"
    )
    return {
        "unit_re": unit_re,
        "magnitudes": magnitudes,
        "unit_not_followed": _longest_first(units.get("not_followed_by", [])),
        "time_units": frozenset(units.get("time_units", [])),
        "time_before": _longest_first(units.get("time_before", [])),
        "count_units": frozenset(units.get("count_units", [])),
        "after": after,
        "after_words": _longest_first(after),
        "before": before,
        "before_words": _longest_first(before),
        "approx": approx,
        "range": tuple(comparators.get("range", [])),
        "lead": _longest_first(metric.get("lead", [])),
        "tail": _longest_first([*metric.get("tail", []), *before]),
        "verbs": _longest_first(milestones.get("verbs", [])),
        "not_before": _longest_first(milestones.get("not_before", [])),
        "not_followed": _longest_first(milestones.get("not_followed_by", [])),
        "coverage": _longest_first(milestones.get("coverage", [])),
        "ongoing": _longest_first(_lexicon("targets_ongoing.txt")[""]),
        "excluded": _longest_first(_lexicon("targets_excluded.txt")[""]),
        "markers": _longest_first(main.get("markers", [])),
        "stop_starts": _longest_first(main.get("stop_starts", [])),
        "framing": _longest_first(main.get("framing", [])),
    }


# --- numbers -------------------------------------------------------------------------------------


def _cn_positional(s: str) -> int | None:
    """Strict positional Chinese numeral: 一百二十 -> 120, 两千 -> 2000, 十二 -> 12, 三万五千 -> 35000.
    A bare magnitude (千, 亿万) or two digits in a row (十四五) is not a number."""
    total = 0  # finished 亿 groups
    section = 0  # finished 万 group inside the current 亿 group
    group = 0  # below 万
    digit: int | None = None
    last_small = 10**9  # the previous 十/百/千 in this group, to keep them descending
    for i, ch in enumerate(s):
        if ch in _CN_DIGITS:
            if digit is not None:
                return None
            digit = _CN_DIGITS[ch]
        elif ch in _CN_SMALL:
            mult = _CN_SMALL[ch]
            if mult >= last_small:
                return None
            if digit is None:
                if ch != "十" or i != 0:
                    return None
                digit = 1
            group += digit * mult
            digit = None
            last_small = mult
        else:  # 万 / 亿
            mult = _CN_BIG[ch]
            value = group + (digit or 0)
            if mult == 10**4:
                if value == 0:
                    return None
                section = value * mult
            else:
                value += section
                if value == 0:
                    return None
                total = (total + value) * mult
                section = 0
            group, digit, last_small = 0, None, 10**9
    return total + section + group + (digit or 0)


def _cn_number(s: str) -> int | None:
    if not s:
        return None
    if all(ch in _CN_DIGITS for ch in s):
        if len(s) == 1:
            return _CN_DIGITS[s]
        if "两" in s:
            return None
        return int("".join(str(_CN_DIGITS[ch]) for ch in s))  # 二〇二三 -> 2023
    return _cn_positional(s)


def parse_number(s: str) -> int | float | None:
    """Read an Arabic or Chinese numeral: ``"6.5"`` -> 6.5, ``"1,100"`` -> 1100, ``"一百二十"`` -> 120,
    ``"两千"`` -> 2000, ``"二〇二三"`` -> 2023; a trailing magnitude is applied: ``"1.2万"`` -> 12000.
    (``find_targets`` keeps 万/亿 in the unit instead, as written.) Anything else gives ``None``."""
    if not isinstance(s, str):
        return None
    s = s.translate(_WIDTH).strip()
    if not s:
        return None
    m = re.fullmatch(r"([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(\.[0-9]+)?([万亿千百]*)", s)
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
        return _cn_number(s)
    return None


# --- masks ---------------------------------------------------------------------------------------


def _masked(w: str) -> list[bool]:
    """True where a character lies inside “…”, 《…》 (and similar pairs) or an excluded slogan."""
    mask = [False] * len(w)
    i = 0
    while i < len(w):
        ch = w[i]
        close = _OPEN_CLOSE.get(ch)
        if close is None and ch == '"':
            close = '"'
        if close is not None:
            j = w.find(close, i + 1)
            if j != -1:
                for k in range(i, j + 1):
                    mask[k] = True
                i = j + 1
                continue
        i += 1
    for phrase in _lex()["excluded"]:
        start = w.find(phrase)
        while start != -1:
            for k in range(start, start + len(phrase)):
                mask[k] = True
            start = w.find(phrase, start + 1)
    return mask


def _clause_start(w: str, pos: int, floor: int = 0) -> int:
    i = pos
    while i > floor and w[i - 1] not in _CLAUSE_END:
        i -= 1
    return i


def _clause_end(w: str, pos: int) -> int:
    i = pos
    while i < len(w) and w[i] not in _CLAUSE_END:
        i += 1
    return i


# --- numeric targets -----------------------------------------------------------------------------


def _read_number(w: str, i: int) -> list[tuple[int, int | float]]:
    """Possible readings of the number starting at ``i``: (end, value), best first.
    For Chinese numerals a trailing 万/亿 is offered to the unit first (三万人 -> 3, 万人)."""
    m = _NUMBER_RE.match(w, i)
    if not m:
        return []
    token = m.group()
    if token[0].isdigit():
        value = parse_number(token)
        return [] if value is None else [(m.end(), value)]
    readings = []
    stripped = token.rstrip("万亿")
    ends = []
    if stripped and stripped != token:
        ends.append(i + len(stripped))
    ends.extend(range(m.end(), i, -1))
    for end in dict.fromkeys(ends):
        value = _cn_number(w[i:end])
        if value is not None:
            readings.append((end, value))
    return readings


def _match_unit(w: str, j: int) -> str | None:
    lex = _lex()
    m = lex["unit_re"].match(w, j)
    if not m:
        return None
    unit = m.group()
    # 14亿人口: the unit 人 followed by 口 makes the word 人口; 3年内 is a time frame
    tail = w[m.end() : m.end() + 4]
    for word in lex["unit_not_followed"]:
        for cut in range(1, len(word)):
            if unit.endswith(word[:cut]) and tail.startswith(word[cut:]):
                return None
    return unit


def _match_magnitude(w: str, j: int) -> str | None:
    for mag in _lex()["magnitudes"]:
        if w.startswith(mag, j):
            return mag
    return None


def _word_at(w: str, j: int, words) -> str | None:
    for word in words:
        if w.startswith(word, j):
            return word
    return None


def _quantity(w: str, i: int):
    """Parse a quantity at ``i``: returns (end, value, value_max, unit, approx_word, cn) or None."""
    lex = _lex()
    is_cn = not w[i].isdigit()
    for end, value in _read_number(w, i):
        j = end
        approx = _word_at(w, j, lex["approx"])
        if approx:
            j += len(approx)
        unit = _match_unit(w, j)
        mag = None if unit else _match_magnitude(w, j)
        if mag:  # 5.5万至6万户, 1000万以上 (a bare magnitude before a range or comparator)
            j2 = j + len(mag)
            if not approx:
                approx = _word_at(w, j2, lex["approx"])
                if approx:
                    j2 += len(approx)
        else:
            j2 = j + len(unit) if unit else j
        # a range: NUMBER [unit|magnitude] connector NUMBER unit
        conn = _word_at(w, j2, lex["range"])
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
        if mag and _word_at(w, j2, lex["after_words"]):
            return (j2, value, None, mag, approx, is_cn)
    return None


def _is_year(value, unit: str | None) -> bool:
    return unit == "年" and isinstance(value, int) and 1000 <= value <= 2999


def _trim_metric(w: str, start: int, end: int) -> tuple[int, int]:
    lex = _lex()
    changed = True
    while changed and start < end:
        changed = False
        while start < end and w[start] in " \t、":
            start += 1
            changed = True
        for word in lex["lead"]:
            if w.startswith(word, start) and start + len(word) <= end:
                start += len(word)
                changed = True
                break
    changed = True
    while changed and start < end:
        changed = False
        while start < end and w[end - 1] in " \t、":
            end -= 1
            changed = True
        for word in lex["tail"]:
            if w.endswith(word, start, end) and end - len(word) >= start:
                end -= len(word)
                changed = True
                break
    return start, end


def _numeric_targets(sentence: str, w: str, mask: list[bool], offset: int) -> list[tuple[Target, int]]:
    """Numeric targets with the clause start each belongs to."""
    lex = _lex()
    found: list[tuple[Target, int]] = []
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
        if mask[i]:
            i = m.end()
            continue
        q = _quantity(w, i)
        if q is None:
            i = m.end()
            continue
        end, value, value_max, unit, approx, is_cn = q
        if any(mask[i:end]) or not _keep_number(w, i, end, value, value_max, unit, is_cn):
            i = m.end()
            continue
        after = _word_at(w, end, lex["after_words"])
        if after:
            end += len(after)
        if not after and value_max is None and not _keep_without_comparator(w, i, value, unit, is_cn):
            i = end
            continue
        clause = _clause_start(w, i)
        metric_from = clause if clause != prev_clause else max(clause, prev_end)
        if metric_from == prev_end and clause == prev_clause:  # 桥梁20座 after 公路500公里、
            joiner = _word_at(w, metric_from, ("以及", "、", "和", "与", "及"))
            metric_from += len(joiner) if joiner else 0
        m_start, m_end = _trim_metric(w, metric_from, i)
        before = None
        for word in lex["before_words"]:
            if w.endswith(word, clause, i):
                before = word
                break
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


def _keep_without_comparator(w: str, i: int, value, unit: str, is_cn: bool) -> bool:
    """Weak readings that need a comparator word (以上, 以内…) to count as a target."""
    lex = _lex()
    if unit in lex["time_units"] and (is_cn or any(w.endswith(word, 0, i) for word in lex["time_before"])):
        return False  # 过去五年, 今后五年, 连续3年: time frames
    if is_cn and value == 1:
        return False  # 一家, 一支队伍
    # 突出抓好三个方面, 采取三项措施: a list of points, not a target
    return not (is_cn and unit in lex["count_units"] and isinstance(value, int) and value <= 10)


def _keep_number(w: str, i: int, end: int, value, value_max, unit: str, is_cn: bool) -> bool:
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
    sentence: str, w: str, mask: list[bool], start: int, end: int, offset: int
) -> Target | None:
    lex = _lex()
    best: int | None = None  # where the milestone's text starts: the verb, or 实现 of 实现…全覆盖
    for pos in range(start, end):
        if mask[pos]:
            continue
        verb = _word_at(w, pos, lex["verbs"])
        if not verb:
            continue
        if any(w.endswith(word, start, pos) for word in lex["not_before"]):
            continue
        if any(_word_at(w, p, lex["not_followed"]) for p in range(pos, pos + len(verb))):
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
    verb = _word_at(w, pos, lex["verbs"])
    if verb and w[pos + len(verb) : end].strip() == "":
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
    w = sentence.translate(_WIDTH)
    mask = _masked(w)
    numeric = _numeric_targets(sentence, w, mask, offset)
    numeric_clauses = {clause for _, clause in numeric}
    out: list[Target] = [t for t, _ in numeric]
    pos = 0
    n = len(w)
    while pos < n:
        end = _clause_end(w, pos)
        if pos not in numeric_clauses and end > pos:
            milestone = _milestone_in(sentence, w, mask, pos, end, offset)
            if milestone is not None:
                out.append(milestone)
        pos = end + 1
    out.sort(key=lambda t: t.span or (0, 0))
    return tuple(out)


def is_ongoing(sentence: str) -> bool:
    """True for tasks with no end date (常态化, 长期坚持, 持之以恒…)."""
    if not isinstance(sentence, str):
        return False
    return any(word in sentence for word in _lex()["ongoing"])


def has_main_targets(text: str) -> bool:
    """True when ``text`` introduces a list of main targets (主要预期目标是: / 主要目标:)."""
    if not isinstance(text, str) or not text:
        return False
    return _main_start(text.translate(_WIDTH)) is not None


def _main_start(w: str) -> int | None:
    """Position right after "主要预期目标是:" (or 主要目标是 / 为 / :), or None."""
    lex = _lex()
    pattern = re.compile("(?:" + "|".join(map(re.escape, lex["markers"])) + r")\s*(?:(?:是|为)\s*:?|:)\s*")
    for m in pattern.finditer(w):
        if m.end() < len(w) and w[m.end()] not in _SENTENCE_END:
            return m.end()
    return None


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
    w = text.translate(_WIDTH)
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

    def flush():
        nonlocal run
        if run is not None:
            out.append(
                Target(
                    kind="qualitative", text=text[run[0] : run[1]], span=(offset + run[0], offset + run[1])
                )
            )
            run = None

    for c_start, c_end in _pieces(w, start, end, ","):
        c_start, c_end = _strip(w, c_start, c_end)
        if c_start >= c_end:
            continue
        found = find_targets(text[c_start:c_end], offset + c_start)
        if found and all(t.kind == "milestone" for t in found):
            # in the list of main targets the whole item is the milestone: 节能减排完成国家下达任务
            found = (
                Target(kind="milestone", text=text[c_start:c_end], span=(offset + c_start, offset + c_end)),
            )
        if found:
            flush()
            out.extend(found)
        else:
            run = (run[0], c_end) if run is not None else (c_start, c_end)
    flush()
    return out
