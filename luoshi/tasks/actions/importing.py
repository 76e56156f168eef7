"""Opening a ledger with its draft matters: a decomposed work report (its first import, and a re-import
of a corrected text that keeps what the office already decided), or a ledger of another source."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from luoshi.accounts.models import Government
from luoshi.audit import trail
from luoshi.errors import ActionError
from luoshi.reports.models import Source, WorkReport

from ..models import Task
from .editing import tags_for
from .outline import renumber


@dataclass
class DraftTask:
    """One row the engine proposes for review: a task or a guidance sentence, in document order.

    (Not a ``Proposal``: in the glossary that is a deputy's suggestion, a kind of supervised matter.)"""

    code: str
    kind: str
    text: str
    span: tuple[int, int] | None
    part_number: str = ""
    part_title: str = ""
    section_number: str = ""
    section_title: str = ""
    theme_title: str = ""
    targets: str = ""
    ongoing: bool = False
    tags: list[str] = field(default_factory=list)
    suggestion: dict = field(default_factory=dict)


def _check_drafts(drafts: list[DraftTask]) -> None:
    """A work report has numbered parts or sections (一、 / (一)) and tasks under them."""
    if not any(p.kind == "task" for p in drafts):
        raise ActionError("没有从文本中识别出任何工作任务: 请确认上传的是政府工作报告")
    if not any(p.part_number or p.section_number for p in drafts):
        raise ActionError("没有识别出报告结构 (如“一、”“(一)”等标题): 请确认上传的是政府工作报告全文")


def _create_tasks(report: WorkReport, actor, drafts: list[DraftTask], start_position: int = 0) -> list[Task]:
    created = []
    for i, p in enumerate(drafts):
        created.append(_create_task(report, actor, p, start_position + (i + 1) * 10))
    return created


def _create_task(report: WorkReport, actor, p: DraftTask, position: int) -> Task:
    task = Task.objects.create(
        report=report,
        code=p.code,
        position=position,
        kind=p.kind,
        text=p.text,
        span_start=p.span[0] if p.span else None,
        span_end=p.span[1] if p.span else None,
        part_number=p.part_number,
        part_title=p.part_title[:300],
        section_number=p.section_number,
        section_title=p.section_title[:300],
        theme_title=p.theme_title[:300],
        targets=p.targets,
        ongoing=p.ongoing,
        deadline=None if p.ongoing else report.default_deadline(),
        suggestion=p.suggestion,
    )
    if p.tags:
        task.tags.set(tags_for(report.government, p.tags))
    trail.record(actor, model="Task", object_id=task.pk, field="created", new=f"{p.code} {p.text}", task=task)
    return task


@transaction.atomic
def import_report(
    government: Government,
    actor,
    *,
    text: str,
    drafts: list[DraftTask],
    year: int,
    title: str,
    filename: str = "",
    main_targets=(),
    warnings=(),
    dropped=(),
) -> WorkReport:
    """Save a decomposed report and its proposed tasks as drafts."""
    _check_drafts(drafts)
    report = WorkReport.objects.create(
        government=government,
        year=year,
        title=title[:200],
        source_text=text,
        filename=filename[:255],
        imported_by=actor if getattr(actor, "pk", None) else None,
        imported_at=timezone.now(),
        main_targets=list(main_targets),
        warnings=list(warnings),
        dropped=list(dropped),
    )
    created = _create_tasks(report, actor, drafts)
    summary = {
        "at": report.imported_at.isoformat(),
        "created": [t.code for t in created],
        "kept": [],
        "updated": [],
        "unmatched": [],
    }
    report.last_import = summary
    report.save(update_fields=["last_import"])
    trail.record(
        actor,
        model="WorkReport",
        object_id=report.pk,
        field="imported",
        new=filename or title,
        report=report,
    )
    return report


@transaction.atomic
def open_ledger(
    government: Government,
    actor,
    *,
    source: str,
    year: int,
    title: str,
    drafts: list[DraftTask],
    text: str = "",
) -> WorkReport:
    """A ledger of a source other than the work report — a meeting's decisions, a leader's instruction
    document, a rectification list, matters handed down — with its matters as drafts for the office to
    review and publish like any report task. ``text``: the covering document, if any."""
    if source not in Source.values or source == Source.REPORT:
        raise ActionError("政府工作报告请通过“导入报告”建立台账")
    if not title.strip():
        raise ActionError("请填写台账标题")
    if not any(d.kind == "task" and d.text.strip() for d in drafts):
        raise ActionError("台账中没有任何督办事项")
    report = WorkReport.objects.create(
        government=government,
        source=source,
        year=year,
        title=title.strip()[:200],
        source_text=text,
        imported_by=actor if getattr(actor, "pk", None) else None,
        imported_at=timezone.now(),
    )
    trail.record(actor, model="WorkReport", object_id=report.pk, field="created", new=report.title, report=report)
    _create_tasks(report, actor, drafts)
    return report


@transaction.atomic
def add_to_ledger(report: WorkReport, actor, drafts: list[DraftTask]) -> list[Task]:
    """More draft matters at the end of an open ledger of another source (e.g. a supplementary list of
    the same session's proposals); returns them in order."""
    if report.source == Source.REPORT:
        raise ActionError("政府工作报告请通过“导入报告”建立台账")
    if not any(d.kind == "task" and d.text.strip() for d in drafts):
        raise ActionError("台账中没有任何督办事项")
    last = Task.objects.filter(report=report).aggregate(last=Max("position"))["last"] or 0
    return _create_tasks(report, actor, drafts, start_position=last)


def _similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


SIMILAR_ENOUGH = 0.6


@transaction.atomic
def reimport_report(
    report: WorkReport,
    actor,
    *,
    text: str,
    drafts: list[DraftTask],
    year: int,
    filename: str = "",
    main_targets=(),
    warnings=(),
    dropped=(),
) -> dict:
    """Import a corrected text into the same report without duplicating tasks.

    Matching: the same text first (wherever it moved), then the same code with similar text. Matched
    tasks keep their responsibility and history and take the new text, code and source position;
    new draft tasks become drafts; old tasks with no match are listed, never deleted.
    """
    _check_drafts(drafts)
    report = WorkReport.objects.select_for_update().get(pk=report.pk)
    old_tasks = list(Task.objects.filter(report=report).order_by("position", "id"))
    by_text: dict[str, list[Task]] = {}
    for t in old_tasks:
        by_text.setdefault(t.text, []).append(t)
    by_code = {t.code: t for t in old_tasks}
    matched: dict[int, Task] = {}  # proposal index -> old task
    used: set[int] = set()
    for i, p in enumerate(drafts):
        for candidate in by_text.get(p.text, []):
            if candidate.pk not in used:
                matched[i] = candidate
                used.add(candidate.pk)
                break
    for i, p in enumerate(drafts):
        if i in matched:
            continue
        same_code = by_code.get(p.code)
        if same_code is not None and same_code.pk not in used and _similar(same_code.text, p.text) >= SIMILAR_ENOUGH:
            matched[i] = same_code
            used.add(same_code.pk)

    report.source_text = text
    report.year = year
    if filename:
        report.filename = filename[:255]
    report.main_targets = list(main_targets)
    report.warnings = list(warnings)
    report.dropped = list(dropped)

    kept: list[str] = []
    updated: list[str] = []
    created: list[str] = []
    # Move every old task out of the way first so codes and positions can be reassigned freely.
    for t in old_tasks:
        Task.objects.filter(pk=t.pk).update(position=100000 + t.position)
    for i, p in enumerate(drafts):
        position = (i + 1) * 10
        task = matched.get(i)
        if task is None:
            created.append(_create_task(report, actor, p, position).code)
            continue
        changes = []
        for name, value in (
            ("code", p.code),
            ("text", p.text),
            ("section_title", p.section_title[:300]),
            ("theme_title", p.theme_title[:300]),
        ):
            if getattr(task, name) != value:
                trail.record(
                    actor,
                    model="Task",
                    object_id=task.pk,
                    field=name,
                    old=getattr(task, name),
                    new=value,
                    task=task,
                )
                setattr(task, name, value)
                changes.append(name)
        task.position = position
        task.span_start, task.span_end = p.span if p.span else (None, None)
        task.part_number, task.part_title, task.section_number = (
            p.part_number,
            p.part_title[:300],
            p.section_number,
        )
        task.suggestion = p.suggestion
        if changes:
            task.version += 1
        task.save()
        (updated if changes else kept).append(task.code)
    unmatched = []
    for t in old_tasks:
        if t.pk not in used:
            t.refresh_from_db()
            unmatched.append({"id": t.pk, "code": t.code, "text": t.text})
            # Kept after the matched tasks; the span pointed into the old text, so it is cleared.
            Task.objects.filter(pk=t.pk).update(span_start=None, span_end=None)
    report.last_import = {
        "at": timezone.now().isoformat(),
        "created": created,
        "kept": kept,
        "updated": updated,
        "unmatched": unmatched,
    }
    report.save()
    renumber(report)
    trail.record(
        actor,
        model="WorkReport",
        object_id=report.pk,
        field="reimported",
        new=f"{filename} 保留{len(kept)} 更新{len(updated)} 新增{len(created)} 未匹配{len(unmatched)}",
        report=report,
    )
    return report.last_import
