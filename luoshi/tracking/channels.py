"""Sending one delivery: e-mail over SMTP, or a webhook (钉钉, 企业微信, generic JSON) over HTTP(S).

Each sender raises on failure; the caller records the attempt and schedules the retry.

A webhook goes only to a public address (``refused_address``): the host is resolved when the webhook
is saved and again at every send, and the connection is made to the very address that was checked, so
a name that later resolves to 127.0.0.1 or an intranet host is refused (``docs/security.md``). An
installation whose robots live on its own network allows that with ``LUOSHI_WEBHOOK_ALLOW_PRIVATE=1``.
Redirects are never followed: any answer outside 2xx is a failure, retried per the delivery's back-off.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import ipaddress
import json
import socket
import ssl
import time
import urllib.parse
import urllib.request
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from .models import Delivery, Webhook


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """钉钉 custom robot signature: base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}")), URL-encoded."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest).decode())


def body_signature(secret: str, body: bytes, timestamp: int) -> str:
    """The generic webhook's ``X-Luoshi-Signature``: sha256=<hex HMAC-SHA256 of ``timestamp + "." + body``>.

    The timestamp (seconds, sent as ``X-Luoshi-Timestamp``) is signed with the body, so a receiver
    that refuses old timestamps cannot be sent a captured request again.
    """
    return "sha256=" + hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def _address_refused(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_unspecified
        or ip.is_multicast
        or ip.is_reserved
        or not ip.is_global
    )


def resolve(url: str) -> tuple[str, int, list[str]]:
    """The URL's host, port and every address it resolves to (``OSError`` when it does not resolve)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("地址必须以 http:// 或 https:// 开头")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    return parts.hostname, port, [str(info[4][0]) for info in infos]


def refused_address(url: str, *, resolve_names: bool = True) -> str | None:
    """The Chinese refusal when ``url`` points at loopback, a private, link-local, unspecified or
    multicast address (or a name resolving to one), unless ``LUOSHI_WEBHOOK_ALLOW_PRIVATE``; else None."""
    if settings.LUOSHI_WEBHOOK_ALLOW_PRIVATE:
        return None
    try:
        host = urllib.parse.urlsplit(url).hostname or ""
        try:
            addresses = [str(ipaddress.ip_address(host))]
        except ValueError:
            if not resolve_names:
                return None
            addresses = resolve(url)[2]
    except (OSError, ValueError):
        return None  # an unresolvable name is not refused here; sending it fails and is retried
    bad = [a for a in addresses if _address_refused(a)]
    return f"不允许向内网或本机地址发送: {host} ({', '.join(bad)})" if bad else None


def webhook_request(webhook: Webhook, delivery: Delivery, now_ms: int | None = None) -> urllib.request.Request:
    url = webhook.url
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "luoshi"}
    title = delivery.subject()
    if webhook.kind == "dingtalk":
        payload = {"msgtype": "markdown", "markdown": {"title": title, "text": delivery.markdown()}}
        if webhook.secret:
            timestamp = now_ms if now_ms is not None else int(time.time() * 1000)
            separator = "&" if "?" in url else "?"
            url = f"{url}{separator}timestamp={timestamp}&sign={dingtalk_sign(webhook.secret, timestamp)}"
    elif webhook.kind == "wecom":
        payload = {"msgtype": "markdown", "markdown": {"content": delivery.markdown()}}
    else:
        payload = {"title": title, "day": delivery.day.isoformat(), "items": delivery.items}
    # 企业微信's group robot has no signature: its key is in the URL, which is kept as a secret.
    body = json.dumps(payload, ensure_ascii=False).encode()
    if webhook.kind == "generic" and webhook.secret:
        seconds = (now_ms if now_ms is not None else int(time.time() * 1000)) // 1000
        headers["X-Luoshi-Timestamp"] = str(seconds)
        headers["X-Luoshi-Signature"] = body_signature(webhook.secret, body, seconds)
    return urllib.request.Request(url, data=body, headers=headers, method="POST")


def post(request: urllib.request.Request, timeout: float) -> str:
    """POST ``request`` to the address its host was checked at; the answer's text, or raise.

    No proxy, no redirect: a 3xx is a failure like a 4xx or 5xx.
    """
    url = request.full_url
    host, port, addresses = resolve(url)
    if not settings.LUOSHI_WEBHOOK_ALLOW_PRIVATE:
        bad = [a for a in addresses if _address_refused(a)]
        if bad:
            raise RuntimeError(f"不允许向内网或本机地址发送: {host} ({', '.join(bad)})")
    parts = urllib.parse.urlsplit(url)
    target = addresses[0]
    conn: http.client.HTTPConnection
    if parts.scheme == "https":
        conn = _PinnedHTTPS(host, port, target, timeout=timeout, context=ssl.create_default_context())
    else:
        conn = _PinnedHTTP(host, port, target, timeout=timeout)
    try:
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        data: Any = request.data
        headers = {name.title(): value for name, value in request.header_items()}  # as urllib sends them
        conn.request("POST", path, body=data, headers=headers)
        response = conn.getresponse()
        text = response.read(10000).decode("utf-8", "replace")
    finally:
        conn.close()
    if not 200 <= response.status < 300:
        raise RuntimeError(f"Webhook 返回 HTTP {response.status}（不跟随跳转）: {text[:200]}")
    return text


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, **kwargs: Any) -> None:
        super().__init__(host, port, **kwargs)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, *, context: ssl.SSLContext, **kwargs: Any) -> None:
        super().__init__(host, port, context=context, **kwargs)
        self._address = address
        self._context = context

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def send_webhook(delivery: Delivery) -> None:
    webhook = delivery.webhook
    if webhook is None or not webhook.active:
        raise RuntimeError("webhook 已删除或停用")
    request = webhook_request(webhook, delivery)
    text = post(request, settings.LUOSHI_WEBHOOK_TIMEOUT)
    if webhook.kind in ("dingtalk", "wecom"):
        # Both robots answer 200 with {"errcode": 0} on success and a non-zero errcode otherwise.
        try:
            errcode = json.loads(text).get("errcode", 0)
        except ValueError:
            errcode = 0
        if errcode:
            raise RuntimeError(f"机器人返回错误: {text[:200]}")


def send_email(delivery: Delivery) -> None:
    connection = get_connection(timeout=settings.EMAIL_TIMEOUT) if _smtp() else get_connection()
    message = EmailMessage(delivery.subject(), delivery.text(), settings.DEFAULT_FROM_EMAIL, [delivery.recipient])
    message.connection = connection
    message.send()


def _smtp() -> bool:
    return settings.EMAIL_BACKEND.endswith("smtp.EmailBackend")


def send(delivery: Delivery) -> None:
    if delivery.channel == "email":
        send_email(delivery)
    else:
        send_webhook(delivery)
