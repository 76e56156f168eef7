"""Helpers shared by the tracking tests: Beijing-time instants and local receivers for e-mail and webhooks."""

from __future__ import annotations

import datetime
import json
import socket
import threading
import time
import zoneinfo
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")


def bj(year, month, day, hour=10) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=BEIJING)


def acknowledge_and_report(client, matter, liaison, supervisor, *, acknowledged, reported, period, percent, narrative):
    """The lead liaison acknowledges ``matter`` through the API on ``acknowledged``, reports on ``reported``
    and the office accepts the report: the matter ends in progress."""
    import time_machine

    from luoshi.tracking import actions as tracking
    from tests.web.test_api import call, token_for

    with time_machine.travel(acknowledged, tick=True):
        response = call(client, "post", f"/api/tasks/{matter.pk}/acknowledge", token=token_for(liaison))
        assert response.status_code == 200 and response.json()["status"] == "acknowledged"
    with time_machine.travel(reported, tick=True):
        report, created = tracking.submit_report(
            matter.pk, liaison, period=period, percent=percent, narrative=narrative
        )
        assert created
        tracking.review_report(report.pk, supervisor, decision="accepted")
    matter.refresh_from_db()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpReceiver:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps every message it receives."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages = []
        receiver = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                import email

                message = email.message_from_bytes(envelope.content)
                body = message.get_payload(decode=True).decode(message.get_content_charset() or "utf-8")
                subject = str(email.header.make_header(email.header.decode_header(message["Subject"])))
                receiver.messages.append({"to": list(envelope.rcpt_tos), "subject": subject, "body": body})
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    def to(self, address) -> list[dict]:
        return [m for m in self.messages if address in m["to"]]


class HttpReceiver:
    """A real HTTP server on 127.0.0.1 recording every POST; ``slow`` makes it sleep past the timeout."""

    def __init__(self, answer=None):
        self.requests = []
        self.slow = 0.0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if receiver.slow:
                    time.sleep(receiver.slow)
                receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                payload = json.dumps(answer or {"errcode": 0, "errmsg": "ok"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def json(self) -> list[dict]:
        return [json.loads(r["body"]) for r in self.requests]
