"""Sources of supervised work other than the work report: meeting decisions, leaders' instructions
and rectification lists (docs/engine.md, Other sources).

``detect_kind(text)`` names the kind; ``decompose_source(text, kind, ...)`` and
``decompose_table(rows, ...)`` return the same ``Document`` a report gives, with ``kind`` and
``source`` set and, on every task, the deadline as written and as a date, and the lead and co-units
the text itself names (score 1.0, reason 原文指定…) ahead of the lexicon's suggestions.

The outline of a source is flat: one part (the source), one section per group the text makes
(a rectification list's 类别, else one), a theme per item (议定事项, instruction, problem) and the
item's tasks under it: its numbered points (1. 2. / (1) / 一是…二是…), else the item itself. A
rectification list gives one task per problem, its text the problem and then its measures: the
problem is what is checked off (销号), the measures are how.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import NamedTuple

from .assign import suggester_for
from .batch import Joined
from .matcher import UNIT, Dictionary, Entry
from .model import Document, InputError, Part, Section, Span, Suggestion, Task, Theme
from .normalize import clean_chars
from .places import find_places_many, find_programmes
from .targets import find_targets
from .units import Catalog, load_units

KINDS = ("report", "meeting", "instruction", "rectification")
SOURCE_KINDS = KINDS[1:]
KIND_NAMES = {"report": "工作报告", "meeting": "会议纪要", "instruction": "领导批示", "rectification": "整改清单"}

NAMED_LEAD = "原文指定牵头单位"
NAMED_CO = "原文指定配合单位"

# --- data ----------------------------------------------------------------------------------------


def _data_lines(name: str) -> list[list[str]]:
    text = resources.files("luoshi.text").joinpath("data", name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


@cache
def _deadline_words() -> dict[str, str]:
    return {row[0].strip(): row[1].strip() for row in _data_lines("sources_deadlines.txt")}


@cache
def _columns() -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple(
        (row[0].strip(), tuple(h.strip() for h in row[1].split(";"))) for row in _data_lines("sources_columns.txt")
    )


@cache
def _kind_cues() -> tuple[tuple[str, str, re.Pattern[str]], ...]:
    return tuple((row[0], row[1], re.compile(row[2], re.MULTILINE)) for row in _data_lines("sources_kinds.txt"))


# --- recognising the kind --------------------------------------------------------------------------

HEAD_CHARS = 300
BODY_CHARS = 3000
# a rectification list by its labels or columns: a problem, its measures, who and by when
_RECTIFICATION_LABELS = (
    re.compile(r"问题"),
    re.compile(r"整改(?:措施|举措|要求|任务)"),
    re.compile(r"责任(?:单位|部门)|牵头单位"),
    re.compile(r"(?:整改|完成)(?:时限|期限|时间)"),
)


def detect_kind(text: str) -> str:
    """ "meeting", "instruction", "rectification" or "report", from the title and the first pages."""
    head = "\n".join(line for line in text[: HEAD_CHARS * 2].splitlines()[:6])[:HEAD_CHARS]
    body = text[:BODY_CHARS]
    if "政府工作报告" in head:
        return "report"
    for kind, where, pattern in _kind_cues():
        if pattern.search(head if where == "head" else body):
            return kind
    if sum(1 for pattern in _RECTIFICATION_LABELS if pattern.search(body)) == len(_RECTIFICATION_LABELS):
        return "rectification"
    return "report"


# --- deadlines -------------------------------------------------------------------------------------


class Deadline(NamedTuple):
    text: str  # as written
    date: datetime.date | None
    flag: bool  # written but not resolvable to a date
    ongoing: bool


_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def _number(s: str) -> int:
    if s.isdigit():
        return int(s)
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + _CN_DIGITS[s[1]]
    if s.endswith("十"):
        return _CN_DIGITS[s[0]] * 10
    if "十" in s:
        return _CN_DIGITS[s[0]] * 10 + _CN_DIGITS[s[-1]]
    return _CN_DIGITS[s]


_NUM = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
_BEFORE = r"(?:前|之前|以前)?"
# periodic times (每月5日前, 每季度末) are reporting cycles, not deadlines
_PERIODIC = re.compile(r"(?:每|逐)(?:个)?(?:年|季度?|月|周|旬)?(?:的)?$")
_DATED = re.compile(
    r"(?:(?P<year>20\d\d)\s*年\s*|(?P<rel>今年|明年|次年)\s*)?"
    r"(?:"
    r"(?P<month>"
    + _NUM
    + r")\s*月(?:份)?\s*(?:(?P<day>"
    + _NUM
    + r")\s*日|(?P<end>底|末|中旬|上旬|下旬))?"
    + _BEFORE
    + r"|(?P<quarter>第?[一二三四1-4])\s*季度(?:末|底)?"
    + _BEFORE
    + r"|(?P<half>上半年|下半年)"
    + _BEFORE
    + r"|(?P<yearend>底|末|内|年底|年末)"
    + _BEFORE
    + r")"
)
_BY_YEAR = re.compile(
    r"(?:到|至|(?<!关)于|在)\s*(?P<year>20\d\d)\s*年(?:前)?(?![\d一二三四五六七八九十上下第度]|底|末|内)"
)
# a time that names what a text is about, not when it is due: 关于上半年…情况, 截至6月底
_NOT_DUE_BEFORE = re.compile(r"(?:关于|截至|截止|对|听取|总结|回顾|通报)$")
_RELATIVE = re.compile(r"(?:" + _NUM + r"|半)\s*(?:个)?\s*(?:工作日|日|天|周|星期|个月|月|年)(?:之内|以内|内)")


@cache
def _word_pattern() -> re.Pattern[str]:
    words = sorted(_deadline_words(), key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words))


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def find_deadline(text: str, year: int | None, today: datetime.date | None = None) -> Deadline | None:
    """The deadline a text writes, resolved against ``year`` (the document's) and ``today`` (the
    document's date, for 下月底). Several deadlines: the latest date wins (the task's end); a written
    deadline with none resolvable is flagged; 长期坚持 alone makes the task ongoing."""
    found: list[tuple[int, int, Deadline]] = []  # (start, end, deadline)
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    def not_due(start: int) -> bool:
        before = text[max(0, start - 4) : start]
        return bool(_PERIODIC.search(before) or _NOT_DUE_BEFORE.search(before))

    for m in _DATED.finditer(text):
        if not m.group(0).strip() or not_due(m.start()):
            continue
        if m.group("yearend") and not (m.group("year") or m.group("rel")):
            continue  # 底/内 alone is no deadline; 年内 and 年底 are words
        if (
            m.group("month") is None
            and m.group("quarter") is None
            and m.group("half") is None
            and not m.group("year")
            and not m.group("rel")
        ):
            continue
        deadline = _resolve_match(m, year, today)
        if deadline is None:
            continue
        found.append((m.start(), m.end(), deadline))
        taken.append((m.start(), m.end()))
    for m in _BY_YEAR.finditer(text):
        if free(m.start("year"), m.end()):
            found.append(
                (m.start(), m.end(), Deadline(m.group(0), datetime.date(int(m.group("year")), 12, 31), False, False))
            )
            taken.append((m.start(), m.end()))
    for m in _word_pattern().finditer(text):
        if not free(m.start(), m.end()):
            continue
        word = m.group(0)
        if (
            word in ("年内", "全年", "年度内")
            and m.start() > 0
            and text[m.start() - 1] in "0123456789一二两三四五六七八九十几"
        ):
            continue  # 三年内: a span of years, not this year
        if not_due(m.start()):
            continue
        rule = _deadline_words()[word]
        found.append((m.start(), m.end(), _resolve_word(word, rule, year, today)))
        taken.append((m.start(), m.end()))
    for m in _RELATIVE.finditer(text):
        if free(m.start(), m.end()) and not text[max(0, m.start() - 2) : m.start()].endswith(("近", "过去", "连续")):
            found.append((m.start(), m.end(), Deadline(m.group(0), None, True, False)))
    if not found:
        return None
    found.sort(key=lambda item: item[0])
    dated = [d for _, _, d in found if d.date is not None]
    if dated:
        latest = max(dated, key=lambda d: d.date or datetime.date.min)
        # 6月底前完成治理, 长效机制长期坚持: a date, and the work goes on after it
        return latest._replace(ongoing=any(d.ongoing for _, _, d in found))
    flagged = [d for _, _, d in found if d.flag]
    if flagged:
        return flagged[-1]
    return found[-1][2]


def _resolve_match(m: re.Match[str], year: int | None, today: datetime.date | None) -> Deadline | None:
    written = m.group(0)
    explicit = m.group("year")
    rel = m.group("rel")
    base = int(explicit) if explicit else year
    if rel in ("明年", "次年") and base is not None:
        base = (year or base) + 1
    month_s, quarter, half, yearend = m.group("month"), m.group("quarter"), m.group("half"), m.group("yearend")
    month, day = 12, 31
    if month_s is not None:
        month = _number(month_s)
        if not 1 <= month <= 12:
            return None
        end = m.group("end")
        if m.group("day") is not None:
            day = _number(m.group("day"))
        elif end == "上旬":
            day = 10
        elif end == "中旬":
            day = 20
        elif end in ("底", "末", "下旬") or written.rstrip("前之以").endswith(("月", "月份")):
            day = 0  # the month's last day
        else:
            day = 0
        if m.group("day") is None and end is None and written.endswith(("前", "之前", "以前")):
            # 6月前: before June begins, the last day of May
            month -= 1
            if month == 0:
                return Deadline(written, None, True, False)
    elif quarter is not None:
        month = 3 * _number(quarter.lstrip("第"))
        day = 0
        if not 3 <= month <= 12:
            return None
    elif half is not None:
        month, day = (6, 30) if half == "上半年" else (12, 31)
    elif yearend is not None:
        month, day = 12, 31
    if base is None:
        return Deadline(written, None, True, False)
    try:
        date = _month_end(base, month) if day == 0 else datetime.date(base, month, day)
    except ValueError:
        return Deadline(written, None, True, False)
    if month_s is not None and not explicit and not rel and today is not None and date < today:
        date = (
            date.replace(year=date.year + 1)
            if not (date.month == 2 and date.day == 29)
            else _month_end(date.year + 1, 2)
        )
    return Deadline(written, date, False, False)


def _resolve_word(word: str, rule: str, year: int | None, today: datetime.date | None) -> Deadline:
    if rule == "ongoing":
        return Deadline(word, None, False, True)
    if rule == "flag":
        return Deadline(word, None, True, False)
    if rule in ("this-month-end", "next-month-end"):
        if today is None:
            return Deadline(word, None, True, False)
        month = today.month + (1 if rule == "next-month-end" else 0)
        y = today.year + (month - 1) // 12
        return Deadline(word, _month_end(y, (month - 1) % 12 + 1), False, False)
    if year is None:
        return Deadline(word, None, True, False)
    month_s, day_s = rule.split("-")
    return Deadline(word, datetime.date(year, int(month_s), int(day_s)), False, False)


# --- units the text names ------------------------------------------------------------------------

_UNIT_SUFFIX = r"(?:委员会|办公室|管理局|局|委|办|厅|署|部|中心|政府|行委|公司|集团|银行|法院|检察院|院|支队|大队|队|站|所|社|团委|妇联|工会|协会|联合会)"
_UNIT_NAME = re.compile(r"[\u4e00-\u9fff]{1,16}?" + _UNIT_SUFFIX + r"(?:[\u4e00-\u9fff]{0,6}?" + _UNIT_SUFFIX + r")?")
_LIST_SPLIT = re.compile(r"[、,，和及与/]|以及")
_LEAD_MARK = re.compile(r"[(（]\s*牵头\s*[)）]")
_ROLE_WORDS = re.compile(
    r"^(?:由|请|责成|要求|会同|协同|联合|组织|指导|督促|并|牵头|配合|负责)+|(?:牵头|配合|负责|等单位|等部门|等)+$"
)


@dataclass
class _Resolver:
    """Unit names as written → the catalog's labels (or the name as written, without a catalog)."""

    catalog: Catalog | None
    exact: dict[str, str] = field(default_factory=dict)
    core: dict[str, str] = field(default_factory=dict)
    dictionary: Dictionary | None = None

    def label(self, name: str) -> str:
        name = name.strip()
        if not self.catalog:
            return name
        if name in self.exact:
            return self.exact[name]
        stripped = _strip_level(name)
        return self.core.get(stripped) or self.exact.get(stripped) or name

    def mentions(self, text: str) -> list[tuple[int, int, str]]:
        """Units named in ``text``: (start, end, label), left to right."""
        if self.dictionary is not None:
            found = [(start, end, self.label(term)) for start, end, _kind, term, _payload in self.dictionary.scan(text)]
            if found:
                return found
        return [(m.start(), m.end(), self.label(m.group(0))) for m in _UNIT_NAME.finditer(text)]


_LEVEL_PREFIX = re.compile(r"^(?:中共)?(?:海西蒙古族藏族自治州|海西州|海西|州|省|市|县|区)")


def _strip_level(name: str) -> str:
    return _LEVEL_PREFIX.sub("", name, count=1)


_RESOLVERS: dict[int, tuple[Catalog, _Resolver]] = {}


def _resolver(catalog: Catalog | None) -> _Resolver:
    if catalog is None:
        return _Resolver(None)
    cached = _RESOLVERS.get(id(catalog))
    if cached is not None and cached[0] is catalog:
        return cached[1]
    exact: dict[str, str] = {}
    cores: dict[str, set[str]] = {}
    for unit in catalog:
        for name in unit.names:
            exact.setdefault(name, unit.label)
            stripped = _strip_level(name)
            if len(stripped) >= 2 and not unit.is_government:
                cores.setdefault(stripped, set()).add(unit.label)
    unique = {name: next(iter(labels)) for name, labels in cores.items() if len(labels) == 1}
    entries: dict[str, Entry] = {}
    for name in [*exact, *unique]:
        if len(name) >= 2:
            entries.setdefault(name, (UNIT, name, ()))
    resolver = _Resolver(catalog, exact, unique, Dictionary(entries))
    if len(_RESOLVERS) > 16:
        _RESOLVERS.clear()
    _RESOLVERS[id(catalog)] = (catalog, resolver)
    return resolver


_CLAUSE = re.compile(r"[^,，;；。:：!！?？]+")
_LEAD_CUE = re.compile(r"牵头|主办|主责")
_CO_CUE = re.compile(r"配合|协助|协办|参与")
_WITH_CUE = re.compile(r"会同|协同|联合")
_RESPONSIBLE_CUE = re.compile(r"负责")
_ASK = re.compile(r"(?:由|请|责成)")
# words that open a clause before the unit it names: 一是, 会议议定, 会议要求, 同时, 并
_OPENING = re.compile(
    r"^(?:[一二三四五六七八九十]{1,2}是|第[一二三四五六七八九十]{1,2}|会议(?:议定|要求|明确|决定|同意|强调|指出)?|同时|并|另外|其中|对此)*"
)
_PARENS = re.compile(r"[(（][^)）]*[)）]")
_GROUP = re.compile(r"各|有关|相关|等|成员单位|部门$")
_TRAILING = re.compile(r"(?:要|应|须|需|必须|切实|等单位|等部门|等)$")


def _units_in(segment: str, resolver: _Resolver, *, whole: bool) -> list[str]:
    """The units a list names (州财政局、州人社局): each piece a catalog name or a unit-like name.
    ``whole``: every piece must be a unit (a segment ending at its cue); else the list ends at the
    first piece with words after its name (会同州财政局、州人社局抓紧研究…)."""
    out: list[str] = []
    for piece in _LIST_SPLIT.split(_PARENS.sub("", segment)):
        piece = _TRAILING.sub("", _OPENING.sub("", piece.strip())).strip()
        if not piece:
            continue
        if _GROUP.search(piece):
            if whole:
                continue
            break
        label = resolver.label(piece)
        if label != piece or (resolver.catalog and piece in resolver.exact):
            out.append(label)
            continue
        if _UNIT_NAME.fullmatch(piece):
            out.append(piece)
            continue
        found = resolver.mentions(piece)
        if found and found[0][0] == 0:
            out.append(found[0][2])
        if not whole or not found:
            break
    return list(dict.fromkeys(out))


def named_units(text: str, resolver: _Resolver) -> tuple[list[str], list[str]]:
    """The lead units and co-units a text names itself: 由X牵头, Y、Z配合; X会同Y; 请X负责; 由X…."""
    leads: list[str] = []
    co: list[str] = []

    def add(target: list[str], labels: Iterable[str]) -> None:
        for label in labels:
            if label and label not in leads and label not in co:
                target.append(label)

    for clause_match in _CLAUSE.finditer(text):
        clause = clause_match.group(0).strip()
        lead_cue = _LEAD_CUE.search(clause)
        with_cue = _WITH_CUE.search(clause)
        co_cue = _CO_CUE.search(clause)
        responsible = _RESPONSIBLE_CUE.search(clause)
        ask = _ASK.search(clause)
        if lead_cue or (responsible and not leads):
            cue = lead_cue or responsible
            assert cue is not None
            before = clause[: cue.start()]
            asked = list(_ASK.finditer(before))
            if asked:
                before = before[asked[-1].end() :]
            if with_cue and with_cue.start() < cue.start():
                before = clause[: with_cue.start()]
            add(leads, _units_in(before, resolver, whole=True))
            if with_cue:
                add(co, _units_in(clause[with_cue.end() :], resolver, whole=False))
            elif co_cue and co_cue.start() > cue.start():
                add(co, _units_in(clause[cue.end() : co_cue.start()], resolver, whole=True))
        elif with_cue:
            before = clause[: with_cue.start()]
            asked = list(_ASK.finditer(before))
            if asked:
                before = before[asked[-1].end() :]
            if not leads:
                add(leads, _units_in(before, resolver, whole=True)[:1])
            add(co, _units_in(clause[with_cue.end() :], resolver, whole=False))
        elif co_cue:
            add(co, _units_in(clause[: co_cue.start()], resolver, whole=True))
        elif ask and not leads and ask.start() <= 6:
            add(leads, _units_in(clause[ask.end() :], resolver, whole=False)[:1])
    return leads, co


def units_of_cell(cell: str, resolver: _Resolver) -> tuple[list[str], list[str]]:
    """A 责任单位 cell: the unit marked (牵头) leads, else the first named; the rest co-operate."""
    cell = cell.strip()
    if not cell:
        return [], []
    names: list[tuple[str, bool]] = []
    cell = re.sub(r"[(（](?!\s*牵头\s*[)）])[^)）]*[)）]", "", cell)
    for piece in re.split(r"[、,，;；/\n]|以及|及(?=[\u4e00-\u9fff]{2,}(?:局|委|办|厅|部|政府|行委|市|县))", cell):
        marked = bool(_LEAD_MARK.search(piece)) or piece.strip().endswith("牵头")
        piece = _LEAD_MARK.sub("", piece)
        piece = re.sub(r"[(（][^)）]*[)）]", "", piece)
        piece = _ROLE_WORDS.sub("", piece.strip()).strip()
        if piece and not _GROUP.search(piece):
            names.append((resolver.label(piece), marked))
    if not names:
        return [], []
    marked_names = [n for n, m in names if m]
    lead = marked_names if marked_names else [names[0][0]]
    co = [n for n, _ in names if n not in lead]
    return list(dict.fromkeys(lead)), list(dict.fromkeys(co))


# --- items -----------------------------------------------------------------------------------------


@dataclass
class _Item:
    """A task to be: its text and span in the document text, where it sits, what it says of itself."""

    text: str
    span: Span
    theme: str
    section: str | None = None
    leads: list[str] = field(default_factory=list)
    co_units: list[str] = field(default_factory=list)
    deadline_text: str | None = None  # from a 时限 column or label, when the source has one
    inherited_leads: list[str] = field(default_factory=list)
    inherited_co: list[str] = field(default_factory=list)
    inherited_deadline: str | None = None


_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("cn", re.compile(r"^\s*(?:第)?([一二三四五六七八九十]{1,3})\s*[、.．]\s*")),
    ("cn-paren", re.compile(r"^\s*[(（]\s*([一二三四五六七八九十]{1,3})\s*[)）]\s*")),
    ("num", re.compile(r"^\s*(\d{1,2})\s*(?:[、．]|\.(?!\d))\s*")),
    ("num-paren", re.compile(r"^\s*[(（]\s*(\d{1,2})\s*[)）]\s*")),
    ("circled", re.compile(r"^\s*([①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])\s*")),
)
_RUN_ON = re.compile(
    r"(?:^|(?<=[;；。:：,，\s]))(?:[一二三四五六七八九十]{1,2}是|第[一二三四五六七八九十]{1,2}[,，、])"
)


def _marker(line: str) -> tuple[str, re.Match[str]] | None:
    for kind, pattern in _MARKERS:
        m = pattern.match(line)
        if m:
            return kind, m
    return None


def _lines(text: str) -> list[tuple[str, Span]]:
    out = []
    pos = 0
    for line in text.split("\n"):
        start = pos + (len(line) - len(line.lstrip()))
        stripped = line.strip()
        if stripped:
            out.append((stripped, (start, start + len(stripped))))
        pos += len(line) + 1
    return out


def _run_on(text: str, offset: int) -> list[tuple[str, Span]] | None:
    """一是…;二是…;三是… cut at each: [(lead-in, span), (item, span), ...], or None."""
    cuts = [m.start() for m in _RUN_ON.finditer(text)]
    if len(cuts) < 2:
        return None
    pieces = [(text[: cuts[0]], (offset, offset + cuts[0]))]
    for i, start in enumerate(cuts):
        end = cuts[i + 1] if i + 1 < len(cuts) else len(text)
        piece = text[start:end]
        stripped = piece.rstrip(" ;；,，")
        pieces.append((stripped, (offset + start, offset + start + len(stripped))))
    return pieces


_HEADING_LIKE = re.compile(r"^[^。;；]{2,40}$")
_END_OF_DECISIONS = re.compile(
    r"^\s*(?:(?:参加|参会|出席|列席)(?:人员|单位|领导)|出席|列席|请假|缺席|参会|参加会议|记录|抄送|主送|分送|印发|发送|报送|附件|联系人)[:：\s]"
)
_DECISIONS_START = re.compile(
    r"议定|会议研究|会议决定|纪要如下|会议明确|会议要求|会议同意|会议指出|事项如下|现将.{0,20}如下"
)
_MEETING_PARAGRAPH = re.compile(r"^\s*会议(?:听取|研究|审议|议定|同意|决定|要求|明确|原则同意|强调|指出|认为)")
_LABEL = re.compile(
    r"(?P<label>问题描述|存在问题|反馈问题|具体问题|问题|整改措施|整改举措|整改要求|整改目标|责任单位|责任部门|牵头单位|牵头部门|配合单位|配合部门|责任领导|整改时限|完成时限|整改期限|完成时间)\s*[:：]\s*"
)


def _numbered_items(lines: list[tuple[str, Span]]) -> list[tuple[str, Span, list[tuple[str, Span]]]]:
    """Items by the top level of numbering: (first line without its number, its span, the lines
    after it up to the next item)."""
    top = None
    for line, _ in lines:
        found = _marker(line)
        if found:
            top = found[0]
            break
    if top is None:
        return []
    items: list[tuple[str, Span, list[tuple[str, Span]]]] = []
    for line, span in lines:
        found = _marker(line)
        if found and found[0] == top:
            m = found[1]
            items.append((line[m.end() :], (span[0] + m.end(), span[1]), []))
        elif items:
            items[-1][2].append((line, span))
    return items


def _split_points(head: str, head_span: Span, rest: list[tuple[str, Span]]) -> tuple[str, list[tuple[str, Span]]]:
    """An item's title and its points: numbered lines under it, 一是…二是… in it, or itself."""
    sub = _numbered_items(rest)
    if sub:
        return head, [(line, span) for line, span, more in sub for line, span in [_joined(line, span, more)]]
    body = [(head, head_span), *rest]
    text, span = _joined(head, head_span, rest)
    cut = _run_on(text, span[0]) if len(body) == 1 else None
    if cut:
        lead_in = cut[0][0].strip(" :：,，")
        return lead_in or head, cut[1:]
    if rest and _HEADING_LIKE.match(head) and not head.endswith(("。", "；", ";")):
        # a heading line (关于…事项) and its paragraphs
        text, span = _joined(rest[0][0], rest[0][1], rest[1:])
        cut = _run_on(text, span[0])
        if cut and len(rest) == 1:
            return head, cut[1:]
        return head, [(text, span)]
    return _title_of(text), [(text, span)]


def _joined(head: str, span: Span, rest: list[tuple[str, Span]]) -> tuple[str, Span]:
    if not rest:
        return head, span
    return "".join([head, *(line for line, _ in rest)]), (span[0], rest[-1][1][1])


def _title_of(text: str) -> str:
    m = re.match(r"[^。;；]{1,60}", text)
    return (m.group(0) if m else text[:60]).strip()


# --- the readers -----------------------------------------------------------------------------------

_DATE = re.compile(r"(20\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_CN_DATE = re.compile(
    r"(二[〇○零O0][一二三四五六七八九〇○零O0]{2})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日"
)
_NUMBER = re.compile(
    r"(?:[〔\[【(（]\s*20\d\d\s*[〕\]】)）]\s*(?:第\s*)?\d+\s*号)|第\s*[\d一二三四五六七八九十]+\s*期|第\s*[\d一二三四五六七八九十]+\s*次"
)
_YEAR = re.compile(r"(20\d\d)\s*年")


def _date_of(text: str) -> datetime.date | None:
    m = _DATE.search(text)
    if m:
        try:
            return datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    m = _CN_DATE.search(text)
    if m:
        digits = {"〇": 0, "○": 0, "零": 0, "O": 0, "0": 0, **_CN_DIGITS}
        year = int("".join(str(digits[c]) for c in m.group(1)))
        try:
            return datetime.date(year, _number(m.group(2)), _number(m.group(3)))
        except (ValueError, KeyError):
            return None
    return None


@dataclass
class _Read:
    """What a reader found: the items, the title, the source fields, warnings."""

    items: list[_Item]
    title: str | None
    source: dict[str, str]
    date: datetime.date | None = None
    warnings: list[str] = field(default_factory=list)


def _title_lines(lines: list[tuple[str, Span]], limit: int = 4) -> list[str]:
    return [line for line, _ in lines[:limit]]


def read_meeting(text: str, lines: list[tuple[str, Span]]) -> _Read:
    title = next((line for line, _ in lines[:4] if "纪要" in line), lines[0][0] if lines else None)
    source: dict[str, str] = {}
    head_text = "\n".join(_title_lines(lines, 6))
    name = title or ""
    if name:
        source["name"] = name.strip("《》")
    number = _NUMBER.search(head_text)
    if number:
        source["number"] = re.sub(r"\s+", "", number.group(0))
    date = _date_of(head_text) or _date_of(text[:1500])
    if date:
        source["date"] = date.isoformat()
    start = 0
    for i, (line, _) in enumerate(lines):
        if i == 0 and "纪要" in line:
            continue
        if _DECISIONS_START.search(line) or _marker(line):
            start = i
            break
    else:
        start = len(lines)
    body: list[tuple[str, Span]] = []
    for line, span in lines[start:]:
        if _END_OF_DECISIONS.match(line):
            break
        body.append((line, span))
    items: list[_Item] = []
    # the line that opens the decisions may hold them run on: 会议议定:一是…;二是…
    numbered = [(line, span) for line, span in body if _marker(line)]
    if numbered:
        first = next(i for i, (line, _) in enumerate(body) if _marker(line))
        for head, head_span, rest in _numbered_items(body[first:]):
            title, points = _split_points(head, head_span, rest)
            items.extend(_Item(point, span, title) for point, span in points)
    else:
        for line, span in body:
            cut = _run_on(line, span[0])
            if cut:
                lead_in = cut[0][0].strip(" :：,，") or "会议议定事项"
                items.extend(_Item(piece, piece_span, lead_in) for piece, piece_span in cut[1:])
        for line, span in body if not items else ():
            if _MEETING_PARAGRAPH.match(line) and not re.match(r"^\s*会议(?:听取|研究|审议)[^。]*。?$", line):
                items.append(_Item(line, span, _title_of(line)))
    if not items:
        raise InputError(
            "会议纪要中没有找到议定事项: 请确认正文含“会议议定”“会议研究”等及其编号事项(一、二、或一是、二是)"
        )
    return _Read(items, title, source, date)


_INSTRUCTION_CONTENT = re.compile(r"^\s*(?:领导)?批示(?:内容|意见)\s*[:：|]\s*")
_INSTRUCTION_FIELD = re.compile(
    r"^\s*(?P<label>来文标题|文件标题|文件名称|来文名称|标题|来文单位|批示领导|批示人|批示时间|批示日期|来文字号|收文编号|文号|办理要求|拟办意见|办理时限|承办单位|主办单位|牵头单位|配合单位|会办单位|办理单位)\s*[:：|]\s*(?P<value>.*)$"
)
_INLINE_INSTRUCTION = re.compile(
    r"(?P<leader>[\u4e00-\u9fff]{2,12}?)\s*(?:同志)?\s*(?:在|对)\s*(?P<document>《[^》]+》|[^,，。“]{0,20}?)\s*(?:上|中)?\s*"
    r"(?:作出|做出)?(?:重要)?批示\s*[:：]\s*“(?P<content>[^”]+)”"
)
_LEADER_OPENING = re.compile(r"^.*?日\s*[,，]?\s*")
_NO_ACTION = re.compile(r"^(?:已阅|阅|阅知|知悉|圈阅|已知|同意|阅。|已阅。|同意。|阅示)[。.!！]?$")


def read_instruction(text: str, lines: list[tuple[str, Span]]) -> _Read:
    title = lines[0][0] if lines else None
    source: dict[str, str] = {}
    items: list[_Item] = []
    content_lines: list[tuple[str, Span]] = []
    leads_field: list[str] = []
    co_field: list[str] = []
    deadline_field: str | None = None
    in_content = False
    for line, span in lines:
        m = _INSTRUCTION_CONTENT.match(line)
        if m:
            in_content = True
            rest = line[m.end() :]
            if rest:
                content_lines.append((rest, (span[0] + m.end(), span[1])))
            continue
        f = _INSTRUCTION_FIELD.match(line)
        if f:
            in_content = False
            label, value = f.group("label"), f.group("value").strip()
            if label in ("来文标题", "文件标题", "文件名称", "来文名称", "标题") and value:
                source["document"] = value
            elif label in ("批示领导", "批示人") and value:
                source["leader"] = value
            elif label in ("批示时间", "批示日期") and value:
                d = _date_of(value)
                source["date"] = d.isoformat() if d else value
            elif label in ("牵头单位", "承办单位", "主办单位", "办理单位") and value:
                leads_field.append(value)
            elif label in ("配合单位", "会办单位") and value:
                co_field.append(value)
            elif label == "办理时限" and value:
                deadline_field = value
            continue
        if in_content:
            if re.match(r"^\s*[\u4e00-\u9fff]{2,6}\s*[:：|]", line) and not _marker(line):
                in_content = False
                continue
            content_lines.append((line, span))
    if not content_lines:
        for m in _INLINE_INSTRUCTION.finditer(text):
            leader = _LEADER_OPENING.sub("", m.group("leader")).strip()
            if leader:
                source.setdefault("leader", leader)
            if m.group("document").startswith("《"):
                source.setdefault("document", m.group("document"))
            # an instruction of several sentences is as many tasks (请格尔木市负责…。州医保局要…。)
            for sentence in re.finditer(r"[^。;；]+[。;；]?", m.group("content")):
                piece = sentence.group(0).strip()
                if piece:
                    start = (
                        m.start("content")
                        + sentence.start()
                        + (len(sentence.group(0)) - len(sentence.group(0).lstrip()))
                    )
                    content_lines.append((piece, (start, start + len(piece))))
            before = text[max(0, m.start() - 40) : m.start() + 20]
            d = _date_of(before)
            if d:
                source.setdefault("date", d.isoformat())
    date = None
    if "date" in source:
        try:
            date = datetime.date.fromisoformat(source["date"])
        except ValueError:
            date = None
    if date is None:
        date = _date_of(text[:2000])
        if date:
            source.setdefault("date", date.isoformat())
    for line, span in content_lines:
        stripped = line.strip()
        if not stripped or _NO_ACTION.match(stripped) or len(stripped.rstrip("。")) <= 2:
            continue
        found = _marker(stripped)
        if found:
            stripped = stripped[found[1].end() :]
            span = (span[0] + found[1].end(), span[1])
        cut = _run_on(stripped, span[0])
        theme = source.get("document") or "领导批示"
        if cut:
            items.extend(_Item(piece, piece_span, theme) for piece, piece_span in cut[1:])
        else:
            items.append(_Item(stripped, span, theme))
    if not items:
        raise InputError("批示件中没有需要办理的事项: 批示内容为空或只是圈阅(已阅、同意), 请确认所附批示")
    if leads_field or co_field or deadline_field:
        for item in items:
            item.inherited_leads = leads_field
            item.inherited_co = co_field
            item.inherited_deadline = deadline_field
    return _Read(items, title, source, date)


def read_rectification_text(text: str, lines: list[tuple[str, Span]]) -> _Read:
    """A rectification list written as text: numbered problems with labelled fields, or a table
    the .docx reader turned into ``a | b | c`` lines."""
    title = next((line for line, _ in lines[:4] if re.search(r"整改|清单|台账", line) and " | " not in line), None)
    source = _rectification_source(title or "", text)
    rows = [i for i, (line, _) in enumerate(lines) if " | " in line]
    if len(rows) >= 2:
        # the table from its header on, with the lines between rows (一、…方面) as category rows
        return _read_rectification_rows(text, lines[rows[0] :], title, source)
    items: list[_Item] = []
    category: str | None = None
    current: dict[str, tuple[str, Span]] = {}
    first_span: Span | None = None
    last_end = 0
    heading_title: str | None = None

    def flush() -> None:
        nonlocal current, first_span, heading_title
        if current or heading_title:
            problem = current.get("problem")
            if problem is None and heading_title is not None and first_span is not None:
                problem = (heading_title, first_span)
            if problem is not None:
                items.append(
                    _rectification_item(text, problem, current, category, (first_span or problem[1])[0], last_end)
                )
        current = {}
        first_span = None
        heading_title = None

    top = None
    for line, _span in lines:
        found = _marker(line)
        if found:
            top = found[0]
            break
    for line, span in lines:
        found = _marker(line)
        body_line, body_span = line, span
        if found and found[0] == top:
            flush()
            body_line = line[found[1].end() :]
            body_span = (span[0] + found[1].end(), span[1])
            first_span = body_span
            if not _LABEL.match(body_line):
                heading_title = body_line
                last_end = body_span[1]
                continue
        elif (
            found is None
            and not current
            and not heading_title
            and not _LABEL.search(line)
            and lines.index((line, span)) > 0
            and line != title
        ):
            if re.search(r"方面|问题$|类", line) and len(line) <= 30:
                category = re.sub(r"^[一二三四五六七八九十]+[、.]", "", line)
            continue
        matches = list(_LABEL.finditer(body_line))
        if not matches:
            if current:
                key = list(current)[-1]
                old_text, old_span = current[key]
                current[key] = (old_text + body_line, (old_span[0], body_span[1]))
                last_end = body_span[1]
            continue
        if first_span is None:
            first_span = body_span
        for i, m in enumerate(matches):
            end = matches[i + 1].start() if i + 1 < len(matches) else len(body_line)
            value = body_line[m.end() : end].strip(" ;；")
            field_name = _label_field(m.group("label"))
            vstart = body_span[0] + m.end()
            current[field_name] = (value, (vstart, vstart + len(value)))
        last_end = body_span[1]
    flush()
    if not items:
        raise InputError("整改清单中没有找到问题: 请确认每条含“问题”“整改措施”“责任单位”“整改时限”")
    return _Read(items, title, source, _date_of(source.get("date", "")) if source.get("date") else None)


def _label_field(label: str) -> str:
    for name, headings in _columns():
        if label in headings:
            return name
    return label


def _rectification_source(title: str, text: str) -> dict[str, str]:
    source: dict[str, str] = {}
    m = re.search(
        r"([\u4e00-\u9fff]{2,30}?(?:督察组|督查组|巡视组|巡察组|督导组|审计署|审计厅|审计局|督察|督查|巡视|巡察|审计|检查组))",
        title,
    )
    if m:
        body = m.group(1)
        body = re.sub(r"^(?:关于|落实|对|针对|贯彻)+", "", body)
        source["body"] = body
    # the date of the list or of the feedback, before its first item (a deadline is no source date)
    first_item = re.search(
        r"^\s*(?:[一二三四五六七八九十]{1,3}[、.]|[(（][一二三四五六七八九十]|\d{1,2}[.、]|序号|.* \| )", text, re.M
    )
    d = _date_of(text[: first_item.start() if first_item else 300])
    if d:
        source["date"] = d.isoformat()
    return source


def _rectification_item(
    text: str,
    problem: tuple[str, Span],
    fields: Mapping[str, tuple[str, Span]],
    category: str | None,
    start: int,
    end: int,
) -> _Item:
    problem_text = problem[0].strip()
    measures = fields.get("measures", ("", problem[1]))[0].strip()
    joined = problem_text
    if measures:
        joined = problem_text + ("" if problem_text.endswith(("。", ";", "；")) else "。") + "整改措施:" + measures
    item = _Item(joined, (start, end), _title_of(problem_text), category)
    _fill_units(item, fields)
    return item


def _fill_units(item: _Item, fields: Mapping[str, tuple[str, Span]]) -> None:
    item.deadline_text = fields["deadline"][0] if "deadline" in fields and fields["deadline"][0] else None
    item.inherited_leads = [fields["lead"][0]] if fields.get("lead") and fields["lead"][0] else []
    item.inherited_co = [fields["co_units"][0]] if fields.get("co_units") and fields["co_units"][0] else []
    if fields.get("units") and fields["units"][0]:
        item.inherited_leads = [*item.inherited_leads, "\x00" + fields["units"][0]]  # a 责任单位 cell


def _header_fields(cells: Sequence[str]) -> dict[int, str]:
    out: dict[int, str] = {}
    for i, cell in enumerate(cells):
        heading = re.sub(r"\s+", "", cell)
        heading = re.sub(r"(?:名称|内容)$", "", heading) or heading
        for name, headings in _columns():
            if heading in headings and name not in out.values():
                out[i] = name
                break
    return out


def _find_header(rows: Sequence[Sequence[str]], within: int = 8) -> tuple[int, dict[int, str]] | None:
    for i, row in enumerate(rows[:within]):
        fields = _header_fields(row)
        if len(fields) >= 2 and ({"problem", "measures", "units", "lead"} & set(fields.values())):
            return i, fields
    return None


def _check_columns(fields: Mapping[int, str]) -> None:
    names = set(fields.values())
    if "problem" not in names:
        raise InputError("整改清单缺少“问题”列: 表头应含“问题”或“问题描述”, 以及“整改措施”“责任单位”“整改时限”")
    if not names & {"units", "lead"}:
        raise InputError("整改清单缺少“责任单位”列: 表头应含“责任单位”或“牵头单位”, 每个问题要有责任单位")


def _read_rectification_rows(
    text: str, table: list[tuple[str, Span]], title: str | None, source: dict[str, str]
) -> _Read:
    cells_of = [_cells(line, span) for line, span in table]
    header = _find_header([[c for c, _ in row] for row in cells_of])
    if header is None:
        raise InputError("整改清单缺少“问题”列: 表头应含“问题”或“问题描述”, 以及“整改措施”“责任单位”“整改时限”")
    index, fields = header
    _check_columns(fields)
    items: list[_Item] = []
    category: str | None = None
    for (line, span), row in zip(table[index + 1 :], cells_of[index + 1 :], strict=True):
        values: dict[str, tuple[str, Span]] = {}
        filled = [cell for cell, _ in row if cell]
        if len(filled) == 1 and not (fields.get(0) == "problem" and len(row) == 1 and len(cells_of[index]) == 1):
            category = filled[0]  # a category row (一、…方面), merged across the table or standing alone
            continue
        for i, (cell, cell_span) in enumerate(row):
            name = fields.get(i)
            if name:
                values[name] = (cell, cell_span)
        if "category" in values and values["category"][0]:
            category = values["category"][0]
        problem = values.get("problem")
        if problem is None or not problem[0]:
            continue
        _ = line
        items.append(_rectification_item(text, problem, values, category, span[0], span[1]))
    if not items:
        raise InputError("整改清单中没有任何问题: 表头下面的行都是空的, 请检查表格")
    date = _date_of(source["date"]) if "date" in source else None
    return _Read(items, title, source, date)


def _cells(line: str, span: Span) -> list[tuple[str, Span]]:
    out = []
    pos = 0
    for cell in line.split(" | "):
        start = span[0] + pos + (len(cell) - len(cell.lstrip()))
        out.append((cell.strip(), (start, start + len(cell.strip()))))
        pos += len(cell) + 3
    return out


# --- building the document -------------------------------------------------------------------------


def decompose_source(
    text: str,
    kind: str,
    *,
    units: Catalog | str | Path | None = None,
    year: int | None = None,
    overrides: Mapping[str, str] | None = None,
) -> Document:
    """A meeting summary, an instruction or a rectification list as a Document of ``kind``."""
    if kind not in SOURCE_KINDS:
        raise InputError(f"未知的来源类型 {kind}: 应为 report、meeting、instruction 或 rectification")
    # a source is short and typed: its lines are its paragraphs (a report's re-joining of page-cut
    # paragraphs would run a 纪要's attendance lines into its last decision)
    clean = "\n".join(line.strip() for line in clean_chars(text).split("\n"))
    lines = _lines(clean)
    if not lines:
        raise InputError(f"{KIND_NAMES[kind]}内容为空: 请提供正文")
    if kind == "meeting":
        read = read_meeting(clean, lines)
    elif kind == "instruction":
        read = read_instruction(clean, lines)
    else:
        read = read_rectification_text(clean, lines)
    return _document(clean, kind, read, units, year, overrides)


def decompose_table(
    rows: Sequence[Mapping[str, str]],
    *,
    kind: str = "rectification",
    units: Catalog | str | Path | None = None,
    year: int | None = None,
    overrides: Mapping[str, str] | None = None,
    title: str | None = None,
) -> Document:
    """A rectification list given as rows (column heading → cell): one task per problem.

    The text the spans index is the table itself, a line a row (the header, then each row's cells
    joined by `` | ``). ``title`` (the sheet's title line, if any) names the inspecting body."""
    if kind != "rectification":
        raise InputError(f"表格只能按整改清单(rectification)读取, 不能按 {kind}")
    if not rows:
        raise InputError("整改清单是空的: 表格没有任何行")
    headings: list[str] = []
    for row in rows:
        for key in row:
            if key not in headings:
                headings.append(key)
    fields = _header_fields(headings)
    _check_columns(fields)
    lines = [" | ".join(headings)]
    for row in rows:
        lines.append(" | ".join(_flat(row.get(h) or "") for h in headings))
    body = "\n".join(lines)
    text = (title + "\n" + body) if title else body
    spans = _lines(text)
    table = spans[1:] if title else spans
    source = _rectification_source(title or "", text)
    read = _read_rectification_rows(text, table, title, source)
    return _document(text, kind, read, units, year, overrides)


def _flat(cell: str) -> str:
    return re.sub(r"\s*\n\s*", "", str(cell)).replace(" | ", " / ").strip()


def has_table_header(table: Sequence[Sequence[str]]) -> bool:
    """True when a table (rows of cells) has a rectification list's header near its top."""
    return _find_header(table, within=40) is not None


def rows_of_sheet(table: Sequence[Sequence[str]]) -> tuple[str | None, list[dict[str, str]]]:
    """A sheet or a .docx table (rows of cells) → (its title line, its rows as dicts by heading).
    The header is the first of the first eight rows that names at least two known columns."""
    header = _find_header(table, within=40)
    if header is None:
        raise InputError("整改清单缺少“问题”列: 表头应含“问题”或“问题描述”, 以及“整改措施”“责任单位”“整改时限”")
    index, _fields = header
    headings = [c.strip() for c in table[index]]
    title = next((c.strip() for row in table[:index] for c in row if c and re.search(r"整改|清单|台账", c)), None)
    rows = []
    for row in table[index + 1 :]:
        if not any(c.strip() for c in row):
            continue
        cells = list(row) + [""] * (len(headings) - len(row))
        rows.append({h or f"列{i + 1}": cells[i].strip() for i, h in enumerate(headings)})
    return title, rows


def _document(
    text: str,
    kind: str,
    read: _Read,
    units: Catalog | str | Path | None,
    year: int | None,
    overrides: Mapping[str, str] | None,
    *,
    dropped: tuple[str, ...] = (),
    warnings: tuple[str, ...] = (),
) -> Document:
    catalog = load_units(units) if units is not None else None
    resolver = _resolver(catalog)
    date = read.date
    if year is None:
        year = date.year if date else None
    if year is None:
        m = _YEAR.search(text[:600])
        year = int(m.group(1)) if m else None
    suggester = suggester_for(catalog, overrides) if catalog is not None else None
    sentences = Joined([item.text for item in read.items])
    places = find_places_many(sentences, catalog)
    suggested = (
        suggester.suggest_many([(item.text, item.theme, item.section) for item in read.items])
        if suggester is not None
        else [None] * len(read.items)
    )
    out_warnings = list(warnings) + read.warnings
    sections: dict[str | None, dict[str, list[Task]]] = {}
    theme_spans: dict[tuple[str | None, str], Span] = {}
    for item, result, found in zip(read.items, suggested, places, strict=True):
        leads, co = named_units(item.text, resolver)
        if not leads:
            for cell in item.inherited_leads:
                if cell.startswith("\x00"):
                    cell_leads, cell_co = units_of_cell(cell[1:], resolver)
                    leads.extend(u for u in cell_leads if u not in leads)
                    co.extend(u for u in cell_co if u not in co and u not in leads)
                else:
                    leads.extend(
                        u for u in units_of_cell(cell, resolver)[0] + units_of_cell(cell, resolver)[1] if u not in leads
                    )
            for cell in item.inherited_co:
                lead_part, co_part = units_of_cell(cell, resolver)
                co.extend(u for u in lead_part + co_part if u not in co and u not in leads)
        co = [u for u in co if u not in leads]
        deadline = None
        if item.deadline_text:
            deadline = find_deadline(item.deadline_text, year, date) or Deadline(item.deadline_text, None, True, False)
        else:
            deadline = find_deadline(item.text, year, date)
            if deadline is None and item.inherited_deadline:
                deadline = find_deadline(item.inherited_deadline, year, date) or Deadline(
                    item.inherited_deadline, None, True, False
                )
        lead_suggestions = tuple(Suggestion(u, 1.0, (NAMED_LEAD,)) for u in leads)
        co_suggestions = tuple(Suggestion(u, 1.0, (NAMED_CO,)) for u in co)
        if result is not None:
            named = set(leads) | set(co)
            if not leads:
                lead_suggestions = tuple(s for s in result.leads if s.unit not in named)
            co_suggestions += tuple(
                s for s in result.co_units if s.unit not in named and s.unit not in {x.unit for x in lead_suggestions}
            )
        task = Task(
            code="",
            text=item.text,
            span=item.span,
            places=found[0],
            place_mentions=found[1],
            programmes=find_programmes(item.text),
            targets=find_targets(item.text, item.span[0]),
            ongoing=bool(deadline and deadline.ongoing),
            leads=lead_suggestions,
            co_units=co_suggestions,
            deadline=deadline.date.isoformat() if deadline and deadline.date else None,
            deadline_text=deadline.text if deadline else "",
            deadline_flag=bool(deadline and deadline.flag),
        )
        sections.setdefault(item.section, {}).setdefault(item.theme, []).append(task)
        key = (item.section, item.theme)
        old = theme_spans.get(key)
        theme_spans[key] = (min(old[0], item.span[0]), max(old[1], item.span[1])) if old else item.span
        if deadline and deadline.flag:
            out_warnings.append(f"时限无法确定为日期, 请核对: {deadline.text}({_title_of(item.text)[:20]})")
    built_sections = []
    for s_index, (section_title, themes) in enumerate(sections.items(), start=1):
        built_themes = []
        for t_index, (theme_title, tasks) in enumerate(themes.items(), start=1):
            coded = tuple(_with_code(task, f"1.{s_index}.{t_index}.{k}") for k, task in enumerate(tasks, start=1))
            built_themes.append(Theme(theme_title, theme_spans[(section_title, theme_title)], coded))
        spans = [t.span for t in built_themes]
        built_sections.append(
            Section(
                str(s_index) if section_title else None,
                section_title,
                (),
                tuple(built_themes),
                (min(s[0] for s in spans), max(s[1] for s in spans)),
                f"1.{s_index}",
            )
        )
    part_title = read.source.get("name") or read.title or KIND_NAMES[kind]
    part = Part(None, part_title, "plan", tuple(built_sections), (0, len(text)))
    return Document(
        title=read.title,
        year=year,
        parts=(part,),
        text=text,
        dropped=dropped,
        warnings=tuple(out_warnings),
        kind=kind,
        source=dict(read.source),
    )


def _with_code(task: Task, code: str) -> Task:
    fields = dict(task.__dict__)
    fields["code"] = code
    return Task(**fields)
