"""In chromium: the 州教育局 liaison, on a phone 375 px wide, signs for a livelihood project and reports a
period's money and a stage done; the office, at a desk, accepts the report; the public page of the project
then shows the new spending progress. No page of 民生实事 scrolls sideways at 375 px, and what a thumb taps
is at least 40 px. The clock stands on 15 June 2026 (and ticks)."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from tests.web.test_browser import NEEDS_CHROMIUM, browser, login  # noqa: F401 (fixture)
from tests.web.test_projects import plan
from tests.web.tracking_helpers import bj

pytestmark = [pytest.mark.browser, NEEDS_CHROMIUM]

# Every element a thumb taps inside the page's own content; a check box or radio button counts by its
# label's row.
TAPPABLE = (
    "main .pj button, main .pj .button, main .pj select, main .pj input:not([type=hidden]), main .pj summary, "
    "main .pj textarea, main .pj .row-head a, main .pj p.text a, main .pj dl.resp a"
)
SMALL_TARGETS = """(selector) => [...document.querySelectorAll(selector)]
  .filter((e) => e.offsetParent !== null)
  .map((e) => [e, ['checkbox', 'radio'].includes(e.type) ? (e.closest('label') || e.parentElement) : e])
  .map(([e, box]) => [e.tagName + ':' + (e.type || '') + ' ' + (e.name || e.textContent.trim().slice(0, 12)),
                      box.getBoundingClientRect()])
  .filter(([, r]) => r.height < 40 || r.width < 40)
  .map(([name, r]) => name + ' ' + Math.round(r.width) + 'x' + Math.round(r.height))"""


def _check(page, what: str, problems: list[str]) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > 375:
        problems.append(f"{what}: {width} px wide")
    small = page.evaluate(SMALL_TARGETS, TAPPABLE)
    if small:
        problems.append(f"{what}: small targets {small[:6]}")


@pytest.fixture
def clock():
    with time_machine.travel(bj(2026, 6, 15), tick=True):
        yield


@pytest.fixture
def project(clock, government, supervisor, leader):
    from luoshi.projects import actions
    from luoshi.public import actions as disclosure
    from luoshi.public.models import FIELDS
    from luoshi.tasks import actions as task_actions
    from luoshi.tasks.models import Task

    (made,) = actions.open_projects(government, supervisor, 2026, [plan(government)])
    task = Task.objects.get(pk=made.task_id)
    task_actions.update_task(task.pk, supervisor, task.version, {"leader": leader})
    task_actions.publish(task.report, supervisor, [task.pk], at=bj(2026, 1, 5))
    disclosure.bulk_update(task.report, supervisor, [task.pk], public=True, fields=[name for name, _ in FIELDS])
    return made


def test_a_liaison_reports_money_on_a_phone_the_office_accepts_and_the_public_sees_it(
    browser,  # noqa: F811
    live_server,
    project,
    supervisor,
    liaison,
    tmp_path,
):
    from luoshi.projects.models import Spending
    from luoshi.tracking.models import ProgressReport

    problems: list[str] = []
    public = browser.new_context(viewport={"width": 375, "height": 900}).new_page()
    public.goto(f"{live_server.url}/public/projects/{project.pk}/")
    assert "支出进度" in public.inner_text("main") and "0%" in public.inner_text("main")

    # the liaison, on a phone: the list, the project, 签收, then the period's report
    unit = login(browser, live_server, "jiaoyu")
    unit.goto(f"{live_server.url}/projects/")
    _check(unit, "the list (unit)", problems)
    unit.click(f"main a[href$='/projects/{project.pk}/']")
    unit.wait_for_load_state()
    _check(unit, "the project (unit, assigned)", problems)
    unit.click("form[action$='/acknowledge/'] button[type=submit]")
    unit.wait_for_load_state()
    assert "已签收" in unit.inner_text("main")
    _check(unit, "the project (unit, signed)", problems)
    form = unit.locator("#report-form")
    form.locator("select[name=report-period]").select_option("2026-06")
    form.locator("input[name=report-percent]").fill("30")
    form.locator("textarea[name=report-narrative]").fill("前期工作完成, 三所幼儿园均已开工。")
    form.locator("input[name=report-received]").fill("2000")
    form.locator("input[name=report-disbursed]").fill("1500")
    form.locator("input[name=report-spent]").fill("1200")  # 40 % of 3000
    stage = project.stages.get(name="前期")
    form.locator(f"input[name=report-stage_{stage.pk}]").fill(datetime.date(2026, 2, 20).isoformat())
    unit.screenshot(path=str(tmp_path / "unit-report-form.png"), full_page=True)
    form.locator("button[type=submit]").click()
    unit.wait_for_load_state()
    assert "已报送本期进展和资金" in unit.inner_text("main")
    _check(unit, "the project (unit, reported)", problems)
    unit.screenshot(path=str(tmp_path / "unit-reported.png"), full_page=True)
    spending = Spending.objects.get()
    assert str(spending.spent) == "1200.00" and str(spending.received) == "2000.00"
    stage.refresh_from_db()
    assert stage.actual == datetime.date(2026, 2, 20)
    unit.goto(f"{live_server.url}/projects/{project.pk}/evaluation/")
    _check(unit, "the evaluation (unit)", problems)

    # not yet accepted: the public still sees 0 %
    public.reload()
    assert "40%" not in public.inner_text("main")

    # the office, at a desk, accepts
    office = login(browser, live_server, "ducha", width=1280)
    office.goto(f"{live_server.url}/projects/{project.pk}/")
    report = ProgressReport.objects.get()
    review = office.locator(f"form[action$='/projects/reports/{report.pk}/review/']")
    review.locator("input[type=radio][value=accepted]").check()
    review.locator("button[type=submit]").click()
    office.wait_for_load_state()
    assert "已审核进展报告" in office.inner_text("main")
    report.refresh_from_db()
    assert report.review.decision == "accepted"
    assert "累计到位 2000.00 · 拨付 1500.00 · 支出 1200.00 万元" in office.inner_text("#reports")

    # the public page shows the new spending progress, on a phone
    public.reload()
    text = public.inner_text("main")
    assert "支出进度" in text and "40%" in text and "2026-02-20" in text
    if public.evaluate("document.documentElement.scrollWidth") > 375:
        problems.append("the public project page is wider than 375 px")
    public.screenshot(path=str(tmp_path / "public.png"), full_page=True)

    # the office's pages on a phone too
    phone = login(browser, live_server, "ducha")
    for url in (
        "/projects/",
        "/projects/candidates/",
        "/projects/new/",
        f"/projects/{project.pk}/",
        f"/projects/{project.pk}/evaluation/",
    ):
        phone.goto(live_server.url + url)
        phone.evaluate("document.querySelectorAll('main details').forEach((d) => d.open = true)")
        _check(phone, f"office {url}", problems)
        phone.screenshot(path=str(tmp_path / f"office{url.replace('/', '_')}.png"), full_page=True)
    print("screenshots in", tmp_path)
    assert not problems, "\n".join(problems)
