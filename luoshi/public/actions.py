"""Writes of the disclosure settings: the office's bulk controls, audited field by field, in one transaction."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from luoshi.audit import trail
from luoshi.errors import ActionError
from luoshi.tasks.models import Task

from .models import FIELDS, Disclosure

FIELD_NAMES = [name for name, _ in FIELDS]


def _text(value) -> str:
    """The audit text of a disclosure value: as ``str`` (the log has always kept ``True``/``False``)."""
    return "" if value is None else str(value)


def _set_fields(disclosure: Disclosure, actor, values: dict, at) -> bool:
    """Set fields of ``disclosure`` (not saved) through the audit trail, one entry per changed field. The
    entries are keyed by the task (a new disclosure has no id yet) and keep values as ``str``."""
    return bool(
        trail.set_fields(
            actor,
            disclosure,
            values,
            model="Disclosure",
            object_id=disclosure.task_id,
            task=disclosure.task,
            at=at,
            show=lambda name, value: _text(value),
        )
    )


@transaction.atomic
def bulk_update(report, actor, task_ids, *, public=None, fields=None, embargo_until=..., at=None) -> int:
    """Apply the same choices to the selected published tasks of ``report``. ``fields``: names of the
    public fields to show (the others are hidden); ``embargo_until``: a date or None to clear it.
    Returns the number of tasks changed."""
    now = at or timezone.now()
    tasks = list(
        Task.objects.select_for_update()
        .filter(report=report, kind="task", published_at__isnull=False, pk__in=list(task_ids))
        .select_related("report")
    )
    if not tasks:
        raise ActionError("请先勾选已交办的任务")
    existing = {d.task_id: d for d in Disclosure.objects.filter(task__in=tasks)}
    changed = 0
    for task in tasks:
        d = existing.get(task.pk) or Disclosure(task=task)
        d.task = task
        values: dict = {}
        if public is not None:
            values["public"] = bool(public)
        if fields is not None:
            values.update({name: name in fields for name in FIELD_NAMES})
        if embargo_until is not ...:
            values["embargo_until"] = embargo_until
        if _set_fields(d, actor, values, now) or d.pk is None:
            d.updated_by, d.updated_at = actor if getattr(actor, "pk", None) else None, now
            d.save()
            changed += 1
    return changed


@transaction.atomic
def set_summary(task_id: int, actor, summary: str, at=None) -> Disclosure:
    """The public summary of one task (plain text written by the office for the public)."""
    now = at or timezone.now()
    task = Task.objects.select_for_update().select_related("report").get(pk=task_id)
    if task.published_at is None:
        raise ActionError("任务尚未交办, 不能公开")
    d = Disclosure.objects.filter(task=task).first() or Disclosure(task=task)
    d.task = task
    summary = (summary or "").strip()
    if _set_fields(d, actor, {"summary": summary}, now) or d.pk is None:
        d.summary_updated_at = now
        d.updated_by, d.updated_at = actor if getattr(actor, "pk", None) else None, now
        d.save()
    return d


def parse_date(value: str) -> datetime.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ActionError("日期格式应为 2026-06-30") from None
