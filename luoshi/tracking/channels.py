"""Sending one delivery: e-mail over SMTP, or a webhook (钉钉, 企业微信, generic JSON) over urllib.

Each sender raises on failure; the caller records the attempt and schedules the retry.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from .models import Delivery, Webhook


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """钉钉 custom robot signature: base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}")), URL-encoded."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest).decode())


def body_signature(secret: str, body: bytes) -> str:
    """The generic webhook's ``X-Luoshi-Signature``: sha256=<hex HMAC-SHA256 of the body>."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


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
    body = json.dumps(payload, ensure_ascii=False).encode()
    if webhook.kind == "generic" and webhook.secret:
        headers["X-Luoshi-Signature"] = body_signature(webhook.secret, body)
    return urllib.request.Request(url, data=body, headers=headers, method="POST")


def send_webhook(delivery: Delivery) -> None:
    webhook = delivery.webhook
    if webhook is None or not webhook.active:
        raise RuntimeError("webhook 已删除或停用")
    request = webhook_request(webhook, delivery)
    with urllib.request.urlopen(request, timeout=settings.LUOSHI_WEBHOOK_TIMEOUT) as response:
        text = response.read(10000).decode("utf-8", "replace")
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
