"""拒签收 / 申请调整: the lead unit declines an assigned matter it holds is not its own; the office
reassigns it to another lead unit or insists. For every kind of matter but a proposal's, whose 主办 unit
asks for 退回改办 instead (``proposals.actions.request_relief``)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from luoshi.accounts.models import Unit
from luoshi.audit import trail
from luoshi.errors import ActionError
from luoshi.reports.models import Source
from luoshi.tasks import actions as task_actions
from luoshi.tasks.models import Status, Task

from .. import health
from ..models import Decline
from .lights import record_health
from .notify import liaisons, notify, settle, supervisors, task_url


@transaction.atomic
def request_decline(task_id: int, actor, *, reason: str, at=None) -> Decline:
    """The lead unit's liaison declines the matter with a reason instead of signing for it (签收)."""
    now = at or timezone.now()
    task = Task.objects.select_for_update(of=("self",)).select_related("report", "lead_unit").get(pk=task_id)
    reason = (reason or "").strip()
    if not reason:
        raise ActionError("请说明拒签收的理由 (为何不属于本单位职责)")
    if task.report.source == Source.PROPOSALS:
        raise ActionError("建议提案请通过“退回改办”申请调整主办单位")
    if task.status != Status.ASSIGNED:
        raise ActionError("只有已交办、尚未签收的事项可以拒签收")
    unit = getattr(actor, "unit", None)
    if unit is None or task.lead_unit_id != unit.pk:
        raise ActionError("只有牵头单位可以拒签收")
    if Decline.objects.filter(task=task, status=Decline.Status.PENDING).exists():
        raise ActionError("已有一项拒签收申请待督查室处理")
    decline = Decline.objects.create(task=task, unit=unit, reason=reason, requested_by=actor, requested_at=now)
    trail.record(actor, model="Decline", object_id=decline.pk, field="decline", new=reason, task=task, at=now)
    notify(
        supervisors(task),
        task=task,
        kind="decline",
        title=f"{task.code} {unit.label}拒签收, 申请调整牵头单位",
        body=reason,
        outside=False,
        url=task_url(task, "act"),
    )
    return decline


@transaction.atomic
def decide_decline(
    decline_id: int, actor, *, reassign: bool, new_unit: Unit | None = None, reason: str = "", at=None
) -> Decline:
    """The office reassigns the matter (``new_unit`` becomes its lead unit; the matter is published to it
    afresh, so its time to sign starts again) or insists (the declining unit must sign; the reason says
    why). Either way the unit is told, and the office's item is settled."""
    now = at or timezone.now()
    try:
        decline = Decline.objects.select_for_update().get(pk=decline_id)
    except Decline.DoesNotExist:
        raise ActionError("没有这项申请") from None
    if decline.status != Decline.Status.PENDING:
        raise ActionError("该申请已处理")
    task = Task.objects.select_for_update(of=("self",)).select_related("report").get(pk=decline.task_id)
    reason = (reason or "").strip()
    if reassign:
        if new_unit is None:
            raise ActionError("改派须指定新的牵头单位")
        if new_unit.pk == decline.unit_id:
            raise ActionError("新的牵头单位不能是拒签收的单位")
        if new_unit.government_id != task.report.government_id:
            raise ActionError("没有这个单位")
        if task.status != Status.ASSIGNED:
            raise ActionError("该事项已签收, 不能再改派")
    elif not reason:
        raise ActionError("维持交办须说明理由")
    decline.status = Decline.Status.REASSIGNED if reassign else Decline.Status.INSISTED
    decline.new_unit = new_unit if reassign else None
    decline.decided_by = actor
    decline.decided_at = now
    decline.decision_reason = reason
    decline.save()
    word = f"改派{new_unit.label}牵头" if reassign and new_unit else "维持交办"
    trail.record(
        actor,
        model="Decline",
        object_id=decline.pk,
        field="decline_decision",
        new=word + (f": {reason}" if reason else ""),
        task=task,
        at=now,
    )
    settle(task, ["decline"], users=supervisors(task), at=now)
    declining = decline.unit
    if reassign:
        assert new_unit is not None
        settle(task, users=liaisons(declining), at=now)  # the matter is no longer the unit's
        co_units = [u for u in task.co_units.all() if u.pk != new_unit.pk]
        task_actions.update_task(
            task.pk, actor, task.version, {"lead_unit": new_unit, "co_units": co_units}, learn=False
        )
        trail.record(
            actor, model="Task", object_id=task.pk, field="published_at", new=now.isoformat(), task=task, at=now
        )
        Task.objects.filter(pk=task.pk).update(published_at=now, published_by=actor)
        notify(
            liaisons(new_unit),
            task=task,
            kind="assign",
            title=f"改派交办: {task.code} {task.text[:40]}",
            body=f"原牵头单位{declining.label}申请调整, 督查室改由贵单位牵头, 请签收。",
            units=[new_unit],
            url=task_url(task, "act"),
        )
    notify(
        liaisons(declining),
        task=task,
        kind="decline",
        title=f"{task.code} 拒签收申请: {word}" + ("" if reassign else ", 请签收"),
        body=reason,
        units=[declining],
        todo=False,
        url=task_url(task, "act"),
    )
    task.refresh_from_db()
    record_health(task, health.local_date(now), "拒签收改派" if reassign else "拒签收未获同意")
    return decline
