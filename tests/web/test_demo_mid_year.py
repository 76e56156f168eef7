"""`luoshi demo` in the middle of a year: reports, reviews, lights and escalations simulated once.

In a module of its own: it needs an empty database, while test_demo.py keeps today's demo for its tests.
"""

from __future__ import annotations

import io

from luoshi import webcli
from tests.web.test_demo import check_projects, check_proposals_by_july


def test_demo_shows_a_ledger_mid_year_with_reports_lights_and_escalations_simulated_once(client, db):
    import datetime
    import zoneinfo

    import time_machine

    beijing = zoneinfo.ZoneInfo("Asia/Shanghai")
    mid_year = datetime.datetime(datetime.datetime.now(tz=beijing).year, 7, 15, 10, tzinfo=beijing)
    with time_machine.travel(mid_year, tick=True):
        _check_demo_mid_year(client)


def _check_demo_mid_year(client):
    from django.utils import timezone

    from luoshi.projects.models import Evaluation, Project, Spending
    from luoshi.proposals.models import Proposal, Reply, Verdict
    from luoshi.tasks.models import Status
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
    # the suggestions and proposals of the spring are answered, but for one six-month matter and one
    # overdue one; the late ones are not handed over yet
    check_proposals_by_july(first["government"])
    proposals = Proposal.objects.filter(government=first["government"])
    assert proposals.filter(task__status=Status.IN_PROGRESS).count() == 2
    assert proposals.filter(complex=True, task__status=Status.IN_PROGRESS).exists()
    assert not proposals.filter(number__in=["13", "14"], kind="suggestion").exists()
    # the livelihood projects are voted, published and reported on up to June, two of them red; nothing
    # is closed or evaluated yet, and nothing after today
    today = timezone.localdate()
    projects = check_projects(first["government"], today)
    assert not Evaluation.objects.exists() and not any(p.task.status == Status.CLOSED for p in projects)
    assert not Spending.objects.filter(progress_report__period__gte=f"{today.year}-07").exists()
    assert Spending.objects.filter(progress_report__period=f"{today.year}-06").count() == len(projects)
    everything = (ProgressReport, ReportReview, Reminder, SupervisionOrder, Notification, HealthChange)
    counts += [m.objects.count() for m in (Proposal, Reply, Verdict, Project, Spending)]
    webcli.setup_demo(io.StringIO())  # a restart simulates nothing twice
    assert [m.objects.count() for m in (*everything, Proposal, Reply, Verdict, Project, Spending)] == counts
    assert client.login(username="jiaoyu", password=webcli.DEMO_PASSWORD)
    task = ProgressReport.objects.filter(task__lead_unit__short_name="州教育局").first().task
    html = client.get(f"/tasks/{task.pk}/").content.decode()
    assert "进展报告" in html and "灯" in html
    assert client.get("/inbox/").status_code == 200
