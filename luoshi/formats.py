"""Output formats of a decomposition: JSON (docs/architecture.md, Contracts), Markdown for reading, Excel 分工方案.

``render(document, fmt) -> bytes``. Output, not text understanding: it lives outside
``luoshi.text`` and, like it, never imports Django.
"""

from __future__ import annotations

import io
import json
import re

from luoshi.text.cells import is_formula_like
from luoshi.text.model import Document, Part, Section, Suggestion, Target, Task

FORMATS = ("json", "markdown", "xlsx")

PART_KIND_LABELS = {"review": "回顾", "plan": "年度工作", "self": "政府自身建设", "other": "其他"}
ONGOING_DEADLINE = "常态化"

XLSX_SHEET_TITLE = "分工方案"
# (header, column width in characters); the header row is the contract of the 分工方案 table
XLSX_COLUMNS = (
    ("序号", 10),
    ("板块", 30),
    ("工作主题", 24),
    ("工作任务", 60),
    ("目标", 30),
    ("牵头单位(建议)", 20),
    ("配合单位(建议)", 26),
    ("完成时限", 12),
)
XLSX_HEADERS = tuple(header for header, _ in XLSX_COLUMNS)
XLSX_MAX_CELL_CHARS = 32_767  # Excel's limit for one cell


def render(document: Document, fmt: str) -> bytes:
    """The document in ``fmt`` (``json``, ``markdown`` or ``xlsx``) as bytes; text is UTF-8."""
    renderers = {"json": render_json, "markdown": render_markdown, "xlsx": render_xlsx}
    try:
        renderer = renderers[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}") from None
    return renderer(document)


# ---------------------------------------------------------------------------------------------
# labels shared by the formats


def part_heading(part: Part) -> str:
    """``二、今年工作安排``; a part without a title (it began on an earlier page) keeps its number."""
    if part.number and part.title:
        return f"{part.number}、{part.title}"
    if part.number:
        return f"第{part.number}部分"
    return part.title or "未编号部分"


def section_label(section: Section) -> str:
    """``(五) 深入实施…``, the 板块 of a task."""
    if section.number and section.title:
        return f"({section.number}) {section.title}"
    if section.number:
        return f"({section.number})"
    return section.title or ""


def deadline(task: Task, year: int | None) -> str:
    """``2023-12-31`` by default (docs/architecture.md, Domain rules), ``常态化`` for ongoing tasks, empty without a year."""
    if task.ongoing:
        return ONGOING_DEADLINE
    return f"{year}-12-31" if year else ""


def _unit_names(suggestions: tuple[Suggestion, ...]) -> str:
    return "、".join(s.unit for s in suggestions)


def _target_note(target: Target) -> str:
    """The target as written, with its reading for numeric ones: ``… (≥ 3 家)``."""
    if target.kind != "numeric" or target.value is None:
        return target.text
    symbol = {">=": "≥", "<=": "≤", "~": "约", "=": "="}.get(target.comparator or "", "")
    unit = target.unit or ""
    if target.comparator == "range":
        reading = f"{_number(target.value)}–{_number(target.value_max)} {unit}"
    else:
        reading = f"{symbol} {_number(target.value)} {unit}"
    return f"{target.text} ({reading.strip()})"


def _number(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# ---------------------------------------------------------------------------------------------
# json


def render_json(document: Document) -> bytes:
    return (json.dumps(document.to_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# ---------------------------------------------------------------------------------------------
# markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def _md(text: str | None) -> str:
    """Text safe inside a Markdown line: markup characters escaped, line breaks as spaces."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join((text or "").split()))


def render_markdown(document: Document) -> bytes:
    lines: list[str] = []
    title = _md(document.title) or "政府工作报告"
    lines += [f"# {title} ({document.year})" if document.year else f"# {title}", ""]

    for part in document.parts:
        kind = PART_KIND_LABELS.get(part.kind, part.kind)
        lines += [f"## {_md(part_heading(part))} ({kind})", ""]
        for section in part.sections:
            label = section_label(section)
            if label:
                lines += [f"### {_md(label)}", ""]
            for sentence in section.guidance:
                lines += [f"> {_md(sentence)}", ">"]
            if section.guidance:
                lines[-1] = ""
            for theme in section.themes:
                lines += [f"#### {_md(theme.title)}", ""]
                for number, task in enumerate(theme.tasks, start=1):
                    lines += _markdown_task(number, task, document.year)
                lines.append("")

    if document.targets:
        lines += ["## 主要预期目标", ""]
        lines += [f"- {_md(_target_note(t))}" for t in document.targets]
        lines.append("")

    if document.dropped:
        lines += ["## 已剔除的版面内容", ""]
        lines += [f"- {_md(text)}" for text in document.dropped]
        lines.append("")
    if document.warnings:
        lines += ["## 提示", ""]
        lines += [f"- {_md(text)}" for text in document.warnings]
        lines.append("")
    while lines and not lines[-1]:
        lines.pop()
    return ("\n".join(lines) + "\n").encode("utf-8")


def _markdown_task(number: int, task: Task, year: int | None) -> list[str]:
    indent = " " * (len(str(number)) + 2)
    out = [f"{number}. `{task.code}` {_md(task.text)}"]
    for target in task.targets:
        out.append(f"{indent}- 目标: {_md(_target_note(target))}")
    if task.places:
        out.append(f"{indent}- 地点: {_md('、'.join(task.places))}")
    if task.leads:
        out.append(f"{indent}- 建议牵头: {_md(_scored(task.leads))}")
    if task.co_units:
        out.append(f"{indent}- 建议配合: {_md(_scored(task.co_units))}")
    when = deadline(task, year)
    if when:
        out.append(f"{indent}- 完成时限: {when}")
    return out


def _scored(suggestions: tuple[Suggestion, ...]) -> str:
    parts = []
    for s in suggestions:
        reasons = f", {'; '.join(s.reasons)}" if s.reasons else ""
        parts.append(f"{s.unit} ({s.score:.2f}{reasons})")
    return "、".join(parts)


# ---------------------------------------------------------------------------------------------
# xlsx

# Characters that the XML of a worksheet cannot hold (openpyxl refuses them).
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xlsx_rows(document: Document) -> list[tuple[str, ...]]:
    """The 分工方案 rows, one per task, in the order of ``XLSX_HEADERS``."""
    rows: list[tuple[str, ...]] = []
    for _part, section, theme, task in document.tasks():
        rows.append(
            (
                task.code,
                section_label(section),
                theme.title,
                task.text,
                "\n".join(t.text for t in task.targets),
                _unit_names(task.leads),
                _unit_names(task.co_units),
                deadline(task, document.year),
            )
        )
    return rows


def render_xlsx(document: Document) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has one worksheet
    sheet.title = XLSX_SHEET_TITLE
    rows = xlsx_rows(document)
    wrap = Alignment(wrap_text=True, vertical="top")
    bold = Font(bold=True)
    for column, header in enumerate(XLSX_HEADERS, start=1):
        cell = sheet.cell(row=1, column=column)
        _set_text(cell, header)
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for row_number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_number, column=column)
            _set_text(cell, value)
            cell.alignment = wrap
    for column, (_header, width) in enumerate(XLSX_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    last_column = get_column_letter(len(XLSX_COLUMNS))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{last_column}{len(rows) + 1}"
    sheet.print_title_rows = "1:1"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _set_text(cell, value: str) -> None:
    """Store ``value`` as a text cell, never as a formula (a task may start with = + - @)."""
    text = _XLSX_ILLEGAL.sub("", value or "")[:XLSX_MAX_CELL_CHARS]
    if not text:
        return  # an empty cell stays empty
    cell.value = text
    cell.data_type = "s"  # openpyxl would take a leading "=" for a formula
    if is_formula_like(text):
        cell.quotePrefix = True  # Excel keeps it text even when the cell is edited
