"""Ties to the ledger: the report task that promised a livelihood project shows the project's figures on its
page (budget, spent and spending progress, works progress and the stage reached, the light), to whoever may
read the task; a task that promised none shows none."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine

from luoshi.projects import actions
from luoshi.projects.models import Project
from luoshi.tasks import actions as task_actions
from luoshi.tracking import actions as tracking
from luoshi.tracking import health
from tests.web.conftest import import_sample, publish_to_education
from tests.web.test_projects import plan
from tests.web.tracking_helpers import bj

D = datetime.date
SEEN = bj(2026, 4, 1)  # the day the pages are read


@pytest.fixture
def promised(government, supervisor, leader):
    """Two report tasks of 2026 given to 州教育局: the 学前教育 one, which promised the kindergarten project, and
    another."""
    with time_machine.travel(bj(2026, 1, 4), tick=False):
        report = import_sample(government, supervisor, year=2026)
        tasks = report.tasks.filter(kind="task")
        linked = publish_to_education(tasks.filter(text__contains="学前教育").first(), supervisor, leader)
        other = publish_to_education(tasks.filter(text__contains="双减").first(), supervisor, leader)
    return linked, other


@pytest.fixture
def project(government, supervisor, liaison, promised):
    """The kindergarten project (3000 万元), published, linked to the 学前教育 task, with a March report: 900
    万元 spent and 前期 done."""
    with time_machine.travel(bj(2026, 1, 5), tick=False):
        (made,) = actions.open_projects(government, supervisor, 2026, [plan(government)])
        task_actions.publish(made.task.report, supervisor, [made.task_id])
        actions.link_promise(made.pk, supervisor, promised[0].pk)
    tracking.acknowledge(made.task_id, liaison, at=bj(2026, 1, 6))
    early = made.stages.get(name="前期")
    actions.report_period(
        made.pk,
        liaison,
        period="2026-03",
        percent=20,
        narrative="前期工作完成, 支付设计费和部分工程预付款",
        received="1500",
        disbursed="1200",
        spent="900.50",
        stages_done={early.pk: D(2026, 2, 20)},
        at=bj(2026, 3, 20),
    )
    return Project.objects.get(pk=made.pk)


def test_the_project_gives_its_figures_for_a_day(project):
    figures = project.figures(D(2026, 4, 1))
    now = figures["progress"]
    assert figures["budget"] == Decimal("3000.00")
    assert (str(now.received), str(now.disbursed), str(now.spent)) == ("1500.00", "1200.00", "900.50")
    # 900.50 of 3000: 30 %; 90 of 364 days since 1 January: 25 %; 前期 done: 10 % of the works
    assert (now.spent_share, now.time_share, now.works_share) == (30, 25, 10)
    assert figures["stage"].name == "前期"
    assert figures["light"].light == health.compute(project.task, D(2026, 4, 1)).light
    # before the report: nothing spent, no stage done
    earlier = project.figures(D(2026, 2, 1))
    assert earlier["progress"].spent == 0 and earlier["stage"] is None


@pytest.mark.parametrize("persona", ["supervisor", "liaison", "co_liaison", "leader"])
def test_the_promising_task_shows_the_projects_figures_to_whoever_reads_it(project, promised, client, persona, request):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    with time_machine.travel(SEEN, tick=False):
        html = client.get(f"/tasks/{promised[0].pk}/").content.decode()
        light = health.compute(project.task, SEEN.date())
    assert "对应民生实事项目" in html
    assert f'<a href="/projects/{project.pk}/">{project.title}</a>' in html
    assert ">3000.00<" in html and ">900.50<" in html  # budget and spent, 万元
    assert "30% / 25%" in html  # spending progress against the time elapsed
    assert ">10%<" in html and "前期 (2026-02-20)" in html  # works progress and the stage reached
    assert f"{light.label}灯" in html and light.reasons[0] in html


def test_a_task_that_promised_no_project_shows_none(project, promised, client, liaison):
    client.force_login(liaison)
    with time_machine.travel(SEEN, tick=False):
        html = client.get(f"/tasks/{promised[1].pk}/").content.decode()
    assert "对应民生实事项目" not in html and project.title not in html


def test_another_units_liaison_reads_neither_the_task_nor_its_figures(project, promised, client, outsider):
    client.force_login(outsider)
    assert client.get(f"/tasks/{promised[0].pk}/").status_code == 404
