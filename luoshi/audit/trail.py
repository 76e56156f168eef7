"""Writing the audit trail: the one place a field change is recorded.

``record`` writes one entry; ``set_fields`` changes plain fields of a record and writes one entry per
changed field. Both run inside the caller's transaction.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from .models import AuditEntry


def display(value: Any, *, separator: str = "、") -> str:
    """The audit's text form of a value: units by label, users by name, lists joined, dates ISO."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple, set)):
        return separator.join(sorted(display(v) for v in value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.date):
        return value.isoformat()
    for attribute in ("label", "display_name"):
        text = getattr(value, attribute, None)
        if isinstance(text, str):
            return text
    return str(value)


def record(
    actor,
    *,
    model: str,
    object_id,
    field: str,
    old: str = "",
    new: str = "",
    task=None,
    report=None,
    at: datetime.datetime | None = None,
) -> AuditEntry:
    """One audit entry. ``task``: the supervised matter it concerns; ``report``: its ledger (the task's
    own by default)."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        at=at or timezone.now(),
        model=model,
        object_id=str(object_id),
        task=task,
        report=report if report is not None else getattr(task, "report", None),
        field=field,
        old=old,
        new=new,
    )


def set_fields(
    actor,
    obj,
    values: dict[str, Any],
    *,
    model: str | None = None,
    task=None,
    report=None,
    at: datetime.datetime | None = None,
) -> list[str]:
    """Set plain fields of ``obj`` (not saved), auditing each one whose value changes, in the order of
    ``values``. Returns the names of the fields that changed; the caller saves them."""
    changed = []
    for name, new in values.items():
        old = getattr(obj, name)
        if old == new:
            continue
        record(
            actor,
            model=model or type(obj).__name__,
            object_id=obj.pk,
            field=name,
            old=display(old),
            new=display(new),
            task=task,
            report=report,
            at=at,
        )
        setattr(obj, name, new)
        changed.append(name)
    return changed
