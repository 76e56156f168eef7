"""A livelihood project's own light rules (双监控), applied by ``tracking.health.compute`` beside the rules
every matter has:

- **money behind time**: the share of the budget spent lags the share of the time elapsed (from the
  project's start to its deadline) by ``spend_yellow``/``spend_red`` points or more;
- **works behind money**: the works' progress (the weights of the stages done) lags the share spent by
  ``works_yellow``/``works_red`` points or more;
- **a stage late**: a stage's planned date passed without its actual date: red.

The figures are the latest money figures of a report not returned by that day.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from luoshi.reports.models import Source
from luoshi.tasks.models import Task
from luoshi.tracking.models import ReportReview

from .models import ZERO, Project, Spending


@dataclass
class Progress:
    """Where a project stands on a day: money (万元) and the three shares (percent, whole numbers)."""

    received: Decimal
    disbursed: Decimal
    spent: Decimal
    spent_share: int  # spent ÷ budget
    time_share: int  # time elapsed ÷ the project's span
    works_share: int  # weights of the stages done


def share(part: Decimal, whole: Decimal) -> int:
    if whole <= 0:
        return 0
    return int((Decimal(100) * part / whole).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def latest_spending(project: Project, day: datetime.date) -> Spending | None:
    """The latest money figures submitted by the end of ``day`` whose report was not returned by then."""
    end = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()))
    return (
        Spending.objects.filter(project=project, progress_report__submitted_at__lt=end)
        .exclude(progress_report__review__decision=ReportReview.Decision.RETURNED, progress_report__review__at__lt=end)
        .order_by("-progress_report__submitted_at", "-id")
        .first()
    )


def progress(project: Project, day: datetime.date) -> Progress:
    task = project.task
    spending = latest_spending(project, day)
    received, disbursed, spent = (
        (spending.received, spending.disbursed, spending.spent) if spending else (ZERO, ZERO, ZERO)
    )
    end = task.deadline or datetime.date(project.year, 12, 31)
    span = (end - project.start).days
    elapsed = min(max((day - project.start).days, 0), span) if span > 0 else 0
    time_share = round(100 * elapsed / span) if span > 0 else 100
    works = sum(s.weight for s in project.stages.all() if s.actual is not None and s.actual <= day)
    return Progress(received, disbursed, spent, share(spent, project.budget), time_share, min(works, 100))


def reasons(task: Task, day: datetime.date) -> tuple[list[str], list[str]]:
    """The project's red and yellow reasons on ``day``; none for a matter that is not a project."""
    if task.report.source != Source.PROJECTS:
        return [], []
    project = Project.objects.filter(task_id=task.pk).prefetch_related("stages").first()
    if project is None or day < project.start:
        return [], []
    red: list[str] = []
    yellow: list[str] = []
    now = progress(project, day)
    money_behind = now.time_share - now.spent_share
    if money_behind > project.spend_red:
        red.append(f"支出进度 {now.spent_share}% 落后序时 {now.time_share}% 超过 {project.spend_red} 个百分点")
    elif money_behind >= project.spend_yellow:
        yellow.append(f"支出进度 {now.spent_share}% 落后序时 {now.time_share}% {money_behind} 个百分点")
    works_behind = now.spent_share - now.works_share
    if works_behind > project.works_red:
        red.append(f"形象进度 {now.works_share}% 落后支出进度 {now.spent_share}% 超过 {project.works_red} 个百分点")
    elif works_behind >= project.works_yellow:
        yellow.append(f"形象进度 {now.works_share}% 落后支出进度 {now.spent_share}% {works_behind} 个百分点")
    for stage in project.stages.all():
        if stage.planned < day and (stage.actual is None or stage.actual > day):
            red.append(f"节点“{stage.name}”({stage.planned:%Y-%m-%d}) 逾期未完成")
    return red, yellow
