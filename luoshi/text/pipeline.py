"""decompose(): normalise → structure → targets, places, programmes → responsibility suggestions."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from .assign import Responsibility, suggester_for
from .batch import Joined
from .model import Document, InputError, Part, Span, Task, _make_task
from .normalize import normalize
from .places import find_places_many, find_programmes
from .structure import Outline, build_parts, outline
from .targets import find_targets, main_target_item, main_targets, ongoing_many
from .units import Catalog, load_units

YEAR_IN_SUBTITLE = re.compile(r"(20\d\d)\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*在")
YEAR_IN_PLAN = re.compile(r"(20\d\d)\s*年(?:工作|重点工作|经济社会发展|政府工作)")


def decompose(
    text: str,
    *,
    units: Catalog | str | Path | None = None,
    year: int | None = None,
    overrides: Mapping[str, str] | None = None,
    kind: str = "auto",
) -> Document:
    """Turn a report's text into its task tree. Raises InputError only for text that holds nothing.

    ``units`` (a catalog or its CSV path) enables place resolution and lead/co-unit suggestions;
    ``overrides`` (term → unit label, confirmed by the office) outweigh the built-in lexicon.
    ``kind`` ("auto", "report", "meeting", "instruction", "rectification"): another source of
    supervised work is read by ``sources.py``; "auto" recognises it from the text.
    """
    if not isinstance(text, str):
        raise InputError("报告内容必须是文本")
    if not text.strip():
        raise InputError("报告内容为空: 请提供政府工作报告的正文")
    if kind != "report":
        from .sources import KINDS, decompose_source, detect_kind

        if kind == "auto":
            kind = detect_kind(text)
        elif kind not in KINDS:
            raise InputError(f"未知的来源类型 {kind}: 应为 auto、report、meeting、instruction 或 rectification")
        if kind != "report":
            return decompose_source(text, kind, units=units, year=year, overrides=overrides)
    catalog = load_units(units) if units is not None else None
    norm = normalize(text)
    tree = outline(norm)
    year = year or _infer_year(norm.text, tree)
    suggester = suggester_for(catalog, overrides) if catalog is not None else None

    def make_tasks(calls: list[tuple[str, str, Span, str | None, str | None]]) -> list[Task]:
        """The document's tasks, each vocabulary searched once in all their sentences."""
        sentences = Joined([sentence for _, sentence, _, _, _ in calls])
        suggested: Sequence[Responsibility | None]
        if suggester is not None:
            suggested = suggester.suggest_many([(sentence, theme, section) for _, sentence, _, theme, section in calls])
        else:
            suggested = [None] * len(calls)
        places = find_places_many(sentences, catalog)
        ongoing = ongoing_many(sentences)
        return [
            _make_task(
                code,
                sentence,
                span,
                found_places[0],
                found_places[1],
                find_programmes(sentence),
                find_targets(sentence, span[0]),
                is_ongoing,
                result.leads if result is not None else (),
                result.co_units if result is not None else (),
            )
            for (code, sentence, span, _, _), result, found_places, is_ongoing in zip(
                calls, suggested, places, ongoing, strict=True
            )
        ]

    parts = build_parts(tree, year, make_tasks=make_tasks)
    # (paragraph, the words that open its list): a paragraph holding its list, or a line of a list
    listed = [(para, para) for para in tree.main_target_paragraphs] + tree.main_target_items
    listed = sorted((pair for pair in listed if _in_plan(pair[0].span[0], parts)), key=lambda pair: pair[0].span[0])
    if any("预期目标" in opener.text for _, opener in listed):
        # the year's 主要预期目标, not the 主要目标 of the next five years said before them
        listed = [(para, opener) for para, opener in listed if "预期目标" in opener.text]
    doc_targets = [
        target
        for para, opener in listed
        for target in (
            main_targets(para.text, para.span[0]) if para is opener else main_target_item(para.text, para.span[0])
        )
    ]
    warnings = list(norm.warnings)
    if not any(True for _ in _tasks(parts)):
        warnings.append("未识别出任何任务: 请确认这是政府工作报告的正文(含今年工作部署)")
    return Document(
        title=tree.title,
        year=year,
        parts=parts,
        text=norm.text,
        targets=tuple(doc_targets),
        dropped=norm.dropped,
        warnings=tuple(warnings),
        speech=tuple(tree.speech),
    )


def _tasks(parts: Sequence[Part]) -> Iterator[Task]:
    for part in parts:
        for section in part.sections:
            for theme in section.themes:
                yield from theme.tasks


def _in_plan(position: int, parts: Sequence[Part]) -> bool:
    """True when the position lies in the last part that starts before it and that part is not a review."""
    current = None
    for part in parts:
        if part.span and part.span[0] <= position:
            current = part
    return current is None or current.kind != "review"


def _infer_year(text: str, tree: Outline) -> int | None:
    m = YEAR_IN_SUBTITLE.search(text[:2000])
    if m:
        return int(m.group(1))
    for part in tree.parts:
        if part.title:
            m = YEAR_IN_PLAN.search(part.title)
            if m and "回顾" not in part.title:
                return int(m.group(1))
            m = re.search(r"(20\d\d)\s*年.{0,6}回顾", part.title)
            if m:
                return int(m.group(1)) + 1
    return None
