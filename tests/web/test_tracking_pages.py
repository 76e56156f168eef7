"""落实 pages: the task page shows light and history; inbox, instructions, extensions, closing; outsiders get 404."""

from __future__ import annotations

import datetime

import time_machine

from luoshi.tracking import actions
from luoshi.tracking.models import ClosingRequest, ExtensionRequest, Instruction, Notification, TrackingSettings
from tests.web.tracking_helpers import bj


def test_the_task_page_shows_the_light_as_a_word_and_a_shape_and_its_history(client_for, tracked_task, liaison):
    with time_machine.travel(bj(2026, 1, 10), tick=True):
        actions.record_health(tracked_task, datetime.date(2026, 1, 5))
        actions.record_health(tracked_task, datetime.date(2026, 1, 10))
        html = client_for(liaison).get(f"/tasks/{tracked_task.pk}/").content.decode()
    assert "黄灯" in html and "▲" in html and "未签收" in html
    assert "灯色变化" in html and "2026-01-10" in html


def test_a_leaders_instruction_reaches_the_units_inbox(client_for, tracked_task, leader, liaison, co_liaison, outsider):
    response = client_for(leader).post(
        f"/tasks/{tracked_task.pk}/instructions/", {"instruction-text": "加快进度, 月底前见成效"}
    )
    assert response.status_code == 302 and Instruction.objects.count() == 1
    assert Notification.objects.filter(user=liaison, kind="instruction").count() == 1
    assert Notification.objects.filter(user=co_liaison, kind="instruction").count() == 1
    assert not Notification.objects.filter(user=outsider).exists()
    client = client_for(liaison)
    page = client.get("/tasks/").content.decode()
    assert 'class="count">1<' in page
    inbox = client.get("/inbox/").content.decode()
    assert "作出批示" in inbox
    note = Notification.objects.get(user=liaison)
    assert client.post(f"/inbox/{note.pk}/read/").status_code == 302
    note.refresh_from_db()
    assert note.read_at is not None and 'class="count"' not in client.get("/tasks/").content.decode()
    assert (
        client_for(liaison).post(f"/tasks/{tracked_task.pk}/instructions/", {"instruction-text": "x"}).status_code
        == 404
    )


def test_an_extension_needing_the_leader_keeps_the_old_date_in_history(
    client_for, tracked_task, liaison, supervisor, leader
):
    TrackingSettings.objects.create(report=tracked_task.report, leader_approves_extensions=True)
    actions.acknowledge(tracked_task.pk, liaison, at=bj(2026, 1, 6))
    client_for(liaison).post(
        f"/tasks/{tracked_task.pk}/extensions/",
        {"extension-new_deadline": "2027-03-31", "extension-reason": "资金未到位"},
    )
    ext = ExtensionRequest.objects.get()
    client_for(supervisor).post(f"/extensions/{ext.pk}/decide/", {"decision-approve": "1", "decision-reason": "同意"})
    ext.refresh_from_db()
    assert ext.status == "leader"
    tracked_task.refresh_from_db()
    assert tracked_task.deadline == datetime.date(2026, 12, 31)
    client_for(leader).post(f"/extensions/{ext.pk}/decide/", {"decision-approve": "1", "decision-reason": ""})
    ext.refresh_from_db()
    tracked_task.refresh_from_db()
    assert ext.status == "approved" and tracked_task.deadline == datetime.date(2027, 3, 31)
    html = client_for(supervisor).get(f"/tasks/{tracked_task.pk}/").content.decode()
    assert "2026-12-31" in html and "2027-03-31" in html  # old date kept in the audit history


def test_closing_with_a_verdict_keeps_the_whole_record(client_for, tracked_task, liaison, supervisor):
    actions.acknowledge(tracked_task.pk, liaison, at=bj(2026, 1, 6))
    actions.submit_report(tracked_task.pk, liaison, period="2026-01", percent=100, narrative="建成", at=bj(2026, 1, 20))
    client_for(liaison).post(
        f"/tasks/{tracked_task.pk}/closing/", {"closing-verdict": "partly_met", "closing-reason": "两所幼儿园建成一所"}
    )
    closing = ClosingRequest.objects.get()
    tracked_task.refresh_from_db()
    assert tracked_task.status == "closing"
    client_for(supervisor).post(f"/closings/{closing.pk}/decide/", {"decision-approve": "1", "decision-reason": "核实"})
    tracked_task.refresh_from_db()
    assert tracked_task.status == "closed" and tracked_task.progress_reports.count() == 1
    html = client_for(supervisor).get(f"/tasks/{tracked_task.pk}/").content.decode()
    assert "部分完成" in html and "已办结" in html and "建成" in html


def test_the_circular_lists_red_and_yellow_tasks_for_the_office(client_for, tracked_task, supervisor, outsider):
    with time_machine.travel(bj(2026, 3, 1), tick=True):
        html = client_for(supervisor).get(f"/reports/{tracked_task.report_id}/circular/").content.decode()
        assert tracked_task.code in html and "红灯" in html
        assert client_for(outsider).get(f"/reports/{tracked_task.report_id}/circular/").status_code == 404


def test_outsider_gets_404_from_every_tracking_page(
    client_for, tracked_task, liaison, supervisor, outsider, media_root
):
    actions.acknowledge(tracked_task.pk, liaison, at=bj(2026, 1, 6))
    report, _ = actions.submit_report(
        tracked_task.pk,
        liaison,
        period="2026-01",
        percent=5,
        narrative="x",
        links=["https://a.cn/x"],
        at=bj(2026, 1, 20),
    )
    ext = actions.request_extension(tracked_task.pk, liaison, reason="x", new_deadline=datetime.date(2027, 1, 1))
    closing = ClosingRequest.objects.create(
        task=tracked_task, verdict="met", reason="x", requested_by=liaison, requested_at=bj(2026, 2, 1)
    )
    mine = Notification.objects.create(user=liaison, kind="x", title="x")
    client = client_for(outsider)
    pk = tracked_task.pk
    for method, url, data in (
        ("get", f"/tasks/{pk}/", None),
        ("post", f"/tasks/{pk}/progress/", {"period": "2026-01", "percent": 5, "narrative": "x"}),
        ("post", f"/tasks/{pk}/contributions/", {"period": "2026-01", "narrative": "x"}),
        ("post", f"/tasks/{pk}/extensions/", {"new_deadline": "2027-01-01", "reason": "x"}),
        ("post", f"/tasks/{pk}/closing/", {"verdict": "met", "reason": "x"}),
        ("post", f"/tasks/{pk}/instructions/", {"text": "x"}),
        ("post", f"/progress/{report.pk}/review/", {"decision": "accepted"}),
        ("get", f"/evidence/{report.evidence.get().pk}/", None),
        ("post", f"/extensions/{ext.pk}/decide/", {"approve": "1"}),
        ("post", f"/closings/{closing.pk}/decide/", {"approve": "1"}),
        ("post", f"/inbox/{mine.pk}/read/", None),
        ("get", "/deliveries/", None),
        ("get", f"/reports/{tracked_task.report_id}/circular/", None),
        ("get", f"/reports/{tracked_task.report_id}/escalations.csv", None),
    ):
        assert getattr(client, method)(url, data or {}).status_code == 404, url
    assert client.get("/inbox/").status_code == 200
    assert Notification.objects.get(pk=mine.pk).read_at is None


def test_the_ledger_shows_each_published_tasks_light_as_last_recorded(client_for, tracked_task, liaison):
    from luoshi.tracking.actions import run_escalation

    with time_machine.travel(bj(2026, 3, 1), tick=True):
        assert "■" not in client_for(liaison).get("/tasks/").content.decode()  # not yet checked
        run_escalation(datetime.date(2026, 3, 1), send=False)  # the daily run records the light
        html = client_for(liaison).get("/tasks/").content.decode()
    assert "红灯" in html and "■" in html


def test_a_co_unit_contributes_its_part_but_cannot_submit_the_consolidated_report(
    client_for, tracked_task, liaison, co_liaison
):
    from luoshi.tracking.models import Contribution, ProgressReport

    actions.acknowledge(tracked_task.pk, liaison, at=bj(2026, 1, 6))
    with time_machine.travel(bj(2026, 3, 18), tick=True):
        client = client_for(co_liaison)
        page = client.get(f"/tasks/{tracked_task.pk}/").content.decode()
        assert "报送配合进展" in page and 'id="report-form"' not in page
        client.post(
            f"/tasks/{tracked_task.pk}/contributions/",
            {"contribution-period": "2026-03", "contribution-narrative": "学前教育补助资金已拨付"},
        )
        refused = client.post(
            f"/tasks/{tracked_task.pk}/progress/", {"period": "2026-03", "percent": "20", "narrative": "x"}, follow=True
        )
        assert "只有已签收任务的牵头单位可以报送进展" in refused.content.decode()
        lead_page = client_for(liaison).get(f"/tasks/{tracked_task.pk}/").content.decode()
    assert Contribution.objects.get().narrative == "学前教育补助资金已拨付" and not ProgressReport.objects.exists()
    assert "学前教育补助资金已拨付" in lead_page


def test_the_escalation_log_exports_as_csv_for_the_office(client_for, tracked_task, liaison, supervisor):
    actions.acknowledge(tracked_task.pk, liaison, at=bj(2026, 1, 6))
    for day in (datetime.date(2026, 1, 22), datetime.date(2026, 1, 26), datetime.date(2026, 2, 26)):
        actions.run_escalation(day, send=False)
    text = client_for(supervisor).get(f"/reports/{tracked_task.report_id}/escalations.csv").content.decode("utf-8-sig")
    rows = text.strip().splitlines()
    assert rows[0].startswith("日期,类型") and any(",提醒," in r for r in rows) and any(",催办," in r for r in rows)
    assert any(",督办单," in r for r in rows)
