"""Structure: normalised paragraphs → title, parts, sections, themes and task sentences.

The layouts this understands (each seen in real reports):
- parts numbered 一、二、… or standing alone ("2023年工作安排"), a review part yields no tasks;
  a part is a review by its title (回顾, 过去一年, an earlier year) or by what it says: mostly
  sentences that report the past (一年来, …了, 完成, 增长6.1%) and hardly any commitment (要, 将,
  今年, 左右/以上), whatever its heading (``review_by_content``, ``data/review_markers.txt``);
- sections (一)(二)… whose heading paragraph holds the title and, after it, the guidance;
- themes that open a paragraph ("深入推进教育高质量发展。加快建设…"), themes standing on their own
  line (numbered "1." or not), and the paragraphs under such a theme, every sentence a task;
- address lines (各位代表!) and the closing call are speech, neither guidance nor task.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .model import Part, Section, Span, Task, Theme
from .normalize import (
    ADDRESS,
    ENUMERATION_GOES_ON,
    ENUMERATION_OPENS,
    NUMBERED_THEME,
    PART_HEADING,
    SECTION_HEADING,
    Normalized,
    Paragraph,
    is_closing,
    split_sentences,
)
from .numerals import heading_number, heading_numeral
from .readers import TABLE_CELL_SEPARATOR
from .rhetoric import is_commitment
from .targets import has_main_targets, is_main_target_item, opens_main_target_list
from .wordlists import read_sections

THEME_MAX = 32  # a theme sentence is short: "深入推进教育高质量发展。"
REVIEW = re.compile(r"回顾|过去.{0,3}(一年|五年|\d年|工作)|工作总结|一年来|五年来|取得的成绩|主要成绩")
SELF = re.compile(r"自身建设|政府建设|作风建设")
PLAN = re.compile(
    r"今年|明年|总体要求|总体部署|总体思路|重点工作|重点任务|工作安排|主要任务|目标任务|"
    r"工作建议|的建议|主要目标|政策取向|奋斗目标|举措|部署"
)
# a part heading without a number stands alone and names a period or the government itself
STANDALONE_PART = re.compile(
    r"^(?:关于)?(?:(?:20\d\d|二〇[一二三四五六七八九〇]{2})年|今年|明年|过去(?:一|五)年|一年来|五年来|今后五年|"
    r"本届政府|“十[一二三四五六]五”时期)?(?:的|以来)?(?:政府|经济社会发展)?"
    r"(?:主要)?(?:工作回顾|工作总结|工作安排|工作总体要求|总体要求|工作总体部署|总体部署|重点工作|重点任务|主要任务|"
    r"目标任务|工作任务|工作建议)(?:和[^,。]{0,10})?$|"
    r"^(?:切实|全面|持续)?(?:加强|推进)政府自身建设$|^政府自身建设$"
)
ENUMERATION = re.compile(r"^(首先|其次|再次|最后|第[一二三四五六七八九十]+[,、])")
# "重点做好以下工作" "实现上述目标,要…": words that lead from one passage to the next
TRANSITION = re.compile(r"以下(?:几个方面|几项|工作|重点)|如下(?:工作|几个方面)|实现上述目标|完成上述目标")
NOTE = re.compile(r"^(?:注|注释|备注|说明)\s*\d?\s*[::]")
ENUMERATOR = re.compile(r"^[一二三四五六七八九十]{1,2}[是要](?=[^,:、])")

MakeTask = Callable[[str, str, Span, str | None, str | None], Task]
MakeTasks = Callable[[list[tuple[str, str, Span, str | None, str | None]]], Sequence[Task]]


def part_kind(title: str | None, year: int | None) -> str | None:
    """review / plan / self from a part's title; None when the title says nothing."""
    if not title:
        return None
    if SELF.search(title):
        return "self"
    years = [int(y) for y in _YEAR.findall(title)]
    if REVIEW.search(title):
        return "review"
    if year and years:
        return "plan" if max(years) >= year else "review"
    if PLAN.search(title):
        return "plan"
    return None


_MARKERS = read_sections("review_markers.txt")
_PAST = re.compile("|".join(f"(?:{p})" for p in _MARKERS["past"]))
_FUTURE = re.compile("|".join(f"(?:{p})" for p in _MARKERS["future"]))
_FUTURE_WEAK = re.compile("|".join(f"(?:{p})" for p in _MARKERS["future-weak"]))
REVIEW_MIN_PAST = 3  # sentences that report the past, at the least, for a part to be a review by content
REVIEW_PAST_SHARE = 0.6  # of the part's past and future sentences together
REVIEW_PAST_OF_ALL = 1 / 3  # of all the part's sentences (titles and plain statements are neither)


def review_by_content(sentences: Sequence[str]) -> bool:
    """Whether a part's sentences report what was done rather than commit to work: a review,
    whatever its heading says. Each sentence is future (a commitment marker), else past (a past
    marker), else future (a weak marker: 加快, 推动), else neither (``data/review_markers.txt``)."""
    past = future = 0
    for sentence in sentences:
        if _FUTURE.search(sentence):
            future += 1
        elif _PAST.search(sentence):
            past += 1
        elif _FUTURE_WEAK.search(sentence):
            future += 1
    return (
        past >= REVIEW_MIN_PAST
        and past >= REVIEW_PAST_SHARE * (past + future)
        and past >= REVIEW_PAST_OF_ALL * len(sentences)
    )


def _sentences(part: _Part) -> list[str]:
    """Every sentence filed under a part: section titles, guidance, themes and their sentences."""
    out: list[str] = []
    for section in part.sections:
        if section.title:
            out.append(section.title)
        out.extend(section.guidance)
        for title, _, sentences in section.themes:
            out.append(title)
            out.extend(text for text, _ in sentences)
        out.extend(text for text, _ in section.loose)
    return out


def _strip_end(sentence: str) -> str:
    stripped = sentence.rstrip("。;").strip()
    if stripped.startswith("【") and stripped.endswith("】"):  # 【聚焦工业升级】
        stripped = stripped[1:-1].strip()
    return stripped


@dataclass
class _Section:
    number: str | None
    title: str | None
    span: Span | None
    guidance: list[str] = field(default_factory=list)
    themes: list[tuple[str, Span, list[tuple[str, Span]]]] = field(default_factory=list)
    standalone: bool = False  # the current theme stood on its own line: its paragraphs are all tasks
    loose: list[tuple[str, Span]] = field(default_factory=list)  # paragraphs below the heading, no theme
    lines: dict[int, tuple[str, Span]] = field(default_factory=dict)  # theme number → its own line, as written
    listing: str = ""  # the marker kind of a run of one-line numbered items the paragraph before was in
    opening: list[tuple[str, Span]] = field(default_factory=list)  # the heading paragraph's sentences after the title

    def add_theme(
        self, title: str, span: Span, sentences: list[tuple[str, Span]], own_line: tuple[str, Span] | None = None
    ) -> None:
        """A theme; ``own_line``: the line it stands on, its one task if nothing comes under it."""
        if own_line is not None:
            self.lines[len(self.themes)] = own_line
        self.themes.append((title, span, sentences))


@dataclass
class _Part:
    number: str | None
    title: str | None
    kind: str | None
    span: Span | None
    sections: list[_Section] = field(default_factory=list)

    def section(self) -> _Section:
        if not self.sections:
            self.sections.append(_Section(None, None, None))
        return self.sections[-1]


@dataclass
class Outline:
    title: str | None
    parts: list[_Part]
    speech: list[str]
    preamble: list[Paragraph]
    main_target_paragraphs: list[Paragraph]
    # the lines of a main-target list standing after its opening words, each with those words
    main_target_items: list[tuple[Paragraph, Paragraph]] = field(default_factory=list)


def outline(norm: Normalized) -> Outline:
    """First pass: assign every paragraph to a part and section, as theme, guidance or tasks."""
    paras = list(norm.paragraphs)
    title = None
    if paras and _is_title(paras[0].text):
        title = paras[0].text
        paras = paras[1:]
    has_part_headings = any(_part_heading(p.text) for p in paras)
    parts: list[_Part] = []
    speech: list[str] = []
    preamble: list[Paragraph] = []
    targets: list[Paragraph] = []
    items: list[tuple[Paragraph, Paragraph]] = []
    opener: Paragraph | None = None  # "主要预期目标建议为:" ending its paragraph

    for index, para in enumerate(paras):
        text = para.text
        if opener is not None and parts and is_main_target_item(text):
            items.append((para, opener))  # "——地区生产总值增长5.5%左右;": the part's guidance
            parts[-1].section().guidance.append(text)
            continue
        opener = para if "目标" in text and opens_main_target_list(text) else None
        following = paras[index + 1].text if index + 1 < len(paras) else None
        heading = _part_heading(text)
        if heading:
            number, ptitle, rest_at = heading
            parts.append(_Part(number, ptitle, None, para.span))
            if rest_at is not None:
                _body(parts[-1], Paragraph(text[rest_at:], (para.span[0] + rest_at, para.span[1])), speech)
            continue
        if "目标" in text and has_main_targets(text):
            targets.append(para)
        if not parts:
            if (has_part_headings and not SECTION_HEADING.match(text)) or _is_front_matter(text):
                preamble.append(para)
                continue
            parts.append(_Part(None, None, None, None))  # the report begins mid-part (a later page)
        _body(parts[-1], para, speech, following)
    return Outline(title, parts, speech, preamble, targets, items)


_YEAR = re.compile(r"(20\d\d)年")
_TITLE_PUNCT = re.compile(r"[。!?;,]")
_SPEAKER = re.compile(r"^.{0,30}(省长|市长|州长|县长|区长|主席|总理|盟长|旗长)\s*\S{0,6}$")


def _is_title(text: str) -> bool:
    return len(text) <= 40 and "报告" in text and not _TITLE_PUNCT.search(text)


def _is_front_matter(text: str) -> bool:
    """Subtitle, speaker and address lines before any heading."""
    return bool(
        text.startswith(("——", "—", "--"))
        or text.endswith(("会议上", "大会上"))
        or (ADDRESS.match(text) and len(text) <= 12)
        or _SPEAKER.match(text)
    )


def _part_heading(text: str) -> tuple[str | None, str, int | None] | None:
    """(number, title, index where the rest of the paragraph starts) for a part heading."""
    m = PART_HEADING.match(text)
    if m:
        number, body = m.group(1), m.group(2)
        sentences = split_sentences(body)
        first = _strip_end(sentences[0][0]) if sentences else body
        if len(first) > 40:
            return None  # "一、…" opening a long sentence is an enumeration, not a heading
        rest_at = m.start(2) + sentences[1][1][0] if len(sentences) > 1 else None
        return number, first, rest_at
    if STANDALONE_PART.match(text.rstrip("。")):
        return None, text.rstrip("。"), None
    return None


def _body(part: _Part, para: Paragraph, speech: list[str], following: str | None = None) -> None:
    """File one paragraph under ``part``; ``following`` is the next paragraph's text, if any."""
    text, (start, _) = para.text, para.span
    m = SECTION_HEADING.match(text)
    if m:
        sentences = split_sentences(text[m.start(2) :], start + m.start(2))
        title = _strip_end(sentences[0][0]) if sentences else ""
        section = _Section(m.group(1), title, sentences[0][1] if sentences else para.span)
        part.sections.append(section)
        section.guidance.extend(s for s, _ in sentences[1:])
        section.opening = sentences[1:]
        return

    sentences = split_sentences(text, start)
    if not sentences:
        return
    if is_closing(text):
        speech.extend(s for s, _ in sentences)
        return
    if NOTE.match(text):  # "注:市级重点项目指…": an explanation of the words above, no task
        part.section().guidance.extend(s for s, _ in sentences)
        return
    if TABLE_CELL_SEPARATOR in text:  # a table's row (as the .docx reader gives it): content, no task
        part.section().guidance.append(text)
        return
    if ADDRESS.match(sentences[0][0]):
        speech.append(sentences[0][0])
        sentences = sentences[1:]
        if not sentences:
            # an address standing alone opens a new passage: what follows is not the section above
            if part.sections and (part.sections[-1].themes or part.sections[-1].guidance):
                part.sections.append(_Section(None, None, None))
            return

    section = part.section()
    groups = _enumerated(sentences)
    if groups is None:
        _file(section, sentences, following)
        return
    # "一是…。…。二是…。…": each enumerated stretch is read as a paragraph of its own
    for index, group in enumerate(groups):
        _file(section, group, groups[index + 1][0][0] if index + 1 < len(groups) else following, enumerated=True)
    section.standalone = False  # none of them stood on its own line


def _marker_of(line: str | None, m: re.Match[str] | None = None) -> str:
    """The kind of a line's opening marker (``m``: its NUMBERED_THEME match, if already made): "N."
    for "1." "2.", "(N)", "——"; "" for none, so that two lines of one list have the same."""
    if m is None:
        m = NUMBERED_THEME.match(line) if line else None
    if m is None or line is None:  # (a match is of the line: given one, there is a line)
        return ""
    return re.sub(r"\d+|[一二三四五六七八九十]+|[①-⑳]", "N", line[: m.start("body")].strip())


def _enumerated(sentences: list[tuple[str, Span]]) -> list[list[tuple[str, Span]]] | None:
    """A paragraph that opens an enumeration (一是, 一要, 第一,) and goes on with the next one in a
    later sentence, cut where each enumerated stretch starts; None for any other paragraph."""
    if len(sentences) < 2 or not ENUMERATION_OPENS.match(sentences[0][0]):
        return None
    groups: list[list[tuple[str, Span]]] = [[sentences[0]]]
    for sentence in sentences[1:]:
        if ENUMERATION_GOES_ON.match(sentence[0]):
            groups.append([sentence])
        else:
            groups[-1].append(sentence)
    return groups if len(groups) > 1 else None


def _file(
    section: _Section, sentences: list[tuple[str, Span]], following: str | None, enumerated: bool = False
) -> None:
    """File a paragraph's sentences under ``section``: a theme (on its own line or opening the
    paragraph) with its tasks, tasks of the theme above, or the section's guidance. ``enumerated``:
    the sentences are one stretch of an enumeration inside a paragraph."""
    first, first_span = sentences[0]
    numbered = NUMBERED_THEME.match(first)
    marker = _marker_of(first, numbered)
    if (
        len(sentences) == 1
        and marker
        and not enumerated
        and (ENUMERATOR.match(first) or section.listing == marker or _marker_of(following) == marker)
    ):
        # "二是…。" alone, or one of a run of one-line items ("——新增城镇就业8000人。"): an
        # enumerated commitment, a task of the theme above, or of the section
        if section.themes:
            section.themes[-1][2].extend(sentences)
        elif section.title:
            section.add_theme(section.title, section.span or first_span, list(sentences))
        else:
            assert numbered is not None  # the marker is read from the match
            section.add_theme(_strip_end(first[numbered.start("body") :]), first_span, [], own_line=sentences[0])
        section.standalone = False
        section.listing = marker
        return
    section.listing = ""
    if numbered:
        offset = numbered.start("body")
        first, first_span = first[offset:], (first_span[0] + offset, first_span[1])
    theme_like = _theme_like(first)

    if (
        len(sentences) == 1
        and theme_like
        and (numbered or not first.endswith(("。", "!")) or len(first) <= 16 or not _opens_like_a_theme(following))
    ):
        # a theme on its own line: the paragraphs below it are its tasks (none: the line is its own)
        section.add_theme(_strip_end(first), first_span, [], own_line=sentences[0])
        section.standalone = True
        return
    if section.standalone and section.themes and not numbered:
        section.themes[-1][2].extend(sentences)
        return
    if theme_like and (numbered or not ENUMERATION.match(first)):
        # nothing under it yet: the line is its own task unless some follow
        own_line = sentences[0] if len(sentences) == 1 else None
        section.add_theme(_strip_end(first), first_span, list(sentences[1:]), own_line=own_line)
        section.standalone = False
        return
    if section.themes:
        section.themes[-1][2].extend(sentences)  # a paragraph continuing the theme above
    elif section.number:
        section.loose.extend(sentences)  # tasks if the section never names a theme, else guidance
    else:
        section.guidance.extend(s for s, _ in sentences)


def _opens_like_a_theme(text: str | None) -> bool:
    """Whether a paragraph opens with a heading or a short theme sentence of its own (so the one-line
    paragraph before it is a theme of the inline kind, not a theme standing over paragraphs)."""
    if text is None:
        return True
    if SECTION_HEADING.match(text) or PART_HEADING.match(text) or NUMBERED_THEME.match(text):
        return True
    return len(text.split("。", 1)[0]) <= THEME_MAX


# a number with a measure: a theme names a line of work, a sentence with a figure to reach is a task
_QUANTITY = re.compile(
    r"\d[\d.]*\s*(?:%|万|亿|千|百|个|家|所|座|条|项|户|人|名|亩|吨|公里|千米|米|元|套|台|辆|次|批|处|间|张|倍)"
)


def _theme_like(sentence: str) -> bool:
    body = _strip_end(sentence)
    return (
        2 <= len(body) <= THEME_MAX
        and not body.endswith(("!", "?"))
        and ":" not in body  # "总体要求是:…" introduces, a theme names
        and not _QUANTITY.search(body)
        and not TRANSITION.search(body)
        and is_commitment(body)  # "今年是……关键之年。" says what a period is, a theme names work
    )


def build_parts(
    out: Outline, year: int | None, make_task: MakeTask | None = None, *, make_tasks: MakeTasks | None = None
) -> tuple[Part, ...]:
    """Second pass: part kinds, numbers for an unnumbered leading part, codes, and Task objects.

    Tasks come from ``make_task`` (one call a task, in document order) or from ``make_tasks``
    (one call with the arguments of every task, in document order, giving the tasks in order)."""
    kinds = [part_kind(p.title, year) for p in out.parts]
    # a part that reports the past is a review whatever its title says (a plan's words in it, none)
    kinds = [
        "review" if kind in (None, "plan") and review_by_content(_sentences(part)) else kind
        for part, kind in zip(out.parts, kinds, strict=True)
    ]
    numbers = [heading_number(p.number) for p in out.parts]
    # a report that starts mid-part (a later newspaper page) continues the part before the next one
    if out.parts and out.parts[0].number is None and out.parts[0].title is None:
        following = next((n for n in numbers[1:] if n), None)
        if following and following > 1:
            numbers[0] = following - 1
            out.parts[0].number = heading_numeral(following - 1)
    part_numbers = _unique_part_numbers(numbers)
    seen_review = False
    parts = []  # (number, title, kind, sections, span), the tasks made at the end
    calls: list[tuple[str, str, Span, str | None, str | None]] = []  # make_task's arguments
    for index, (part, kind) in enumerate(zip(out.parts, kinds, strict=True)):
        if kind is None and index == 0 and part.title is None and _looks_back(out, part):
            kind = "review"  # "过去一年,我们主要抓了以下工作:(一)…" before the year's work
        if kind is None:
            later = [k for k in kinds[index + 1 :] if k]
            if seen_review or (later and later[0] in ("plan", "self")) or _has_tasks(part):
                kind = "plan" if not (later and later[0] == "review") else "other"
            else:
                kind = "other"
        seen_review = seen_review or kind == "review"
        part_no = part_numbers[index]
        sections = []
        numbered = any(s.number for s in part.sections)
        section_numbers = _SectionNumbers(part.sections)
        for s_index, section in enumerate(part.sections):
            after_numbered = section_numbers.seen_numbered
            section_numbers.seen_numbered = after_numbered or bool(section.number)
            themes: list[tuple[str, Span, int, int]] = []
            if s_index == 0 and numbered and not section.number:
                _themes_to_guidance(section)  # a part's opening words before its first section
            if section.opening and not section.themes and not section.loose and kind != "review":
                # "(一)抓项目促投资。全年谋划储备项目200个;…。" and nothing under it: the words
                # after the title are the section's tasks, not its guidance
                # (the guidance starts with those words, as the heading paragraph gave them)
                section.loose = [s for s in section.opening if not s[0].endswith(":")]
                kept = [text for text, _ in section.opening if text.endswith(":")]
                section.guidance = kept + section.guidance[len(section.opening) :]
            if section.loose:
                if section.themes:
                    section.guidance.extend(text for text, _ in section.loose)
                else:  # a section that lists its tasks without themes: the section is their theme
                    loose_span = section.span or part.span or section.loose[0][1]  # a part begun mid-page has none
                    section.themes.append((section.title or "", loose_span, section.loose))
                section.loose = []
            if not section.guidance and not section.themes:
                continue
            if kind == "review" and s_index == 0 and not section.number and not section.title:
                continue
            s_no = section_numbers.take(section.number, after_numbered)
            if kind != "review":
                for t_index, (theme_title, theme_span, sentences) in enumerate(section.themes, 1):
                    if not sentences and t_index - 1 in section.lines:
                        # a theme line with nothing under it ("坚持依法行政。" in a list of such
                        # lines) is a commitment of its own: the line is its one task
                        sentences = [section.lines[t_index - 1]]
                    commitments = []
                    at = len(section.guidance)
                    for sentence in _merge_fragments(sentences):
                        if is_commitment(sentence[0]):
                            commitments.append(sentence)
                        else:  # a call to action or a statement of context: the section's guidance
                            section.guidance.append(sentence[0])
                    if not commitments:  # nothing under the theme is a commitment: no theme either
                        said = section.guidance[at:]
                        if (
                            theme_title
                            and theme_title != section.title
                            and theme_title != _strip_end(said[0] if said else "")
                        ):
                            section.guidance.insert(at, theme_title + "。")
                        continue
                    first = len(calls)
                    theme_code = f"{part_no}.{s_no}.{len(themes) + 1}"
                    calls.extend(
                        (f"{theme_code}.{k_index}", text, span, theme_title, section.title)
                        for k_index, (text, span) in enumerate(commitments, 1)
                    )
                    themes.append((theme_title, theme_span, first, len(calls)))
            sections.append(
                (section.number, section.title, tuple(section.guidance), themes, section.span, f"{part_no}.{s_no}")
            )
        parts.append((part.number, part.title, kind, sections, part.span))
    if make_tasks is not None:
        tasks = make_tasks(calls)
    else:
        tasks = [make_task(*call) for call in calls] if make_task is not None else []
    return tuple(
        Part(
            number,
            title,
            kind,
            tuple(
                Section(
                    s_number,
                    s_title,
                    guidance,
                    tuple(Theme(t_title, t_span, tuple(tasks[lo:hi])) for t_title, t_span, lo, hi in themes),
                    s_span,
                    s_code,
                )
                for s_number, s_title, guidance, themes, s_span, s_code in sections
            ),
            span,
        )
        for number, title, kind, sections, span in parts
    )


def _unique_part_numbers(numbers: list[int | None]) -> list[int]:
    """Each part's number in codes: its heading's, or its place in the document when it has none;
    a number another part already has (or that a later numbered part will have) gives way to the
    next one above all of them, so that no two parts share a code."""
    reserved = {n for n in numbers if n is not None}
    used: set[int] = set()
    out = []
    for index, number in enumerate(numbers):
        if number is None:
            number = index + 1 if index + 1 not in reserved else None
        if number is None or number in used:
            number = max(reserved | used) + 1
        used.add(number)
        out.append(number)
    return out


class _SectionNumbers:
    """The numbers of a part's sections in codes, each used once: a numbered section's own; 0 for an
    unnumbered stretch before the part's first numbered section (its opening words, or a part without
    numbered sections); any other stretch (the paragraphs after the last numbered section, say) and a
    repeated number take the next number above every number of the part, in reading order."""

    def __init__(self, sections: Sequence[_Section]) -> None:
        numbers = [heading_number(s.number) for s in sections if s.number]
        self.highest = max((n for n in numbers if n is not None), default=0)
        self.taken: set[int] = set()
        self.seen_numbered = False  # a numbered section came before the one being numbered

    def take(self, numeral: str | None, after_numbered: bool) -> int:
        number = heading_number(numeral)
        if number is None and not numeral and not after_numbered:
            number = 0
        if number is None or number in self.taken:
            number = self.highest = max({self.highest, *self.taken}) + 1
        self.taken.add(number)
        return number


# words that look back on the past year or term, opening a review that has no heading of its own
LOOKING_BACK = re.compile(r"过去(?:的)?(?:一|五)年|一年来|五年来|本届政府(?:履职|以来)|回顾")


def _looks_back(out: Outline, part: _Part) -> bool:
    """Whether an untitled first part, followed by the year's work, reviews the past: said in the
    words before it (after the address) or in its own opening section."""
    words = [para.text for para in out.preamble if not _is_front_matter(para.text)]
    if part.sections:
        first = part.sections[0]
        words += [first.title or "", *first.guidance, *(title for title, _, _ in first.themes[:1])]
    later_plan = any(p.title and part_kind(p.title, None) == "plan" for p in out.parts[1:2])
    return later_plan and any(LOOKING_BACK.search(text) for text in words)


def _themes_to_guidance(section: _Section) -> None:
    for title, _, sentences in section.themes:
        section.guidance.append(title + "。")
        section.guidance.extend(text for text, _ in sentences)
    section.themes.clear()
    section.lines.clear()


def _has_tasks(part: _Part) -> bool:
    return any(t[2] for s in part.sections for t in s.themes)


def _merge_fragments(sentences: list[tuple[str, Span]]) -> list[tuple[str, Span]]:
    """A 'sentence' of one or two characters (stray punctuation) belongs to the one before."""
    out: list[tuple[str, Span]] = []
    for text, span in sentences:
        if len(text.strip("。!?;”’)")) == 0:
            if out and out[-1][1][1] == span[0]:
                prev_text, prev_span = out[-1]
                out[-1] = (prev_text + text, (prev_span[0], span[1]))
            continue  # stray punctuation of a paragraph of its own is no task
        out.append((text, span))
    return out


def section_name(part: Part, section: Section) -> str:
    """The name a ledger shows for a section: its own title; for a stretch the report does not
    number (the government-itself part's paragraphs, a part's opening words), the part's title —
    or, for a stretch after the part's numbered sections, its first theme when that is a short
    title of its own (做好双拥工作). Empty only when neither has a title (a part begun mid-page)."""
    if section.title:
        return section.title
    after_numbered = not section.code.endswith(".0") and any(s.number for s in part.sections)
    if after_numbered and section.themes:
        first = section.themes[0].title
        if first and len(first) <= 16 and not _TITLE_PUNCT.search(first):
            return first
    return part.title or ""
