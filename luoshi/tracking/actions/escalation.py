"""The escalation ladder, run daily: reminder before a due date → 催办 after it → 督办单 when red.

Each step is a record whose unique key makes running the ladder twice send nothing twice.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from luoshi.tasks.models import Status, Task

from .. import health
from ..models import ProgressReport, Reminder, SupervisionOrder, TrackingSettings
from .lights import record_health
from .notify import dispatch, liaisons, notify, settle


def step(model, **fields):
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

        def remind(kind: str, ident: str, due: datetime.date, subject: str, title: str) -> None:
            """One 提醒 (``remind``) or 催办 (``urge``) and its notification, once per key."""
            key = f"{kind}:{task.pk}:{ident}"
            if step(Reminder, kind=kind, task=task, due=due, subject=subject, key=key, on=today):
                counts["reminders" if kind == "remind" else "urges"] += 1
                if kind == "urge":  # the 催办 takes the place of what asked for the same thing before it
                    asked = [s for i, _, s in due_items if i == ident or (ident.startswith("report:") and i < ident)]
                    settle(task, ["remind", "urge"], users=unit_users, subjects=asked)
                counts["notifications"] += notify(
                    unit_users, task=task, kind=kind, title=title, body=task.text[:80], units=[task.lead_unit], on=today
                )

        for ident, due, subject in due_items:
            if 0 <= (due - today).days <= remind_days:
                remind("remind", ident, due, subject, f"提醒: {task.code} {subject}将于 {due:%Y-%m-%d} 到期")
        missed = [item for item in due_items if item[1] < today]
        latest_missed = max(
            (item for item in missed if item[0].startswith("report:")), key=lambda i: i[1], default=None
        )
        for ident, due, subject in [i for i in missed if i[0].startswith("deadline:")] + (
            [latest_missed] if latest_missed else []
        ):
            if ident.startswith("deadline:") and ((current and current.reported) or 0) >= 100:
                continue
            remind("urge", ident, due, subject, f"催办: {task.code} {subject}已于 {due:%Y-%m-%d} 到期未报")

        if current is not None and current.light == "red":
            turned = health.changes_newest_first().filter(task=task, new="red").first()
            since = turned.on if turned else today
            number = f"督{today:%Y}-{task.pk:04d}-{since:%m%d}"
            order = step(
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
    """The ladder for every published matter (``luoshi.ops.daily.run_daily`` adds each kind's own steps), then the deliveries."""
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
