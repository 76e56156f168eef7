"""交办 and handling of a suggestion or proposal: assigning it with its deadline, 分办, 退回改办, the 会办
units' opinions and the 主办 unit's contacts with the author. Each write is one transaction, audited.

The deadline rule (docs/architecture.md, Domain rules): three months from 交办 by default, up to six for a
complex matter (``LUOSHI_PROPOSAL_REPLY_MONTHS``, ``LUOSHI_PROPOSAL_MAX_MONTHS``). A proposal's matter has
no reporting cycle (``cycle="none"``): it is judged by its deadline alone until the reply is submitted.
"""

from __future__ import annotations

import calendar
import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from luoshi.accounts.models import Unit, User
from luoshi.audit import trail
from luoshi.errors import ActionError
from luoshi.tasks import actions as task_actions
from luoshi.tasks.models import ACTIVE, Status, Task
from luoshi.tracking import actions as tracking

from ..models import Contact, Opinion, Proposal, Relief

# Where a matter may be handled: signed for and not yet answered (nor closed).
HANDLING = frozenset({Status.ACKNOWLEDGED, Status.IN_PROGRESS})


def months_after(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (the month's last day where that month is shorter)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def local_day(at: datetime.datetime | None) -> datetime.date:
    return timezone.localdate(at) if at else timezone.localdate()


def locked(proposal_id: int) -> tuple[Proposal, Task]:
    """The proposal and its matter, both locked for the rest of the transaction."""
    try:
        proposal = Proposal.objects.select_for_update().get(pk=proposal_id)
    except Proposal.DoesNotExist:
        raise ActionError("没有这个建议或提案") from None
    task = Task.objects.select_for_update(of=("self",)).select_related("report", "lead_unit").get(pk=proposal.task_id)
    return proposal, task


def page(proposal: Proposal, anchor: str = "") -> str:
    """Where a notification about the proposal leads: its page, at the section of the form it asks for."""
    return f"{settings.LUOSHI_SITE_URL}/proposals/{proposal.pk}/" + (f"#{anchor}" if anchor else "")


def handling_months(months) -> int:
    """The handling time the office gives, checked against the allowed maximum."""
    if months in (None, ""):
        return settings.LUOSHI_PROPOSAL_REPLY_MONTHS
    try:
        months = int(months)
    except (TypeError, ValueError):
        raise ActionError("办理期限应为月数 (如 3)") from None
    longest = settings.LUOSHI_PROPOSAL_MAX_MONTHS
    if months < 1:
        raise ActionError("办理期限至少为1个月")
    if months > longest:
        raise ActionError(f"办理期限最长为交办后{longest}个月, 不能定为{months}个月")
    return months


def _liaisons_of(units) -> list[User]:
    return [user for unit in units for user in tracking.liaisons(unit)]


@transaction.atomic
def assign(
    proposal_id: int,
    actor,
    *,
    lead_unit: Unit | None,
    co_units=(),
    leader: User | None = None,
    key: bool = False,
    months=None,
    at: datetime.datetime | None = None,
) -> Proposal:
    """交办: the 主办 unit, any 会办 units, the 领办 leader of a key matter and the handling time; the
    deadline is 交办 + ``months`` (default three, at most six). The units are told at once."""
    proposal, task = locked(proposal_id)
    if task.status != Status.DRAFT:
        raise ActionError(f"{proposal.number_label}已交办")
    if lead_unit is None:
        raise ActionError("请指定主办单位")
    co_units = [u for u in co_units if u != lead_unit]
    if key and leader is None:
        raise ActionError("重点建议提案须指定领办领导")
    if leader is not None and leader.role != User.LEADER:
        raise ActionError("领办领导须为本级领导账号")
    months = handling_months(months)
    now = at or timezone.now()
    day = local_day(now)
    deadline = months_after(day, months)
    task_actions.update_task(
        task.pk,
        actor,
        task.version,
        {"lead_unit": lead_unit, "co_units": co_units, "leader": leader, "cycle": "none", "deadline": deadline},
        learn=True,
    )
    task_actions.publish(task.report, actor, task_ids=[task.pk], at=now)
    trail.set_fields(
        actor,
        proposal,
        {"key": bool(key), "complex": months > settings.LUOSHI_PROPOSAL_REPLY_MONTHS, "assigned_on": day},
        model="Proposal",
        task=task,
        at=now,
    )
    proposal.save(update_fields=["key", "complex", "assigned_on"])
    task.refresh_from_db()
    title = f"交办: {proposal.get_kind_display()}{proposal.number_label} {task.text[:40]}"
    body = f"请于 {deadline:%Y-%m-%d} 前答复"
    tracking.notify(
        tracking.liaisons(lead_unit),
        task=task,
        kind="assign",
        title=title,
        body=f"主办。{body}",
        units=[lead_unit],
        on=day,
        url=page(proposal, "handling"),
    )
    if co_units:
        due = day + datetime.timedelta(days=settings.LUOSHI_PROPOSAL_OPINION_DAYS)
        tracking.notify(
            _liaisons_of(co_units),
            task=task,
            kind="assign",
            title=title,
            body=f"会办。请于 {due:%Y-%m-%d} 前向主办单位提出会办意见",
            units=co_units,
            on=day,
            url=page(proposal, "opinions"),
        )
    if leader is not None:
        tracking.notify(
            [leader], task=task, kind="assign", title=f"领办: {title}", body=body, outside=False, url=page(proposal)
        )
    return proposal


@transaction.atomic
def split(proposal_id: int, actor, units) -> list[Proposal]:
    """分办: a matter that falls to several 主办 units becomes one part per unit, each with its own matter,
    reply and verdict; the first unit keeps the original row. Before 交办 only."""
    proposal, task = locked(proposal_id)
    units = list(dict.fromkeys(u for u in units if u is not None))
    if task.status != Status.DRAFT:
        raise ActionError("已交办的事项不能再分办")
    if proposal.part:
        raise ActionError("分办事项不能再次分办")
    if len(units) < 2:
        raise ActionError("分办须指定至少两个主办单位")
    taken = set(
        Proposal.objects.filter(
            government=proposal.government, kind=proposal.kind, session=proposal.session, number=proposal.number
        ).values_list("part", flat=True)
    )
    drafts, parts = [], []
    for _ in units[1:]:
        part = max(taken) + 1
        taken.add(part)
        parts.append(part)
        drafts.append(
            task_actions.DraftTask(
                code=f"{proposal.number}-{part + 1}",
                kind="task",
                text=task.text,
                span=None,
                section_title=task.section_title,
                theme_title=task.theme_title,
                suggestion=task.suggestion,
            )
        )
    new_tasks = task_actions.add_to_ledger(task.report, actor, drafts)
    task_actions.update_task(task.pk, actor, task.version, {"lead_unit": units[0], "co_units": []}, learn=False)
    out = [proposal]
    kept = {
        name: getattr(proposal, name)
        for name in ("government", "kind", "session", "number", "lead_author", "co_signers", "group", "content")
    }
    for unit, part, new_task in zip(units[1:], parts, new_tasks, strict=True):
        task_actions.update_task(new_task.pk, actor, new_task.version, {"lead_unit": unit}, learn=False)
        out.append(Proposal.objects.create(task=new_task, part=part, proposed_units=proposal.proposed_units, **kept))
        trail.record(actor, model="Proposal", object_id=proposal.pk, field="split", new=unit.label, task=task)
    return out


@transaction.atomic
def request_relief(proposal_id: int, actor, *, reason: str, at=None) -> Relief:
    """退回改办: the 主办 unit, before it signs for the matter, or a 会办 unit, while it is handled, asks the
    office to give it to another unit."""
    proposal, task = locked(proposal_id)
    reason = (reason or "").strip()
    if not reason:
        raise ActionError("请说明申请退回改办的理由")
    unit = actor.unit
    if unit is None or not (task.lead_unit_id == unit.pk or task.co_units.filter(pk=unit.pk).exists()):
        raise ActionError("只有承办单位可以申请退回改办")
    if task.lead_unit_id == unit.pk and task.status != Status.ASSIGNED:
        raise ActionError("主办单位须在签收前申请退回改办")
    if task.status not in {Status.ASSIGNED, *HANDLING}:
        raise ActionError("该事项当前状态不能申请退回改办")
    if proposal.reliefs.filter(unit=unit, status=Relief.Status.PENDING).exists():
        raise ActionError("已有待审核的退回改办申请")
    relief = Relief.objects.create(
        proposal=proposal, unit=unit, reason=reason, requested_by=actor, requested_at=at or timezone.now()
    )
    trail.record(
        actor, model="Relief", object_id=relief.pk, field="relief", new=f"{unit.label}: {reason}", task=task, at=at
    )
    tracking.notify(
        tracking.supervisors(task),
        task=task,
        kind="relief",
        title=f"{unit.label}申请退回改办 {proposal.number_label}",
        body=reason,
        outside=False,
        url=page(proposal, "reliefs"),
    )
    return relief


@transaction.atomic
def decide_relief(
    relief_id: int, actor, *, approve: bool, reason: str = "", new_unit: Unit | None = None, at=None
) -> Relief:
    """The office agrees (naming the unit that takes the 主办 part; a 会办 unit may simply be let go) or
    refuses. A new 主办 unit is assigned afresh: its handling time counts from today."""
    try:
        relief = Relief.objects.select_for_update().get(pk=relief_id)
    except Relief.DoesNotExist:
        raise ActionError("没有这个申请") from None
    if relief.status != Relief.Status.PENDING:
        raise ActionError("该申请已处理")
    proposal, task = locked(relief.proposal_id)
    now = at or timezone.now()
    reason = (reason or "").strip()
    as_lead = task.lead_unit_id == relief.unit_id
    if approve:
        if as_lead and new_unit is None:
            raise ActionError("同意改办须指定新的主办单位")
        if new_unit is not None and new_unit.pk == relief.unit_id:
            raise ActionError("新的承办单位不能是申请退回的单位")
        if as_lead and task.status != Status.ASSIGNED:
            raise ActionError("主办单位已签收, 不能再改办")
    elif not reason:
        raise ActionError("不同意改办须说明理由")
    relief.status = Relief.Status.APPROVED if approve else Relief.Status.REFUSED
    relief.new_unit = new_unit if approve else None
    relief.decided_by = actor
    relief.decided_at = now
    relief.decision_reason = reason
    relief.save()
    trail.record(
        actor, model="Relief", object_id=relief.pk, field="decision", new=relief.get_status_display(), task=task, at=now
    )
    if not proposal.reliefs.filter(status=Relief.Status.PENDING).exists():
        tracking.settle(task, ["relief"], users=tracking.supervisors(task), at=now)
    if approve:
        tracking.settle(task, users=tracking.liaisons(relief.unit), at=now)  # the matter is no longer the unit's
    tracking.notify(
        tracking.liaisons(relief.unit),
        task=task,
        kind="relief",
        title=f"退回改办申请{relief.get_status_display()}: {proposal.number_label}",
        body=reason,
        units=[relief.unit],
        todo=False,
        url=page(proposal, "reliefs"),
    )
    if not approve:
        return relief
    co_units = [u for u in task.co_units.all() if u.pk != relief.unit_id and u != new_unit]
    if as_lead:
        assert new_unit is not None
        day = local_day(now)
        span = (task.deadline - proposal.assigned_on) if task.deadline and proposal.assigned_on else None
        deadline = day + span if span else months_after(day, settings.LUOSHI_PROPOSAL_REPLY_MONTHS)
        task_actions.update_task(
            task.pk,
            actor,
            task.version,
            {"lead_unit": new_unit, "co_units": co_units, "deadline": deadline},
            learn=True,
        )
        trail.record(
            actor, model="Task", object_id=task.pk, field="published_at", new=now.isoformat(), task=task, at=now
        )
        Task.objects.filter(pk=task.pk).update(published_at=now, published_by=actor)
        proposal.assigned_on = day
        proposal.save(update_fields=["assigned_on"])
        tracking.notify(
            tracking.liaisons(new_unit),
            task=task,
            kind="assign",
            title=f"改办交办: {proposal.get_kind_display()}{proposal.number_label} {task.text[:40]}",
            body=f"主办。请于 {deadline:%Y-%m-%d} 前答复",
            units=[new_unit],
            url=page(proposal, "handling"),
        )
    else:
        if new_unit is not None and new_unit.pk != task.lead_unit_id:
            co_units.append(new_unit)
        task_actions.update_task(task.pk, actor, task.version, {"co_units": co_units}, learn=False)
    return relief


@transaction.atomic
def give_opinion(proposal_id: int, actor, *, text: str, at=None) -> Opinion:
    """会办意见: a 会办 unit's opinion, sent to the 主办 unit."""
    proposal, task = locked(proposal_id)
    text = (text or "").strip()
    if not text:
        raise ActionError("请填写会办意见")
    unit = actor.unit
    if unit is None or not task.co_units.filter(pk=unit.pk).exists():
        raise ActionError("只有会办单位可以提出会办意见")
    if task.status not in {Status.ASSIGNED, *HANDLING}:
        raise ActionError("该事项已答复或尚未交办, 不能再提出会办意见")
    opinion = Opinion.objects.create(
        proposal=proposal, round=proposal.round, unit=unit, author=actor, text=text, at=at or timezone.now()
    )
    trail.record(actor, model="Opinion", object_id=opinion.pk, field="opinion", new=text[:200], task=task, at=at)
    unit_users = tracking.liaisons(unit)  # the 会办 opinion is what the 交办 and its reminders asked of the unit
    tracking.settle(task, ["assign"], users=unit_users, at=at)
    tracking.settle(task, ["remind", "urge"], users=unit_users, at=at, subjects=[f"{unit.label}会办意见"])
    tracking.notify(
        tracking.liaisons(task.lead_unit),
        task=task,
        kind="opinion",
        title=f"{unit.label}提出会办意见: {proposal.number_label}",
        body=text[:80],
        units=[task.lead_unit],
        on=local_day(at),
        url=page(proposal, "replies"),
    )
    return opinion


@transaction.atomic
def record_contact(proposal_id: int, actor, *, on: datetime.date | None, way: str, content: str, at=None) -> Contact:
    """面商/沟通 of the 主办 unit with the author; the first contact starts the handling (推进中)."""
    proposal, task = locked(proposal_id)
    content = (content or "").strip()
    if way not in Contact.Way.values:
        raise ActionError("请选择沟通方式")
    if not content:
        raise ActionError("请填写沟通内容")
    if on is None:
        raise ActionError("请填写沟通日期")
    if actor.unit_id is None or task.lead_unit_id != actor.unit_id:
        raise ActionError("只有主办单位可以记录沟通情况")
    if task.status not in HANDLING:
        raise ActionError("请先签收; 已报送答复的事项不能再记录沟通")
    today = local_day(at)
    if on > today:
        raise ActionError("沟通日期不能晚于今天")
    if task.published_at and on < timezone.localdate(task.published_at) - datetime.timedelta(days=365):
        raise ActionError("沟通日期过早")
    contact = Contact.objects.create(
        proposal=proposal,
        round=proposal.round,
        unit=actor.unit,
        on=on,
        way=way,
        content=content,
        recorded_by=actor,
        at=at or timezone.now(),
    )
    trail.record(
        actor,
        model="Contact",
        object_id=contact.pk,
        field="contact",
        new=f"{on} {contact.get_way_display()}",
        task=task,
        at=at,
    )
    if task.status in ACTIVE and task.status != Status.IN_PROGRESS:
        task_actions.move(task, actor, Status.IN_PROGRESS, at=at)
    return contact
