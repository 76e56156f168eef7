"""Security events in the audit trail: who did what, when and from where (等保 level 3, "安全审计").

``event`` is the one call: a login, a logout, a failed login, a change of a user, a role or a password,
an API token issued or revoked, an export, an evidence download, a change of settings or webhooks.
Each is an ``AuditEntry`` with its ``kind``, the client's ``address`` and the actor's name, in the same
table as the field-change trail, so the same append-only rules and the same search cover both.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .models import AuditEntry
from .trail import display, record

KINDS = {
    "login": "登录",
    "logout": "退出登录",
    "login_failed": "登录失败",
    "user": "用户变更",
    "password": "密码变更",
    "token_issue": "签发令牌",
    "token_revoke": "吊销令牌",
    "token_use": "使用令牌",
    "export": "导出",
    "evidence": "下载佐证材料",
    "settings": "设置变更",
    "webhook": "推送地址变更",
}


def client_address(request) -> str:
    """The client's address: the socket's peer, or — only behind our own proxy (``LUOSHI_BEHIND_PROXY``,
    which sets ``SECURE_PROXY_SSL_HEADER``) — the last address the proxy appended to X-Forwarded-For."""
    if request is None:
        return ""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()[:45]
    return (request.META.get("REMOTE_ADDR") or "")[:45]


def event(
    request, kind: str, *, actor=None, detail: str = "", obj: models.Model | None = None, actor_name: str | None = None
) -> AuditEntry:
    """Record one security event. ``actor``: who (the request's user by default; ``actor_name`` names
    one who is not a user, e.g. the username a failed login tried); ``obj``: what it concerns."""
    if kind not in KINDS:
        raise ValueError(f"unknown security event {kind!r}")
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    if not getattr(actor, "is_authenticated", False):
        actor = None
    return record(
        actor,
        model=type(obj).__name__ if obj is not None else "",
        object_id=obj.pk if obj is not None else "",
        field=kind,
        new=detail[:2000],
        kind=kind,
        address=client_address(request),
        actor_name=actor_name if actor_name is not None else (display(actor) if actor is not None else ""),
    )


# Logins and logouts are recorded from Django's auth signals, the one exception to "no signals": every
# way in — the login page, the admin's login, single sign-on backends — goes through
# ``django.contrib.auth.login``/``logout``/``authenticate``, and the signals are the only place all of
# them meet; wrapping each view would miss the next one added.


def _logged_in(sender, request, user, **kwargs) -> None:
    event(request, "login", actor=user)


def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        event(request, "logout", actor=user)


def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    username = str(credentials.get("username", ""))[:150]
    event(request, "login_failed", actor_name=username, detail=f"用户名 {username}")


def connect() -> None:
    """Called once by the app's ``ready``."""
    from django.contrib.auth import signals

    signals.user_logged_in.connect(_logged_in, dispatch_uid="luoshi.audit.login")
    signals.user_logged_out.connect(_logged_out, dispatch_uid="luoshi.audit.logout")
    signals.user_login_failed.connect(_login_failed, dispatch_uid="luoshi.audit.login_failed")
