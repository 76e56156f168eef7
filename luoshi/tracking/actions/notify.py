"""Telling people: inbox items, the e-mail and webhook digests they are queued in, and sending them.

Also who is told about a task: its units' liaisons and its government's supervisors.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from luoshi.accounts.models import User
from luoshi.tasks.models import Task

from .. import channels
from ..models import Delivery, Notification, Webhook

log = logging.getLogger(__name__)


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


def _queue(channel: str, recipient: str, item: dict, day: datetime.date, webhook=None) -> Delivery:
    """Add an item to the recipient's pending digest on this channel, or start the day's digest."""
    pending = (
        Delivery.objects.select_for_update()
        .filter(channel=channel, recipient=recipient, status=Delivery.Status.PENDING)
        .first()
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
    now = now or timezone.now()
    ids = list(
        Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pk in ids:
        with transaction.atomic():
            delivery = Delivery.objects.select_for_update(of=("self",)).select_related("webhook").get(pk=pk)
            if delivery.status != Delivery.Status.PENDING:
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
