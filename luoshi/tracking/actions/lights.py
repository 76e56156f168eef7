"""Recording a task's change of light, and the tracking settings of a ledger."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from luoshi.tasks.models import Task

from .. import health
from ..models import HealthChange, TrackingSettings


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
