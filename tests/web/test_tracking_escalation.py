"""The escalation ladder over a simulated year, delivered through a real SMTP server and a real HTTP
server on 127.0.0.1: reminders, 催办 and 督办单 reach the right people exactly once, in daily digests."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import io
import re
import urllib.parse

import pytest
from django.core.management import call_command
from django.db import IntegrityError

from luoshi.tracking import actions, channels, health
from luoshi.tracking.models import Delivery, HealthChange, Notification, Reminder, SupervisionOrder, Webhook
from tests.web.tracking_helpers import HttpReceiver, SmtpReceiver, bj

D = datetime.date


@pytest.fixture
def smtp(settings):
    with SmtpReceiver() as receiver:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = receiver.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        yield receiver


@pytest.fixture
def http(settings):
    settings.LUOSHI_WEBHOOK_ALLOW_PRIVATE = True  # the receiver listens on 127.0.0.1
    with HttpReceiver() as receiver:
        yield receiver


@pytest.fixture
def people(liaison, leader, supervisor):
    liaison.email, leader.email, supervisor.email = "jiaoyu@example.gov.cn", "lingdao@example.gov.cn", "ducha@x.cn"
    for user in (liaison, leader, supervisor):
        user.save()
    return liaison, leader


def days(start: D, end: D):
    day = start
    while day <= end:
        yield day
        day += datetime.timedelta(days=1)


# Months reported on time (day 20), late (day 28), returned and answered, or not at all.
PLAN = {
    1: ("on_time", 8),
    2: ("on_time", 15),
    3: ("late", 22),
    4: ("missing", None),
    5: ("missing", None),
    6: ("on_time", 50),
    7: ("returned", 58),
    8: ("on_time", 66),
}


def run_year(task, liaison, supervisor, through: D) -> dict:
    totals = {}
    actions.acknowledge(task.pk, liaison, at=bj(2026, 1, 6))
    for day in days(D(2026, 1, 5), through):
        kind, percent = PLAN.get(day.month, ("missing", None))
        period = f"2026-{day.month:02d}"
        if (kind in ("on_time", "returned") and day.day == 20) or (kind == "late" and day.day == 28):
            report, _ = actions.submit_report(
                task.pk,
                liaison,
                period=period,
                percent=percent,
                narrative="按计划推进",
                at=bj(2026, day.month, day.day),
            )
            if kind == "returned":
                actions.review_report(
                    report.pk, supervisor, decision="returned", reason="数据不全", at=bj(2026, day.month, 21)
                )
                answer, _ = actions.submit_report(
                    task.pk, liaison, period=period, percent=percent, narrative="已补充", at=bj(2026, day.month, 23)
                )
                actions.review_report(answer.pk, supervisor, decision="accepted", at=bj(2026, day.month, 24))
        for name, value in actions.run_escalation(day).items():
            totals[name] = totals.get(name, 0) + value
    return totals


def test_a_simulated_year_lights_and_escalates_exactly_once_by_mail_and_webhook(
    tracked_task, people, supervisor, smtp, http, settings
):
    liaison, leader = people
    secret = "SEC-test-secret"
    Webhook.objects.create(
        unit=tracked_task.lead_unit, kind="dingtalk", url=f"{http.url}/robot/send?access_token=t", secret=secret
    )
    Webhook.objects.create(unit=tracked_task.lead_unit, kind="wecom", url=f"{http.url}/cgi-bin/webhook/send?key=k")
    totals = run_year(tracked_task, liaison, supervisor, D(2026, 9, 30))

    # the lights changed as the rules say
    assert health.compute(tracked_task, D(2026, 3, 26)).light == "yellow"  # March report late
    assert health.compute(tracked_task, D(2026, 3, 29)).light == "green"
    assert health.compute(tracked_task, D(2026, 4, 26)).light == "yellow"  # April missing
    red = health.compute(tracked_task, D(2026, 5, 26))
    assert red.light == "red" and "连续 2 期" in red.reason  # April and May missing
    assert health.compute(tracked_task, D(2026, 6, 21)).light == "green"
    lights = [(c.on, c.new) for c in HealthChange.objects.filter(task=tracked_task)]
    assert (D(2026, 5, 26), "red") in lights and (D(2026, 6, 20), "green") in lights

    # each step is one record with a unique key
    reminders = Reminder.objects.filter(task=tracked_task, kind="remind")
    urges = Reminder.objects.filter(task=tracked_task, kind="urge")
    assert {r.due for r in reminders.filter(subject__contains="进展报告")} == {D(2026, m, 25) for m in (3, 4, 5, 9)}
    assert {r.due for r in urges} == {D(2026, 3, 25), D(2026, 4, 25), D(2026, 5, 25), D(2026, 9, 25)}
    orders = SupervisionOrder.objects.filter(task=tracked_task)
    assert [o.on for o in orders] == [D(2026, 5, 26)]
    assert totals["reminders"] == reminders.count() and totals["urges"] == urges.count() and totals["orders"] == 1
    assert totals["failed"] == 0

    # running the same day again sends nothing twice
    out = io.StringIO()
    call_command("send_reminders", "--today", "2026-09-30", stdout=out)
    line = out.getvalue().strip().splitlines()[-1]
    assert re.fullmatch(r"tasks=1 reminders=0 urges=0 orders=0 notifications=0 deliveries=0 failed=0", line), line

    # e-mail: every reminder, urge and order reached the liaison exactly once, in one digest a day
    mails = smtp.to(liaison.email)
    titles = [line for m in mails for line in m["body"].splitlines() if re.match(r"\d+\. ", line)]
    for step in [*reminders, *urges]:
        assert (
            sum(
                step.due.strftime("%Y-%m-%d") in t
                and t.split(". ", 1)[1].startswith(("提醒", "催办"))
                and (("提醒" in t) == (step.kind == "remind"))
                and step.subject in t
                for t in titles
            )
            == 1
        ), step.key
    assert sum("督办单" in t for t in titles) == 1
    assert len({m["subject"][:15] for m in mails}) == len(mails)  # at most one message a day
    # the leader gets the supervision order (and nothing about routine reminders)
    leader_mail = smtp.to(leader.email)
    assert len(leader_mail) == 1 and "督办单" in leader_mail[0]["body"] and "亮红灯" in leader_mail[0]["body"]
    # the inbox keeps individual items
    assert Notification.objects.filter(user=liaison, kind="order").count() == 1
    assert Notification.objects.filter(user=leader, kind__in=("remind", "urge")).count() == 0

    # webhooks: the same digests in 钉钉 and 企业微信 formats, the 钉钉 ones signed
    ding = [r for r in http.requests if r["path"].startswith("/robot/send")]
    wecom = [r for r in http.requests if r["path"].startswith("/cgi-bin/")]
    assert len(ding) == len(wecom) == len(mails)
    for request in ding:
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(request["path"]).query)
        timestamp, sign = query["timestamp"][0], query["sign"][0]
        expected = base64.b64encode(
            hmac.new(secret.encode("utf-8"), f"{timestamp}\n{secret}".encode(), digestmod=hashlib.sha256).digest()
        ).decode()
        assert sign == expected and query["access_token"] == ["t"]
    ding_bodies = [b for b in http.json() if "title" in b.get("markdown", {})]
    assert all(b["msgtype"] == "markdown" and b["markdown"]["text"].startswith("### [落实]") for b in ding_bodies)
    wecom_bodies = [b for b in http.json() if "content" in b.get("markdown", {})]
    assert sum(b["markdown"]["content"].count("督办单") for b in wecom_bodies) == 1
    assert Delivery.objects.filter(status="sent").count() == len(mails) * 3 + 1


def test_the_dingtalk_signature_follows_the_documented_algorithm():
    # timestamp + "\n" + secret, HMAC-SHA256 keyed by the secret, base64, then URL-encoded
    secret, timestamp = "SECabc", 1577262236757
    digest = hmac.new(b"SECabc", b"1577262236757\nSECabc", hashlib.sha256).digest()
    assert channels.dingtalk_sign(secret, timestamp) == urllib.parse.quote_plus(base64.b64encode(digest).decode())
    assert urllib.parse.unquote_plus(channels.dingtalk_sign(secret, timestamp)) == base64.b64encode(digest).decode()


def test_a_generic_webhook_is_signed_over_its_body(tracked_task, http):
    hook = Webhook.objects.create(
        government=tracked_task.report.government, kind="generic", url=f"{http.url}/hook", secret="s3"
    )
    delivery = Delivery.objects.create(
        channel="webhook",
        recipient=f"webhook:{hook.pk}",
        webhook=hook,
        day=D(2026, 3, 1),
        items=[{"title": "提醒", "body": "", "url": ""}],
    )
    assert actions.dispatch() == {"deliveries": 1, "failed": 0}
    request = http.requests[0]
    timestamp = request["headers"]["X-Luoshi-Timestamp"]
    expected = "sha256=" + hmac.new(b"s3", timestamp.encode() + b"." + request["body"], hashlib.sha256).hexdigest()
    assert request["headers"]["X-Luoshi-Signature"] == expected
    assert http.json()[0]["items"][0]["title"] == "提醒"
    delivery.refresh_from_db()
    assert delivery.status == "sent" and delivery.attempts == 1


def test_a_webhook_that_times_out_is_retried_with_back_off_and_logged(
    tracked_task, http, settings, client_for, supervisor, outsider
):
    settings.LUOSHI_WEBHOOK_TIMEOUT = 0.3
    settings.LUOSHI_RETRY_BASE_SECONDS = 0
    http.slow = 1.0
    hook = Webhook.objects.create(unit=tracked_task.lead_unit, kind="wecom", url=f"{http.url}/slow")
    delivery = Delivery.objects.create(
        channel="webhook",
        recipient=f"webhook:{hook.pk}",
        webhook=hook,
        day=D(2026, 3, 1),
        items=[{"title": "催办", "body": "", "url": ""}],
    )
    assert actions.dispatch() == {"deliveries": 0, "failed": 1}
    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.attempts == 1 and "timed out" in delivery.last_error
    page = client_for(supervisor).get("/deliveries/").content.decode()
    assert "timed out" in page and "待发送" in page
    http.slow = 0
    assert actions.dispatch() == {"deliveries": 1, "failed": 0}
    delivery.refresh_from_db()
    assert delivery.status == "sent" and delivery.attempts == 2 and delivery.last_error == ""
    assert client_for(outsider).get("/deliveries/").status_code == 404


def test_back_off_doubles_until_the_delivery_is_marked_failed():
    now = datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)
    delivery = Delivery(channel="email", recipient="a@b.cn", day=D(2026, 3, 1), items=[])
    waits = []
    for _ in range(3):
        delivery.record_failure("boom", now, 60, 4)
        waits.append((delivery.next_attempt_at - now).total_seconds())
    assert waits == [60, 120, 240] and delivery.status == "pending"
    delivery.record_failure("boom", now, 60, 4)
    assert delivery.status == "failed" and delivery.attempts == 4


def test_an_unreachable_mail_server_is_a_logged_retry_not_a_crash(tracked_task, people, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    liaison, _ = people
    actions.acknowledge(tracked_task.pk, liaison, at=bj(2026, 1, 6))
    totals = actions.run_escalation(D(2026, 1, 22))
    assert totals["reminders"] == 1 and totals["failed"] == 1
    assert Delivery.objects.get(recipient=liaison.email).last_error


def test_each_step_key_is_unique_in_the_database(tracked_task):
    Reminder.objects.create(
        kind="remind", task=tracked_task, due=D(2026, 1, 25), subject="x", key="k", on=D(2026, 1, 22)
    )
    with pytest.raises(IntegrityError):
        Reminder.objects.create(
            kind="remind", task=tracked_task, due=D(2026, 1, 25), subject="x", key="k", on=D(2026, 1, 23)
        )


def test_send_reminders_refuses_a_malformed_date(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--today", "2026/13/01", stdout=io.StringIO())


def test_items_after_the_days_digest_wait_for_the_next_days_digest(tracked_task, people, smtp):
    from django.utils import timezone

    liaison, _ = people
    today = timezone.localdate()
    actions.notify([liaison], task=tracked_task, kind="x", title="第一条", on=today)
    actions.notify([liaison], task=tracked_task, kind="x", title="第二条", on=today)
    assert actions.dispatch() == {"deliveries": 1, "failed": 0}
    assert len(smtp.messages) == 1 and "第一条" in smtp.messages[0]["body"] and "第二条" in smtp.messages[0]["body"]
    actions.notify([liaison], task=tracked_task, kind="x", title="第三条", on=today)
    assert actions.dispatch() == {"deliveries": 0, "failed": 0}  # not before tomorrow
    later = Delivery.objects.get(status="pending")
    assert later.day == today + datetime.timedelta(days=1)
    assert Notification.objects.filter(user=liaison).count() == 3  # the inbox keeps every item


def test_send_reminders_loop_runs_again_after_its_interval(db, settings, monkeypatch):
    from luoshi.ops.management.commands import send_reminders

    settings.LUOSHI_REMINDER_INTERVAL = 3600
    slept = []

    class Stop(Exception):
        pass

    def sleep(seconds):
        slept.append(seconds)
        if len(slept) == 2:
            raise Stop

    monkeypatch.setattr(send_reminders.time, "sleep", sleep)
    out = io.StringIO()
    with pytest.raises(Stop):
        call_command("send_reminders", "--loop", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 2 and all(line.startswith("tasks=0 reminders=0") for line in lines)
    assert 3500 < slept[0] <= 3600
