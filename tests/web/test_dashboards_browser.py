"""In chromium: the office dashboard, a circular created, previewed and downloaded (checked with python-docx),
the public pages as an anonymous visitor at 375 px, and the unit and leader dashboards on a phone.

With ``LUOSHI_SCREENSHOTS=1`` the pages are saved as PNGs in docs/guide/img/ for the user guide.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import time_machine

from tests.web.dashboards_fixtures import MARK, TODAY, ledger
from tests.web.test_browser import NEEDS_CHROMIUM, browser, login
from tests.web.test_circular import check_docx

FIXTURES = (ledger, browser)  # shared pytest fixtures used by name below

pytestmark = [
    pytest.mark.browser,
    NEEDS_CHROMIUM,
]

IMG = Path(__file__).resolve().parents[2] / "docs" / "guide" / "img"


def shot(page, name: str) -> None:
    if os.environ.get("LUOSHI_SCREENSHOTS") == "1":
        IMG.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(IMG / f"{name}.png"), full_page=True)


@pytest.fixture
def may_12():
    with time_machine.travel(TODAY, tick=True):
        yield


def test_office_dashboard_circular_and_public_pages(browser, live_server, ledger, may_12, tmp_path):
    from luoshi.dashboards.models import Circular

    report = ledger["report"]
    office = login(browser, live_server, "ducha", width=1280)
    office.goto(f"{live_server.url}/dashboard/")
    assert office.locator("h1").inner_text() == "督查统计看板"
    assert office.locator("svg.chart").count() >= 3
    assert "红灯任务 (3)" in office.locator("#h-red").inner_text()
    shot(office, "office-dashboard")
    # sorting works by plain links, no JavaScript needed
    office.click("#unit th >> text=逾期")
    office.wait_for_load_state()
    assert "sort=overdue" in office.url
    assert office.locator("#unit tbody th").first.inner_text() == "格尔木市"

    office.click("text=通报")
    office.wait_for_url("**/circulars/")
    office.select_option("#id_period", "2026-05")
    office.fill("#id_number", "海西督〔2026〕3号")
    office.click("main form button[type=submit]")
    office.wait_for_url("**/circulars/*/")
    assert "海西督〔2026〕3号" in office.locator("article.paper").inner_text()
    shot(office, "circular-preview")
    with office.expect_download() as download:
        office.click("text=下载 Word (.docx)")
    path = tmp_path / "circular.docx"
    download.value.save_as(path)
    check_docx(path.read_bytes(), Circular.objects.get())

    office.goto(f"{live_server.url}/disclosure/{report.pk}/")
    assert office.locator("input[name=task]").count() >= 3
    shot(office, "disclosure")

    visitor = browser.new_context(viewport={"width": 375, "height": 900}).new_page()
    for path in (
        "/public/",
        f"/public/reports/{report.pk}/",
        f"/public/reports/{report.pk}/tasks/{ledger['education'].code}/",
        "/public/method/",
    ):
        response = visitor.goto(f"{live_server.url}{path}")
        assert response.status == 200
        assert MARK not in visitor.content()
        assert visitor.evaluate("document.documentElement.scrollWidth") <= 375, path
    visitor.goto(f"{live_server.url}/public/reports/{report.pk}/")
    assert "数据截至" in visitor.content() and "完成进度 20%" in visitor.content()
    shot(visitor, "public-report")


def test_unit_and_leader_dashboards_fit_a_phone(browser, live_server, ledger, may_12):
    unit = login(browser, live_server, "jiaoyu")
    unit.goto(f"{live_server.url}/dashboard/")
    assert "州教育局 任务看板" in unit.locator("h1").inner_text()
    assert ledger["education"].code in unit.content()
    assert unit.evaluate("document.documentElement.scrollWidth") <= 375
    shot(unit, "unit-dashboard")
    leader = login(browser, live_server, "lingdao")
    leader.goto(f"{live_server.url}/dashboard/")
    assert "我的包抓任务" in leader.locator("h1").inner_text()
    assert leader.evaluate("document.documentElement.scrollWidth") <= 375
    shot(leader, "leader-dashboard")
