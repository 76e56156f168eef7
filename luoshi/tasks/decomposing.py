"""The one caller of the decomposition engine: text or upload in, draft tasks proposed for review out.

No writes: ``actions.import_report`` and ``actions.reimport_report`` save what this proposes."""

from __future__ import annotations

import datetime
from typing import TypedDict

from django.conf import settings

from luoshi.accounts.models import Government
from luoshi.errors import ActionError
from luoshi.text import InputError
from luoshi.text.units import Catalog
from luoshi.text.units import Unit as CatalogUnit

from .actions.importing import DraftTask
from .models import SuggestionOverride

READABLE_SUFFIXES = (".txt", ".docx", ".pdf")
# Another source may also come as a table: a rectification list in a workbook.
SOURCE_SUFFIXES = (*READABLE_SUFFIXES, ".xlsx")
# What the office may say it imports (``ImportForm.kind``): the engine's kinds, or let it tell.
KINDS = {
    "report": "政府工作报告",
    "auto": "自动识别",
    "meeting": "会议纪要",
    "instruction": "领导批示件",
    "rectification": "整改清单",
}


class _Headings(TypedDict):
    """The part and section a draft task sits in, shared by every draft of the section."""

    part_number: str
    part_title: str
    section_number: str
    section_title: str


def read_upload(upload) -> str:
    """The text of an uploaded report, or ActionError with a Chinese line saying why not."""
    name = upload.name or ""
    if not name.lower().endswith(READABLE_SUFFIXES):
        raise ActionError("只支持 .txt、.docx 或 .pdf 格式的报告文件")
    if upload.size is not None and upload.size > settings.LUOSHI_MAX_UPLOAD_BYTES:
        limit = settings.LUOSHI_MAX_UPLOAD_BYTES // (1024 * 1024)
        raise ActionError(f"文件超过 {limit} MB 的上限")
    data = upload.read()
    if not data.strip():
        raise ActionError("上传的文件是空的")
    from luoshi.text.readers import read_bytes_report

    try:
        return read_bytes_report(data, name)
    except InputError as exc:
        raise ActionError(str(exc)) from exc


def catalog_for(government: Government) -> Catalog | None:
    units = tuple(
        CatalogUnit(name=u.name, short_name=u.short_name, kind=u.kind, aliases=tuple(u.alias_list()))
        for u in government.units.all()
    )
    return Catalog(units) if units else None


def overrides_for(government: Government) -> dict[str, str]:
    return {
        o.term: o.unit.short_name
        for o in SuggestionOverride.objects.filter(government=government).select_related("unit")
    }


def engine_inputs(government: Government) -> tuple[Catalog | None, dict[str, str]]:
    """All that ``decompose_for`` reads of a government: its catalog and, with a catalog, its learned
    overrides. Together with the text and the year they decide the draft tasks."""
    catalog = catalog_for(government)
    return catalog, overrides_for(government) if catalog else {}


def suggestion(leads, co_units) -> dict:
    """The engine's lead and co-unit suggestions as a draft matter keeps them (``Task.suggestion``)."""
    return {"leads": [s.to_dict() for s in leads], "co_units": [s.to_dict() for s in co_units]}


def suggest_for(text: str, catalog, overrides, *, theme: str | None = None, section: str | None = None) -> dict:
    """The engine's suggestion for one matter's text against a catalog and the office's learned terms."""
    from luoshi.text import suggest_units

    result = suggest_units(text, catalog, theme=theme, section=section, overrides=overrides)
    return suggestion(result.leads, result.co_units)


def read_source_upload(upload, kind: str) -> tuple[str, list[list[str]] | None]:
    """The text of an uploaded source, or its table: a workbook's first sheet, or a .docx whose body is a
    rectification list's table (when the kind is 整改清单 or 自动识别). ActionError saying why not."""
    from luoshi.text.readers import cell_text, read_docx_table, read_sheet
    from luoshi.text.sources import has_table_header

    name = upload.name or ""
    suffix = "." + name.lower().rsplit(".", 1)[-1] if "." in name else ""
    if suffix not in SOURCE_SUFFIXES:
        raise ActionError("只支持 .txt、.docx、.pdf 或 .xlsx 格式的文件")
    if suffix == ".xlsx" and kind not in ("auto", "rectification"):
        raise ActionError("Excel 表格只能按整改清单导入: 请把来源类型选为“整改清单”或“自动识别”")
    if suffix not in (".xlsx", ".docx"):
        return read_upload(upload), None
    if upload.size is not None and upload.size > settings.LUOSHI_MAX_UPLOAD_BYTES:
        limit = settings.LUOSHI_MAX_UPLOAD_BYTES // (1024 * 1024)
        raise ActionError(f"文件超过 {limit} MB 的上限")
    data = upload.read()
    if not data.strip():
        raise ActionError("上传的文件是空的")
    try:
        if suffix == ".xlsx":
            return "", [[cell_text(value) for value in row] for row in read_sheet(data, name)]
        table = read_docx_table(data, name) if kind in ("auto", "rectification") else None
        if table is not None and has_table_header(table):
            return "", table
        from luoshi.text.readers import read_bytes_report

        return read_bytes_report(data, name), None
    except InputError as exc:
        raise ActionError(str(exc)) from exc


def decompose_table_for(government: Government, table: list[list[str]], year: int | None):
    """A rectification list given as a table (rows of cells) with the government's catalog; returns
    (document, draft tasks)."""
    from luoshi.text.sources import decompose_table, rows_of_sheet

    catalog, overrides = engine_inputs(government)
    try:
        title, rows = rows_of_sheet(table)
        document = decompose_table(rows, units=catalog, year=year, overrides=overrides or None, title=title)
    except InputError as exc:
        raise ActionError(str(exc)) from exc
    return document, _drafts(document, catalog, overrides, own_leads=True)


def decompose_for(government: Government, text: str, year: int | None, kind: str = "report"):
    """Decompose ``text`` with the government's catalog as ``kind`` (a work report by default; "auto"
    lets the engine tell); returns (document, draft tasks). A source other than a report keeps the leads
    its text names (the engine reads them with the office's learned terms)."""
    from luoshi.text import decompose

    if not text or not text.strip():
        raise ActionError("报告内容为空" if kind == "report" else "内容为空: 请上传文件或粘贴全文")
    if "\x00" in text:
        raise ActionError("这不是文本文件: 请上传 .txt、.docx 或 .pdf 报告")
    catalog, overrides = engine_inputs(government)
    try:
        if kind == "report":
            document = decompose(text, units=catalog, year=year)
        else:
            document = decompose(text, units=catalog, year=year, overrides=overrides or None, kind=kind)
    except InputError as exc:
        raise ActionError(str(exc)) from exc
    return document, _drafts(document, catalog, overrides, own_leads=document.kind != "report")


def _deadline(task) -> tuple[datetime.date | None, str]:
    """A source's deadline for a draft: its date, or (unresolved) the words to settle."""
    written = getattr(task, "deadline", None)
    if written:
        try:
            return datetime.date.fromisoformat(written), ""
        except ValueError:
            return None, getattr(task, "deadline_text", "") or written
    if getattr(task, "deadline_flag", False):
        return None, getattr(task, "deadline_text", "")
    return None, ""


def _drafts(document, catalog, overrides, *, own_leads: bool) -> list[DraftTask]:
    from luoshi.text.structure import section_name

    drafts = []
    for part_index, part in enumerate(document.parts, 1):
        for section_index, section in enumerate(part.sections, 1):
            prefix = section.code or _prefix(section, part_index, section_index)  # unique in the document
            common: _Headings = {
                "part_number": part.number or "",
                "part_title": part.title or "",
                "section_number": section.number or "",
                "section_title": section_name(part, section),  # an unnumbered stretch: its part's title
            }
            cursor = section.span[0] if section.span else 0
            for n, sentence in enumerate(section.guidance, 1):
                start = document.text.find(sentence, cursor)
                span = (start, start + len(sentence)) if start >= 0 else None
                if span:
                    cursor = span[1]
                drafts.append(DraftTask(code=f"{prefix}.0.{n}", kind="guidance", text=sentence, span=span, **common))
            for theme in section.themes:
                for task in theme.tasks:
                    if overrides and catalog is not None and not own_leads:
                        suggested = suggest_for(task.text, catalog, overrides, theme=theme.title, section=section.title)
                    else:
                        suggested = suggestion(task.leads, task.co_units)
                    deadline, deadline_note = _deadline(task)
                    drafts.append(
                        DraftTask(
                            code=task.code,
                            kind="task",
                            text=task.text,
                            span=task.span if task.span else None,
                            theme_title=theme.title or "",
                            targets="\n".join(t.text for t in task.targets),
                            ongoing=task.ongoing,
                            tags=list(task.programmes),
                            suggestion=suggested,
                            deadline=deadline,
                            deadline_note=deadline_note,
                            **common,
                        )
                    )
    return drafts


def _prefix(section, part_index: int, section_index: int) -> str:
    for theme in section.themes:
        for task in theme.tasks:
            head = task.code.rsplit(".", 2)[0]
            if head:
                return head
    return f"{part_index}.{section_index}"


def document_fields(document) -> dict:
    """What import_report and reimport_report keep of a decomposed document besides its draft tasks."""
    return {
        "text": document.text,
        "main_targets": [t.to_dict() for t in document.targets],
        "warnings": list(document.warnings),
        "dropped": list(document.dropped),
    }


def report_title(document, government: Government, year: int) -> str:
    return f"{government.name}{year}年{document.title or '政府工作报告'}"


def source_title(document, government: Government) -> str:
    """A new ledger's title from what its source says of itself: a meeting's summary and number, the
    leader and document of an instruction, the inspecting body of a rectification list."""
    details = dict(getattr(document, "source", {}) or {})
    if document.kind == "meeting":
        name = details.get("name") or "会议纪要"
        number = details.get("number", "")
        return f"{name}{'' if number in name else number}议定事项"
    if document.kind == "instruction":
        leader, paper = details.get("leader", ""), details.get("document", "").strip("《》")
        if paper:
            return f"{leader}对《{paper}》的批示" if leader else f"《{paper}》批示件"
        return f"{leader}批示件" if leader else "领导批示件"
    if document.kind == "rectification":
        body = details.get("body", "")
        return document.title or (f"{body}反馈问题整改清单" if body else "整改清单")
    return f"{government.name}{document.title or KINDS.get(document.kind, '台账')}"
