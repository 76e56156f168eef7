"""Writing the audit trail: the one place a field change is recorded.

``record`` writes one entry; ``set_fields`` changes fields of a record and writes one entry per changed
field — the one loop every audited edit goes through (a task's fields, the unit catalog, disclosure). Both run inside the caller's transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from . import chain
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
    kind: str = "",
    address: str = "",
    actor_name: str | None = None,
) -> AuditEntry:
    """One audit entry. ``task``: the supervised matter it concerns; ``report``: its ledger (the task's
    own by default); ``kind`` and ``address``: a security event's (``audit.security``); ``actor_name``:
    the actor's name, kept when the user is deleted (the actor's own by default)."""
    known = actor if getattr(actor, "pk", None) else None
    if actor_name is None:
        actor_name = display(known) if known is not None else ""
    entry = AuditEntry(
        actor=known,
        actor_name=actor_name[:150],
        kind=kind,
        address=address[:45],
        at=at or timezone.now(),
        model=model,
        object_id=str(object_id)[:40],
        task=task,
        report=report if report is not None else getattr(task, "report", None),
        field=field[:60],
        old=old,
        new=new,
    )
    with transaction.atomic():
        chain.lock_head()
        last = AuditEntry.objects.order_by("-seq").filter(seq__isnull=False).values_list("seq", "chain").first()
        previous_seq, previous_chain = last or (0, "")
        entry.seq = (previous_seq or 0) + 1
        entry.chain = chain.link(previous_chain, {name: getattr(entry, name) for name in chain.FIELDS})
        entry.save()
    return entry


def _shown(name: str, value: Any) -> str:
    return display(value)


def _same(old: Any, new: Any, many: bool) -> bool:
    if many:
        return {o.pk for o in old} == {n.pk for n in new}
    if isinstance(old, models.Model) or isinstance(new, models.Model):
        return getattr(old, "pk", None) == getattr(new, "pk", None)
    return bool(old == new)


def set_fields(
    actor,
    obj: models.Model,
    values: dict[str, Any],
    *,
    model: str | None = None,
    object_id: Any = None,
    task=None,
    report=None,
    at: datetime.datetime | None = None,
    show: Callable[[str, Any], str] = _shown,
) -> list[str]:
    """Set fields of ``obj``, auditing each one whose value changes, in the order of ``values``: plain
    fields are set on the object (the caller saves them), many-to-many fields are set at once.
    ``object_id``: what the entries are keyed by (the object's own id by default); ``show``: a field's
    text form in the trail. Returns the names of the fields that changed."""
    changed = []
    for name, new in values.items():
        many = bool(obj._meta.get_field(name).many_to_many)
        old = list(getattr(obj, name).all()) if many else getattr(obj, name)
        if _same(old, new, many):
            continue
        record(
            actor,
            model=model or type(obj).__name__,
            object_id=obj.pk if object_id is None else object_id,
            field=name,
            old=show(name, old),
            new=show(name, new),
            task=task,
            report=report,
            at=at,
        )
        if many:
            getattr(obj, name).set(new)
        else:
            setattr(obj, name, new)
        changed.append(name)
    return changed
