"""What a unit asks of the office and the office decides — extension, closing — and the leader's 批示."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from luoshi.audit import trail
from luoshi.errors import ActionError
from luoshi.tasks import actions as task_actions
from luoshi.tasks.models import ACTIVE, Status, Task

from .. import health
from ..models import ClosingRequest, ExtensionRequest, Instruction
from .lights import record_health, settings_for
from .notify import liaisons, notify, settle, supervisors


@transaction.atomic
def request_extension(task_id: int, actor, *, reason: str, new_deadline: datetime.date, at=None) -> ExtensionRequest:
    now = at or timezone.now()
    task = Task.objects.select_for_update().select_related("report").get(pk=task_id)
    reason = (reason or "").strip()
    if not reason:
        raise ActionError("请说明延期理由")
    if task.ongoing:
        raise ActionError("常态化任务没有完成时限, 无需延期")
    if task.status == Status.CLOSED:
        raise ActionError("已办结的任务不能申请延期")
    if task.deadline and new_deadline <= task.deadline:
        raise ActionError(f"新的完成时限须晚于现在的 {task.deadline:%Y-%m-%d}")
    if ExtensionRequest.objects.filter(
        task=task, status__in=(ExtensionRequest.Status.PENDING, ExtensionRequest.Status.LEADER)
    ).exists():
        raise ActionError("已有一项延期申请在审核中")
    request = ExtensionRequest.objects.create(
        task=task,
        reason=reason,
        old_deadline=task.deadline,
        new_deadline=new_deadline,
        requested_by=actor,
        requested_at=now,
    )
    trail.record(
        actor,
        model="ExtensionRequest",
        object_id=request.pk,
        field="extension",
        new=str(new_deadline),
        task=task,
        at=at,
    )
    notify(
        supervisors(task),
        task=task,
        kind="extension",
        title=f"{task.code} 申请延期至 {new_deadline}",
        body=reason,
        outside=False,
    )
    return request


@transaction.atomic
def decide_extension(request_id: int, actor, *, approve: bool, reason: str = "", at=None) -> ExtensionRequest:
    """The office decides; where the ledger says so an approval also needs the task's leader."""
    now = at or timezone.now()
    request = ExtensionRequest.objects.select_for_update().select_related("task", "task__report").get(pk=request_id)
    task = request.task
    if not request.is_open:
        raise ActionError("该申请已处理")
    needs_leader = settings_for(task.report).leader_approves_extensions and task.leader_id
    if request.status == ExtensionRequest.Status.PENDING and approve and needs_leader:
        request.status = ExtensionRequest.Status.LEADER
        request.decision_reason = (reason or "").strip()
        request.save()
        settle(task, ["extension"], users=supervisors(task), at=now)
        notify([task.leader], task=task, kind="extension", title=f"{task.code} 延期申请待您审核", body=request.reason)
        return request
    request.status = ExtensionRequest.Status.APPROVED if approve else ExtensionRequest.Status.REFUSED
    request.decided_by = actor
    request.decided_at = now
    request.decision_reason = (reason or "").strip()
    request.save()
    settle(task, ["extension"], users=[*supervisors(task), task.leader], at=now)
    if approve:
        task_actions.update_task(task.pk, actor, task.version, {"deadline": request.new_deadline}, learn=False)
        settle(task, ["remind", "urge"], users=liaisons(task.lead_unit), at=now, subjects=["任务完成时限"])
    word = f"已同意, 完成时限改为 {request.new_deadline}" if approve else "未获同意"
    notify(
        liaisons(task.lead_unit),
        task=task,
        kind="extension",
        title=f"{task.code} 延期申请{word}",
        body=request.decision_reason,
        units=[task.lead_unit],
        todo=False,
    )
    task.refresh_from_db()
    record_health(task, health.local_date(now), "延期申请" + ("同意" if approve else "未同意"))
    return request


@transaction.atomic
def request_closing(task_id: int, actor, *, verdict: str, reason: str, at=None) -> ClosingRequest:
    now = at or timezone.now()
    task = Task.objects.select_for_update().select_related("report").get(pk=task_id)
    if verdict not in ClosingRequest.Verdict.values:
        raise ActionError("完成情况只能是完成、部分完成或未完成")
    reason = (reason or "").strip()
    if not reason:
        raise ActionError("请说明完成情况")
    if task.status not in ACTIVE:
        raise ActionError("该任务当前状态不能申请办结")
    closing = ClosingRequest.objects.create(
        task=task, verdict=verdict, reason=reason, requested_by=actor, requested_at=now
    )
    task_actions.move(task, actor, Status.CLOSING, at=at)
    # asking to close answers the deadline's reminders and the 督办单 so far; the decision is the office's
    settle(task, ["remind", "urge"], users=liaisons(task.lead_unit), at=now, subjects=["任务完成时限"])
    settle(task, ["order"], at=now)
    notify(supervisors(task), task=task, kind="closing", title=f"{task.code} 申请办结", body=reason, outside=False)
    return closing


@transaction.atomic
def decide_closing(request_id: int, actor, *, approve: bool, reason: str = "", at=None) -> ClosingRequest:
    now = at or timezone.now()
    closing = ClosingRequest.objects.select_for_update().select_related("task", "task__report").get(pk=request_id)
    if closing.status != ClosingRequest.Status.PENDING:
        raise ActionError("该申请已处理")
    task = Task.objects.select_for_update().get(pk=closing.task_id)
    closing.status = ClosingRequest.Status.APPROVED if approve else ClosingRequest.Status.REFUSED
    closing.decided_by = actor
    closing.decided_at = now
    closing.decision_reason = (reason or "").strip()
    closing.save()
    if approve:
        trail.record(
            actor,
            model="Task",
            object_id=task.pk,
            field="verdict",
            new=closing.get_verdict_display(),
            task=task,
            at=at,
        )
        task_actions.move(task, actor, Status.CLOSED, at=at)
        settle(task, at=now)  # a closed task asks nothing more of anyone
    else:
        back = Status.ONGOING if task.ongoing else Status.IN_PROGRESS
        task_actions.move(task, actor, back, at=at)
        settle(task, ["closing"], users=supervisors(task), at=now)
    word = "已办结" if approve else "办结申请未获同意"
    notify(
        liaisons(task.lead_unit),
        task=task,
        kind="closing",
        title=f"{task.code} {word}",
        body=closing.decision_reason,
        units=[task.lead_unit],
        todo=False,
    )
    record_health(task, health.local_date(now), word)
    return closing


@transaction.atomic
def instruct(task_id: int, actor, *, text: str, at=None) -> Instruction:
    """批示: stored on the task and delivered to the lead unit (and co-units)."""
    now = at or timezone.now()
    text = (text or "").strip()
    if not text:
        raise ActionError("请填写批示内容")
    task = Task.objects.select_related("report", "lead_unit").get(pk=task_id)
    instruction = Instruction.objects.create(task=task, author=actor, text=text, at=now)
    units = [task.lead_unit, *task.co_units.all()]
    users = [u for unit in units for u in liaisons(unit)]
    notify(
        users,
        task=task,
        kind="instruction",
        title=f"{actor.display_name}对任务 {task.code} 作出批示",
        body=text,
        units=units,
    )
    return instruction
