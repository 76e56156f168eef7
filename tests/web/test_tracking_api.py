"""The 落实 API: acknowledge, report with an idempotency key, review, extension and closing; bad input."""

from __future__ import annotations

import time_machine

from luoshi.tracking import actions
from luoshi.tracking.models import ExtensionRequest, ProgressReport
from tests.web.test_api import call, token_for
from tests.web.tracking_helpers import bj


def test_the_lead_unit_acknowledges_reports_and_the_office_reviews(client, tracked_task, liaison, supervisor):
    with time_machine.travel(bj(2026, 3, 20), tick=True):
        unit, office = token_for(liaison), token_for(supervisor)
        response = call(client, "post", f"/api/tasks/{tracked_task.pk}/acknowledge", token=unit)
        assert response.status_code == 200 and response.json()["status"] == "acknowledged"
        body = {"period": "2026-03", "percent": 30, "narrative": "完成选址", "links": ["https://example.cn/a"]}
        headers = {"HTTP_IDEMPOTENCY_KEY": "retry-1", "HTTP_AUTHORIZATION": f"Bearer {unit}"}
        url = f"/api/tasks/{tracked_task.pk}/reports"
        first = client.post(url, body, content_type="application/json", **headers)
        retry = client.post(url, body, content_type="application/json", **headers)
        assert first.status_code == 201 and retry.status_code == 200
        assert first.json()["id"] == retry.json()["id"] and ProgressReport.objects.count() == 1
        duplicate = call(client, "post", url, token=unit, body={**body, "idempotency_key": "other"})
        assert duplicate.status_code == 400 and "已报送" in duplicate.json()["detail"]
        report_id = first.json()["id"]
        returned = call(client, "post", f"/api/reports/{report_id}/review", token=office, body={"decision": "returned"})
        assert returned.status_code == 400 and "理由" in returned.json()["detail"]
        returned = call(
            client,
            "post",
            f"/api/reports/{report_id}/review",
            token=office,
            body={"decision": "returned", "reason": "补充"},
        )
        assert returned.json()["review"]["decision"] == "returned"
        answer = call(client, "post", url, token=unit, body={**body, "percent": 32, "idempotency_key": "retry-2"})
        assert answer.status_code == 201 and answer.json()["answers_id"] == report_id
        accepted = call(
            client, "post", f"/api/reports/{answer.json()['id']}/review", token=office, body={"decision": "accepted"}
        )
        assert accepted.json()["review"]["decision"] == "accepted"
        listed = call(client, "get", url, token=unit).json()
        assert [r["percent"] for r in listed] == [30, 32]
        assert call(client, "get", f"/api/tasks/{tracked_task.pk}/health", token=unit).json()["light"] in (
            "green",
            "yellow",
        )


def test_malformed_payloads_get_a_message_not_a_500(client, tracked_task, liaison):
    actions.acknowledge(tracked_task.pk, liaison, at=bj(2026, 1, 6))
    token = token_for(liaison)
    url = f"/api/tasks/{tracked_task.pk}/reports"
    with time_machine.travel(bj(2026, 3, 20), tick=True):
        for body in (
            {"period": "2026-03", "percent": 101, "narrative": "x"},
            {"period": "2026-03", "percent": -5, "narrative": "x"},
            {"period": "2026-03", "narrative": "x"},
            {"period": "2026-03", "percent": 10, "narrative": "x", "surprise": 1},
        ):
            response = call(client, "post", url, token=token, body=body)
            assert response.status_code == 422 and response.json()["detail"], body
        raw = call(client, "post", url, token=token, raw="{not json")
        assert raw.status_code in (400, 422)
        closed = call(client, "post", url, token=token, body={"period": "2026-01", "percent": 5, "narrative": "x"})
        assert closed.status_code == 400 and "已截止" in closed.json()["detail"]
        early = call(client, "post", url, token=token, body={"period": "2026-05", "percent": 5, "narrative": "x"})
        assert early.status_code == 400 and "尚未开始" in early.json()["detail"]
        bad_date = call(
            client,
            "post",
            f"/api/tasks/{tracked_task.pk}/extensions",
            token=token,
            body={"new_deadline": "x", "reason": "y"},
        )
        assert bad_date.status_code == 422
    assert not ProgressReport.objects.exists()


def test_extension_and_closing_round_trip(client, tracked_task, liaison, supervisor):
    actions.acknowledge(tracked_task.pk, liaison, at=bj(2026, 1, 6))
    unit, office = token_for(liaison), token_for(supervisor)
    ext = call(
        client,
        "post",
        f"/api/tasks/{tracked_task.pk}/extensions",
        token=unit,
        body={"new_deadline": "2027-06-30", "reason": "征地"},
    )
    assert ext.status_code == 201
    refused = call(client, "post", f"/api/extensions/{ext.json()['id']}/decision", token=unit, body={"approve": True})
    assert refused.status_code == 403
    done = call(client, "post", f"/api/extensions/{ext.json()['id']}/decision", token=office, body={"approve": True})
    assert done.json()["status"] == "approved"
    tracked_task.refresh_from_db()
    assert str(tracked_task.deadline) == "2027-06-30"
    assert ExtensionRequest.objects.get().old_deadline.isoformat() == "2026-12-31"
    closing = call(
        client,
        "post",
        f"/api/tasks/{tracked_task.pk}/closing",
        token=unit,
        body={"verdict": "met", "reason": "全部建成"},
    )
    assert closing.status_code == 201
    bad = call(
        client, "post", f"/api/tasks/{tracked_task.pk}/closing", token=unit, body={"verdict": "done", "reason": "x"}
    )
    assert bad.status_code in (400, 422)
    decided = call(
        client, "post", f"/api/closings/{closing.json()['id']}/decision", token=office, body={"approve": True}
    )
    assert decided.json()["status"] == "approved"
    assert call(client, "get", f"/api/tasks/{tracked_task.pk}", token=unit).json()["status"] == "closed"


def test_outsider_gets_404_from_every_tracking_endpoint(client, tracked_task, liaison, supervisor, outsider):
    actions.acknowledge(tracked_task.pk, liaison, at=bj(2026, 1, 6))
    report, _ = actions.submit_report(
        tracked_task.pk, liaison, period="2026-01", percent=5, narrative="x", at=bj(2026, 1, 20)
    )
    ext = actions.request_extension(tracked_task.pk, liaison, reason="x", new_deadline=bj(2027, 1, 1).date())
    token = token_for(outsider)
    pk = tracked_task.pk
    for method, url, body in (
        ("post", f"/api/tasks/{pk}/acknowledge", None),
        ("get", f"/api/tasks/{pk}/health", None),
        ("get", f"/api/tasks/{pk}/reports", None),
        ("post", f"/api/tasks/{pk}/reports", {"period": "2026-01", "percent": 5, "narrative": "x"}),
        ("post", f"/api/reports/{report.pk}/review", {"decision": "accepted"}),
        ("post", f"/api/tasks/{pk}/extensions", {"new_deadline": "2027-01-01", "reason": "x"}),
        ("post", f"/api/extensions/{ext.pk}/decision", {"approve": True}),
        ("post", f"/api/tasks/{pk}/closing", {"verdict": "met", "reason": "x"}),
        ("post", "/api/closings/999999/decision", {"approve": True}),
    ):
        assert call(client, method, url, token=token, body=body).status_code == 404, url
