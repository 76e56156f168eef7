"""Login throttling, counted against the account the login form would resolve.

Two limits within ``LUOSHI_LOGIN_WINDOW_MINUTES``, each locking out for the window:

- per account: ``LUOSHI_LOGIN_FAILURES`` failures of one account from any address. Every spelling the login
  form treats as the same user is the same account: the form strips surrounding spaces and applies NFKC
  (full-width ``ｄｕｃｈａ`` is ``ducha``), and a name differing only in case counts against the account it
  matches too. The key is the account's pk (``#12``); a name no account has is keyed by its normalised,
  case-folded spelling. A successful login clears its account's count.
- per address: ``LUOSHI_LOGIN_FAILURES_PER_ADDRESS`` failures from one client address, whatever the
  usernames (guessing across many accounts); a success does not clear it.

Counted in the database (``LoginFailure``) so that every gunicorn worker sees the same count; the rows are
kept as long as the audit (``LUOSHI_AUDIT_DAYS``).
"""

from __future__ import annotations

import datetime
import unicodedata

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .models import LoginFailure

ACCOUNT = "account"
ADDRESS = "address"


def client_address(request) -> str:
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()[:45]  # the address our own proxy saw
    return (request.META.get("REMOTE_ADDR") or "unknown")[:45]


def _window() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.LUOSHI_LOGIN_WINDOW_MINUTES)


def normalise(username: str) -> str:
    """The username as the login form reads it: NFKC (``UsernameField``), surrounding spaces stripped."""
    return unicodedata.normalize("NFKC", username or "").strip()[:150]


def account_key(username: str) -> str:
    """``#<pk>`` of the account the login form would resolve this spelling to, case aside; else the
    normalised, case-folded name."""
    name = normalise(username)
    if not name:
        return ""
    user_model = get_user_model()
    field = user_model.USERNAME_FIELD
    users = user_model._default_manager
    pk = users.filter(**{field: name}).values_list("pk", flat=True).first()
    if pk is None:
        pks = list(users.filter(**{f"{field}__iexact": name}).values_list("pk", flat=True)[:2])
        pk = pks[0] if len(pks) == 1 else None
    return f"#{pk}" if pk is not None else name.casefold()[:160]


def _until(rows, limit: int) -> datetime.datetime | None:
    if limit <= 0:
        return None
    times = list(rows.order_by("-at").values_list("at", flat=True)[:limit])
    if len(times) < limit:
        return None
    return times[0] + _window()


def lock(username: str, address: str, now=None) -> tuple[str, datetime.datetime] | None:
    """``(ACCOUNT or ADDRESS, when the lock ends)``, or None if this attempt may go ahead."""
    now = now or timezone.now()
    recent = LoginFailure.objects.filter(at__gt=now - _window())
    key = account_key(username)
    if key:
        until = _until(recent.filter(account=key, cleared=False), settings.LUOSHI_LOGIN_FAILURES)
        if until is not None:
            return ACCOUNT, until
    until = _until(recent.filter(address=address), settings.LUOSHI_LOGIN_FAILURES_PER_ADDRESS)
    if until is not None:
        return ADDRESS, until
    return None


def locked_until(username: str, address: str, now=None) -> datetime.datetime | None:
    """When the lock on this attempt ends, or None if it may try now."""
    found = lock(username, address, now)
    return found[1] if found else None


def record_failure(username: str, address: str, now=None) -> None:
    now = now or timezone.now()
    with transaction.atomic():
        LoginFailure.objects.create(
            username=normalise(username), account=account_key(username), address=address, at=now
        )
        LoginFailure.objects.filter(at__lt=now - datetime.timedelta(days=settings.LUOSHI_AUDIT_DAYS)).delete()


def clear(username: str, address: str) -> None:
    """A successful login: its account's failures no longer count (they are kept for the record)."""
    key = account_key(username)
    if key:
        LoginFailure.objects.filter(account=key, cleared=False).update(cleared=True)
