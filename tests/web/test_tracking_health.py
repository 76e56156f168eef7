"""Reporting periods and the red-yellow-green rules, computed from the data at a given date."""

from __future__ import annotations

import datetime

import pytest

from luoshi.tasks.models import Milestone
from luoshi.tracking import actions, health, periods
from luoshi.tracking.models import HealthChange, TrackingSettings
from tests.web.tracking_helpers import bj

D = datetime.date


def test_periods_are_named_due_opened_and_closed_by_cycle():
    march = periods.parse("monthly", 25, "2026-03")
    assert (march.label, march.due, march.opens, march.closes) == (
        "2026年3月",
        D(2026, 3, 25),
        D(2026, 3, 1),
        D(2026, 4, 30),
    )
    q1 = periods.parse("quarterly", 10, "2026-Q1")
    assert (q1.start, q1.end, q1.due, q1.opens) == (D(2026, 1, 1), D(2026, 3, 31), D(2026, 3, 10), D(2026, 3, 1))
    assert periods.period_at("half_yearly", 20, D(2026, 8, 1)).key == "2026-H2"
    assert periods.parse("monthly", 25, "2026-13") is None and periods.parse("quarterly", 25, "2026-03") is None
    keys = [p.key for p in periods.periods_between("monthly", 25, D(2026, 1, 28), D(2026, 4, 2))]
    assert keys == ["2026-02", "2026-03", "2026-04"]  # January's report fell due before publishing


def test_a_new_task_is_green_and_turns_yellow_when_not_acknowledged_in_time(tracked_task):
    assert health.compute(tracked_task, D(2026, 1, 6)).light == "green"
    late = health.compute(tracked_task, D(2026, 1, 9))
    assert late.light == "yellow" and "未签收" in late.reason
    assert late.label == "黄" and late.icon == "▲"


def test_late_acknowledgement_is_its_own_warning(tracked_task, liaison):
    actions.acknowledge(tracked_task.pk, liaison, at=bj(2026, 1, 12))
    h = health.compute(tracked_task, D(2026, 1, 13))
    assert h.light == "yellow" and "逾期签收" in h.reason


def test_an_overdue_report_is_yellow_and_two_missing_in_a_row_are_red(tracked_task, liaison):
    actions.acknowledge(tracked_task.pk, liaison, at=bj(2026, 1, 6))
    assert health.compute(tracked_task, D(2026, 1, 25)).light == "green"
    overdue = health.compute(tracked_task, D(2026, 1, 26))
    assert overdue.light == "yellow" and "2026年1月进展报告逾期未报" in overdue.reason
    two = health.compute(tracked_task, D(2026, 2, 26))
    assert two.light == "red" and "连续 2 期未报送" in two.reason


def test_progress_behind_expected_turns_yellow_then_red(tracked_task, liaison):
    actions.acknowledge(tracked_task.pk, liaison, at=bj(2026, 1, 6))
    actions.submit_report(tracked_task.pk, liaison, period="2026-01", percent=8, narrative="启动", at=bj(2026, 1, 20))
    actions.submit_report(tracked_task.pk, liaison, period="2026-02", percent=10, narrative="推进", at=bj(2026, 2, 20))
    actions.submit_report(tracked_task.pk, liaison, period="2026-03", percent=10, narrative="推进", at=bj(2026, 3, 20))
    h = health.compute(tracked_task, D(2026, 3, 21))  # expected (75 of 360 days) ≈ 21%
    assert h.expected == 21 and h.reported == 10 and h.light == "yellow" and "落后序时进度" in h.reason
    actions.submit_report(tracked_task.pk, liaison, period="2026-04", percent=10, narrative="停滞", at=bj(2026, 4, 20))
    actions.submit_report(tracked_task.pk, liaison, period="2026-05", percent=10, narrative="停滞", at=bj(2026, 5, 20))
    actions.submit_report(tracked_task.pk, liaison, period="2026-06", percent=10, narrative="停滞", at=bj(2026, 6, 20))
    h = health.compute(tracked_task, D(2026, 6, 21))
    assert h.light == "red" and "超过 30 个百分点" in h.reason


def test_bands_are_configured_per_ledger(tracked_task, liaison):
    actions.acknowledge(tracked_task.pk, liaison, at=bj(2026, 1, 6))
    for month in (1, 2, 3):
        actions.submit_report(
            tracked_task.pk, liaison, period=f"2026-0{month}", percent=10, narrative="推进", at=bj(2026, month, 20)
        )
    assert health.compute(tracked_task, D(2026, 3, 21)).light == "yellow"
    TrackingSettings.objects.create(report=tracked_task.report, yellow_behind=15)
    assert health.compute(tracked_task, D(2026, 3, 21)).light == "green"


def test_a_missed_milestone_or_deadline_is_red(tracked_task, liaison):
    actions.acknowledge(tracked_task.pk, liaison, at=bj(2026, 1, 6))
    Milestone.objects.create(task=tracked_task, title="完成选址", due=D(2026, 1, 20))
    h = health.compute(tracked_task, D(2026, 1, 21))
    assert h.light == "red" and "完成选址" in h.reason
    Milestone.objects.filter(task=tracked_task).update(done=True)
    h = health.compute(tracked_task, D(2027, 1, 2))
    assert h.light == "red" and "已过完成时限" in h.reason


def test_drafts_have_no_light(draft_task):
    assert health.compute(draft_task, D(2026, 6, 1)) is None


@pytest.mark.parametrize(
    ("day", "light", "cause"),
    [
        (D(2026, 1, 5), "green", "按期推进"),
        (D(2026, 1, 9), "yellow", "交办超过 3 天未签收"),
        (D(2026, 2, 26), "red", "连续 2 期未报送进展"),
    ],
)
def test_every_change_of_light_is_stored_once_with_its_cause(tracked_task, day, light, cause):
    actions.record_health(tracked_task, day)
    actions.record_health(tracked_task, day)
    changes = list(HealthChange.objects.filter(task=tracked_task))
    assert [(c.new, c.cause) for c in changes] == [(light, cause)]
