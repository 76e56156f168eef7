"""Work first, in chromium on a phone (375 × 667) and on a desk (1280 × 800): a liaison goes from the login
page to a submitted monthly report in three taps plus typing, the form on the first screen of the task
page; the office accepts a report from its home page in two taps. Every tap is a counted ``click``."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.web.conftest import PASSWORD
from tests.web.test_browser import NEEDS_CHROMIUM, browser  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, NEEDS_CHROMIUM]

SIZES = {"phone": (375, 667), "desk": (1280, 800)}


class Taps:
    """A page whose clicks are counted: typing is free, every tap costs one."""

    def __init__(self, page):
        self.page = page
        self.count = 0

    def tap(self, selector: str) -> None:
        self.count += 1
        self.page.click(selector)
        self.page.wait_for_load_state()


def _open_login(browser, live_server, size):  # noqa: F811
    width, height = SIZES[size]
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    return Taps(page)


def _log_in(taps: Taps, username: str) -> None:
    taps.page.fill("#id_username", username)
    taps.page.fill("#id_password", PASSWORD)
    taps.tap("main button[type=submit]")


def _on_first_screen(page, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    height = page.viewport_size["height"]
    assert page.evaluate("window.scrollY") == 0
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height, (box, height)


@pytest.fixture
def working_task(report, supervisor, leader, liaison):
    """The education task published 70 days ago, monthly reports due on the 25th, acknowledged."""
    from luoshi.accounts.models import Unit
    from luoshi.tasks import actions
    from luoshi.tracking import actions as tracking

    now = timezone.now()
    task = report.tasks.filter(kind="task", text__contains="学前教育").first()
    actions.update_task(
        task.pk,
        supervisor,
        task.version,
        {
            "lead_unit": Unit.objects.get(government=report.government, short_name="州教育局"),
            "leader": leader,
            "deadline": timezone.localdate() + datetime.timedelta(days=60),
            "cycle": "monthly",
            "due_day": 25,
        },
    )
    actions.publish(report, supervisor, [task.pk], at=now - datetime.timedelta(days=70))
    tracking.acknowledge(task.pk, liaison, at=now - datetime.timedelta(days=69))
    task.refresh_from_db()
    return task


@pytest.mark.parametrize("size", ["phone", "desk"])
def test_a_liaison_reports_from_login_in_three_taps_with_the_form_on_the_first_screen(
    browser,  # noqa: F811
    live_server,
    working_task,
    liaison,
    size,
):
    from luoshi.tracking.models import ProgressReport

    unit = _open_login(browser, live_server, size)
    _log_in(unit, "jiaoyu")  # tap 1
    page = unit.page
    assert page.url.rstrip("/") == live_server.url  # the home page, on the unit's work
    first = page.locator("section.work a.work-item").first
    assert working_task.code in first.inner_text()
    _on_first_screen(page, "section.work a.work-item >> nth=0")
    unit.tap("section.work a.work-item >> nth=0")  # tap 2: straight to the form
    assert f"/tasks/{working_task.pk}/" in page.url
    page.evaluate("window.scrollTo(0, 0)")  # the anchor may scroll; the form must fit without it
    _on_first_screen(page, "#report-form")
    page.fill("#id_percent", "60")
    page.fill("#id_narrative", "新建幼儿园 2 所主体完工")
    unit.tap("#report-form button[type=submit]")  # tap 3
    assert "进展已报送" in page.inner_text(".messages")
    assert unit.count == 3
    report = ProgressReport.objects.get(task=working_task)
    assert report.percent == 60 and report.narrative == "新建幼儿园 2 所主体完工"
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size][0]


@pytest.mark.parametrize("size", ["phone", "desk"])
def test_the_office_accepts_a_report_from_its_home_page_in_two_taps(
    browser,  # noqa: F811
    live_server,
    working_task,
    liaison,
    supervisor,
    size,
):
    from luoshi.tracking import actions
    from luoshi.tracking.models import Notification, ReportReview
    from luoshi.tracking.views import open_periods

    period = open_periods(working_task)[0]
    actions.submit_report(working_task.pk, liaison, period=period.key, percent=55, narrative="主体完工")
    office = _open_login(browser, live_server, size)
    _log_in(office, "ducha")
    office.count = 0  # from the home page on
    page = office.page
    assert "进展待审核" in page.inner_text("#work-review")
    office.tap("#work-review a.work-item >> nth=0")  # tap 1
    page.evaluate("window.scrollTo(0, 0)")
    assert "主体完工" in page.inner_text("#act")
    _on_first_screen(page, "#act form.accept-form button")
    office.tap("#act form.accept-form button")  # tap 2
    assert office.count == 2
    review = ReportReview.objects.get(progress_report__task=working_task)
    assert review.decision == "accepted" and review.reviewer_id == supervisor.pk
    assert not Notification.objects.filter(user=supervisor, done_at__isnull=True).exists()
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size][0]


def test_the_ledger_is_a_sortable_table_on_a_desk_and_its_filters_fold_on_a_phone(
    browser,  # noqa: F811
    live_server,
    working_task,
    supervisor,
):
    desk = _open_login(browser, live_server, "desk")
    _log_in(desk, "ducha")
    desk.page.goto(f"{live_server.url}/tasks/")
    assert desk.page.locator("details.filters-fold").get_attribute("open") is not None
    headers = desk.page.locator("table.ledger-table thead th").all_inner_texts()
    assert headers == ["序号", "任务", "牵头单位", "配合单位", "包抓领导", "完成时限", "进度", "灯色"]
    desk.page.click("table.ledger-table th button.sort >> text=灯色")
    first = desk.page.locator("table.ledger-table tbody tr").first.inner_text()
    assert working_task.code in first  # the only task with a light sorts first (red before none)
    phone = _open_login(browser, live_server, "phone")
    _log_in(phone, "ducha")
    phone.page.goto(f"{live_server.url}/tasks/")
    assert phone.page.locator("details.filters-fold").get_attribute("open") is None
    assert not phone.page.locator("form.filters").is_visible()
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 375
