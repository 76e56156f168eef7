"""Rate limits per client address on the API and the public pages (``docs/security.md``).

``LUOSHI_API_RATE`` limits ``/api/``, ``LUOSHI_PUBLIC_RATE`` the public pages (``/public/`` and the
authors' verdict links ``/v/``), each as "N/unit" (unit ``s``, ``min`` or ``h``; empty turns it off).
Requests are counted in fixed windows in Django's cache: with several server processes configure a
shared cache (``CACHES``), else each process counts on its own. Over the limit the client gets 429 with
``Retry-After`` and a Chinese message (JSON for the API, a page otherwise).
"""

from __future__ import annotations

import json
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

from .throttle import client_address

UNITS = {"s": 1, "sec": 1, "second": 1, "min": 60, "minute": 60, "m": 60, "h": 3600, "hour": 3600}
MESSAGE = "请求过于频繁, 请 {seconds} 秒后再试。"


def parse_rate(rate: str) -> tuple[int, int] | None:
    """``"120/min"`` → (120, 60); None when empty; ValueError when unreadable."""
    rate = (rate or "").strip()
    if not rate:
        return None
    match = re.fullmatch(r"(\d+)\s*/\s*(\d*)\s*([a-z]+)", rate.lower())
    if not match or match.group(3) not in UNITS:
        raise ValueError(f"无法理解的频率限制: {rate!r} (例如 120/min)")
    return int(match.group(1)), int(match.group(2) or 1) * UNITS[match.group(3)]


def hit(scope: str, address: str, rate: str, now: float | None = None) -> int | None:
    """Count one request; the seconds to wait when it is over the limit, else None."""
    parsed = parse_rate(rate)
    if parsed is None:
        return None
    limit, period = parsed
    now = time.time() if now is None else now
    window = int(now // period)
    key = f"luoshi-rate:{scope}:{address}:{window}"
    cache.add(key, 0, timeout=period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period + 1)
        count = 1
    if count <= limit:
        return None
    return max(1, int((window + 1) * period - now))


def _scope(path: str) -> tuple[str, str] | None:
    if path.startswith("/api/"):
        return "api", settings.LUOSHI_API_RATE
    if path.startswith(("/public/", "/v/")):
        return "public", settings.LUOSHI_PUBLIC_RATE
    return None


class RateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        scope = _scope(request.path)
        if scope is not None:
            wait = hit(scope[0], client_address(request), scope[1])
            if wait is not None:
                return _too_many(scope[0], wait)
        return self.get_response(request)


def _too_many(scope: str, seconds: int) -> HttpResponse:
    text = MESSAGE.format(seconds=seconds)
    if scope == "api":
        response = HttpResponse(
            json.dumps({"detail": text}, ensure_ascii=False),
            status=429,
            content_type="application/json; charset=utf-8",
        )
    else:
        body = (
            '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1"><title>请求过于频繁</title></head>'
            f'<body><main><h1>请求过于频繁</h1><p role="alert">{text}</p></main></body></html>'
        )
        response = HttpResponse(body, status=429, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(seconds)
    return response
