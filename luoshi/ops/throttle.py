"""Login throttling: N failures per username and address within a window lock that pair out for the window.

Counted in the database (``LoginFailure``) so that every gunicorn worker sees the same count.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import LoginFailure


def client_address(request) -> str:
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()[:45]  # the address our own proxy saw
    return (request.META.get("REMOTE_ADDR") or "unknown")[:45]


def _window() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.LUOSHI_LOGIN_WINDOW_MINUTES)


def normalise(username: str) -> str:
    return (username or "").strip().lower()[:150]


def locked_until(username: str, address: str, now=None) -> datetime.datetime | None:
    """When the lock on this username+address ends, or None if it may try now."""
    now = now or timezone.now()
    recent = LoginFailure.objects.filter(
        username=normalise(username), address=address, at__gt=now - _window()
    ).order_by("-at")
    times = list(recent.values_list("at", flat=True)[: settings.LUOSHI_LOGIN_FAILURES])
    if len(times) < settings.LUOSHI_LOGIN_FAILURES:
        return None
    return times[0] + _window()


def record_failure(username: str, address: str, now=None) -> None:
    now = now or timezone.now()
    with transaction.atomic():
        LoginFailure.objects.create(username=normalise(username), address=address, at=now)
        LoginFailure.objects.filter(at__lt=now - _window() * 4).delete()


def clear(username: str, address: str) -> None:
    LoginFailure.objects.filter(username=normalise(username), address=address).delete()
