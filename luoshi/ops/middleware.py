"""Middleware of operations and security.

- ``LoginThrottleMiddleware``: a POST to a login page (the site's or the admin's) from a username and
  address with too many recent failures is refused with 429 and a Chinese message; a failed login is
  counted, a successful one clears the count.
- ``RejectNulMiddleware``: a NUL character in a query string or in a JSON body is refused with 400
  (PostgreSQL cannot store it in text, so it would otherwise end as a 500; forms already refuse it).
- ``DatabaseUnavailableMiddleware``: when the database is down or restarting, the client gets a clear,
  retryable 503 (Chinese message, ``Retry-After``) instead of a 500.
"""

from __future__ import annotations

import json
import logging
import math

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from . import throttle

log = logging.getLogger(__name__)

LOCKED_MESSAGE = "登录失败次数过多, 该账号在此地址已被暂时锁定, 请 {minutes} 分钟后再试, 或联系督查室重置。"
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
        until = throttle.locked_until(username, address)
        if until is not None:
            minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
            return _locked(minutes)
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if getattr(user, "is_authenticated", False) and response.status_code in (301, 302, 303):
            throttle.clear(username, address)
        elif response.status_code == 200 and username:
            # the login form came back: the credentials were refused
            throttle.record_failure(username, address)
        return response


def _locked(minutes: int) -> HttpResponse:
    text = LOCKED_MESSAGE.format(minutes=minutes)
    body = (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><title>登录已锁定</title></head>'
        f'<body><main><h1>登录已暂时锁定</h1><p role="alert">{text}</p>'
        '<p><a href="/accounts/login/">返回登录页</a></p></main></body></html>'
    )
    response = HttpResponse(body, status=429, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(minutes * 60)
    return response


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
