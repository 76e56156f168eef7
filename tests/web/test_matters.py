"""One supervised matter, many kinds: a matter from a ledger of another source (a meeting's decisions)
is acknowledged, reported on, reviewed, lit, escalated, shown, listed in the 通报 and disclosed by the
same code as a report task — nothing of the tracking machinery knows the source."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import time_machine

from luoshi.errors import ActionError
from luoshi.public import actions as public_actions
from luoshi.reports.models import Source
from luoshi.tasks import actions
from luoshi.tasks.models import Status
from luoshi.tracking import actions as tracking
from luoshi.tracking import health
from luoshi.tracking.models import SupervisionOrder
from tests.web.conftest import publish_to_education
from tests.web.tracking_helpers import acknowledge_and_report, bj

MEETING = json.loads((Path(__file__).parent.parent / "data" / "meeting-2026-12.json").read_text(encoding="utf-8"))


def _drafts():
    return [
        actions.DraftTask(code=d["code"], kind="task", text=d["text"], span=None, section_title=d["section_title"])
        for d in MEETING["decisions"]
    ]


@pytest.fixture
def meeting_matter(government, supervisor, leader):
    """The first decision of a 2026 meeting ledger, led by 州教育局 with 州财政局, published on 5 January."""
    with time_machine.travel(bj(2026, 1, 5, 9), tick=False):
        ledger = actions.open_ledger(
            government,
            supervisor,
            source=Source.MEETING,
            year=2026,
            title=MEETING["title"],
            drafts=_drafts(),
            text=MEETING["covering_text"],
        )
        return publish_to_education(ledger.tasks.get(code="1"), supervisor, leader)


def test_a_meeting_ledger_opens_with_its_decisions_as_drafts(meeting_matter):
    ledger = meeting_matter.report
    assert ledger.source == Source.MEETING and ledger.get_source_display() == "会议议定事项"
    assert [t.code for t in ledger.tasks.all()] == ["1", "2"]
    assert ledger.tasks.get(code="2").status == Status.DRAFT
    assert meeting_matter.status == Status.ASSIGNED
    assert meeting_matter.deadline.isoformat() == "2026-12-31"


def test_a_ledger_of_another_source_refuses_what_it_cannot_hold(government, supervisor):
    with pytest.raises(ActionError, match="导入报告"):
        actions.open_ledger(government, supervisor, source=Source.REPORT, year=2026, title="x", drafts=_drafts())
    with pytest.raises(ActionError, match="没有任何督办事项"):
        actions.open_ledger(government, supervisor, source=Source.MEETING, year=2026, title="x", drafts=[])
    with pytest.raises(ActionError, match="标题"):
        actions.open_ledger(government, supervisor, source=Source.MEETING, year=2026, title=" ", drafts=_drafts())


def test_only_the_units_of_a_meeting_matter_see_it(client_for, meeting_matter, liaison, co_liaison, outsider):
    url = f"/tasks/{meeting_matter.pk}/"
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(co_liaison).get(url).status_code == 200
    page = client_for(liaison).get(url)
    assert page.status_code == 200 and "新增学位900个" in page.content.decode()


def test_a_meeting_matter_is_tracked_lit_and_escalated_like_a_report_task(client, meeting_matter, liaison, supervisor):
    acknowledge_and_report(
        client,
        meeting_matter,
        liaison,
        supervisor,
        acknowledged=bj(2026, 1, 6),
        reported=bj(2026, 1, 20),
        period="2026-01",
        percent=10,
        narrative="完成三所幼儿园选址。",
    )
    assert meeting_matter.status == Status.IN_PROGRESS

    # February's and March's reports never come: two missed in a row turn the light red
    light = health.compute(meeting_matter, bj(2026, 3, 27).date())
    assert light.light == "red"
    assert "连续" in light.reason, light.reason
    for day in (bj(2026, 2, 26).date(), bj(2026, 3, 26).date(), bj(2026, 3, 27).date()):
        with time_machine.travel(bj(day.year, day.month, day.day, 8), tick=False):
            tracking.run_escalation(day, send=False)
    assert meeting_matter.reminders.filter(kind="urge").exists()
    orders = SupervisionOrder.objects.filter(task=meeting_matter)
    assert orders.count() == 1
    # the escalation is idempotent: running the same day again sends nothing twice
    tracking.run_escalation(bj(2026, 3, 27).date(), send=False)
    assert SupervisionOrder.objects.filter(task=meeting_matter).count() == 1


def test_a_meeting_matter_is_listed_in_the_circular_and_disclosed(
    client, client_for, meeting_matter, liaison, supervisor
):
    tracking.acknowledge(meeting_matter.pk, liaison, at=bj(2026, 1, 6))
    with time_machine.travel(bj(2026, 3, 27), tick=False):
        circular = client_for(supervisor).get(f"/reports/{meeting_matter.report_id}/circular/")
        assert circular.status_code == 200 and "新增学位900个" in circular.content.decode()
    client.logout()
    public_actions.bulk_update(meeting_matter.report, supervisor, [meeting_matter.pk], public=True)
    public = client.get(f"/public/reports/{meeting_matter.report_id}/")
    assert public.status_code == 200 and "新增学位900个" in public.content.decode()
