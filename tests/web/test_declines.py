"""拒签收 / 申请调整: a lead unit that holds an assigned matter is not its own declines it with a reason;
the office reassigns it (published afresh to the new lead unit) or insists (the unit must sign). The
record keeps both, for a report task and a meeting's matter alike."""

from __future__ import annotations

import pytest
import time_machine

from luoshi.accounts.models import Unit, User
from luoshi.audit.models import AuditEntry
from luoshi.errors import ActionError
from luoshi.reports.models import Source
from luoshi.tasks import actions as task_actions
from luoshi.tasks.models import Status
from luoshi.tracking import actions
from luoshi.tracking.models import Decline, Notification
from tests.web.conftest import publish_to_education
from tests.web.tracking_helpers import bj


def _unit(government, name):
    return Unit.objects.get(government=government, short_name=name)


@pytest.fixture
def meeting_matter(government, supervisor, leader):
    with time_machine.travel(bj(2026, 1, 5, 9), tick=False):
        ledger = task_actions.open_ledger(
            government,
            supervisor,
            source=Source.MEETING,
            year=2026,
            title="州政府第12次常务会议议定事项",
            drafts=[task_actions.DraftTask(code="1", kind="task", text="新建城区公办幼儿园3所。", span=None)],
            details={"name": "州政府第12次常务会议", "date": "2026-01-04", "number": "〔2026〕12号"},
        )
        return publish_to_education(ledger.tasks.get(code="1"), supervisor, leader)


def test_a_unit_declines_with_a_reason_and_the_office_is_told(client_for, meeting_matter, liaison, supervisor):
    page = client_for(liaison).get(f"/tasks/{meeting_matter.pk}/").content.decode()
    assert "拒签收 (申请调整)" in page and "签收任务" in page
    response = client_for(liaison).post(
        f"/tasks/{meeting_matter.pk}/decline/", {"decline-reason": "幼儿园建设属住建部门职责"}
    )
    assert response.status_code == 302
    decline = Decline.objects.get(task=meeting_matter)
    assert decline.status == Decline.Status.PENDING and decline.unit.short_name == "州教育局"
    assert decline.requested_by == liaison and decline.reason == "幼儿园建设属住建部门职责"
    item = Notification.objects.get(user=supervisor, kind="decline")
    assert item.done_at is None and "拒签收" in item.title
    home = client_for(supervisor).get("/").content.decode()
    assert "州教育局拒签收, 申请调整" in home
    office = client_for(supervisor).get(f"/tasks/{meeting_matter.pk}/").content.decode()
    assert "处理拒签收申请" in office and "幼儿园建设属住建部门职责" in office
    # once is enough: the form is gone while the request waits
    again = client_for(liaison).get(f"/tasks/{meeting_matter.pk}/").content.decode()
    assert "提交拒签收申请" not in again and "待督查室处理" in again


def test_the_office_reassigns_and_the_new_unit_signs_afresh(
    client_for, government, meeting_matter, liaison, supervisor, outsider
):
    with time_machine.travel(bj(2026, 1, 6, 10), tick=False):
        decline = actions.request_decline(meeting_matter.pk, liaison, reason="不属于本单位职责")
    transport = _unit(government, "州交通运输局")
    with time_machine.travel(bj(2026, 1, 8, 15), tick=False):
        response = client_for(supervisor).post(
            f"/declines/{decline.pk}/decide/",
            {"redecide-decision": "reassign", "redecide-new_unit": transport.pk, "redecide-reason": "按三定方案"},
        )
    assert response.status_code == 302
    decline.refresh_from_db()
    meeting_matter.refresh_from_db()
    assert decline.status == Decline.Status.REASSIGNED and decline.new_unit == transport
    assert decline.decided_by == supervisor and decline.decision_reason == "按三定方案"
    assert meeting_matter.lead_unit == transport and meeting_matter.status == Status.ASSIGNED
    assert meeting_matter.published_at == bj(2026, 1, 8, 15)  # its time to sign starts again
    assert not Notification.objects.filter(user=supervisor, kind="decline", done_at__isnull=True).exists()
    told = Notification.objects.get(user=liaison, kind="decline")
    assert "改派州交通运输局牵头" in told.title
    assert Notification.objects.filter(user=outsider, kind="assign", done_at__isnull=True).exists()
    # the declining unit no longer sees the matter; the new one signs for it
    client = client_for(liaison)
    assert client.get(f"/tasks/{meeting_matter.pk}/").status_code == 404
    page = client_for(outsider).get(f"/tasks/{meeting_matter.pk}/").content.decode()
    assert "签收任务" in page and "不属于本单位职责" in page and "已改派" in page
    fields = set(AuditEntry.objects.filter(task=meeting_matter).values_list("field", flat=True))
    assert {"decline", "decline_decision", "lead_unit", "published_at"} <= fields


def test_the_office_insists_and_the_unit_must_sign(client_for, meeting_matter, liaison, supervisor):
    decline = actions.request_decline(meeting_matter.pk, liaison, reason="不属于本单位职责")
    refused = client_for(supervisor).post(f"/declines/{decline.pk}/decide/", {"redecide-decision": "insist"})
    assert refused.status_code == 302
    decline.refresh_from_db()
    assert decline.status == Decline.Status.PENDING  # insisting needs a reason
    client_for(supervisor).post(
        f"/declines/{decline.pk}/decide/",
        {"redecide-decision": "insist", "redecide-reason": "会议明确由教育局牵头"},
    )
    decline.refresh_from_db()
    assert decline.status == Decline.Status.INSISTED and decline.decision_reason == "会议明确由教育局牵头"
    page = client_for(liaison).get(f"/tasks/{meeting_matter.pk}/").content.decode()
    assert "督查室维持交办: 会议明确由教育局牵头" in page and "签收任务" in page
    assert "维持交办, 请签收" in Notification.objects.get(user=liaison, kind="decline").title
    client_for(liaison).post(f"/tasks/{meeting_matter.pk}/acknowledge/")
    meeting_matter.refresh_from_db()
    assert meeting_matter.status == Status.ACKNOWLEDGED


def test_a_report_task_is_declined_the_same_way(education_task, liaison, supervisor):
    decline = actions.request_decline(education_task.pk, liaison, reason="应由州住房和城乡建设局牵头")
    actions.decide_decline(decline.pk, supervisor, reassign=False, reason="维持")
    assert Decline.objects.get(pk=decline.pk).status == Decline.Status.INSISTED


def test_what_a_decline_refuses(government, education_task, liaison, co_liaison, supervisor):
    with pytest.raises(ActionError, match="理由"):
        actions.request_decline(education_task.pk, liaison, reason=" ")
    with pytest.raises(ActionError, match="牵头单位"):
        actions.request_decline(education_task.pk, co_liaison, reason="x")
    decline = actions.request_decline(education_task.pk, liaison, reason="x")
    with pytest.raises(ActionError, match="待督查室处理"):
        actions.request_decline(education_task.pk, liaison, reason="y")
    with pytest.raises(ActionError, match="指定新的牵头单位"):
        actions.decide_decline(decline.pk, supervisor, reassign=True)
    with pytest.raises(ActionError, match="拒签收的单位"):
        actions.decide_decline(decline.pk, supervisor, reassign=True, new_unit=_unit(government, "州教育局"))
    with pytest.raises(ActionError, match="理由"):
        actions.decide_decline(decline.pk, supervisor, reassign=False)
    actions.decide_decline(decline.pk, supervisor, reassign=False, reason="维持")
    with pytest.raises(ActionError, match="已处理"):
        actions.decide_decline(decline.pk, supervisor, reassign=False, reason="维持")
    actions.request_decline(education_task.pk, liaison, reason="再次申请")  # a new request after a decision
    from luoshi.tracking.actions import acknowledge

    acknowledge(education_task.pk, liaison)
    with pytest.raises(ActionError, match="尚未签收"):
        actions.request_decline(education_task.pk, liaison, reason="z")


def test_who_may_decline_and_decide(client_for, education_task, liaison, co_liaison, outsider, leader, supervisor):
    url = f"/tasks/{education_task.pk}/decline/"
    for user in (co_liaison, leader, supervisor):
        client_for(user).post(url, {"decline-reason": "x"})
    assert client_for(outsider).post(url, {"decline-reason": "x"}).status_code == 404
    assert not Decline.objects.exists()
    decline = actions.request_decline(education_task.pk, liaison, reason="x")
    decide = f"/declines/{decline.pk}/decide/"
    body = {"redecide-decision": "insist", "redecide-reason": "y"}
    for user in (liaison, co_liaison, outsider, leader):
        assert client_for(user).post(decide, body).status_code == 404
    assert Decline.objects.get(pk=decline.pk).status == Decline.Status.PENDING


def test_a_proposal_asks_for_relief_instead(government, supervisor):
    from luoshi import access

    ledger = task_actions.open_ledger(
        government,
        supervisor,
        source=Source.PROPOSALS,
        year=2026,
        title="建议",
        drafts=[task_actions.DraftTask(code="1", kind="task", text="建议", span=None)],
    )
    task = ledger.tasks.get()
    task_actions.update_task(task.pk, supervisor, task.version, {"lead_unit": _unit(government, "州教育局")})
    task_actions.publish(ledger, supervisor, [task.pk])
    task.refresh_from_db()
    unit_user = User.objects.create(
        username="jy2", role=User.LIAISON, unit=_unit(government, "州教育局"), government=government
    )
    assert access.can_acknowledge(unit_user, task) and not access.can_decline(unit_user, task)
    with pytest.raises(ActionError, match="退回改办"):
        actions.request_decline(task.pk, unit_user, reason="x")
