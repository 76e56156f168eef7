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
