"""Writes of the dashboards app: creating a 通报 (the snapshot and its audit entry, in one transaction)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from luoshi.audit import trail
from luoshi.errors import ActionError
from luoshi.tasks.models import Task
from luoshi.tracking import periods

from . import stats
from .models import Circular


def month_period(key: str) -> periods.Period:
    period = periods.parse("monthly", 25, key)
    if period is None:
        raise ActionError("请选择一个月份, 如 2026-05")
    return period


def next_number(report) -> str:
    """The suggested 文号 of the next circular, e.g. 海西督〔2026〕3号."""
    prefix = report.government.name.removesuffix("州").removesuffix("市").removesuffix("县")[:4] + "督"
    count = Circular.objects.filter(report__government=report.government, created_at__year=timezone.now().year).count()
    return f"{prefix}〔{timezone.localdate().year}〕{count + 1}号"


@transaction.atomic
def create_circular(report, actor, *, period: str, number: str, title: str = "", at=None) -> Circular:
    """Freeze the figures of ``report`` as they stood at the end of the month ``period`` (or today)."""
    p = month_period(period)
    now = at or timezone.now()
    today = timezone.localtime(now).date()
    if p.start > today:
        raise ActionError("不能为尚未开始的月份生成通报")
    number = (number or "").strip()
    if not number:
        raise ActionError("请填写文号, 如 海西督〔2026〕3号")
    as_of = min(p.end, today)
    tasks = Task.objects.filter(
        report=report, kind="task", published_at__isnull=False, published_at__lt=stats.end_of(as_of)
    )
    rows = stats.collect(tasks, as_of)
    data = stats.snapshot(rows, as_of)
    data["report_title"] = report.title
    circular = Circular.objects.create(
        report=report,
        period=p.key,
        period_label=p.label,
        number=number[:60],
        title=(title or "").strip()[:200] or report.circular_title(p.label)[:200],
        as_of=as_of,
        data=data,
        created_by=actor,
        created_at=now,
    )
    trail.record(
        actor, model="Circular", object_id=circular.pk, field="created", new=circular.number, report=report, at=now
    )
    return circular


def recent_months(report, day: datetime.date) -> list[periods.Period]:
    """The months a circular may cover: from January of the ledger's year to this month, newest first."""
    out = []
    year, month = report.year, 1
    while (year, month) <= (day.year, day.month):
        period = periods.parse("monthly", 25, f"{year}-{month:02d}")
        if period is None:  # a year and a month always name a monthly period
            raise ValueError(f"no monthly period {year}-{month:02d}")
        out.append(period)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return list(reversed(out))[:24]
