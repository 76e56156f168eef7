"""Middleware of operations and security.

- ``LoginThrottleMiddleware``: a POST to a login page (the site's or the admin's) for an account, or from an
  address, with too many recent failures is refused with 429 and a Chinese message; a failed login is
  counted, a successful one clears its account's count (``throttle``).
- ``IdleSessionMiddleware``: a login ends after ``LUOSHI_SESSION_IDLE_MINUTES`` without a request, besides
  the absolute ``SESSION_COOKIE_AGE``.
- ``PasswordPolicyMiddleware``: an account that must change its password (first login, a reset by the office
  or an administrator, or a password older than ``LUOSHI_PASSWORD_MAX_DAYS``) is sent to the change page
  from every page but that page and logout.
- ``ContentSecurityPolicyMiddleware``: the Content-Security-Policy header on every response.
- ``RejectNulMiddleware``: a NUL character in a query string or in a JSON body is refused with 400
  (PostgreSQL cannot store it in text, so it would otherwise end as a 500; forms already refuse it).
- ``DatabaseUnavailableMiddleware``: when the database is down or restarting, the client gets a clear,
  retryable 503 (Chinese message, ``Retry-After``) instead of a 500.
"""

from __future__ import annotations

import json
import logging
import math
import time
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

from . import throttle

log = logging.getLogger(__name__)

LOCKED_MESSAGE = "登录失败次数过多, 该账号已被暂时锁定, 请 {minutes} 分钟后再试, 或联系督查室重置。"
ADDRESS_LOCKED_MESSAGE = "此地址登录失败次数过多, 已被暂时锁定, 请 {minutes} 分钟后再试。"
IDLE_MESSAGE = "您已超过 {minutes} 分钟未操作, 为安全起见已退出登录, 请重新登录。"
UNAVAILABLE_MESSAGE = "数据库暂时不可用 (可能正在重启或维护), 请稍后重试, 已提交的数据不会丢失。"
RETRY_AFTER_SECONDS = 5


def _login_paths() -> set[str]:
    return {reverse("login"), reverse("admin:login")}


class LoginThrottleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.paths = None

    def __call__(self, request):
        if request.method != "POST":
            return self.get_response(request)
        if self.paths is None:
            self.paths = _login_paths()
        if request.path not in self.paths:
            return self.get_response(request)
        username = request.POST.get("username", "")
        address = throttle.client_address(request)
        found = throttle.lock(username, address)
        if found is not None:
            kind, until = found
            minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
            return _locked(minutes, ADDRESS_LOCKED_MESSAGE if kind == throttle.ADDRESS else LOCKED_MESSAGE)
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if getattr(user, "is_authenticated", False) and response.status_code in (301, 302, 303):
            throttle.clear(username, address)
        elif response.status_code == 200 and username:
            # the login form came back: the credentials were refused
            throttle.record_failure(username, address)
        return response


def _locked(minutes: int, message: str = LOCKED_MESSAGE) -> HttpResponse:
    text = message.format(minutes=minutes)
    body = (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><title>登录已锁定</title></head>'
        f'<body><main><h1>登录已暂时锁定</h1><p role="alert">{text}</p>'
        '<p><a href="/accounts/login/">返回登录页</a></p></main></body></html>'
    )
    response = HttpResponse(body, status=429, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(minutes * 60)
    return response


def _json_or_redirect(request, status: int, detail: str, location: str) -> HttpResponse:
    if request.path.startswith("/api/") or "json" in request.headers.get("Accept", ""):
        return HttpResponse(
            json.dumps({"detail": detail}, ensure_ascii=False),
            status=status,
            content_type="application/json; charset=utf-8",
        )
    response = HttpResponseRedirect(location)
    if request.headers.get("HX-Request"):
        response["HX-Redirect"] = location
    return response


LAST_SEEN = "luoshi_last_seen"
STAMP_SECONDS = 60  # the stamp is rewritten at most once a minute, not on every request


class IdleSessionMiddleware:
    """Ends a signed-in session idle for more than ``LUOSHI_SESSION_IDLE_MINUTES`` (0 turns it off)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        minutes = settings.LUOSHI_SESSION_IDLE_MINUTES
        user = getattr(request, "user", None)
        if minutes > 0 and getattr(user, "is_authenticated", False) and hasattr(request, "session"):
            now = int(time.time())
            last = request.session.get(LAST_SEEN)
            if isinstance(last, int) and now - last > minutes * 60:
                logout(request)
                text = IDLE_MESSAGE.format(minutes=minutes)
                messages.warning(request, text)
                location = f"{reverse('login')}?next={quote(request.get_full_path())}"
                return _json_or_redirect(request, 401, text, location)
            if not isinstance(last, int) or now - last >= STAMP_SECONDS:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


PASSWORD_CHANGE_MESSAGE = "请先修改密码后再继续使用。"


class PasswordPolicyMiddleware:
    """Sends an account that must change its password to the change page, from every page but that page,
    logout and static files."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.allowed: tuple[str, ...] | None = None

    def __call__(self, request):
        user = getattr(request, "user", None)
        if getattr(user, "is_authenticated", False) and (
            getattr(user, "must_change_password", False) or user.password_expired()
        ):
            if self.allowed is None:
                self.allowed = (
                    reverse("password_change"),
                    reverse("logout"),
                    reverse("admin:logout"),
                    reverse("healthz"),
                    settings.STATIC_URL,
                )
            if not request.path.startswith(self.allowed):
                return _json_or_redirect(request, 403, PASSWORD_CHANGE_MESSAGE, reverse("password_change"))
        return self.get_response(request)


NUL_MESSAGE = "请求中含有空字符 (NUL), 无法保存, 已拒绝"


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        has_nul = "%00" in query or "\x00" in query
        if not has_nul and "json" in request.META.get("CONTENT_TYPE", ""):
            body = request.body
            has_nul = b"\x00" in body or b"\\u0000" in body
        if has_nul:
            return HttpResponse(
                json.dumps({"detail": NUL_MESSAGE}, ensure_ascii=False),
                status=400,
                content_type="application/json; charset=utf-8",
            )
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        log.warning("database unavailable: %s", exception)
        _drop_broken_connection()
        return unavailable_response(request)


def _drop_broken_connection() -> None:
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        try:
            if conn.connection is not None and not conn.is_usable():
                conn.close()
        except Exception:
            conn.connection = None


def unavailable_response(request) -> HttpResponse:
    if request.path.startswith("/api/") or "json" in request.headers.get("Accept", ""):
        response = HttpResponse(
            json.dumps({"detail": UNAVAILABLE_MESSAGE, "retryable": True}, ensure_ascii=False),
            status=503,
            content_type="application/json; charset=utf-8",
        )
    else:
        response = HttpResponse(
            '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>暂时不可用</title></head>'
            f'<body><main><h1>服务暂时不可用</h1><p role="alert">{UNAVAILABLE_MESSAGE}</p></main></body></html>',
            status=503,
            content_type="text/html; charset=utf-8",
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class ContentSecurityPolicyMiddleware:
    """Every response carries ``settings.LUOSHI_CSP`` (``docs/security.md``): scripts, styles, images, forms
    and frames from the site itself only; no inline script or style attribute anywhere in luoshi's pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.LUOSHI_CSP and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = settings.LUOSHI_CSP
        return response
