"""`luoshi demo` setup: sample government, accounts and a published ledger, idempotently."""

from __future__ import annotations

import io

from luoshi import webcli
from luoshi.accounts.models import User
from luoshi.reports.models import WorkReport
from luoshi.tasks.models import Task


def test_demo_setup_is_idempotent(db):
    first = webcli.setup_demo(io.StringIO())
    assert first["created"]
    tasks = Task.objects.filter(kind="task")
    assert tasks.count() == 79
    assert tasks.filter(published_at__isnull=False).count() == tasks.exclude(lead_unit=None).count() > 70
    out = io.StringIO()
    second = webcli.setup_demo(out)
    assert not second["created"]
    assert WorkReport.objects.count() == 1 and Task.objects.filter(kind="task").count() == 79
    assert User.objects.count() == 4
    text = out.getvalue()
    assert webcli.DEMO_PASSWORD in text and "jiaoyu" in text and "ducha" in text


def test_demo_accounts_log_in_and_see_their_share(client, db):
    webcli.setup_demo(io.StringIO())
    assert client.login(username="jiaoyu", password=webcli.DEMO_PASSWORD)
    page = client.get("/tasks/").content.decode()
    education = Task.objects.filter(lead_unit__short_name="州教育局", published_at__isnull=False)
    assert education.exists()
    assert all(t.text in page for t in education)
    client.logout()
    assert client.login(username="jiaotong", password=webcli.DEMO_PASSWORD)
    page = client.get("/tasks/").content.decode()
    assert not any(t.text in page for t in education)


def test_demo_shows_a_ledger_mid_year_with_reports_lights_and_escalations_simulated_once(client, db):
    import datetime
    import zoneinfo

    import time_machine

    beijing = zoneinfo.ZoneInfo("Asia/Shanghai")
    mid_year = datetime.datetime(datetime.datetime.now(tz=beijing).year, 7, 15, 10, tzinfo=beijing)
    with time_machine.travel(mid_year, tick=True):
        _check_demo_mid_year(client)


def _check_demo_mid_year(client):
    from luoshi.tracking import health
    from luoshi.tracking.models import (
        HealthChange,
        Notification,
        ProgressReport,
        Reminder,
        ReportReview,
        SupervisionOrder,
    )

    first = webcli.setup_demo(io.StringIO())
    counts = [
        m.objects.count()
        for m in (ProgressReport, ReportReview, Reminder, SupervisionOrder, Notification, HealthChange)
    ]
    reports, reviews, reminders, orders, notifications, changes = counts
    assert reports and reviews and notifications and changes
    assert ReportReview.objects.filter(decision="returned").exists()
    lights = {health.compute(t).light for t in first["report"].tasks.filter(published_at__isnull=False)}
    assert "green" in lights and ("red" in lights or "yellow" in lights)
    assert reminders and orders
    webcli.setup_demo(io.StringIO())  # a restart simulates nothing twice
    assert [
        m.objects.count()
        for m in (ProgressReport, ReportReview, Reminder, SupervisionOrder, Notification, HealthChange)
    ] == counts
    assert client.login(username="jiaoyu", password=webcli.DEMO_PASSWORD)
    task = ProgressReport.objects.filter(task__lead_unit__short_name="州教育局").first().task
    html = client.get(f"/tasks/{task.pk}/").content.decode()
    assert "进展报告" in html and "灯" in html
    assert client.get("/inbox/").status_code == 200


def test_the_demo_discloses_its_published_ledger_on_the_public_pages(db, client):
    report = webcli.setup_demo(out=io.StringIO())["report"]
    index = client.get("/public/").content.decode()
    assert report.title in index
    task = Task.objects.get(report=report, code="2.5.1.2")
    page = "".join(client.get(url).content.decode() for url in _public_links(index))
    assert task.text in page


def _public_links(html: str) -> list[str]:
    import re

    return sorted({href for href in re.findall(r'href="(/public/[^"]+)"', html) if "/method" not in href})
