"""The month-end path of one progress report through the API: the light it records is the one the rules
give, a retry is answered with the first report, the token's last use is kept to the minute, and the
number of queries does not grow with the ledger."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from luoshi.accounts.models import ApiToken
from luoshi.tasks.models import Milestone
from luoshi.tracking import actions, health
from luoshi.tracking.models import HealthChange, Notification, ProgressReport, TrackingSettings
from tests.web.test_api import token_for
from tests.web.tracking_helpers import bj

D = datetime.date
TRANSACTION = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT")


def post_report(client, task, token, period, percent, key="", narrative="推进中"):
    body = {"period": period, "percent": percent, "narrative": narrative}
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if key:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(f"/api/tasks/{task.pk}/reports", body, content_type="application/json", **headers)


def last_change(task) -> HealthChange:
    return HealthChange.objects.filter(task=task).order_by("-on", "-id").first()


# scenario → the last recorded change of light after the report: (light, day recorded, cause, changes added by
# the report). Published 5 January, acknowledged on the 6th (the 12th when late: 7 days); the March report says
# 20 % (2 % when behind) against an expected 21 % on 20 March; a late acknowledgement reports January instead.
# A light the report leaves as it was stays recorded from the acknowledgement.
SCENARIOS = {
    "on_track": ("green", D(2026, 1, 6), "签收: 按期推进", 0),
    "behind_with_bands": (
        "red",
        D(2026, 3, 20),
        "2026年3月报送进展: 进度 2% 落后序时进度 21% 超过 12 个百分点",
        1,
    ),
    "missed_milestone": ("red", D(2026, 3, 20), "2026年3月报送进展: 节点“完成选址”(2026-02-10) 逾期未完成", 1),
    "late_acknowledgement": ("yellow", D(2026, 1, 12), "签收: 逾期签收 (交办后 7 天)", 0),
    "returned_then_answered": ("green", D(2026, 3, 20), "2026年3月报送进展: 进度 20% , 序时进度 21%", 1),
}


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_a_report_records_the_light_the_rules_give_with_its_cause(client, tracked_task, liaison, supervisor, scenario):
    light, recorded_on, cause, added = SCENARIOS[scenario]
    ack_day, report_day, period, percent = bj(2026, 1, 6), bj(2026, 3, 20), "2026-03", 20
    if scenario == "late_acknowledgement":
        ack_day, report_day, period = bj(2026, 1, 12), bj(2026, 1, 20), "2026-01"
    actions.acknowledge(tracked_task.pk, liaison, at=ack_day)
    if scenario == "behind_with_bands":
        TrackingSettings.objects.create(report=tracked_task.report, yellow_behind=5, red_behind=12)
        percent = 2
    if scenario == "missed_milestone":
        Milestone.objects.create(task=tracked_task, title="完成选址", due=D(2026, 2, 10))
    if scenario == "returned_then_answered":
        first, _ = actions.submit_report(
            tracked_task.pk, liaison, period="2026-03", percent=20, narrative="初报", at=bj(2026, 3, 18)
        )
        actions.review_report(first.pk, supervisor, decision="returned", reason="请补充", at=bj(2026, 3, 19))
    token = token_for(liaison)
    before = HealthChange.objects.filter(task=tracked_task).count()
    with time_machine.travel(report_day, tick=False):
        response = post_report(client, tracked_task, token, period, percent)
    assert response.status_code == 201, response.content
    change = last_change(tracked_task)
    assert (change.new, change.on, change.cause) == (light, recorded_on, cause)
    assert HealthChange.objects.filter(task=tracked_task).count() == before + added
    if change.on == health.local_date(report_day):  # the report changed the light: its cause names the period
        assert change.cause.startswith(f"{period[:4]}年{int(period[5:])}月报送进展: ")


def test_an_unchanged_light_is_not_recorded_again(client, tracked_task, liaison):
    actions.acknowledge(tracked_task.pk, liaison, at=bj(2026, 1, 6))
    token = token_for(liaison)
    with time_machine.travel(bj(2026, 1, 20), tick=False):
        assert post_report(client, tracked_task, token, "2026-01", 5).status_code == 201
    before = HealthChange.objects.filter(task=tracked_task).count()
    with time_machine.travel(bj(2026, 2, 20), tick=False):
        assert post_report(client, tracked_task, token, "2026-02", 12).status_code == 201
    assert HealthChange.objects.filter(task=tracked_task).count() == before
    assert last_change(tracked_task).new == "green"  # 12 % against an expected 13 %: on track


def test_the_answer_shows_the_report_as_stored(client, tracked_task, liaison, supervisor):
    actions.acknowledge(tracked_task.pk, liaison, at=bj(2026, 1, 6))
    token = token_for(liaison)
    body = {"period": "2026-03", "percent": 30, "narrative": "完成选址", "links": ["https://example.cn/a"]}
    with time_machine.travel(bj(2026, 3, 20), tick=False):
        response = client.post(
            f"/api/tasks/{tracked_task.pk}/reports",
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        listed = client.get(f"/api/tasks/{tracked_task.pk}/reports", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 201 and response.json() == listed.json()[0]
    assert response.json()["evidence"] == ["https://example.cn/a"] and response.json()["review"] is None
    assert Notification.objects.filter(user=supervisor, kind="report").count() == 1


def test_a_retry_with_its_key_gets_the_first_report_even_if_it_no_longer_validates(client, tracked_task, liaison):
    actions.acknowledge(tracked_task.pk, liaison, at=bj(2026, 1, 6))
    token = token_for(liaison)
    with time_machine.travel(bj(2026, 3, 20), tick=False):
        first = post_report(client, tracked_task, token, "2026-03", 30, key="k-1")
        again = post_report(client, tracked_task, token, "2026-03", 30, key="k-1", narrative=" ")
    with time_machine.travel(bj(2026, 6, 1), tick=False):  # the period has closed since
        late = post_report(client, tracked_task, token, "2026-03", 30, key="k-1")
    assert first.status_code == 201 and again.status_code == 200 and late.status_code == 200
    assert first.json()["id"] == again.json()["id"] == late.json()["id"]
    assert ProgressReport.objects.count() == 1


def test_a_tokens_last_use_is_written_at_most_once_a_minute(client, tracked_task, liaison):
    token = token_for(liaison)
    row = ApiToken.objects.get(user=liaison)
    assert row.last_used_at is None
    start = bj(2026, 3, 20)
    for offset, expected in ((0, 0), (30, 0), (59, 0), (61, 61), (90, 61)):
        with time_machine.travel(start + datetime.timedelta(seconds=offset), tick=False):
            assert client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
        row.refresh_from_db()
        assert row.last_used_at == start + datetime.timedelta(seconds=expected)


def test_a_submission_runs_a_fixed_number_of_queries(client, tracked_task, liaison):
    actions.acknowledge(tracked_task.pk, liaison, at=bj(2026, 1, 6))
    Milestone.objects.create(task=tracked_task, title="完成选址", due=D(2026, 12, 1))  # to be read for the light
    token = token_for(liaison)
    counts = []
    for month in (1, 2, 3):
        with time_machine.travel(bj(2026, month, 20), tick=False), CaptureQueriesContext(connection) as queries:
            assert post_report(client, tracked_task, token, f"2026-0{month}", 10 * month).status_code == 201
        counts.append(len([q for q in queries if not q["sql"].startswith(TRANSACTION)]))
    # the token and its use this minute, the task as access reads it, the task locked with its light's
    # inputs, its reports, its milestones, the report, the office's supervisors and their inbox items, the
    # inbox items the report answers settled (one update), a change of light; the first report also moves
    # the task to in_progress (status and audit row); the token's use is audited (the chain's head read and
    # the entry), and on PostgreSQL each audit row also takes the chain's advisory lock
    lock = 1 if connection.vendor == "postgresql" else 0
    assert counts[0] <= 15 + 2 * lock and max(counts[1:]) <= 12 + lock, counts
