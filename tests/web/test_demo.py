"""`luoshi demo` setup: sample government, accounts and a published ledger, idempotently."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from luoshi import webcli
from luoshi.accounts.models import User
from luoshi.reports.models import WorkReport
from luoshi.tasks.models import Task


@pytest.fixture(scope="module")
def todays_demo(django_db_setup, django_db_blocker):
    """The demo as ``luoshi demo`` sets it up today, made once for the tests that only read it (its
    simulated year takes half a minute); the database is emptied again after them."""
    with django_db_blocker.unblock():
        try:
            yield webcli.setup_demo(io.StringIO())
        finally:
            call_command("flush", interactive=False, verbosity=0)


def test_demo_setup_is_idempotent(todays_demo, db):
    first = todays_demo
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


def test_demo_accounts_log_in_and_see_their_share(todays_demo, client, db):
    assert client.login(username="jiaoyu", password=webcli.DEMO_PASSWORD)
    page = client.get("/tasks/").content.decode()
    education = Task.objects.filter(lead_unit__short_name="州教育局", published_at__isnull=False)
    assert education.exists()
    assert all(t.text in page for t in education)
    client.logout()
    assert client.login(username="jiaotong", password=webcli.DEMO_PASSWORD)
    page = client.get("/tasks/").content.decode()
    assert not any(t.text in page for t in education)


def test_the_demo_discloses_its_published_ledger_on_the_public_pages(todays_demo, db, client):
    report = todays_demo["report"]
    index = client.get("/public/").content.decode()
    assert report.title in index
    task = Task.objects.get(report=report, code="2.5.1.2")
    page = "".join(client.get(url).content.decode() for url in _public_links(index))
    assert task.text in page


def _public_links(html: str) -> list[str]:
    import re

    return sorted({href for href in re.findall(r'href="(/public/[^"]+)"', html) if "/method" not in href})
