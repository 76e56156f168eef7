"""The one caller of the decomposition engine: text or upload in, draft tasks proposed for review out.

No writes: ``actions.import_report`` and ``actions.reimport_report`` save what this proposes."""

from __future__ import annotations

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


def decompose_for(government: Government, text: str, year: int | None):
    """Decompose ``text`` with the government's catalog; returns (document, draft tasks)."""
    from luoshi.text import decompose
    from luoshi.text.structure import section_name

    if not text or not text.strip():
        raise ActionError("报告内容为空")
    if "\x00" in text:
        raise ActionError("这不是文本文件: 请上传 .txt、.docx 或 .pdf 报告")
    catalog, overrides = engine_inputs(government)
    try:
        document = decompose(text, units=catalog, year=year)
    except InputError as exc:
        raise ActionError(str(exc)) from exc
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
                    if overrides and catalog is not None:
                        suggested = suggest_for(task.text, catalog, overrides, theme=theme.title, section=section.title)
                    else:
                        suggested = suggestion(task.leads, task.co_units)
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
                            **common,
                        )
                    )
    return document, drafts


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
