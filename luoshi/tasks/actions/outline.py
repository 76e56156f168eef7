"""The outline of a report's draft tasks: merge two tasks, split one, number the positions again."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from luoshi.audit import trail
from luoshi.errors import ActionError, ConflictError
from luoshi.reports.models import WorkReport

from ..models import Task


def renumber(report: WorkReport) -> None:
    """Positions 10, 20, 30, … in the current order (the caller holds the transaction)."""
    for i, pk in enumerate(Task.objects.filter(report=report).order_by("position", "id").values_list("pk", flat=True)):
        Task.objects.filter(pk=pk).update(position=(i + 1) * 10)


def _free_code(report: WorkReport, base: str) -> str:
    n = 2
    while Task.objects.filter(report=report, code=f"{base}-{n}").exists():
        n += 1
    return f"{base}-{n}"


def _lock(task_id: int, version: int) -> Task:
    bumped = Task.objects.filter(pk=task_id, version=version).update(version=F("version") + 1)
    if not bumped:
        raise ConflictError()
    return Task.objects.select_related("report").get(pk=task_id)


@transaction.atomic
def merge_with_next(task_id: int, actor, version: int) -> Task:
    """Merge a task with the next one under the same theme; the second one's history stays in the audit."""
    task = _lock(task_id, version)
    if task.is_published:
        raise ActionError("已交办的任务不能合并")
    following = (
        Task.objects.filter(report=task.report, position__gt=task.position, kind=task.kind)
        .order_by("position", "id")
        .first()
    )
    if following is None or following.theme_title != task.theme_title or following.section_title != task.section_title:
        raise ActionError("同一工作主题下没有可合并的下一条任务")
    if following.is_published:
        raise ActionError("已交办的任务不能合并")
    old_text = task.text
    task.text = task.text + following.text
    if task.span and following.span:
        task.span_end = max(task.span[1], following.span[1])
    task.targets = "\n".join(t for t in (task.targets, following.targets) if t)
    task.save(update_fields=["text", "span_end", "targets"])
    task.tags.add(*following.tags.all())
    task.co_units.add(*following.co_units.all())
    trail.record(actor, model="Task", object_id=task.pk, field="text", old=old_text, new=task.text, task=task)
    trail.record(
        actor,
        model="Task",
        object_id=following.pk,
        field="merged_into",
        old=following.code,
        new=task.code,
        task=task,
    )
    following.delete()
    return task


@transaction.atomic
def split_task(task_id: int, actor, version: int, at: int) -> tuple[Task, Task]:
    """Split a task's text at a character position; the second half becomes a new task right after it."""
    task = _lock(task_id, version)
    if task.is_published:
        raise ActionError("已交办的任务不能拆分")
    if not 0 < at < len(task.text):
        raise ActionError("拆分位置应在任务文本中间")
    first, second = task.text[:at].strip(), task.text[at:].strip()
    if not first or not second:
        raise ActionError("拆分后两段都不能为空")
    old_text = task.text
    split_span = None
    if task.span:
        source = task.report.source_text[task.span_start : task.span_end]
        offset = source.find(second)
        if offset > 0:
            split_span = task.span[0] + offset
    new = Task.objects.create(
        report=task.report,
        code=_free_code(task.report, task.code),
        position=task.position + 1,
        kind=task.kind,
        text=second,
        span_start=split_span,
        span_end=task.span_end if split_span else None,
        part_number=task.part_number,
        part_title=task.part_title,
        section_number=task.section_number,
        section_title=task.section_title,
        theme_title=task.theme_title,
        lead_unit=task.lead_unit,
        leader=task.leader,
        task_force=task.task_force,
        deadline=task.deadline,
        ongoing=task.ongoing,
        cycle=task.cycle,
        due_day=task.due_day,
        suggestion=task.suggestion,
    )
    new.co_units.set(task.co_units.all())
    new.tags.set(task.tags.all())
    task.text = first
    if split_span:
        task.span_end = split_span
    task.save(update_fields=["text", "span_end"])
    trail.record(actor, model="Task", object_id=task.pk, field="text", old=old_text, new=first, task=task)
    trail.record(actor, model="Task", object_id=new.pk, field="split_from", old=task.code, new=new.code, task=new)
    renumber(task.report)
    task.refresh_from_db()
    new.refresh_from_db()
    return task, new
