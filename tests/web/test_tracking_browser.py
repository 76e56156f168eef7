"""In chromium at 375 px: a liaison reports with evidence, the office returns it, the liaison answers,
the office accepts, and the task's light changes from red to green."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.web.test_browser import NEEDS_CHROMIUM, browser, login  # noqa: F401 (fixture)
from tests.web.test_tracking_reports import PDF

pytestmark = [
    pytest.mark.browser,
    NEEDS_CHROMIUM,
]


@pytest.fixture
def recent_task(report, supervisor, leader, liaison, settings, tmp_path):
    """The education task published 70 days ago with its deadline 30 days ahead, acknowledged, no reports:
    two monthly reports are overdue, so it is red."""
    from luoshi.accounts.models import Unit
    from luoshi.tasks import actions
    from luoshi.tracking import actions as tracking

    settings.MEDIA_ROOT = tmp_path / "media"
    now = timezone.now()
    task = report.tasks.filter(kind="task", text__contains="学前教育").first()
    actions.update_task(
        task.pk,
        supervisor,
        task.version,
        {
            "lead_unit": Unit.objects.get(government=report.government, short_name="州教育局"),
            "leader": leader,
            "deadline": timezone.localdate() + datetime.timedelta(days=30),
            "cycle": "monthly",
            "due_day": 25,
        },
    )
    actions.publish(report, supervisor, [task.pk], at=now - datetime.timedelta(days=70))
    tracking.acknowledge(task.pk, liaison, at=now - datetime.timedelta(days=69))
    task.refresh_from_db()
    return task


def test_a_report_is_returned_answered_and_accepted_and_the_light_turns_green(
    browser,  # noqa: F811
    live_server,
    supervisor,
    liaison,
    recent_task,
    tmp_path,
):
    from luoshi.tracking.models import HealthChange, ProgressReport

    evidence = tmp_path / "施工进度.pdf"
    evidence.write_bytes(PDF)
    url = f"{live_server.url}/tasks/{recent_task.pk}/"

    unit = login(browser, live_server, "jiaoyu")
    unit.goto(url)
    assert "红灯" in unit.inner_text("h1")
    unit.fill("#id_percent", "80")
    unit.fill("#id_narrative", "新建幼儿园 2 所主体完工")
    unit.set_input_files("#id_evidence", str(evidence))
    unit.click("#report-form button[type=submit]")
    unit.wait_for_load_state()
    assert "进展已报送" in unit.inner_text(".messages")
    assert unit.evaluate("document.documentElement.scrollWidth") <= 375

    office = login(browser, live_server, "ducha", width=1280)
    office.goto(url)
    office.select_option("form.review-form select[name=review-decision]", "returned")
    office.fill("form.review-form textarea[name=review-reason]", "请补充资金到位情况")
    office.click("form.review-form button[type=submit]")
    office.wait_for_load_state()
    assert "已退回" in office.inner_text("#progress")

    unit.goto(url)
    assert "请补充资金到位情况" in unit.inner_text("#act")  # the return, above the form that answers it
    unit.fill("#id_percent", "82")
    unit.fill("#id_narrative", "新建幼儿园 2 所主体完工, 资金到位 90%")
    unit.click("#report-form button[type=submit]")
    unit.wait_for_load_state()
    assert "进展已报送" in unit.inner_text(".messages")

    office.goto(url)
    office.select_option("form.review-form select[name=review-decision]", "accepted")
    office.click("form.review-form button[type=submit]")
    office.wait_for_load_state()

    unit.goto(url)
    assert "绿灯" in unit.inner_text("h1")
    assert "●" in unit.inner_text("h1")
    reports = list(ProgressReport.objects.filter(task=recent_task).order_by("id"))
    assert len(reports) == 2 and reports[1].answers_id == reports[0].pk and reports[0].evidence.count() == 1
    assert reports[0].review.decision == "returned" and reports[1].review.decision == "accepted"
    assert [c.new for c in HealthChange.objects.filter(task=recent_task)][-1] == "green"
    assert "red" in [c.new for c in HealthChange.objects.filter(task=recent_task)]
    assert unit.evaluate("document.documentElement.scrollWidth") <= 375
