"""THE permission gate. Every decision about who may see or change what is made here.

- A supervisor (督查室) of a government sees and edits every task of that government's reports,
  drafts included, and manages its reports and unit catalog.
- A liaison sees only *published* tasks where their unit is the lead unit or a co-unit. Any other
  task answers 404, never 403, so the ledger does not leak which tasks exist.
- A leader (包抓领导) sees, read-only, the published tasks of their own government; their own
  portfolio (tasks where they are the leader) is the default filter of their ledger.
- A viewer sees the published tasks of their own government, read-only.
- Drafts are invisible to everyone outside the office.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from luoshi.accounts.models import User
from luoshi.reports.models import WorkReport

from .models import Task


def is_supervisor(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.role == User.SUPERVISOR and user.government_id)


def visible_tasks(user) -> QuerySet[Task]:
    """The tasks this user may read."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.government_id:
        return Task.objects.none()
    tasks = Task.objects.filter(report__government_id=user.government_id)
    if user.role == User.SUPERVISOR:
        return tasks
    published = tasks.filter(published_at__isnull=False)
    if user.role == User.LIAISON:
        if not user.unit_id:
            return Task.objects.none()
        mine = Q(lead_unit_id=user.unit_id) | Q(co_units__id=user.unit_id)
        ids = published.filter(mine).values("id")
        return Task.objects.filter(id__in=ids)
    if user.role in (User.LEADER, User.VIEWER):
        return published
    return Task.objects.none()


def task_for_reading(user, pk) -> Task:
    """The task if the user may read it, else 404."""
    try:
        return visible_tasks(user).select_related("report", "lead_unit", "leader").get(pk=int(pk))
    except (Task.DoesNotExist, ValueError, TypeError):
        raise Http404("没有这个任务") from None


def task_for_editing(user, pk) -> Task:
    """The task if the user may change it (supervisor of its government), else 404."""
    task = task_for_reading(user, pk)
    if not can_edit_task(user, task):
        raise Http404("没有这个任务")
    return task


def can_edit_task(user, task: Task) -> bool:
    return is_supervisor(user) and task.report.government_id == user.government_id


def can_acknowledge(user, task: Task) -> bool:
    """The lead unit's liaison signs for an assigned task (签收)."""
    return (
        getattr(user, "is_authenticated", False)
        and user.role == User.LIAISON
        and user.unit_id is not None
        and task.lead_unit_id == user.unit_id
        and task.status == "assigned"
    )


def visible_reports(user) -> QuerySet[WorkReport]:
    """Reports (with their drafts and source review) are the office's working material."""
    if not is_supervisor(user):
        return WorkReport.objects.none()
    return WorkReport.objects.filter(government_id=user.government_id)


def report_for_supervisor(user, pk) -> WorkReport:
    try:
        return visible_reports(user).get(pk=int(pk))
    except (WorkReport.DoesNotExist, ValueError, TypeError):
        raise Http404("没有这份报告") from None


def require_supervisor(user) -> None:
    """Office-only pages answer 404 to everyone else."""
    if not is_supervisor(user):
        raise Http404("页面不存在")


def can_manage_units(user) -> bool:
    return is_supervisor(user)
