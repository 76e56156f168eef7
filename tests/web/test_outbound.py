"""Outbound calls (等保: 通信安全, issue 17): a webhook reaches only public addresses, checked when it is
saved and again, by DNS, when it is sent; it follows no redirect; the generic one signs a timestamp."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError

from luoshi.tracking import actions, channels
from luoshi.tracking.models import Delivery, Webhook
from tests.web.tracking_helpers import HttpReceiver

REFUSED = [
    "http://127.0.0.1/hook",
    "http://127.8.9.10:8080/hook",
    "http://10.1.2.3/hook",
    "http://172.16.0.5/hook",
    "http://192.168.1.1/hook",
    "http://169.254.169.254/latest/meta-data",
    "http://0.0.0.0/hook",
    "http://224.0.0.1/hook",
    "http://[::1]/hook",
    "http://[fe80::1]/hook",
    "http://[fc00::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://localhost:8000/hook",  # a name resolving to 127.0.0.1
]


@pytest.fixture
def hook_for(government):
    def make(url: str, **fields) -> Webhook:
        return Webhook.objects.create(government=government, kind=fields.pop("kind", "generic"), url=url, **fields)

    return make


def _delivery(hook: Webhook) -> Delivery:
    return Delivery.objects.create(
        channel="webhook",
        recipient=f"webhook:{hook.pk}",
        webhook=hook,
        day=datetime.date(2026, 3, 1),
        items=[{"title": "提醒", "body": "", "url": ""}],
    )


@pytest.mark.parametrize("url", REFUSED, ids=REFUSED)
def test_an_intranet_or_local_address_is_refused_on_save(url, government):
    hook = Webhook(government=government, kind="generic", url=url)
    with pytest.raises(ValidationError) as refused:
        hook.full_clean()
    assert "不允许向内网或本机地址发送" in str(refused.value)
    with pytest.raises(ValidationError):
        hook.save()
    assert not Webhook.objects.exists()


def test_a_public_address_is_accepted_and_the_installation_may_allow_its_own_network(government, settings):
    assert channels.refused_address("https://oapi.dingtalk.com/robot/send?access_token=t", resolve_names=False) is None
    assert channels.refused_address("http://8.8.8.8/hook") is None
    settings.LUOSHI_WEBHOOK_ALLOW_PRIVATE = True
    Webhook(government=government, kind="generic", url="http://10.1.2.3/hook").full_clean()


def test_a_name_that_resolves_to_loopback_at_send_time_is_refused(hook_for, monkeypatch):
    real = socket.getaddrinfo
    answer = {"ip": "93.184.216.34"}

    def fake(host, port, *args, **kwargs):
        if host == "hooks.example.com":
            return real(answer["ip"], port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    with HttpReceiver() as receiver:
        port = receiver.url.rsplit(":", 1)[1]
        hook = hook_for(f"http://hooks.example.com:{port}/hook")  # public when saved
        delivery = _delivery(hook)
        answer["ip"] = "127.0.0.1"  # DNS rebinding: now it points at this machine
        assert actions.dispatch() == {"deliveries": 0, "failed": 1}
        assert receiver.requests == []
    delivery.refresh_from_db()
    assert delivery.status == "pending" and "不允许向内网或本机地址发送" in delivery.last_error


class _Redirecting:
    """A server answering every POST with 302 to ``/elsewhere``, recording each request's path."""

    def __init__(self):
        self.paths: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                outer.paths.append(self.path)
                self.send_response(302)
                self.send_header("Location", "/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_a_redirect_is_not_followed_and_counts_as_a_failure_retried_later(hook_for, settings):
    settings.LUOSHI_WEBHOOK_ALLOW_PRIVATE = True
    settings.LUOSHI_RETRY_BASE_SECONDS = 0
    server = _Redirecting()
    try:
        delivery = _delivery(hook_for(f"{server.url}/hook"))
        assert actions.dispatch() == {"deliveries": 0, "failed": 1}
        assert server.paths == ["/hook"]
    finally:
        server.close()
    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.attempts == 1 and "HTTP 302" in delivery.last_error


def test_the_generic_webhook_signs_the_timestamp_with_the_body(hook_for, settings):
    settings.LUOSHI_WEBHOOK_ALLOW_PRIVATE = True
    hook = hook_for("http://127.0.0.1:9/hook", secret="s3")
    request = channels.webhook_request(hook, _delivery(hook), now_ms=1_700_000_000_123)
    headers = dict(request.header_items())
    assert headers["X-luoshi-timestamp"] == "1700000000"
    body = request.data
    assert isinstance(body, bytes)
    expected = hmac.new(b"s3", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert headers["X-luoshi-signature"] == "sha256=" + expected
    # the body alone, without its timestamp, no longer verifies: a captured request cannot be replayed later
    assert headers["X-luoshi-signature"] != "sha256=" + hmac.new(b"s3", body, hashlib.sha256).hexdigest()
