"""Every multi-row write of 落实 tracking, each in one transaction.

Views and the API validate input, ask ``luoshi.access`` and then call one function here.
``at``/``on`` parameters exist so that history can be simulated (the demo, tests); they default to now.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from luoshi.accounts.models import User
from luoshi.audit import trail
from luoshi.errors import ActionError
from luoshi.tasks import actions as task_actions
from luoshi.tasks.models import ACTIVE, REPORTING, Status, Task

from . import channels, health, periods
from .evidence import check_all
from .models import (
    ClosingRequest,
    Contribution,
    Delivery,
    Evidence,
    ExtensionRequest,
    HealthChange,
    Instruction,
    Notification,
    ProgressReport,
    Reminder,
    ReportReview,
    SupervisionOrder,
    TrackingSettings,
    Webhook,
)

log = logging.getLogger(__name__)
# The work report's text and import results: large, and never needed to record a progress report.
REPORT_BULK = [f"report__{name}" for name in ("source_text", "main_targets", "warnings", "dropped", "last_import")]


def _now(at=None) -> datetime.datetime:
    return at or timezone.now()


def liaisons(unit) -> list[User]:
    if unit is None:
        return []
    return list(User.objects.filter(unit=unit, role=User.LIAISON, is_active=True).order_by("pk"))


def supervisors(task: Task) -> list[User]:
    return list(
        User.objects.filter(government_id=task.report.government_id, role=User.SUPERVISOR, is_active=True).order_by(
            "pk"
        )
    )


def task_url(task: Task) -> str:
    return f"{settings.LUOSHI_SITE_URL}/tasks/{task.pk}/"


# ---------------------------------------------------------------------------------------------- notify


def _queue(channel: str, recipient: str, item: dict, day: datetime.date, webhook=None) -> Delivery:
    """Add an item to the recipient's pending digest on this channel, or start the day's digest."""
    pending = (
        Delivery.objects.select_for_update().filter(channel=channel, recipient=recipient, status="pending").first()
    )
    if pending is not None:
        pending.items = [*pending.items, item]
        pending.save(update_fields=["items"])
        return pending
    first = day
    while Delivery.objects.filter(channel=channel, recipient=recipient, day=day).exists():
        day += datetime.timedelta(days=1)  # today's digest already went out: the item waits for the next one
    not_before = timezone.now()
    if day != first:
        not_before = timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
    return Delivery.objects.create(
        channel=channel, recipient=recipient, day=day, items=[item], webhook=webhook, next_attempt_at=not_before
    )


def notify(users, *, task: Task | None, kind: str, title: str, body: str = "", units=(), on=None, outside=True) -> int:
    """Put one item in each user's inbox; with ``outside`` also queue it for their e-mail and for the
    webhooks of ``units`` and of the task's government. Returns the number of inbox items."""
    day = on or timezone.localdate()
    now = timezone.now()
    item = {"title": title, "body": body, "url": task_url(task) if task else "", "kind": kind}
    recipients = list({user.pk: user for user in users if user is not None}.values())
    Notification.objects.bulk_create(
        [Notification(user=user, task=task, kind=kind, title=title, body=body, created_at=now) for user in recipients]
    )
    if outside:
        for user in recipients:
            if user.email:
                _queue("email", user.email, item, day)
    if outside:
        hooks = Webhook.objects.filter(active=True, unit__in=[u for u in units if u is not None])
        if task is not None:
            hooks = hooks | Webhook.objects.filter(active=True, government_id=task.report.government_id)
        for hook in hooks.distinct():
            _queue("webhook", f"webhook:{hook.pk}", item, day, webhook=hook)
    return len(recipients)


@transaction.atomic
def mark_read(user, notification_ids=None) -> int:
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        rows = rows.filter(pk__in=list(notification_ids))
    return rows.update(read_at=timezone.now())


def dispatch(now=None) -> dict:
    """Send every pending delivery that is due; failures are retried with exponential back-off."""
    sent = failed = 0
    now = _now(now)
    ids = list(
        Delivery.objects.filter(status="pending", next_attempt_at__lte=now).order_by("pk").values_list("pk", flat=True)
    )
    for pk in ids:
        with transaction.atomic():
            delivery = Delivery.objects.select_for_update(of=("self",)).select_related("webhook").get(pk=pk)
            if delivery.status != "pending":
                continue
            try:
                channels.send(delivery)
            except Exception as exc:  # network and SMTP errors of every kind: logged and retried
                log.warning("delivery %s to %s failed: %s", delivery.pk, delivery.recipient, exc)
                delivery.record_failure(
                    f"{type(exc).__name__}: {exc}",
                    timezone.now(),
                    settings.LUOSHI_RETRY_BASE_SECONDS,
                    settings.LUOSHI_DELIVERY_ATTEMPTS,
                )
                failed += 1
            else:
                delivery.record_success(timezone.now())
                sent += 1
            delivery.save()
    return {"deliveries": sent, "failed": failed}


# ---------------------------------------------------------------------------------------------- health


def record_health(task: Task, on=None, cause: str = "", current=None, last: str | None = None) -> HealthChange | None:
    """Store a change of light (if any) of one task on day ``on`` (``current``: its light if already
    computed for that day; ``last``: the last recorded light if already read, "" for none). Call inside a
    transaction."""
    on = on or timezone.localdate()
    current = current or health.compute(task, on)
    if current is None:
        return None
    old = health.last_recorded(task) if last is None else last
    if old == current.light:
        return None
    reason = current.reason if not cause else f"{cause}: {current.reason}"
    return HealthChange.objects.create(task=task, old=old, new=current.light, cause=reason[:2000], on=on)


@transaction.atomic
def settings_for(report) -> TrackingSettings:
    return TrackingSettings.objects.get_or_create(report=report)[0]


# ---------------------------------------------------------------------------------------------- lifecycle


@transaction.atomic
def acknowledge(task_id: int, actor, at=None) -> Task:
    """签收 by the lead unit's liaison, and the light that follows from it; a task that never ends moves
    on to 常态化推进. (``at``: when, for simulated history; default now.)"""
    task = Task.objects.select_for_update().get(pk=task_id)
    if task.status != Status.ASSIGNED:
        raise ActionError("只有已交办的任务可以签收")
    task_actions.move(task, actor, Status.ACKNOWLEDGED, at=at)
    if task.ongoing:
        task_actions.move(task, actor, Status.ONGOING, at=at)
    record_health(task, health.local_date(_now(at)), "签收")
    return task


def open_period(task: Task, key: str, day: datetime.date) -> periods.Period:
    period = periods.parse(task.cycle, task.due_day, key)
    if period is None:
        raise ActionError(f"报送期“{key}”格式不对 (如 2026-03、2026-Q1)")
    published = health.local_date(task.published_at) if task.published_at else day
    if day < period.opens or period.end < periods.period_at(task.cycle, task.due_day, published).start:
        raise ActionError(f"{period.label}尚未开始报送 ({period.opens:%Y-%m-%d} 起)")
    if day > period.closes:
        raise ActionError(f"{period.label}已截止报送 ({period.closes:%Y-%m-%d}), 请报送当期进展")
    return period


def submit_report(
    task_id: int,
    actor,
    *,
    period: str,
    percent,
    narrative: str,
    milestone_note: str = "",
    files=(),
    links=(),
    idempotency_key: str = "",
    at=None,
) -> tuple[ProgressReport, bool]:
    """A lead unit's progress report for one period. Returns (report, created): a retry with the same
    idempotency key returns the first report. Evidence is checked before anything is written, and files
    written are removed again if the transaction fails.

    The returned report carries its unit, author, review and evidence, so that showing it reads nothing."""
    key = (idempotency_key or "").strip()[:100]
    try:
        percent, narrative = _checked_report(percent, narrative)
        checked_files, checked_links = check_all(files, links)
    except ActionError:
        existing = _by_key(task_id, key)
        if existing is not None:  # a retry is answered with the first report, whatever it carries
            return existing, False
        raise
    written: list[Evidence] = []
    try:
        with transaction.atomic():
            return _create_report(
                task_id,
                actor,
                period,
                percent,
                narrative,
                milestone_note,
                key,
                checked_files,
                checked_links,
                at,
                written,
            )
    except IntegrityError:
        for e in written:
            e.file.storage.delete(e.file.name)
        existing = _by_key(task_id, key)
        if existing is None:
            raise
        return existing, False
    except BaseException:
        for e in written:
            if e.file:
                e.file.storage.delete(e.file.name)
        raise


def _checked_report(percent, narrative) -> tuple[int, str]:
    try:
        percent = int(percent)
    except (TypeError, ValueError):
        raise ActionError("完成进度须为 0 到 100 的整数") from None
    if not 0 <= percent <= 100:
        raise ActionError("完成进度须在 0 到 100 之间")
    narrative = (narrative or "").strip()
    if not narrative:
        raise ActionError("请填写进展情况")
    return percent, narrative


def _by_key(task_id: int, key: str) -> ProgressReport | None:
    if not key:
        return None
    return ProgressReport.objects.filter(task_id=task_id, idempotency_key=key).first()


def _create_report(task_id, actor, key_period, percent, narrative, note, key, files, links, at, written):
    """Inside the transaction: one query locks the task and reads what its light depends on besides its
    reports (health.with_inputs), one reads the reports; the light after the new report is computed from
    these, with the same rules as every other light."""
    now = _now(at)
    day = health.local_date(now)
    task = (
        health.with_inputs(Task.objects.select_for_update(of=("self",)))
        .select_related("report", "report__tracking_settings", "lead_unit")
        .defer(*REPORT_BULK)
        .get(pk=task_id)
    )
    reports = list(ProgressReport.objects.filter(task=task).select_related("review"))
    if key:
        for r in reports:
            if r.idempotency_key == key:  # a retry (the first one committed while this one waited for the lock)
                return r, False
    if task.status == Status.ASSIGNED:
        raise ActionError("请先签收任务, 再报送进展")
    if task.status not in REPORTING:
        raise ActionError("该任务当前状态不能报送进展")
    period = open_period(task, key_period, day)
    previous = [r for r in reports if r.period == period.key]
    latest = previous[-1] if previous else None
    if latest is not None:
        review = getattr(latest, "review", None)
        if review is None:
            raise ActionError(f"{period.label}的进展已报送, 正在审核; 如需更正, 请待督查室退回后重新报送")
        if review.decision == "accepted":
            raise ActionError(f"{period.label}的进展已被采纳, 不能重复报送")
    report = ProgressReport.objects.create(
        task=task,
        period=period.key,
        percent=percent,
        narrative=narrative,
        milestone_note=(note or "").strip(),
        unit=actor.unit,
        author=actor,
        submitted_at=now,
        answers=latest,
        idempotency_key=key,
    )
    ProgressReport.review.related.set_cached_value(report, None)  # a new report has no review yet
    evidence = []
    for f in files:
        item = Evidence(progress_report=report, name=f.name, kind=f.kind, size=len(f.data))
        item.file.save(f.name, ContentFile(f.data), save=False)
        written.append(item)
        item.save()
        evidence.append(item)
    if links:
        evidence += Evidence.objects.bulk_create(
            [Evidence(progress_report=report, name=url[:200], kind="link", url=url) for url in links]
        )
    _known_evidence(report, evidence)
    if task.status == Status.ACKNOWLEDGED:
        task_actions.move(task, actor, Status.ONGOING if task.ongoing else Status.IN_PROGRESS, at=at)
    late = "" if now.date() <= period.due or day <= period.due else " (逾期报送)"
    notify(
        supervisors(task),
        task=task,
        kind="report",
        title=f"{task.code} {period.label}进展待审核{late}",
        body=f"{task.lead_unit.label if task.lead_unit else ''} 报送进度 {percent}%",
        on=day,
        outside=False,
    )
    given = health.inputs(task)
    current = health.compute(task, day, reports=[*reports, report], given=given)
    record_health(task, day, f"{period.label}报送进展", current=current, last=given.last_light)
    return report, True


def _known_evidence(report: ProgressReport, evidence: list[Evidence]) -> None:
    """Remember the evidence just written as the report's ``evidence`` (as prefetch_related would)."""
    rows = report.evidence.all()
    rows._result_cache = evidence
    rows._prefetch_done = True
    report._prefetched_objects_cache = {"evidence": rows}


@transaction.atomic
def contribute(task_id: int, actor, *, period: str, narrative: str, at=None) -> Contribution:
    """A co-unit's part for one period; the lead unit sees it when writing the consolidated report."""
    now = _now(at)
    task = Task.objects.select_related("report", "lead_unit").get(pk=task_id)
    narrative = (narrative or "").strip()
    if not narrative:
        raise ActionError("请填写配合工作进展")
    p = open_period(task, period, health.local_date(now))
    contribution = Contribution.objects.create(
        task=task, period=p.key, unit=actor.unit, author=actor, narrative=narrative, submitted_at=now
    )
    notify(
        liaisons(task.lead_unit),
        task=task,
        kind="contribution",
        title=f"{task.code} 配合单位{actor.unit.label}报送了{p.label}进展",
        body=narrative[:100],
        on=health.local_date(now),
        outside=False,
    )
    return contribution


@transaction.atomic
def review_report(report_id: int, actor, *, decision: str, reason: str = "", at=None) -> ReportReview:
    """The office accepts a report, or returns it with a reason for the unit to answer."""
    now = _now(at)
    if decision not in ("accepted", "returned"):
        raise ActionError("审核结果只能是采纳或退回")
    reason = (reason or "").strip()
    if decision == "returned" and not reason:
        raise ActionError("退回须说明理由")
    report = ProgressReport.objects.select_for_update().select_related("task", "task__report").get(pk=report_id)
    if ReportReview.objects.filter(progress_report=report).exists():
        raise ActionError("该报告已审核")
    review = ReportReview.objects.create(
        progress_report=report, decision=decision, reason=reason, reviewer=actor, at=now
    )
    task = report.task
    word = "已采纳" if decision == "accepted" else "被退回"
    notify(
        liaisons(report.unit),
        task=task,
        kind="review",
        title=f"{task.code} {report.period} 进展报告{word}",
        body=reason,
        units=[report.unit],
        on=health.local_date(now),
    )
    record_health(task, health.local_date(now), f"{report.period} 报告{word}")
    return review


@transaction.atomic
def request_extension(task_id: int, actor, *, reason: str, new_deadline: datetime.date, at=None) -> ExtensionRequest:
    now = _now(at)
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
    if ExtensionRequest.objects.filter(task=task, status__in=("pending", "leader")).exists():
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
    now = _now(at)
    request = ExtensionRequest.objects.select_for_update().select_related("task", "task__report").get(pk=request_id)
    task = request.task
    if not request.is_open:
        raise ActionError("该申请已处理")
    needs_leader = settings_for(task.report).leader_approves_extensions and task.leader_id
    if request.status == "pending" and approve and needs_leader:
        request.status = "leader"
        request.decision_reason = (reason or "").strip()
        request.save()
        notify([task.leader], task=task, kind="extension", title=f"{task.code} 延期申请待您审核", body=request.reason)
        return request
    request.status = "approved" if approve else "refused"
    request.decided_by = actor
    request.decided_at = now
    request.decision_reason = (reason or "").strip()
    request.save()
    if approve:
        task_actions.update_task(task.pk, actor, task.version, {"deadline": request.new_deadline}, learn=False)
    word = f"已同意, 完成时限改为 {request.new_deadline}" if approve else "未获同意"
    notify(
        liaisons(task.lead_unit),
        task=task,
        kind="extension",
        title=f"{task.code} 延期申请{word}",
        body=request.decision_reason,
        units=[task.lead_unit],
    )
    task.refresh_from_db()
    record_health(task, health.local_date(now), "延期申请" + ("同意" if approve else "未同意"))
    return request


@transaction.atomic
def request_closing(task_id: int, actor, *, verdict: str, reason: str, at=None) -> ClosingRequest:
    now = _now(at)
    task = Task.objects.select_for_update().select_related("report").get(pk=task_id)
    if verdict not in dict(ClosingRequest.VERDICTS):
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
    notify(supervisors(task), task=task, kind="closing", title=f"{task.code} 申请办结", body=reason, outside=False)
    return closing


@transaction.atomic
def decide_closing(request_id: int, actor, *, approve: bool, reason: str = "", at=None) -> ClosingRequest:
    now = _now(at)
    closing = ClosingRequest.objects.select_for_update().select_related("task", "task__report").get(pk=request_id)
    if closing.status != "pending":
        raise ActionError("该申请已处理")
    task = Task.objects.select_for_update().get(pk=closing.task_id)
    closing.status = "approved" if approve else "refused"
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
    else:
        back = Status.ONGOING if task.ongoing else Status.IN_PROGRESS
        task_actions.move(task, actor, back, at=at)
    word = "已办结" if approve else "办结申请未获同意"
    notify(
        liaisons(task.lead_unit),
        task=task,
        kind="closing",
        title=f"{task.code} {word}",
        body=closing.decision_reason,
        units=[task.lead_unit],
    )
    record_health(task, health.local_date(now), word)
    return closing


@transaction.atomic
def instruct(task_id: int, actor, *, text: str, at=None) -> Instruction:
    """批示: stored on the task and delivered to the lead unit (and co-units)."""
    now = _now(at)
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


# ---------------------------------------------------------------------------------------------- escalation


def _step(model, **fields):
    """Create one escalation record; None if its key exists (the DB's unique constraint decides)."""
    try:
        with transaction.atomic():
            return model.objects.create(**fields)
    except IntegrityError:
        return None


def escalate_task(task: Task, today: datetime.date, remind_days: int, config=None) -> dict:
    """One task's steps for ``today``: reminders, 催办, 督办单. Idempotent by the records' keys."""
    counts = {"reminders": 0, "urges": 0, "orders": 0, "notifications": 0}
    with transaction.atomic():
        current = health.compute(task, today, config)
        record_health(task, today, current=current)
        if task.status in (Status.CLOSED, Status.DRAFT) or task.published_at is None:
            return counts
        unit_users = liaisons(task.lead_unit)
        reported = set(ProgressReport.objects.filter(task=task).values_list("period", flat=True))
        task_periods = health.task_periods(task, today + datetime.timedelta(days=remind_days))
        due_items = [(f"report:{p.key}", p.due, f"{p.label}进展报告") for p in task_periods if p.key not in reported]
        if task.deadline and not task.ongoing and task.status != Status.CLOSING:
            due_items.append((f"deadline:{task.deadline}", task.deadline, "任务完成时限"))

        for ident, due, subject in due_items:
            if 0 <= (due - today).days <= remind_days:
                step = _step(
                    Reminder,
                    kind="remind",
                    task=task,
                    due=due,
                    subject=subject,
                    key=f"remind:{task.pk}:{ident}",
                    on=today,
                )
                if step:
                    counts["reminders"] += 1
                    counts["notifications"] += notify(
                        unit_users,
                        task=task,
                        kind="remind",
                        title=f"提醒: {task.code} {subject}将于 {due:%Y-%m-%d} 到期",
                        body=task.text[:80],
                        units=[task.lead_unit],
                        on=today,
                    )
        missed = [item for item in due_items if item[1] < today]
        latest_missed = max(
            (item for item in missed if item[0].startswith("report:")), key=lambda i: i[1], default=None
        )
        for ident, due, subject in [i for i in missed if i[0].startswith("deadline:")] + (
            [latest_missed] if latest_missed else []
        ):
            if ident.startswith("deadline:") and ((current and current.reported) or 0) >= 100:
                continue
            step = _step(
                Reminder, kind="urge", task=task, due=due, subject=subject, key=f"urge:{task.pk}:{ident}", on=today
            )
            if step:
                counts["urges"] += 1
                counts["notifications"] += notify(
                    unit_users,
                    task=task,
                    kind="urge",
                    title=f"催办: {task.code} {subject}已于 {due:%Y-%m-%d} 到期未报",
                    body=task.text[:80],
                    units=[task.lead_unit],
                    on=today,
                )

        if current is not None and current.light == "red":
            turned = health.changes_newest_first().filter(task=task, new="red").first()
            since = turned.on if turned else today
            number = f"督{today:%Y}-{task.pk:04d}-{since:%m%d}"
            order = _step(
                SupervisionOrder,
                task=task,
                number=number,
                cause=current.reason,
                key=f"order:{task.pk}:{since}",
                on=today,
            )
            if order:
                counts["orders"] += 1
                counts["notifications"] += notify(
                    [*unit_users, task.leader],
                    task=task,
                    kind="order",
                    title=f"督办单 {number}: {task.code} 亮红灯",
                    body=current.reason,
                    units=[task.lead_unit],
                    on=today,
                )
    return counts


def run_escalation(today: datetime.date | None = None, *, send: bool = True) -> dict:
    """The daily run of ``send_reminders``: every published task's steps, then the deliveries."""
    today = today or timezone.localdate()
    remind_days = settings.LUOSHI_REMIND_DAYS
    totals = {"tasks": 0, "reminders": 0, "urges": 0, "orders": 0, "notifications": 0, "deliveries": 0, "failed": 0}
    tasks = (
        Task.objects.filter(kind="task", published_at__isnull=False)
        .exclude(status=Status.CLOSED)
        .select_related("report", "lead_unit", "leader")
        .prefetch_related("milestones")
        .order_by("pk")
    )
    configs = {c.report_id: c for c in TrackingSettings.objects.all()}
    for task in tasks:
        totals["tasks"] += 1
        config = configs.get(task.report_id) or health.bands(task)
        configs[task.report_id] = config
        for name, value in escalate_task(task, today, remind_days, config).items():
            totals[name] += value
    if send:
        totals.update(dispatch())
    return totals


def circular_rows(report, day: datetime.date | None = None) -> list[dict]:
    """通报: the red and yellow tasks of a ledger on ``day`` with their supervision orders (read only)."""
    day = day or timezone.localdate()
    rows = []
    tasks = report.tasks.filter(kind="task", published_at__isnull=False).select_related("lead_unit", "leader")
    for task in tasks.prefetch_related("milestones", "supervision_orders").order_by("position"):
        h = health.compute(task, day)
        if h is None or h.light == "green":
            continue
        rows.append({"task": task, "health": h, "orders": list(task.supervision_orders.all())})
    rows.sort(key=lambda r: -health.RANK[r["health"].light])
    return rows
