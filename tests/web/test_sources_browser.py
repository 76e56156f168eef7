"""In chromium: the office imports a meeting summary as 会议纪要, looks at what the engine found (its
number, each decision's lead and deadline), opens the ledger, reviews and publishes its decisions; the
州教育局 liaison, on a phone, finds its decision in the ledger with its deadline and signs for it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone

from tests.web.test_browser import NEEDS_CHROMIUM, browser, login  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, NEEDS_CHROMIUM]

SUMMARY = Path(__file__).parent.parent / "data" / "meeting-summary.txt"


def test_the_office_imports_a_meeting_summary_and_the_lead_unit_sees_its_decision(
    browser,  # noqa: F811
    live_server,
    supervisor,
    liaison,
):
    from luoshi.reports.models import Source, WorkReport
    from luoshi.tasks.models import Status

    year = timezone.localdate().year
    office = login(browser, live_server, "ducha", width=1280)
    office.goto(f"{live_server.url}/reports/import/")
    office.select_option("#id_kind", "meeting")
    office.fill("#id_text", SUMMARY.read_text(encoding="utf-8"))
    office.fill("#id_year", str(year))
    office.click("main form button[type=submit]")
    office.wait_for_load_state()
    preview = office.inner_text("main")
    assert "确认导入" in preview and "会议议定事项" in preview and "〔2026〕9号" in preview
    assert "州教育局" in preview and "原文指定" in preview and f"{year}-06-30" in preview
    assert not WorkReport.objects.exists()  # the preview writes nothing
    office.click("main form button:has-text('确认导入')")
    office.wait_for_load_state()
    ledger = WorkReport.objects.get()
    assert ledger.source == Source.MEETING and office.url.endswith(f"/reports/{ledger.pk}/")
    review = office.inner_text("main")
    assert "纪要编号" in review and "城区3所公办幼儿园" in review
    office.click("form[action$='/publish/'] button[type=submit]")
    office.wait_for_load_state()
    assert "已交办 2 项任务" in office.inner_text("main")
    decision = ledger.tasks.get(text__contains="幼儿园")
    assert decision.status == Status.ASSIGNED and decision.lead_unit.short_name == "州教育局"

    unit = login(browser, live_server, "jiaoyu")
    unit.goto(f"{live_server.url}/tasks/?source=meeting")
    listed = unit.inner_text("main")
    assert "城区3所公办幼儿园" in listed and "供热管网" not in listed  # another unit's decision
    unit.goto(f"{live_server.url}/tasks/{decision.pk}/")
    page = unit.inner_text("main")
    assert f"时限 {year}-06-30" in page and "牵头 州教育局" in page
    unit.click("form[action$='/acknowledge/'] button[type=submit]")
    unit.wait_for_load_state()
    decision.refresh_from_db()
    assert decision.status == Status.ACKNOWLEDGED
