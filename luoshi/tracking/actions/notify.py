"""Telling people: inbox items, the e-mail and webhook digests they are queued in, and sending them.

Also who is told about a task: its units' liaisons and its government's supervisors.

An item either asks its user to do something (``todo``, the default: review a report, sign for a matter,
report a period) or only tells them (``todo=False``: a report accepted, a request decided). An item that
asks stays open until the action that does the thing settles it (``settle``), so that the inbox holds
what is still to do; one that only tells is done when it is sent. Each item links to the form it asks
for: the task page at the form's anchor (``ANCHORS``), or the page its kind gives (``url``).
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q
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


# The task page's anchor that answers an item of each kind (the form it asks for).
ANCHORS = {
    "report": "act",  # the office reviews the report
    "review": "act",  # a returned report is answered by a new one
    "remind": "act",
    "urge": "act",
    "order": "act",
    "instruction": "act",
    "contribution": "act",
    "extension": "act",
    "closing": "act",
}


def task_url(task: Task, anchor: str = "") -> str:
    return f"{settings.LUOSHI_SITE_URL}/tasks/{task.pk}/" + (f"#{anchor}" if anchor else "")


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


def notify(
    users,
    *,
    task: Task | None,
    kind: str,
    title: str,
    body: str = "",
    units=(),
    on=None,
    outside=True,
    todo: bool = True,
    url: str = "",
) -> int:
    """Put one item in each user's inbox; with ``outside`` also queue it for their e-mail and for the
    webhooks of ``units`` and of the task's government. ``todo``: the item asks for something and stays
    open until ``settle``; else it is done at once. ``url``: where the item leads (default: the task page
    at the form its kind asks for). Returns the number of inbox items."""
    day = on or timezone.localdate()
    now = timezone.now()
    if not url and task is not None:
        url = task_url(task, ANCHORS.get(kind, ""))
    item = {"title": title, "body": body, "url": url, "kind": kind}
    recipients = list({user.pk: user for user in users if user is not None}.values())
    done = None if todo else now
    Notification.objects.bulk_create(
        [
            Notification(
                user=user, task=task, kind=kind, title=title, body=body, url=url[:300], created_at=now, done_at=done
            )
            for user in recipients
        ]
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


def matching(kinds=None, users=None, subjects=(), unit=None) -> Q:
    """Items of ``kinds`` (None: every kind), for ``users`` (None: everyone) or for the liaisons of
    ``unit``, and where ``subjects`` are given only those whose title names one of them."""
    match = Q()
    if kinds is not None:
        match &= Q(kind__in=list(kinds))
    if users is not None:
        match &= Q(user__in=[u.pk for u in users if u is not None])
    if unit is not None:
        match &= Q(user__unit_id=unit.pk, user__role=User.LIAISON)
    if subjects:
        named = Q()
        for subject in subjects:
            named |= Q(title__contains=subject)
        match &= named
    return match


def settle(task: Task, kinds=None, users=None, at=None, subjects=(), unit=None, *, any_of=()) -> int:
    """The thing these open items asked for is done: mark the task's open items ``matching`` the
    arguments done (or, with ``any_of``, those matching any of these conditions, in one statement).
    Called by the action that does the thing, inside its transaction. Returns how many."""
    match = Q()
    for condition in any_of:
        match |= condition
    if not any_of:
        match = matching(kinds, users, subjects, unit)
    rows = Notification.objects.filter(match, task=task, done_at__isnull=True)
    return rows.update(done_at=at or timezone.now())


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
