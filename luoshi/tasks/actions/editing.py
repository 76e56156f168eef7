"""Edits of the ledger's tasks: fields (one task or a selection), the engine's suggestions, milestones,
one lifecycle step and publishing (交办). Each write is one transaction and every changed field is
audited here.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from luoshi.accounts.models import Government, Unit
from luoshi.audit import trail
from luoshi.errors import ActionError, ConflictError
from luoshi.reports.models import WorkReport
from luoshi.text.assign import override_term

from ..models import Milestone, Status, SuggestionOverride, Tag, Task

# The fields an office user may change on a task, in the order the audit shows them.
EDITABLE_FIELDS = (
    "text",
    "kind",
    "targets",
    "lead_unit",
    "co_units",
    "leader",
    "task_force",
    "deadline",
    "ongoing",
    "cycle",
    "due_day",
    "tags",
    "status",
)
M2M_FIELDS = {"co_units", "tags"}


def display(field_name: str, value) -> str:
    """The audit's text form of a task field's value (tags are joined by ；)."""
    return trail.display(value, separator="；" if field_name == "tags" else "、")


def tags_for(government: Government, names) -> list[Tag]:
    out = []
    for name in names:
        name = name.strip()
        if name:
            out.append(Tag.objects.get_or_create(government=government, name=name[:60])[0])
    return out


def _validate(task: Task, changes: dict) -> None:
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ActionError(f"不能修改这些字段: {', '.join(sorted(unknown))}")
    government_id = task.report.government_id
    if "text" in changes and not str(changes["text"]).strip():
        raise ActionError("任务内容不能为空")
    if "kind" in changes and changes["kind"] not in dict(Task.KIND_CHOICES):
        raise ActionError("类型只能是任务或总体要求")
    if "status" in changes and changes["status"] not in dict(Task.STATUS_CHOICES):
        raise ActionError("未知的状态")
    if "cycle" in changes and changes["cycle"] not in dict(Task.CYCLE_CHOICES):
        raise ActionError("未知的报送周期")
    if "due_day" in changes and not (1 <= int(changes["due_day"]) <= 28):
        raise ActionError("报送日应在 1 到 28 之间")
    for name in ("lead_unit",):
        unit = changes.get(name)
        if unit is not None and unit.government_id != government_id:
            raise ActionError("单位不属于本政府的单位目录")
    for unit in changes.get("co_units") or ():
        if unit.government_id != government_id:
            raise ActionError("配合单位不属于本政府的单位目录")
    leader = changes.get("leader")
    if leader is not None and leader.government_id != government_id:
        raise ActionError("包抓领导不属于本政府")
    if changes.get("kind") == "guidance" and (task.is_published or changes.get("status", task.status) != Status.DRAFT):
        raise ActionError("已交办的任务不能改为总体要求")


def _apply(task: Task, actor, changes: dict) -> list[str]:
    """Apply validated changes to a locked task and audit each changed field. Returns changed names."""
    values = {}
    for name in EDITABLE_FIELDS:
        if name not in changes:
            continue
        new = changes[name]
        if name == "tags":
            new = tags_for(task.report.government, new)
        elif name == "text":
            new = str(new).strip()
        elif name == "due_day":
            new = int(new)
        values[name] = new
    return trail.set_fields(actor, task, values, model="Task", task=task, show=display)


@transaction.atomic
def update_task(task_id: int, actor, version: int, changes: dict, *, learn: bool = True) -> Task:
    """Change fields of one task if nobody changed it since ``version``; audit every changed field."""
    task = Task.objects.select_related("report", "report__government").get(pk=task_id)
    _validate(task, changes)
    bumped = Task.objects.filter(pk=task_id, version=version).update(version=F("version") + 1)
    if not bumped:
        raise ConflictError()
    task.refresh_from_db()
    changed = _apply(task, actor, changes)
    if not changed:
        # Nothing to record: undo the version bump so an idle save does not conflict with others.
        Task.objects.filter(pk=task_id).update(version=F("version") - 1)
        task.refresh_from_db()
        return task
    task.save(update_fields=[n for n in changed if n not in M2M_FIELDS] + ["version"])
    if learn and "lead_unit" in changed and task.lead_unit is not None:
        learn_override(task, task.lead_unit, actor)
    return task


@transaction.atomic
def bulk_update(report: WorkReport, task_ids, actor, changes: dict) -> int:
    """The same changes on a selection of tasks of one report. Returns how many tasks changed."""
    count = 0
    add_tags = changes.get("add_tags")
    for task in Task.objects.filter(report=report, pk__in=list(task_ids)).order_by("position"):
        before = task.version
        if add_tags is not None:
            changes = {"tags": task.tag_names() + [t for t in add_tags if t not in task.tag_names()]}
        updated = update_task(task.pk, actor, task.version, changes)
        count += updated.version != before
    return count


# one-click acceptance takes the co-units the engine is reasonably sure of (a named place scores
# 0.75, a single weak keyword about 0.3); the office adds the others by hand where they apply
CO_UNIT_ACCEPT_MIN = 0.4


@transaction.atomic
def accept_suggestions(report: WorkReport, task_ids, actor) -> int:
    """Take the engine's first suggested lead and its co-units where the task has no lead unit yet."""
    units = {u.short_name: u for u in report.government.units.all()}
    count = 0
    for task in Task.objects.filter(report=report, pk__in=list(task_ids), kind="task", lead_unit__isnull=True):
        leads = [units[s["unit"]] for s in task.suggestion.get("leads", []) if s.get("unit") in units]
        if not leads:
            continue
        co = [
            units[s["unit"]]
            for s in task.suggestion.get("co_units", [])
            if s.get("unit") in units and s.get("score", 0) >= CO_UNIT_ACCEPT_MIN
        ]
        co = [u for u in co if u.pk != leads[0].pk]
        update_task(task.pk, actor, task.version, {"lead_unit": leads[0], "co_units": co}, learn=False)
        count += 1
    return count


def learn_override(task: Task, unit: Unit, actor) -> None:
    """A confirmed lead unit that differs from the engine's first suggestion teaches the next import."""
    leads = task.suggestion.get("leads") or []
    if leads and leads[0].get("unit") == unit.short_name:
        return
    term = override_term(task.text)
    if not term:
        return
    SuggestionOverride.objects.update_or_create(
        government_id=task.report.government_id,
        term=term,
        defaults={"unit": unit, "created_by": actor if getattr(actor, "pk", None) else None},
    )


def ledger_import_refusal(plans) -> str:
    """Why a filled-in 分工方案 may not be imported at all, naming the rows, or "" when it may: a row
    whose 序号 is empty, unknown, repeated in the sheet or held by two tasks would update the wrong
    task, or leave the office guessing which."""
    bad = [plan for plan in plans if getattr(plan, "code_problem", "")]
    if not bad:
        return ""
    rows = "; ".join(f"第{plan.row}行 {plan.code_problem}" for plan in bad)
    return f"分工方案未导入, 台账没有任何改动: {rows}。请按导出的序号改正这些行后重新上传"


@transaction.atomic
def apply_ledger_import(plans, actor) -> int:
    """Apply the planned spreadsheet rows that have changes and no errors. Returns tasks changed.

    A sheet with a row whose code names no one task is refused whole, before anything is written
    (``ledger_import_refusal``)."""
    refusal = ledger_import_refusal(plans)
    if refusal:
        raise ActionError(refusal)
    count = 0
    for plan in plans:
        if plan.errors or not plan.changes:
            continue
        task = Task.objects.get(pk=plan.task.pk)
        update_task(task.pk, actor, task.version, plan.changes)
        count += 1
    return count


@transaction.atomic
def add_milestone(task: Task, actor, title: str, due: datetime.date) -> Milestone:
    title = (title or "").strip()
    if not title:
        raise ActionError("节点名称不能为空")
    milestone = Milestone.objects.create(task=task, title=title[:300], due=due)
    trail.record(
        actor,
        model="Milestone",
        object_id=milestone.pk,
        field="created",
        new=f"{due} {title}",
        task=task,
    )
    return milestone


@transaction.atomic
def set_milestone_done(milestone: Milestone, actor, done: bool) -> Milestone:
    if milestone.done != done:
        trail.record(
            actor,
            model="Milestone",
            object_id=milestone.pk,
            field="done",
            old=display("done", milestone.done),
            new=display("done", done),
            task=milestone.task,
        )
        milestone.done = done
        milestone.save(update_fields=["done"])
    return milestone


@transaction.atomic
def delete_milestone(milestone: Milestone, actor) -> None:
    trail.record(
        actor,
        model="Milestone",
        object_id=milestone.pk,
        field="deleted",
        old=f"{milestone.due} {milestone.title}",
        task=milestone.task,
    )
    milestone.delete()


@transaction.atomic
def publish(report: WorkReport, actor, task_ids=None, at=None) -> dict:
    """交办: make draft tasks (all, or the selected ones) visible to their units. Tasks without a lead
    unit stay drafts and are counted, so the office sees what is still missing. (``at``: when, for
    simulated history; default now.)"""
    tasks = Task.objects.filter(report=report, kind="task", status=Status.DRAFT)
    if task_ids is not None:
        tasks = tasks.filter(pk__in=list(task_ids))
    now = at or timezone.now()
    published = missing = 0
    for task in tasks.select_for_update().order_by("position"):
        if task.lead_unit_id is None:
            missing += 1
            continue
        move(task, actor, Status.ASSIGNED, at=now)
        trail.record(
            actor, model="Task", object_id=task.pk, field="published_at", new=now.isoformat(), task=task, at=now
        )
        task.published_at = now
        task.published_by = actor
        task.save(update_fields=["published_at", "published_by"])
        published += 1
    return {"published": published, "missing_lead": missing}


def move(task: Task, actor, status: str, at=None) -> None:
    """One step of a locked task's lifecycle, audited and saved (the moves are on the model)."""
    if task.status == status:
        return
    old = task.status
    task.move_to(status)
    trail.record(actor, model="Task", object_id=task.pk, field="status", old=old, new=status, task=task, at=at)
    task.save(update_fields=["status", "version"])
