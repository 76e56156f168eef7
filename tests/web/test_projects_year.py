"""A simulated year of a livelihood project (民生实事), day by day."""

from __future__ import annotations

import datetime
from decimal import Decimal

from luoshi.projects import actions
from luoshi.projects.models import Project, Stage
from luoshi.tasks import actions as task_actions
from luoshi.tasks.models import Task
from luoshi.tracking import actions as tracking
from luoshi.tracking.models import HealthChange
from tests.web.test_projects import plan
from tests.web.tracking_helpers import bj

D = datetime.date
M = Decimal


def _open(government, supervisor, leader, **extra) -> Project:
    (made,) = actions.open_projects(government, supervisor, 2026, [plan(government, **extra)])
    task = Task.objects.get(pk=made.task_id)
    task_actions.update_task(task.pk, supervisor, task.version, {"leader": leader, "cycle": "monthly"})
    task_actions.publish(task.report, supervisor, [task.pk], at=bj(2026, 1, 5))
    return Project.objects.get(pk=made.pk)


def _changes(project) -> list[tuple[D, str, str, str]]:
    return [(c.on, c.old, c.new, c.cause) for c in HealthChange.objects.filter(task_id=project.task_id)]


def test_a_report_that_brings_money_and_works_up_to_date_records_no_change_from_stale_figures(
    government, supervisor, liaison, leader
):
    """The matter's report is written before its money and stages; the light recorded is the one of the
    report with its money, not a passing one of the report without it."""
    project = _open(government, supervisor, leader)
    tracking.acknowledge(project.task_id, liaison, at=bj(2026, 1, 6))
    ids = {s.name: s.pk for s in Stage.objects.filter(project=project)}
    # 20 April: 109 of 364 days (30 %); without this report's money (0 spent) and stages (前期 due 28 Feb)
    # the project would be red; with them — 900 of 3000 spent (30 %), works 前期 + 开工 = 30 % — green
    actions.report_period(
        project.pk,
        liaison,
        period="2026-04",
        percent=30,
        narrative="前期完成, 已开工",
        received="1500",
        disbursed="1000",
        spent="900",
        stages_done={ids["前期"]: D(2026, 2, 20), ids["开工"]: D(2026, 4, 18)},
        at=bj(2026, 4, 20),
    )
    assert [(on, old, new) for on, old, new, _ in _changes(project)] == [(D(2026, 1, 6), "", "green")]

    # 20 May: spending stands still at 30 % against 38 % of the time (8 behind: green), but a report that
    # leaves works behind money does change the light, recorded once with this report's figures
    actions.report_period(
        project.pk,
        liaison,
        period="2026-05",
        percent=38,
        narrative="主体施工",
        received="3000",
        disbursed="2500",
        spent="2100",
        at=bj(2026, 5, 20),
    )
    assert _changes(project)[1:] == [
        (
            D(2026, 5, 20),
            "green",
            "red",
            "2026-05 报送资金与形象进度: 形象进度 30% 落后支出进度 70% 超过 30 个百分点",
        )
    ]
